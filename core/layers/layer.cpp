// Layer base helpers and the category names.
#include "layers/layer.h"

#include <cstdio>

namespace convscope::core {

std::string compactNumber(double value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", value);
    return buf;
}

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
