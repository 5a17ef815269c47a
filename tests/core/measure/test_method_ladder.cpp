// The method ladder on LeNet: every rung in order, each conv layer timed by each, the outside
// rungs keeping the engine's non-conv layers (this test found a dangling reference under ASan).
#include <gtest/gtest.h>

#include <cmath>

#include "measure/method_ladder.h"
#include "net/models.h"

using namespace convscope::core;

TEST(MethodLadder, EveryRungTimesEveryConvLayer) {
    auto net = makeLeNet();
    ProfileOptions options;
    options.repeat = 2;
    options.warmup = 0;
    std::vector<std::string> seen;
    const std::vector<NetworkProfile> ladder =
        io::profileLadder(*net, options, [&](int rung, int rungs, const std::string& label) {
            EXPECT_EQ(rung, int(seen.size()));
            EXPECT_EQ(rungs, int(io::ladderRungs().size()));
            seen.push_back(label);
        });
    EXPECT_EQ(seen, io::ladderRungs());
    ASSERT_EQ(ladder.size(), seen.size());
    for (const NetworkProfile& p : ladder) {
        ASSERT_EQ(int(p.layers.size()), net->size()) << p.methodLabel;
        for (const LayerProfile& l : p.layers) {
            if (l.category != LayerCategory::Conv) continue;
            EXPECT_TRUE(std::isfinite(l.medianMs) && l.medianMs > 0) << p.methodLabel << l.name;
        }
    }
    EXPECT_EQ(ladder.back().layers[1].name, "pool1");
    EXPECT_EQ(ladder.back().layers[1].medianMs, ladder[1].layers[1].medianMs);
}

TEST(MethodLadder, Cancels) {
    auto net = makeLeNet();
    ProfileOptions options;
    options.repeat = 1;
    int calls = 0;
    options.cancelled = [&] { return ++calls > 3; };
    EXPECT_THROW(io::profileLadder(*net, options), Error);
}
