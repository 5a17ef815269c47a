// ConvStepper, the teaching views' geometry, cross-checked against the engine over a table of
// configurations: every col entry it reports equals the engine's im2col, every pixel's copies are
// exactly where im2col put it, copy counts equal col2im of ones, and its dot product equals the
// engine's convolution output.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "conv/im2col.h"
#include "layers/convolution.h"
#include "teach/conv_stepper.h"
#include "teach/linked_selection.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::randomTensor;

namespace {

struct Config {
    int c, h, w, m, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, g;
};

const Config kConfigs[] = {
    {3, 8, 8, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // the default teaching layer
    {1, 9, 7, 1, 3, 2, 2, 1, 1, 0, 0, 1, 1, 1, 1},
    {3, 16, 16, 4, 3, 3, 4, 4, 1, 1, 1, 1, 1, 1, 1},  // stride 4: 16 -> 4
    {2, 11, 10, 2, 3, 3, 1, 2, 2, 2, 2, 2, 2, 2, 2},  // dilation 2, groups 2
    {4, 7, 9, 4, 5, 1, 1, 1, 2, 2, 0, 0, 1, 1, 4},    // depthwise, 5x1
    {3, 6, 6, 3, 2, 2, 3, 3, 0, 1, 0, 1, 1, 1, 1},    // stride larger than the kernel
    // Padding reaching or passing the kernel (Caffe's rule): steps whose window is all padding.
    {3, 9, 7, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // 1x1 pad 1, SqueezeNet v1.0's conv10
    {2, 9, 7, 2, 3, 3, 2, 2, 3, 3, 3, 4, 2, 1, 2},  // 3x3 pad 3, stride 2, dilation 2,1, groups 2
};

std::string describe(const Config& t) {
    return std::to_string(t.c) + "x" + std::to_string(t.h) + "x" + std::to_string(t.w) + " k" +
           std::to_string(t.kh) + "x" + std::to_string(t.kw) + " s" + std::to_string(t.sh) + "," +
           std::to_string(t.sw) + " d" + std::to_string(t.dh) + " g" + std::to_string(t.g);
}

WindowParams paramsOf(const Config& t) {
    WindowParams p;
    p.kernelH = t.kh, p.kernelW = t.kw, p.strideH = t.sh, p.strideW = t.sw;
    p.padTop = t.pt, p.padBottom = t.pb, p.padLeft = t.pl, p.padRight = t.pr;
    p.dilationH = t.dh, p.dilationW = t.dw, p.groups = t.g;
    return p;
}

}  // namespace

TEST(ConvStepper, EveryColEntryEqualsTheEnginesIm2col) {
    std::uint32_t seed = 1;
    for (const Config& t : kConfigs) {
        const WindowParams p = paramsOf(t);
        const ConvStepper s(t.c, t.h, t.w, p, t.m);
        const Tensor image = randomTensor({1, t.c, t.h, t.w}, seed++);
        std::vector<float> col(std::size_t(s.allGroupsRows()) * std::size_t(s.steps()));
        im2col(image.data(), t.c, t.h, t.w, p, col.data());
        for (int r = 0; r < s.allGroupsRows(); ++r)
            for (int n = 0; n < s.steps(); ++n)
                ASSERT_EQ(s.colValue(image, r, n),
                          col[std::size_t(r) * std::size_t(s.steps()) + std::size_t(n)])
                    << describe(t) << " row " << r << " step " << n;
        // The window of a step is its column, tap by tap.
        for (int n = 0; n < s.steps(); n += 3) {
            const std::vector<Tap> taps = s.window(n);
            ASSERT_EQ(int(taps.size()), s.allGroupsRows());
            for (const Tap& tap : taps)
                ASSERT_EQ(tap.inside ? image.at(0, tap.channel, tap.y, tap.x) : 0.0f,
                          col[std::size_t(tap.row) * std::size_t(s.steps()) + std::size_t(n)]);
        }
    }
}

TEST(ConvStepper, CopiesOfAPixelAreExactlyWhereIm2colPutIt) {
    for (const Config& t : kConfigs) {
        const ConvStepper s(t.c, t.h, t.w, paramsOf(t), t.m);
        std::vector<int> counts(std::size_t(t.h * t.w));
        std::vector<float> ones(std::size_t(s.allGroupsRows()) * std::size_t(s.steps()), 1.0f);
        std::vector<float> col2imCounts(std::size_t(t.c * t.h * t.w));
        col2im(ones.data(), t.c, t.h, t.w, paramsOf(t), col2imCounts.data());
        for (int c = 0; c < t.c; ++c)
            for (int y = 0; y < t.h; ++y)
                for (int x = 0; x < t.w; ++x) {
                    std::set<std::pair<int, int>> expected;
                    for (int r = 0; r < s.allGroupsRows(); ++r)
                        for (int n = 0; n < s.steps(); ++n) {
                            const ColSource src = s.source(r, n);
                            if (src.inside && src.channel == c && src.y == y && src.x == x)
                                expected.insert({r, n});
                        }
                    std::set<std::pair<int, int>> actual;
                    for (const ConvStepper::Entry& e : s.copiesOf(c, y, x))
                        actual.insert({e.row, e.step});
                    ASSERT_EQ(actual, expected)
                        << describe(t) << " pixel " << c << "," << y << "," << x;
                    ASSERT_EQ(s.copyCount(y, x), int(expected.size()));
                    ASSERT_EQ(float(s.copyCount(y, x)),
                              col2imCounts[std::size_t((c * t.h + y) * t.w + x)]);
                }
    }
}

TEST(ConvStepper, DotProductEqualsTheEnginesOutput) {
    std::uint32_t seed = 40;
    for (const Config& t : kConfigs) {
        const WindowParams p = paramsOf(t);
        const ConvStepper s(t.c, t.h, t.w, p, t.m);
        const Tensor image = randomTensor({1, t.c, t.h, t.w}, seed++);
        const Tensor w = randomTensor({t.m, t.c / t.g, t.kh, t.kw}, seed++);
        std::vector<float> bias(std::size_t(t.m));
        for (int m = 0; m < t.m; ++m) bias[std::size_t(m)] = 0.1f * float(m);
        ConvolutionLayer conv("c", p, w, bias);
        const Shape in = image.shape();
        Tensor out(conv.outputShape(std::span<const Shape>(&in, 1)));
        const Tensor* ins[] = {&image};
        ForwardContext ctx;
        conv.forward(ins, out, ctx);
        for (int m = 0; m < t.m; ++m)
            for (int n = 0; n < s.steps(); ++n) {
                const ConvStepper::DotProduct d = s.dot(image, w, bias, m, n);
                ASSERT_NEAR(d.value, out.at(0, m, s.outY(n), s.outX(n)), 1e-5)
                    << describe(t) << " m " << m << " step " << n;
                ASSERT_EQ(d.firstRow, s.groupOfFilter(m) * s.groupRows());
            }
    }
}

// With 1x1 pad 1, the corner step reads only padding: every tap outside, the dot product is the
// bias alone, and the engine's output there is the bias too.
TEST(ConvStepper, AWindowOfPurePaddingGivesTheBias) {
    const ConvStepper s(3, 4, 5, WindowParams::square(1, 1, 1), 2);
    ASSERT_EQ(s.outHeight(), 6);
    ASSERT_EQ(s.outWidth(), 7);
    const Tensor image = randomTensor({1, 3, 4, 5}, 9);
    const Tensor w = randomTensor({2, 3, 1, 1}, 10);
    for (int step : {0, s.stepOf(0, 3), s.stepOf(5, 6), s.stepOf(2, 0)}) {
        for (const Tap& tap : s.window(step)) EXPECT_FALSE(tap.inside) << "step " << step;
        const ConvStepper::DotProduct d = s.dot(image, w, {0.25f, -1.5f}, 1, step);
        EXPECT_EQ(d.value, -1.5) << "step " << step;
        for (float x : d.inputs) EXPECT_EQ(x, 0.0f);
    }
    const ConvStepper::DotProduct inside = s.dot(image, w, {0.25f, -1.5f}, 1, s.stepOf(1, 1));
    EXPECT_NEAR(inside.value,
                -1.5 + w.at(1, 0, 0, 0) * image.at(0, 0, 0, 0) +
                    w.at(1, 1, 0, 0) * image.at(0, 1, 0, 0) +
                    w.at(1, 2, 0, 0) * image.at(0, 2, 0, 0),
                1e-6);
    EXPECT_EQ(s.copyCount(0, 0), 1);  // each pixel still lands in exactly one column
}

TEST(ConvStepper, FormulaSpellsOutTheStep) {
    const ConvStepper s(1, 3, 3, WindowParams::square(2), 1);
    Tensor image(1, 1, 3, 3);
    for (int i = 0; i < 9; ++i) image.data()[i] = float(i + 1);
    Tensor w(1, 1, 2, 2);
    w.fill(1);
    const ConvStepper::DotProduct d = s.dot(image, w, {0.5f}, 0, 3);  // output (1, 1)
    EXPECT_DOUBLE_EQ(d.value, 5 + 6 + 8 + 9 + 0.5);
    EXPECT_EQ(s.formula(d, 0, 3), "out[0, 1, 1] = 1·5 + 1·6 + 1·8 + 1·9 + 0.5 = 28.5");
    EXPECT_EQ(s.formula(d, 0, 3, 2), "out[0, 1, 1] = 1·5 + 1·6 + … (4 products) + 0.5 = 28.5");
    w.data()[1] = -2;
    const ConvStepper::DotProduct neg = s.dot(image, w, {-1.0f}, 0, 3);
    EXPECT_EQ(s.formula(neg, 0, 3), "out[0, 1, 1] = 1·5 − 2·6 + 1·8 + 1·9 − 1 = 9");
}

TEST(ConvStepper, InvalidConfigurationIsTheEnginesError) {
    convscope::test::expectError([] { ConvStepper(3, 5, 5, WindowParams::square(7), 1); },
                                 ErrorCategory::InvalidConfig, "larger than the padded input 5x5");
}

TEST(LinkedSelection, EveryKindMapsToItsCounterparts) {
    const Config t = kConfigs[3];  // dilation 2, groups 2: rows of the second group start at K
    const ConvStepper s(t.c, t.h, t.w, paramsOf(t), t.m);
    const int K = s.groupRows();

    // A pixel: every entry is a copy of it, every column and output those entries are in.
    // (x = 5 is never read at stride 2 with these pads: copiesOf is empty there.)
    EXPECT_TRUE(highlightsFor(s, Selection::pixel(1, 4, 5)).entries.empty());
    const Highlights p = highlightsFor(s, Selection::pixel(1, 4, 4));
    ASSERT_FALSE(p.entries.empty());
    for (const ConvStepper::Entry& e : p.entries) {
        const ColSource src = s.source(e.row, e.step);
        EXPECT_TRUE(src.inside && src.channel == 1 && src.y == 4 && src.x == 4);
        EXPECT_TRUE(std::binary_search(p.columns.begin(), p.columns.end(), e.step));
    }
    EXPECT_EQ(p.outputSteps, p.columns);

    // An output cell of a second-group filter: its column's rows of that group, its taps' pixels.
    const int m = t.m - 1, step = s.stepOf(2, 3);
    const Highlights o = highlightsFor(s, Selection::output(m, step));
    ASSERT_EQ(int(o.entries.size()), K);
    EXPECT_EQ(o.entries.front().row, K);  // group 1 starts at row K
    EXPECT_EQ(o.filter, m);
    EXPECT_EQ(o.columns, std::vector<int>{step});
    int inside = 0;
    for (const Tap& tap : s.window(step))
        if (tap.row >= K && tap.inside) ++inside;
    EXPECT_EQ(int(o.pixels.size()), inside);

    // A col entry: its source pixel, its weight column, its output.
    const int row = K + 4;
    const Highlights c = highlightsFor(s, Selection::colEntry(row, step));
    EXPECT_EQ(c.weightRows, std::vector<int>{4});
    EXPECT_EQ(c.outputSteps, std::vector<int>{step});
    const ColSource src = s.source(row, step);
    EXPECT_EQ(c.pixels.size(), src.inside ? 1u : 0u);

    // A weight: its im2col row, and every pixel that row copies.
    const Highlights w = highlightsFor(s, Selection::weight(m, 4));
    EXPECT_EQ(w.rows, std::vector<int>{row});
    for (const Highlights::Pixel& px : w.pixels) {
        bool found = false;
        for (const ConvStepper::Entry& e : s.copiesOf(px.channel, px.y, px.x))
            found |= e.row == row;
        EXPECT_TRUE(found) << px.channel << "," << px.y << "," << px.x;
    }
    EXPECT_TRUE(highlightsFor(s, Selection{}).pixels.empty());
}
