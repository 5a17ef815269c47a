// Method "depthwise": a depthwise layer (groups == C) row by row, vectorised over pixels
// (conv/depthwise_conv.h); any other layer falls back to direct-simd, said so in the summary.
#include "conv/depthwise_conv.h"
#include "conv/methods/method.h"

namespace convscope::core::methods {

// Why a fallback rather than an error: --method and the ladder apply one method to every layer of
// a net, and a MobileNet mixes depthwise with 1x1 and dense convs. direct-simd is the other method
// without a col matrix, so a "depthwise" run stays a run of direct methods throughout.
std::unique_ptr<PreparedWeights> prepareDepthwise(const ConvLayerData& layer) {
    if (!layer.depthwise()) return prepareDirectSimd(layer);
    return std::make_unique<PreparedWeights>();  // runs on the weights as stored
}

void runDepthwise(const ConvLayerData& layer, const PreparedWeights* prepared, const Tensor& input,
                  Tensor& output, ForwardContext& ctx) {
    if (!layer.depthwise()) return runDirectSimd(layer, prepared, input, output, ctx);
    // Bias included; the padded planes live in the col buffer's scratch.
    convolveDepthwise(input, layer.weights, layer.bias, layer.params, output, ctx.colScratch,
                      ctx.cancelled, ctx.progress);
}

}  // namespace convscope::core::methods
