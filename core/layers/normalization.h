// Normalisation layers: LRN across channels (AlexNet), inference-time BatchNorm, LayerNorm.
#pragma once

#include <vector>

#include "layers/layer.h"

namespace convscope::core {

// b[c] = a[c] / (k + alpha/size * sum over the `size` channels centred on c of a^2)^beta
// (Caffe's ACROSS_CHANNELS and ONNX LRN share this definition.)
class LrnLayer : public Layer {
public:
    LrnLayer(std::string name, int size, float alpha, float beta, float k);
    const char* type() const override { return "LRN"; }
    LayerCategory category() const override { return LayerCategory::Norm; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t flops(std::span<const Shape> inputs) const override;
    std::string describe() const override;

    int size() const { return m_size; }
    float alpha() const { return m_alpha; }
    float beta() const { return m_beta; }
    float k() const { return m_k; }

private:
    int m_size;
    float m_alpha, m_beta, m_k;
};

// y = scale[c] * x + shift[c] per channel (Caffe's Scale layer; also a constant per-channel bias).
// An empty scale means 1, an empty shift 0.
class ScaleLayer : public Layer {
public:
    ScaleLayer(std::string name, std::vector<float> scale, std::vector<float> shift);
    const char* type() const override { return "Scale"; }
    LayerCategory category() const override { return LayerCategory::Other; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t flops(std::span<const Shape> inputs) const override;
    std::int64_t weightBytes() const override;

    int channels() const { return int(m_scale.size()); }
    const std::vector<float>& scale() const { return m_scale; }
    const std::vector<float>& shift() const { return m_shift; }

protected:
    struct Folded {
        std::vector<float> scale, shift;
    };
    explicit ScaleLayer(std::string name, Folded folded);

private:
    std::vector<float> m_scale, m_shift;  // both with one value per channel
};

// y = scale * (x - mean) / sqrt(var + epsilon) + shift, per channel, folded at construction into
// the ScaleLayer form y = a*x + b.
class BatchNormLayer : public ScaleLayer {
public:
    BatchNormLayer(std::string name, std::vector<float> mean, std::vector<float> variance,
                   std::vector<float> scale, std::vector<float> shift, float epsilon);
    const char* type() const override { return "BatchNorm"; }
    LayerCategory category() const override { return LayerCategory::Norm; }

private:
    static Folded fold(const std::string& name, const std::vector<float>& mean,
                       const std::vector<float>& variance, const std::vector<float>& scale,
                       const std::vector<float>& shift, float epsilon);
};

// y = (x - mean) / sqrt(var + epsilon) * scale + bias, mean and variance over the dimensions
// from `axis` to the last (ONNX LayerNormalization; ConvNeXt normalises each pixel's channels).
// scale and bias hold one value per normalised element (empty: 1 and 0).
// `output` picks ONNX's optional outputs instead: each row's mean or 1 / sqrt(var + epsilon),
// shaped as the input with the normalised dimensions 1.
class LayerNormLayer : public Layer {
public:
    enum class Output { Normalized, Mean, InvStdDev };
    LayerNormLayer(std::string name, int axis, float epsilon, std::vector<float> scale,
                   std::vector<float> bias, Output output = Output::Normalized);
    const char* type() const override { return "LayerNormalization"; }
    LayerCategory category() const override { return LayerCategory::Norm; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t flops(std::span<const Shape> inputs) const override {
        return 8 * inputs[0].count();
    }
    std::int64_t weightBytes() const override {
        return std::int64_t((m_scale.size() + m_bias.size()) * sizeof(float));
    }
    std::string describe() const override;

private:
    int axisFor(const Shape& in) const;
    int m_axis;
    float m_epsilon;
    std::vector<float> m_scale, m_bias;
    Output m_output;
};

}  // namespace convscope::core
