// Piecewise-linear colour maps through a few control points.
#include "render/color_map.h"

#include <algorithm>
#include <cmath>

namespace convscope::core {

namespace {
struct Stop {
    double t;
    double r, g, b;
};

Rgb interpolate(const Stop* stops, int n, double t) {
    t = std::clamp(t, 0.0, 1.0);
    int i = 0;
    while (i + 2 < n && t > stops[i + 1].t) ++i;
    const Stop& a = stops[i];
    const Stop& b = stops[i + 1];
    const double u = b.t > a.t ? (t - a.t) / (b.t - a.t) : 0.0;
    auto mix = [u](double x, double y) { return std::uint8_t(std::lround(x + (y - x) * u)); };
    return {mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)};
}

// Control points of viridis (matplotlib's, CC0) at 0, .25, .5, .75, 1.
constexpr Stop kViridis[] = {{0.0, 68, 1, 84},
                             {0.25, 59, 82, 139},
                             {0.5, 33, 145, 140},
                             {0.75, 94, 201, 98},
                             {1.0, 253, 231, 37}};
constexpr Stop kBlueRed[] = {{0.0, 33, 102, 172}, {0.5, 247, 247, 247}, {1.0, 178, 24, 43}};
constexpr Stop kBlueOrange[] = {{0.0, 33, 102, 172}, {0.5, 247, 247, 247}, {1.0, 230, 97, 1}};
}  // namespace

Rgb colorAt(ColorMapKind kind, double t) {
    switch (kind) {
        case ColorMapKind::Sequential:
            return interpolate(kViridis, 5, t);
        case ColorMapKind::Diverging:
            return interpolate(kBlueRed, 3, t);
        case ColorMapKind::DivergingSafe:
            return interpolate(kBlueOrange, 3, t);
    }
    return {0, 0, 0};
}

Rgb mapValue(ColorMapKind kind, double value, double lo, double hi) {
    if (!std::isfinite(value)) return {255, 0, 255};  // NaN/inf stand out in magenta
    if (kind == ColorMapKind::Sequential)
        return colorAt(kind, hi > lo ? (value - lo) / (hi - lo) : 0.5);
    const double extent = std::max(std::fabs(lo), std::fabs(hi));
    return colorAt(kind, extent > 0 ? 0.5 + 0.5 * value / extent : 0.5);
}

}  // namespace convscope::core
