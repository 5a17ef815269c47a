// NumPy .npy files: dense float arrays read and written in C order, independent of the engine's
// Tensor (the CLI's --input-npy/--output-npy, the model zoo's reference tensors). Start at
// readNpy().
//
// The format (numpy.lib.format): the magic "\x93NUMPY", a version byte pair (1.0: a 2-byte header
// length; 2.0 and 3.0: 4 bytes; 3.0's header is UTF-8), then a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 224, 224), } padded with spaces and a
// newline so the data starts on a 64-byte boundary, then the values, nothing after them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/limits.h"

namespace convscope::core::io {

struct NpyArray {
    std::vector<std::int64_t> dims;  // outermost first; empty for a 0-d (scalar) array
    std::vector<float> values;       // C (row-major) order, product(dims) of them
};

// What a reader accepts beyond the format itself.
struct NpyReadOptions {
    bool fortranOrder = false;  // accept Fortran order (converted to C order); else refused
    std::int64_t maxValues = limits::kMaxNpyValues;
    const char* limitName = "this reader accepts";  // for the message above maxValues
};

// Reads a .npy file of format version 1.0, 2.0 or 3.0 holding little-endian float32 ('<f4') or
// float64 ('<f8', converted to float), in C order (or Fortran, when options allow). The file's
// size is checked against its shape before anything is allocated. Throws Error(Io) naming the
// file for a missing or unreadable file, a bad magic or header, another dtype, Fortran order, a
// shape whose data is longer or shorter than the file (with both byte counts);
// Error(ResourceLimit) above options.maxValues. Memory: the values once (plus one 1 MiB buffer for
// float64). Only core::Error leaves it.
NpyArray readNpy(const std::string& path, const NpyReadOptions& options = {});

// The same for a file already in memory (a kernel file); `what` names it in messages.
NpyArray parseNpyBytes(std::string_view bytes, const std::string& what,
                       const NpyReadOptions& options = {});

// Writes values (C order) with shape dims as a version 1.0 '<f4' .npy file, as numpy.save does.
// Throws Error(ShapeMismatch) when product(dims) != values.size() or a dim is negative,
// Error(Io) when the file cannot be written (the partial file is removed).
void writeNpy(const std::string& path, std::span<const std::int64_t> dims,
              std::span<const float> values);

// "(1, 3, 224, 224)": dims as numpy prints a shape, for messages.
std::string npyShapeString(std::span<const std::int64_t> dims);

}  // namespace convscope::core::io
