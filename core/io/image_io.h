// Image files to tensors, through OpenCV's decoders. The only place core reads images.
#pragma once

#include <array>
#include <string>

#include "base/limits.h"
#include "base/tensor.h"
#include "io/image_header.h"

namespace convscope::core::io {

// How pixels become a network's input, the one description every path uses (a model's settings,
// `convscope run`, `convscope shot`, sessions): (pixel - mean) * scale, resized to width x height.
struct Preprocessing {
    int width = 0, height = 0;  // resize to this size when both > 0 (0: the model's own)
    float scale = 1.0f;         // applied after mean subtraction
    std::array<float, 3> mean{0, 0, 0};
    bool swapRB = false;  // colour order R,G,B instead of OpenCV's B,G,R
    bool crop = false;    // centre-crop to the target aspect ratio before resizing
};

// Reading an image: the preprocessing and how many channels to make.
struct ImageOptions : Preprocessing {
    int channels = 3;  // 1 (gray) or 3 (colour)
};

// Reads an image file into a 1 x C x H x W tensor: (pixel - mean) * scale. The header is read
// first (io/image_header.h): a file over limits::kMaxImageFileBytes, or one declaring more than
// limits::kMaxImagePixels, is refused before anything is decoded. Throws Error(Io) for a missing
// file, a folder, an unreadable or undecodable file, Error(ResourceLimit) for one too large. A
// file that decodes but ends early (a truncated download) sets *warning, when given, to a
// sentence saying so: its lower rows are gray.
Tensor loadImage(const std::string& path, const ImageOptions& options = {},
                 std::string* warning = nullptr);

// Converts 8-bit pixels already in memory (the GUI's current image) exactly as loadImage would
// convert the same pixels from a file. bgrx: 4 bytes per pixel in the order B, G, R, unused (Qt's
// Format_RGB32 on a little-endian machine); stride in bytes.
Tensor convertPixels(const unsigned char* bgrx, int width, int height, std::size_t stride,
                     const ImageOptions& options);

// Decodes an image held in memory (an embedded resource) the same way.
Tensor decodeImage(const unsigned char* bytes, std::size_t size, const ImageOptions& options,
                   const std::string& what, std::string* warning = nullptr);

// The checks loadImage makes before decoding, for a reader that decodes with another library (the
// GUI's Qt reader): the file's size, its header against the limits. Returns a warning for a
// truncated file ("" if none). Throws as loadImage.
std::string checkImageFile(const std::string& path);

// What the file's header declares (image_header.h), read from its head and tail without decoding;
// format "" when not a format it knows. Throws Error(Io) for a missing, empty or unreadable file.
ImageHeader readImageFileHeader(const std::string& path);

}  // namespace convscope::core::io
