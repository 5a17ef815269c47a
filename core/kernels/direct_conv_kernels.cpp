// Direct convolution's kernels (direct_conv.h): the register-tiled micro-kernels and the loops over
// output rows, compiled once per ISA (kernels/kernels.h); direct_conv.cpp calls the active copy.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <exception>
#include <utility>

#include <immintrin.h>
#include <omp.h>

#include "base/error.h"
#include "base/runtime.h"
#include "kernels/conv_kernel_support.h"
#include "kernels/kernels.h"

namespace convscope::core::CONVSCOPE_ISA_NS {

namespace {

// The few vector operations the micro-kernel needs, for the instruction set compiled for.
#if defined(__AVX512F__)
struct Simd {
    using V = __m512;
    static constexpr int lanes = 16;
    static V zero() { return _mm512_setzero_ps(); }
    static V load(const float* p) { return _mm512_load_ps(p); }
    static V broadcast(const float* p) { return _mm512_set1_ps(*p); }
    static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
    static void store(float* p, V v) { _mm512_store_ps(p, v); }
};
constexpr int kMaxUR = 14;  // 28 accumulators + 2 weight vectors of 32 zmm
#elif defined(__AVX2__) && defined(__FMA__)
struct Simd {
    using V = __m256;
    static constexpr int lanes = 8;
    static V zero() { return _mm256_setzero_ps(); }
    static V load(const float* p) { return _mm256_load_ps(p); }
    static V broadcast(const float* p) { return _mm256_broadcast_ss(p); }
    static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
    static void store(float* p, V v) { _mm256_store_ps(p, v); }
};
constexpr int kMaxUR = 6;  // 12 accumulators + 2 weight vectors of 16 ymm
#else
struct Simd {  // plain arrays the compiler may vectorise
    struct V {
        float v[4];
    };
    static constexpr int lanes = 4;
    static V zero() { return {}; }
    static V load(const float* p) { return {{p[0], p[1], p[2], p[3]}}; }
    static V broadcast(const float* p) { return {{*p, *p, *p, *p}}; }
    static V fma(V a, V b, V c) {
        for (int i = 0; i < 4; ++i) c.v[i] += a.v[i] * b.v[i];
        return c;
    }
    static void store(float* p, V v) { std::memcpy(p, v.v, sizeof v.v); }
};
constexpr int kMaxUR = 6;
#endif
constexpr int OCB = 2 * Simd::lanes;

// Where a row tile reads, relative to the padded input at (its first channel, its first input
// row, its first input column): offsets[(c·kh + ki)·kw + kj] = c·plane + ki·dh·Wp + kj·dw.
struct TileGeometry {
    const std::int64_t* offsets;  // 64-bit: chunk x plane exceeds 2^31 on large images
    int taps;                     // kh·kw
    int sw;                       // column stride
};

// tile[j][0..OCB) (+)= Σ over (c < channels, ki, kj) of w[c][ki][kj][0..OCB) ·
// src[offsets[c, ki, kj] + j·sw] for j < UR. SW is the column stride when known at compile time
// (1, 2, 4), else 0 (use g.sw).
template <int UR, int SW>
void rowTile(const float* src, int channels, const TileGeometry& g, const float* w, float* tile,
             bool accumulate) {
    using V = Simd::V;
    V acc[UR][2];
    if (accumulate) {
#pragma GCC unroll 14
        for (int j = 0; j < UR; ++j) {
            acc[j][0] = Simd::load(tile + j * OCB);
            acc[j][1] = Simd::load(tile + j * OCB + Simd::lanes);
        }
    } else {
#pragma GCC unroll 14
        for (int j = 0; j < UR; ++j) acc[j][0] = acc[j][1] = Simd::zero();
    }
    const int step = SW ? SW : g.sw;
    // One flat loop over (c, ki, kj): a loop per index costs ~10% at 3x3 kernels.
    const int n = channels * g.taps;
    for (int k = 0; k < n; ++k, w += OCB) {
        const float* s = src + g.offsets[k];
        const V w0 = Simd::load(w), w1 = Simd::load(w + Simd::lanes);
#pragma GCC unroll 14
        for (int j = 0; j < UR; ++j) {
            const V x = Simd::broadcast(s + j * step);
            acc[j][0] = Simd::fma(x, w0, acc[j][0]);
            acc[j][1] = Simd::fma(x, w1, acc[j][1]);
        }
    }
#pragma GCC unroll 14
    for (int j = 0; j < UR; ++j) {
        Simd::store(tile + j * OCB, acc[j][0]);
        Simd::store(tile + j * OCB + Simd::lanes, acc[j][1]);
    }
}

using RowTileFn = void (*)(const float*, int, const TileGeometry&, const float*, float*, bool);

// kTiles[s][ur - 1]: the kernel for stride class s (1, 2, 4, any) and ur pixels.
template <int SW, std::size_t... I>
constexpr std::array<RowTileFn, kMaxUR> tilesFor(std::index_sequence<I...>) {
    return {&rowTile<int(I) + 1, SW>...};
}
constexpr std::array<std::array<RowTileFn, kMaxUR>, 4> kTiles = {
    tilesFor<1>(std::make_index_sequence<kMaxUR>()),
    tilesFor<2>(std::make_index_sequence<kMaxUR>()),
    tilesFor<4>(std::make_index_sequence<kMaxUR>()),
    tilesFor<0>(std::make_index_sequence<kMaxUR>())};

// out[x] = column[x·OCB] + add for x < count: one channel of a row of tile results, back to NCHW.
void storeChannel(const float* column, int count, float add, float* out) {
    int x = 0;
#if defined(__AVX512F__)
    // Gathers: ~4x fewer instructions than scalar copies (conv1 spent ~10% here).
    const __m512i index =
        _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                           _mm512_set1_epi32(OCB));
    const __m512 bias = _mm512_set1_ps(add);
    for (; x + 16 <= count; x += 16)
        // (The masked form: GCC 12's unmasked gather trips -Wmaybe-uninitialized, bug 105593.)
        _mm512_storeu_ps(
            out + x, _mm512_add_ps(bias, _mm512_mask_i32gather_ps(bias, __mmask16(0xffff), index,
                                                                  column + x * OCB, 4)));
    if (x < count) {
        const __mmask16 mask = __mmask16((1u << (count - x)) - 1);
        _mm512_mask_storeu_ps(
            out + x, mask,
            _mm512_add_ps(bias, _mm512_mask_i32gather_ps(bias, mask, index, column + x * OCB, 4)));
        return;
    }
#endif
    for (; x < count; ++x) out[x] = column[x * OCB] + add;
}

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
// The by-pixels kernel (few filters): out[m][y][x0 + i] (+ bias) for i < count, m < MB, from NV
// vectors of PixelSimd::lanes consecutive output pixels per filter. src points at the tile's first
// pixel in the phase-split input (below), so every tap's pixels are consecutive floats.
#if defined(__AVX512F__)
constexpr int kPixelAccumulators = 24;  // MB x NV zmm, + MB weights + 1 input vector of 32
#else
constexpr int kPixelAccumulators = 10;  // MB x NV ymm, + MB weights + 1 input vector of 16
#endif
constexpr int kFilterBlock = 4, kMaxPixelVectors = kPixelAccumulators;

template <int MB, int NV>
void pixelTile(const float* src, const std::int64_t* offsets, int taps, const float* w,
               std::int64_t ldw, const float* bias, float* out, std::int64_t ldo, int count) {
    PixelSimd::V acc[MB][NV];
#pragma GCC unroll 4
    for (int m = 0; m < MB; ++m)
#pragma GCC unroll 24
        for (int v = 0; v < NV; ++v) acc[m][v] = PixelSimd::zero();
    for (int k = 0; k < taps; ++k) {
        const float* s = src + offsets[k];
        PixelSimd::V wm[MB];
#pragma GCC unroll 4
        for (int m = 0; m < MB; ++m) wm[m] = PixelSimd::set1(w[m * ldw + k]);
#pragma GCC unroll 24
        for (int v = 0; v < NV; ++v) {
            const PixelSimd::V x = PixelSimd::loadu(s + PixelSimd::lanes * v);
#pragma GCC unroll 4
            for (int m = 0; m < MB; ++m) acc[m][v] = PixelSimd::fma(wm[m], x, acc[m][v]);
        }
    }
#pragma GCC unroll 4
    for (int m = 0; m < MB; ++m) {
        const PixelSimd::V b = PixelSimd::set1(bias ? bias[m] : 0.0f);
#pragma GCC unroll 24
        for (int v = 0; v < NV; ++v) {
            const int left = count - PixelSimd::lanes * v;
            float* o = out + m * ldo + PixelSimd::lanes * v;
            if (left >= PixelSimd::lanes)
                PixelSimd::storeu(o, PixelSimd::add(acc[m][v], b));
            else if (left > 0)
                PixelSimd::storeFirst(o, PixelSimd::add(acc[m][v], b), left);
        }
    }
}

using PixelTileFn = void (*)(const float*, const std::int64_t*, int, const float*, std::int64_t,
                             const float*, float*, std::int64_t, int);
// Only tiles that fit the registers (MB x NV <= 24) are instantiated.
template <int MB, int NV>
constexpr PixelTileFn pixelTileIfFits() {
    if constexpr (MB * NV <= kPixelAccumulators)
        return &pixelTile<MB, NV>;
    else
        return nullptr;
}
template <int MB, std::size_t... I>
constexpr std::array<PixelTileFn, kMaxPixelVectors> pixelTilesFor(std::index_sequence<I...>) {
    return {pixelTileIfFits<MB, int(I) + 1>()...};
}
// kPixelTiles[filters - 1][vectors - 1]
constexpr std::array<std::array<PixelTileFn, kMaxPixelVectors>, kFilterBlock> kPixelTiles = {
    pixelTilesFor<1>(std::make_index_sequence<kMaxPixelVectors>()),
    pixelTilesFor<2>(std::make_index_sequence<kMaxPixelVectors>()),
    pixelTilesFor<3>(std::make_index_sequence<kMaxPixelVectors>()),
    pixelTilesFor<4>(std::make_index_sequence<kMaxPixelVectors>())};
#endif

int strideClass(int sw) {
    return sw == 1 ? 0 : sw == 2 ? 1 : sw == 4 ? 2 : 3;
}

}  // namespace

DirectConvShape directConvShape() {
    return {OCB, kMaxUR};
}

void convolveDirectSimd(const Tensor& input, const DirectConvWeights& weights, int outChannels,
                        const std::vector<float>& bias, const WindowParams& p, Tensor& output,
                        Scratch& padScratch, const std::function<bool()>& cancelled,
                        const std::function<void(double)>& progress) {
    const int B = input.n(), C = input.c(), H = input.h(), W = input.w();
    const int G = p.groups, Cg = C / G, Mg = outChannels / G;
    const int OH = output.h(), OW = output.w();
    const int Hp = H + p.padTop + p.padBottom, Wp = W + p.padLeft + p.padRight;
    const bool padded = Hp != H || Wp != W;
    const std::int64_t plane = std::int64_t(Hp) * Wp;
    const RowTileFn* tiles = kTiles[std::size_t(strideClass(p.strideW))].data();

    // A row of OW pixels in tiles of at most kMaxUR, as even as possible (55 -> 14,14,14,13).
    const int tilesPerRow = (OW + kMaxUR - 1) / kMaxUR;
    const int ur = (OW + tilesPerRow - 1) / tilesPerRow;
    // Input channels in chunks whose weights (chunk x kh x kw x OCB) stay in L1 while a task's
    // tiles use them; a task covers enough rows for about 8 tiles per chunk, in groups of nearly
    // equal size (13 rows -> 7 + 6).
    const int kernelFloats = p.kernelH * p.kernelW * OCB;
    const int chunk = std::clamp(4096 / kernelFloats, 1, Cg);
    const int rowsForReuse = (8 + tilesPerRow - 1) / tilesPerRow;
    const int groupsWanted = std::max(1, OH / rowsForReuse);
    const int rowsPerTask = (OH + groupsWanted - 1) / groupsWanted;
    const int rowGroups = (OH + rowsPerTask - 1) / rowsPerTask;
    std::vector<std::int64_t> offsets;
    for (int c = 0; c < chunk; ++c)
        for (int ki = 0; ki < p.kernelH; ++ki)
            for (int kj = 0; kj < p.kernelW; ++kj)
                offsets.push_back(c * plane + std::int64_t(ki) * p.dilationH * Wp +
                                  kj * p.dilationW);
    const TileGeometry geometry{offsets.data(), p.kernelH * p.kernelW, p.strideW};

    // One allocation, here (an exception cannot leave an OpenMP region): the padded input, then
    // each thread's tile results (pixel-major, OCB channels each) for one task.
    const int threads = threadCount();
    const std::int64_t padFloats = padded ? (std::int64_t(B) * C * plane + 15) / 16 * 16 : 0;
    const std::int64_t rowFloats = std::int64_t(rowsPerTask) * OW * OCB;
    float* scratch = padScratch.get(std::size_t(padFloats + threads * rowFloats));
    const float* src = padded ? scratch : input.data();

    const int blocks = weights.blocksPerGroup();
    // A task: rowsPerTask output rows of OCB channels of one group of one image.
    const std::int64_t tasks = std::int64_t(B) * G * blocks * rowGroups;
    TaskProgress gate(tasks, cancelled, progress);
#pragma omp parallel num_threads(threads)
    {
        if (padded) {
#pragma omp for schedule(static)
            for (int bc = 0; bc < B * C; ++bc)
                copyPadded(input.data() + std::int64_t(bc) * H * W, H, W, p, 1,
                           scratch + bc * plane);
        }
        // The task's tile results, then transposed into the NCHW output rows with the bias.
        float* rows = scratch + padFloats + omp_get_thread_num() * rowFloats;
#pragma omp for schedule(static)
        for (std::int64_t t = 0; t < tasks; ++t) {
            if (!gate.proceed(t)) continue;
            const int y0 = int(t % rowGroups) * rowsPerTask;
            const int y1 = std::min(OH, y0 + rowsPerTask);
            const int blk = int(t / rowGroups % blocks);
            const int g = int(t / rowGroups / blocks % G);
            const int b = int(t / rowGroups / blocks / G);
            const float* image = src + (std::int64_t(b) * C + std::int64_t(g) * Cg) * plane;
            const float* w = weights.block(g, blk);
            for (int c0 = 0; c0 < Cg; c0 += chunk) {
                const int cc = std::min(chunk, Cg - c0);
                for (int y = y0; y < y1; ++y) {
                    const float* in = image + c0 * plane + std::int64_t(y) * p.strideH * Wp;
                    float* row = rows + std::int64_t(y - y0) * OW * OCB;
                    for (int x0 = 0; x0 < OW; x0 += ur)
                        tiles[std::min(ur, OW - x0) - 1](in + std::int64_t(x0) * p.strideW, cc,
                                                         geometry, w + c0 * kernelFloats,
                                                         row + x0 * OCB, c0 > 0);
                }
            }
            const int m0 = g * Mg + blk * OCB, mEnd = std::min(OCB, Mg - blk * OCB);
            for (int o = 0; o < mEnd; ++o) {
                const float add = bias.empty() ? 0.0f : bias[std::size_t(m0 + o)];
                for (int y = y0; y < y1; ++y) {
                    float* out = output.data() +
                                 (std::int64_t(b) * outChannels + m0 + o) * OH * OW +
                                 std::int64_t(y) * OW;
                    storeChannel(rows + std::int64_t(y - y0) * OW * OCB + o, OW, add, out);
                }
            }
        }
    }
    gate.finish();
}

bool directSimdByPixels(const WindowParams& p, int outChannels) {
#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
    return outChannels / p.groups <= kFewFilters;
#else
    (void)p, (void)outChannels;
    return false;
#endif
}

void convolveDirectSimdByPixels(const Tensor& input, const Tensor& weights,
                                const std::vector<float>& bias, const WindowParams& p,
                                Tensor& output, Scratch& scratch,
                                const std::function<bool()>& cancelled,
                                const std::function<void(double)>& progress) {
#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
    const int B = input.n(), C = input.c(), H = input.h(), W = input.w();
    const int G = p.groups, Cg = C / G, M = weights.n(), Mg = M / G;
    const int OH = output.h(), OW = output.w(), s = p.strideW;
    // The phase-split padded input: each padded row as s runs of every s-th column
    // (run q holds columns q, q+s, q+2s, ...), so output pixels x, x+1, ... of one tap read
    // consecutive floats whatever the stride (identity for stride 1).
    const int Hp = H + p.padTop + p.padBottom, Wp = W + p.padLeft + p.padRight;
    const int run = (Wp + s - 1) / s;
    const std::int64_t rowLen = std::int64_t(s) * run, plane = Hp * rowLen;
    // + a vector's worth: a tile's last vector may read past the last row (lanes never stored).
    float* src = scratch.get(std::size_t(std::int64_t(B) * C * plane + 16));
    const int taps = Cg * p.kernelH * p.kernelW;
    std::vector<std::int64_t> offsets;
    for (int c = 0; c < Cg; ++c)
        for (int ki = 0; ki < p.kernelH; ++ki)
            for (int kj = 0; kj < p.kernelW; ++kj) {
                const int dx = kj * p.dilationW;
                offsets.push_back(c * plane + std::int64_t(ki) * p.dilationH * rowLen +
                                  std::int64_t(dx % s) * run + dx / s);
            }
    // A row of OW pixels as vectors of PixelSimd::lanes, in tiles as even as possible of at most
    // kPixelAccumulators / filters vectors.
    const int filterBlocks = (Mg + kFilterBlock - 1) / kFilterBlock;
    const int vectors = (OW + PixelSimd::lanes - 1) / PixelSimd::lanes;
    const std::int64_t tasks = std::int64_t(B) * G * filterBlocks * OH;
    TaskProgress gate(tasks, cancelled, progress);
#pragma omp parallel num_threads(threadCount())
    {
#pragma omp for schedule(static)
        for (int bc = 0; bc < B * C; ++bc)
            copyPadded(input.data() + std::int64_t(bc) * H * W, H, W, p, s, src + bc * plane);
#pragma omp single
        std::fill_n(src + std::int64_t(B) * C * plane, 16, 0.0f);  // read by tail lanes only
#pragma omp for schedule(static)
        for (std::int64_t t = 0; t < tasks; ++t) {
            if (!gate.proceed(t)) continue;
            const int y = int(t % OH);
            const int fb = int(t / OH % filterBlocks);
            const int g = int(t / OH / filterBlocks % G);
            const int b = int(t / OH / filterBlocks / G);
            const int m0 = g * Mg + fb * kFilterBlock,
                      mb = std::min(kFilterBlock, Mg - fb * kFilterBlock);
            const int maxVectors = kPixelAccumulators / mb;
            const int tiles = (vectors + maxVectors - 1) / maxVectors;
            const int perTile = (vectors + tiles - 1) / tiles;
            const float* in = src + (std::int64_t(b) * C + std::int64_t(g) * Cg) * plane +
                              std::int64_t(y) * p.strideH * rowLen;
            float* out =
                output.data() + (std::int64_t(b) * M + m0) * OH * OW + std::int64_t(y) * OW;
            for (int v0 = 0; v0 < vectors; v0 += perTile) {
                const int nv = std::min(perTile, vectors - v0), x0 = PixelSimd::lanes * v0;
                kPixelTiles[std::size_t(mb - 1)][std::size_t(nv - 1)](
                    in + x0, offsets.data(), taps, weights.data() + std::int64_t(m0) * taps, taps,
                    bias.empty() ? nullptr : bias.data() + m0, out + x0, std::int64_t(OH) * OW,
                    std::min(PixelSimd::lanes * nv, OW - x0));
            }
        }
    }
    gate.finish();
#else
    (void)input, (void)weights, (void)bias, (void)p, (void)output, (void)scratch, (void)cancelled,
        (void)progress;
    throw Error(ErrorCategory::InvalidConfig, "the by-pixels direct conv needs AVX2 or AVX-512");
#endif
}

}  // namespace convscope::core::CONVSCOPE_ISA_NS
