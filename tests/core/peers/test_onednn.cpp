// oneDNN, the ladder's outside reference, computes the same convolutions as the direct loops
// (so its times in `convscope bench --methods` are for the same work).
#include <gtest/gtest.h>

#include "peers/onednn_conv.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::tensorsClose;

TEST(OneDnn, MatchesTheDirectReference) {
    struct Case {
        int n, c, h, w, m, k, s, pad, dil, g;
    } cases[] = {{1, 3, 27, 27, 8, 11, 4, 0, 1, 1},
                 {2, 4, 12, 11, 6, 3, 1, 2, 2, 2},
                 {1, 6, 15, 13, 9, 5, 3, 2, 1, 3},
                 {1, 8, 7, 9, 8, 3, 1, 1, 1, 8}};
    std::uint32_t seed = 1;
    for (const Case& t : cases) {
        WindowParams p = WindowParams::square(t.k, t.s, t.pad, t.dil);
        p.groups = t.g;
        const auto r =
            convscope::test::referenceConv({t.n, t.c, t.h, t.w}, t.m, p, seed += 2, 0.5f);
        peers::OneDnnConv peer(r.input.shape(), p, r.weights, r.bias);
        EXPECT_TRUE(tensorsClose(peer.forward(r.input), r.expected, 1e-4, 1e-4,
                                 "oneDNN k" + std::to_string(t.k) + " s" + std::to_string(t.s) +
                                     " g" + std::to_string(t.g)));
        EXPECT_GT(peer.timeMs(1, 3), 0.0);
    }
}
