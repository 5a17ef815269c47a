// The learned-filter grid (a model's conv weights as tiles): RGB tiles for 3-channel filters, gray
// tiles for 1-channel ones (depthwise filters in one grid), a row of gray tiles (one per channel)
// otherwise, and for 1x1 kernels the M x C matrix itself; groups set apart. One
// renderer for the CLI's PNG and the GUI's gallery; FilterGridLayout maps pixels back to filters
// for hover and clicks.
#pragma once

#include <cstdint>
#include <vector>

#include "base/tensor.h"

namespace convscope::core {

// 8-bit RGB, rows top to bottom, 3 bytes per pixel.
struct RgbImage {
    int width = 0, height = 0;
    std::vector<std::uint8_t> pixels;
};

enum class FilterNorm {
    PerFilter,  // each filter stretched over its own min..max
    Global,     // one scale for all: compares filters' strengths
};

struct FilterGridOptions {
    int scale = 8;  // each weight becomes a scale x scale block (nearest neighbour)
    FilterNorm norm = FilterNorm::PerFilter;
    bool inputIsBgr = true;  // channel 0 is blue (OpenCV's order); false when the model takes RGB
};

// Where each filter's tile is: geometry only, testable without pixels.
struct FilterGridLayout {
    bool rgb = false;            // one RGB tile per filter (3 input channels)
    bool tilePerFilter = false;  // one tile per filter in a square-ish grid (RGB, or 1 channel);
                                 // otherwise a row of gray tiles, one per channel, per filter
    bool matrix = false;         // 1x1 kernels, C > 3: the M x C weight matrix, one cell per
                                 // weight, no separators (a row per filter)
    int filters = 0, channels = 0, groups = 1;  // groups: 1 for depthwise (one filter a group)
    int scale = 1;                              // pixels per weight
    int tileW = 0, tileH = 0;                   // one tile, scaled
    int columns = 0;  // tiles per row within a group (tilePerFilter) or channels per row
    int rowsPerGroup = 0;
    int separator = 1, groupGap = 8;
    int groupWidth = 0;
    int width = 0, height = 0;

    // The tile rectangle of filter m (channel c for gray grids): x, y, w, h.
    void tileRect(int m, int c, int& x, int& y) const;
    // The filter (and channel) under pixel (x, y); false on separators and gaps.
    bool hit(int x, int y, int& m, int& c) const;
    // The grid's size without separators and gaps, in weights (cells), and the separator and gap
    // pixels alone: width = cells.width * scale + separators.width (fitting a zoom).
    int cellsWide() const;
    int cellsHigh() const;
    int separatorPixelsWide() const;
    int separatorPixelsHigh() const;
};

// Colour of separators and gaps.
constexpr std::uint8_t kSeparatorRgb[3] = {28, 48, 88};

// weights: M x C x kh x kw (C = channels per group). Throws Error(ResourceLimit) above
// kMaxFilterGridPixels, Error(InvalidConfig) for empty weights or scale < 1.
FilterGridLayout filterGridLayout(const Shape& weights, int groups, int scale);
RgbImage renderFilterGrid(const Tensor& weights, int groups, const FilterGridOptions& options,
                          FilterGridLayout* layout = nullptr);

}  // namespace convscope::core
