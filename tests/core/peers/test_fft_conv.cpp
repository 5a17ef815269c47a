// The FFT rung against the direct loops: stride 1 and larger strides (computed at stride 1 and
// subsampled), padding, groups, rectangular kernels; a refused layer leaves nothing allocated.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "peers/fft_conv.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::tensorsClose;

// This binary's operator new / delete count the blocks alive, so a test can see a constructor
// that throws after allocating (FftConv's Impl once leaked that way). The sanitizer build runs
// without a leak check (thread pools keep memory until exit), so this is what catches it.
namespace {
std::atomic<long> g_liveBlocks{0};
}
void* operator new(std::size_t n) {
    void* p = std::malloc(n ? n : 1);
    if (!p) throw std::bad_alloc();
    ++g_liveBlocks;
    return p;
}
void operator delete(void* p) noexcept {
    if (!p) return;
    --g_liveBlocks;
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    operator delete(p);
}

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
        const auto r =
            convscope::test::referenceConv({t.n, t.c, t.h, t.w}, t.m, p, seed += 2, -0.25f);
        io::FftConv fft(r.input.shape(), p, r.weights, r.bias);
        // Single-precision transforms: errors of a few 1e-5 over sums of up to 363 products.
        EXPECT_TRUE(tensorsClose(fft.forward(r.input), r.expected, 1e-3, 1e-4,
                                 "FFT k" + std::to_string(t.kh) + "x" + std::to_string(t.kw) +
                                     " s" + std::to_string(t.s)));
    }
}

TEST(FftConv, ARefusedLayerFreesWhatItAllocated) {
    const Tensor weights(1, 1, 3, 3);
    const WindowParams dilated = WindowParams::square(3, 1, 0, 2);
    const long before = g_liveBlocks.load();
    try {
        io::FftConv fft({1, 1, 8, 8}, dilated, weights, {});
        ADD_FAILURE() << "dilation was accepted";
    } catch (const Error&) {
    }
    EXPECT_EQ(g_liveBlocks.load(), before);
}

TEST(FftConv, DilationIsRefused) {
    convscope::test::expectError(
        [] {
            io::FftConv({1, 1, 8, 8}, WindowParams::square(3, 1, 0, 2), Tensor(1, 1, 3, 3), {});
        },
        ErrorCategory::InvalidConfig, "does not support dilation");
}
