// Fully-connected (Caffe InnerProduct, ONNX Gemm with transB): out = W x + b for every image.
// As a GEMM: M = outputs, K = inputs (c*h*w of the input, flattened), N = batch. At batch 1 it is a
// GEMV (memory-bound: every weight is read once per image); at batch B it is one GEMM.
#pragma once

#include <vector>

#include "layers/layer.h"

namespace convscope::core {

class FullyConnectedLayer : public Layer {
public:
    // weights: M x K (as a Tensor M x K x 1 x 1 or any shape with n = M); bias: M values or empty.
    FullyConnectedLayer(std::string name, Tensor weights, std::vector<float> bias);

    const char* type() const override { return "InnerProduct"; }
    LayerCategory category() const override { return LayerCategory::FullyConnected; }
    Shape outputShape(std::span<const Shape> inputs) const override;  // B x M x 1 x 1
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t flops(std::span<const Shape> inputs) const override;
    std::int64_t weightBytes() const override;
    GemmShape gemmShape(std::span<const Shape> inputs) const override;
    std::string describe() const override;

    int outputs() const { return m_weights.n(); }
    int inputs() const { return int(m_weights.shape().perImage()); }
    const Tensor& weights() const { return m_weights; }
    const std::vector<float>& bias() const { return m_bias; }

private:
    Tensor m_weights;
    std::vector<float> m_bias;
};

// Reference: double-precision dot products, one per output and image.
void fullyConnectedDirect(const Tensor& input, const Tensor& weights,
                          const std::vector<float>& bias, Tensor& output);

}  // namespace convscope::core
