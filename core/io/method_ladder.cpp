// The method ladder.
#include "method_ladder.h"

#include <chrono>
#include <cmath>
#include <limits>

#include "../error.h"
#include "../layers/convolution.h"
#include "../models.h"
#include "fft_conv.h"
#ifdef CONVSCOPE_HAVE_ONEDNN
#include "../peers/onednn_conv.h"
#endif

namespace convscope::core::io {

namespace {
constexpr ConvMethod kEngineRungs[] = {ConvMethod::Direct, ConvMethod::Im2colGemm,
                                       ConvMethod::Im2colBlocked, ConvMethod::Implicit,
                                       ConvMethod::DirectSimd};
const char* kOneDnn = "onednn (peer)";
const char* kFft = "fft (OpenCV dft)";

// Times `conv` alone with `method` on a seeded input of shape `in`, the way the outside rungs are
// timed (warm: weights and input stay in cache between runs), into its LayerProfile: median,
// min, max and the im2col / GEMM split.
void timeAlone(const ConvolutionLayer& conv, const Shape& in, ConvMethod method,
               const ProfileOptions& options, LayerProfile& l) {
    using Clock = std::chrono::steady_clock;
    Tensor input(in);
    fillUniform(input, options.seed, 0.0f, 1.0f);
    const Shape inShape = in;
    Tensor output(conv.outputShape({&inShape, 1}));
    const Tensor* inputs[] = {&input};
    ForwardContext ctx;
    ctx.convMethod = method;
    ctx.colMemoryLimit = options.colMemoryLimit;
    std::vector<double> ms, im2col, gemm;
    const int warmup = options.warmup + 1;
    for (int r = 0; r < warmup + options.repeat; ++r) {
        if (options.cancelled && options.cancelled())
            throw Error(ErrorCategory::Cancelled, "cancelled by the user");
        ctx.conv = {};
        const auto t0 = Clock::now();
        conv.forward(inputs, output, ctx);
        if (r < warmup) continue;
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        im2col.push_back(ctx.conv.im2colSeconds * 1e3);
        gemm.push_back(ctx.conv.gemmSeconds * 1e3);
    }
    l.medianMs = median(ms);
    l.minMs = *std::min_element(ms.begin(), ms.end());
    l.maxMs = *std::max_element(ms.begin(), ms.end());
    l.im2colMs = median(im2col);
    l.gemmMs = median(gemm);
}

}  // namespace

std::vector<std::string> ladderRungs() {
    std::vector<std::string> labels;
    for (ConvMethod m : kEngineRungs) labels.push_back(toString(m));
#ifdef CONVSCOPE_HAVE_ONEDNN
    labels.push_back(kOneDnn);
#endif
    labels.push_back(kFft);
    return labels;
}

std::vector<NetworkProfile> profileLadder(Network& net, const ProfileOptions& options,
                                          const LadderProgress& progress) {
    const std::vector<std::string> labels = ladderRungs();
    const int rungs = int(labels.size());
    auto begin = [&](int i) {
        if (options.cancelled && options.cancelled())
            throw Error(ErrorCategory::Cancelled, "cancelled by the user");
        if (progress) progress(i, rungs, labels[std::size_t(i)]);
    };
    std::vector<NetworkProfile> ladder;
    int rung = 0;
    for (ConvMethod m : kEngineRungs) {
        begin(rung++);
        ProfileOptions o = options;
        o.method = m;
        o.progress = {};
        if (m == ConvMethod::Direct) o.repeat = 1, o.warmup = 0;
        NetworkProfile profile = profileNetwork(net, o);
        // The network total stays the whole forward's; each conv layer's time is measured alone,
        // as the outside rungs are (in the forward, fc6-fc8's 234 MB of weights push the conv
        // weights out of cache between runs: conv3 alone 1.38 ms, in the forward 1.61). Not the
        // direct loops: at ~1 GFLOP/s cache effects do not show, and a second run of them would
        // double the ladder's slowest rung.
        const std::vector<Shape> shapes = net.inferShapes(options.batch);
        for (int i = 0; m != ConvMethod::Direct && i < net.size(); ++i)
            if (const auto* conv = dynamic_cast<const ConvolutionLayer*>(&net.layer(i)))
                timeAlone(*conv, net.inputShapes(i, shapes, options.batch)[0], m, options,
                          profile.layers[std::size_t(i)]);
        ladder.push_back(std::move(profile));
    }
    // im2col + Eigen gives the non-conv layers' times. A copy: the pushes below reallocate.
    const NetworkProfile like = ladder[1];
    auto checked = [&](const ConvLayerTimer& timer) {
        return [&, timer](const ConvolutionLayer& conv, const Shape& in) {
            if (options.cancelled && options.cancelled())
                throw Error(ErrorCategory::Cancelled, "cancelled by the user");
            return timer(conv, in);
        };
    };
#ifdef CONVSCOPE_HAVE_ONEDNN
    begin(rung++);
    ladder.push_back(externalRung(net, like, kOneDnn, options.batch,
                                  checked([&](const ConvolutionLayer& conv, const Shape& in) {
                                      peers::OneDnnConv peer(in, conv.params(), conv.weights(),
                                                             conv.bias());
                                      return peer.timeMs(options.warmup + 1, options.repeat);
                                  })));
#endif
    // Last: OpenCV's worker threads keep spinning for a while after the transforms and would
    // slow whatever runs next. Dilated layers are skipped (NaN).
    begin(rung++);
    ladder.push_back(externalRung(net, like, kFft, options.batch,
                                  checked([&](const ConvolutionLayer& conv, const Shape& in) {
                                      const WindowParams& p = conv.params();
                                      if (p.dilationH != 1 || p.dilationW != 1)
                                          return std::numeric_limits<double>::quiet_NaN();
                                      FftConv fft(in, p, conv.weights(), conv.bias());
                                      Tensor input(in);
                                      fillUniform(input, options.seed, 0.0f, 1.0f);
                                      return fft.timeMs(input, 1, std::max(1, options.repeat / 4));
                                  })));
    return ladder;
}

}  // namespace convscope::core::io
