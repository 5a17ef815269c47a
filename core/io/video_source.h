// Frames from a camera or a video file through OpenCV's VideoCapture, as 8-bit RGB. The live input
// of the teaching views. A file loops when it ends, so a short clip can run through a lesson.
#pragma once

#include <memory>
#include <string>

#include "render/filter_grid.h"

namespace convscope::core::io {

class VideoSource {
public:
    // `source`: a device index ("0", "1", …) or a video file. Frames wider than maxWidth are
    // scaled down (keeping the aspect ratio). Throws Error(Io) naming the source when it cannot be
    // opened or gives no frame.
    explicit VideoSource(const std::string& source, int maxWidth = 640);
    ~VideoSource();
    VideoSource(const VideoSource&) = delete;
    VideoSource& operator=(const VideoSource&) = delete;

    // The next frame; a file starts again at its end. False when the device stops delivering.
    bool read(RgbImage& frame);
    bool isFile() const { return m_file; }
    // The source's nominal frame rate (0 when it does not say).
    double nominalFps() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    bool m_file = false;
    int m_maxWidth;
};

}  // namespace convscope::core::io
