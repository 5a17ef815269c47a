// Layer base helpers and enum names.
#include "layers/layer.h"

namespace convscope::core {

const char* toString(LayerCategory category) {
    switch (category) {
        case LayerCategory::Conv:
            return "conv";
        case LayerCategory::FullyConnected:
            return "fc";
        case LayerCategory::Pool:
            return "pool";
        case LayerCategory::Norm:
            return "norm";
        case LayerCategory::Activation:
            return "activation";
        case LayerCategory::Other:
            return "other";
    }
    return "other";
}

const char* toString(ConvMethod method) {
    switch (method) {
        case ConvMethod::Im2colGemm:
            return "im2col+gemm";
        case ConvMethod::Direct:
            return "direct";
        case ConvMethod::Im2colBlocked:
            return "im2col+blocked";
        case ConvMethod::Implicit:
            return "implicit-gemm";
        case ConvMethod::DirectSimd:
            return "direct-simd";
    }
    return "?";
}

std::optional<ConvMethod> convMethodFromName(std::string_view name) {
    static constexpr std::pair<std::string_view, ConvMethod> kShort[] = {
        {"im2col", ConvMethod::Im2colGemm},
        {"blocked", ConvMethod::Im2colBlocked},
        {"implicit", ConvMethod::Implicit},
        {"direct-simd", ConvMethod::DirectSimd},
        {"direct", ConvMethod::Direct}};
    for (const auto& [shortName, method] : kShort)
        if (name == shortName || name == toString(method)) return method;
    return std::nullopt;
}

void Layer::expectInputs(std::span<const Shape> inputs) const {
    const int n = int(inputs.size());
    if (n < minInputs() || (maxInputs() >= 0 && n > maxInputs()))
        fail(ErrorCategory::ShapeMismatch,
             "takes " + std::to_string(minInputs()) +
                 (maxInputs() == minInputs() ? std::string()
                  : maxInputs() < 0          ? std::string(" or more")
                                             : " to " + std::to_string(maxInputs())) +
                 " input(s), got " + std::to_string(n));
    for (const Shape& s : inputs)
        if (s.count() <= 0)
            fail(ErrorCategory::ShapeMismatch, "input " + s.toString() + " is empty");
}

}  // namespace convscope::core
