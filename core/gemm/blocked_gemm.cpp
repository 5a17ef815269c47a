// Blocked GEMM: the public entry points of blocked_gemm.h and A packed once (PackedA). The loop
// nest and micro-kernel are in kernels/blocked_gemm_kernels.cpp, one copy per ISA.
#include "gemm/blocked_gemm.h"

#include <algorithm>
#include <cstring>

#include "kernels/kernels.h"

namespace convscope::core {

BlockedGemmShape blockedGemmShape() {
    return CONVSCOPE_KERNEL(blockedGemmShape)();
}

void packRowMajorB(const float* B, std::int64_t ldb, int k0, int kc, int n0, int nc, float* dst) {
    const int NR = blockedGemmShape().NR;
    const int slivers = (nc + NR - 1) / NR;
    for (int s = 0; s < slivers; ++s) {
        float* d = dst + std::int64_t(s) * kc * NR;
        const int j0 = n0 + s * NR, width = std::min(NR, n0 + nc - j0);
        for (int k = 0; k < kc; ++k) {
            const float* src = B + (k0 + k) * ldb + j0;
            std::memcpy(d + k * NR, src, sizeof(float) * std::size_t(width));
            if (width < NR) std::fill(d + k * NR + width, d + (k + 1) * NR, 0.0f);
        }
    }
}

namespace {

PackB rowMajorPacker(const float* B, std::int64_t ldb) {
    return [B, ldb](int k0, int kc, int n0, int nc, float* dst) {
        packRowMajorB(B, ldb, k0, kc, n0, nc, dst);
    };
}

}  // namespace

void blockedGemm(int M, int N, int K, const float* A, std::int64_t lda, const PackB& packB,
                 float* C, std::int64_t ldc, bool accumulate) {
    CONVSCOPE_KERNEL(blockedGemmNest)
    (M, N, K, A, lda, nullptr, packB, nullptr, 0, C, ldc, accumulate);
}

void blockedGemm(int M, int N, int K, const float* A, std::int64_t lda, const float* B,
                 std::int64_t ldb, float* C, std::int64_t ldc, bool accumulate) {
    CONVSCOPE_KERNEL(blockedGemmNest)
    (M, N, K, A, lda, nullptr, rowMajorPacker(B, ldb), B, ldb, C, ldc, accumulate);
}

PackedA::PackedA(int M, int K, const float* A, std::int64_t lda)
    : m_isa(activeIsa()),
      m_shape(blockedGemmShape()),
      m_M(M),
      m_K(K),
      m_paddedM((M + m_shape.MR - 1) / m_shape.MR * m_shape.MR),
      m_data(1, 1, 1, m_paddedM * K) {
    // Depth blocks one after another; within one, all of M's slivers (kc x MR each) in order.
    auto* pack = CONVSCOPE_KERNEL_FOR(m_isa, packA);
    for (int pc = 0; pc < K; pc += m_shape.KC) {
        const int kc = std::min(m_shape.KC, K - pc);
        for (int ic = 0; ic < M; ic += m_shape.MC)
            pack(A + ic * lda + pc, lda, std::min(m_shape.MC, M - ic), kc,
                 const_cast<float*>(block(ic, pc)));
    }
}

const float* PackedA::block(int ic, int pc) const {
    // Blocks before pc hold KC·paddedM floats each; slivers before ic hold kc·MR each.
    const int kc = std::min(m_shape.KC, m_K - pc);
    return m_data.data() + std::int64_t(pc) * m_paddedM + std::int64_t(ic) * kc;
}

void blockedGemm(const PackedA& A, int N, const PackB& packB, float* C, std::int64_t ldc,
                 bool accumulate) {
    requirePackedForActiveIsa(A.isa(), "the blocked GEMM's packed A");
    CONVSCOPE_KERNEL(blockedGemmNest)
    (A.rows(), N, A.cols(), nullptr, 0, &A, packB, nullptr, 0, C, ldc, accumulate);
}

void blockedGemm(const PackedA& A, int N, const float* B, std::int64_t ldb, float* C,
                 std::int64_t ldc, bool accumulate) {
    requirePackedForActiveIsa(A.isa(), "the blocked GEMM's packed A");
    CONVSCOPE_KERNEL(blockedGemmNest)
    (A.rows(), N, A.cols(), nullptr, 0, &A, rowMajorPacker(B, ldb), B, ldb, C, ldc, accumulate);
}

}  // namespace convscope::core
