// The depthwise method (conv/depthwise_conv.h) against the nested-loop reference over a table of
// MobileNet-like and odd geometries, run once per kernel variant (CONVSCOPE_ISA); the 1x1 shortcut
// against the reference on every method; the fallback, progress, cancel and validation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "base/error.h"
#include "base/isa.h"
#include "base/runtime.h"
#include "conv/depthwise_conv.h"
#include "conv/reference.h"
#include "layers/convolution.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::randomTensor;
using convscope::test::tensorsClose;

namespace {

// One depthwise layer: c channels, groups c, mult output channels per channel.
struct Case {
    int n, c, h, w, mult, k, stride, pad, dilation;
    int padRight = -1;  // asymmetric when set (TF SAME on an even image)
};

std::string describe(const Case& t) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "input %dx%dx%dx%d, multiplier %d, kernel %dx%d, stride %d, pad %d%s, dilation "
                  "%d, kernels %s",
                  t.n, t.c, t.h, t.w, t.mult, t.k, t.k, t.stride, t.pad,
                  t.padRight >= 0 ? " (right/bottom differ)" : "", t.dilation,
                  std::string(isaName(activeIsa())).c_str());
    return buf;
}

WindowParams windowOf(const Case& t) {
    WindowParams p = WindowParams::square(t.k);
    p.strideH = p.strideW = t.stride;
    p.padTop = p.padBottom = p.padLeft = p.padRight = t.pad;
    if (t.padRight >= 0) p.padRight = p.padBottom = t.padRight;
    p.dilationH = p.dilationW = t.dilation;
    p.groups = t.c;
    return p;
}

ConvolutionLayer makeDepthwise(const Case& t, std::uint32_t seed) {
    const int m = t.c * t.mult;
    std::vector<float> bias(static_cast<std::size_t>(m));
    for (int i = 0; i < m; ++i) bias[std::size_t(i)] = 0.1f * float(i % 5) - 0.2f;
    return ConvolutionLayer("dw", windowOf(t), randomTensor({m, 1, t.k, t.k}, seed), bias);
}

Tensor runConv(const ConvolutionLayer& conv, const Tensor& in, ForwardContext& ctx) {
    const Shape s = in.shape();
    Tensor out(conv.outputShape(std::span<const Shape>(&s, 1)));
    const Tensor* ins[] = {&in};
    conv.forward(ins, out, ctx);
    return out;
}

Tensor runConv(const ConvolutionLayer& conv, const Tensor& in, ConvMethod method) {
    ForwardContext ctx;
    ctx.convMethod = method;
    return runConv(conv, in, ctx);
}

Tensor reference(const ConvolutionLayer& conv, const Tensor& in) {
    const Shape s = in.shape();
    Tensor out(conv.outputShape(std::span<const Shape>(&s, 1)));
    convolveDirect(in, conv.weights(), conv.bias(), conv.params(), out);
    return out;
}

// 3x3 and 5x5, stride 1 and 2, pad, dilation, multiplier 1 and 2, 13 channels, 9x7 images,
// batch 2; rows narrower than a vector (7), one vector plus a tail (17, 33), and wider than a
// register tile of 8 vectors (130 > 128 with AVX-512); the MobileNet-v2 shapes in small.
const Case kCases[] = {
    {1, 1, 5, 5, 1, 3, 1, 0, 1},
    {1, 13, 9, 7, 1, 3, 1, 1, 1},
    {2, 13, 9, 7, 1, 3, 2, 1, 1},
    {2, 13, 9, 7, 2, 3, 1, 1, 1},
    {1, 13, 9, 7, 2, 3, 2, 1, 1},
    {1, 13, 9, 7, 1, 5, 1, 2, 1},
    {2, 13, 9, 7, 2, 5, 2, 2, 1},
    {1, 13, 9, 7, 1, 3, 1, 2, 2},     // dilation 2
    {1, 6, 13, 11, 2, 3, 2, 2, 2},    // dilation 2, stride 2
    {1, 5, 9, 7, 1, 3, 1, 0, 1},      // unpadded
    {1, 5, 10, 8, 1, 3, 2, 0, 1, 1},  // TF SAME stride 2: pad 0 left/top, 1 right/bottom
    {1, 3, 9, 7, 1, 5, 1, 4, 1},      // pad 4 with a 5x5: windows of padding only
    {1, 32, 17, 17, 1, 3, 1, 1, 1},
    {1, 16, 33, 33, 1, 3, 2, 1, 1},
    {2, 4, 12, 130, 1, 3, 1, 1, 1},  // > 8 vectors a row: several tiles
    {1, 4, 8, 261, 2, 5, 2, 2, 1},
    {1, 9, 7, 7, 1, 3, 1, 1, 1},  // MobileNet's last depthwise size
};

}  // namespace

TEST(Depthwise, HandWorkedAnswer) {
    // 2 channels of 3x3: channel 0 all 1, channel 1 all 2; a 3x3 kernel of ones per channel, pad
    // 1, bias 0 and 10. Corner windows see 4 pixels, edges 6, the centre 9.
    Tensor in(1, 2, 3, 3);
    std::fill_n(in.data(), 9, 1.0f);
    std::fill_n(in.data() + 9, 9, 2.0f);
    Tensor w(2, 1, 3, 3);
    std::fill_n(w.data(), 18, 1.0f);
    WindowParams p = WindowParams::square(3);
    p.padTop = p.padBottom = p.padLeft = p.padRight = 1;
    p.groups = 2;
    const ConvolutionLayer conv("dw", p, std::move(w), {0.0f, 10.0f});
    const float expected[2][9] = {{4, 6, 4, 6, 9, 6, 4, 6, 4},
                                  {18, 22, 18, 22, 28, 22, 18, 22, 18}};
    const Tensor out = runConv(conv, in, ConvMethod::Depthwise);
    for (int c = 0; c < 2; ++c)
        for (int i = 0; i < 9; ++i)
            EXPECT_FLOAT_EQ(out.data()[c * 9 + i], expected[c][i])
                << "channel " << c << " cell " << i;
}

TEST(Depthwise, MatchesTheReferenceOverTheTable) {
    std::uint32_t seed = 300;
    for (const Case& t : kCases) {
        const ConvolutionLayer conv = makeDepthwise(t, seed++);
        const Tensor in = randomTensor({t.n, t.c, t.h, t.w}, seed++);
        // At most 25 float terms of magnitude <= 1 against the double reference.
        EXPECT_TRUE(tensorsClose(runConv(conv, in, ConvMethod::Depthwise), reference(conv, in),
                                 1e-5, 1e-5, describe(t)));
    }
}

TEST(Depthwise, EveryMethodAgreesOnDepthwiseLayers) {
    std::uint32_t seed = 400;
    for (const Case& t : {kCases[2], kCases[6], kCases[8], kCases[10]}) {
        const ConvolutionLayer conv = makeDepthwise(t, seed++);
        const Tensor in = randomTensor({t.n, t.c, t.h, t.w}, seed++);
        const Tensor expected = reference(conv, in);
        for (const ConvMethodInfo& m : convMethods())
            EXPECT_TRUE(tensorsClose(runConv(conv, in, m.id), expected, 1e-4, 1e-4,
                                     describe(t) + ", " + std::string(m.name)));
    }
}

// On any other layer the method runs direct-simd: the same numbers, so a whole net can run it.
TEST(Depthwise, NonDepthwiseLayersFallBackToDirectSimd) {
    WindowParams p = WindowParams::square(3);
    p.padTop = p.padBottom = p.padLeft = p.padRight = 1;
    for (int groups : {1, 2}) {
        p.groups = groups;
        const ConvolutionLayer conv("dense", p, randomTensor({12, 6 / groups, 3, 3}, 7), {});
        const Tensor in = randomTensor({2, 6, 9, 7}, 8);
        const Tensor out = runConv(conv, in, ConvMethod::Depthwise);
        EXPECT_TRUE(tensorsClose(out, runConv(conv, in, ConvMethod::DirectSimd), 0, 0,
                                 "groups " + std::to_string(groups) + ": depthwise = direct-simd"));
        EXPECT_TRUE(tensorsClose(out, reference(conv, in), 1e-4, 1e-4, "vs the reference"));
    }
}

TEST(Depthwise, ReportsProgressAndCancels) {
    const Case t{2, 64, 40, 40, 1, 3, 1, 1, 1};
    const ConvolutionLayer conv = makeDepthwise(t, 11);
    const Tensor in = randomTensor({t.n, t.c, t.h, t.w}, 12);
    const ThreadLimit two(2);
    ForwardContext ctx;
    ctx.convMethod = ConvMethod::Depthwise;
    std::vector<double> seen;
    ctx.progress = [&](double f) { seen.push_back(f); };
    const Tensor whole = runConv(conv, in, ctx);
    ASSERT_GE(seen.size(), 10u);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    EXPECT_EQ(seen.back(), 1.0);
    EXPECT_TRUE(tensorsClose(whole, reference(conv, in), 1e-5, 1e-5, "with progress"));

    int polls = 0;
    ctx.progress = {};
    ctx.cancelled = [&] { return ++polls >= 3; };
    try {
        runConv(conv, in, ctx);
        ADD_FAILURE() << "a cancelled depthwise conv returned";
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::Cancelled);
    }
    EXPECT_LE(polls, 4);
}

TEST(Depthwise, TheKernelRefusesANonDepthwiseLayout) {
    const Tensor in = randomTensor({1, 4, 5, 5}, 1);
    const Tensor w = randomTensor({4, 2, 3, 3}, 2);
    WindowParams p = WindowParams::square(3);
    p.groups = 2;
    Tensor out(1, 4, 3, 3);
    Scratch scratch;
    try {
        convolveDepthwise(in, w, {}, p, out, scratch);
        ADD_FAILURE() << "accepted weights 4 x 2";
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::InvalidConfig);
        EXPECT_NE(std::string(e.what()).find("groups == input channels"), std::string::npos)
            << e.what();
    }
}

// 1x1, stride 1, no padding: every lowered method skips im2col (the input is the col matrix) and
// every method still matches the reference, grouped or not, batch 1 and 2.
TEST(Pointwise, EveryMethodSkipsIm2colAndMatchesTheReference) {
    for (int groups : {1, 3}) {
        for (int batch : {1, 2}) {
            WindowParams p = WindowParams::square(1);
            p.groups = groups;
            const ConvolutionLayer conv("pw", p, randomTensor({18, 12 / groups, 1, 1}, 5),
                                        std::vector<float>(18, 0.25f));
            const Tensor in = randomTensor({batch, 12, 9, 7}, 6);
            const Tensor expected = reference(conv, in);
            for (const ConvMethodInfo& m : convMethods()) {
                const std::string what = std::string(m.name) + ", groups " +
                                         std::to_string(groups) + ", batch " +
                                         std::to_string(batch);
                ForwardContext ctx;
                ctx.convMethod = m.id;
                EXPECT_TRUE(tensorsClose(runConv(conv, in, ctx), expected, 1e-4, 1e-4, what));
                EXPECT_EQ(ctx.conv.colBytes, 0) << what;
                EXPECT_EQ(ctx.conv.im2colSeconds, 0.0) << what;
            }
        }
    }
}
