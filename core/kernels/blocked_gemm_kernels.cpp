// The blocked GEMM's kernels (blocked_gemm.h): register-tiled micro-kernel, A packing and the loop
// nest, compiled once per ISA (kernels/kernels.h); blocked_gemm.cpp calls the active copy.
#include <algorithm>
#include <cstring>

#include <immintrin.h>

#include "base/runtime.h"
#include "base/tensor.h"
#include "kernels/kernels.h"

namespace convscope::core::CONVSCOPE_ISA_NS {

namespace {

// Register tile MR x NR and cache blocks per ISA. The B sliver (KC x NR) stays in L1 while the A
// block (MC x KC) streams from L2 through it; the B block (KC x NC) sits in L3.
#if defined(__AVX512F__)
constexpr int MR = 8, NR = 48;
constexpr int MC = MR * 32;  // A block 256 x 384 x 4 = 384 KiB of Zen 4's 1 MiB L2
constexpr int KC = 384;      // B sliver 384 x 48 x 4 = 72 KiB, streaming from L2
constexpr int NC = NR * 64;  // B block 384 x 3072 x 4 = 4.5 MiB in L3
#elif defined(__AVX2__) && defined(__FMA__)
// BLIS's blocking for the same 6 x 16 tile on Zen (sgemm MC 144, KC 256, NC 4080): the B sliver
// 256 x 16 x 4 = 16 KiB, half of a 32 KiB L1, and the A block 144 x 256 x 4 = 144 KiB, a third
// of Zen 3's 512 KiB L2 (the AVX-512 sizes would take 288 KiB of A and 24 KiB slivers). On Zen 4
// with AVX2 forced the two measured the same (1.06-1.19 ms for the article's GEMM, 1 thread, one
// run on a loaded machine); Zen 3 itself is still to be measured.
constexpr int MR = 6, NR = 16;
constexpr int MC = MR * 24;
constexpr int KC = 256;
constexpr int NC = NR * 255;
#else
constexpr int MR = 4, NR = 16;
constexpr int MC = MR * 32;
constexpr int KC = 384;
constexpr int NC = NR * 64;
#endif

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

}  // namespace

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

BlockedGemmShape blockedGemmShape() {
    return {MR, NR, MC, KC, NC};
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

void blockedGemmNest(int M, int N, int K, const float* A, std::int64_t lda, const PackedA* packed,
                     const PackB& packB, const float* B, std::int64_t ldb, float* C,
                     std::int64_t ldc, bool accumulate) {
    if (ldb > kInPlaceMaxLdb) B = nullptr;
    if (packed) {
        loopNest(
            M, N, K, [&](int ic, int pc, int, int) { return packed->block(ic, pc); }, packB, B, ldb,
            C, ldc, accumulate);
        return;
    }
    // A packed block by block as the nest goes, into a buffer kept per calling thread.
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

}  // namespace convscope::core::CONVSCOPE_ISA_NS
