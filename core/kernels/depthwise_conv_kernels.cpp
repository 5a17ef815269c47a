// Depthwise convolution's kernel (conv/depthwise_conv.h): one output row at a time, vectorised over
// its pixels, compiled once per ISA (kernels/kernels.h); depthwise_conv.cpp calls the active copy.
#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include <immintrin.h>
#include <omp.h>

#include "base/runtime.h"
#include "kernels/conv_kernel_support.h"
#include "kernels/kernels.h"

namespace convscope::core::CONVSCOPE_ISA_NS {

namespace {

// Pixels of one row held in registers: up to 8 vectors (128 pixels with AVX-512: a 112-wide
// MobileNet row in one tile), for up to 4 rows at once (each tap's weight broadcast once for
// them: one row at a time, the broadcasts, the call and the stores were as many instructions as
// the FMAs on 14- and 28-pixel rows). kMaxAccumulators leaves registers for the weight and the
// loaded input.
constexpr int kMaxVectors = 8, kMaxRows = 4;
#if defined(__AVX512F__)
constexpr int kMaxAccumulators = 24;
#elif defined(__AVX2__)
constexpr int kMaxAccumulators = 12;
#else
constexpr int kMaxAccumulators = 8;
#endif

// For rows r < R: out[r * outRow + x] = bias + Σ_t w[t] · src[r * srcRow + offsets[t] + x] for
// x < count (NV vectors, the last partial). Lanes past `count` read the slack after the row
// (never stored).
template <int NV, int R>
void rowTile(const float* src, std::int64_t srcRow, const std::int64_t* offsets, int taps,
             const float* w, float bias, float* out, std::int64_t outRow, int count) {
    using V = PixelSimd::V;
    V acc[R][NV];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) acc[r][v] = PixelSimd::set1(bias);
    for (int t = 0; t < taps; ++t) {
        const float* s = src + offsets[t];
        const V wt = PixelSimd::set1(w[t]);
#pragma GCC unroll 4
        for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
            for (int v = 0; v < NV; ++v)
                acc[r][v] = PixelSimd::fma(PixelSimd::loadu(s + r * srcRow + v * PixelSimd::lanes),
                                           wt, acc[r][v]);
    }
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) {
            const int left = count - v * PixelSimd::lanes;
            float* o = out + r * outRow + v * PixelSimd::lanes;
            if (left >= PixelSimd::lanes)
                PixelSimd::storeu(o, acc[r][v]);
            else if (left > 0)
                PixelSimd::storeFirst(o, acc[r][v], left);
        }
}

using RowTileFn = void (*)(const float*, std::int64_t, const std::int64_t*, int, const float*,
                           float, float*, std::int64_t, int);
// Only tiles that fit the registers are instantiated.
template <int NV, int R>
constexpr RowTileFn tileIfFits() {
    if constexpr (NV * R <= kMaxAccumulators)
        return &rowTile<NV, R>;
    else
        return nullptr;
}
template <int R, std::size_t... I>
constexpr std::array<RowTileFn, kMaxVectors> tilesFor(std::index_sequence<I...>) {
    return {tileIfFits<int(I) + 1, R>()...};
}
// kTiles[rows - 1][vectors - 1]
constexpr std::array<std::array<RowTileFn, kMaxVectors>, kMaxRows> kTiles = {
    tilesFor<1>(std::make_index_sequence<kMaxVectors>()),
    tilesFor<2>(std::make_index_sequence<kMaxVectors>()),
    tilesFor<3>(std::make_index_sequence<kMaxVectors>()),
    tilesFor<4>(std::make_index_sequence<kMaxVectors>())};

}  // namespace

void convolveDepthwise(const Tensor& input, const Tensor& weights, const std::vector<float>& bias,
                       const WindowParams& p, Tensor& output, Scratch& scratch,
                       const std::function<bool()>& cancelled,
                       const std::function<void(double)>& progress) {
    const int B = input.n(), C = input.c(), H = input.h(), W = input.w();
    const int M = weights.n(), mult = M / C;
    const int OH = output.h(), OW = output.w(), s = p.strideW;
    // The padded plane with each row as s runs of every s-th column (copyPadded): output pixels
    // x, x+1, ... of one tap read consecutive floats whatever the stride.
    const int Hp = H + p.padTop + p.padBottom, Wp = W + p.padLeft + p.padRight;
    const int run = (Wp + s - 1) / s;
    const std::int64_t rowLen = std::int64_t(s) * run, plane = Hp * rowLen;
    // + a tile's worth of slack, rounded to whole cache lines: the last vector of a row may read
    // past the plane's end.
    const std::int64_t planeFloats = (plane + PixelSimd::lanes * kMaxVectors + 15) / 16 * 16;
    const int taps = p.kernelH * p.kernelW;
    std::vector<std::int64_t> offsets;
    for (int ki = 0; ki < p.kernelH; ++ki)
        for (int kj = 0; kj < p.kernelW; ++kj) {
            const int dx = kj * p.dilationW;
            offsets.push_back(std::int64_t(ki) * p.dilationH * rowLen + std::int64_t(dx % s) * run +
                              dx / s);
        }
    // A row of OW pixels in tiles as even as possible of at most kMaxVectors vectors.
    const int vectors = (OW + PixelSimd::lanes - 1) / PixelSimd::lanes;
    const int rowTiles = (vectors + kMaxVectors - 1) / kMaxVectors;
    const int perTile = (vectors + rowTiles - 1) / rowTiles;
    // As many rows per tile as the registers hold for that width.
    const int rowsPerTile = std::clamp(kMaxAccumulators / perTile, 1, kMaxRows);
    const std::int64_t inRow = std::int64_t(p.strideH) * rowLen;

    // One allocation, here (an exception cannot leave an OpenMP region): a plane per thread.
    const int threads = threadCount();
    float* planes = scratch.get(std::size_t(threads * planeFloats));
    // A task: one input channel of one image and its mult output channels.
    const std::int64_t tasks = std::int64_t(B) * C;
    TaskProgress gate(tasks, cancelled, progress);
#pragma omp parallel num_threads(threads)
    {
        // Zeroed once: the padding and the slack (read, never stored) stay zero, each channel
        // writes only its pixels (zeroing the plane per channel was 10% of a MobileNet layer).
        float* src = planes + omp_get_thread_num() * planeFloats;
        std::fill(src, src + planeFloats, 0.0f);
#pragma omp for schedule(static)
        for (std::int64_t t = 0; t < tasks; ++t) {
            if (!gate.proceed(t)) continue;
            copyPadded(input.data() + t * H * W, H, W, p, s, src, /*padsZero=*/true);
            const int b = int(t / C), c = int(t % C);
            for (int j = 0; j < mult; ++j) {
                const int m = c * mult + j;
                const float* w = weights.data() + std::int64_t(m) * taps;
                const float add = bias.empty() ? 0.0f : bias[std::size_t(m)];
                float* out = output.data() + (std::int64_t(b) * M + m) * OH * OW;
                for (int y = 0; y < OH; y += rowsPerTile) {
                    const int rows = std::min(rowsPerTile, OH - y);
                    const float* in = src + std::int64_t(y) * inRow;
                    for (int v0 = 0; v0 < vectors; v0 += perTile) {
                        const int nv = std::min(perTile, vectors - v0), x0 = v0 * PixelSimd::lanes;
                        kTiles[std::size_t(rows - 1)][std::size_t(nv - 1)](
                            in + x0, inRow, offsets.data(), taps, w, add,
                            out + std::int64_t(y) * OW + x0, OW,
                            std::min(nv * PixelSimd::lanes, OW - x0));
                    }
                }
            }
        }
    }
    gate.finish();
}

}  // namespace convscope::core::CONVSCOPE_ISA_NS
