// Timing a piece of work the one way the engine, its peers and the GUI all do: `warmup` untimed
// runs, `repeat` timed ones, their median. Start at timeRuns().
#pragma once

#include <functional>
#include <vector>

namespace convscope::core {

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
