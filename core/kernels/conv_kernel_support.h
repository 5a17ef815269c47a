// What the per-ISA conv and pool kernels share (kernels/direct_conv_kernels.cpp,
// depthwise_conv_kernels.cpp, pool_kernels.cpp): cancel and progress from inside an OpenMP loop,
// vectors of pixels, and the zero-padded (optionally stride-phase-split) copy of an input plane.
#pragma once

// Only kernel files include this, after defining CONVSCOPE_ISA_NS: every copy lives in its ISA's
// namespace, so no inline function compiled with wide flags can be shared with baseline code.
#ifndef CONVSCOPE_ISA_NS
#error "kernels/conv_kernel_support.h is for the per-ISA kernel files only"
#endif

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>

#include <immintrin.h>
#include <omp.h>

#include "base/error.h"
#include "conv/conv_geometry.h"

namespace convscope::core::CONVSCOPE_ISA_NS {

// Cancel and progress from inside an OpenMP loop over `tasks` with a static schedule: the calling
// thread (OpenMP's thread 0, which runs the first share) polls and reports every ~1% of its share;
// a cancel, or an exception from a callback, makes every thread skip its remaining tasks, and
// finish() (after the region: nothing may be thrown inside one) reports it.
class TaskProgress {
public:
    TaskProgress(std::int64_t tasks, const std::function<bool()>& cancelled,
                 const std::function<void(double)>& progress)
        : m_tasks(tasks),
          m_every(std::max<std::int64_t>(1, tasks / 100)),
          m_cancelled(cancelled),
          m_progress(progress) {}

    // In the loop, before task t: false when it is to be skipped.
    bool proceed(std::int64_t t) {
        if (m_stop.load(std::memory_order_relaxed)) return false;
        if ((m_cancelled || m_progress) && omp_get_thread_num() == 0 && t % m_every == 0) {
            try {
                if (m_cancelled && m_cancelled()) m_stop = true;
                if (m_progress)
                    m_progress(std::min(1.0, double(t) * omp_get_num_threads() / double(m_tasks)));
            } catch (...) {
                m_failure = std::current_exception();
                m_stop = true;
            }
        }
        return !m_stop.load(std::memory_order_relaxed);
    }

    void finish() {
        if (m_failure) std::rethrow_exception(m_failure);
        if (m_stop) throw Error(ErrorCategory::Cancelled, "cancelled by the user");
        if (m_progress) m_progress(1.0);
    }

private:
    std::int64_t m_tasks, m_every;
    const std::function<bool()>& m_cancelled;
    const std::function<void(double)>& m_progress;
    std::atomic<bool> m_stop = false;
    std::exception_ptr m_failure;  // written by thread 0 only
};

// Vectors of consecutive pixels, for the kernels that put a row's pixels in the lanes (depthwise,
// direct-simd's few-filters path): 16 a zmm with AVX-512, 8 a ymm with AVX2, 4 plain floats the
// compiler may vectorise otherwise. Loads are unaligned: a tap's pixels start wherever its kernel
// column falls; storeFirst stores the first n lanes of a row's last vector. max(a, b) is
// maxps's a > b ? a : b, lane by lane: b when either is NaN.
#if defined(__AVX512F__)
struct PixelSimd {
    using V = __m512;
    static constexpr int lanes = 16;
    static V zero() { return _mm512_setzero_ps(); }
    static V set1(float x) { return _mm512_set1_ps(x); }
    static V loadu(const float* p) { return _mm512_loadu_ps(p); }
    static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
    static V add(V a, V b) { return _mm512_add_ps(a, b); }
    // The masked form, as storeChannel's gather: GCC 12 takes the unmasked intrinsic's internal
    // _mm512_undefined_ps() for an uninitialised variable (bug 105593).
    static V max(V a, V b) { return _mm512_mask_max_ps(a, __mmask16(0xffff), a, b); }
    static void storeu(float* p, V v) { _mm512_storeu_ps(p, v); }
    static void storeFirst(float* p, V v, int n) {
        _mm512_mask_storeu_ps(p, __mmask16((1u << n) - 1), v);
    }
};
#elif defined(__AVX2__) && defined(__FMA__)
struct PixelSimd {
    using V = __m256;
    static constexpr int lanes = 8;
    static V zero() { return _mm256_setzero_ps(); }
    static V set1(float x) { return _mm256_set1_ps(x); }
    static V loadu(const float* p) { return _mm256_loadu_ps(p); }
    static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
    static V add(V a, V b) { return _mm256_add_ps(a, b); }
    static V max(V a, V b) { return _mm256_max_ps(a, b); }
    static void storeu(float* p, V v) { _mm256_storeu_ps(p, v); }
    static void storeFirst(float* p, V v, int n) {
        const __m256i mask =
            _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        _mm256_maskstore_ps(p, mask, v);
    }
};
#else
struct PixelSimd {
    struct V {
        float v[4];
    };
    static constexpr int lanes = 4;
    static V zero() { return {}; }
    static V set1(float x) { return {{x, x, x, x}}; }
    static V loadu(const float* p) { return {{p[0], p[1], p[2], p[3]}}; }
    static V fma(V a, V b, V c) {
        for (int i = 0; i < 4; ++i) c.v[i] += a.v[i] * b.v[i];
        return c;
    }
    static V add(V a, V b) {
        for (int i = 0; i < 4; ++i) a.v[i] += b.v[i];
        return a;
    }
    static V max(V a, V b) {
        for (int i = 0; i < 4; ++i) a.v[i] = a.v[i] > b.v[i] ? a.v[i] : b.v[i];
        return a;
    }
    static void storeu(float* p, V v) { std::memcpy(p, v.v, sizeof v.v); }
    static void storeFirst(float* p, V v, int n) {
        std::memcpy(p, v.v, sizeof(float) * std::size_t(n));
    }
};
#endif

// One input row of W floats split into its even and odd columns: evens[i] = src[2i], odds[i] =
// src[2i + 1], with vector shuffles (a scalar strided copy was ~80% of a stride-2 depthwise layer:
// MobileNet's dw144x56s2 took 0.48 ms on Zen 4, AVX-512, 1 thread, against XNNPACK's 0.074).
inline void splitEvenOdd(const float* src, int W, float* evens, float* odds) {
    int x = 0;
#if defined(__AVX512F__)
    const __m512i even =
        _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd =
        _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    for (; x + 32 <= W; x += 32) {
        const __m512 a = _mm512_loadu_ps(src + x), b = _mm512_loadu_ps(src + x + 16);
        _mm512_storeu_ps(evens + x / 2, _mm512_permutex2var_ps(a, even, b));
        _mm512_storeu_ps(odds + x / 2, _mm512_permutex2var_ps(a, odd, b));
    }
    if (const int rest = W - x; rest > 0) {  // the last 1..31 under masks (a 56-wide row: 24)
        const auto mask = [](int n) { return __mmask16(n >= 16 ? 0xFFFF : (1u << n) - 1); };
        const __m512 a = _mm512_maskz_loadu_ps(mask(rest), src + x);
        const __m512 b = _mm512_maskz_loadu_ps(mask(std::max(0, rest - 16)), src + x + 16);
        _mm512_mask_storeu_ps(evens + x / 2, mask((rest + 1) / 2),
                              _mm512_permutex2var_ps(a, even, b));
        _mm512_mask_storeu_ps(odds + x / 2, mask(rest / 2), _mm512_permutex2var_ps(a, odd, b));
        return;
    }
#elif defined(__AVX2__)
    for (; x + 16 <= W; x += 16) {
        const __m256 a = _mm256_loadu_ps(src + x), b = _mm256_loadu_ps(src + x + 8);
        // Per 128-bit lane: a0 a2 b0 b2 | a4 a6 b4 b6; then the 64-bit pairs put in order.
        const __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
        const __m256 o = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
        _mm256_storeu_ps(evens + x / 2, _mm256_castpd_ps(_mm256_permute4x64_pd(
                                            _mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0))));
        _mm256_storeu_ps(odds + x / 2, _mm256_castpd_ps(_mm256_permute4x64_pd(
                                           _mm256_castps_pd(o), _MM_SHUFFLE(3, 1, 2, 0))));
    }
#endif
    for (; x + 1 < W; x += 2) {
        evens[x / 2] = src[x];
        odds[x / 2] = src[x + 1];
    }
    if (x < W) evens[x / 2] = src[x];
}

// One input plane (H x W) zero-padded as p says, each padded row stored as `phases` runs of
// ceil(Wp / phases) floats, run q holding columns q, q + phases, ... (phases 1: the padded row).
// padsZero: `to` already holds a plane of this geometry (its padding is zero; only the image's
// pixels are written), as when one buffer takes plane after plane.
inline void copyPadded(const float* from, int H, int W, const WindowParams& p, int phases,
                       float* to, bool padsZero = false) {
    const int Hp = H + p.padTop + p.padBottom, Wp = W + p.padLeft + p.padRight;
    const int run = (Wp + phases - 1) / phases;
    if (phases == 1) {  // rows copied whole: an element loop cost ~5-10% of conv2-conv5
        if (!padsZero) std::fill(to, to + std::int64_t(Hp) * Wp, 0.0f);
        for (int y = 0; y < H; ++y)
            std::copy(from + std::int64_t(y) * W, from + std::int64_t(y + 1) * W,
                      to + std::int64_t(y + p.padTop) * Wp + p.padLeft);
        return;
    }
    // Zero everything, then one strided copy per (row, phase): the element loop with a bounds
    // test per float cost more than the depthwise kernel's FMAs at stride 2.
    const std::int64_t rowLen = std::int64_t(phases) * run;
    if (!padsZero) std::fill(to, to + Hp * rowLen, 0.0f);
    if (phases == 2) {
        // Input column x is padded column x + padLeft: run (x + padLeft) % 2, entry
        // (x + padLeft) / 2. So the even columns go to one run from entry padLeft / 2, the odd
        // ones to the other from entry (padLeft + 1) / 2.
        const int pl = p.padLeft;
        for (int y = 0; y < H; ++y) {
            float* row = to + std::int64_t(y + p.padTop) * rowLen;
            splitEvenOdd(from + std::int64_t(y) * W, W, row + std::int64_t(pl % 2) * run + pl / 2,
                         row + std::int64_t((pl + 1) % 2) * run + (pl + 1) / 2);
        }
        return;
    }
    for (int y = 0; y < H; ++y) {
        const float* src = from + std::int64_t(y) * W;
        float* row = to + std::int64_t(y + p.padTop) * rowLen;
        for (int q = 0; q < phases; ++q) {
            const int first = q - p.padLeft;  // input column of run q's entry 0
            const int i0 = first >= 0 ? 0 : (-first + phases - 1) / phases;
            float* dst = row + std::int64_t(q) * run;
            for (int i = i0, x = first + i0 * phases; i < run && x < W; ++i, x += phases)
                dst[i] = src[x];
        }
    }
}

}  // namespace convscope::core::CONVSCOPE_ISA_NS
