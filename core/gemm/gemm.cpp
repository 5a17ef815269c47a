// The engine's matrix products (gemm.h): each call goes to the copy of kernels/gemm_kernels.cpp
// for the active ISA.
#include "gemm/gemm.h"

#include "kernels/kernels.h"

namespace convscope::core {

void gemm(int M, int N, int K, const float* A, std::int64_t lda, const float* B, std::int64_t ldb,
          float* C, std::int64_t ldc, bool accumulate) {
    CONVSCOPE_KERNEL(gemm)(M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}

void gemmTransA(int M, int N, int K, const float* A, std::int64_t lda, const float* B,
                std::int64_t ldb, float* C, std::int64_t ldc, bool accumulate) {
    CONVSCOPE_KERNEL(gemmTransA)(M, N, K, A, lda, B, ldb, C, ldc, accumulate);
}

void gemv(int M, int K, const float* A, std::int64_t lda, const float* x, float* y) {
    CONVSCOPE_KERNEL(gemv)(M, K, A, lda, x, y);
}

void gemmTransB(int B, int M, int K, const float* X, const float* W, float* out) {
    CONVSCOPE_KERNEL(gemmTransB)(B, M, K, X, W, out);
}

bool hasBatchGemv() {
    return CONVSCOPE_KERNEL(hasBatchGemv)();
}

void batchGemv(int B, int M, int K, const float* X, const float* W, float* out) {
    CONVSCOPE_KERNEL(batchGemv)(B, M, K, X, W, out);
}

}  // namespace convscope::core
