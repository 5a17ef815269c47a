// Filter grid layout and rendering.
#include "render/filter_grid.h"

#include <algorithm>
#include <cmath>

#include "base/error.h"
#include "base/limits.h"

namespace convscope::core {

void FilterGridLayout::tileRect(int m, int c, int& x, int& y) const {
    const int perGroup = filters / groups;
    const int g = m / perGroup, i = m % perGroup;
    const int stepX = tileW + separator, stepY = tileH + separator;
    if (tilePerFilter) {
        x = g * (groupWidth + groupGap) + separator + (i % columns) * stepX;
        y = separator + (i / columns) * stepY;
    } else {
        x = g * (groupWidth + groupGap) + separator + c * stepX;
        y = separator + i * stepY;
    }
}

bool FilterGridLayout::hit(int x, int y, int& m, int& c) const {
    if (x < 0 || y < 0 || x >= width || y >= height) return false;
    const int g = x / (groupWidth + groupGap);
    const int gx = x - g * (groupWidth + groupGap) - separator;
    const int gy = y - separator;
    const int stepX = tileW + separator, stepY = tileH + separator;
    if (g >= groups || gx < 0 || gy < 0 || gx % stepX >= tileW || gy % stepY >= tileH) return false;
    const int col = gx / stepX, row = gy / stepY;
    const int perGroup = filters / groups;
    if (tilePerFilter) {
        if (col >= columns) return false;
        const int i = row * columns + col;
        if (i >= perGroup) return false;
        m = g * perGroup + i;
        c = -1;
    } else {
        if (col >= channels || row >= perGroup) return false;
        m = g * perGroup + row;
        c = col;
    }
    return true;
}

int FilterGridLayout::cellsWide() const {
    return groups * columns * (tileW / scale);
}
int FilterGridLayout::cellsHigh() const {
    return rowsPerGroup * (tileH / scale);
}
int FilterGridLayout::separatorPixelsWide() const {
    return width - cellsWide() * scale;
}
int FilterGridLayout::separatorPixelsHigh() const {
    return height - cellsHigh() * scale;
}

FilterGridLayout filterGridLayout(const Shape& w, int groups, int scale) {
    if (w.count() <= 0)
        throw Error(ErrorCategory::InvalidConfig, "the layer has no weights to show");
    if (scale < 1) throw Error(ErrorCategory::InvalidConfig, "scale must be at least 1");
    if (groups < 1 || w.n % groups != 0)
        throw Error(ErrorCategory::InvalidConfig, std::to_string(w.n) +
                                                      " filters do not split into " +
                                                      std::to_string(groups) + " groups");
    FilterGridLayout l;
    // Depthwise (one filter per group, each reading its own channel): groups of one tile each
    // would be a single row of 8-pixel gaps, so the filters share one grid; filter m is still
    // the one reading channel m.
    if (w.n / groups == 1) groups = 1;
    // 1x1 kernels: each filter is one row of C weights. Tiles of one cell with separators
    // between them would be half separator; the filters are the M x C matrix they are.
    l.matrix = w.h == 1 && w.w == 1 && w.c > 3;
    l.rgb = w.c == 3;
    l.tilePerFilter = w.c == 3 || w.c == 1;
    l.filters = w.n;
    l.channels = w.c;
    l.groups = groups;
    l.scale = scale;
    l.tileW = w.w * scale;
    l.tileH = w.h * scale;
    if (l.matrix) l.separator = 0;
    const int perGroup = w.n / groups;
    if (l.tilePerFilter) {
        l.columns = int(std::ceil(std::sqrt(double(perGroup))));
        l.rowsPerGroup = (perGroup + l.columns - 1) / l.columns;
    } else {
        l.columns = w.c;
        l.rowsPerGroup = perGroup;
    }
    l.groupWidth = l.separator + l.columns * (l.tileW + l.separator);
    const std::int64_t width =
        std::int64_t(groups) * l.groupWidth + std::int64_t(groups - 1) * l.groupGap;
    const std::int64_t height =
        l.separator + std::int64_t(l.rowsPerGroup) * (l.tileH + l.separator);
    if (width * height > limits::kMaxFilterGridPixels)
        throw Error(ErrorCategory::ResourceLimit,
                    "a grid of " + std::to_string(w.n) + " filters x " + std::to_string(w.c) +
                        " channels at scale " + std::to_string(scale) + " would be " +
                        std::to_string(width) + "x" + std::to_string(height) +
                        " pixels; use a smaller --scale");
    l.width = int(width);
    l.height = int(height);
    return l;
}

RgbImage renderFilterGrid(const Tensor& weights, int groups, const FilterGridOptions& o,
                          FilterGridLayout* layoutOut) {
    const FilterGridLayout l = filterGridLayout(weights.shape(), groups, o.scale);
    RgbImage img;
    img.width = l.width;
    img.height = l.height;
    // Separators in a dark blue that no gray tile can be mistaken for.
    img.pixels.resize(std::size_t(l.width) * std::size_t(l.height) * 3);
    for (std::size_t i = 0; i < img.pixels.size(); i += 3) {
        img.pixels[i] = kSeparatorRgb[0];
        img.pixels[i + 1] = kSeparatorRgb[1];
        img.pixels[i + 2] = kSeparatorRgb[2];
    }
    const int M = weights.n(), C = weights.c(), kh = weights.h(), kw = weights.w();
    const std::int64_t perFilter = weights.shape().perImage();

    auto range = [&](const float* p, std::int64_t n, float& lo, float& hi) {
        lo = *std::min_element(p, p + n);
        hi = *std::max_element(p, p + n);
    };
    float globalLo = 0, globalHi = 0;
    range(weights.data(), weights.count(), globalLo, globalHi);

    auto put = [&](int x, int y, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
        for (int dy = 0; dy < o.scale; ++dy)
            for (int dx = 0; dx < o.scale; ++dx) {
                std::uint8_t* p =
                    &img.pixels[(std::size_t(y + dy) * std::size_t(l.width) + std::size_t(x + dx)) *
                                3];
                p[0] = r, p[1] = g, p[2] = b;
            }
    };
    for (int m = 0; m < M; ++m) {
        const float* f = weights.data() + m * perFilter;
        float lo = globalLo, hi = globalHi;
        if (o.norm == FilterNorm::PerFilter) range(f, perFilter, lo, hi);
        const float span = hi > lo ? hi - lo : 1.0f;
        auto level = [&](float v) {
            return std::uint8_t(std::lround(255.0f * std::clamp((v - lo) / span, 0.0f, 1.0f)));
        };
        for (int c = 0; c < (l.tilePerFilter ? 1 : C); ++c) {
            int x0 = 0, y0 = 0;
            l.tileRect(m, c, x0, y0);
            for (int i = 0; i < kh; ++i)
                for (int j = 0; j < kw; ++j) {
                    const int x = x0 + j * o.scale, y = y0 + i * o.scale;
                    if (l.rgb) {
                        const std::uint8_t c0 = level(f[(0 * kh + i) * kw + j]);
                        const std::uint8_t c1 = level(f[(1 * kh + i) * kw + j]);
                        const std::uint8_t c2 = level(f[(2 * kh + i) * kw + j]);
                        if (o.inputIsBgr)
                            put(x, y, c2, c1, c0);
                        else
                            put(x, y, c0, c1, c2);
                    } else {
                        const std::uint8_t v = level(f[(c * kh + i) * kw + j]);
                        put(x, y, v, v, v);
                    }
                }
        }
    }
    if (layoutOut) *layoutOut = l;
    return img;
}

}  // namespace convscope::core
