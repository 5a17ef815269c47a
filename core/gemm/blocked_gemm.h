// An in-tree blocked GEMM, written to be read: the Goto/BLIS structure that every fast GEMM
// shares, and the engine's path to convolution without an im2col matrix (implicit GEMM).
//
//   C (M x N) = A (M x K) · B (K x N), all row-major.
//
//   for jc in N step NC:                  B block  KC x NC  -> packed into NR-wide slivers (L3)
//     for pc in K step KC:
//       pack B[pc:pc+KC, jc:jc+NC]
//       for ic in M step MC:              A block  MC x KC  -> packed into MR-tall slivers (L2)
//         pack A[ic:ic+MC, pc:pc+KC]
//         for jr, ir (in parallel):       micro-kernel: MR x NR of C in registers, KC rank-1
//         updates
//
// The micro-kernel keeps an MR x NR tile of C in vector registers (AVX-512: 8 x 48 = 24 zmm, so
// per k 3 loads of B, 8 broadcasts of A and 24 FMAs; AVX2: 6 x 16 = 12 ymm; otherwise plain loops
// the compiler vectorises); each variant is a copy of kernels/blocked_gemm_kernels.cpp, the one
// of the CPU chosen at run time (cpu/isa.h). Packing makes every load sequential. B is packed
// through a callback, so the same loop nest multiplies a stored matrix or gathers im2col columns
// straight from the image (implicit GEMM, see conv); a stored B with short rows is read in place
// instead.
#pragma once

#include <cstdint>
#include <functional>

#include "base/isa.h"
#include "base/tensor.h"

namespace convscope::core {

struct BlockedGemmShape {
    int MR, NR;      // register tile
    int MC, KC, NC;  // cache blocks
};
// The blocking of the active kernel variant (cpu/isa.h): 8 x 48 with AVX-512, 6 x 16 with AVX2,
// 4 x 16 otherwise.
BlockedGemmShape blockedGemmShape();

// Packs rows [k0, k0+kc) x columns [n0, n0+nc) of B into `dst` as ceil(nc/NR) slivers, each
// kc x NR row-major (columns past nc zero-filled).
using PackB = std::function<void(int k0, int kc, int n0, int nc, float* dst)>;

// C = A · B (or C += A · B when accumulate). A is row-major with leading dimension lda; C with ldc.
void blockedGemm(int M, int N, int K, const float* A, std::int64_t lda, const PackB& packB,
                 float* C, std::int64_t ldc, bool accumulate = false);

// The same with a stored row-major B (leading dimension ldb).
void blockedGemm(int M, int N, int K, const float* A, std::int64_t lda, const float* B,
                 std::int64_t ldb, float* C, std::int64_t ldc, bool accumulate = false);

// A packed once for repeated products with the same left operand (a conv layer's weights, the
// way oneDNN reorders weights once): the A-packing of every product (≈ 18% of the article's
// 256×1152×192 GEMM on one thread) is paid once. Memory: about M·K floats. The layout is that of
// the kernel variant active when it was packed (isa()); a product with another one throws.
class PackedA {
public:
    PackedA() = default;
    PackedA(int M, int K, const float* A, std::int64_t lda);
    Isa isa() const { return m_isa; }
    int rows() const { return m_M; }
    int cols() const { return m_K; }
    bool empty() const { return m_M == 0; }
    // The packed slivers of rows [ic, ...) x depth block starting at pc (both block-aligned).
    const float* block(int ic, int pc) const;

private:
    Isa m_isa = Isa::Generic;
    BlockedGemmShape m_shape{};
    int m_M = 0, m_K = 0, m_paddedM = 0;
    Tensor m_data;
};

// C = A · B with a pre-packed A.
void blockedGemm(const PackedA& A, int N, const PackB& packB, float* C, std::int64_t ldc,
                 bool accumulate = false);
// The same with a stored row-major B; rows of up to 1024 floats are read in place, unpacked.
void blockedGemm(const PackedA& A, int N, const float* B, std::int64_t ldb, float* C,
                 std::int64_t ldc, bool accumulate = false);

// Packs rows of a row-major matrix into slivers (the PackB for a stored B).
void packRowMajorB(const float* B, std::int64_t ldb, int k0, int kc, int n0, int nc, float* dst);

}  // namespace convscope::core
