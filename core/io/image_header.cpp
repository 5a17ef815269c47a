// Image headers: each format's size fields, read with bounds checks on every byte.
#include "io/image_header.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "base/error.h"
#include "base/limits.h"

namespace convscope::core::io {

namespace {

// Bounds-checked reads: a field past the end reads as 0, which no check accepts as a size.
struct Bytes {
    const unsigned char* p;
    std::size_t size;
    std::int64_t fileSize;  // the whole file's, when `p` holds only its head and tail

    bool has(std::size_t offset, std::size_t n) const {
        return offset <= size && n <= size - offset;
    }
    bool startsWith(std::size_t offset, const char* text) const {
        const std::size_t n = std::strlen(text);
        return has(offset, n) && std::memcmp(p + offset, text, n) == 0;
    }
    std::uint32_t be(std::size_t offset, int n) const {
        if (!has(offset, std::size_t(n))) return 0;
        std::uint32_t v = 0;
        for (int i = 0; i < n; ++i) v = v << 8 | p[offset + std::size_t(i)];
        return v;
    }
    std::uint32_t le(std::size_t offset, int n) const {
        if (!has(offset, std::size_t(n))) return 0;
        std::uint32_t v = 0;
        for (int i = n - 1; i >= 0; --i) v = v << 8 | p[offset + std::size_t(i)];
        return v;
    }
    std::uint8_t at(std::size_t offset) const { return offset < size ? p[offset] : 0; }
    // `text` within the last `window` bytes.
    bool endsNear(const char* text, std::size_t window) const {
        const std::size_t n = std::strlen(text);
        const std::size_t from = size > window ? size - window : 0;
        const unsigned char* end = p + size;
        const auto* t = reinterpret_cast<const unsigned char*>(text);
        return std::search(p + from, end, t, t + n) != end;
    }
};

ImageHeader png(const Bytes& b) {
    ImageHeader h;
    h.format = "PNG";
    if (!b.startsWith(12, "IHDR")) return h;
    h.width = b.be(16, 4);
    h.height = b.be(20, 4);
    h.bitsPerSample = b.at(24) == 16 ? 16 : 8;
    static constexpr int kChannels[7] = {1, 0, 3, 3, 2, 0, 4};  // by colour type
    h.channels = b.at(25) < 7 ? kChannels[b.at(25)] : 0;
    h.truncated = !b.endsNear("IEND", 64);
    return h;
}

ImageHeader jpeg(const Bytes& b) {
    ImageHeader h;
    h.format = "JPEG";
    // Segments after SOI: FF marker, 2-byte length; the frame header (SOF0..SOF15 but DHT, JPG,
    // DAC) holds precision, height, width, components.
    std::size_t pos = 2;
    while (b.has(pos, 4)) {
        if (b.at(pos) != 0xFF) break;
        const std::uint8_t marker = b.at(pos + 1);
        if (marker == 0xFF) {  // fill byte
            ++pos;
            continue;
        }
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
            pos += 2;
            continue;
        }
        const std::uint32_t length = b.be(pos + 2, 2);
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
            marker != 0xCC) {
            h.bitsPerSample = b.at(pos + 4) > 8 ? 16 : 8;
            h.height = b.be(pos + 5, 2);
            h.width = b.be(pos + 7, 2);
            h.channels = b.at(pos + 9);
            break;
        }
        if (length < 2) break;
        pos += 2 + length;
    }
    // Cameras append data (thumbnails, maker notes) after the image's EOI: look near the end.
    h.truncated = !b.endsNear("\xFF\xD9", 4096);
    return h;
}

ImageHeader gif(const Bytes& b) {
    ImageHeader h;
    h.format = "GIF";
    h.width = b.le(6, 2);
    h.height = b.le(8, 2);
    h.channels = 4;
    h.truncated = !b.endsNear(";", 16);
    return h;
}

ImageHeader bmp(const Bytes& b) {
    ImageHeader h;
    h.format = "BMP";
    const std::uint32_t dib = b.le(14, 4);
    if (dib == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sides
        h.width = b.le(18, 2);
        h.height = b.le(20, 2);
    } else {
        h.width = std::int32_t(b.le(18, 4));
        h.height = std::int32_t(b.le(22, 4));
        if (h.height < 0) h.height = -h.height;  // top-down
        // Uncompressed (BI_RGB, BI_BITFIELDS): rows of 4-byte-aligned pixels after the offset.
        const std::uint32_t bpp = b.le(28, 2), compression = b.le(30, 4);
        if ((compression == 0 || compression == 3) && bpp > 0 && bpp <= 32 && h.width > 0) {
            const std::int64_t stride = (h.width * bpp + 31) / 32 * 4;
            // offset + stride * height > fileSize, without the product (2^33 x 2^31 overflows).
            const std::int64_t room = b.fileSize - std::int64_t(b.le(10, 4));
            h.truncated = room < 0 || h.height > room / stride;
        }
    }
    h.channels = 4;
    return h;
}

// The WebP chunk at `at` ("VP8 ", "VP8L", "VP8X"; "ALPH" and "ICCP" chunks before it skipped),
// as in a RIFF file (at 12) or bare: libwebp takes a first chunk without the container too.
ImageHeader webp(const Bytes& b, std::size_t at = 12) {
    ImageHeader h;
    h.format = "WebP";
    h.channels = 4;
    for (int chunks = 0; chunks < 16 && b.has(at, 8) && (b.startsWith(at, "ALPH") ||
                                                        b.startsWith(at, "ICCP"));
         ++chunks)
        at += 8 + (std::size_t(b.le(at + 4, 4)) + 1) / 2 * 2;  // chunks are padded to even sizes
    if (b.startsWith(at, "VP8 ")) {  // lossy: 14-bit sides after the frame tag and start code
        h.width = b.le(at + 14, 2) & 0x3FFF;
        h.height = b.le(at + 16, 2) & 0x3FFF;
    } else if (b.startsWith(at, "VP8L")) {  // lossless: 14 bits each of (side - 1)
        const std::uint32_t bits = b.le(at + 9, 4);
        h.width = std::int64_t(bits & 0x3FFF) + 1;
        h.height = std::int64_t((bits >> 14) & 0x3FFF) + 1;
    } else if (b.startsWith(at, "VP8X")) {  // extended: 24 bits each of (canvas side - 1)
        h.width = std::int64_t(b.le(at + 12, 3)) + 1;
        h.height = std::int64_t(b.le(at + 15, 3)) + 1;
    }
    return h;
}

// A bare VP8L or VP8 bitstream, without even a chunk header: libwebp's WebPGetFeatures takes one,
// so OpenCV's WebP decoder does (found by fuzz_image: 35 bytes declaring 8459 x 10713 pixels were
// decoded before the size was known).
bool bareVp8l(const Bytes& b) {  // VP8LCheckSignature: the 0x2F signature, version bits 0
    return b.has(0, 5) && b.at(0) == 0x2F && (b.at(4) >> 5) == 0;
}
bool bareVp8(const Bytes& b) {  // a key frame's tag, then the start code 9D 01 2A
    return b.has(0, 10) && (b.at(0) & 1) == 0 && b.at(3) == 0x9D && b.at(4) == 0x01 &&
           b.at(5) == 0x2A;
}
ImageHeader bareWebp(const Bytes& b) {
    ImageHeader h;
    h.format = "WebP";
    h.channels = 4;
    if (bareVp8l(b)) {  // 14 bits each of (side - 1) after the signature
        const std::uint32_t bits = b.le(1, 4);
        h.width = std::int64_t(bits & 0x3FFF) + 1;
        h.height = std::int64_t((bits >> 14) & 0x3FFF) + 1;
    } else {  // 14-bit sides after the start code
        h.width = b.le(6, 2) & 0x3FFF;
        h.height = b.le(8, 2) & 0x3FFF;
    }
    return h;
}

ImageHeader tiff(const Bytes& b) {
    ImageHeader h;
    h.format = "TIFF";
    const bool little = b.at(0) == 'I';
    auto read = [&](std::size_t offset, int n) {
        return little ? b.le(offset, n) : b.be(offset, n);
    };
    const std::size_t ifd = read(4, 4);
    const std::uint32_t entries = read(ifd, 2);
    h.channels = 1;
    for (std::uint32_t i = 0; i < entries && i < 4096; ++i) {
        const std::size_t e = ifd + 2 + 12 * std::size_t(i);
        if (!b.has(e, 12)) break;
        const std::uint32_t tag = read(e, 2), type = read(e + 2, 2);
        // SHORT (3) values sit in the first 2 bytes of the value field, LONG (4) in all 4.
        const std::uint32_t value = type == 3 ? read(e + 8, 2) : type == 4 ? read(e + 8, 4) : 0;
        if (tag == 256) h.width = value;
        if (tag == 257) h.height = value;
        if (tag == 258) h.bitsPerSample = int(std::min<std::uint32_t>(value, 64));
        if (tag == 277) h.channels = int(std::min<std::uint32_t>(value, 64));
    }
    return h;
}

// PNM (P1-P6): magic, then width, height (and maxval) as decimal text with # comments.
ImageHeader pnm(const Bytes& b) {
    ImageHeader h;
    h.format = "PNM";
    const char kind = char(b.at(1));
    h.channels = (kind == '3' || kind == '6') ? 3 : 1;
    std::size_t pos = 2;
    std::int64_t fields[3] = {0, 0, 255};
    const int wanted = (kind == '1' || kind == '4') ? 2 : 3;
    for (int f = 0; f < wanted; ++f) {
        for (;;) {  // whitespace and comments
            while (pos < b.size && std::isspace(b.p[pos])) ++pos;
            if (pos < b.size && b.p[pos] == '#')
                while (pos < b.size && b.p[pos] != '\n') ++pos;
            else
                break;
        }
        std::int64_t v = 0;
        int digits = 0;
        while (pos < b.size && std::isdigit(b.p[pos]) && digits < 12) {
            v = v * 10 + (b.p[pos++] - '0');
            ++digits;
        }
        if (digits == 0) return h;
        fields[f] = v;
    }
    h.width = fields[0];
    h.height = fields[1];
    h.bitsPerSample = fields[2] > 255 ? 16 : 8;
    return h;
}

ImageHeader sunRaster(const Bytes& b) {
    ImageHeader h;
    h.format = "Sun raster";
    h.width = b.be(4, 4);
    h.height = b.be(8, 4);
    h.channels = 3;
    return h;
}

// Radiance HDR: text lines up to a blank one, then "-Y <height> +X <width>".
ImageHeader radiance(const Bytes& b) {
    ImageHeader h;
    h.format = "Radiance HDR";
    h.channels = 3;
    h.bitsPerSample = 32;
    const std::size_t limit = std::min<std::size_t>(b.size, 1 << 16);
    const std::string text(reinterpret_cast<const char*>(b.p), limit);
    const std::size_t blank = text.find("\n\n");
    if (blank == std::string::npos) return h;
    long long height = 0, width = 0;
    char ys = 0, xs = 0, y = 0, x = 0;
    if (std::sscanf(text.c_str() + blank + 2, "%c%c %lld %c%c %lld", &ys, &y, &height, &xs, &x,
                    &width) == 6) {
        h.width = width;
        h.height = height;
    }
    return h;
}

}  // namespace

std::int64_t ImageHeader::decodedBytes() const {
    const std::int64_t bytesPerSample = bitsPerSample > 8 ? (bitsPerSample > 16 ? 4 : 2) : 1;
    return width * height * std::max(channels, 3) * bytesPerSample;
}

ImageHeader readImageHeader(const unsigned char* bytes, std::size_t size, std::int64_t fileSize) {
    const Bytes b{bytes, size, fileSize < 0 ? std::int64_t(size) : fileSize};
    if (b.startsWith(0, "\x89PNG\r\n\x1a\n")) return png(b);
    if (b.has(0, 3) && b.at(0) == 0xFF && b.at(1) == 0xD8 && b.at(2) == 0xFF) return jpeg(b);
    if (b.startsWith(0, "GIF87a") || b.startsWith(0, "GIF89a")) return gif(b);
    if (b.startsWith(0, "BM")) return bmp(b);
    if (b.startsWith(0, "RIFF") && b.startsWith(8, "WEBP")) return webp(b);
    if (b.startsWith(0, "II*") || b.startsWith(0, "MM")) {
        if (b.at(2) + b.at(3) == 42) return tiff(b);
    }
    if (b.has(0, 3) && b.at(0) == 'P' && b.at(1) >= '1' && b.at(1) <= '6' && std::isspace(b.at(2)))
        return pnm(b);
    if (b.be(0, 4) == 0x59A66A95) return sunRaster(b);
    if (b.startsWith(0, "#?RADIANCE") || b.startsWith(0, "#?RGBE")) return radiance(b);
    if (bareVp8l(b) || bareVp8(b)) return bareWebp(b);
    // A WebP chunk without the RIFF container, which libwebp also decodes.
    for (const char* chunk : {"VP8 ", "VP8L", "VP8X", "ALPH"})
        if (b.startsWith(0, chunk)) return webp(b, 0);
    return {};
}

void checkImageHeader(const ImageHeader& header, const std::string& what) {
    if (!header.known()) return;  // OpenCV's own limit applies (image_io.cpp)
    const std::string size = std::to_string(header.width) + " x " + std::to_string(header.height);
    if (header.width <= 0 || header.height <= 0)
        throw Error(ErrorCategory::Io, "'" + what + "' is not a valid " + header.format +
                                           " file: its header is corrupt (it declares " + size +
                                           " pixels)");
    const std::string tooLarge = "; the largest image ConvScope opens is " +
                                 std::to_string(limits::kMaxImagePixels / 1000000) +
                                 " Mpixel (e.g. 8192 x 8192): downscale it first";
    // Each side first: a text header (PNM, Radiance) may declare sides whose product overflows.
    if (header.width > limits::kMaxDimension || header.height > limits::kMaxDimension)
        throw Error(ErrorCategory::ResourceLimit,
                    "'" + what + "' declares " + size + " pixels" + tooLarge);
    const std::int64_t pixels = header.width * header.height;  // < 2^62: each side < 2^31
    if (pixels > limits::kMaxImagePixels)
        throw Error(ErrorCategory::ResourceLimit, "'" + what + "' declares " + size + " pixels (" +
                                                      std::to_string(pixels / 1000000) +
                                                      " Mpixel)" + tooLarge);
    // The decoder's pixels, then the float tensor of 3 channels.
    limits::checkMemory(header.decodedBytes() + pixels * 3 * std::int64_t(sizeof(float)),
                        "decoding '" + what + "' (" + size + ")", "downscale it first");
}

}  // namespace convscope::core::io
