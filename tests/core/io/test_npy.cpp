// .npy files (io/npy.h): round trips, files numpy 1.24 wrote (their bytes embedded), and every
// refusal with its category and the phrase a user sees.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "base/limits.h"
#include "io/npy.h"
#include "test_util.h"

using namespace convscope::core;
using namespace convscope::core::io;
using convscope::test::expectError;

namespace {

std::string tempPath(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("convscope_test_npy_" + name)).string();
}

std::string writeBytes(const std::string& name, const std::string& bytes) {
    const std::string path = tempPath(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A string literal with its embedded NULs (all but the terminating one).
template <std::size_t N>
std::string bytes(const char (&literal)[N]) {
    return std::string(literal, N - 1);
}

// numpy.save(f, numpy.array([[1.5, -2, 3], [4, 5, 6.25]], dtype='<f4')), numpy 1.24: a 118-byte
// header padded so the data starts at byte 128.
const std::string kNumpyF4 = bytes(
    "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
    "                                                          \n"
    "\x00\x00\xc0?\x00\x00\x00\xc0\x00\x00@@\x00\x00\x80@\x00\x00\xa0@\x00\x00\xc8@");
// numpy.save of numpy.array([0.1, -7], dtype='<f8').
const std::string kNumpyF8 = bytes(
    "\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"
    "                                                            \n"
    "\x9a\x99\x99\x99\x99\x99\xb9?\x00\x00\x00\x00\x00\x00\x1c\xc0");
// numpy.lib.format.write_array(f, numpy.array([[1, 2]], '<f4'), version=(2, 0)): 4-byte length.
const std::string kNumpyV2 = bytes(
    "\x93NUMPY\x02\x00t\x00\x00\x00{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }"
    "                                                        \n"
    "\x00\x00\x80?\x00\x00\x00@");
// The same with version=(3, 0) and numpy.array([9], '<f4').
const std::string kNumpyV3 = bytes(
    "\x93NUMPY\x03\x00t\x00\x00\x00{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }"
    "                                                          \n"
    "\x00\x00\x10"
    "A");

// A version 1.0 file with any header dict and data, padded as numpy pads.
std::string npyFile(const std::string& dict, const std::string& data) {
    std::string header = dict;
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::string out("\x93NUMPY\x01\x00", 8);
    out += char(header.size() & 0xff);
    out += char(header.size() >> 8);
    return out + header + data;
}

}  // namespace

TEST(Npy, ReadsWhatNumpyWrote) {
    ASSERT_EQ(kNumpyF4.size(), 152u);  // the sizes numpy's files have: the literals are complete
    ASSERT_EQ(kNumpyF8.size(), 144u);
    ASSERT_EQ(kNumpyV2.size(), 136u);
    ASSERT_EQ(kNumpyV3.size(), 132u);
    const NpyArray a = readNpy(writeBytes("f4.npy", kNumpyF4));
    EXPECT_EQ(a.dims, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(a.values, (std::vector<float>{1.5f, -2, 3, 4, 5, 6.25f}));

    const NpyArray d = readNpy(writeBytes("f8.npy", kNumpyF8));
    EXPECT_EQ(d.dims, (std::vector<std::int64_t>{2}));
    EXPECT_EQ(d.values, (std::vector<float>{0.1f, -7}));  // float64 rounded to float32

    EXPECT_EQ(readNpy(writeBytes("v2.npy", kNumpyV2)).values, (std::vector<float>{1, 2}));
    const NpyArray v3 = readNpy(writeBytes("v3.npy", kNumpyV3));
    EXPECT_EQ(v3.dims, (std::vector<std::int64_t>{1}));
    EXPECT_EQ(v3.values, (std::vector<float>{9}));
}

TEST(Npy, WritesWhatNumpyWrites) {
    // numpy 1.24 pads the header further (room to grow), so compare everything but the padding.
    const std::string path = tempPath("written.npy");
    const std::vector<std::int64_t> dims{2, 3};
    const std::vector<float> values{1.5f, -2, 3, 4, 5, 6.25f};
    writeNpy(path, dims, values);
    const std::string bytes = readBytes(path);
    ASSERT_EQ(bytes.size() % 64, 24u);  // 64-aligned header, then 6 floats
    EXPECT_EQ(bytes.substr(0, 8), kNumpyF4.substr(0, 8));
    EXPECT_EQ(bytes.substr(10, 59), kNumpyF4.substr(10, 59));
    EXPECT_EQ(bytes[bytes.size() - 25], '\n');
    EXPECT_EQ(bytes.substr(bytes.size() - 24), kNumpyF4.substr(kNumpyF4.size() - 24));
}

TEST(Npy, RoundTrip) {
    struct Case {
        std::vector<std::int64_t> dims;
    };
    for (const Case& c : {Case{{}}, Case{{7}}, Case{{1, 1000}}, Case{{2, 3, 9, 7}},
                          Case{{1, 3, 224, 224}}, Case{{0, 5}}, Case{{1, 2, 1, 1, 3}}}) {
        std::int64_t count = 1;
        for (std::int64_t d : c.dims) count *= d;
        std::vector<float> values(static_cast<std::size_t>(count));
        for (std::size_t i = 0; i < values.size(); ++i) values[i] = float(i) * 0.5f - 3.25f;
        const std::string path = tempPath("round.npy");
        writeNpy(path, c.dims, values);
        const NpyArray back = readNpy(path);
        EXPECT_EQ(back.dims, c.dims) << npyShapeString(c.dims);
        EXPECT_EQ(back.values, values) << npyShapeString(c.dims);
    }
}

TEST(Npy, HeaderVariants) {
    // Keys in another order, double quotes, no trailing comma, Python 2's long literals.
    const std::string data("\x00\x00\x80?\x00\x00\x00@", 8);
    for (const std::string& dict :
         {std::string("{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}"),
          std::string("{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2,)}"),
          std::string("{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L), }")}) {
        const NpyArray a = readNpy(writeBytes("variant.npy", npyFile(dict, data)));
        EXPECT_EQ(a.values, (std::vector<float>{1, 2})) << dict;
    }
}

TEST(Npy, Truncated) {
    const std::string path = writeBytes("truncated.npy", kNumpyF4.substr(0, kNumpyF4.size() - 5));
    expectError([&] { readNpy(path); }, ErrorCategory::Io,
                "is truncated: its shape (2, 3) of '<f4' needs 24 bytes of data, the file has 19");
    expectError([&] { readNpy(path); }, ErrorCategory::Io, path);
    expectError([&] { readNpy(writeBytes("short_header.npy", kNumpyF4.substr(0, 60))); },
                ErrorCategory::Io, "is truncated inside its header");
    expectError([&] { readNpy(writeBytes("tail.npy", kNumpyF4 + "junk")); }, ErrorCategory::Io,
                "has 4 bytes after its data");
}

TEST(Npy, WrongDtype) {
    const std::string zeros(16, '\0');
    expectError(
        [&] {
            readNpy(writeBytes(
                "i8.npy",
                npyFile("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", zeros)));
        },
        ErrorCategory::Io, "holds '<i8' values; only float32 ('<f4') or float64 ('<f8')");
    expectError(
        [&] {
            readNpy(writeBytes("be.npy",
                               npyFile("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
                                       zeros.substr(0, 8))));
        },
        ErrorCategory::Io, "big-endian '>f4'");
}

TEST(Npy, FortranOrderRefused) {
    expectError(
        [&] {
            readNpy(writeBytes("fortran.npy",
                               npyFile("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
                                       std::string(16, '\0'))));
        },
        ErrorCategory::Io, "Fortran order (fortran_order True); save it in C order");
}

TEST(Npy, HugeDims) {
    // A corrupt shape claiming 10^24 values is refused from the file size, nothing allocated.
    expectError(
        [&] {
            readNpy(
                writeBytes("huge.npy", npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': "
                                               "(1000000, 1000000, 1000000, 1000000), }",
                                               std::string(16, '\0'))));
        },
        ErrorCategory::Io, "needs more than 2^63 bytes of data, the file has 16");
    expectError(
        [&] {
            readNpy(writeBytes("huge_dim.npy",
                               npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': "
                                       "(99999999999999999999,), }",
                                       "")));
        },
        ErrorCategory::Io, "too large for 64 bits");
    // A file that really is larger than the limit: sparse, so the test writes nothing.
    const std::int64_t count = limits::kMaxNpyValues + 16;
    const std::string path =
        writeBytes("over_limit.npy", npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                                                 std::to_string(count) + ",), }",
                                             ""));
    std::filesystem::resize_file(path,
                                 std::filesystem::file_size(path) + std::uintmax_t(count) * 4);
    expectError([&] { readNpy(path); }, ErrorCategory::ResourceLimit,
                "more than the 1073741824 this reader accepts");
    std::filesystem::remove(path);
}

// Found by the fuzzer: a shape with a 0 holds no values; reading it copied 0 bytes to a null
// pointer (undefined behaviour, UBSan), even when the other dims are huge.
TEST(Npy, AShapeWithAZeroHoldsNoValues) {
    for (const char* shape : {"(0, 3)", "(673088887, 8020000003000, 0)"}) {
        const NpyArray a = readNpy(writeBytes(
            "empty.npy",
            npyFile(std::string("{'descr': '<f8', 'fortran_order': False, 'shape': ") + shape +
                        ", }",
                    "")));
        EXPECT_TRUE(a.values.empty()) << shape;
        EXPECT_EQ(a.dims.back() == 0 || a.dims.front() == 0, true) << shape;
    }
}

TEST(Npy, BadFiles) {
    expectError([] { readNpy("/nonexistent/x.npy"); }, ErrorCategory::Io,
                "does not exist");
    expectError([] { readNpy(writeBytes("png.npy", "\x89PNG\r\n\x1a\n not an array")); },
                ErrorCategory::Io, "is not a NumPy .npy file");
    std::string v9 = kNumpyF4;
    v9[6] = 9;
    expectError([&] { readNpy(writeBytes("v9.npy", v9)); }, ErrorCategory::Io,
                "is .npy format version 9.0; versions 1.0, 2.0 and 3.0 are read");
    expectError(
        [&] {
            readNpy(writeBytes("nokey.npy",
                               npyFile("{'descr': '<f4', 'shape': (2,), }", std::string(8, 0))));
        },
        ErrorCategory::Io, "lacks one of 'descr', 'fortran_order' and 'shape'");
    expectError(
        [&] {
            readNpy(writeBytes(
                "badshape.npy",
                npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }", "")));
        },
        ErrorCategory::Io, "not a whole number >= 0");
}

TEST(Npy, WriteRefusals) {
    const std::vector<float> values(6, 1.0f);
    const std::vector<std::int64_t> wrong{2, 2};
    expectError([&] { writeNpy(tempPath("w.npy"), wrong, values); }, ErrorCategory::ShapeMismatch,
                "shape (2, 2) holds 4 values, 6 were given");
    const std::vector<std::int64_t> negative{-2, -3};
    expectError([&] { writeNpy(tempPath("w.npy"), negative, values); },
                ErrorCategory::ShapeMismatch, "negative dimension");
    const std::vector<std::int64_t> dims{6};
    expectError([&] { writeNpy("/nonexistent/dir/w.npy", dims, values); }, ErrorCategory::Io,
                "could not be opened for writing");
}
