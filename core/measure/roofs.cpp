// The FMA peak and the read bandwidth (roofs.h).
#include "measure/roofs.h"

#include <algorithm>
#include <cstdint>

#include "base/tensor.h"
#include "base/timing.h"
#include "kernels/kernels.h"

namespace convscope::core {

MachineRoofs measureRoofs(int threads, bool bandwidth, MachineRoofs known) {
    threads = std::max(1, threads);
    if (known.peakGflopsOneThread <= 0) known.peakGflopsOneThread = measurePeakGflops(1);
    if (known.peakGflops <= 0)
        known.peakGflops = threads == 1 ? known.peakGflopsOneThread : measurePeakGflops(threads);
    if (bandwidth && known.readBandwidthGBs <= 0)
        known.readBandwidthGBs = measureReadBandwidth(threads);
    return known;
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
        const Stopwatch watch;
        float total = 0;
#pragma omp parallel for num_threads(threads) reduction(+ : total) schedule(static, 1)
        for (int t = 0; t < threads; ++t)
            total += sumStream(data, n * t / threads, n * (t + 1) / threads);
        const double dt = watch.seconds();
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
    const Stopwatch total;
    while (total.seconds() < seconds) {
        const Stopwatch watch;
#pragma omp parallel for num_threads(threads) reduction(+ : sink)
        for (int t = 0; t < threads; ++t) sink += fmaLoop(iterations, 0.999999f, 1e-7f);
        const double dt = watch.seconds();
        best = std::max(best, flopsPerIteration * double(iterations) * threads / dt / 1e9);
        if (dt < 0.01) iterations *= 2;
    }
    volatile float keep = sink;
    (void)keep;
    return best;
}

}  // namespace convscope::core
