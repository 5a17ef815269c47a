// What an image file declares before it is decoded: its format, size, channels and bits per
// sample, read from the header alone (a few dozen bytes; a TIFF's first directory), and whether the
// file ends where an image of its format must. The image readers check this against
// limits::kMaxImagePixels before any decoder allocates the pixels: a 1 MB PNG may declare 30000 x
// 30000 and decode to 3.6 GB. Start at readImageHeader().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace convscope::core::io {

struct ImageHeader {
    std::string format;  // "PNG", "JPEG", "GIF", "BMP", "WebP", "TIFF", "PNM", "Sun raster",
                         // "Radiance HDR"; empty when the header is not one of these
    std::int64_t width = 0, height = 0;
    int channels = 0;        // as stored (a palette counts as 3), 0 when not known
    int bitsPerSample = 8;   // 16 for 16-bit PNG/TIFF/PNM, 32 for float formats
    bool truncated = false;  // the end-of-image marker is missing (PNG IEND, JPEG EOI, GIF ;)

    bool known() const { return !format.empty(); }
    // The bytes the decoder will allocate for the pixels (at least 3 channels of 8 bits).
    std::int64_t decodedBytes() const;
};

// Reads the header of the file held in bytes[0, size) (the whole file, or its head and last 4 KiB
// with fileSize the file's size: the truncation checks read its end marker or compare sizes).
// Never throws: an unknown or malformed header gives format "" or a width or height of 0.
ImageHeader readImageHeader(const unsigned char* bytes, std::size_t size, std::int64_t fileSize = -1);

// Throws Error(ResourceLimit) when the header declares more than limits::kMaxImagePixels or a
// side of 0 or more than 2^31 - 1, naming the size and the limit: "'photo.png' declares 30000 x
// 30000 pixels (900 Mpixel); the largest image ConvScope opens is 64 Mpixel (e.g. 8192 x 8192):
// downscale it first". Also throws when the decoded pixels and their float tensor would exceed
// limits::memoryBudget().
void checkImageHeader(const ImageHeader& header, const std::string& what);

}  // namespace convscope::core::io
