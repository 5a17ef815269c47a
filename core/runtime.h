// Engine-wide runtime settings: the thread count. Call setThreadCount() once at start-up (the CLI's
// --threads, the GUI's setting); everything in core reads threadCount().
#pragma once

namespace convscope::core {

// Number of hardware threads (std::thread::hardware_concurrency, at least 1).
int hardwareThreads();

// Sets the OpenMP and Eigen thread counts used by every parallel loop and GEMM in core.
// Values < 1 mean hardwareThreads().
void setThreadCount(int threads);
int threadCount();

}  // namespace convscope::core
