// VideoSource over cv::VideoCapture.
#include "io/video_source.h"

#include <algorithm>
#include <cctype>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "base/error.h"

namespace convscope::core::io {

struct VideoSource::Impl {
    cv::VideoCapture capture;
    std::string source;
};

VideoSource::VideoSource(const std::string& source, int maxWidth)
    : m_impl(std::make_unique<Impl>()), m_maxWidth(maxWidth) {
    m_impl->source = source;
    const bool device = !source.empty() && source.size() <= 3 &&
                        std::all_of(source.begin(), source.end(),
                                    [](unsigned char c) { return std::isdigit(c) != 0; });
    m_file = !device;
    bool opened = false;
    try {
        opened = device ? m_impl->capture.open(std::stoi(source)) : m_impl->capture.open(source);
    } catch (const cv::Exception& e) {
        throw Error(ErrorCategory::Io, "'" + source + "' cannot be opened: " + e.err);
    }
    if (!opened)
        throw Error(ErrorCategory::Io,
                    device ? "camera " + source +
                                 " cannot be opened (is it connected, and free? try another index)"
                           : "'" + source +
                                 "' cannot be opened as a video (missing, or a format "
                                 "OpenCV's FFmpeg backend does not read)");
    RgbImage probe;
    if (!read(probe)) throw Error(ErrorCategory::Io, "'" + source + "' opened but gives no frame");
    if (m_file) m_impl->capture.set(cv::CAP_PROP_POS_FRAMES, 0);
}

VideoSource::~VideoSource() = default;

double VideoSource::nominalFps() const {
    return m_impl->capture.get(cv::CAP_PROP_FPS);
}

bool VideoSource::read(RgbImage& frame) {
    cv::Mat bgr;
    if (!m_impl->capture.read(bgr) || bgr.empty()) {
        if (!m_file) return false;
        m_impl->capture.set(cv::CAP_PROP_POS_FRAMES, 0);  // loop the clip
        if (!m_impl->capture.read(bgr) || bgr.empty()) return false;
    }
    if (bgr.channels() == 1) cv::cvtColor(bgr, bgr, cv::COLOR_GRAY2BGR);
    if (bgr.channels() == 4) cv::cvtColor(bgr, bgr, cv::COLOR_BGRA2BGR);
    if (bgr.cols > m_maxWidth) {
        const int h = std::max(1, bgr.rows * m_maxWidth / bgr.cols);
        cv::resize(bgr, bgr, cv::Size(m_maxWidth, h), 0, 0, cv::INTER_AREA);
    }
    frame.width = bgr.cols;
    frame.height = bgr.rows;
    frame.pixels.resize(std::size_t(bgr.cols) * std::size_t(bgr.rows) * 3);
    for (int y = 0; y < bgr.rows; ++y) {
        const std::uint8_t* src = bgr.ptr<std::uint8_t>(y);
        std::uint8_t* dst = frame.pixels.data() + std::size_t(y) * std::size_t(bgr.cols) * 3;
        for (int x = 0; x < bgr.cols; ++x) {
            dst[x * 3] = src[x * 3 + 2];
            dst[x * 3 + 1] = src[x * 3 + 1];
            dst[x * 3 + 2] = src[x * 3];
        }
    }
    return true;
}

}  // namespace convscope::core::io
