// The engine's GEMM/GEMV kernels (gemm.h), compiled once per ISA (kernels/kernels.h): Eigen maps
// with the storage order in each map's type (RowMajor throughout), and the batched GEMV.
//
// Eigen picks its vector width (SSE2, AVX2, AVX-512 packets) at compile time, so it is built per
// ISA too. Its templates would otherwise be shared between the copies by the linker (one inline
// function, three bodies: the AVX-512 one could run on an AVX2 CPU), so each copy sees Eigen in a
// namespace of its own (Eigen_avx512, ...): the macro renames every use of the name in this file
// and in Eigen's headers. Each copy keeps its own thread count: setGemmThreads.
#define CONVSCOPE_EIGEN_NS_(isa) Eigen_##isa
#define CONVSCOPE_EIGEN_NS(isa) CONVSCOPE_EIGEN_NS_(isa)
#define Eigen CONVSCOPE_EIGEN_NS(CONVSCOPE_ISA_NS)
#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <utility>

#include <immintrin.h>

#include "base/runtime.h"
#include "kernels/kernels.h"

namespace convscope::core::CONVSCOPE_ISA_NS {

namespace {
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;
using RowMap = Eigen::Map<RowMatrix, Eigen::Unaligned, Eigen::OuterStride<>>;
}  // namespace

void gemm(int M, int N, int K, const float* A, std::int64_t lda, const float* B, std::int64_t ldb,
          float* C, std::int64_t ldc, bool accumulate) {
    ConstRowMap a(A, M, K, Eigen::OuterStride<>(lda));
    ConstRowMap b(B, K, N, Eigen::OuterStride<>(ldb));
    RowMap c(C, M, N, Eigen::OuterStride<>(ldc));
    if (accumulate)
        c.noalias() += a * b;
    else
        c.noalias() = a * b;
}

void gemmTransA(int M, int N, int K, const float* A, std::int64_t lda, const float* B,
                std::int64_t ldb, float* C, std::int64_t ldc, bool accumulate) {
    // A is stored K x M row-major; its transpose is a column-major M x K view Eigen's GEMM reads
    // directly (no copy, no expression kept in auto).
    ConstRowMap a(A, K, M, Eigen::OuterStride<>(lda));
    ConstRowMap b(B, K, N, Eigen::OuterStride<>(ldb));
    RowMap c(C, M, N, Eigen::OuterStride<>(ldc));
    if (accumulate)
        c.noalias() += a.transpose() * b;
    else
        c.noalias() = a.transpose() * b;
}

void gemv(int M, int K, const float* A, std::int64_t lda, const float* x, float* y) {
    Eigen::Map<const Eigen::VectorXf> xv(x, K);
    const int threads = threadCount();
    // Blocks of whole rows, a few per thread so an uneven machine still balances.
    const int blocks = std::max(1, std::min(M / 64, threads * 4));
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int b = 0; b < blocks; ++b) {
        const int r0 = int(std::int64_t(M) * b / blocks),
                  r1 = int(std::int64_t(M) * (b + 1) / blocks);
        ConstRowMap a(A + std::int64_t(r0) * lda, r1 - r0, K, Eigen::OuterStride<>(lda));
        Eigen::Map<Eigen::VectorXf> yv(y + r0, r1 - r0);
        yv.noalias() = a * xv;
    }
}

namespace {

#if defined(__AVX512F__)
// out[b·ldo + r] = Σ_k w[r·ldw + k] · x[b·ldx + k] for r < R, b < NB: R rows of W against NB
// images, each product accumulated in a 16-lane vector along k and summed at the end.
template <int R, int NB>
void gemvTile(int K, const float* w, std::int64_t ldw, const float* x, std::int64_t ldx, float* out,
              std::int64_t ldo) {
    __m512 acc[R][NB];
#pragma GCC unroll 3
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
        for (int b = 0; b < NB; ++b) acc[r][b] = _mm512_setzero_ps();
    auto step = [&](int k, __mmask16 mask) {
        __m512 wv[R];
#pragma GCC unroll 3
        for (int r = 0; r < R; ++r) wv[r] = _mm512_maskz_loadu_ps(mask, w + r * ldw + k);
#pragma GCC unroll 8
        for (int b = 0; b < NB; ++b) {
            const __m512 xv = _mm512_maskz_loadu_ps(mask, x + b * ldx + k);
#pragma GCC unroll 3
            for (int r = 0; r < R; ++r) acc[r][b] = _mm512_fmadd_ps(wv[r], xv, acc[r][b]);
        }
    };
    int k = 0;
    for (; k + 16 <= K; k += 16) step(k, __mmask16(0xffff));
    if (k < K) step(k, __mmask16((1u << (K - k)) - 1));
#pragma GCC unroll 3
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
        for (int b = 0; b < NB; ++b) out[b * ldo + r] = _mm512_reduce_add_ps(acc[r][b]);
}

constexpr int kTileRows = 3, kTileImages = 8;  // 24 accumulators + 3 rows of W + 1 image
using GemvTileFn = void (*)(int, const float*, std::int64_t, const float*, std::int64_t, float*,
                            std::int64_t);
template <int R, std::size_t... I>
constexpr std::array<GemvTileFn, kTileImages> tilesOfRows(std::index_sequence<I...>) {
    return {&gemvTile<R, int(I) + 1>...};
}
// kGemvTiles[rows - 1][images - 1]
constexpr std::array<std::array<GemvTileFn, kTileImages>, kTileRows> kGemvTiles = {
    tilesOfRows<1>(std::make_index_sequence<kTileImages>()),
    tilesOfRows<2>(std::make_index_sequence<kTileImages>()),
    tilesOfRows<3>(std::make_index_sequence<kTileImages>())};
#endif

}  // namespace

bool hasBatchGemv() {
#if defined(__AVX512F__)
    return true;
#else
    return false;
#endif
}

void batchGemv(int B, int M, int K, const float* X, const float* W, float* out) {
#if defined(__AVX512F__)
    const int blocks = (M + kTileRows - 1) / kTileRows;
#pragma omp parallel for schedule(static) num_threads(threadCount())
    for (int blk = 0; blk < blocks; ++blk) {
        const int m0 = blk * kTileRows, rows = std::min(kTileRows, M - m0);
        for (int b0 = 0; b0 < B; b0 += kTileImages) {
            const int images = std::min(kTileImages, B - b0);
            kGemvTiles[std::size_t(rows - 1)][std::size_t(images - 1)](
                K, W + std::int64_t(m0) * K, K, X + std::int64_t(b0) * K, K,
                out + std::int64_t(b0) * M + m0, M);
        }
    }
#else
    gemmTransB(B, M, K, X, W, out);
#endif
}

void gemmTransB(int B, int M, int K, const float* X, const float* W, float* out) {
    Eigen::Map<const RowMatrix> x(X, B, K);
    Eigen::Map<const RowMatrix> w(W, M, K);
    Eigen::Map<RowMatrix> o(out, B, M);
    o.noalias() = x * w.transpose();
}

void setGemmThreads(int threads) {
    Eigen::setNbThreads(threads);
}

}  // namespace convscope::core::CONVSCOPE_ISA_NS
