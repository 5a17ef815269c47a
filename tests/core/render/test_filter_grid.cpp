// The filter grid: layout geometry (tiles, separators, group gap, hit testing), channel order,
// and both normalisations, on hand-made weights.
#include <gtest/gtest.h>

#include "render/filter_grid.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::expectError;

namespace {
const std::uint8_t* pixel(const RgbImage& img, int x, int y) {
    return &img.pixels[(std::size_t(y) * std::size_t(img.width) + std::size_t(x)) * 3];
}
}  // namespace

TEST(FilterGrid, RgbLayoutAndHitTestingRoundTrip) {
    // 10 RGB filters of 3x2, scale 4, 2 groups of 5: each group a 3-column grid of 2 rows.
    const FilterGridLayout l = filterGridLayout({10, 3, 3, 2}, 2, 4);
    EXPECT_TRUE(l.rgb);
    EXPECT_EQ(l.tileW, 8);
    EXPECT_EQ(l.tileH, 12);
    EXPECT_EQ(l.columns, 3);
    EXPECT_EQ(l.rowsPerGroup, 2);
    EXPECT_EQ(l.groupWidth, 1 + 3 * 9);
    EXPECT_EQ(l.width, 2 * 28 + 8);
    EXPECT_EQ(l.height, 1 + 2 * 13);
    for (int m = 0; m < 10; ++m) {
        int x = 0, y = 0, hm = -1, hc = -2;
        l.tileRect(m, 0, x, y);
        ASSERT_TRUE(l.hit(x + 3, y + 5, hm, hc)) << "filter " << m;
        EXPECT_EQ(hm, m);
        EXPECT_EQ(hc, -1);
    }
    int m = 0, c = 0;
    EXPECT_FALSE(l.hit(0, 0, m, c));                   // the outer separator
    EXPECT_FALSE(l.hit(28 + 3, 5, m, c));              // the gap between the two groups
    EXPECT_FALSE(l.hit(1 + 2 * 9 + 2, 14 + 2, m, c));  // the empty sixth cell of a group
}

TEST(FilterGrid, GrayLayoutIsOneRowPerFilter) {
    const FilterGridLayout l = filterGridLayout({4, 5, 3, 3}, 1, 2);
    EXPECT_FALSE(l.rgb);
    EXPECT_EQ(l.columns, 5);
    EXPECT_EQ(l.rowsPerGroup, 4);
    int x = 0, y = 0, m = 0, c = 0;
    l.tileRect(2, 4, x, y);
    EXPECT_EQ(x, 1 + 4 * 7);
    EXPECT_EQ(y, 1 + 2 * 7);
    ASSERT_TRUE(l.hit(x, y, m, c));
    EXPECT_EQ(m, 2);
    EXPECT_EQ(c, 4);
}

TEST(FilterGrid, DepthwiseFiltersShareOneGrid) {
    // mobilenet_v2's features.1.conv.0.0: 32 filters of 1 x 3 x 3, 32 groups. As 32 groups of one
    // tile it was a 1-tile-high strip with 31 gaps; as one grid it is 6 x 6 tiles.
    const FilterGridLayout l = filterGridLayout({32, 1, 3, 3}, 32, 2);
    EXPECT_EQ(l.groups, 1);
    EXPECT_TRUE(l.tilePerFilter);
    EXPECT_EQ(l.columns, 6);
    EXPECT_EQ(l.rowsPerGroup, 6);
    EXPECT_EQ(l.width, 1 + 6 * 7);
    EXPECT_EQ(l.cellsWide(), 18);
    EXPECT_EQ(l.separatorPixelsWide(), 1 + 6);
    for (int m = 0; m < 32; ++m) {
        int x = 0, y = 0, hm = -1, hc = -2;
        l.tileRect(m, 0, x, y);
        ASSERT_TRUE(l.hit(x + 1, y + 1, hm, hc)) << "filter " << m;
        EXPECT_EQ(hm, m);
    }
    Tensor w(32, 1, 3, 3);
    for (std::int64_t i = 0; i < w.count(); ++i) w.data()[i] = float(i % 9);
    const RgbImage img = renderFilterGrid(w, 32, {});
    EXPECT_EQ(img.width, 1 + 6 * (3 * 8 + 1));
    // Filter 0's last weight (8, the largest) is white at its tile's bottom-right cell.
    EXPECT_EQ(pixel(img, 1 + 2 * 8 + 4, 1 + 2 * 8 + 4)[0], 255);
}

TEST(FilterGrid, OneByOneKernelsAreTheWeightMatrix) {
    // A 1x1 conv of 64 -> 16 channels (resnet's downsample, densenet's conv1 in small): M x C
    // cells, no separators, filter m's row is m, channel c its column.
    const FilterGridLayout l = filterGridLayout({16, 64, 1, 1}, 1, 3);
    EXPECT_TRUE(l.matrix);
    EXPECT_FALSE(l.tilePerFilter);
    EXPECT_EQ(l.width, 64 * 3);
    EXPECT_EQ(l.height, 16 * 3);
    EXPECT_EQ(l.cellsWide(), 64);
    EXPECT_EQ(l.cellsHigh(), 16);
    EXPECT_EQ(l.separatorPixelsWide(), 0);
    int m = -1, c = -1;
    ASSERT_TRUE(l.hit(5 * 3 + 2, 7 * 3, m, c));
    EXPECT_EQ(m, 7);
    EXPECT_EQ(c, 5);
    Tensor w(16, 64, 1, 1);
    w.data()[7 * 64 + 5] = 1;  // per filter: 1 is white, the rest of row 7 black
    const RgbImage img = renderFilterGrid(w, 1, {});
    EXPECT_EQ(img.width, 64 * 8);
    EXPECT_EQ(pixel(img, 5 * 8 + 3, 7 * 8 + 3)[0], 255);
    EXPECT_EQ(pixel(img, 6 * 8 + 3, 7 * 8 + 3)[0], 0);
    // Grouped 1x1 (ShuffleNet, RegNet): groups stay apart, each its own matrix.
    const FilterGridLayout g = filterGridLayout({8, 16, 1, 1}, 2, 1);
    EXPECT_EQ(g.groups, 2);
    EXPECT_EQ(g.width, 2 * 16 + g.groupGap);
    EXPECT_EQ(g.cellsWide(), 32);
}

TEST(FilterGrid, ChannelOrderAndPerFilterNormalisation) {
    // One 1x1 RGB filter with channel values (0, 0.5, 1): per filter, 0 -> 0 and 1 -> 255.
    Tensor w(1, 3, 1, 1);
    w.data()[0] = 0, w.data()[1] = 0.5f, w.data()[2] = 1;
    FilterGridOptions o;
    o.scale = 2;
    o.inputIsBgr = true;  // channel 0 is blue
    const RgbImage bgr = renderFilterGrid(w, 1, o);
    EXPECT_EQ(pixel(bgr, 1, 1)[0], 255);  // red <- channel 2
    EXPECT_EQ(pixel(bgr, 1, 1)[1], 128);
    EXPECT_EQ(pixel(bgr, 1, 1)[2], 0);  // blue <- channel 0
    o.inputIsBgr = false;
    const RgbImage rgb = renderFilterGrid(w, 1, o);
    EXPECT_EQ(pixel(rgb, 2, 2)[0], 0);
    EXPECT_EQ(pixel(rgb, 2, 2)[2], 255);
    EXPECT_EQ(pixel(rgb, 0, 0)[0], kSeparatorRgb[0]);
    EXPECT_EQ(pixel(rgb, 0, 0)[2], kSeparatorRgb[2]);
}

TEST(FilterGrid, GlobalNormalisationComparesFilters) {
    // Two 1x1 gray filters (1 channel), values 1 and 3 (and a 0 weight in each for range).
    Tensor w(2, 1, 1, 2);
    w.data()[0] = 0, w.data()[1] = 1, w.data()[2] = 0, w.data()[3] = 3;
    FilterGridOptions o;
    o.scale = 1;
    o.norm = FilterNorm::PerFilter;
    FilterGridLayout l;
    const RgbImage per = renderFilterGrid(w, 1, o, &l);
    int x = 0, y = 0;
    l.tileRect(0, 0, x, y);
    EXPECT_EQ(pixel(per, x + 1, y)[0], 255);  // 1 is filter 0's maximum
    o.norm = FilterNorm::Global;
    const RgbImage global = renderFilterGrid(w, 1, o);
    EXPECT_EQ(pixel(global, x + 1, y)[0], 85);  // 1 of 0..3
}

TEST(FilterGrid, Errors) {
    expectError(
        [] {
            filterGridLayout({5, 3, 3, 3}, 2, 4);
        },
        ErrorCategory::InvalidConfig, "5 filters do not split into 2 groups");
    expectError(
        [] {
            filterGridLayout({4096, 256, 3, 3}, 1, 64);
        },
        ErrorCategory::ResourceLimit, "use a smaller --scale");
}
