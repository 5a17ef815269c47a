// Animated exports read back with OpenCV: frame count, size and colours of GIF and MP4 files, and
// the writer's errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "base/error.h"
#include "io/animation.h"
#include "test_util.h"

using namespace convscope::core;
using namespace convscope::core::io;
using convscope::test::expectError;

namespace {

// Frame i: a red bar i*4 pixels wide on a blue background.
RgbImage frame(int w, int h, int i) {
    RgbImage f;
    f.width = w;
    f.height = h;
    f.pixels.resize(std::size_t(w) * std::size_t(h) * 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            std::uint8_t* p = &f.pixels[(std::size_t(y) * std::size_t(w) + std::size_t(x)) * 3];
            const bool bar = x < i * 4;
            p[0] = bar ? 220 : 20;
            p[1] = 30;
            p[2] = bar ? 20 : 200;
        }
    return f;
}

std::string temp(const char* name) {
    return (std::filesystem::temp_directory_path() / name).string();
}

struct ReadBack {
    int frames = 0, width = 0, height = 0;
    cv::Mat last;
};

ReadBack readBack(const std::string& path) {
    cv::VideoCapture cap(path);
    ReadBack r;
    cv::Mat m;
    while (cap.read(m)) {
        ++r.frames;
        r.width = m.cols;
        r.height = m.rows;
        r.last = m.clone();
    }
    return r;
}

}  // namespace

TEST(Animation, GifHasEveryFrameAtItsSize) {
    const std::string path = temp("convscope_anim.gif");
    {
        AnimationWriter w(path, 40, 24, 5);
        for (int i = 0; i < 7; ++i) w.add(frame(40, 24, i));
        w.close();
        EXPECT_EQ(w.frames(), 7);
    }
    const ReadBack r = readBack(path);
    EXPECT_EQ(r.frames, 7);
    EXPECT_EQ(r.width, 40);
    EXPECT_EQ(r.height, 24);
    ASSERT_FALSE(r.last.empty());
    // Last frame: a 24-pixel red bar; OpenCV gives B,G,R.
    const cv::Vec3b red = r.last.at<cv::Vec3b>(12, 5), blue = r.last.at<cv::Vec3b>(12, 35);
    EXPECT_NEAR(red[2], 220, 8);
    EXPECT_NEAR(red[0], 20, 8);
    EXPECT_NEAR(blue[0], 200, 8);
}

TEST(Animation, Mp4HasEveryFrameAtItsSize) {
    const std::string path = temp("convscope_anim.mp4");
    {
        AnimationWriter w(path, 64, 48, 10);
        for (int i = 0; i < 12; ++i) w.add(frame(64, 48, i));
        w.close();
    }
    const ReadBack r = readBack(path);
    EXPECT_EQ(r.frames, 12);
    EXPECT_EQ(r.width, 64);
    EXPECT_EQ(r.height, 48);
    const cv::Vec3b red = r.last.at<cv::Vec3b>(24, 10);
    EXPECT_NEAR(red[2], 220, 30);  // lossy
}

TEST(Animation, OddSizesArePaddedForTheCodec) {
    const std::string path = temp("convscope_odd.mp4");
    {
        AnimationWriter w(path, 33, 21, 10);
        for (int i = 0; i < 3; ++i) w.add(frame(33, 21, i));
    }
    const ReadBack r = readBack(path);
    EXPECT_EQ(r.frames, 3);
    EXPECT_EQ(r.width, 34);
    EXPECT_EQ(r.height, 22);
}

TEST(Animation, Errors) {
    expectError([] { AnimationWriter w(temp("x.avi"), 10, 10, 5); }, ErrorCategory::InvalidConfig,
                "written as .gif or .mp4");
    expectError([] { AnimationWriter w(temp("x.gif"), 1, 10, 5); }, ErrorCategory::InvalidConfig,
                "2..8192");
    expectError([] { AnimationWriter w(temp("x.gif"), 10, 10, 0); }, ErrorCategory::InvalidConfig,
                "0.1 to 120");
    expectError([] { AnimationWriter w("/nonexistent/dir/x.gif", 10, 10, 5); }, ErrorCategory::Io,
                "creating the file");
    AnimationWriter w(temp("x.gif"), 10, 10, 5);
    expectError([&] { w.add(frame(12, 10, 0)); }, ErrorCategory::ShapeMismatch,
                "frame is 12x10, the animation is 10x10");
}
