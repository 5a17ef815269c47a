// GEMM/GEMV via Eigen maps; storage order is part of each map's type (RowMajor throughout).
#include "gemm.h"

#include <Eigen/Core>
#include <algorithm>

#include "runtime.h"

namespace convscope::core {

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

void gemmTransB(int B, int M, int K, const float* X, const float* W, float* out) {
    Eigen::Map<const RowMatrix> x(X, B, K);
    Eigen::Map<const RowMatrix> w(W, M, K);
    Eigen::Map<RowMatrix> o(out, B, M);
    o.noalias() = x * w.transpose();
}

}  // namespace convscope::core
