// im2col / col2im: a hand-worked case, column ranges, the adjoint identity, duplication counts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "conv/im2col.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::randomTensor;

TEST(Im2col, HandWorked2x3ImageWith2x2KernelPad1Stride2) {
    // Image (1 channel, 2x3):  1 2 3
    //                          4 5 6
    // pad 1 all round, kernel 2x2, stride 2 -> output 2x2; windows start at (-1,-1), (-1,1),
    // (1,-1), (1,1) in image coordinates.
    const float image[] = {1, 2, 3, 4, 5, 6};
    WindowParams p = WindowParams::square(2, 2, 1);
    const Im2colInfo info = im2colInfo("t", {1, 1, 2, 3}, p, 1);
    ASSERT_EQ(info.K, 4);
    ASSERT_EQ(info.N, 4);
    std::vector<float> col(16, -1);
    im2col(image, 1, 2, 3, p, col.data());
    const std::vector<float> expected = {// row k=(ki=0,kj=0): top-left of each window
                                         0, 0, 0, 5,
                                         // (0,1): top-right
                                         0, 0, 4, 6,
                                         // (1,0): bottom-left
                                         0, 2, 0, 0,
                                         // (1,1): bottom-right
                                         1, 3, 0, 0};
    EXPECT_EQ(col, expected);
}

TEST(Im2col, InfoReportsBytesAndExpansion) {
    // 1080p RGB, 11x11, stride 1: the 2.9 GB matrix of the issue.
    const Im2colInfo info = im2colInfo("t", {1, 3, 1080, 1920}, WindowParams::square(11), 96);
    EXPECT_EQ(info.N, 1070 * 1910);
    EXPECT_EQ(info.K, 363);
    EXPECT_EQ(info.colBytes, std::int64_t(363) * 1070 * 1910 * 4);
    EXPECT_NEAR(double(info.colBytes) / 1e9, 2.97, 0.01);
    EXPECT_NEAR(info.expansion(), 119.26, 0.01);
}

// A depthwise layer's GEMM is per-channel dot products: the note says so with its figures; a
// dense or merely grouped layer gets none.
TEST(Im2col, DepthwiseLayersExplainWhyTheirGemmIsDotProducts) {
    WindowParams p = WindowParams::square(3);
    p.padTop = p.padBottom = p.padLeft = p.padRight = 1;
    p.groups = 32;
    const Im2colInfo dw = im2colInfo("dw", {1, 32, 112, 112}, p, 32);
    EXPECT_TRUE(dw.depthwise);
    EXPECT_EQ(dw.M, 1);
    EXPECT_EQ(dw.K, 9);
    const std::string note = depthwiseNote(dw);
    EXPECT_NE(note.find("K = kh·kw = 9 and M = 1"), std::string::npos) << note;
    EXPECT_NE(note.find("1 × 12544 dot products of length 9"), std::string::npos) << note;
    EXPECT_NE(note.find("×9.00"), std::string::npos) << note;
    EXPECT_NE(depthwiseNote(im2colInfo("dw2", {1, 32, 112, 112}, p, 64)).find("multiplier"),
              std::string::npos);
    p.groups = 2;
    EXPECT_FALSE(im2colInfo("grouped", {1, 32, 112, 112}, p, 32).depthwise);
    EXPECT_EQ(depthwiseNote(im2colInfo("grouped", {1, 32, 112, 112}, p, 32)), "");
    p.groups = 1;
    EXPECT_EQ(depthwiseNote(im2colInfo("one channel", {1, 1, 9, 7}, p, 1)), "");
}

TEST(Im2col, ColumnRangesMatchTheFullMatrix) {
    const int C = 3, H = 9, W = 7;
    const Tensor img = randomTensor({1, C, H, W}, 3);
    WindowParams p;
    p.kernelH = 3, p.kernelW = 2, p.strideH = 2, p.strideW = 3;
    p.padTop = 1, p.padBottom = 0, p.padLeft = 1, p.padRight = 1, p.dilationH = 2;
    const Im2colInfo info = im2colInfo("t", img.shape(), p, 1);
    const int K = C * 6, N = info.N;
    std::vector<float> full(std::size_t(K * N));
    im2col(img.data(), C, H, W, p, full.data());
    for (int n0 = 0; n0 < N; ++n0)
        for (int n1 = n0 + 1; n1 <= N; n1 += 3) {
            std::vector<float> part(std::size_t(K * (n1 - n0)), -7);
            im2colColumns(img.data(), C, H, W, p, n0, n1, part.data(), n1 - n0);
            for (int k = 0; k < K; ++k)
                for (int n = n0; n < n1; ++n)
                    ASSERT_EQ(part[std::size_t(k * (n1 - n0) + n - n0)],
                              full[std::size_t(k * N + n)])
                        << "columns [" << n0 << "," << n1 << ") row " << k << " column " << n;
        }
}

namespace {

struct Geometry {
    int c, h, w, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw;
};

WindowParams paramsOf(const Geometry& g) {
    WindowParams p;
    p.kernelH = g.kh, p.kernelW = g.kw, p.strideH = g.sh, p.strideW = g.sw;
    p.padTop = g.pt, p.padBottom = g.pb, p.padLeft = g.pl, p.padRight = g.pr;
    p.dilationH = g.dh, p.dilationW = g.dw;
    return p;
}

std::string describe(const Geometry& g) {
    return std::to_string(g.c) + "x" + std::to_string(g.h) + "x" + std::to_string(g.w) + ", " +
           paramsOf(g).toString();
}

// Odd shapes, strides larger than the kernel, dilation, asymmetric pads, and padding at or past
// the kernel (windows of pure padding, conv_geometry.h).
const Geometry kGeometries[] = {
    {2, 6, 5, 3, 2, 1, 2, 2, 0, 1, 0, 1, 2},   {1, 9, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
    {13, 9, 7, 3, 3, 2, 2, 1, 0, 0, 1, 1, 1},  {3, 9, 7, 2, 2, 3, 3, 0, 0, 0, 0, 1, 1},
    {4, 12, 11, 3, 3, 1, 2, 2, 1, 0, 2, 2, 2}, {13, 9, 7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {2, 9, 7, 3, 3, 2, 2, 3, 3, 3, 3, 1, 1},   {3, 9, 7, 3, 2, 3, 1, 6, 3, 2, 4, 3, 2},
    {1, 2, 3, 1, 1, 1, 1, 4, 4, 4, 4, 1, 1},   {5, 8, 9, 5, 3, 2, 3, 2, 2, 1, 1, 1, 3},
};

}  // namespace

TEST(Im2col, Col2imIsTheAdjoint) {
    // <im2col(x), y> == <x, col2im(y)> for any x, y: col2im scatters exactly where im2col gathers.
    std::uint32_t seed = 1;
    for (const Geometry& g : kGeometries) {
        const WindowParams p = paramsOf(g);
        const Im2colInfo info = im2colInfo("t", {1, g.c, g.h, g.w}, p, 1);
        const int rows = info.allGroupsK();
        const Tensor x = randomTensor({1, g.c, g.h, g.w}, seed++);
        const Tensor y = randomTensor({1, 1, rows, info.N}, seed++);
        std::vector<float> col(std::size_t(rows) * std::size_t(info.N));
        im2col(x.data(), g.c, g.h, g.w, p, col.data());
        Tensor back = randomTensor({1, g.c, g.h, g.w}, 99);  // col2im zeroes it first
        col2im(y.data(), g.c, g.h, g.w, p, back.data());
        double lhs = 0, rhs = 0, magnitude = 0;
        for (std::size_t i = 0; i < col.size(); ++i) {
            lhs += double(col[i]) * y.data()[i];
            magnitude += std::abs(double(col[i]) * y.data()[i]);
        }
        for (std::int64_t i = 0; i < x.count(); ++i) rhs += double(x.data()[i]) * back.data()[i];
        EXPECT_NEAR(lhs, rhs, 1e-5 * (1 + magnitude)) << describe(g);
    }
}

// col2imColumns over column tiles sums to the whole col2im, and on a grid wider and taller than
// the conv's output (a transposed conv's output padding) it drops exactly what falls outside.
TEST(Im2col, Col2imColumnsTilesAndGridsMatchTheScatterLoop) {
    std::uint32_t seed = 50;
    for (const Geometry& g : kGeometries) {
        const WindowParams p = paramsOf(g);
        const OutputSize out = outputSize(g.h, g.w, p);
        for (int extra : {0, 2}) {
            const int colH = out.h + extra, colW = out.w + extra, N = colH * colW;
            const int rows = g.c * g.kh * g.kw;
            const Tensor y = randomTensor({1, 1, rows, N}, seed++);
            // The scatter loop, written out.
            std::vector<float> expected(std::size_t(g.c * g.h * g.w));
            for (int k = 0; k < rows; ++k) {
                const int kj = k % g.kw, ki = k / g.kw % g.kh, c = k / (g.kw * g.kh);
                for (int n = 0; n < N; ++n) {
                    const int yy = n / colW * g.sh - g.pt + ki * g.dh;
                    const int xx = n % colW * g.sw - g.pl + kj * g.dw;
                    if (yy >= 0 && yy < g.h && xx >= 0 && xx < g.w)
                        expected[std::size_t((c * g.h + yy) * g.w + xx)] += y.data()[k * N + n];
                }
            }
            for (int tile : {1, 3, 7, N}) {
                std::vector<float> image(expected.size(), 0.0f), part;
                for (int n0 = 0; n0 < N; n0 += tile) {
                    const int n1 = std::min(N, n0 + tile);
                    part.assign(std::size_t(rows) * std::size_t(n1 - n0), 0.0f);
                    for (int k = 0; k < rows; ++k)
                        std::copy_n(y.data() + k * N + n0, n1 - n0,
                                    part.data() + std::size_t(k) * std::size_t(n1 - n0));
                    col2imColumns(part.data(), g.c, g.h, g.w, p, colW, n0, n1, n1 - n0,
                                  image.data());
                }
                for (std::size_t i = 0; i < image.size(); ++i)
                    ASSERT_NEAR(image[i], expected[i], 1e-5)
                        << describe(g) << ", grid " << colH << "x" << colW << ", tiles of " << tile
                        << ", pixel " << i;
            }
        }
    }
}

TEST(Im2col, Col2imOfOnesCountsCopiesPerPixel) {
    // 3x3 kernel, stride 1, pad 1 on 4x4: corner pixels are copied into 4 columns, edges 6, the
    // inner ones 9.
    WindowParams p = WindowParams::square(3, 1, 1);
    std::vector<float> ones(9 * 16, 1.0f);
    std::vector<float> counts(16);
    col2im(ones.data(), 1, 4, 4, p, counts.data());
    const std::vector<float> expected = {4, 6, 6, 4, 6, 9, 9, 6, 6, 9, 9, 6, 4, 6, 6, 4};
    EXPECT_EQ(counts, expected);
}
