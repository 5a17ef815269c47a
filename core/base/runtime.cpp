// Thread-count plumbing (OpenMP + Eigen, whose GEMM keeps a count per kernel copy).
//
// Eigen allocates its GEMM packing buffers on every product. Raising glibc's mmap/trim thresholds
// (mallopt) to keep them on the heap was measured here (AlexNet, 1 and 2 threads, 3 interleaved
// A/B runs each): no difference beyond noise, because glibc's dynamic mmap threshold already
// rises to 32 MiB after the first free. It would also keep freed 512 MiB im2col tiles mapped, so
// the engine leaves the allocator alone.
#include "base/runtime.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include <omp.h>

#include "kernels/kernels.h"

namespace convscope::core {

namespace {
std::atomic<int> g_threads{0};
thread_local int t_limit = 0;  // 0: no limit on this thread
}  // namespace

ThreadLimit::ThreadLimit(int threads) : m_previous(t_limit) {
    t_limit = std::max(1, threads);
}

ThreadLimit::~ThreadLimit() {
    t_limit = m_previous;
}

int hardwareThreads() {
    const unsigned n = std::thread::hardware_concurrency();
    return n ? int(n) : 1;
}

void setThreadCount(int threads) {
    const int n = threads < 1 ? hardwareThreads() : threads;
    omp_set_num_threads(n);
    for (Isa isa : supportedIsas()) CONVSCOPE_KERNEL_FOR(isa, setGemmThreads)(n);
    g_threads = n;
}

int threadCount() {
    if (g_threads == 0) setThreadCount(0);
    return t_limit > 0 ? std::min(t_limit, g_threads.load()) : g_threads.load();
}

}  // namespace convscope::core
