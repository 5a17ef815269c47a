// Blocked GEMM: packing, the register-tiled micro-kernel, and the loop nest of blocked_gemm.h.
#include "blocked_gemm.h"

#include <algorithm>
#include <cstring>

#include <immintrin.h>

#include "runtime.h"
#include "tensor.h"

namespace convscope::core {

namespace {

#if defined(__AVX512F__)
constexpr int MR = 8, NR = 48;
#elif defined(__AVX2__) && defined(__FMA__)
constexpr int MR = 6, NR = 16;
#else
constexpr int MR = 4, NR = 16;
#endif
constexpr int MC = MR * 32;  // A block: MC x KC floats stay in L2 (256 x 384 x 4 = 384 KiB)
constexpr int KC = 384;
constexpr int NC = NR * 64;  // B block: KC x NC floats (384 x 3072 x 4 = 4.5 MiB) in L3

// C[MR x NR] (= or +=) a-sliver · b-sliver over kc; b's rows are ldb floats apart (NR when
// packed, the matrix's own row length when read in place).
void microKernel(int kc, const float* __restrict a, const float* __restrict b, std::int64_t ldb,
                 float* c, std::int64_t ldc, bool accumulate) {
#if defined(__AVX512F__)
    constexpr int NV = NR / 16;
    __m512 acc[MR][NV];
#pragma GCC unroll 12
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_ps();
    for (int k = 0; k < kc; ++k) {
        __m512 bv[NV];
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) bv[v] = _mm512_loadu_ps(b + 16 * v);
#pragma GCC unroll 12
        for (int i = 0; i < MR; ++i) {
            const __m512 ai = _mm512_set1_ps(a[i]);
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
        }
        a += MR;
        b += ldb;
    }
#pragma GCC unroll 12
    for (int i = 0; i < MR; ++i) {
        float* row = c + i * ldc;
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) {
            if (accumulate) acc[i][v] = _mm512_add_ps(acc[i][v], _mm512_loadu_ps(row + 16 * v));
            _mm512_storeu_ps(row + 16 * v, acc[i][v]);
        }
    }
#elif defined(__AVX2__) && defined(__FMA__)
    __m256 acc[MR][2];
#pragma GCC unroll 6
    for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
    for (int k = 0; k < kc; ++k) {
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
        for (int i = 0; i < MR; ++i) {
            const __m256 ai = _mm256_broadcast_ss(a + i);
            acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
        }
        a += MR;
        b += ldb;
    }
#pragma GCC unroll 6
    for (int i = 0; i < MR; ++i) {
        float* row = c + i * ldc;
        if (accumulate) {
            acc[i][0] = _mm256_add_ps(acc[i][0], _mm256_loadu_ps(row));
            acc[i][1] = _mm256_add_ps(acc[i][1], _mm256_loadu_ps(row + 8));
        }
        _mm256_storeu_ps(row, acc[i][0]);
        _mm256_storeu_ps(row + 8, acc[i][1]);
    }
#else
    float acc[MR][NR] = {};
    for (int k = 0; k < kc; ++k) {
        for (int i = 0; i < MR; ++i)
            for (int j = 0; j < NR; ++j) acc[i][j] += a[i] * b[j];
        a += MR;
        b += ldb;
    }
    for (int i = 0; i < MR; ++i)
        for (int j = 0; j < NR; ++j)
            c[i * ldc + j] = (accumulate ? c[i * ldc + j] : 0.0f) + acc[i][j];
#endif
}

// A[ic:ic+mc, pc:pc+kc] into ceil(mc/MR) slivers of kc x MR (k-major), rows past mc zero.
void packA(const float* A, std::int64_t lda, int mc, int kc, float* dst) {
    const int slivers = (mc + MR - 1) / MR;
#pragma omp parallel for schedule(static) num_threads(threadCount())
    for (int s = 0; s < slivers; ++s) {
        float* d = dst + std::int64_t(s) * kc * MR;
        for (int i = 0; i < MR; ++i) {
            const int row = s * MR + i;
            if (row < mc) {
                const float* src = A + row * lda;
                for (int k = 0; k < kc; ++k) d[k * MR + i] = src[k];
            } else {
                for (int k = 0; k < kc; ++k) d[k * MR + i] = 0.0f;
            }
        }
    }
}

}  // namespace

BlockedGemmShape blockedGemmShape() {
    return {MR, NR, MC, KC, NC};
}

void packRowMajorB(const float* B, std::int64_t ldb, int k0, int kc, int n0, int nc, float* dst) {
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

// A stored B read in place by the micro-kernel, without packing, when its rows are short enough
// that a sliver's kc rows stay within a few pages (the article's 1152 x 192 B: packing it was ~7%
// of the product). Longer rows (a conv's col matrix, N = 3025) are packed: read in place, every
// row of a sliver would be another page.
constexpr std::int64_t kInPlaceMaxLdb = 1024;

// The loop nest of blocked_gemm.h; packedA(ic, pc, mc, kc) returns the packed slivers of that
// block of A (packing it, or pointing into a PackedA). B comes from packB, or when `B` is set,
// from that row-major matrix in place (an edge sliver narrower than NR is still packed).
template <class PackedABlock>
void loopNest(int M, int N, int K, const PackedABlock& packedA, const PackB& packB, const float* B,
              std::int64_t ldb, float* C, std::int64_t ldc, bool accumulate) {
    // Packing buffer kept per calling thread: no allocation (and no page faults) per product.
    thread_local Scratch bBuffer;
    float* bPack = bBuffer.get(std::size_t(KC) * std::size_t((std::min(NC, N) + NR - 1) / NR * NR));
    for (int jc = 0; jc < N; jc += NC) {
        const int nc = std::min(NC, N - jc);
        const int nSlivers = (nc + NR - 1) / NR;
        for (int pc = 0; pc < K; pc += KC) {
            const int kc = std::min(KC, K - pc);
            const bool acc = accumulate || pc > 0;
            if (B) {
                // In place; only a narrow last sliver is packed (it would read past the row).
                if (nc % NR)
                    packRowMajorB(B, ldb, pc, kc, jc + (nSlivers - 1) * NR, nc % NR,
                                  bPack + std::int64_t(nSlivers - 1) * kc * NR);
            } else {
                // Pack B in parallel, a run of whole slivers per thread.
#pragma omp parallel for schedule(static) num_threads(threadCount())
                for (int s = 0; s < nSlivers; ++s)
                    packB(pc, kc, jc + s * NR, std::min(NR, nc - s * NR),
                          bPack + std::int64_t(s) * kc * NR);
            }
            for (int ic = 0; ic < M; ic += MC) {
                const int mc = std::min(MC, M - ic);
                const int mSlivers = (mc + MR - 1) / MR;
                const float* aPack = packedA(ic, pc, mc, kc);
#pragma omp parallel for collapse(2) schedule(static) num_threads(threadCount())
                for (int js = 0; js < nSlivers; ++js)
                    for (int is = 0; is < mSlivers; ++is) {
                        const int i0 = ic + is * MR, j0 = jc + js * NR;
                        const int rows = std::min(MR, M - i0), cols = std::min(NR, N - j0);
                        const float* a = aPack + std::int64_t(is) * kc * MR;
                        const bool inPlace = B && cols == NR;
                        const float* b = inPlace ? B + std::int64_t(pc) * ldb + j0
                                                 : bPack + std::int64_t(js) * kc * NR;
                        const std::int64_t bStride = inPlace ? ldb : NR;
                        float* c = C + i0 * ldc + j0;
                        if (rows == MR && cols == NR) {
                            microKernel(kc, a, b, bStride, c, ldc, acc);
                        } else {  // an edge tile: compute whole, keep the valid part
                            alignas(64) float tile[MR * NR];
                            microKernel(kc, a, b, bStride, tile, NR, false);
                            for (int i = 0; i < rows; ++i)
                                for (int j = 0; j < cols; ++j)
                                    c[i * ldc + j] =
                                        (acc ? c[i * ldc + j] : 0.0f) + tile[i * NR + j];
                        }
                    }
            }
        }
    }
}

}  // namespace

namespace {

// The nest with A packed block by block as it goes.
void packingA(int M, int N, int K, const float* A, std::int64_t lda, const PackB& packB,
              const float* B, std::int64_t ldb, float* C, std::int64_t ldc, bool accumulate) {
    thread_local Scratch aBuffer;
    float* aPack = aBuffer.get(std::size_t(KC) * std::size_t((std::min(MC, M) + MR - 1) / MR * MR));
    loopNest(
        M, N, K,
        [&](int ic, int pc, int mc, int kc) {
            packA(A + ic * lda + pc, lda, mc, kc, aPack);
            return static_cast<const float*>(aPack);
        },
        packB, B, ldb, C, ldc, accumulate);
}

// The PackB of a stored B, and whether to read B in place instead.
PackB rowMajorPacker(const float* B, std::int64_t ldb) {
    return [B, ldb](int k0, int kc, int n0, int nc, float* dst) {
        packRowMajorB(B, ldb, k0, kc, n0, nc, dst);
    };
}
const float* inPlace(const float* B, std::int64_t ldb) {
    return ldb <= kInPlaceMaxLdb ? B : nullptr;
}

}  // namespace

void blockedGemm(int M, int N, int K, const float* A, std::int64_t lda, const PackB& packB,
                 float* C, std::int64_t ldc, bool accumulate) {
    packingA(M, N, K, A, lda, packB, nullptr, 0, C, ldc, accumulate);
}

void blockedGemm(int M, int N, int K, const float* A, std::int64_t lda, const float* B,
                 std::int64_t ldb, float* C, std::int64_t ldc, bool accumulate) {
    packingA(M, N, K, A, lda, rowMajorPacker(B, ldb), inPlace(B, ldb), ldb, C, ldc, accumulate);
}

PackedA::PackedA(int M, int K, const float* A, std::int64_t lda)
    : m_M(M), m_K(K), m_paddedM((M + MR - 1) / MR * MR), m_data(1, 1, 1, m_paddedM * K) {
    // Depth blocks one after another; within one, all of M's slivers (kc x MR each) in order.
    for (int pc = 0; pc < K; pc += KC) {
        const int kc = std::min(KC, K - pc);
        for (int ic = 0; ic < M; ic += MC)
            packA(A + ic * lda + pc, lda, std::min(MC, M - ic), kc,
                  const_cast<float*>(block(ic, pc)));
    }
}

const float* PackedA::block(int ic, int pc) const {
    // Blocks before pc hold KC·paddedM floats each; slivers before ic hold kc·MR each.
    const int kc = std::min(KC, m_K - pc);
    return m_data.data() + std::int64_t(pc) * m_paddedM + std::int64_t(ic) * kc;
}

void blockedGemm(const PackedA& A, int N, const PackB& packB, float* C, std::int64_t ldc,
                 bool accumulate) {
    loopNest(
        A.rows(), N, A.cols(), [&](int ic, int pc, int, int) { return A.block(ic, pc); }, packB,
        nullptr, 0, C, ldc, accumulate);
}

void blockedGemm(const PackedA& A, int N, const float* B, std::int64_t ldb, float* C,
                 std::int64_t ldc, bool accumulate) {
    loopNest(
        A.rows(), N, A.cols(), [&](int ic, int pc, int, int) { return A.block(ic, pc); },
        rowMajorPacker(B, ldb), inPlace(B, ldb), ldb, C, ldc, accumulate);
}

}  // namespace convscope::core
