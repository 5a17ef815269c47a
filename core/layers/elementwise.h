// Element-wise layers of modern CNNs: one-input functions (Sigmoid, HardSwish, Clip = ReLU6, Erf,
// ...) and two-input arithmetic with NumPy broadcasting (squeeze-and-excitation's x * s, a bias
// added to a MatMul, GELU's x * 0.5). Start at UnaryLayer, then BinaryLayer.
#pragma once

#include <optional>

#include "layers/layer.h"

namespace convscope::core {

enum class UnaryOp {
    Sigmoid,      // 1 / (1 + e^-x)
    HardSigmoid,  // clamp(alpha * x + beta, 0, 1)
    HardSwish,    // x * clamp(x / 6 + 1/2, 0, 1)
    Silu,         // x * sigmoid(x) (Swish)
    Tanh,
    Erf,
    Gelu,  // x * (1 + erf(x / sqrt 2)) / 2
    Clip,  // clamp(x, alpha, beta); ReLU6 is Clip(0, 6)
    Elu,   // x < 0 ? alpha * (e^x - 1) : x
    Softplus,
    Exp,
    Log,
    Sqrt,
    Neg,
    Abs,
    Reciprocal,
    Floor,
    Ceil,
};
// The op's ONNX name ("Sigmoid", "HardSwish", ...), the layer type the views show.
const char* toString(UnaryOp op);

// y = f(x) for every element; any rank. alpha and beta are the op's parameters (HardSigmoid's slope
// and offset, Clip's min and max, Elu's alpha); other ops ignore them.
class UnaryLayer : public Layer {
public:
    UnaryLayer(std::string name, UnaryOp op, float alpha = 0, float beta = 0);
    const char* type() const override { return toString(m_op); }
    LayerCategory category() const override { return LayerCategory::Activation; }
    UnaryOp op() const { return m_op; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t flops(std::span<const Shape> inputs) const override { return inputs[0].count(); }
    std::string describe() const override;

private:
    UnaryOp m_op;
    float m_alpha, m_beta;
};

enum class BinaryOp { Add, Sub, Mul, Div, Pow, Max, Min, PRelu };
const char* toString(BinaryOp op);  // "Add", ..., "PRelu"

// The NumPy broadcast of two shapes (dimensions aligned from the right; each pair equal or one of
// them 1). Throws Error(ShapeMismatch) naming both shapes otherwise.
Shape broadcastShapes(const Shape& a, const Shape& b);

// y = a op b with NumPy broadcasting, any rank up to 6. One operand may be a constant held by the
// layer (a weight: PRelu's slopes, a per-channel scale, GELU's 0.5): then the layer has one input
// and `constantFirst` says whether the constant is the left operand (2 - x) or the right (x - 2).
// PRelu(x, slope) is x < 0 ? slope * x : x.
class BinaryLayer : public Layer {
public:
    BinaryLayer(std::string name, BinaryOp op);
    BinaryLayer(std::string name, BinaryOp op, Tensor constant, bool constantFirst = false);
    const char* type() const override { return toString(m_op); }
    LayerCategory category() const override;
    int minInputs() const override { return m_constant ? 1 : 2; }
    int maxInputs() const override { return m_constant ? 1 : 2; }
    BinaryOp op() const { return m_op; }
    const std::optional<Tensor>& constant() const { return m_constant; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t flops(std::span<const Shape> inputs) const override;
    std::int64_t weightBytes() const override;
    std::string describe() const override;

private:
    BinaryOp m_op;
    std::optional<Tensor> m_constant;
    bool m_constantFirst = false;
};

}  // namespace convscope::core
