// Method "blocked": im2col + the in-tree blocked GEMM, on weights packed once per group.
#include "conv/methods/lowered.h"

namespace convscope::core::methods {

std::unique_ptr<PreparedWeights> prepareBlocked(const ConvLayerData& layer) {
    auto packed = std::make_unique<PackedGroups>();
    const int Mg = layer.groupRows(), Kg = layer.groupK();
    for (int g = 0; g < layer.params.groups; ++g)
        packed->groups.emplace_back(Mg, Kg, layer.weights.data() + std::int64_t(g) * Mg * Kg, Kg);
    return packed;
}

void runIm2colBlocked(const ConvLayerData& layer, const PreparedWeights* prepared,
                      const Tensor& input, Tensor& output, ForwardContext& ctx) {
    const auto& packed = static_cast<const PackedGroups&>(*prepared).groups;
    forwardLowered(layer, input, output, ctx,
                   [&](int g, int n, const float* b, std::int64_t ldb, float* c, std::int64_t ldc) {
                       blockedGemm(
                           packed[std::size_t(g)], n,
                           [b, ldb](int k0, int kc, int n0, int nc, float* dst) {
                               packRowMajorB(b, ldb, k0, kc, n0, nc, dst);
                           },
                           c, ldc);
                   });
    addBias(layer.bias, output);
}

}  // namespace convscope::core::methods
