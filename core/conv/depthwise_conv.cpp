// Depthwise convolution's public entry point (conv/depthwise_conv.h): checks the layout it relies
// on, then runs the active ISA's copy of the kernel (kernels/depthwise_conv_kernels.cpp).
#include "conv/depthwise_conv.h"

#include <string>

#include "base/error.h"
#include "kernels/kernels.h"

namespace convscope::core {

void convolveDepthwise(const Tensor& input, const Tensor& weights, const std::vector<float>& bias,
                       const WindowParams& p, Tensor& output, Scratch& scratch,
                       const std::function<bool()>& cancelled,
                       const std::function<void(double)>& progress) {
    // Layers validate their geometry; this guards the kernel's own assumptions for direct callers.
    if (weights.c() != 1 || p.groups != input.c() || weights.n() % p.groups != 0)
        throw Error(ErrorCategory::InvalidConfig,
                    "the depthwise kernel needs groups == input channels and weights M x 1 x kh x "
                    "kw with M a multiple of the groups; got " +
                        std::to_string(input.c()) + " input channels, groups " +
                        std::to_string(p.groups) + ", weights " + std::to_string(weights.n()) +
                        " x " + std::to_string(weights.c()) + " (use another conv method)");
    CONVSCOPE_KERNEL(convolveDepthwise)
    (input, weights, bias, p, output, scratch, cancelled, progress);
}

}  // namespace convscope::core
