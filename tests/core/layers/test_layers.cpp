// The non-conv layers: fc (GEMV and GEMM paths vs reference), pooling, LRN, softmax, batch norm,
// add, flatten, concat; with hand-worked answers and one test per validation error.
#include <gtest/gtest.h>

#include <cmath>

#include "gemm/gemm.h"
#include "layers/activation.h"
#include "layers/elementwise.h"
#include "layers/fully_connected.h"
#include "layers/normalization.h"
#include "layers/pooling.h"
#include "layers/shape_ops.h"
#include "layers/tensor_ops.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::expectError;
using convscope::test::randomTensor;
using convscope::test::tensorsClose;

namespace {

Tensor run(const Layer& layer, std::vector<const Tensor*> inputs) {
    std::vector<Shape> shapes;
    for (const Tensor* t : inputs) shapes.push_back(t->shape());
    Tensor out(layer.outputShape(shapes));
    ForwardContext ctx;
    layer.forward(inputs, out, ctx);
    return out;
}

}  // namespace

TEST(FullyConnected, GemvAndGemmMatchReference) {
    for (int batch : {1, 2, 7}) {
        const Tensor w = randomTensor({37, 3 * 5 * 4, 1, 1}, 1);
        std::vector<float> bias(37);
        for (int i = 0; i < 37; ++i) bias[std::size_t(i)] = 0.01f * float(i);
        FullyConnectedLayer fc("fc", w, bias);
        const Tensor in = randomTensor({batch, 3, 5, 4}, 2);
        Tensor expected(batch, 37, 1, 1);
        fullyConnectedDirect(in, w, bias, expected);
        EXPECT_TRUE(
            tensorsClose(run(fc, {&in}), expected, 1e-5, 1e-5, "batch " + std::to_string(batch)));
    }
}

TEST(FullyConnected, EveryBatchSizeOnBothPathsMatchesReference) {
    // The batched GEMV (B <= kBatchGemvMax with AVX-512: tiles of 3 rows x 8 images, K in 16-lane
    // steps with a masked tail) and Eigen above it; rows, images and K chosen to leave every tail.
    const Tensor w = randomTensor({41, 3 * 7 * 5, 1, 1}, 5);  // M = 41 = 13*3 + 2, K = 105
    std::vector<float> bias(41, 0.25f);
    FullyConnectedLayer fc("fc", w, bias);
    for (int batch : {2, 3, 8, 9, 17, kBatchGemvMax, kBatchGemvMax + 1, 40}) {
        const Tensor in = randomTensor({batch, 3, 7, 5}, 6 + std::uint32_t(batch));
        Tensor expected(batch, 41, 1, 1);
        fullyConnectedDirect(in, w, bias, expected);
        EXPECT_TRUE(tensorsClose(
            run(fc, {&in}), expected, 1e-5, 1e-5,
            "batch " + std::to_string(batch) +
                (hasBatchGemv() && batch <= kBatchGemvMax ? " (batched GEMV)" : " (Eigen)")));
    }
}

TEST(FullyConnected, LargeGemvSplitsRowsAcrossThreadsCorrectly) {
    const Tensor w = randomTensor({1000, 999, 1, 1}, 3);
    FullyConnectedLayer fc("fc", w, {});
    const Tensor in = randomTensor({1, 999, 1, 1}, 4);
    Tensor expected(1, 1000, 1, 1);
    fullyConnectedDirect(in, w, {}, expected);
    EXPECT_TRUE(tensorsClose(run(fc, {&in}), expected, 1e-4, 1e-4, "1000x999 GEMV"));
}

TEST(FullyConnected, HandWorked) {
    Tensor w(2, 3, 1, 1);
    const float values[] = {1, 2, 3, -1, 0, 1};
    std::copy_n(values, 6, w.data());
    FullyConnectedLayer fc("fc", w, {10, 20});
    Tensor in(1, 3, 1, 1);
    in.data()[0] = 1, in.data()[1] = 1, in.data()[2] = 2;
    const Tensor out = run(fc, {&in});
    EXPECT_FLOAT_EQ(out.data()[0], 19);  // 1 + 2 + 6 + 10
    EXPECT_FLOAT_EQ(out.data()[1], 21);  // -1 + 0 + 2 + 20
}

TEST(FullyConnected, InputSizeMismatchIsAnError) {
    FullyConnectedLayer fc("fc6", Tensor(4, 10, 1, 1), {});
    const Tensor in(1, 3, 2, 2);
    expectError([&] { run(fc, {&in}); }, ErrorCategory::ShapeMismatch, "has 12 values per image");
}

// ReLU (Caffe's max + slope * min) and Clip (max then min), written so they vectorise, against
// their definitions: NaN stays NaN (the non-finite check downstream must see it), bounds hold,
// on more floats than one vector and a tail.
TEST(Activations, ReluAndClipKeepNaNAndMatchTheirDefinitions) {
    Tensor in(1, 1, 1, 37);
    for (int i = 0; i < 37; ++i) in.data()[i] = float(i - 18) * 0.5f;
    in.data()[3] = NAN, in.data()[30] = INFINITY, in.data()[31] = -INFINITY;
    for (float slope : {0.0f, 0.1f}) {
        const Tensor out = run(ReluLayer("relu", slope), {&in});
        for (int i = 0; i < 37; ++i) {
            // -inf * 0 is NaN in the definition too.
            const float x = in.data()[i], y = out.data()[i], want = x > 0 ? x : x * slope;
            if (std::isnan(want))
                EXPECT_TRUE(std::isnan(y)) << "ReLU slope " << slope << " of " << x;
            else
                EXPECT_EQ(y, want) << "ReLU slope " << slope << " of " << x;
        }
    }
    const Tensor clip = run(UnaryLayer("relu6", UnaryOp::Clip, 0.0f, 6.0f), {&in});
    for (int i = 0; i < 37; ++i) {
        const float x = in.data()[i], y = clip.data()[i];
        if (std::isnan(x))
            EXPECT_TRUE(std::isnan(y)) << "Clip of NaN at " << i;
        else
            EXPECT_EQ(y, x < 0 ? 0.0f : x > 6 ? 6.0f : x) << "Clip of " << x;
    }
}

TEST(Pooling, MaxHandWorkedWithCeilMode) {
    // 4x4 input 0..15, 3x3 max stride 2, ceil: windows at 0 and 2 -> [[10, 11], [14, 15]].
    Tensor in(1, 1, 4, 4);
    for (int i = 0; i < 16; ++i) in.data()[i] = float(i);
    WindowParams p = WindowParams::square(3, 2);
    p.ceilMode = true;
    PoolingLayer pool("pool", PoolMethod::Max, p, false);
    const Tensor out = run(pool, {&in});
    ASSERT_EQ(out.shape(), (Shape{1, 1, 2, 2}));
    EXPECT_EQ(std::vector<float>(out.span().begin(), out.span().end()),
              (std::vector<float>{10, 11, 14, 15}));
}

TEST(Pooling, AverageCountIncludePadBothWays) {
    // 2x2 input of ones, 2x2 average, stride 1, pad 1: the corner window covers 1 pixel and 3
    // padding cells.
    Tensor in(1, 1, 2, 2);
    in.fill(1);
    const WindowParams p = WindowParams::square(2, 1, 1);
    const Tensor include = run(PoolingLayer("a", PoolMethod::Average, p, true), {&in});
    const Tensor exclude = run(PoolingLayer("b", PoolMethod::Average, p, false), {&in});
    ASSERT_EQ(include.shape(), (Shape{1, 1, 3, 3}));
    EXPECT_FLOAT_EQ(include.at(0, 0, 0, 0), 0.25f);
    EXPECT_FLOAT_EQ(include.at(0, 0, 1, 1), 1.0f);
    EXPECT_FLOAT_EQ(include.at(0, 0, 0, 1), 0.5f);
    for (float v : exclude.span()) EXPECT_FLOAT_EQ(v, 1.0f);
}

// The layer's fast paths (max: separable, on -inf-padded rows split by stride; average: the inside
// windows without checks) against the obvious loops, over strides, pads, dilations, ceil mode and
// both divisors, on planes narrow and wide enough for the vector loops' tails.
TEST(Pooling, EveryGeometryMatchesTheObviousLoops) {
    struct Case {
        int h, w, k, s, pad, dil;
        bool ceil;
    } cases[] = {
        {7, 9, 3, 1, 1, 1, true},    {14, 14, 3, 1, 1, 1, true}, {13, 17, 3, 2, 0, 1, true},
        {12, 33, 2, 2, 0, 1, false}, {9, 8, 3, 2, 1, 2, false},  {6, 6, 5, 3, 2, 1, true},
        {5, 40, 3, 1, 0, 1, false},  {3, 3, 3, 1, 1, 1, false},  {11, 71, 3, 2, 1, 1, true},
        {10, 50, 3, 2, 2, 2, false}, {8, 37, 2, 4, 1, 1, true}};
    std::uint32_t seed = 5;
    for (const Case& t : cases)
        for (PoolMethod method : {PoolMethod::Max, PoolMethod::Average})
            for (bool includePad : {false, true}) {
                WindowParams p = WindowParams::square(t.k, t.s, t.pad, t.dil);
                p.ceilMode = t.ceil;
                const Tensor in = randomTensor({2, 3, t.h, t.w}, seed++);
                const Tensor out = run(PoolingLayer("pool", method, p, includePad), {&in});
                const int H = t.h, W = t.w;
                for (int n = 0; n < 2; ++n)
                    for (int c = 0; c < 3; ++c)
                        for (int oy = 0; oy < out.h(); ++oy)
                            for (int ox = 0; ox < out.w(); ++ox) {
                                float best = -INFINITY;
                                double sum = 0;
                                int inside = 0, padded = 0;
                                for (int ki = 0; ki < t.k; ++ki)
                                    for (int kj = 0; kj < t.k; ++kj) {
                                        const int y = oy * t.s - t.pad + ki * t.dil;
                                        const int x = ox * t.s - t.pad + kj * t.dil;
                                        padded += y >= -t.pad && y < H + t.pad && x >= -t.pad &&
                                                  x < W + t.pad;
                                        if (y < 0 || y >= H || x < 0 || x >= W) continue;
                                        best = std::max(best, in.at(n, c, y, x));
                                        sum += in.at(n, c, y, x);
                                        ++inside;
                                    }
                                const float expected =
                                    method == PoolMethod::Max
                                        ? best
                                        : float(sum / (includePad ? padded : inside));
                                ASSERT_EQ(out.at(n, c, oy, ox), expected)
                                    << "k" << t.k << " s" << t.s << " pad " << t.pad << " dil "
                                    << t.dil << (t.ceil ? " ceil" : "") << " at " << oy << "," << ox
                                    << (method == PoolMethod::Max ? " max" : " average");
                            }
            }
}

TEST(Pooling, GlobalAverage) {
    const Tensor in = randomTensor({2, 3, 5, 4}, 1);
    const Tensor out = run(*PoolingLayer::global("gap", PoolMethod::Average), {&in});
    ASSERT_EQ(out.shape(), (Shape{2, 3, 1, 1}));
    for (int n = 0; n < 2; ++n)
        for (int c = 0; c < 3; ++c) {
            double sum = 0;
            for (int i = 0; i < 20; ++i) sum += in.image(n)[c * 20 + i];
            EXPECT_NEAR(out.at(n, c, 0, 0), sum / 20, 1e-6);
        }
}

TEST(Pooling, ImpossibleWindowIsAnError) {
    const Tensor in(1, 1, 2, 2);
    PoolingLayer pool("pool9", PoolMethod::Max, WindowParams::square(3, 1), false);
    expectError([&] { run(pool, {&in}); }, ErrorCategory::InvalidConfig,
                "larger than the padded input 2x2");
}

TEST(Lrn, MatchesTheFormula) {
    const Tensor in = randomTensor({2, 7, 3, 4}, 5);
    for (float beta : {0.75f, 0.5f}) {
        LrnLayer lrn("norm", 5, 1e-2f, beta, 2.0f);
        const Tensor out = run(lrn, {&in});
        for (int n = 0; n < 2; ++n)
            for (int c = 0; c < 7; ++c)
                for (int y = 0; y < 3; ++y)
                    for (int x = 0; x < 4; ++x) {
                        double sq = 0;
                        for (int cc = std::max(0, c - 2); cc <= std::min(6, c + 2); ++cc)
                            sq += double(in.at(n, cc, y, x)) * in.at(n, cc, y, x);
                        const double expected =
                            in.at(n, c, y, x) * std::pow(2.0 + 1e-2 / 5 * sq, -beta);
                        ASSERT_NEAR(out.at(n, c, y, x), expected, 1e-6) << "beta " << beta;
                    }
    }
}

TEST(Lrn, EvenSizeIsAnError) {
    expectError([] { LrnLayer("norm1", 4, 1e-4f, 0.75f, 1.0f); }, ErrorCategory::InvalidConfig,
                "local size 4 must be a positive odd number");
}

TEST(Softmax, RowsSumToOneAndLargeValuesStayFinite) {
    Tensor in = randomTensor({3, 10, 1, 1}, 6, -5, 5);
    in.data()[0] = 1000;  // would overflow exp without the max shift
    const Tensor out = run(SoftmaxLayer("prob", 1), {&in});
    for (int n = 0; n < 3; ++n) {
        double sum = 0;
        for (int c = 0; c < 10; ++c) {
            ASSERT_TRUE(std::isfinite(out.at(n, c, 0, 0)));
            sum += out.at(n, c, 0, 0);
        }
        EXPECT_NEAR(sum, 1.0, 1e-6);
    }
    EXPECT_NEAR(out.data()[0], 1.0f, 1e-6);
}

TEST(BatchNorm, MatchesTheFormula) {
    const Tensor in = randomTensor({2, 3, 2, 2}, 7);
    BatchNormLayer bn("bn", {0.1f, -0.2f, 0.3f}, {1.0f, 4.0f, 0.25f}, {2, 1, 0.5f}, {0, 1, -1},
                      1e-5f);
    const Tensor out = run(bn, {&in});
    const float mean[] = {0.1f, -0.2f, 0.3f}, var[] = {1, 4, 0.25f}, scale[] = {2, 1, 0.5f},
                shift[] = {0, 1, -1};
    for (int n = 0; n < 2; ++n)
        for (int c = 0; c < 3; ++c)
            for (int i = 0; i < 4; ++i) {
                const double x = in.image(n)[c * 4 + i];
                const double e = scale[c] * (x - mean[c]) / std::sqrt(var[c] + 1e-5) + shift[c];
                EXPECT_NEAR(out.image(n)[c * 4 + i], e, 1e-5);
            }
}

TEST(BatchNorm, MismatchedParameterCountsAreAnError) {
    expectError(
        [] {
            BatchNormLayer("bn1", {0, 0}, {1}, {}, {}, 1e-5f);
        },
        ErrorCategory::InvalidConfig, "one value per channel");
}

TEST(Add, SumsInputsAndRejectsDifferentShapes) {
    const Tensor a = randomTensor({1, 2, 3, 3}, 8), b = randomTensor({1, 2, 3, 3}, 9);
    const Tensor out = run(AddLayer("add"), {&a, &b});
    for (std::int64_t i = 0; i < a.count(); ++i)
        EXPECT_FLOAT_EQ(out.data()[i], a.data()[i] + b.data()[i]);
    const Tensor c(1, 2, 3, 4);
    expectError([&] { run(AddLayer("add2"), {&a, &c}); }, ErrorCategory::ShapeMismatch, "differ");
}

TEST(Concat, JoinsChannelsAndChecksOtherDims) {
    const Tensor a = randomTensor({2, 2, 3, 3}, 10), b = randomTensor({2, 1, 3, 3}, 11);
    const Tensor out = run(ConcatLayer("cat"), {&a, &b});
    ASSERT_EQ(out.shape(), (Shape{2, 3, 3, 3}));
    EXPECT_EQ(out.at(1, 1, 2, 2), a.at(1, 1, 2, 2));
    EXPECT_EQ(out.at(1, 2, 0, 1), b.at(1, 0, 0, 1));
    const Tensor c(2, 1, 3, 4);
    expectError(
        [&] {
            run(ConcatLayer("cat2"), {&a, &c});
        },
        ErrorCategory::ShapeMismatch, "outside the concat axis");
}

TEST(Flatten, MakesOneVectorPerImage) {
    const Tensor in = randomTensor({2, 3, 4, 5}, 12);
    const Tensor out = run(FlattenLayer("flat"), {&in});
    ASSERT_EQ(out.shape(), (Shape::of({2, 60})));
    EXPECT_TRUE(std::equal(out.data(), out.data() + out.count(), in.data()));
}

TEST(Layer, WrongInputCountIsAnError) {
    const Tensor a(1, 1, 2, 2);
    expectError(
        [&] {
            run(ReluLayer("relu9"), {&a, &a});
        },
        ErrorCategory::ShapeMismatch, "takes 1 input(s), got 2");
}

TEST(Scale, PerChannelAffineWithDefaults) {
    const Tensor in = randomTensor({2, 3, 2, 2}, 13);
    const Tensor biasOnly = run(ScaleLayer("bias", {}, {1, 2, 3}), {&in});
    const Tensor both = run(ScaleLayer("affine", {2, 0, -1}, {0, 1, 0}), {&in});
    for (int n = 0; n < 2; ++n)
        for (int c = 0; c < 3; ++c) {
            EXPECT_FLOAT_EQ(biasOnly.at(n, c, 1, 0), in.at(n, c, 1, 0) + float(c + 1));
            const float a[] = {2, 0, -1}, b[] = {0, 1, 0};
            EXPECT_FLOAT_EQ(both.at(n, c, 0, 1), a[c] * in.at(n, c, 0, 1) + b[c]);
        }
    expectError(
        [] {
            ScaleLayer("s", {1, 2}, {1, 2, 3});
        },
        ErrorCategory::InvalidConfig, "one value per channel");
}

TEST(Relu, NegativeSlope) {
    Tensor in(1, 1, 1, 4);
    const float v[] = {-2, -0.5f, 0, 3};
    std::copy_n(v, 4, in.data());
    const Tensor plain = run(ReluLayer("r"), {&in});
    const Tensor leaky = run(ReluLayer("l", 0.1f), {&in});
    EXPECT_EQ(std::vector<float>(plain.span().begin(), plain.span().end()),
              (std::vector<float>{0, 0, 0, 3}));
    EXPECT_FLOAT_EQ(leaky.data()[0], -0.2f);
    EXPECT_FLOAT_EQ(leaky.data()[1], -0.05f);
    EXPECT_FLOAT_EQ(leaky.data()[3], 3);
}

// Found by the bad-input suite under UBSan: a Reshape target of 2^32 x 2^32 overflowed int64.
TEST(TensorOps, AReshapeTargetLargerThanTheInputIsRefusedWithoutOverflow) {
    const ReshapeLayer r("r", ReshapeLayer::Kind::Reshape,
                         {std::int64_t(1) << 32, std::int64_t(1) << 32, -1});
    const Shape in{1, 3, 4, 4};
    try {
        r.outputShape(std::span<const Shape>(&in, 1));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::ShapeMismatch);
        EXPECT_NE(std::string(e.what()).find("it holds more elements"), std::string::npos)
            << e.what();
    }
}
