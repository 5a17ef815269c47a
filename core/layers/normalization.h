// Normalisation layers: LRN across channels (AlexNet) and inference-time BatchNorm.
#pragma once

#include <vector>

#include "layer.h"

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

// y = scale * (x - mean) / sqrt(var + epsilon) + shift, per channel, folded at construction into
// y = a*x + b.
class BatchNormLayer : public Layer {
public:
    BatchNormLayer(std::string name, std::vector<float> mean, std::vector<float> variance,
                   std::vector<float> scale, std::vector<float> shift, float epsilon);
    const char* type() const override { return "BatchNorm"; }
    LayerCategory category() const override { return LayerCategory::Norm; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t flops(std::span<const Shape> inputs) const override;
    std::int64_t weightBytes() const override;

    // The folded per-channel affine map y = scale[c] * x + shift[c].
    const std::vector<float>& foldedScale() const { return m_a; }
    const std::vector<float>& foldedShift() const { return m_b; }

private:
    std::vector<float> m_a, m_b;
};

}  // namespace convscope::core
