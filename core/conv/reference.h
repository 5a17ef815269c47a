// The reference convolution: seven nested loops, accumulated in double. Every fast path (the conv
// methods, the peers) is tested against it.
#pragma once

#include <vector>

#include "base/tensor.h"
#include "conv/conv_geometry.h"

namespace convscope::core {

// out[n][m][y][x] = bias[m] + sum over (c, ki, kj) of w * in. weights M x C/groups x kh x kw, bias
// M values or empty; `output` must have the conv's output shape.
void convolveDirect(const Tensor& input, const Tensor& weights, const std::vector<float>& bias,
                    const WindowParams& p, Tensor& output);

}  // namespace convscope::core
