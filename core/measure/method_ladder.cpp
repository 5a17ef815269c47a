// The method ladder.
#include "measure/method_ladder.h"

#include <cmath>
#include <limits>

#include "base/error.h"
#include "layers/convolution.h"
#include "net/models.h"
#include "peers/fft_conv.h"
#ifdef CONVSCOPE_HAVE_ONEDNN
#include "peers/onednn_conv.h"
#endif
#ifdef CONVSCOPE_HAVE_XNNPACK
#include "peers/xnnpack_conv.h"
#endif

namespace convscope::core::io {

namespace {
// The rung whose non-conv layer times the outside rungs take (they time conv layers only).
constexpr ConvMethod kNonConvTimesFrom = kTeachingConvMethod;
const char* kOneDnn = "onednn (peer)";
const char* kXnnpack = "xnnpack (peer)";
const char* kFft = "fft (OpenCV dft)";

// A conv layer set up in an outside library (oneDNN, XNNPACK) and timed as its own benchmarks
// time it: the primitive alone, median ms.
template <class Peer>
double timeInLibrary(const ConvolutionLayer& conv, const Shape& in, const ProfileOptions& options) {
    Peer peer(in, conv.params(), conv.weights(), conv.bias());
    return peer.timeMs(options.warmup + 1, options.repeat);
}
}  // namespace

NetworkProfile externalRung(const Network& net, NetworkProfile rung, const std::string& label,
                            int batch, const ConvLayerTimer& timeLayer) {
    rung.methodLabel = label;
    rung.medianTotalMs = std::numeric_limits<double>::quiet_NaN();
    const std::vector<Shape> shapes = net.inferShapes(batch);
    for (int i = 0; i < net.size(); ++i) {
        const auto* conv = dynamic_cast<const ConvolutionLayer*>(&net.layer(i));
        if (!conv) continue;
        LayerProfile& l = rung.layers[std::size_t(i)];
        l.medianMs = timeLayer(*conv, net.inputShapes(i, shapes, batch)[0]);
        l.colBytes = 0;
    }
    return rung;
}

std::vector<std::string> ladderRungs() {
    std::vector<std::string> labels;
    for (const ConvMethodInfo& m : convMethods())
        if (!m.chooses) labels.push_back(std::string(m.label));  // auto is no rung: it picks one
#ifdef CONVSCOPE_HAVE_ONEDNN
    labels.push_back(kOneDnn);
#endif
#ifdef CONVSCOPE_HAVE_XNNPACK
    labels.push_back(kXnnpack);
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
    for (const ConvMethodInfo& info : convMethods()) {
        if (info.chooses) continue;
        const ConvMethod m = info.id;
        begin(rung++);
        ProfileOptions o = options;
        o.method = m;
        o.progress = {};
        if (m == ConvMethod::Direct) o.repeat = 1, o.warmup = 0;
        NetworkProfile profile = profileNetwork(net, o);
        // The network total stays the whole forward's; each conv layer's time is measured alone,
        // as the outside rungs are (in the forward, fc6-fc8's 234 MB of weights push the conv
        // weights out of cache between runs: conv3 alone 1.38 ms, in the forward 1.61): the
        // profile of a network of that layer alone. Not the direct loops: at ~1 GFLOP/s cache
        // effects do not show, and a second run of them would double the ladder's slowest rung.
        for (int i = 0; m != ConvMethod::Direct && i < net.size(); ++i) {
            if (!dynamic_cast<const ConvolutionLayer*>(&net.layer(i))) continue;
            const NetworkProfile alone =
                profileNetwork(*convLayerAlone(net, net.layer(i).name()), o);
            LayerProfile& l = profile.layers[std::size_t(i)];
            const LayerProfile& a = alone.layers[0];
            l.firstMs = a.firstMs, l.medianMs = a.medianMs, l.minMs = a.minMs, l.maxMs = a.maxMs;
            l.im2colMs = a.im2colMs, l.gemmMs = a.gemmMs;
        }
        ladder.push_back(std::move(profile));
    }
    // A copy: the pushes below reallocate.
    const NetworkProfile like = ladder[std::size_t(kNonConvTimesFrom)];
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
                                      return timeInLibrary<peers::OneDnnConv>(conv, in, options);
                                  })));
#endif
#ifdef CONVSCOPE_HAVE_XNNPACK
    begin(rung++);
    ladder.push_back(externalRung(net, like, kXnnpack, options.batch,
                                  checked([&](const ConvolutionLayer& conv, const Shape& in) {
                                      return timeInLibrary<peers::XnnpackConv>(conv, in, options);
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
