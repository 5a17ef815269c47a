// The FMA-peak loop of roofs.h's measurePeakGflops, compiled once per ISA (kernels/kernels.h):
// each copy measures the peak its own vector width reaches.
#include <immintrin.h>

#include "kernels/kernels.h"

namespace convscope::core::CONVSCOPE_ISA_NS {

namespace {

// Independent accumulator chains hide FMA latency (4 cycles, 2 ports: 8 in flight; 12 is safe).
// Written with the widest vector intrinsics the build targets, because compilers prefer 256-bit
// vectors even where 512-bit FMA units exist, and Eigen's GEMM does use them.
constexpr int kChains = 12;
#if defined(__AVX512F__)
using Vec = __m512;
constexpr int kWidth = 16;
inline Vec vset(float v) {
    return _mm512_set1_ps(v);
}
inline Vec vfma(Vec a, Vec b, Vec c) {
    return _mm512_fmadd_ps(a, b, c);
}
inline float vsum(Vec v) {
    alignas(64) float f[16];
    _mm512_store_ps(f, v);
    float s = 0;
    for (float x : f) s += x;
    return s;
}
#elif defined(__AVX2__) && defined(__FMA__)
using Vec = __m256;
constexpr int kWidth = 8;
inline Vec vset(float v) {
    return _mm256_set1_ps(v);
}
inline Vec vfma(Vec a, Vec b, Vec c) {
    return _mm256_fmadd_ps(a, b, c);
}
inline float vsum(Vec v) {
    alignas(32) float f[8];
    _mm256_store_ps(f, v);
    return f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
}
#else
// Baseline x86-64 has SSE2 but no FMA: a multiply and an add on 4 lanes, the most its kernels can
// do per instruction pair (counted as 2 flops per lane, as an FMA is).
using Vec = __m128;
constexpr int kWidth = 4;
inline Vec vset(float v) {
    return _mm_set1_ps(v);
}
inline Vec vfma(Vec a, Vec b, Vec c) {
    return _mm_add_ps(_mm_mul_ps(a, b), c);
}
inline float vsum(Vec v) {
    alignas(16) float f[4];
    _mm_store_ps(f, v);
    return f[0] + f[1] + f[2] + f[3];
}
#endif

}  // namespace

__attribute__((noinline)) float fmaLoop(long iterations, float a, float b) {
    Vec acc[kChains];
    for (int c = 0; c < kChains; ++c) acc[c] = vset(float(c) * 1e-3f);
    const Vec va = vset(a), vb = vset(b);
    for (long i = 0; i < iterations; ++i)
        for (int c = 0; c < kChains; ++c) acc[c] = vfma(acc[c], va, vb);
    float s = 0;
    for (int c = 0; c < kChains; ++c) s += vsum(acc[c]);
    return s;
}

double fmaFlopsPerIteration() {
    return kChains * kWidth * 2;
}

}  // namespace convscope::core::CONVSCOPE_ISA_NS
