// The reference convolution and transposed convolution: nested loops, accumulated in double. Every
// fast path (the conv methods, the peers, the transposed conv's GEMM + col2im) is tested against
// them.
#pragma once

#include <vector>

#include "base/tensor.h"
#include "conv/conv_geometry.h"

namespace convscope::core {

// out[n][m][y][x] = bias[m] + sum over (c, ki, kj) of w * in. weights M x C/groups x kh x kw, bias
// M values or empty; `output` must have the conv's output shape.
void convolveDirect(const Tensor& input, const Tensor& weights, const std::vector<float>& bias,
                    const WindowParams& p, Tensor& output);

// The transposed convolution (ONNX ConvTranspose, Caffe's Deconvolution) in its scatter form, the
// obviously-correct one: every input pixel stamps its channel's kernels onto the output,
//   out[n][g·Cog + co][y·strideH - padTop + ky·dilationH][x·strideW - padLeft + kx·dilationW]
//     += w[ci][co][ky][kx] · in[n][ci][y][x]     (ci in group g; stamps outside the output dropped)
// then the bias. weights Cin x Cout/groups x kh x kw (as ONNX, Caffe and PyTorch store them), bias
// Cout values or empty; `output` must have the transposed conv's shape (output padding is only its
// size). Memory: a double copy of the output.
void deconvolveDirect(const Tensor& input, const Tensor& weights, const std::vector<float>& bias,
                      const WindowParams& p, Tensor& output);

}  // namespace convscope::core
