// OpenBLAS's sgemm as an outside reference for the in-tree GEMMs: the bench's "same product by
// the BLAS of the field" row and a cross-check in the tests. Built only when OpenBLAS (Debian
// libopenblas-dev) is found; CONVSCOPE_HAVE_OPENBLAS is then defined.
//
// OpenBLAS picks its kernels from the CPU at load time (its DYNAMIC_ARCH build, as Debian ships
// it); OPENBLAS_CORETYPE=Haswell in the environment forces its AVX2 kernels on an AVX-512 CPU,
// the counterpart of CONVSCOPE_ISA=avx2 (bench: compare like with like).
#pragma once

#include <cstdint>
#include <string>

namespace convscope::core::peers {

// C = A · B (C += A · B when accumulate), all row-major, on `threads` threads.
void blasGemm(int M, int N, int K, const float* A, std::int64_t lda, const float* B,
              std::int64_t ldb, float* C, std::int64_t ldc, bool accumulate, int threads);

// "OpenBLAS 0.3.21 (Zen kernels)": the library and the kernels it chose for this CPU.
std::string blasDescription();

}  // namespace convscope::core::peers
