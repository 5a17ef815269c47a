// Max pooling's kernel (layers/pooling.h), compiled once per ISA (kernels/kernels.h): separable,
// rows first. Each input row is copied into a -inf-padded row split into its stride phases (the
// depthwise kernel's layout, conv_kernel_support.h), so a horizontal tap reads consecutive floats
// whatever the stride; the row maxima of kernelW taps are kept for the whole plane, and each output
// row is then the max of kernelH of them, a vector of pixels at a time (PixelSimd).
//
// Why not tap by tap on the padded plane (the layer's code before this): at stride 2 its loads
// were strided, so the loop stayed scalar; SqueezeNet's first 3x3/2 pool (64x111x111) took
// 0.90 ms on Zen 4, AVX-512, 1 thread. Compiler-vectorised passes over whole rows were 0.49 ms
// (each tap reloaded and stored the row); in registers, a vector at a time: bench Pool_*.
#include <algorithm>
#include <limits>
#include <vector>

#include <omp.h>

#include "base/runtime.h"
#include "kernels/conv_kernel_support.h"
#include "kernels/kernels.h"

namespace convscope::core::CONVSCOPE_ISA_NS {

void maxPool(const Tensor& input, const WindowParams& p, Tensor& output, Scratch& scratch) {
    using V = PixelSimd::V;
    constexpr int L = PixelSimd::lanes;
    const int H = input.h(), W = input.w(), OH = output.h(), OW = output.w();
    const int s = p.strideW, sh = p.strideH;
    // The padded frame reaches as far as any window does (ceil mode's overhang included).
    const int Hb = std::max(H + p.padTop, (OH - 1) * sh + p.effectiveKernelH());
    const int Wb = std::max(W + p.padLeft, (OW - 1) * s + p.effectiveKernelW());
    const int run = (Wb + s - 1) / s;  // floats per phase of a padded row
    const int vectors = (OW + L - 1) / L, rowMaxima = vectors * L;
    // Per thread: the padded row (stride 1) or its phases, with a vector of slack (the last
    // vector of a tap reads past the row; those lanes are never stored), then the row maxima of
    // every frame row, rowMaxima apart.
    const std::int64_t rowFloats = std::int64_t(s) * run + L,
                       maximaFloats = std::int64_t(Hb) * rowMaxima;
    const std::int64_t perThread = (rowFloats + maximaFloats + 15) / 16 * 16;
    const int planes = input.n() * input.c();
    const int threads = std::max(1, std::min(threadCount(), planes));
    float* buffers = scratch.get(std::size_t(perThread) * std::size_t(threads));
    constexpr float lowest = -std::numeric_limits<float>::infinity();
    std::vector<std::int64_t> tapAt;  // tap kj's offset into the row's phases
    for (int kj = 0; kj < p.kernelW; ++kj) {
        const int dx = kj * p.dilationW;
        tapAt.push_back(std::int64_t(dx % s) * run + dx / s);
    }
#pragma omp parallel num_threads(threads)
    {
        float* row = buffers + std::int64_t(omp_get_thread_num()) * perThread;
        float* maxima = row + rowFloats;
        // Filled once: the padding stays -inf (neutral to the max), each row writes only its
        // pixels; the frame's rows outside the image keep -inf maxima for every plane.
        std::fill(row, row + perThread, lowest);
#pragma omp for schedule(static)
        for (int pl = 0; pl < planes; ++pl) {
            const float* src = input.data() + std::int64_t(pl) * H * W;
            for (int y = 0; y < H; ++y) {
                const float* from = src + std::int64_t(y) * W;
                // Input column x is frame column X = x + padLeft: phase X % s, entry X / s.
                if (s == 1) {
                    std::copy_n(from, W, row + p.padLeft);
                } else if (s == 2) {
                    const int pl2 = p.padLeft;
                    splitEvenOdd(from, W, row + std::int64_t(pl2 % 2) * run + pl2 / 2,
                                 row + std::int64_t((pl2 + 1) % 2) * run + (pl2 + 1) / 2);
                } else {
                    for (int x = 0; x < W; ++x) {
                        const int X = x + p.padLeft;
                        row[std::int64_t(X % s) * run + X / s] = from[x];
                    }
                }
                // From -inf, as max(tap, acc): a NaN pixel never becomes the maximum.
                float* m = maxima + std::int64_t(y + p.padTop) * rowMaxima;
                for (int v = 0; v < vectors; ++v) {
                    V acc = PixelSimd::set1(lowest);
                    for (const std::int64_t at : tapAt)
                        acc = PixelSimd::max(PixelSimd::loadu(row + at + v * L), acc);
                    PixelSimd::storeu(m + v * L, acc);
                }
            }
            float* dst = output.data() + std::int64_t(pl) * OH * OW;
            for (int oy = 0; oy < OH; ++oy) {
                float* o = dst + std::int64_t(oy) * OW;
                const float* first = maxima + std::int64_t(oy) * sh * rowMaxima;
                for (int v = 0; v < vectors; ++v) {
                    V acc = PixelSimd::loadu(first + v * L);
                    for (int ki = 1; ki < p.kernelH; ++ki)
                        acc = PixelSimd::max(
                            PixelSimd::loadu(first + std::int64_t(ki) * p.dilationH * rowMaxima +
                                             v * L),
                            acc);
                    if (const int left = OW - v * L; left >= L)
                        PixelSimd::storeu(o + v * L, acc);
                    else
                        PixelSimd::storeFirst(o + v * L, acc, left);
                }
            }
        }
    }
}

}  // namespace convscope::core::CONVSCOPE_ISA_NS
