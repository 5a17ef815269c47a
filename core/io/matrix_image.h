// Images written with OpenCV: colour-mapped matrices (the im2col matrix) and RGB grids (filters).
#pragma once

#include <cstdint>
#include <string>

#include "render/filter_grid.h"

namespace convscope::core::io {

// Writes a rows x cols row-major matrix as an image (viridis colour map over [min, max] of the
// values; `scale` >= 1 repeats each cell as a scale x scale block). Format from the extension.
// Throws Error(ResourceLimit) above kMaxMatrixImageCells, Error(Io) if the file cannot be written.
void writeMatrixImage(const std::string& path, const float* data, int rows, int cols,
                      int scale = 1);

// Writes an RGB image (the filter grid) in the format of the extension. Throws Error(Io).
void writeRgbImage(const std::string& path, const RgbImage& image);

}  // namespace convscope::core::io
