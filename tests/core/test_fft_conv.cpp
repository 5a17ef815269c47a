// The FFT rung against the direct loops: stride 1 and larger strides (computed at stride 1 and
// subsampled), padding, groups, rectangular kernels.
#include <gtest/gtest.h>

#include "io/fft_conv.h"
#include "layers/convolution.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::randomTensor;
using convscope::test::tensorsClose;

TEST(FftConv, MatchesTheDirectReference) {
    struct Case {
        int n, c, h, w, m, kh, kw, s, pad, g;
    } cases[] = {{1, 3, 27, 27, 8, 11, 11, 4, 0, 1},
                 {2, 4, 12, 11, 6, 3, 3, 1, 1, 2},
                 {1, 6, 15, 13, 9, 5, 3, 2, 2, 3},
                 {1, 3, 9, 7, 4, 3, 2, 1, 0, 1}};
    std::uint32_t seed = 11;
    for (const Case& t : cases) {
        WindowParams p = WindowParams::square(1, t.s, t.pad);
        p.kernelH = t.kh, p.kernelW = t.kw, p.groups = t.g;
        const Tensor w = randomTensor({t.m, t.c / t.g, t.kh, t.kw}, seed++);
        std::vector<float> bias(std::size_t(t.m), -0.25f);
        const Tensor in = randomTensor({t.n, t.c, t.h, t.w}, seed++);
        const OutputSize out = outputSize(t.h, t.w, p);
        Tensor expected(t.n, t.m, out.h, out.w);
        convolveDirect(in, w, bias, p, expected);
        io::FftConv fft(in.shape(), p, w, bias);
        // Single-precision transforms: errors of a few 1e-5 over sums of up to 363 products.
        EXPECT_TRUE(tensorsClose(fft.forward(in), expected, 1e-3, 1e-4,
                                 "FFT k" + std::to_string(t.kh) + "x" + std::to_string(t.kw) +
                                     " s" + std::to_string(t.s)));
    }
}

TEST(FftConv, DilationIsRefused) {
    convscope::test::expectError(
        [] {
            io::FftConv({1, 1, 8, 8}, WindowParams::square(3, 1, 0, 2), Tensor(1, 1, 3, 3), {});
        },
        ErrorCategory::InvalidConfig, "does not support dilation");
}
