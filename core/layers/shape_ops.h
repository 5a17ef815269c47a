// Layers that only move data: Flatten and Concat.
#pragma once

#include "layers/layer.h"

namespace convscope::core {

// Flattens dimensions: output (prod dims[0..axis), prod dims[axis..]) stored as A x B x 1 x 1.
// axis 1 (the default, Caffe and ONNX) gives one vector per image.
class FlattenLayer : public Layer {
public:
    explicit FlattenLayer(std::string name, int axis = 1);
    const char* type() const override { return "Flatten"; }
    LayerCategory category() const override { return LayerCategory::Other; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;

private:
    int m_axis;
};

// Concatenates inputs along one NCHW axis (default 1: channels, as in SqueezeNet's fire modules).
class ConcatLayer : public Layer {
public:
    explicit ConcatLayer(std::string name, int axis = 1);
    const char* type() const override { return "Concat"; }
    LayerCategory category() const override { return LayerCategory::Other; }
    int maxInputs() const override { return -1; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;

private:
    int m_axis;
};

}  // namespace convscope::core
