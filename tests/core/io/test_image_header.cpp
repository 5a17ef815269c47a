// Image headers: each format's declared size read from generated files; bombs (tiny files
// declaring huge images) refused before decoding, within a time bound; truncation warned about.
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <string>

#include "base/error.h"
#include "base/limits.h"
#include "io/image_header.h"
#include "io/image_io.h"
#include "io/kernel_files.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::expectError;

namespace {

std::string be32(std::uint32_t v) {
    return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}
std::string bin(std::initializer_list<int> bytes) {
    std::string s;
    for (int b : bytes) s += char(b);
    return s;
}
std::string le16(std::uint32_t v) {
    return {char(v), char(v >> 8)};
}
std::string le32(std::uint32_t v) {
    return {char(v), char(v >> 8), char(v >> 16), char(v >> 24)};
}

std::string pngChunk(const std::string& type, const std::string& data) {
    const std::string body = type + data;
    const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(body.data()), uInt(body.size()));
    return be32(std::uint32_t(data.size())) + body + be32(std::uint32_t(crc));
}

// A real PNG of w x h (8-bit RGB or 16-bit RGBA) whose first `rows` rows are stored: a bomb
// when rows << h (the rest is missing, but the header is what counts).
std::string png(std::uint32_t w, std::uint32_t h, int depth, int colourType, std::uint32_t rows) {
    const std::size_t bpp = (colourType == 6 ? 4 : 3) * std::size_t(depth / 8);
    std::string raw;
    for (std::uint32_t y = 0; y < rows; ++y) raw += std::string(1 + w * bpp, '\0');
    uLongf packed = compressBound(uLong(raw.size()));
    std::string z(packed, '\0');
    compress2(reinterpret_cast<Bytef*>(z.data()), &packed,
              reinterpret_cast<const Bytef*>(raw.data()), uLong(raw.size()), 9);
    z.resize(packed);
    const std::string ihdr =
        be32(w) + be32(h) + char(depth) + char(colourType) + '\0' + '\0' + '\0';
    return std::string("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) + pngChunk("IDAT", z) +
           pngChunk("IEND", "");
}

io::ImageHeader header(const std::string& bytes) {
    return io::readImageHeader(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::string write(const std::string& name, const std::string& bytes) {
    const std::string path = testing::TempDir() + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

}  // namespace

TEST(ImageHeader, EachFormatsDeclaredSize) {
    struct Case {
        const char* format;
        std::string bytes;
        std::int64_t w, h;
    };
    // SOI, an APP0 of 2 bytes, SOF0 (8-bit, height 30000, width 40000, 3 components), EOI.
    const std::string jpegSof = bin({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 'J', 'F', 0xFF, 0xC0, 0x00,
                                     0x11, 0x08, 0x75, 0x30, 0x9C, 0x40, 0x03}) +
                                std::string(9, '\0') + bin({0xFF, 0xD9});
    std::string tiffLe = std::string("II*\0", 4) + le32(8) + le16(2);
    tiffLe += le16(256) + le16(4) + le32(1) + le32(70000);            // ImageWidth LONG
    tiffLe += le16(257) + le16(3) + le32(1) + le16(50000) + le16(0);  // ImageLength SHORT
    const std::string tiffBe =
        std::string("MM\0*", 4) + be32(8) + bin({0, 1, 1, 0, 0, 4}) + be32(1) + be32(1234);
    const Case cases[] = {
        {"PNG", png(30000, 20000, 8, 2, 1), 30000, 20000},
        {"JPEG", jpegSof, 40000, 30000},
        {"GIF", "GIF89a" + le16(65535) + le16(65535) + std::string(4, '\0') + ";", 65535, 65535},
        {"BMP", "BM" + std::string(12, '\0') + le32(40) + le32(100000) + le32(std::uint32_t(-5000)),
         100000, 5000},
        {"WebP",
         "RIFF" + le32(30) + "WEBPVP8X" + le32(10) + std::string(4, '\0') +
             bin({0xFF, 0xFF, 0x00, 0x0F, 0x27, 0x00}),
         65536, 10000},
        {"WebP", "RIFF" + le32(30) + "WEBPVP8L" + le32(10) + "\x2F" + le32(0x3FFF | 0x3FFF << 14),
         16384, 16384},
        // Bare bitstreams, which libwebp decodes without the container (a fuzz_image finding).
        {"WebP", "\x2F" + le32(8458 | 10712 << 14), 8459, 10713},
        {"WebP", bin({0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A}) + le16(16000) + le16(12000), 16000,
         12000},
        // ... and WebP chunks without the RIFF container (libwebp decodes those too).
        {"WebP", "VP8L" + le32(24) + "\x2F" + le32(7999 | 7999 << 14) + std::string(19, '\0'),
         8000, 8000},
        {"WebP",
         "ALPH" + le32(3) + std::string(4, '\0') + "VP8 " + le32(20) +
             bin({0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A}) + le16(9000) + le16(7000),
         9000, 7000},
        {"TIFF", tiffLe, 70000, 50000},
        {"TIFF", tiffBe, 1234, 0},
        {"PNM", "P6\n# a comment\n40000 30000\n65535\n", 40000, 30000},
        {"Sun raster", std::string("\x59\xA6\x6A\x95", 4) + be32(50000) + be32(40000), 50000,
         40000},
        {"Radiance HDR", "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 30000 +X 40000\n", 40000, 30000},
    };
    for (const Case& c : cases) {
        const io::ImageHeader h = header(c.bytes);
        EXPECT_EQ(h.format, c.format);
        EXPECT_EQ(h.width, c.w) << c.format;
        EXPECT_EQ(h.height, c.h) << c.format;
    }
    EXPECT_FALSE(header("not an image at all").known());
    EXPECT_FALSE(header("").known());
}

TEST(ImageHeader, TheShippedPhotoReadsAsItsSize) {
    std::ifstream in(CONVSCOPE_SOURCE_DIR "/resources/chelsea.png", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const io::ImageHeader h = header(bytes);
    EXPECT_EQ(h.format, "PNG");
    EXPECT_EQ(h.width, 451);
    EXPECT_EQ(h.height, 300);
    EXPECT_EQ(h.channels, 3);
    EXPECT_FALSE(h.truncated);
    EXPECT_TRUE(header(bytes.substr(0, bytes.size() / 2)).truncated);
}

// The bombs: decoded in full they took up to 8.5 GB and 105 s.
TEST(ImageHeader, BombsAreRefusedBeforeDecoding) {
    const std::string bombs[] = {write("bomb_rgb.png", png(30000, 30000, 8, 2, 40)),
                                 write("bomb_rgba16.png", png(32000, 32000, 16, 6, 2))};
    for (const std::string& path : bombs) {
        const auto start = std::chrono::steady_clock::now();
        expectError([&] { io::loadImage(path); }, ErrorCategory::ResourceLimit,
                    "the largest image ConvScope opens is 67 Mpixel");
        expectError([&] { io::checkImageFile(path); }, ErrorCategory::ResourceLimit, "declares");
        EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    }
}

// fuzz_image's finding: 34 bytes of a bare VP8L stream declaring 8459 x 10713 pixels were decoded
// (4 s, 0.7 GB) before the pixel count was checked.
TEST(ImageHeader, ABareWebpBitstreamIsRefusedBeforeDecoding) {
    const std::string vp8l = "\x2F" + le32(8458 | 10712 << 14) + std::string(29, '\xC8');
    const std::string path = write("bare.webp", vp8l);
    expectError([&] { io::loadImage(path); }, ErrorCategory::ResourceLimit, "8459 x 10713");
    expectError([&] { io::checkImageFile(path); }, ErrorCategory::ResourceLimit, "declares");
}

TEST(ImageHeader, AnImageAtTheLimitStillOpens) {
    // 8192 x 8192 gray is exactly the limit; only its header and first row are stored, so the
    // decoder fills the rest (and says the file is short): the point is that it is not refused.
    io::ImageHeader h;
    h.format = "PNG";
    h.width = h.height = 8192;
    h.channels = 1;
    EXPECT_NO_THROW(io::checkImageHeader(h, "limit.png"));
    h.width = 8193;
    expectError([&] { io::checkImageHeader(h, "over.png"); }, ErrorCategory::ResourceLimit,
                "8193 x 8192");
}

TEST(ImageHeader, SidesWhoseProductOverflowsAreRefused) {
    // A text header may declare any number; 165555555555 x 555555555555 overflowed the pixel
    // count (UBSan, found by fuzz_image) before the sides were checked one by one.
    io::ImageHeader h;
    h.format = "PNM";
    h.width = 165555555555;
    h.height = 555555555555;
    h.channels = 1;
    expectError([&] { io::checkImageHeader(h, "huge.pbm"); }, ErrorCategory::ResourceLimit,
                "declares 165555555555 x 555555555555 pixels; the largest image");
    expectError([&] { io::loadImage(write("huge.pbm", "P4\n165555555555 555555555555\n")); },
                ErrorCategory::ResourceLimit, "the largest image");
}

TEST(ImageHeader, ABmpWhoseRowsOverflowIsRefusedNotMultiplied) {
    // 2147483647 x 2147483647 at 32 bits: the truncation check multiplied the row stride by the
    // height, a signed overflow found by fuzz_image. It fails under UBSan (scripts/run.sh
    // sanitize, and the fuzz replay of regressions/image/bmp_row_stride_times_height_overflow.bmp).
    std::string bmp = "BM" + le32(0) + le32(0) + le32(54) + le32(40) + le32(0x7fffffff) +
                      le32(0x7fffffff) + le16(1) + le16(32) + le32(0);
    bmp.resize(64, '\0');
    const io::ImageHeader h = io::readImageHeader(reinterpret_cast<const unsigned char*>(bmp.data()),
                                                  bmp.size());
    EXPECT_EQ(h.width, 0x7fffffff);
    EXPECT_TRUE(h.truncated);
    expectError([&] { io::checkImageHeader(h, "rows.bmp"); }, ErrorCategory::ResourceLimit,
                "the largest image");
}

TEST(ImageHeader, ZeroSidesAreCorrupt) {
    expectError([&] { io::loadImage(write("zero.png", png(0, 10, 8, 2, 0))); }, ErrorCategory::Io,
                "its header is corrupt (it declares 0 x 10 pixels)");
}

TEST(ImageHeader, TruncatedFilesDecodeWithAWarning) {
    std::ifstream in(CONVSCOPE_SOURCE_DIR "/resources/chelsea.png", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string whole = write("whole.png", bytes);
    std::string warning = "unset";
    io::loadImage(whole, {}, &warning);
    EXPECT_EQ(warning, "");
    // libpng stops at the missing rows; OpenCV returns what it has or nothing. Either way: no
    // crash, and a decoded image comes with the warning.
    const std::string cut = write("cut.png", bytes.substr(0, bytes.size() * 3 / 4));
    try {
        io::loadImage(cut, {}, &warning);
        EXPECT_NE(warning.find("ends before its PNG data does"), std::string::npos) << warning;
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::Io) << e.what();
    }
    EXPECT_NE(io::checkImageFile(cut).find("truncated"), std::string::npos);
}

TEST(ImageHeader, FoldersAndMissingFilesSayWhatTheyAre) {
    expectError([&] { io::loadImage(testing::TempDir()); }, ErrorCategory::Io, "is a folder");
    expectError([&] { io::loadImage("/nonexistent/x.png"); }, ErrorCategory::Io, "does not exist");
    expectError([&] { io::checkImageFile(testing::TempDir()); }, ErrorCategory::Io, "is a folder");
}

// A BMP has no end marker: its pixel rows are where the header says, so a short file is found by
// size, in the whole file as in checkImageFile's head and tail of a large one.
TEST(ImageHeader, ATruncatedBmpIsFoundBySize) {
    const std::uint32_t w = 64, h = 64, stride = w * 3;  // 24-bit rows, already 4-byte aligned
    const std::string head = "BM" + le32(54 + stride * h) + le32(0) + le32(54) + le32(40) +
                             le32(w) + le32(h) + le16(1) + le16(24) + le32(0) + le32(stride * h) +
                             le32(2835) + le32(2835) + le32(0) + le32(0);
    const std::string whole = head + std::string(stride * h, '\x40');
    EXPECT_FALSE(header(whole).truncated);
    EXPECT_TRUE(header(whole.substr(0, 200)).truncated);
    const auto* p = reinterpret_cast<const unsigned char*>(whole.data());
    EXPECT_FALSE(io::readImageHeader(p, 200, std::int64_t(whole.size())).truncated);
    EXPECT_NE(io::checkImageFile(write("short.bmp", whole.substr(0, 200))).find("BMP"),
              std::string::npos);
}

// Found by fuzzing (tests/fuzz/regressions/image): OpenEXR spent over 10 s on a damaged header
// inside imdecode, and a float image's NaN pixels reached the tensor.
TEST(ImageHeader, OpenExrAndNonFinitePixelsAreRefused) {
    const std::string exr = bin({0x76, 0x2f, 0x31, 0x01}) + std::string(60, '\0');
    expectError([&] { io::loadImage(write("x.exr", exr)); }, ErrorCategory::Io,
                "is an OpenEXR image, which ConvScope does not open");
    // PFM: "PF" colour, 2 x 1, little-endian (negative scale), then NaN and infinite floats.
    std::string pfm = "PF\n2 1\n-1.0\n";
    const float values[6] = {0.5f, NAN, 0.25f, INFINITY, 0.0f, 1.0f};
    pfm.append(reinterpret_cast<const char*>(values), sizeof values);
    expectError([&] { io::loadImage(write("nan.pfm", pfm)); }, ErrorCategory::Io,
                "holds NaN or infinite pixel values");
}

// Found by the hour-long fuzz_image run: OpenCV's DICOM decoder (GDCM) aborted the process (an
// assert in gdcm::Reader) on a 134-byte file with "DICM" after the 128-byte preamble.
TEST(ImageHeader, DicomIsRefusedBeforeOpenCvSeesIt) {
    const std::string dicom = std::string(128, '(') + "DICMG\r";
    const std::string path = write("x.dcm", dicom);
    expectError([&] { io::loadImage(path); }, ErrorCategory::Io,
                "is a DICOM file, which ConvScope does not open; convert it to PNG");
    expectError([&] { io::loadKernelImage(path, false); }, ErrorCategory::Io, "a DICOM file");
}
