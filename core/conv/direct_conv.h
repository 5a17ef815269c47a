// Direct convolution vectorised over output channels: how oneDNN computes a conv on a CPU, in a
// form to read. No col matrix is built and the image is never packed.
//
//   out[m][y][x] = bias[m] + Σ_c Σ_ki Σ_kj  w[m][c][ki][kj] · in[c][y·sh + ki·dh][x·sw + kj·dw]
//
// (in zero-padded). The weights are reordered once into blocks of OCB output channels, channels
// innermost:  packed[g][block][c][ki][kj][OCB].
//
// The micro-kernel holds UR consecutive output pixels of one output row × OCB channels in vector
// registers (AVX-512: up to 14 × 32 = 28 zmm; AVX2: 6 × 16 = 12 ymm):
//
//        for each (c, ki, kj):            OCB weights  ── 2 vector loads
//          x_j = in[c][..][(x0+j)·sw+..]  UR input values broadcast straight from the image
//          acc[j] += x_j · w              2·UR FMAs
//
// Each weight load serves UR pixels and each input value OCB channels: the register blocking of
// a GEMM micro-kernel (blocked_gemm.h) with M = channels and N = pixels, where the B "panel" is
// read in place — the UR broadcasts at one (c, ki, kj) are row k of the im2col matrix.
#pragma once

#include <functional>
#include <vector>

#include "base/isa.h"
#include "base/tensor.h"
#include "conv/conv_geometry.h"

namespace convscope::core {

struct DirectConvShape {
    int OCB;    // output channels per block (two vectors)
    int maxUR;  // output pixels per register tile
};
// The blocking of the active kernel variant (cpu/isa.h): 32 channels x up to 14 pixels with
// AVX-512, 16 x 6 with AVX2, 8 x 6 otherwise.
DirectConvShape directConvShape();

// Conv weights (M x Cg x kh x kw, `groups` groups) reordered into blocks of OCB output channels,
// channels past a group's last zero-filled, for the kernel variant active when packed (isa()).
// Memory: about the weights' size again.
class DirectConvWeights {
public:
    DirectConvWeights() = default;
    DirectConvWeights(const Tensor& weights, int groups);
    Isa isa() const { return m_isa; }
    bool empty() const { return m_blocks == 0; }
    int groups() const { return m_groups; }
    int blocksPerGroup() const { return m_blocks; }
    // The packed (Cg·kh·kw) x OCB block `block` of group `g`.
    const float* block(int g, int block) const;

private:
    Isa m_isa = Isa::Generic;
    int m_groups = 0, m_blocks = 0;
    std::int64_t m_blockFloats = 0;
    Tensor m_data;
};

// output = conv(input) + bias with packed weights; `output` must have the conv's output shape and
// `weights` the packing of the layer's weights. `padScratch` holds the zero-padded input (not used
// when the layer has no padding) and the threads' tile results. Runs on threadCount() threads. When
// given, `cancelled` is polled and `progress` (fraction done) called about every 1% of the work, on
// the calling thread; a cancel throws Error(Cancelled) and leaves `output` partly written.
void convolveDirectSimd(const Tensor& input, const DirectConvWeights& weights, int outChannels,
                        const std::vector<float>& bias, const WindowParams& p, Tensor& output,
                        Scratch& padScratch, const std::function<bool()>& cancelled = {},
                        const std::function<void(double)>& progress = {});

// Few filters per group (up to kFewFilters, e.g. one teaching kernel, or one map of a layer): a
// 32-channel block would be mostly zeros, so direct-simd turns around and puts 16 (AVX2: 8)
// consecutive output pixels in a vector instead, up to 4 filters x 24 (AVX2: 4 x 2, 1 x 10)
// vectors per register tile, reading a
// copy of the padded input whose rows are split by stride phase (so a stride-s row's pixels are
// consecutive too), and writes NCHW rows directly. directSimdByPixels says when (AVX-512 and AVX2).
inline constexpr int kFewFilters = 8;
bool directSimdByPixels(const WindowParams& p, int outChannels);
// output = conv(input) + bias; weights M x C/groups x kh x kw as stored (no packing).
void convolveDirectSimdByPixels(const Tensor& input, const Tensor& weights,
                                const std::vector<float>& bias, const WindowParams& p,
                                Tensor& output, Scratch& scratch,
                                const std::function<bool()>& cancelled = {},
                                const std::function<void(double)>& progress = {});

}  // namespace convscope::core
