// Convolution: im2col + GEMM against the direct reference over a table of odd shapes; hand-worked
// answers; properties (identity, linearity, Sobel separability); tiling; batching.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "base/runtime.h"
#include "layers/convolution.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::randomTensor;
using convscope::test::tensorsClose;

namespace {

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

struct Case {
    int n, c, h, w, m, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, g;
};

std::string describe(const Case& t) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "input %dx%dx%dx%d, %d filters %dx%d, stride %d,%d, pad %d,%d,%d,%d, dilation "
                  "%d,%d, groups %d",
                  t.n, t.c, t.h, t.w, t.m, t.kh, t.kw, t.sh, t.sw, t.pt, t.pb, t.pl, t.pr, t.dh,
                  t.dw, t.g);
    return buf;
}

ConvolutionLayer makeConv(const Case& t, std::uint32_t seed) {
    WindowParams p;
    p.kernelH = t.kh, p.kernelW = t.kw, p.strideH = t.sh, p.strideW = t.sw;
    p.padTop = t.pt, p.padBottom = t.pb, p.padLeft = t.pl, p.padRight = t.pr;
    p.dilationH = t.dh, p.dilationW = t.dw, p.groups = t.g;
    Tensor w = randomTensor({t.m, t.c / t.g, t.kh, t.kw}, seed);
    std::vector<float> bias(std::size_t(t.m));
    for (int i = 0; i < t.m; ++i) bias[std::size_t(i)] = 0.1f * float(i % 7) - 0.3f;
    return ConvolutionLayer("conv", p, std::move(w), bias);
}

// Deliberately odd shapes (after ncnn's test table): rectangular kernels, asymmetric pads,
// dilation, groups, stride larger than the kernel, 1x1, 13 channels, 9x7 images.
const Case kCases[] = {
    {1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1},
    {1, 3, 9, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {1, 13, 9, 7, 5, 3, 2, 2, 1, 1, 0, 0, 1, 1, 1, 1},
    {1, 13, 9, 7, 8, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1},   // pointwise: skips im2col
    {2, 6, 9, 7, 6, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 3},    // pointwise, grouped, batch 2
    {1, 4, 11, 10, 6, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 2},  // 1x1 stride 2: needs im2col
    {1, 3, 9, 7, 4, 2, 2, 3, 3, 0, 0, 0, 0, 1, 1, 1},    // stride larger than the kernel
    {1, 4, 12, 11, 6, 3, 3, 1, 2, 2, 1, 0, 2, 2, 2, 2},  // dilation + groups + asymmetric pad
    {1, 6, 15, 13, 9, 5, 3, 2, 3, 2, 2, 1, 1, 1, 3, 3},
    {3, 5, 8, 9, 7, 3, 4, 1, 1, 1, 2, 2, 1, 1, 1, 1},       // batch 3
    {1, 8, 7, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8},       // depthwise
    {1, 3, 31, 29, 16, 11, 11, 4, 4, 0, 0, 0, 0, 1, 1, 1},  // AlexNet conv1 in small
    {2, 2, 6, 6, 2, 6, 6, 1, 1, 0, 0, 0, 0, 1, 1, 1},       // kernel = whole image (fc as conv)
    {1, 2, 4, 4, 3, 3, 3, 1, 1, 2, 2, 2, 2, 1, 1, 1},       // output larger than input
    // Wider than one register tile (3 tiles of 11), 70 filters (a partial channel block), 40
    // channels (chunks of 14 for direct-simd); then stride 2, groups and a one-sided pad.
    {1, 40, 20, 33, 70, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {2, 20, 17, 40, 36, 3, 3, 2, 2, 1, 0, 1, 0, 1, 1, 2},
};

// Caffe's geometry (conv_geometry.h): padding equal to or past the effective kernel, so some
// windows lie wholly in the padding. Few filters (direct-simd by pixels on AVX-512 and AVX2) and many
// (channel blocks), 13 channels, 9x7 images, stride, dilation, groups, asymmetric pads.
const Case kPaddingCases[] = {
    {1, 13, 9, 7, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},    // SqueezeNet v1.0 conv10: 1x1 pad 1
    {2, 13, 9, 7, 40, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},   // the same, 40 filters, batch 2
    {1, 13, 9, 7, 6, 3, 3, 1, 1, 3, 3, 3, 3, 1, 1, 1},    // 3x3 pad 3
    {2, 13, 9, 7, 36, 3, 3, 2, 2, 3, 3, 3, 3, 1, 1, 1},   // 3x3 pad 3 stride 2
    {1, 6, 9, 7, 4, 3, 3, 1, 2, 5, 4, 6, 5, 2, 2, 2},     // dilation 2 (extent 5), pads past it
    {1, 6, 9, 7, 34, 3, 2, 3, 1, 6, 3, 2, 4, 3, 2, 2},    // dilation 3,2, stride 3,1, groups
    {1, 4, 9, 7, 8, 1, 1, 3, 2, 4, 2, 3, 5, 1, 1, 1},     // 1x1 stride 3,2, asymmetric pads
    {1, 13, 9, 7, 13, 2, 3, 1, 1, 2, 3, 3, 4, 1, 1, 13},  // depthwise, pads = kernel and past
    {1, 3, 2, 3, 2, 1, 1, 1, 1, 4, 4, 4, 4, 1, 1, 1},     // a 2x3 image in a sea of padding
};

// True when output cell (oy, ox) reads no pixel of an h x w input: a window of pure padding.
bool onlyPadding(const WindowParams& p, int h, int w, int oy, int ox) {
    bool row = false, col = false;
    for (int ki = 0; ki < p.kernelH; ++ki) {
        const int y = oy * p.strideH - p.padTop + ki * p.dilationH;
        row = row || (y >= 0 && y < h);
    }
    for (int kj = 0; kj < p.kernelW; ++kj) {
        const int x = ox * p.strideW - p.padLeft + kj * p.dilationW;
        col = col || (x >= 0 && x < w);
    }
    return !(row && col);
}

}  // namespace

TEST(Convolution, HandWorkedAnswer) {
    // 1 channel 3x3 input 1..9, 2x2 kernel [[1,0],[0,-1]], bias 0.5, stride 1, no pad:
    // out[y][x] = in[y][x] - in[y+1][x+1] + 0.5 = -4 + 0.5 everywhere.
    Tensor in(1, 1, 3, 3);
    for (int i = 0; i < 9; ++i) in.data()[i] = float(i + 1);
    Tensor w(1, 1, 2, 2);
    w.at(0, 0, 0, 0) = 1;
    w.at(0, 0, 1, 1) = -1;
    ConvolutionLayer conv("c", WindowParams::square(2), std::move(w), {0.5f});
    for (ConvMethod m : {ConvMethod::Im2colGemm, ConvMethod::Direct}) {
        const Tensor out = runConv(conv, in, m);
        ASSERT_EQ(out.shape(), (Shape{1, 1, 2, 2}));
        for (float v : out.span()) EXPECT_FLOAT_EQ(v, -3.5f) << toString(m);
    }
}

TEST(Convolution, MatchesDirectReferenceOnOddShapes) {
    std::uint32_t seed = 100;
    for (const Case& t : kCases) {
        const ConvolutionLayer conv = makeConv(t, seed++);
        const Tensor in = randomTensor({t.n, t.c, t.h, t.w}, seed++);
        const Tensor expected = runConv(conv, in, ConvMethod::Direct);
        // float GEMM vs double reference: K is at most a few hundred terms of magnitude <= 1.
        for (ConvMethod m : convscope::test::fastMethods())
            EXPECT_TRUE(tensorsClose(runConv(conv, in, m), expected, 1e-4, 1e-4,
                                     describe(t) + ", " + toString(m)));
    }
}

// 1x1, pad 1 on a 2x2 image 1..4, weight 2, bias 0.5: the 4x4 output is the doubled image plus
// 0.5 inside a frame of 0.5 (the windows that see only padding give the bias).
TEST(Convolution, HandWorkedPaddingPastTheKernelGivesTheBias) {
    Tensor in(1, 1, 2, 2);
    for (int i = 0; i < 4; ++i) in.data()[i] = float(i + 1);
    Tensor w(1, 1, 1, 1);
    w.data()[0] = 2;
    const ConvolutionLayer conv("conv10", WindowParams::square(1, 1, 1), std::move(w), {0.5f});
    const float expected[4][4] = {{0.5f, 0.5f, 0.5f, 0.5f},
                                  {0.5f, 2.5f, 4.5f, 0.5f},
                                  {0.5f, 6.5f, 8.5f, 0.5f},
                                  {0.5f, 0.5f, 0.5f, 0.5f}};
    for (const ConvMethodInfo& m : convMethods()) {
        const Tensor out = runConv(conv, in, m.id);
        ASSERT_EQ(out.shape(), (Shape{1, 1, 4, 4})) << m.name;
        for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 4; ++x)
                EXPECT_EQ(out.at(0, 0, y, x), expected[y][x]) << m.name << " at " << y << "," << x;
    }
}

// Every method (and im2col + GEMM in column tiles) equals the reference when padding reaches or
// passes the kernel, and a window of pure padding outputs exactly its filter's bias.
TEST(Convolution, PaddingAtLeastTheKernelMatchesTheReference) {
    std::uint32_t seed = 700;
    int paddingOnly = 0;
    for (const Case& t : kPaddingCases) {
        const ConvolutionLayer conv = makeConv(t, seed++);
        const Tensor in = randomTensor({t.n, t.c, t.h, t.w}, seed++);
        const Tensor expected = runConv(conv, in, ConvMethod::Direct);
        std::vector<ForwardContext> contexts(convMethods().size() + 2);
        for (std::size_t i = 0; i < convMethods().size(); ++i)
            contexts[i].convMethod = convMethods()[i].id;
        for (std::int64_t cols : {1, 5}) {  // im2col + GEMM over tiles of 1 and 5 columns
            ForwardContext& ctx = contexts[convMethods().size() + std::size_t(cols > 1)];
            ctx.colMemoryLimit = cols * std::int64_t(t.c) * t.kh * t.kw * 4;
        }
        for (ForwardContext& ctx : contexts) {
            const std::string what =
                describe(t) + ", " + toString(ctx.convMethod) +
                (ctx.colMemoryLimit < ForwardContext::kDefaultColLimit ? ", tiled" : "");
            const Tensor out = runConv(conv, in, ctx);
            EXPECT_TRUE(tensorsClose(out, expected, 1e-4, 1e-4, what));
            for (int n = 0; n < out.n(); ++n)
                for (int m = 0; m < out.c(); ++m)
                    for (int oy = 0; oy < out.h(); ++oy)
                        for (int ox = 0; ox < out.w(); ++ox) {
                            if (!onlyPadding(conv.params(), t.h, t.w, oy, ox)) continue;
                            ++paddingOnly;
                            ASSERT_EQ(out.at(n, m, oy, ox), conv.bias()[std::size_t(m)])
                                << what << ", output " << n << "," << m << "," << oy << "," << ox;
                        }
        }
    }
    EXPECT_GT(paddingOnly, 0);  // the table does have windows of pure padding
}

TEST(Convolution, DirectSimdReportsProgressAndCancels) {
    // 40 filters (vectors over channels) and 3 (vectors over pixels: directSimdByPixels).
    for (int filters : {40, 3}) {
        const Case t{2, 3, 64, 64, filters, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1};
        const std::string what = std::to_string(filters) + " filters";
        const ConvolutionLayer conv = makeConv(t, 11);
        const Tensor in = randomTensor({t.n, t.c, t.h, t.w}, 12);
        const ThreadLimit two(2);
        ForwardContext ctx;
        ctx.convMethod = ConvMethod::DirectSimd;
        std::vector<double> seen;
        ctx.progress = [&](double f) { seen.push_back(f); };
        const Tensor whole = runConv(conv, in, ctx);
        ASSERT_GE(seen.size(), 10u) << what;
        EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end())) << what;
        EXPECT_EQ(seen.back(), 1.0) << what;
        EXPECT_TRUE(tensorsClose(whole, runConv(conv, in, ConvMethod::Direct), 1e-4, 1e-4,
                                 "direct-simd, " + what));

        // Cancelled at the third poll: Error(Cancelled), and the rest of the work skipped.
        int polls = 0;
        ctx.progress = {};
        ctx.cancelled = [&] { return ++polls >= 3; };
        try {
            runConv(conv, in, ctx);
            ADD_FAILURE() << "a cancelled conv returned, " << what;
        } catch (const Error& e) {
            EXPECT_EQ(e.category(), ErrorCategory::Cancelled) << what;
        }
        EXPECT_LE(polls, 4) << what;
    }
}

TEST(Convolution, OneFilterIsThatMapOfTheWholeLayer) {
    // Grouped, dilated, asymmetric padding: every filter alone equals its map in the whole layer.
    const Case t{1, 6, 15, 13, 9, 5, 3, 2, 3, 2, 2, 1, 1, 1, 3, 3};
    const ConvolutionLayer conv = makeConv(t, 21);
    const Tensor in = randomTensor({t.n, t.c, t.h, t.w}, 22);
    const Tensor whole = runConv(conv, in, ConvMethod::Direct);
    for (ConvMethod method : {ConvMethod::Im2colGemm, ConvMethod::DirectSimd})
        for (int m = 0; m < t.m; ++m) {
            ForwardContext ctx;
            ctx.convMethod = method;
            const Tensor one =
                convolveOneFilter(in, conv.params(), conv.weights(), conv.bias(), m, ctx);
            Tensor expected(1, 1, whole.h(), whole.w());
            std::copy_n(whole.data() + m * whole.shape().plane(), expected.count(),
                        expected.data());
            EXPECT_TRUE(tensorsClose(one, expected, 1e-4, 1e-4,
                                     "filter " + std::to_string(m) + ", " + toString(method)));
        }
}

TEST(Convolution, TiledMatchesUntiledForEveryTileSize) {
    std::uint32_t seed = 300;
    for (const Case& t : kCases) {
        const ConvolutionLayer conv = makeConv(t, seed++);
        const Tensor in = randomTensor({t.n, t.c, t.h, t.w}, seed++);
        const Tensor untiled = runConv(conv, in, ConvMethod::Im2colGemm);
        const std::int64_t colBytesPerColumn = std::int64_t(t.c) * t.kh * t.kw * 4;
        for (std::int64_t cols : {1, 2, 5, 17}) {
            ForwardContext ctx;
            ctx.colMemoryLimit = cols * colBytesPerColumn;
            const Tensor tiled = runConv(conv, in, ctx);
            EXPECT_TRUE(
                tensorsClose(tiled, untiled, 1e-5, 1e-5,
                             describe(t) + ", tiles of " + std::to_string(cols) + " columns"));
            if (!conv.isPointwise()) {
                EXPECT_LE(ctx.conv.colBytes, ctx.colMemoryLimit);
            }
        }
    }
}

TEST(Convolution, BatchEqualsSingleImages) {
    const Case t{5, 6, 10, 9, 8, 3, 3, 2, 1, 1, 1, 0, 2, 1, 1, 2};
    const ConvolutionLayer conv = makeConv(t, 7);
    const Tensor batch = randomTensor({t.n, t.c, t.h, t.w}, 8);
    const Tensor all = runConv(conv, batch, ConvMethod::Im2colGemm);
    for (int b = 0; b < t.n; ++b) {
        Tensor one(1, t.c, t.h, t.w);
        std::copy_n(batch.image(b), one.count(), one.data());
        const Tensor single = runConv(conv, one, ConvMethod::Im2colGemm);
        Tensor slice(single.shape());
        std::copy_n(all.image(b), slice.count(), slice.data());
        EXPECT_TRUE(tensorsClose(slice, single, 1e-5, 1e-5, "image " + std::to_string(b)));
    }
}

TEST(Convolution, IdentityKernelReturnsTheInput) {
    const Tensor in = randomTensor({1, 3, 9, 7}, 4);
    Tensor w(3, 1, 3, 3);
    for (int c = 0; c < 3; ++c) w.at(c, 0, 1, 1) = 1;
    WindowParams p = WindowParams::square(3, 1, 1);
    p.groups = 3;
    ConvolutionLayer conv("id", p, std::move(w), {});
    EXPECT_TRUE(tensorsClose(runConv(conv, in, ConvMethod::Im2colGemm), in, 0, 0, "identity"));
}

TEST(Convolution, IsLinearInTheInput) {
    const Case t{1, 4, 9, 7, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    WindowParams p = WindowParams::square(3, 1, 1);
    ConvolutionLayer conv("lin", p, randomTensor({3, 4, 3, 3}, 5), {});
    const Tensor a = randomTensor({1, 4, 9, 7}, 6), b = randomTensor({1, 4, 9, 7}, 7);
    Tensor combo(a.shape());
    for (std::int64_t i = 0; i < a.count(); ++i)
        combo.data()[i] = 2 * a.data()[i] - 3 * b.data()[i];
    const Tensor ya = runConv(conv, a, ConvMethod::Im2colGemm);
    const Tensor yb = runConv(conv, b, ConvMethod::Im2colGemm);
    Tensor expected(ya.shape());
    for (std::int64_t i = 0; i < ya.count(); ++i)
        expected.data()[i] = 2 * ya.data()[i] - 3 * yb.data()[i];
    EXPECT_TRUE(tensorsClose(runConv(conv, combo, ConvMethod::Im2colGemm), expected, 1e-4, 1e-4,
                             describe(t) + ", 2a - 3b"));
}

TEST(Convolution, SobelEqualsItsTwoSeparablePasses) {
    // Sobel x = [1 2 1]^T (vertical smoothing) * [1 0 -1] (horizontal difference), as in Caffe.
    const Tensor in = randomTensor({1, 1, 12, 11}, 9);
    Tensor sobel(1, 1, 3, 3);
    const float s[9] = {1, 0, -1, 2, 0, -2, 1, 0, -1};
    std::copy_n(s, 9, sobel.data());
    ConvolutionLayer full("sobel", WindowParams::square(3), std::move(sobel), {});
    WindowParams pv;
    pv.kernelH = 3;
    Tensor vertical(1, 1, 3, 1);
    vertical.data()[0] = 1, vertical.data()[1] = 2, vertical.data()[2] = 1;
    WindowParams ph;
    ph.kernelW = 3;
    Tensor horizontal(1, 1, 1, 3);
    horizontal.data()[0] = 1, horizontal.data()[2] = -1;
    ConvolutionLayer v("v", pv, std::move(vertical), {}), h("h", ph, std::move(horizontal), {});
    const Tensor twoPass =
        runConv(h, runConv(v, in, ConvMethod::Im2colGemm), ConvMethod::Im2colGemm);
    EXPECT_TRUE(
        tensorsClose(runConv(full, in, ConvMethod::Im2colGemm), twoPass, 1e-5, 1e-5, "sobel"));
}

TEST(Convolution, HdImageWith11x11KernelRunsTiledWithinTheLimit) {
    // The case: 1920x1080 RGB, 11x11, stride 1 is a 2.97 GB col matrix. Tiled under the
    // default 512 MiB limit it must equal the untiled run. 4 filters keep the GEMM short.
    const Tensor in = randomTensor({1, 3, 1080, 1920}, 11);
    ConvolutionLayer conv("hd", WindowParams::square(11), randomTensor({4, 3, 11, 11}, 12),
                          {0, 1, 2, 3});
    ForwardContext tiledCtx;
    const Tensor tiled = runConv(conv, in, tiledCtx);
    EXPECT_LE(tiledCtx.conv.colBytes, ForwardContext::kDefaultColLimit);
    EXPECT_GE(tiledCtx.conv.tiles, 6);
    ForwardContext untiledCtx;
    untiledCtx.colMemoryLimit = std::int64_t(4) << 30;
    const Tensor untiled = runConv(conv, in, untiledCtx);
    EXPECT_EQ(untiledCtx.conv.tiles, 1);
    EXPECT_EQ(untiledCtx.conv.colBytes, std::int64_t(363) * 1070 * 1910 * 4);  // 2.97 GB
    EXPECT_TRUE(tensorsClose(tiled, untiled, 1e-5, 1e-5, "1080p 11x11 tiled vs untiled"));
    // Spot-check against the definition at a few hundred positions, corners included.
    const Tensor& w = conv.weights();
    int checked = 0;
    for (int oy : {0, 1, 500, 1068, 1069})
        for (int ox : {0, 7, 960, 1908, 1909})
            for (int m = 0; m < 4; ++m) {
                double sum = conv.bias()[std::size_t(m)];
                for (int c = 0; c < 3; ++c)
                    for (int i = 0; i < 11; ++i)
                        for (int j = 0; j < 11; ++j)
                            sum += double(w.at(m, c, i, j)) * in.at(0, c, oy + i, ox + j);
                EXPECT_NEAR(tiled.at(0, m, oy, ox), sum, 1e-3)
                    << "m " << m << " y " << oy << " x " << ox;
                ++checked;
            }
    EXPECT_EQ(checked, 100);
}

TEST(Convolution, CancelledBetweenTilesThrowsCancelled) {
    const Tensor in = randomTensor({1, 3, 64, 64}, 1);
    ConvolutionLayer conv("c", WindowParams::square(3), randomTensor({2, 3, 3, 3}, 2), {});
    ForwardContext ctx;
    ctx.colMemoryLimit = 27 * 4 * 100;  // 100 columns per tile
    int polls = 0;
    ctx.cancelled = [&polls] { return ++polls > 3; };
    try {
        runConv(conv, in, ctx);
        FAIL() << "expected Error(Cancelled)";
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::Cancelled);
    }
    EXPECT_EQ(polls, 4);
}

TEST(ConvolutionValidation, WeightShapeMustMatchKernel) {
    try {
        ConvolutionLayer("conv7", WindowParams::square(3), Tensor(4, 3, 5, 5), {});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::InvalidConfig);
        EXPECT_NE(std::string(e.what()).find("do not match the kernel 3x3"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("conv7"), std::string::npos);
    }
}

TEST(ConvolutionValidation, BiasSizeMustMatchOutputs) {
    try {
        ConvolutionLayer("c", WindowParams::square(1), Tensor(4, 3, 1, 1), {1, 2});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::InvalidConfig);
        EXPECT_NE(std::string(e.what()).find("bias has 2 values for 4 output channels"),
                  std::string::npos);
    }
}

TEST(ConvolutionValidation, InputChannelsMustMatchWeights) {
    ConvolutionLayer conv("c", WindowParams::square(3), Tensor(4, 3, 3, 3), {});
    const Shape in{1, 5, 8, 8};
    try {
        conv.outputShape(std::span<const Shape>(&in, 1));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::ShapeMismatch);
        EXPECT_NE(std::string(e.what()).find("input has 5 channels"), std::string::npos)
            << e.what();
    }
}
