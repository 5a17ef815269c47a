// Image loading: channel order, scale and mean, and clear errors for bad files.
#include <gtest/gtest.h>

#include <fstream>

#include "base/error.h"
#include "io/image_io.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::expectError;

TEST(ImageIo, DefaultImageLoadsAsRgbAndGray) {
    const std::string path = CONVSCOPE_SOURCE_DIR "/resources/chelsea.png";
    io::ImageOptions rgb;
    rgb.swapRB = true;
    const Tensor t = io::loadImage(path, rgb);
    EXPECT_EQ(t.shape(), (Shape{1, 3, 300, 451}));
    io::ImageOptions gray;
    gray.channels = 1;
    gray.width = 32, gray.height = 16;
    gray.scale = 1.0f / 255;
    const Tensor g = io::loadImage(path, gray);
    EXPECT_EQ(g.shape(), (Shape{1, 1, 16, 32}));
    for (float v : g.span()) ASSERT_TRUE(v >= 0 && v <= 1);
}

TEST(ImageIo, ChannelOrderScaleAndMean) {
    // A 1x1 PPM with R=200, G=100, B=50.
    const std::string path = testing::TempDir() + "pixel.ppm";
    std::ofstream(path, std::ios::binary) << "P6\n1 1\n255\n" << char(200) << char(100) << char(50);
    io::ImageOptions o;
    o.swapRB = true;
    o.mean = {100, 50, 25};
    o.scale = 0.5f;
    const Tensor t = io::loadImage(path, o);
    EXPECT_FLOAT_EQ(t.at(0, 0, 0, 0), 50);  // (200 - 100) * 0.5, red first
    EXPECT_FLOAT_EQ(t.at(0, 1, 0, 0), 25);
    EXPECT_FLOAT_EQ(t.at(0, 2, 0, 0), 12.5f);
    o.swapRB = false;
    EXPECT_FLOAT_EQ(io::loadImage(path, o).at(0, 0, 0, 0), (50 - 100) * 0.5f);  // blue first (BGR)
}

TEST(ImageIo, MissingFileIsAnIoError) {
    expectError([] { io::loadImage("/nonexistent/cat.png"); }, ErrorCategory::Io, "does not exist");
}

TEST(ImageIo, CorruptFileIsAnIoError) {
    const std::string path = testing::TempDir() + "corrupt.png";
    std::ofstream(path, std::ios::binary) << "\x89PNG\r\n\x1a\n this is not really a png";
    expectError([&] { io::loadImage(path); }, ErrorCategory::Io,
                "is not a valid PNG file: its header is corrupt");
}

TEST(ImageIo, EmptyFileIsAnIoError) {
    const std::string path = testing::TempDir() + "empty.jpg";
    std::ofstream(path, std::ios::binary).flush();
    expectError([&] { io::loadImage(path); }, ErrorCategory::Io, "is empty");
}
