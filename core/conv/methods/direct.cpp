// Method "direct": the reference loops (conv/reference.h) as a rung of the ladder.
#include "conv/methods/method.h"
#include "conv/reference.h"

namespace convscope::core::methods {

void runDirect(const ConvLayerData& layer, const PreparedWeights*, const Tensor& input,
               Tensor& output, ForwardContext&) {
    convolveDirect(input, layer.weights, layer.bias, layer.params, output);
}

}  // namespace convscope::core::methods
