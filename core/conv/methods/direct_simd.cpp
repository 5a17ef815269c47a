// Method "direct-simd": direct conv vectorised over output channels, on weights reordered once
// into channel blocks (conv/direct_conv.h); with few filters, over pixels on the weights as stored.
#include "conv/direct_conv.h"
#include "conv/methods/method.h"

namespace convscope::core::methods {

namespace {
struct DirectSimdWeights : PreparedWeights {
    DirectConvWeights packed;  // empty when the layer runs by pixels
};
}  // namespace

std::unique_ptr<PreparedWeights> prepareDirectSimd(const ConvLayerData& layer) {
    auto prepared = std::make_unique<DirectSimdWeights>();
    if (!directSimdByPixels(layer.params, layer.outChannels()))
        prepared->packed = DirectConvWeights(layer.weights, layer.params.groups);
    return prepared;
}

void runDirectSimd(const ConvLayerData& layer, const PreparedWeights* prepared, const Tensor& input,
                   Tensor& output, ForwardContext& ctx) {
    // Bias included; the padded input lives in the col buffer's scratch.
    const DirectConvWeights& packed = static_cast<const DirectSimdWeights&>(*prepared).packed;
    if (packed.empty())
        convolveDirectSimdByPixels(input, layer.weights, layer.bias, layer.params, output,
                                   ctx.colScratch, ctx.cancelled, ctx.progress);
    else
        convolveDirectSimd(input, packed, layer.outChannels(), layer.bias, layer.params, output,
                           ctx.colScratch, ctx.cancelled, ctx.progress);
}

}  // namespace convscope::core::methods
