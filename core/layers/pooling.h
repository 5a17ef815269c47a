// Max and average pooling over windows (kernel, stride, per-side pads, dilation, ceil mode), and
// global average pooling. Average pooling divides by the window clipped to the padded input when
// countIncludePad is set (Caffe, ONNX count_include_pad=1), by the in-image elements otherwise.
#pragma once

#include "conv/conv_geometry.h"
#include "layers/layer.h"

namespace convscope::core {

enum class PoolMethod { Max, Average };

class PoolingLayer : public Layer {
public:
    PoolingLayer(std::string name, PoolMethod method, WindowParams params, bool countIncludePad);
    // Global pooling: the window is the whole plane, output 1x1.
    static std::unique_ptr<PoolingLayer> global(std::string name, PoolMethod method);

    const char* type() const override { return "Pooling"; }
    LayerCategory category() const override { return LayerCategory::Pool; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t flops(std::span<const Shape> inputs) const override;
    std::string describe() const override;

    PoolMethod method() const { return m_method; }
    const WindowParams& params() const { return m_params; }
    bool isGlobal() const { return m_global; }
    bool countIncludePad() const { return m_countIncludePad; }

private:
    WindowParams windowFor(const Shape& in) const;

    PoolMethod m_method;
    WindowParams m_params;
    bool m_countIncludePad;
    bool m_global = false;
};

}  // namespace convscope::core
