// Feature-map grid layout and rendering.
#include "render/feature_grid.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/error.h"
#include "base/limits.h"

namespace convscope::core {

void FeatureGridLayout::tileOrigin(int c, int& x, int& y) const {
    x = separator + (c % columns) * (mapW * scale + separator);
    y = separator + (c / columns) * (mapH * scale + separator);
}

bool FeatureGridLayout::hit(int px, int py, int& c, int& y, int& x) const {
    if (px < separator || py < separator || px >= width || py >= height) return false;
    const int stepX = mapW * scale + separator, stepY = mapH * scale + separator;
    const int col = (px - separator) / stepX, row = (py - separator) / stepY;
    const int ix = (px - separator) % stepX, iy = (py - separator) % stepY;
    if (ix >= mapW * scale || iy >= mapH * scale || col >= columns) return false;
    c = row * columns + col;
    if (c >= channels) return false;
    x = ix / scale;
    y = iy / scale;
    return true;
}

FeatureGridLayout featureGridLayout(int channels, int mapH, int mapW, int scale, int columns) {
    if (channels < 1 || mapH < 1 || mapW < 1)
        throw Error(ErrorCategory::InvalidConfig, "the layer has no activations to show");
    if (scale < 1) throw Error(ErrorCategory::InvalidConfig, "scale must be at least 1");
    FeatureGridLayout l;
    l.channels = channels;
    l.mapW = mapW;
    l.mapH = mapH;
    l.scale = scale;
    // Near-square overall: columns * mapW ≈ rows * mapH.
    l.columns = columns > 0 ? std::min(columns, channels)
                            : std::clamp(int(std::ceil(std::sqrt(double(channels) * mapH / mapW))),
                                         1, channels);
    l.rows = (channels + l.columns - 1) / l.columns;
    const std::int64_t width =
        l.separator + std::int64_t(l.columns) * (std::int64_t(mapW) * scale + l.separator);
    const std::int64_t height =
        l.separator + std::int64_t(l.rows) * (std::int64_t(mapH) * scale + l.separator);
    if (width * height > limits::kMaxFilterGridPixels)
        throw Error(ErrorCategory::ResourceLimit,
                    "a grid of " + std::to_string(channels) + " maps of " + std::to_string(mapH) +
                        "x" + std::to_string(mapW) + " at scale " + std::to_string(scale) +
                        " would be " + std::to_string(width) + "x" + std::to_string(height) +
                        " pixels; use a smaller scale");
    l.width = int(width);
    l.height = int(height);
    return l;
}

int featureGridScale(int mapH, int mapW, int minTile) {
    const int side = std::max(1, std::min(mapH, mapW));
    return std::clamp((minTile + side - 1) / side, 1, 16);
}

FeatureRange featureRange(const Tensor& blob, int n) {
    const std::int64_t per = blob.shape().perImage();
    const float* p = blob.data() + std::int64_t(n) * per;
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
    for (std::int64_t i = 0; i < per; ++i)
        if (std::isfinite(p[i])) {
            lo = std::min(lo, p[i]);
            hi = std::max(hi, p[i]);
        }
    if (lo > hi) return {0, 0};
    return {lo, hi};
}

RgbImage renderFeatureGrid(const Tensor& blob, int n, const FeatureGridLayout& l,
                           const FeatureRange& range, ColorMapKind diverging) {
    const Shape s = blob.shape();
    if (n < 0 || n >= s.n || s.c != l.channels || s.h != l.mapH || s.w != l.mapW)
        throw Error(ErrorCategory::ShapeMismatch,
                    "feature grid: the layout is for " + std::to_string(l.channels) + "x" +
                        std::to_string(l.mapH) + "x" + std::to_string(l.mapW) + ", the blob is " +
                        s.toString());
    RgbImage img;
    img.width = l.width;
    img.height = l.height;
    img.pixels.resize(std::size_t(l.width) * std::size_t(l.height) * 3);
    for (std::size_t i = 0; i < img.pixels.size(); i += 3)
        std::copy(kSeparatorRgb, kSeparatorRgb + 3, img.pixels.begin() + std::ptrdiff_t(i));
    const ColorMapKind kind = range.signedValues() ? diverging : ColorMapKind::Sequential;
    for (int c = 0; c < l.channels; ++c) {
        int x0 = 0, y0 = 0;
        l.tileOrigin(c, x0, y0);
        for (int y = 0; y < l.mapH; ++y)
            for (int x = 0; x < l.mapW; ++x) {
                const float v = blob.at(n, c, y, x);
                const Rgb rgb = std::isfinite(v) ? mapValue(kind, v, range.lo, range.hi)
                                                 : Rgb{255, 0, 255};  // NaN/inf: magenta
                for (int dy = 0; dy < l.scale; ++dy) {
                    std::uint8_t* row = img.pixels.data() +
                                        (std::size_t(y0 + y * l.scale + dy) * std::size_t(l.width) +
                                         std::size_t(x0 + x * l.scale)) *
                                            3;
                    for (int dx = 0; dx < l.scale; ++dx) {
                        row[dx * 3] = rgb.r;
                        row[dx * 3 + 1] = rgb.g;
                        row[dx * 3 + 2] = rgb.b;
                    }
                }
            }
    }
    return img;
}

}  // namespace convscope::core
