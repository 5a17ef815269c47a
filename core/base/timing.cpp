// The warm-up + repeat + median loop (timing.h).
#include "base/timing.h"

#include <algorithm>
#include <chrono>

#include "base/error.h"

namespace convscope::core {

double median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const std::size_t m = values.size() / 2;
    return values.size() % 2 ? values[m] : 0.5 * (values[m - 1] + values[m]);
}

TimingStats summarize(std::vector<double> ms) {
    TimingStats s;
    s.repeat = int(ms.size());
    if (!ms.empty()) {
        s.firstMs = ms.front();
        s.minMs = *std::min_element(ms.begin(), ms.end());
        s.maxMs = *std::max_element(ms.begin(), ms.end());
        s.medianMs = median(ms);
    }
    s.ms = std::move(ms);
    return s;
}

TimingStats timeRuns(int warmup, int repeat, const std::function<void(int run)>& run,
                     const std::function<bool()>& cancelled,
                     const std::function<void(int done, int total)>& progress) {
    warmup = std::max(0, warmup);
    repeat = std::max(1, repeat);
    const int runs = warmup + repeat;
    std::vector<double> ms;
    ms.reserve(std::size_t(repeat));
    double first = 0;
    for (int i = 0; i < runs; ++i) {
        if (cancelled && cancelled())
            throw Error(ErrorCategory::Cancelled, "cancelled by the user");
        const Stopwatch watch;
        run(i);
        const double dt = watch.ms();
        if (i == 0) first = dt;
        if (i >= warmup) ms.push_back(dt);
        if (progress) progress(i + 1, runs);
    }
    TimingStats s = summarize(std::move(ms));
    s.warmup = warmup;
    s.firstMs = first;
    return s;
}

}  // namespace convscope::core
