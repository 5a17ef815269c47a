// The one warm-up + repeat + median helper (base/timing.h): which runs are timed, the statistics,
// cancel and progress.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "base/error.h"
#include "base/timing.h"
#include "test_util.h"

using namespace convscope::core;

TEST(Timing, MedianOfOddEvenAndEmpty) {
    EXPECT_EQ(median({3, 1, 2}), 2);
    EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
    EXPECT_EQ(median({}), 0);
    EXPECT_EQ(median({7}), 7);
}

TEST(Timing, SummarizeGivesMedianMinMax) {
    const TimingStats s = summarize({5, 1, 9, 3});
    EXPECT_EQ(s.repeat, 4);
    EXPECT_EQ(s.warmup, 0);
    EXPECT_EQ(s.firstMs, 5);
    EXPECT_EQ(s.medianMs, 4);
    EXPECT_EQ(s.minMs, 1);
    EXPECT_EQ(s.maxMs, 9);
    EXPECT_EQ(summarize({}).medianMs, 0);
}

TEST(Timing, WarmupRunsAreUntimedAndRunsComeInOrder) {
    std::vector<int> seen;
    // The timed runs sleep 3 ms, the warm-up ones not at all: only the timed ones are counted.
    const TimingStats s = timeRuns(2, 3, [&](int run) {
        seen.push_back(run);
        if (run >= 2) std::this_thread::sleep_for(std::chrono::milliseconds(3));
    });
    EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_EQ(s.warmup, 2);
    EXPECT_EQ(s.repeat, 3);
    ASSERT_EQ(s.ms.size(), 3u);
    EXPECT_GE(s.minMs, 3.0);
    EXPECT_LE(s.minMs, s.medianMs);
    EXPECT_LE(s.medianMs, s.maxMs);
    EXPECT_LT(s.firstMs, 3.0);  // the first run is a warm-up one, which did not sleep
}

TEST(Timing, OutOfRangeCountsAreClamped) {
    int calls = 0;
    const TimingStats s = timeRuns(-3, 0, [&](int) { ++calls; });
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(s.warmup, 0);
    EXPECT_EQ(s.repeat, 1);
    EXPECT_EQ(s.firstMs, s.ms.front());
}

TEST(Timing, ProgressAfterEveryRun) {
    std::vector<std::pair<int, int>> progress;
    timeRuns(
        1, 2, [](int) {}, {}, [&](int done, int total) { progress.emplace_back(done, total); });
    EXPECT_EQ(progress, (std::vector<std::pair<int, int>>{{1, 3}, {2, 3}, {3, 3}}));
}

TEST(Timing, CancelStopsBeforeTheNextRun) {
    int calls = 0, polls = 0;
    convscope::test::expectError(
        [&] {
            timeRuns(
                1, 100, [&](int) { ++calls; }, [&] { return ++polls > 3; });
        },
        ErrorCategory::Cancelled, "cancelled");
    EXPECT_EQ(calls, 3);
}
