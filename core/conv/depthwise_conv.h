// Depthwise convolution: each output channel sees one input channel (groups == C), computed one
// output row at a time, vectorised over the row's pixels (the MobileNet layers). Start here for
// why im2col + GEMM is a poor fit for it; the kernels are in kernels/depthwise_conv_kernels.cpp.
//
// With groups == C the GEMM of conv/im2col.h falls apart: per group K = kh·kw (9 for 3x3),
// N = outH·outW and M = the channel multiplier (usually 1). A 1 x 9 times 9 x N "GEMM" is N dot
// products of length 9: the im2col matrix (9 floats per output pixel, written and read once) is
// nine times the input for one multiply-add per float it holds, and a GEMM kernel, built to reuse
// each loaded value across M rows, has no rows to reuse it across. So the kernel skips the col
// matrix and reads the (padded) input plane in place:
//
//   for each (image b, input channel c)            one task per thread (OpenMP over channels)
//     copy plane c, zero-padded, each row split by stride phase (so a stride-s row's output
//     pixels read consecutive floats)
//     for each output channel m = c·mult + j       (mult = M / C, the channel multiplier)
//       for each output row y
//         acc[x] = bias[m]                         x in a tile of up to 8 vectors of pixels
//         for each of the kh·kw taps (ki, kj):
//           acc[x] += w[m][ki][kj] · in[c][y·sh + ki·dh][x·sw + kj·dw]   (one broadcast, one
//                                                  load and one FMA per vector)
//         out[m][y][x] = acc[x]
//
// Cost: 2·kh·kw flops per output pixel, as every method; memory: one padded plane per thread.
#pragma once

#include <functional>
#include <vector>

#include "base/tensor.h"
#include "conv/conv_geometry.h"

namespace convscope::core {

// True when every group sees one input channel (C / groups == 1): a depthwise conv with
// M / groups output channels per group (the channel multiplier). `weightChannels` is the weights'
// C / groups.
inline bool isDepthwise(int weightChannels) {
    return weightChannels == 1;
}

// output = conv(input) + bias for weights M x 1 x kh x kw with p.groups == input.c() and M a
// multiple of it; `output` must have the conv's output shape. `scratch` holds one padded input
// plane per thread. Runs on threadCount() threads; when given, `cancelled` is polled and `progress`
// (fraction done) called between channels, on the calling thread; a cancel throws
// Error(Cancelled) and leaves `output` partly written.
void convolveDepthwise(const Tensor& input, const Tensor& weights, const std::vector<float>& bias,
                       const WindowParams& p, Tensor& output, Scratch& scratch,
                       const std::function<bool()>& cancelled = {},
                       const std::function<void(double)>& progress = {});

}  // namespace convscope::core
