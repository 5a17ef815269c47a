// The kernel variants (cpu/isa.h): names, detection, forcing a variant, and every variant this CPU
// runs against the slow references — blocked GEMM, Eigen GEMM/GEMV, batched GEMV, every conv method
// — with packed weights repacked after a switch.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>

#include "base/isa.h"
#include "conv/direct_conv.h"
#include "gemm/blocked_gemm.h"
#include "gemm/gemm.h"
#include "layers/convolution.h"
#include "measure/roofs.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::expectError;
using convscope::test::randomTensor;
using convscope::test::tensorsClose;

namespace {

// Puts back the variant that was active before the test.
class IsaTest : public ::testing::Test {
protected:
    void TearDown() override { setIsa(m_before); }
    Isa m_before = activeIsa();
};

// C = A (M x K) · B (K x N), all row-major and dense, in double.
Tensor referenceProduct(int M, int N, int K, const Tensor& A, const Tensor& B) {
    Tensor C(1, 1, M, N);
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
            double s = 0;
            for (int k = 0; k < K; ++k) s += double(A.data()[i * K + k]) * B.data()[k * N + j];
            C.data()[i * N + j] = float(s);
        }
    return C;
}

std::string dims(int M, int N, int K) {
    return "M " + std::to_string(M) + " N " + std::to_string(N) + " K " + std::to_string(K);
}

void checkProducts(Isa isa) {
    const BlockedGemmShape s = blockedGemmShape();
    const int shapes[][3] = {
        {1, 1, 1},      {13, 37, 29},         {s.MR + 1, 2 * s.NR + 3, s.KC + 5},
        {70, 300, 400}, {s.MC + 3, 1100, 17}, {5, s.NR - 1, 2 * s.KC + 1}};
    for (const auto& d : shapes) {
        const int M = d[0], N = d[1], K = d[2];
        const std::string what = std::string(isaName(isa)) + ", " + dims(M, N, K);
        const Tensor A = randomTensor({1, 1, M, K}, 11), B = randomTensor({1, 1, K, N}, 12);
        const Tensor expected = referenceProduct(M, N, K, A, B);
        const double tol = 1e-4 * (1 + std::sqrt(double(K)));
        Tensor C(1, 1, M, N);
        blockedGemm(M, N, K, A.data(), K, B.data(), N, C.data(), N);
        EXPECT_TRUE(tensorsClose(C, expected, tol, 1e-4, "blocked GEMM, " + what));
        const PackedA packed(M, K, A.data(), K);
        EXPECT_EQ(packed.isa(), isa);
        Tensor P(1, 1, M, N);
        blockedGemm(packed, N, B.data(), N, P.data(), N);
        EXPECT_TRUE(tensorsClose(P, expected, tol, 1e-4, "blocked GEMM, pre-packed A, " + what));
        Tensor E(1, 1, M, N);
        gemm(M, N, K, A.data(), K, B.data(), N, E.data(), N);
        EXPECT_TRUE(tensorsClose(E, expected, tol, 1e-4, "Eigen GEMM, " + what));
        // GEMV: A times B's first column.
        Tensor x(1, 1, 1, K), y(1, 1, 1, M), yRef(1, 1, 1, M);
        for (int k = 0; k < K; ++k) x.data()[k] = B.data()[k * N];
        for (int i = 0; i < M; ++i) yRef.data()[i] = expected.data()[i * N];
        gemv(M, K, A.data(), K, x.data(), y.data());
        EXPECT_TRUE(tensorsClose(y, yRef, tol, 1e-4, "GEMV, " + what));
    }
    // The fc layer's small-batch product out (B x M) = X (B x K) · Wᵀ, batched GEMV and Eigen.
    for (int batch : {1, 3, 8, 11, 32}) {
        const int M = 41, K = 105;
        const Tensor X = randomTensor({1, 1, batch, K}, 13), W = randomTensor({1, 1, M, K}, 14);
        Tensor Wt(1, 1, K, M);
        for (int i = 0; i < M; ++i)
            for (int k = 0; k < K; ++k) Wt.data()[k * M + i] = W.data()[i * K + k];
        const Tensor expected = referenceProduct(batch, M, K, X, Wt);
        Tensor out(1, 1, batch, M), outT(1, 1, batch, M);
        batchGemv(batch, M, K, X.data(), W.data(), out.data());
        gemmTransB(batch, M, K, X.data(), W.data(), outT.data());
        const std::string what = std::string(isaName(isa)) + ", batch " + std::to_string(batch);
        EXPECT_TRUE(tensorsClose(out, expected, 1e-4, 1e-4, "batched GEMV, " + what));
        EXPECT_TRUE(tensorsClose(outT, expected, 1e-4, 1e-4, "gemmTransB, " + what));
    }
}

struct ConvCase {
    Shape input;
    int filters;
    WindowParams params;
};

WindowParams window(int k, int stride, int pad, int dilation = 1, int groups = 1) {
    WindowParams p = WindowParams::square(k, stride, pad, dilation);
    p.groups = groups;
    return p;
}

Tensor runConv(const ConvolutionLayer& conv, const Tensor& in, ConvMethod method) {
    const Shape s = in.shape();
    Tensor out(conv.outputShape(std::span<const Shape>(&s, 1)));
    const Tensor* ins[] = {&in};
    ForwardContext ctx;
    ctx.convMethod = method;
    conv.forward(ins, out, ctx);
    return out;
}

// Odd shapes that reach every tile of every variant: rows wider than a register tile, a partial
// channel block, few filters (direct-simd by pixels), stride 2 and 4, dilation, groups.
const ConvCase kConvCases[] = {
    {{1, 3, 9, 7}, 4, window(3, 1, 1)},           {{1, 40, 20, 33}, 70, window(3, 1, 1)},
    {{2, 20, 17, 40}, 36, window(3, 2, 1, 1, 2)}, {{1, 3, 31, 29}, 3, window(11, 4, 0)},
    {{1, 8, 12, 11}, 8, window(3, 1, 2, 2, 8)},   {{1, 13, 9, 7}, 9, window(1, 1, 0)},
};

const std::vector<ConvMethod> kFastMethods = convscope::test::fastMethods();

}  // namespace

TEST(Isa, NamesRoundTrip) {
    for (Isa isa : kIsas) {
        EXPECT_EQ(parseIsa(isaName(isa)), isa) << isaName(isa);
        EXPECT_FALSE(isaDescription(isa).empty());
    }
    EXPECT_EQ(parseIsa("AVX2"), Isa::Avx2);
    EXPECT_EQ(parseIsa("avx512"), Isa::Avx512);
    EXPECT_EQ(parseIsa("generic"), Isa::Generic);
    EXPECT_EQ(parseIsa("x86-64-v3"), Isa::Avx2);
    EXPECT_FALSE(parseIsa("neon").has_value());
    EXPECT_FALSE(parseIsa("").has_value());
}

TEST(Isa, DetectionIsConsistent) {
    EXPECT_TRUE(cpuSupports(Isa::Generic));
    const std::vector<Isa> supported = supportedIsas();
    ASSERT_FALSE(supported.empty());
    EXPECT_EQ(supported.front(), bestIsa());
    EXPECT_EQ(supported.back(), Isa::Generic);
    if (cpuSupports(Isa::Avx512)) {
        EXPECT_TRUE(cpuSupports(Isa::Avx2));
    }
    std::printf("this CPU runs:");
    for (Isa isa : supported) std::printf(" %s", std::string(isaName(isa)).c_str());
    std::printf("\n");
}

TEST_F(IsaTest, ForcingSelectsThatVariant) {
    for (Isa isa : supportedIsas()) {
        setIsa(isa);
        EXPECT_EQ(activeIsa(), isa);
        const BlockedGemmShape g = blockedGemmShape();
        const DirectConvShape d = directConvShape();
        const std::string name(isaName(isa));
        const std::pair<int, int> tile = isa == Isa::Avx512 ? std::pair(8, 48)
                                         : isa == Isa::Avx2 ? std::pair(6, 16)
                                                            : std::pair(4, 16);
        EXPECT_EQ(std::pair(g.MR, g.NR), tile) << name;
        EXPECT_EQ(d.OCB, 2 * isaFloatLanes(isa)) << name;
        EXPECT_EQ(hasBatchGemv(), isa == Isa::Avx512) << name;
        EXPECT_NE(kernelsLine().find("kernels: " + name), std::string::npos) << kernelsLine();
    }
}

TEST_F(IsaTest, AVariantTheCpuLacksIsRefused) {
    bool lacking = false;
    for (Isa isa : kIsas) {
        if (cpuSupports(isa)) continue;
        lacking = true;
        const Isa before = activeIsa();
        expectError([&] { setIsa(isa); }, ErrorCategory::InvalidConfig, "this CPU cannot run");
        EXPECT_EQ(activeIsa(), before);
    }
    if (!lacking) GTEST_SKIP() << "this CPU runs every kernel variant (an emulated one does not)";
}

TEST_F(IsaTest, EveryVariantMatchesTheReferences) {
    for (Isa isa : supportedIsas()) {
        setIsa(isa);
        checkProducts(isa);
        std::uint32_t seed = 40;
        for (const ConvCase& t : kConvCases) {
            const Tensor w = randomTensor(
                {t.filters, t.input.c / t.params.groups, t.params.kernelH, t.params.kernelW},
                seed++);
            std::vector<float> bias(std::size_t(t.filters), 0.125f);
            const ConvolutionLayer conv("conv", t.params, w, bias);
            const Tensor in = randomTensor(t.input, seed++);
            const Tensor expected = runConv(conv, in, ConvMethod::Direct);
            for (ConvMethod m : kFastMethods)
                EXPECT_TRUE(tensorsClose(
                    runConv(conv, in, m), expected, 1e-4, 1e-4,
                    std::string(isaName(isa)) + ", " + t.input.toString() + ", " +
                        std::to_string(t.filters) + " filters " + std::to_string(t.params.kernelH) +
                        "x" + std::to_string(t.params.kernelW) + ", " + toString(m)));
        }
    }
}

TEST_F(IsaTest, PackedWeightsFollowAForcedVariant) {
    const std::vector<Isa> supported = supportedIsas();
    if (supported.size() < 2) GTEST_SKIP() << "this CPU runs only the generic kernels";
    // One layer, its packed weights cached: every switch repacks them.
    const Tensor w = randomTensor({40, 16, 3, 3}, 7);
    const ConvolutionLayer conv("conv", window(3, 1, 1), w, std::vector<float>(40, 0.5f));
    const Tensor in = randomTensor({1, 16, 13, 21}, 8);
    const Tensor expected = runConv(conv, in, ConvMethod::Direct);
    for (int round = 0; round < 2; ++round)
        for (Isa isa : supported) {
            setIsa(isa);
            for (ConvMethod m : {ConvMethod::Im2colBlocked, ConvMethod::DirectSimd})
                EXPECT_TRUE(tensorsClose(runConv(conv, in, m), expected, 1e-4, 1e-4,
                                         std::string(isaName(isa)) + ", " + toString(m)));
        }
    // Packed by hand for one variant and used with another: refused, not misread.
    setIsa(supported[0]);
    const Tensor A = randomTensor({1, 1, 9, 20}, 9), B = randomTensor({1, 1, 20, 30}, 10);
    const PackedA packed(9, 20, A.data(), 20);
    const DirectConvWeights direct(w, 1);
    setIsa(supported[1]);
    Tensor C(1, 1, 9, 30);
    expectError([&] { blockedGemm(packed, 30, B.data(), 30, C.data(), 30); },
                ErrorCategory::InvalidConfig, "pack them again");
    Scratch scratch;
    Tensor out(1, 40, 13, 21);
    expectError([&] { convolveDirectSimd(in, direct, 40, {}, window(3, 1, 1), out, scratch); },
                ErrorCategory::InvalidConfig, "pack them again");
}

TEST_F(IsaTest, PeakLoopRunsOnEveryVariant) {
    for (Isa isa : supportedIsas()) {
        setIsa(isa);
        EXPECT_GT(measurePeakGflops(1, 0.01), 0.0) << isaName(isa);
    }
}
