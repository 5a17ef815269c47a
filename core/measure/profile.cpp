// Network profiling and the FMA peak measurement.
#include "measure/profile.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <numeric>

#include "base/runtime.h"
#include "base/tensor.h"
#include "kernels/kernels.h"
#include "net/models.h"

namespace convscope::core {

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

    Tensor input(net.inputShape(options.batch));
    fillUniform(input, options.seed, 0.0f, 1.0f);
    ForwardContext ctx;
    ctx.convMethod = options.method;
    ctx.colMemoryLimit = options.colMemoryLimit;
    ctx.cancelled = options.cancelled;
    // Set up before the clock starts: the first run is the cold one, not the one that packs.
    net.prepare(options.method);

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
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
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
// Sums [begin, end) with four independent vector accumulators, so the loop is bound by loads,
// not by the latency of one chain of additions.
__attribute__((noinline)) float sumStream(const float* data, std::int64_t begin, std::int64_t end) {
    // Four streams read at once, from four quarters of the range: the prefetchers track several
    // streams, as they do for the rows of a GEMV.
    constexpr int kStreams = 4;
    const std::int64_t quarter = (end - begin) / kStreams / 16 * 16;
    float acc[kStreams][16] = {};
    for (std::int64_t i = 0; i < quarter; i += 16)
        for (int a = 0; a < kStreams; ++a)
#pragma omp simd
            for (int j = 0; j < 16; ++j) acc[a][j] += data[begin + a * quarter + i + j];
    float total = 0;
    for (std::int64_t i = begin + kStreams * quarter; i < end; ++i) total += data[i];
    for (int a = 0; a < kStreams; ++a)
        for (int j = 0; j < 16; ++j) total += acc[a][j];
    return total;
}
}  // namespace

double measureReadBandwidth(int threads, std::size_t bytes) {
    threads = std::max(1, threads);
    Tensor buffer(1, 1, 1, int(bytes / sizeof(float)));
    buffer.fill(1.0f);  // touch every page before timing
    const std::int64_t n = buffer.count();
    const float* data = buffer.data();
    double best = 0;
    float sink = 0;
    for (int pass = 0; pass < 4; ++pass) {
        const auto t0 = std::chrono::steady_clock::now();
        float total = 0;
#pragma omp parallel for num_threads(threads) reduction(+ : total) schedule(static, 1)
        for (int t = 0; t < threads; ++t)
            total += sumStream(data, n * t / threads, n * (t + 1) / threads);
        const double dt =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        sink += total;
        best = std::max(best, double(n) * sizeof(float) / dt / 1e9);
    }
    volatile float keep = sink;
    (void)keep;
    return best;
}

double measurePeakGflops(int threads, double seconds) {
    // The active kernel variant's loop: the peak its kernels can reach on this CPU.
    auto* fmaLoop = CONVSCOPE_KERNEL(fmaLoop);
    const double flopsPerIteration = CONVSCOPE_KERNEL(fmaFlopsPerIteration)();
    threads = std::max(1, threads);
    long iterations = 1 << 16;
    double best = 0;
    float sink = 0;
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() <
           seconds) {
        const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel for num_threads(threads) reduction(+ : sink)
        for (int t = 0; t < threads; ++t) sink += fmaLoop(iterations, 0.999999f, 1e-7f);
        const double dt =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::max(best, flopsPerIteration * double(iterations) * threads / dt / 1e9);
        if (dt < 0.01) iterations *= 2;
    }
    volatile float keep = sink;
    (void)keep;
    return best;
}

}  // namespace convscope::core
