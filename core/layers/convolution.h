// Convolution layer: checks its weights and input, infers its output, and runs forward by the
// conv method ForwardContext::convMethod names (conv/methods/registry.h: im2col + Eigen GEMM by
// default, the Caffe way; the direct reference, the blocked GEMM, implicit GEMM, direct-simd, or
// auto: per layer the fastest of them, conv/methods/auto_choice.h).
// prepare(method) packs or reorders the weights for a method once, as Caffe's Reshape and ncnn's
// create_pipeline do; Network prepares its layers before a forward with another method.
#pragma once

#include <memory>
#include <vector>

#include "conv/conv_geometry.h"
#include "conv/methods/auto_choice.h"
#include "conv/methods/method.h"
#include "conv/reference.h"
#include "layers/layer.h"

namespace convscope::core {

class ConvolutionLayer : public Layer {
public:
    // weights: M x (C/groups) x kh x kw; bias: M values or empty (no bias).
    // Throws Error(InvalidConfig) if the weight shape disagrees with params or bias size with M.
    ConvolutionLayer(std::string name, WindowParams params, Tensor weights,
                     std::vector<float> bias);

    const char* type() const override { return "Convolution"; }
    LayerCategory category() const override { return LayerCategory::Conv; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t flops(std::span<const Shape> inputs) const override;
    std::int64_t weightBytes() const override;
    GemmShape gemmShape(std::span<const Shape> inputs) const override;
    std::string describe() const override;

    // Prepares the weights for `method` (a no-op for methods that use them as stored); for auto,
    // first chooses the method on `inputs` (auto_choice.h) and prepares that one. A forward by a
    // method the layer is not prepared for prepares a copy for that run only (and under auto,
    // chooses for that input).
    void prepare(ConvMethod method, std::span<const Shape> inputs,
                 const std::function<bool()>& cancelled = {}) override;
    // The same, for an input of c x h x w: the shape the layer would see.
    void prepare(ConvMethod method, const Shape& input) {
        prepare(method, std::span<const Shape>(&input, 1));
    }
    // True when a forward by `method` on the active kernel variant uses prepared weights (always
    // for methods that prepare nothing; for auto, when a choice was made and its method is).
    bool isPreparedFor(ConvMethod method) const;
    // The choice the last prepare(auto) made; null before one.
    const ConvMethodChoice* autoChoice() const { return m_auto.get(); }

    const WindowParams& params() const { return m_params; }
    const Tensor& weights() const { return m_weights; }
    const std::vector<float>& bias() const { return m_bias; }
    int outChannels() const { return m_weights.n(); }
    int inChannels() const { return m_weights.c() * m_params.groups; }
    // True when im2col is the identity (1x1 kernel, stride 1, no padding).
    bool isPointwise() const { return data().pointwise(); }

private:
    ConvLayerData data() const { return {m_params, m_weights, m_bias}; }

    WindowParams m_params;
    Tensor m_weights;
    std::vector<float> m_bias;
    ConvMethod m_preparedFor = kTeachingConvMethod;
    std::unique_ptr<const PreparedWeights> m_prepared;  // null: nothing prepared
    std::shared_ptr<const ConvMethodChoice> m_auto;     // prepare(auto)'s choice
    Shape m_autoInput;                                  // ... for one image of this shape
};

// One output map of a conv layer: filter m (weights M x C/groups x kh x kw, bias M values or empty)
// on its group's channels of a single image, as a 1 x 1 x oh x ow tensor, run with ctx's method,
// cancel and progress. For showing one map of a large image: computing all M would cost M times
// the work and memory (64 filters on a 12 MP photo: a 3 GB output).
Tensor convolveOneFilter(const Tensor& image, const WindowParams& p, const Tensor& weights,
                         const std::vector<float>& bias, int m, ForwardContext& ctx);

}  // namespace convscope::core
