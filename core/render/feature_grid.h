// Feature maps as a grid: one tile per channel of a layer's activations for one image, all on one
// colour scale (so a bright tile means a strong response, compared across channels). The state
// (where each channel's tile is, which channel a pixel belongs to) is apart from the pixels, for
// the GUI's hover and the tests.
#pragma once

#include "base/tensor.h"
#include "render/color_map.h"
#include "render/filter_grid.h"

namespace convscope::core {

struct FeatureGridLayout {
    int channels = 0;
    int mapW = 0, mapH = 0;  // one channel's size in values
    int scale = 1;           // each value becomes scale x scale pixels
    int columns = 0, rows = 0;
    int separator = 1;
    int width = 0, height = 0;

    // Top-left pixel of channel c's tile.
    void tileOrigin(int c, int& x, int& y) const;
    // The channel and the value (row y, column x of the map) under a pixel; false on separators.
    bool hit(int px, int py, int& c, int& y, int& x) const;
};

// columns <= 0: a near-square grid for the overall picture. Throws Error(InvalidConfig) for an
// empty map or scale < 1, Error(ResourceLimit) above kMaxFilterGridPixels.
FeatureGridLayout featureGridLayout(int channels, int mapH, int mapW, int scale, int columns = 0);

// The scale at which the smaller side of one tile is at least `minTile` pixels (1 at least, 16 at
// most): small maps (AlexNet's 6x6 conv5) get big enough to see.
int featureGridScale(int mapH, int mapW, int minTile = 40);

struct FeatureRange {
    float lo = 0, hi = 0;
    bool signedValues() const { return lo < 0; }
};

// The minimum and maximum over image `n` of an activation blob (NaN and inf ignored).
FeatureRange featureRange(const Tensor& blob, int n);

// Image n of `blob` (N x C x H x W) on one scale `range`: a sequential map for non-negative data
// (after a ReLU), a diverging map around 0 otherwise (`diverging` picks which).
RgbImage renderFeatureGrid(const Tensor& blob, int n, const FeatureGridLayout& layout,
                           const FeatureRange& range,
                           ColorMapKind diverging = ColorMapKind::Diverging);

}  // namespace convscope::core
