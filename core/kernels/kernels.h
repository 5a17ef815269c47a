// The engine's hand-vectorised kernels, one copy per instruction set: the one list of what is
// built per ISA, and the one place that picks the copy that runs (cpu/isa.h says which).
//
//   core/kernels/*.cpp ──compiled 3×──▶ namespace avx512  (-march=x86-64-v4)
//                                       namespace avx2    (-march=x86-64-v3)
//                                       namespace generic (baseline x86-64)
//
//   blocked_gemm.cpp, direct_conv.cpp, depthwise_conv.cpp, gemm.cpp, pooling.cpp, profile.cpp
//   (baseline)
//     ──kernel(&ns::fn)──▶ the copy of activeIsa()
//
// A kernel file writes its vector code once, under `#if defined(__AVX512F__)` / `__AVX2__`; each
// copy sees the macros of its own flags. Only this folder is compiled with wider flags, so no code
// outside the ISA namespaces (and no shared template instance) can use an instruction the CPU may
// lack: tests/isa/check_isa_symbols.sh checks the binaries for it, and tests/isa runs the
// kernels' tests on emulated AVX2 and baseline CPUs when qemu-user is installed.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "base/isa.h"
#include "base/tensor.h"
#include "conv/conv_geometry.h"
#include "conv/depthwise_conv.h"
#include "conv/direct_conv.h"
#include "gemm/blocked_gemm.h"

namespace convscope::core {

// Every entry point of a kernel copy, declared in each ISA's namespace (a definition that does not
// match fails to compile). What each does: the public function of the same name.
#define CONVSCOPE_KERNEL_ENTRY_POINTS                                                             \
    /* blocked_gemm_kernels.cpp: the loop nest and micro-kernel of blocked_gemm.h; A packed as    \
       it goes (packed == nullptr) or pre-packed; B from packB, or read in place when B is set */ \
    BlockedGemmShape blockedGemmShape();                                                          \
    void packA(const float* A, std::int64_t lda, int mc, int kc, float* dst);                     \
    void blockedGemmNest(int M, int N, int K, const float* A, std::int64_t lda,                   \
                         const PackedA* packed, const PackB& packB, const float* B,               \
                         std::int64_t ldb, float* C, std::int64_t ldc, bool accumulate);          \
    /* direct_conv_kernels.cpp: direct_conv.h */                                                  \
    DirectConvShape directConvShape();                                                            \
    void convolveDirectSimd(const Tensor& input, const DirectConvWeights& weights,                \
                            int outChannels, const std::vector<float>& bias,                      \
                            const WindowParams& p, Tensor& output, Scratch& padScratch,           \
                            const std::function<bool()>& cancelled,                               \
                            const std::function<void(double)>& progress);                         \
    bool directSimdByPixels(const WindowParams& p, int outChannels);                              \
    void convolveDirectSimdByPixels(                                                              \
        const Tensor& input, const Tensor& weights, const std::vector<float>& bias,               \
        const WindowParams& p, Tensor& output, Scratch& scratch,                                  \
        const std::function<bool()>& cancelled, const std::function<void(double)>& progress);     \
    /* depthwise_conv_kernels.cpp: depthwise_conv.h */                                            \
    void convolveDepthwise(const Tensor& input, const Tensor& weights,                            \
                           const std::vector<float>& bias, const WindowParams& p, Tensor& output, \
                           Scratch& scratch, const std::function<bool()>& cancelled,              \
                           const std::function<void(double)>& progress);                          \
    /* gemm_kernels.cpp: gemm.h (Eigen, built per ISA too: its vector width is fixed at compile   \
       time) */                                                                                   \
    void setGemmThreads(int threads);                                                             \
    void gemm(int M, int N, int K, const float* A, std::int64_t lda, const float* B,              \
              std::int64_t ldb, float* C, std::int64_t ldc, bool accumulate);                     \
    void gemmTransA(int M, int N, int K, const float* A, std::int64_t lda, const float* B,        \
                    std::int64_t ldb, float* C, std::int64_t ldc, bool accumulate);               \
    void gemv(int M, int K, const float* A, std::int64_t lda, const float* x, float* y);          \
    void gemmTransB(int B, int M, int K, const float* X, const float* W, float* out);             \
    bool hasBatchGemv();                                                                          \
    void batchGemv(int B, int M, int K, const float* X, const float* W, float* out);              \
    /* pool_kernels.cpp: max pooling (layers/pooling.h), the window as p says, padding and        \
       ceil mode's overhang never the maximum */                                                  \
    void maxPool(const Tensor& input, const WindowParams& p, Tensor& output, Scratch& scratch);   \
    /* peak_kernels.cpp: independent FMA chains of the widest vectors (profile.h) */              \
    float fmaLoop(long iterations, float a, float b);                                             \
    double fmaFlopsPerIteration();

namespace avx512 {
CONVSCOPE_KERNEL_ENTRY_POINTS
}
namespace avx2 {
CONVSCOPE_KERNEL_ENTRY_POINTS
}
namespace generic {
CONVSCOPE_KERNEL_ENTRY_POINTS
}
#undef CONVSCOPE_KERNEL_ENTRY_POINTS

namespace detail {
template <class Fn>
Fn* pickKernel(Isa isa, Fn* avx512, Fn* avx2, Fn* generic) {
    switch (isa) {
        case Isa::Avx512:
            return avx512;
        case Isa::Avx2:
            return avx2;
        case Isa::Generic:
            break;
    }
    return generic;
}
}  // namespace detail

// The copy of entry point `fn` for `isa` / for the active ISA:  CONVSCOPE_KERNEL(gemm)(M, N, ...).
#define CONVSCOPE_KERNEL_FOR(isa, fn) \
    ::convscope::core::detail::pickKernel((isa), &avx512::fn, &avx2::fn, &generic::fn)
#define CONVSCOPE_KERNEL(fn) CONVSCOPE_KERNEL_FOR(::convscope::core::activeIsa(), fn)

}  // namespace convscope::core
