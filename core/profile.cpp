// Network profiling and the FMA peak measurement.
#include "profile.h"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "models.h"
#include "runtime.h"

namespace convscope::core {

double median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const std::size_t m = values.size() / 2;
    return values.size() % 2 ? values[m] : 0.5 * (values[m - 1] + values[m]);
}

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

NetworkProfile profileNetwork(Network& net, const ProfileOptions& options) {
    const std::vector<Shape> shapes = net.inferShapes(options.batch);
    NetworkProfile result;
    result.network = net.name();
    result.batch = options.batch;
    result.threads = threadCount();
    result.warmup = std::max(0, options.warmup);
    result.repeat = std::max(1, options.repeat);
    result.method = options.method;

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

    Tensor input(net.inputShape(options.batch));
    fillUniform(input, options.seed, 0.0f, 1.0f);
    ForwardContext ctx;
    ctx.convMethod = options.method;
    ctx.colMemoryLimit = options.colMemoryLimit;
    ctx.cancelled = options.cancelled;

    const int runs = 1 + result.warmup + result.repeat;
    const auto perLayer = [L] { return std::vector<std::vector<double>>(std::size_t(L)); };
    std::vector<std::vector<double>> ms = perLayer(), im2colMs = perLayer(), gemmMs = perLayer();
    std::vector<double> totals;
    for (int run = 0; run < runs; ++run) {
        const bool timed = run > result.warmup;
        const auto t0 = std::chrono::steady_clock::now();
        net.forward(input, ctx, [&](int i, double seconds, const ForwardContext& c) {
            LayerProfile& p = result.layers[std::size_t(i)];
            if (run == 0) p.firstMs = seconds * 1e3;
            p.colBytes = std::max(p.colBytes, c.conv.colBytes);
            p.tiles = c.conv.tiles;
            if (!timed) return;
            ms[std::size_t(i)].push_back(seconds * 1e3);
            im2colMs[std::size_t(i)].push_back(c.conv.im2colSeconds * 1e3);
            gemmMs[std::size_t(i)].push_back(c.conv.gemmSeconds * 1e3);
        });
        const double total =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (run == 0) result.firstTotalMs = total;
        if (timed) totals.push_back(total);
        if (options.progress) options.progress(run + 1, runs);
    }
    for (int i = 0; i < L; ++i) {
        LayerProfile& p = result.layers[std::size_t(i)];
        const auto& v = ms[std::size_t(i)];
        p.medianMs = median(v);
        p.minMs = *std::min_element(v.begin(), v.end());
        p.maxMs = *std::max_element(v.begin(), v.end());
        p.im2colMs = median(im2colMs[std::size_t(i)]);
        p.gemmMs = median(gemmMs[std::size_t(i)]);
    }
    result.medianTotalMs = median(totals);
    result.minTotalMs = *std::min_element(totals.begin(), totals.end());
    result.maxTotalMs = *std::max_element(totals.begin(), totals.end());
    return result;
}

namespace {
// Independent accumulator chains hide FMA latency; 8 vectors of 16 floats (or whatever the
// compiler vectorises to) per iteration.
__attribute__((noinline)) float fmaLoop(long iterations, float a, float b) {
    constexpr int kChains = 12, kWidth = 16;
    float acc[kChains][kWidth];
    for (int c = 0; c < kChains; ++c)
        for (int w = 0; w < kWidth; ++w) acc[c][w] = float(c + w) * 1e-3f;
    for (long i = 0; i < iterations; ++i)
        for (int c = 0; c < kChains; ++c)
#pragma omp simd
            for (int w = 0; w < kWidth; ++w) acc[c][w] = acc[c][w] * a + b;
    float s = 0;
    for (int c = 0; c < kChains; ++c)
        for (int w = 0; w < kWidth; ++w) s += acc[c][w];
    return s;
}
}  // namespace

double measurePeakGflopsPerCore(double seconds) {
    constexpr double kFlopsPerIteration = 12 * 16 * 2;
    volatile float sink = 0;
    long iterations = 1 << 16;
    double best = 0;
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < seconds) {
        const auto t0 = std::chrono::steady_clock::now();
        sink = sink + fmaLoop(iterations, 0.999999f, 1e-7f);
        const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::max(best, kFlopsPerIteration * double(iterations) / dt / 1e9);
        if (dt < 0.01) iterations *= 2;
    }
    return best;
}

}  // namespace convscope::core
