// blasGemm: cblas_sgemm with OpenBLAS's own thread count.
#include "peers/blas_gemm.h"

#include <cblas.h>

namespace convscope::core::peers {

void blasGemm(int M, int N, int K, const float* A, std::int64_t lda, const float* B,
              std::int64_t ldb, float* C, std::int64_t ldc, bool accumulate, int threads) {
    openblas_set_num_threads(threads);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, A, int(lda), B, int(ldb),
                accumulate ? 1.0f : 0.0f, C, int(ldc));
}

std::string blasDescription() {
    // OPENBLAS_VERSION is " OpenBLAS 0.3.21 ", spaces included.
    std::string name = OPENBLAS_VERSION;
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    return name + " (" + openblas_get_corename() + " kernels)";
}

}  // namespace convscope::core::peers
