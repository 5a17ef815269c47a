// Kernels from files, for the teaching view: NumPy .npy arrays, CSV and JSON text, and images used
// as a (template) kernel. Each loader checks what it reads and says what is wrong and how to fix
// it. Start at loadKernelFile().
#pragma once

#include <string>
#include <vector>

#include "base/tensor.h"

namespace convscope::core::io {

struct KernelFile {
    Tensor weights;           // M x C x kh x kw
    std::vector<float> bias;  // empty, or M values
    std::string format;       // "npy", "csv", "json", "image"
};

// Chooses the loader by extension (.npy, .csv/.txt, .json; anything else is read as an image).
// Throws Error(Io) when the file cannot be read, Error(InvalidConfig) for contents that are not a
// kernel (wrong rank or type, ragged rows, NaN or infinite values, too large).
KernelFile loadKernelFile(const std::string& path);

// The largest pixel value the teaching views feed a kernel (8-bit images).
constexpr double kMaxPixelValue = 255;
// Throws Error(InvalidConfig) naming `what` and the filter when some filter's output on inputs
// within ±maxInput could overflow float: Σ|w|·maxInput + |b| above FLT_MAX. loadKernelFile runs it;
// so do the session readers.
void checkKernelRange(const Tensor& weights, const std::vector<float>& bias, double maxInput,
                      const std::string& what);

// .npy (format 1.0-3.0): little-endian float32 or float64, C or Fortran order; shape KHxKW,
// CxKHxKW or MxCxKHxKW.
KernelFile parseNpy(const std::string& bytes, const std::string& what);
// CSV: one kernel row per line, values separated by commas, semicolons or spaces; '#' starts a
// comment; a blank line starts the next channel (C x KH x KW, one filter).
KernelFile parseKernelCsv(const std::string& text, const std::string& what);
// JSON: a nested array of numbers (2-, 3- or 4-D as for .npy), or an object
// {"weights": <nested array>, "bias": [M numbers]}.
KernelFile parseKernelJson(const std::string& text, const std::string& what);
// An image as a template kernel: gray (or colour with `color`) values in [0, 1] minus their mean,
// so flat regions give 0 and the output peaks where the image matches the template.
KernelFile loadKernelImage(const std::string& path, bool color);

}  // namespace convscope::core::io
