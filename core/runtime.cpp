// Thread-count plumbing (OpenMP + Eigen) and glibc allocator tuning.
#include "runtime.h"

#include <Eigen/Core>
#include <atomic>
#include <thread>

#include <omp.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace convscope::core {

namespace {
std::atomic<int> g_threads{0};
}

int hardwareThreads() {
    const unsigned n = std::thread::hardware_concurrency();
    return n ? int(n) : 1;
}

void tuneAllocator() {
#if defined(__GLIBC__)
    static const bool done = [] {
        // 1 GiB: blocks below this come from the heap and stay mapped after free.
        mallopt(M_MMAP_THRESHOLD, 1 << 30);
        mallopt(M_TRIM_THRESHOLD, 1 << 30);
        return true;
    }();
    (void)done;
#endif
}

void setThreadCount(int threads) {
    tuneAllocator();
    const int n = threads < 1 ? hardwareThreads() : threads;
    omp_set_num_threads(n);
    Eigen::setNbThreads(n);
    g_threads = n;
}

int threadCount() {
    if (g_threads == 0) setThreadCount(0);
    return g_threads;
}

}  // namespace convscope::core
