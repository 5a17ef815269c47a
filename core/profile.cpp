// Network profiling and the FMA peak measurement.
#include "profile.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <numeric>

#include <immintrin.h>

#include "models.h"
#include "runtime.h"
#include "tensor.h"

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

// Independent accumulator chains hide FMA latency (4 cycles, 2 ports: 8 in flight; 12 is safe).
// Written with the widest vector intrinsics the build targets, because compilers prefer 256-bit
// vectors even where 512-bit FMA units exist, and Eigen's GEMM does use them.
constexpr int kChains = 12;
#if defined(__AVX512F__)
using Vec = __m512;
constexpr int kWidth = 16;
inline Vec vset(float v) {
    return _mm512_set1_ps(v);
}
inline Vec vfma(Vec a, Vec b, Vec c) {
    return _mm512_fmadd_ps(a, b, c);
}
inline float vsum(Vec v) {
    alignas(64) float f[16];
    _mm512_store_ps(f, v);
    float s = 0;
    for (float x : f) s += x;
    return s;
}
#elif defined(__AVX2__) && defined(__FMA__)
using Vec = __m256;
constexpr int kWidth = 8;
inline Vec vset(float v) {
    return _mm256_set1_ps(v);
}
inline Vec vfma(Vec a, Vec b, Vec c) {
    return _mm256_fmadd_ps(a, b, c);
}
inline float vsum(Vec v) {
    alignas(32) float f[8];
    _mm256_store_ps(f, v);
    return f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
}
#else
using Vec = float;
constexpr int kWidth = 1;
inline Vec vset(float v) {
    return v;
}
inline Vec vfma(Vec a, Vec b, Vec c) {
    return a * b + c;
}
inline float vsum(Vec v) {
    return v;
}
#endif

__attribute__((noinline)) float fmaLoop(long iterations, float a, float b) {
    Vec acc[kChains];
    for (int c = 0; c < kChains; ++c) acc[c] = vset(float(c) * 1e-3f);
    const Vec va = vset(a), vb = vset(b);
    for (long i = 0; i < iterations; ++i)
        for (int c = 0; c < kChains; ++c) acc[c] = vfma(acc[c], va, vb);
    float s = 0;
    for (int c = 0; c < kChains; ++c) s += vsum(acc[c]);
    return s;
}

}  // namespace

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
        for (int t = 0; t < threads; ++t) total += sumStream(data, n * t / threads, n * (t + 1) / threads);
        const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        sink += total;
        best = std::max(best, double(n) * sizeof(float) / dt / 1e9);
    }
    volatile float keep = sink;
    (void)keep;
    return best;
}

double measurePeakGflops(int threads, double seconds) {
    constexpr double kFlopsPerIteration = kChains * kWidth * 2;
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
        best = std::max(best, kFlopsPerIteration * double(iterations) * threads / dt / 1e9);
        if (dt < 0.01) iterations *= 2;
    }
    volatile float keep = sink;
    (void)keep;
    return best;
}

}  // namespace convscope::core
