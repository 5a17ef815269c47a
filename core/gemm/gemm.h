// The engine's matrix products: thin wrappers over Eigen for row-major (Caffe layout) operands.
// All matrices here are ROW-major with an explicit leading dimension (elements between rows).
#pragma once

#include <cstdint>

namespace convscope::core {

// C (M x N, ldc) = A (M x K, lda) * B (K x N, ldb), or C += when accumulate. Parallel (OpenMP
// through Eigen) for large products.
void gemm(int M, int N, int K, const float* A, std::int64_t lda, const float* B, std::int64_t ldb,
          float* C, std::int64_t ldc, bool accumulate = false);

// C (M x N, ldc) = Aᵀ · B, A being stored K x M (row-major, lda >= M), B K x N (ldb): the product
// of a transposed convolution, col = Wᵀ · x, whose weights are stored Cin x (Cout/groups·kh·kw)
// (layers/deconvolution.h). Eigen reads A through a transposed map, so nothing is copied. Or C +=
// when accumulate.
void gemmTransA(int M, int N, int K, const float* A, std::int64_t lda, const float* B,
                std::int64_t ldb, float* C, std::int64_t ldc, bool accumulate = false);

// y (M) = A (M x K, row-major, lda) * x (K). Parallel over row blocks: at batch 1 an fc layer is a
// GEMV bound by memory bandwidth, and one core cannot saturate it; a GEMM with N = 1 is 2-5x
// slower.
void gemv(int M, int K, const float* A, std::int64_t lda, const float* x, float* y);

// out (B x M, row-major) = X (B x K, row-major) * W^T, W being M x K row-major: the fc layer at
// batch B > 1 as the GEMM with N = B (Eigen). The layer uses batchGemv below for small batches.
void gemmTransB(int B, int M, int K, const float* X, const float* W, float* out);

// The same product for a small batch as several GEMVs sharing each load of W: 3 rows of W times
// up to 8 images per register tile (24 zmm accumulators along K, summed at the end), so W
// streams from memory once per 8 images and stays in vectors. fc6 (4096 x 9216) at batch 8: 5.8
// ms against Eigen's 18.8 (2 threads). Needs AVX-512 (hasBatchGemv(); without it this calls
// gemmTransB). FullyConnectedLayer uses it for batches of 2 to kBatchGemvMax.
inline constexpr int kBatchGemvMax = 32;
bool hasBatchGemv();
void batchGemv(int B, int M, int K, const float* X, const float* W, float* out);

}  // namespace convscope::core
