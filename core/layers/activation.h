// Element-wise layers: ReLU, Softmax, Dropout (inference: identity) and element-wise Add.
#pragma once

#include "layers/layer.h"

namespace convscope::core {

// max(x, 0), or x * negativeSlope below 0 (leaky ReLU, Caffe's negative_slope).
class ReluLayer : public Layer {
public:
    explicit ReluLayer(std::string name, float negativeSlope = 0.0f)
        : Layer(std::move(name)), m_negativeSlope(negativeSlope) {}
    const char* type() const override { return "ReLU"; }
    float negativeSlope() const { return m_negativeSlope; }
    LayerCategory category() const override { return LayerCategory::Activation; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t flops(std::span<const Shape> inputs) const override { return inputs[0].count(); }

private:
    float m_negativeSlope;
};

// Softmax over one axis of the NCHW tensor (0..3; negative counts from the end). The tensor is seen
// as outer x axis x inner; with coerce2d (ONNX opset < 13, Caffe's default), every dimension from
// `axis` on is one flattened axis.
class SoftmaxLayer : public Layer {
public:
    SoftmaxLayer(std::string name, int axis = 1, bool coerce2d = false);
    const char* type() const override { return "Softmax"; }
    LayerCategory category() const override { return LayerCategory::Activation; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t flops(std::span<const Shape> inputs) const override {
        return 3 * inputs[0].count();
    }

private:
    int m_axis;
    bool m_coerce2d;
};

class DropoutLayer : public Layer {
public:
    using Layer::Layer;
    const char* type() const override { return "Dropout"; }
    LayerCategory category() const override { return LayerCategory::Other; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
};

// Sum of two or more inputs of identical shape (ResNet shortcuts; Caffe Eltwise SUM).
class AddLayer : public Layer {
public:
    using Layer::Layer;
    const char* type() const override { return "Eltwise"; }
    LayerCategory category() const override { return LayerCategory::Other; }
    int minInputs() const override { return 2; }
    int maxInputs() const override { return -1; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t flops(std::span<const Shape> inputs) const override {
        return inputs[0].count() * std::int64_t(inputs.size() - 1);
    }
};

}  // namespace convscope::core
