// Feature-map grid: layout round trip (every value's pixel hits back to it), one shared colour
// scale, NaN shown apart, limits.
#include <gtest/gtest.h>

#include "base/error.h"
#include "render/feature_grid.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::expectError;

TEST(FeatureGrid, EveryValueHitsBackToItsChannelAndPosition) {
    const FeatureGridLayout l = featureGridLayout(13, 5, 7, 3);
    EXPECT_EQ(l.columns * l.rows >= 13, true);
    EXPECT_LT((l.rows - 1) * l.columns, 13);  // no empty last row
    for (int c = 0; c < 13; ++c)
        for (int y = 0; y < 5; ++y)
            for (int x = 0; x < 7; ++x) {
                int x0, y0;
                l.tileOrigin(c, x0, y0);
                for (int d : {0, 2}) {
                    int hc = -1, hy = -1, hx = -1;
                    ASSERT_TRUE(l.hit(x0 + x * 3 + d, y0 + y * 3 + d, hc, hy, hx));
                    EXPECT_EQ(hc, c);
                    EXPECT_EQ(hy, y);
                    EXPECT_EQ(hx, x);
                }
            }
    int c, y, x;
    EXPECT_FALSE(l.hit(0, 0, c, y, x));                       // the border
    EXPECT_FALSE(l.hit(1 + 7 * 3, 1, c, y, x));               // the separator after tile 0
    EXPECT_FALSE(l.hit(l.width - 2, l.height - 2, c, y, x));  // past the last channel
}

TEST(FeatureGrid, NearSquareAndScaleForSmallMaps) {
    const FeatureGridLayout l = featureGridLayout(256, 6, 6, 1);
    EXPECT_EQ(l.columns, 16);
    EXPECT_EQ(l.rows, 16);
    EXPECT_EQ(featureGridScale(6, 6), 7);  // AlexNet conv5: 6x6 maps become 42x42 tiles
    EXPECT_EQ(featureGridScale(55, 55), 1);
    EXPECT_EQ(featureGridScale(1, 1), 16);
}

TEST(FeatureGrid, OneColourScaleForAllChannels) {
    Tensor blob(1, 2, 1, 2);
    blob.at(0, 0, 0, 0) = 0, blob.at(0, 0, 0, 1) = 1;
    blob.at(0, 1, 0, 0) = 4, blob.at(0, 1, 0, 1) = std::numeric_limits<float>::quiet_NaN();
    const FeatureRange r = featureRange(blob, 0);
    EXPECT_EQ(r.lo, 0);
    EXPECT_EQ(r.hi, 4);
    EXPECT_FALSE(r.signedValues());
    const FeatureGridLayout l = featureGridLayout(2, 1, 2, 1, 2);
    const RgbImage img = renderFeatureGrid(blob, 0, l, r);
    auto px = [&](int c, int x) {
        int x0, y0;
        l.tileOrigin(c, x0, y0);
        const std::uint8_t* p =
            &img.pixels[(std::size_t(y0) * std::size_t(img.width) + std::size_t(x0 + x)) * 3];
        return Rgb{p[0], p[1], p[2]};
    };
    const Rgb lo = colorAt(ColorMapKind::Sequential, 0),
              quarter = colorAt(ColorMapKind::Sequential, 0.25),
              top = colorAt(ColorMapKind::Sequential, 1);
    EXPECT_EQ(px(0, 0).g, lo.g);
    EXPECT_EQ(px(0, 1).g, quarter.g);  // 1 of 0..4: not stretched per channel
    EXPECT_EQ(px(1, 0).g, top.g);
    EXPECT_EQ(px(1, 1).r, 255);  // NaN: magenta
    EXPECT_EQ(px(1, 1).b, 255);
    expectError([&] { renderFeatureGrid(Tensor(1, 3, 1, 2), 0, l, r); },
                ErrorCategory::ShapeMismatch, "layout is for 2x1x2");
}

TEST(FeatureGrid, RefusesEmptyAndHuge) {
    expectError([] { featureGridLayout(0, 5, 5, 1); }, ErrorCategory::InvalidConfig,
                "no activations");
    expectError([] { featureGridLayout(4096, 512, 512, 4); }, ErrorCategory::ResourceLimit,
                "smaller scale");
}
