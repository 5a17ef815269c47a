// im2col / col2im: a hand-worked case, column ranges, the adjoint identity, duplication counts.
#include <gtest/gtest.h>

#include <numeric>
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

TEST(Im2col, Col2imIsTheAdjoint) {
    // <im2col(x), y> == <x, col2im(y)> for any x, y: col2im scatters exactly where im2col gathers.
    const int C = 2, H = 6, W = 5;
    WindowParams p;
    p.kernelH = 3, p.kernelW = 2, p.strideH = 1, p.strideW = 2, p.padTop = 2, p.padLeft = 1;
    p.dilationW = 2;
    const Im2colInfo info = im2colInfo("t", {1, C, H, W}, p, 1);
    const std::int64_t rows = std::int64_t(C) * 6;
    const Tensor x = randomTensor({1, C, H, W}, 1);
    const Tensor y = randomTensor({1, 1, int(rows), info.N}, 2);
    std::vector<float> col(std::size_t(rows * info.N));
    im2col(x.data(), C, H, W, p, col.data());
    Tensor back(1, C, H, W);
    col2im(y.data(), C, H, W, p, back.data());
    double lhs = 0, rhs = 0;
    for (std::size_t i = 0; i < col.size(); ++i) lhs += double(col[i]) * y.data()[i];
    for (std::int64_t i = 0; i < x.count(); ++i) rhs += double(x.data()[i]) * back.data()[i];
    EXPECT_NEAR(lhs, rhs, 1e-4 * std::abs(lhs));
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
