// Timing, the one way the engine, its peers and the GUI all do it: a Stopwatch for one phase (the
// per-layer and im2col/GEMM times a forward records), and timeRuns() for a piece of work: `warmup`
// untimed runs, `repeat` timed ones, their median.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

namespace convscope::core {

// Wall time since construction (or restart()), on the steady clock.
class Stopwatch {
public:
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    }
    double ms() const { return seconds() * 1e3; }
    void restart() { m_start = std::chrono::steady_clock::now(); }

private:
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

// The median of `values` (the mean of the middle two for an even count); 0 when empty.
double median(std::vector<double> values);

// Wall times of one timeRuns() call, in ms.
struct TimingStats {
    int warmup = 0, repeat = 0;  // the runs made: untimed, then timed
    double firstMs = 0;          // the very first run (cold; a warm-up one when warmup > 0)
    double medianMs = 0, minMs = 0, maxMs = 0;  // over the timed runs
    std::vector<double> ms;                     // every timed run, in order
};

// Summary of timed samples: median, min and max (0 when empty); warmup 0, firstMs = ms[0].
TimingStats summarize(std::vector<double> ms);

// Calls run(i) for i = 0 .. warmup + repeat - 1 (runs i >= warmup are the timed ones) and times
// each call with a steady clock. repeat < 1 counts as 1, warmup < 0 as 0. Before each run polls
// `cancelled` and throws Error(Cancelled) when it says so; after each calls progress(done,
// total). Exceptions from `run` propagate.
TimingStats timeRuns(int warmup, int repeat, const std::function<void(int run)>& run,
                     const std::function<bool()>& cancelled = {},
                     const std::function<void(int done, int total)>& progress = {});

}  // namespace convscope::core
