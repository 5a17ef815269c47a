// Kernel files: .npy (both orders, both float types, all versions' headers), CSV, JSON, images, and
// every bad-file path with the message a user sees.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "io/kernel_files.h"
#include "test_util.h"

using namespace convscope::core;
using namespace convscope::core::io;
using convscope::test::expectError;

namespace {

// A .npy file as numpy.save writes it (version 1.0, header padded to 64 bytes).
std::string npy(const std::string& descr, bool fortran, const std::string& shape, const void* data,
                std::size_t bytes) {
    std::string header = "{'descr': '" + descr +
                         "', 'fortran_order': " + (fortran ? "True" : "False") +
                         ", 'shape': " + shape + ", }";
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::string out = "\x93NUMPY";
    out += char(1);
    out += char(0);
    out += char(header.size() & 0xff);
    out += char(header.size() >> 8);
    out += header;
    out.append(static_cast<const char*>(data), bytes);
    return out;
}

std::string tempFile(const std::string& name, const std::string& contents) {
    const auto path = std::filesystem::temp_directory_path() / ("convscope_test_" + name);
    std::ofstream(path, std::ios::binary) << contents;
    return path.string();
}

}  // namespace

TEST(KernelFiles, NpyFloat32COrder) {
    const float v[6] = {1, 2, 3, 4, 5, 6};
    const KernelFile k = parseNpy(npy("<f4", false, "(2, 3)", v, sizeof v), "k.npy");
    EXPECT_EQ(k.weights.shape(), (Shape{1, 1, 2, 3}));
    EXPECT_EQ(k.weights.at(0, 0, 1, 0), 4);
    EXPECT_EQ(k.format, "npy");
}

TEST(KernelFiles, NpyFloat64FortranOrderIsTransposedBack) {
    // The 2x3 matrix [[1,2,3],[4,5,6]] in Fortran order: columns first.
    const double v[6] = {1, 4, 2, 5, 3, 6};
    const KernelFile k = parseNpy(npy("<f8", true, "(2, 3)", v, sizeof v), "k.npy");
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 3; ++x) EXPECT_EQ(k.weights.at(0, 0, y, x), float(1 + y * 3 + x));
}

TEST(KernelFiles, NpyFourDimensionsFortran) {
    // A 2x3x2x2 array; element (m, c, y, x) = 1000m + 100c + 10y + x, stored first index fastest.
    std::vector<float> v;
    for (int x = 0; x < 2; ++x)
        for (int y = 0; y < 2; ++y)
            for (int c = 0; c < 3; ++c)
                for (int m = 0; m < 2; ++m) v.push_back(float(1000 * m + 100 * c + 10 * y + x));
    const KernelFile k =
        parseNpy(npy("<f4", true, "(2, 3, 2, 2)", v.data(), v.size() * 4), "k.npy");
    EXPECT_EQ(k.weights.shape(), (Shape{2, 3, 2, 2}));
    EXPECT_EQ(k.weights.at(1, 2, 0, 1), 1201);
    EXPECT_EQ(k.weights.at(0, 1, 1, 0), 110);
}

TEST(KernelFiles, NpyBadFiles) {
    const float v[4] = {1, 2, 3, 4};
    expectError([] { parseNpy("PK\x03\x04 not numpy at all", "a.npy"); }, ErrorCategory::Io,
                "numpy.save");
    expectError([&] { parseNpy(npy("<i4", false, "(2, 2)", v, sizeof v), "a.npy"); },
                ErrorCategory::Io, "holds '<i4' values; only float32");
    expectError([&] { parseNpy(npy("<f4", false, "(3, 3)", v, sizeof v), "a.npy"); },
                ErrorCategory::Io, "is truncated: its shape (3, 3) of '<f4' needs 36 bytes");
    expectError([&] { parseNpy(npy("<f4", false, "(4,)", v, sizeof v), "a.npy"); },
                ErrorCategory::InvalidConfig, "1 dimensions");
    const float nan[4] = {1, std::numeric_limits<float>::quiet_NaN(), 3, 4};
    expectError([&] { parseNpy(npy("<f4", false, "(2, 2)", nan, sizeof nan), "a.npy"); },
                ErrorCategory::InvalidConfig, "NaN or infinite value at flat index 1");
    std::vector<float> big(65 * 65);
    expectError(
        [&] { parseNpy(npy("<f4", false, "(65, 65)", big.data(), big.size() * 4), "a.npy"); },
        ErrorCategory::InvalidConfig, "largest side is 64");
}

TEST(KernelFiles, CsvRowsAndChannels) {
    const KernelFile k = parseKernelCsv(
        "# a Sobel pair\n-1, 0, 1\n-2 0 2\n-1;0;1\n\n1 2 1\n0 0 0\n-1 -2 -1\n", "s.csv");
    EXPECT_EQ(k.weights.shape(), (Shape{1, 2, 3, 3}));
    EXPECT_EQ(k.weights.at(0, 0, 1, 0), -2);
    EXPECT_EQ(k.weights.at(0, 1, 2, 1), -2);
    expectError([] { parseKernelCsv("1 2 3\n4 5\n", "r.csv"); }, ErrorCategory::InvalidConfig,
                "line 2 has 2 values, the rows above have 3");
    expectError([] { parseKernelCsv("1 x 3\n", "r.csv"); }, ErrorCategory::InvalidConfig,
                "line 1: 'x' is not a number");
    expectError([] { parseKernelCsv("1 2\n3 4\n\n1 2 3\n", "r.csv"); },
                ErrorCategory::InvalidConfig, "channel 2 is 1x3, channel 1 is 2x2");
    expectError([] { parseKernelCsv("# nothing\n\n", "r.csv"); }, ErrorCategory::InvalidConfig,
                "no numbers");
}

TEST(KernelFiles, JsonArrayAndObject) {
    const KernelFile a = parseKernelJson("[[0, 1], [2, 3.5e0]]", "a.json");
    EXPECT_EQ(a.weights.shape(), (Shape{1, 1, 2, 2}));
    EXPECT_EQ(a.weights.at(0, 0, 1, 1), 3.5f);
    const KernelFile b = parseKernelJson(
        R"({"name": "two", "weights": [[[[1]]], [[[-1]]]], "bias": [0.5, -0.5]})", "b.json");
    EXPECT_EQ(b.weights.shape(), (Shape{2, 1, 1, 1}));
    ASSERT_EQ(b.bias.size(), 2u);
    EXPECT_EQ(b.bias[1], -0.5f);
    expectError([] { parseKernelJson("[[1, 2], [3]]", "r.json"); }, ErrorCategory::InvalidConfig,
                "ragged");
    expectError([] { parseKernelJson("[[1, 2], [3, 4]", "r.json"); }, ErrorCategory::InvalidConfig,
                "not valid kernel JSON");
    expectError([] { parseKernelJson(R"({"w": [1]})", "r.json"); }, ErrorCategory::InvalidConfig,
                "no \"weights\"");
    expectError([] { parseKernelJson(R"({"weights": [[1]], "bias": [1, 2]})", "r.json"); },
                ErrorCategory::InvalidConfig, "bias of 2 values for 1 filters");
    expectError([] { parseKernelJson("[[1, NaN]]", "r.json"); }, ErrorCategory::InvalidConfig,
                "NaN");
}

TEST(KernelFiles, ByExtensionAndImages) {
    const std::string csv = tempFile("k.csv", "1 2\n3 4\n");
    EXPECT_EQ(loadKernelFile(csv).weights.at(0, 0, 1, 1), 4);
    expectError([] { loadKernelFile("/nonexistent/k.npy"); }, ErrorCategory::Io, "does not exist");
    // A 2x1 gray PGM: values 0 and 255 -> 0 and 1, minus their mean 0.5.
    const std::string pgm = tempFile("k.pgm", std::string("P5\n2 1\n255\n") + '\0' + '\xff');
    const KernelFile k = loadKernelImage(pgm, false);
    EXPECT_EQ(k.weights.shape(), (Shape{1, 1, 1, 2}));
    EXPECT_FLOAT_EQ(k.weights.at(0, 0, 0, 0), -0.5f);
    EXPECT_FLOAT_EQ(k.weights.at(0, 0, 0, 1), 0.5f);
    EXPECT_EQ(loadKernelFile(pgm).weights.c(), 3);  // by default colour: one RGB filter
    const std::string junk = tempFile("k.png", "not a png");
    expectError([&] { loadKernelFile(junk); }, ErrorCategory::Io, "not an image");
}

// Found by the hour-long fuzz_image run: an image far larger than any kernel was decoded in full
// (a 40-byte bare WebP declaring 1779 x 15471 pixels: 6 s under ASan) before its size was refused.
// Now its header is.
TEST(KernelFiles, AnImageLargerThanAKernelIsRefusedByItsHeader) {
    // Decoded, this one would fail as short (an Io error); by its header it is too large.
    const std::string huge = tempFile("huge.pgm", std::string("P5\n5000 5000\n255\n") + "abcd");
    expectError([&] { loadKernelImage(huge, false); }, ErrorCategory::InvalidConfig,
                "declares 5000 x 5000 pixels; a kernel image is at most 64 x 64");
    const std::string wide = tempFile("wide.pgm", std::string("P5\n1000 2\n255\n") + "abcd");
    expectError([&] { loadKernelImage(wide, false); }, ErrorCategory::InvalidConfig,
                "declares 1000 x 2 pixels");
    expectError([&] { loadKernelFile(wide); }, ErrorCategory::InvalidConfig, "at most 64 x 64");
}

// Finite weights whose sum over a window of 8-bit pixels is not: refused by size, not shown as inf.
TEST(KernelFiles, WeightsThatWouldOverflowFloatAreRefused) {
    const std::string big = tempFile("big.csv", "3e38 3e38\n3e38 3e38\n");
    expectError([&] { loadKernelFile(big); }, ErrorCategory::InvalidConfig,
                "filter 0 would overflow float on pixels up to 255");
    Tensor w(2, 1, 1, 2);
    w.fill(1e37f);  // 2e37 per filter: finite on inputs up to 1, not on 8-bit pixels
    EXPECT_NO_THROW(checkKernelRange(w, {0, 0}, 1.0, "w"));
    expectError([&] { checkKernelRange(w, {0, 0}, 255.0, "w"); }, ErrorCategory::InvalidConfig,
                "'w' has weights so large that filter 0");
    const std::string fine = tempFile("fine.csv", "1e30 -1e30\n");
    EXPECT_NO_THROW(loadKernelFile(fine));
}
