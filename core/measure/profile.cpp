// Network profiling: per-layer wall times of R runs after a cold one and the warm-up.
#include "measure/profile.h"

#include <algorithm>

#include "base/runtime.h"
#include "base/tensor.h"
#include "base/timing.h"
#include "net/models.h"

namespace convscope::core {

std::int64_t NetworkProfile::totalFlops() const {
    std::int64_t s = 0;
    for (const LayerProfile& l : layers) s += l.flops;
    return s;
}

double NetworkProfile::categoryMs(LayerCategory category) const {
    double s = 0;
    for (const LayerProfile& l : layers)
        if (l.category == category) s += l.medianMs;
    return s;
}

double NetworkProfile::layerSumMs() const {
    double s = 0;
    for (const LayerProfile& l : layers) s += l.medianMs;
    return s;
}

Tensor profileInput(const Network& net, int batch, std::uint32_t seed) {
    Tensor input(net.inputShape(batch));
    fillUniform(input, seed, 0.0f, 1.0f);
    return input;
}

NetworkProfile profileNetwork(Network& net, const ProfileOptions& options) {
    const std::vector<Shape> shapes = net.inferShapes(options.batch);
    NetworkProfile result;
    result.network = net.name();
    result.batch = options.batch;
    result.threads = threadCount();
    result.isa = activeIsa();
    result.warmup = std::max(0, options.warmup);
    result.repeat = std::max(1, options.repeat);
    result.method = options.method;
    result.methodLabel = toString(options.method);

    const int L = net.size();
    result.layers.resize(std::size_t(L));
    for (int i = 0; i < L; ++i) {
        const Layer& layer = net.layer(i);
        const std::vector<Shape> ins = net.inputShapes(i, shapes, options.batch);
        LayerProfile& p = result.layers[std::size_t(i)];
        p.name = layer.name();
        p.type = layer.type();
        p.params = layer.describe();
        p.category = layer.category();
        p.output = shapes[std::size_t(i)];
        p.gemm = layer.gemmShape(ins);
        p.flops = layer.flops(ins);
        p.weightBytes = layer.weightBytes();
        p.activationBytes = p.output.count() * std::int64_t(sizeof(float));
    }

    const Tensor input = profileInput(net, options.batch, options.seed);
    ForwardContext ctx;
    ctx.convMethod = options.method;
    ctx.colMemoryLimit = options.colMemoryLimit;
    ctx.cancelled = options.cancelled;
    // Set up before the clock starts: the first run is the cold one, not the one that packs (or,
    // under auto, times the candidates).
    const Stopwatch setup;
    net.prepare(options.method, options.cancelled, options.batch);
    result.prepareMs = setup.ms();
    std::vector<bool> isConv(static_cast<std::size_t>(L));
    for (int i = 0; i < L; ++i)
        isConv[std::size_t(i)] = dynamic_cast<const ConvolutionLayer*>(&net.layer(i)) != nullptr;

    // Run 0 is the cold one: untimed, like the warm-up runs, but its times are kept apart.
    const auto perLayer = [L] { return std::vector<std::vector<double>>(std::size_t(L)); };
    std::vector<std::vector<double>> ms = perLayer(), im2colMs = perLayer(), gemmMs = perLayer();
    const int untimed = 1 + result.warmup;
    const TimingStats total = timeRuns(
        untimed, result.repeat,
        [&](int run) {
            net.forward(input, ctx, [&](int i, double seconds, const ForwardContext& c) {
                LayerProfile& p = result.layers[std::size_t(i)];
                if (run == 0) {
                    p.firstMs = seconds * 1e3;
                    if (isConv[std::size_t(i)]) p.method = toString(c.conv.method);
                    if (c.conv.choice) p.methodWhy = c.conv.choice->why();
                }
                p.colBytes = std::max(p.colBytes, c.conv.colBytes);
                p.tiles = c.conv.tiles;
                if (run < untimed) return;
                ms[std::size_t(i)].push_back(seconds * 1e3);
                im2colMs[std::size_t(i)].push_back(c.conv.im2colSeconds * 1e3);
                gemmMs[std::size_t(i)].push_back(c.conv.gemmSeconds * 1e3);
            });
        },
        options.cancelled, options.progress);
    for (int i = 0; i < L; ++i) {
        LayerProfile& p = result.layers[std::size_t(i)];
        const TimingStats layer = summarize(std::move(ms[std::size_t(i)]));
        p.medianMs = layer.medianMs;
        p.minMs = layer.minMs;
        p.maxMs = layer.maxMs;
        p.im2colMs = median(std::move(im2colMs[std::size_t(i)]));
        p.gemmMs = median(std::move(gemmMs[std::size_t(i)]));
    }
    result.firstTotalMs = total.firstMs;
    result.medianTotalMs = total.medianMs;
    result.minTotalMs = total.minMs;
    result.maxTotalMs = total.maxMs;
    return result;
}

}  // namespace convscope::core
