// Method "im2col": im2col + one Eigen GEMM per group, the way Caffe computes a convolution.
#include "conv/methods/lowered.h"
#include "gemm/gemm.h"

namespace convscope::core::methods {

void runIm2colGemm(const ConvLayerData& layer, const PreparedWeights*, const Tensor& input,
                   Tensor& output, ForwardContext& ctx) {
    const int Mg = layer.groupRows(), Kg = layer.groupK();
    const float* w = layer.weights.data();
    forwardLowered(layer, input, output, ctx,
                   [&](int g, int n, const float* b, std::int64_t ldb, float* c, std::int64_t ldc) {
                       gemm(Mg, n, Kg, w + std::int64_t(g) * Mg * Kg, Kg, b, ldb, c, ldc);
                   });
    addBias(layer.bias, output);
}

}  // namespace convscope::core::methods
