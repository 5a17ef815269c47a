// The transposed convolution (layers/deconvolution.h): its GEMM (gemmTransA) against a double
// loop; hand-worked answers as PyTorch and ONNX give them; GEMM + col2im against the reference
// scatter loop over a sweep of stride, padding, output padding, dilation and groups on odd shapes,
// untiled and in column tiles; the adjoint property (it is the conv's transpose); one test per
// validation error. A kernel suite: CTest runs it once per ISA variant.
// Tolerance against the double-precision reference: |ours - ref| <= 1e-4 + 1e-4·|ref|.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "gemm/gemm.h"
#include "layers/convolution.h"
#include "layers/deconvolution.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::expectError;
using convscope::test::randomTensor;
using convscope::test::tensorsClose;

namespace {

Tensor run(const Layer& layer, const Tensor& in, ForwardContext& ctx) {
    const Shape s = in.shape();
    Tensor out(layer.outputShape(std::span<const Shape>(&s, 1)));
    const Tensor* ins[] = {&in};
    layer.forward(ins, out, ctx);
    return out;
}

Tensor run(const Layer& layer, const Tensor& in, ConvMethod method = ConvMethod::Im2colGemm) {
    ForwardContext ctx;
    ctx.convMethod = method;
    return run(layer, in, ctx);
}

Tensor tensorOf(Shape s, std::initializer_list<float> values) {
    Tensor t(s);
    std::copy(values.begin(), values.end(), t.data());
    return t;
}

struct Case {
    int n, cin, h, w, cout, kh, kw, sh, sw, pt, pb, pl, pr, oph, opw, dh, dw, g;
};

std::string describe(const Case& t) {
    char buf[300];
    std::snprintf(buf, sizeof buf,
                  "input %dx%dx%dx%d, %d outputs %dx%d, stride %d,%d, pad %d,%d,%d,%d, output "
                  "padding %d,%d, dilation %d,%d, groups %d",
                  t.n, t.cin, t.h, t.w, t.cout, t.kh, t.kw, t.sh, t.sw, t.pt, t.pb, t.pl, t.pr,
                  t.oph, t.opw, t.dh, t.dw, t.g);
    return buf;
}

WindowParams paramsOf(const Case& t) {
    WindowParams p;
    p.kernelH = t.kh, p.kernelW = t.kw, p.strideH = t.sh, p.strideW = t.sw;
    p.padTop = t.pt, p.padBottom = t.pb, p.padLeft = t.pl, p.padRight = t.pr;
    p.dilationH = t.dh, p.dilationW = t.dw, p.groups = t.g;
    return p;
}

DeconvolutionLayer makeDeconv(const Case& t, std::uint32_t seed, bool withBias = true) {
    std::vector<float> bias;
    if (withBias)
        for (int i = 0; i < t.cout; ++i) bias.push_back(0.1f * float(i % 5) - 0.2f);
    return DeconvolutionLayer("deconv", paramsOf(t),
                              randomTensor({t.cin, t.cout / t.g, t.kh, t.kw}, seed), bias, t.oph,
                              t.opw);
}

// After ncnn's deconvolution tests: odd sizes (9x7, 13 channels), every stride up to 3, padding
// up to and past the kernel, asymmetric pads, output padding below the stride (and below the
// dilation at stride 1), dilation, groups, depthwise, 1x1, batch 2.
const Case kCases[] = {
    {1, 1, 3, 3, 1, 3, 3, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1},
    {1, 13, 9, 7, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // the usual 2x upsampler
    {2, 6, 9, 7, 4, 4, 4, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1, 2},   // 4x4 stride 2 pad 1, groups, batch 2
    {1, 4, 9, 7, 6, 3, 2, 3, 2, 0, 2, 1, 0, 2, 1, 1, 1, 1},   // stride 3,2, asymmetric pads
    {1, 5, 7, 9, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 1},   // stride 1, dilation 2, output pad 1
    {1, 6, 9, 7, 9, 3, 3, 2, 3, 2, 1, 0, 3, 1, 2, 3, 2, 3},   // dilation 3,2, groups 3
    {1, 13, 9, 7, 13, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 13},  // depthwise
    {1, 13, 9, 7, 8, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1},    // 1x1 stride 1: col is the output
    {2, 8, 9, 7, 6, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 2},     // 1x1 stride 2: a sparse stamp
    {1, 3, 9, 7, 4, 2, 2, 3, 3, 0, 0, 0, 0, 0, 2, 1, 1, 1},     // stride past the kernel: gaps
    {1, 4, 9, 7, 5, 3, 3, 1, 1, 3, 4, 3, 5, 0, 0, 1, 1, 1},     // padding at and past the kernel
    {1, 3, 9, 7, 2, 5, 3, 2, 1, 4, 6, 2, 3, 1, 0, 1, 1, 1},     // crops more than one stamp
    {1, 40, 9, 7, 70, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1},   // wide enough for a real GEMM
};

}  // namespace

TEST(GemmTransA, MatchesTheDoubleLoopWithLeadingDimensionsAndAccumulation) {
    for (auto [M, N, K] : {std::tuple{1, 1, 1}, {7, 9, 13}, {36, 63, 5}, {130, 31, 70}})
        for (bool accumulate : {false, true}) {
            const int lda = M + 3, ldb = N + 5, ldc = N + 2;
            const Tensor A = randomTensor({1, 1, K, lda}, 1), B = randomTensor({1, 1, K, ldb}, 2);
            Tensor C = randomTensor({1, 1, M, ldc}, 3);
            const Tensor before = C;
            gemmTransA(M, N, K, A.data(), lda, B.data(), ldb, C.data(), ldc, accumulate);
            for (int i = 0; i < M; ++i)
                for (int j = 0; j < ldc; ++j) {
                    double expected = before.data()[i * ldc + j];
                    if (j < N) {
                        double sum = accumulate ? expected : 0.0;
                        for (int k = 0; k < K; ++k)
                            sum += double(A.data()[k * lda + i]) * B.data()[k * ldb + j];
                        expected = sum;
                    }
                    ASSERT_NEAR(C.data()[i * ldc + j], expected, 1e-4 * (1 + std::sqrt(K)))
                        << "M " << M << " N " << N << " K " << K << (accumulate ? " +=" : " =")
                        << " at " << i << "," << j << (j >= N ? " (past N: untouched)" : "");
                }
        }
}

// ONNX's ConvTranspose example (Operators.md, "convtranspose"), worked by hand: x = 0..8 as 3x3,
// two output channels of 3x3 ones. Each output cell sums the inputs whose 3x3 stamp covers it.
TEST(Deconvolution, HandWorkedOnnxExample) {
    Tensor x(1, 1, 3, 3);
    for (int i = 0; i < 9; ++i) x.data()[i] = float(i);
    Tensor w(1, 2, 3, 3);
    w.fill(1);
    const DeconvolutionLayer deconv("convtranspose", WindowParams::square(3), w, {});
    const float expected[5][5] = {{0, 1, 3, 3, 2},
                                  {3, 8, 15, 12, 7},
                                  {9, 21, 36, 27, 15},
                                  {9, 20, 33, 24, 13},
                                  {6, 13, 21, 15, 8}};
    for (ConvMethod m : {ConvMethod::Im2colGemm, ConvMethod::Direct}) {
        const Tensor out = run(deconv, x, m);
        ASSERT_EQ(out.shape(), (Shape{1, 2, 5, 5}));
        for (int c = 0; c < 2; ++c)
            for (int y = 0; y < 5; ++y)
                for (int xx = 0; xx < 5; ++xx)
                    EXPECT_EQ(out.at(0, c, y, xx), expected[y][xx])
                        << toString(m) << " at " << c << "," << y << "," << xx;
    }
}

// PyTorch's ConvTranspose2d(1, 1, 2, stride=2) on [[1,2],[3,4]] with weight [[1,2],[3,4]]: each
// input pixel stamps x·w into its own 2x2 block. padding=1 crops a ring; output_padding=1 gives
// back the last row and column (torch and ONNX add them at the bottom/right).
TEST(Deconvolution, HandWorkedTorchStrideTwoWithPaddingAndOutputPadding) {
    const Tensor x = tensorOf({1, 1, 2, 2}, {1, 2, 3, 4});
    const Tensor w = tensorOf({1, 1, 2, 2}, {1, 2, 3, 4});
    const DeconvolutionLayer plain("up", WindowParams::square(2, 2), w, {0.5f});
    const Tensor full = run(plain, x);
    const std::vector<float> stamps = {1, 2, 2, 4, 3, 4, 6, 8, 3, 6, 4, 8, 9, 12, 12, 16};
    ASSERT_EQ(full.shape(), (Shape{1, 1, 4, 4}));
    for (int i = 0; i < 16; ++i) EXPECT_EQ(full.data()[i], stamps[std::size_t(i)] + 0.5f) << i;

    const DeconvolutionLayer padded("up", WindowParams::square(2, 2, 1), w, {});
    EXPECT_TRUE(tensorsClose(run(padded, x), tensorOf({1, 1, 2, 2}, {4, 6, 6, 4}), 0, 0, "pad 1"));
    const DeconvolutionLayer extra("up", WindowParams::square(2, 2, 1), w, {}, 1, 1);
    EXPECT_TRUE(tensorsClose(run(extra, x), tensorOf({1, 1, 3, 3}, {4, 6, 8, 6, 4, 8, 12, 12, 16}),
                             0, 0, "pad 1, output padding 1"));
    // Output padding with no window reaching it (pad 0, stride 3, 1x1): those cells are the bias.
    const DeconvolutionLayer sparse("up", WindowParams::square(1, 3), tensorOf({1, 1, 1, 1}, {2}),
                                    {-1.0f}, 2, 1);
    const Tensor s = run(sparse, x);
    ASSERT_EQ(s.shape(), (Shape{1, 1, 6, 5}));  // (2-1)*3 + 1 + 2, (2-1)*3 + 1 + 1
    EXPECT_EQ(s.at(0, 0, 0, 0), 1.0f);
    EXPECT_EQ(s.at(0, 0, 3, 3), 7.0f);
    EXPECT_EQ(s.at(0, 0, 5, 4), -1.0f);
    EXPECT_EQ(s.at(0, 0, 1, 1), -1.0f);
}

TEST(Deconvolution, MatchesTheReferenceScatterLoopUntiledAndTiled) {
    std::uint32_t seed = 100;
    for (const Case& t : kCases) {
        const DeconvolutionLayer deconv = makeDeconv(t, seed++);
        const Tensor in = randomTensor({t.n, t.cin, t.h, t.w}, seed++);
        const Tensor expected = run(deconv, in, ConvMethod::Direct);
        for (ConvMethod m : convscope::test::fastMethods())
            EXPECT_TRUE(tensorsClose(run(deconv, in, m), expected, 1e-4, 1e-4,
                                     describe(t) + ", " + toString(m)));
        const std::int64_t bytesPerColumn = std::int64_t(t.cout / t.g) * t.kh * t.kw * 4;
        for (std::int64_t cols : {1, 4, 17}) {
            ForwardContext ctx;
            ctx.colMemoryLimit = cols * bytesPerColumn;
            std::vector<double> seen;
            ctx.progress = [&](double f) { seen.push_back(f); };
            const std::string what = describe(t) + ", tiles of " + std::to_string(cols);
            EXPECT_TRUE(tensorsClose(run(deconv, in, ctx), expected, 1e-4, 1e-4, what));
            const bool pointwise = t.kh == 1 && t.kw == 1 && t.sh == 1 && t.sw == 1;
            if (!pointwise) {
                EXPECT_LE(ctx.conv.colBytes, ctx.colMemoryLimit) << what;
                EXPECT_GE(ctx.conv.tiles, (t.h * t.w + int(cols) - 1) / int(cols)) << what;
                ASSERT_FALSE(seen.empty()) << what;
                EXPECT_EQ(seen.back(), 1.0) << what;
            }
        }
    }
}

// The transposed conv is the conv's adjoint: with the same weights (a conv's M x C/g x kh x kw is
// the transposed conv's Cin x Cout/g x kh x kw), <conv(x), y> == <x, convT(y)>, the output padding
// chosen so convT(y) has x's size.
TEST(Deconvolution, IsTheAdjointOfTheConvolution) {
    std::uint32_t seed = 500;
    for (const Case& t : kCases) {
        // x: the conv's input, t.cout channels of the deconv's output size; y: the conv's output.
        const WindowParams p = paramsOf(t);
        const Tensor weights = randomTensor({t.cin, t.cout / t.g, t.kh, t.kw}, seed++);
        const ConvolutionLayer conv("conv", p, weights, {});
        const DeconvolutionLayer deconv("convT", p, weights, {}, t.oph, t.opw);
        const Shape yShape{t.n, t.cin, t.h, t.w};
        const Shape xShape = deconv.outputShape(std::span<const Shape>(&yShape, 1));
        if (conv.outputShape(std::span<const Shape>(&xShape, 1)) != yShape) continue;  // op >= s
        const Tensor x = randomTensor(xShape, seed++), y = randomTensor(yShape, seed++);
        const Tensor cx = run(conv, x), ty = run(deconv, y);
        double lhs = 0, rhs = 0, magnitude = 0;
        for (std::int64_t i = 0; i < cx.count(); ++i) {
            lhs += double(cx.data()[i]) * y.data()[i];
            magnitude += std::abs(double(cx.data()[i]) * y.data()[i]);
        }
        for (std::int64_t i = 0; i < x.count(); ++i) rhs += double(x.data()[i]) * ty.data()[i];
        EXPECT_NEAR(lhs, rhs, 1e-4 * (1 + magnitude)) << describe(t);
    }
}

TEST(Deconvolution, ReportsShapeFlopsGemmAndDescription) {
    const Case t{2, 6, 9, 7, 4, 4, 3, 2, 2, 1, 1, 1, 2, 1, 0, 1, 1, 2};
    const DeconvolutionLayer deconv = makeDeconv(t, 7);
    const Shape in{2, 6, 9, 7};
    const std::span<const Shape> ins(&in, 1);
    // (9-1)*2 - 2 + 4 + 1 = 19; (7-1)*2 - 3 + 3 + 0 = 12
    EXPECT_EQ(deconv.outputShape(ins), (Shape{2, 4, 19, 12}));
    const GemmShape g = deconv.gemmShape(ins);
    EXPECT_EQ(g.M, 2 * 4 * 3);  // Cout/G·kh·kw
    EXPECT_EQ(g.N, 63);         // H·W
    EXPECT_EQ(g.K, 3);          // Cin/G
    EXPECT_EQ(g.groups, 2);
    EXPECT_EQ(deconv.flops(ins), 2LL * 2 * 2 * 24 * 63 * 3);
    EXPECT_EQ(deconv.weightBytes(), (6 * 2 * 4 * 3 + 4) * 4);
    EXPECT_EQ(deconv.describe(), "4 4x3 stride 2 pad 1,1,1,2 output padding 1,0 groups 2");
    EXPECT_STREQ(deconv.type(), "Deconvolution");
    EXPECT_EQ(deconv.category(), LayerCategory::Conv);
    EXPECT_EQ(deconv.inChannels(), 6);
    EXPECT_EQ(deconv.outChannels(), 4);
}

TEST(Deconvolution, CancelledBetweenTilesThrowsCancelled) {
    const Case t{1, 4, 9, 7, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const DeconvolutionLayer deconv = makeDeconv(t, 3);
    ForwardContext ctx;
    ctx.colMemoryLimit = 4 * 4 * 9;  // M = 4·3·3 rows: one column per tile
    int polls = 0;
    ctx.cancelled = [&] { return ++polls >= 3; };
    expectError(
        [&] {
            run(deconv, randomTensor({1, 4, 9, 7}, 4), ctx);
        },
        ErrorCategory::Cancelled, "cancelled");
    EXPECT_EQ(polls, 3);
}

// --- validation: one test per error, category and key phrase -------------------------------------

namespace {
Shape outputOf(const DeconvolutionLayer& d, Shape in) {
    return d.outputShape(std::span<const Shape>(&in, 1));
}
}  // namespace

TEST(DeconvolutionValidation, OutputPaddingMustBeBelowStrideOrDilation) {
    const DeconvolutionLayer d("up2", WindowParams::square(3, 2), randomTensor({4, 2, 3, 3}, 1), {},
                               2, 1);
    expectError(
        [&] {
            outputOf(d, {1, 4, 5, 5});
        },
        ErrorCategory::InvalidConfig,
        "layer 'up2': output padding 2,1 must be smaller than the stride 2,2 or the "
        "dilation 1,1");
    // Below the dilation is allowed at stride 1 (ONNX, PyTorch).
    WindowParams dilated = WindowParams::square(3, 1, 0, 3);
    const DeconvolutionLayer ok("ok", dilated, randomTensor({4, 2, 3, 3}, 1), {}, 2, 2);
    EXPECT_EQ(outputOf(ok, {1, 4, 5, 5}), (Shape{1, 2, 13, 13}));  // 4 + 7 + 2
}

TEST(DeconvolutionValidation, NegativeOutputPadding) {
    const DeconvolutionLayer d("up", WindowParams::square(3, 2), randomTensor({4, 2, 3, 3}, 1), {},
                               0, -1);
    expectError(
        [&] {
            outputOf(d, {1, 4, 5, 5});
        },
        ErrorCategory::InvalidConfig, "output padding 0,-1 must not be negative");
}

TEST(DeconvolutionValidation, PaddingThatCropsEverything) {
    const DeconvolutionLayer d("crop", WindowParams::square(1, 1, 1), randomTensor({2, 2, 1, 1}, 1),
                               {});
    expectError(
        [&] {
            outputOf(d, {1, 2, 1, 1});
        },
        ErrorCategory::InvalidConfig, "output would be -1x-1 for input 1x1");
}

TEST(DeconvolutionValidation, ZeroStrideAndNegativePadding) {
    const DeconvolutionLayer zero("z", WindowParams::square(3, 0), randomTensor({2, 2, 3, 3}, 1),
                                  {});
    expectError(
        [&] {
            outputOf(zero, {1, 2, 5, 5});
        },
        ErrorCategory::InvalidConfig, "stride 0,0 must be at least 1");
    WindowParams p = WindowParams::square(3, 2);
    p.padRight = -1;
    const DeconvolutionLayer neg("n", p, randomTensor({2, 2, 3, 3}, 1), {});
    expectError(
        [&] {
            outputOf(neg, {1, 2, 5, 5});
        },
        ErrorCategory::InvalidConfig, "must not be negative");
}

TEST(DeconvolutionValidation, WeightsMustMatchKernelGroupsAndBias) {
    expectError(
        [] {
            DeconvolutionLayer("w", WindowParams::square(3), randomTensor({4, 2, 2, 2}, 1), {});
        },
        ErrorCategory::InvalidConfig, "do not match the kernel 3x3");
    WindowParams grouped = WindowParams::square(3);
    grouped.groups = 3;
    expectError(
        [&] {
            DeconvolutionLayer("g", grouped, randomTensor({4, 2, 3, 3}, 1), {});
        },
        ErrorCategory::InvalidConfig,
        "input channels 4 of the weights 4x2x3x3 must be a positive multiple of groups 3");
    expectError(
        [] {
            DeconvolutionLayer("b", WindowParams::square(3), randomTensor({4, 2, 3, 3}, 1),
                               {1.0f, 2.0f, 3.0f});
        },
        ErrorCategory::InvalidConfig, "bias has 3 values for 2 output channels");
    expectError([] { DeconvolutionLayer("e", WindowParams::square(1), Tensor(0, 2, 1, 1), {}); },
                ErrorCategory::InvalidConfig, "are empty");
}

TEST(DeconvolutionValidation, InputChannelsMustMatchTheWeights) {
    const DeconvolutionLayer d("up", WindowParams::square(3, 2), randomTensor({4, 2, 3, 3}, 1), {});
    expectError(
        [&] {
            outputOf(d, {1, 3, 5, 5});
        },
        ErrorCategory::ShapeMismatch,
        "input has 3 channels but the weights 4x2x3x3 (Cin x Cout/groups x kh x kw) "
        "expect 4");
}
