// XNNPACK, an outside reference of the ladder and the benchmarks, computes the same convolutions as
// the direct loops (so its times are for the same work): dense, strided, padded on one side,
// dilated, grouped and depthwise (its own kernels), on one and on two threads.
#include <gtest/gtest.h>

#include "base/runtime.h"
#include "peers/xnnpack_conv.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::tensorsClose;

TEST(Xnnpack, MatchesTheDirectReference) {
    struct Case {
        int n, c, h, w, m, k, s, pad, dil, g;
    } cases[] = {{1, 3, 27, 27, 8, 11, 4, 0, 1, 1},  {2, 4, 12, 11, 6, 3, 1, 2, 2, 2},
                 {1, 6, 15, 13, 9, 5, 3, 2, 1, 3},   {1, 8, 7, 9, 8, 3, 1, 1, 1, 8},
                 {2, 16, 14, 14, 16, 3, 2, 1, 1, 16}, {1, 8, 9, 9, 16, 3, 1, 1, 1, 8},
                 {1, 32, 7, 7, 24, 1, 1, 0, 1, 1}};
    std::uint32_t seed = 1;
    for (int threads : {1, 2}) {
        const ThreadLimit limit(threads);
        for (const Case& t : cases) {
            WindowParams p = WindowParams::square(t.k, t.s, t.pad, t.dil);
            p.groups = t.g;
            p.padRight = t.pad + 1;  // asymmetric: XNNPACK takes each side
            const auto r =
                convscope::test::referenceConv({t.n, t.c, t.h, t.w}, t.m, p, seed += 2, 0.5f);
            peers::XnnpackConv peer(r.input.shape(), p, r.weights, r.bias);
            EXPECT_TRUE(tensorsClose(peer.forward(r.input), r.expected, 1e-4, 1e-4,
                                     "XNNPACK k" + std::to_string(t.k) + " s" +
                                         std::to_string(t.s) + " g" + std::to_string(t.g) + ", " +
                                         std::to_string(threadCount()) + " thread(s)"));
            EXPECT_GT(peer.timeMs(1, 3), 0.0);
        }
    }
}
