// Resize (ONNX Resize and Upsample): nearest or bilinear resampling of the two spatial dimensions
// of an NCHW tensor, with ONNX's coordinate transformations. Decoder and FPN-style upsampling.
#pragma once

#include "layers/layer.h"

namespace convscope::core {

enum class ResizeMode { Nearest, Linear };
// How an output coordinate maps to the input (ONNX coordinate_transformation_mode).
enum class ResizeCoordinates { HalfPixel, PytorchHalfPixel, AlignCorners, Asymmetric };
// Which input pixel nearest picks (ONNX nearest_mode).
enum class ResizeRounding { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };

struct ResizeParams {
    ResizeMode mode = ResizeMode::Nearest;
    ResizeCoordinates coordinates = ResizeCoordinates::HalfPixel;
    ResizeRounding rounding = ResizeRounding::RoundPreferFloor;
    // Either scales (> 0; the output is floor(input * scale)) or sizes (> 0) per spatial axis.
    float scaleH = 0, scaleW = 0;
    int outH = 0, outW = 0;
};

class ResizeLayer : public Layer {
public:
    ResizeLayer(std::string name, ResizeParams params);
    const char* type() const override { return "Resize"; }
    LayerCategory category() const override { return LayerCategory::Other; }
    const ResizeParams& params() const { return m_p; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::string describe() const override;

private:
    ResizeParams m_p;
};

}  // namespace convscope::core
