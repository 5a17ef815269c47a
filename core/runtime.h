// Engine-wide runtime settings: thread count and allocator tuning. Call setThreadCount() once at
// start-up (the CLI's --threads, the GUI's setting); everything in core reads threadCount().
#pragma once

namespace convscope::core {

// Number of hardware threads (std::thread::hardware_concurrency, at least 1).
int hardwareThreads();

// Sets the OpenMP and Eigen thread counts used by every parallel loop and GEMM in core.
// Values < 1 mean hardwareThreads().
void setThreadCount(int threads);
int threadCount();

// Keeps glibc from returning large freed blocks to the OS on every free. Eigen allocates its GEMM
// packing buffers on every product; with glibc's default mmap threshold each of those is an
// mmap/munmap pair with page faults (+30% on AlexNet conv5). Idempotent; called by setThreadCount.
void tuneAllocator();

}  // namespace convscope::core
