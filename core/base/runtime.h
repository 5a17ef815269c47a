// Engine-wide runtime settings: the thread count. Call setThreadCount() once at start-up (the CLI's
// --threads, the GUI's setting); everything in core reads threadCount().
#pragma once

namespace convscope::core {

// Number of hardware threads (std::thread::hardware_concurrency, at least 1).
int hardwareThreads();

// Sets the OpenMP and Eigen thread counts used by every parallel loop and GEMM in core.
// Values < 1 mean hardwareThreads().
void setThreadCount(int threads);
// The thread count for work started on the calling thread: the global one, or less within a
// ThreadLimit on this thread. Every parallel loop in core asks for it.
int threadCount();

// Caps threadCount() on the calling thread for its lifetime. With a limit of 1, core's loops run
// on the calling thread alone and OpenMP starts no team for it (the GUI thread's quick work; see
// ui/jobs/engine_pool.h). Eigen's own GEMM threading is not covered: use the blocked GEMM there.
class ThreadLimit {
public:
    explicit ThreadLimit(int threads);
    ~ThreadLimit();
    ThreadLimit(const ThreadLimit&) = delete;
    ThreadLimit& operator=(const ThreadLimit&) = delete;

private:
    int m_previous;
};

}  // namespace convscope::core
