// MatMul (NumPy matmul semantics): the GEMM of a transformer-style linear layer, as ConvNeXt's
// blocks apply it to NHWC activations. y[..., M, N] = a[..., M, K] * b[..., K, N], leading
// dimensions broadcast. b is usually a constant weight held by the layer.
#pragma once

#include <optional>

#include "layers/layer.h"

namespace convscope::core {

class MatMulLayer : public Layer {
public:
    explicit MatMulLayer(std::string name);  // both operands are inputs
    MatMulLayer(std::string name, Tensor weights);  // b is the constant `weights` (rank >= 2)
    const char* type() const override { return "MatMul"; }
    LayerCategory category() const override { return LayerCategory::FullyConnected; }
    int minInputs() const override { return m_weights ? 1 : 2; }
    int maxInputs() const override { return m_weights ? 1 : 2; }
    const std::optional<Tensor>& weights() const { return m_weights; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t flops(std::span<const Shape> inputs) const override;
    std::int64_t weightBytes() const override;
    // M = rows of a (all leading dimensions together when b is a shared weight), N, K.
    GemmShape gemmShape(std::span<const Shape> inputs) const override;
    std::string describe() const override;

private:
    struct Plan {
        Shape out;
        int M = 0, N = 0, K = 0;
        std::int64_t batches = 0;  // products of M x K by K x N
        bool sharedB = false;      // b has no batch dimensions: one GEMM with all rows
    };
    Plan plan(const Shape& a, const Shape& b) const;
    std::optional<Tensor> m_weights;
};

}  // namespace convscope::core
