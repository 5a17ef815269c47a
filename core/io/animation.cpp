// GIF through giflib, MP4 through OpenCV.
#include "io/animation.h"

#include <fcntl.h>
#include <gif_lib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <opencv2/videoio.hpp>
#include <vector>

#include "base/error.h"

namespace convscope::core::io {

struct AnimationWriter::Impl {
    std::string path;
    int width = 0, height = 0;
    double fps = 10;
    bool gif = false;
    GifFileType* file = nullptr;
    cv::VideoWriter video;
    bool closed = false;

    [[noreturn]] void gifFailed(int code, const char* what) const {
        throw Error(ErrorCategory::Io, "'" + path + "': " + what + " failed: " +
                                           (GifErrorString(code) ? GifErrorString(code) : "?"));
    }
};

AnimationWriter::AnimationWriter(const std::string& path, int width, int height, double fps)
    : m_impl(std::make_unique<Impl>()) {
    Impl& d = *m_impl;
    d.path = path;
    d.width = width;
    d.height = height;
    d.fps = fps;
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (ext != ".gif" && ext != ".mp4")
        throw Error(ErrorCategory::InvalidConfig,
                    "'" + path + "': animations are written as .gif or .mp4");
    if (width < 2 || height < 2 || width > 8192 || height > 8192)
        throw Error(ErrorCategory::InvalidConfig,
                    "an animation frame of " + std::to_string(width) + "x" +
                        std::to_string(height) + " pixels; the size must be 2..8192 on each side");
    if (!(fps >= 0.1 && fps <= 120))
        throw Error(ErrorCategory::InvalidConfig,
                    "a frame rate of " + std::to_string(fps) + " per second; use 0.1 to 120");
    d.gif = ext == ".gif";
    if (d.gif) {
        // Opened here, not by EGifOpenFileName, which would make the file private (mode 0600).
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd < 0)
            throw Error(ErrorCategory::Io,
                        "'" + path + "': creating the file failed: " + std::strerror(errno));
        int code = 0;
        d.file = EGifOpenFileHandle(fd, &code);
        if (!d.file) {
            ::close(fd);
            d.gifFailed(code, "creating the file");
        }
        EGifSetGifVersion(d.file, true);
        if (EGifPutScreenDesc(d.file, width, height, 8, 0, nullptr) == GIF_ERROR)
            d.gifFailed(d.file->Error, "writing the screen descriptor");
        // Loop forever (the Netscape application extension).
        static const GifByteType app[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
        static const GifByteType loop[] = {1, 0, 0};
        if (EGifPutExtensionLeader(d.file, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
            EGifPutExtensionBlock(d.file, sizeof app, app) == GIF_ERROR ||
            EGifPutExtensionBlock(d.file, sizeof loop, loop) == GIF_ERROR ||
            EGifPutExtensionTrailer(d.file) == GIF_ERROR)
            d.gifFailed(d.file->Error, "writing the loop extension");
    } else {
        // Codecs want even sizes: frames are padded by one pixel where needed.
        const cv::Size size(width + (width & 1), height + (height & 1));
        if (!d.video.open(path, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps, size))
            throw Error(ErrorCategory::Io, "'" + path +
                                               "' cannot be written as MP4 (OpenCV's video "
                                               "backend refused it; is FFmpeg available?)");
    }
}

AnimationWriter::~AnimationWriter() {
    try {
        close();
    } catch (const Error&) {
        // Destructors cannot report; close() explicitly to see errors.
    }
}

void AnimationWriter::add(const RgbImage& frame) {
    Impl& d = *m_impl;
    if (d.closed) throw Error(ErrorCategory::InvalidConfig, "'" + d.path + "' is already closed");
    if (frame.width != d.width || frame.height != d.height)
        throw Error(ErrorCategory::ShapeMismatch,
                    "an animation frame is " + std::to_string(frame.width) + "x" +
                        std::to_string(frame.height) + ", the animation is " +
                        std::to_string(d.width) + "x" + std::to_string(d.height));
    const std::size_t n = std::size_t(d.width) * std::size_t(d.height);
    if (d.gif) {
        std::vector<GifByteType> r(n), g(n), b(n), indices(n);
        for (std::size_t i = 0; i < n; ++i) {
            r[i] = frame.pixels[i * 3];
            g[i] = frame.pixels[i * 3 + 1];
            b[i] = frame.pixels[i * 3 + 2];
        }
        int colours = 256;
        GifColorType palette[256] = {};
        if (GifQuantizeBuffer(unsigned(d.width), unsigned(d.height), &colours, r.data(), g.data(),
                              b.data(), indices.data(), palette) == GIF_ERROR)
            throw Error(ErrorCategory::ResourceLimit,
                        "'" + d.path + "': colour quantisation failed");
        ColorMapObject* map = GifMakeMapObject(256, palette);
        if (!map) throw Error(ErrorCategory::ResourceLimit, "'" + d.path + "': out of memory");
        GraphicsControlBlock gcb;
        gcb.DisposalMode = DISPOSE_DO_NOT;
        gcb.UserInputFlag = false;
        gcb.DelayTime = std::max(2, int(std::lround(100.0 / d.fps)));  // centiseconds
        gcb.TransparentColor = NO_TRANSPARENT_COLOR;
        GifByteType ext[4];
        EGifGCBToExtension(&gcb, ext);
        bool ok = EGifPutExtension(d.file, GRAPHICS_EXT_FUNC_CODE, 4, ext) != GIF_ERROR &&
                  EGifPutImageDesc(d.file, 0, 0, d.width, d.height, false, map) != GIF_ERROR;
        for (int y = 0; ok && y < d.height; ++y)
            ok = EGifPutLine(d.file, indices.data() + std::size_t(y) * std::size_t(d.width),
                             d.width) != GIF_ERROR;
        GifFreeMapObject(map);
        if (!ok) d.gifFailed(d.file->Error, "writing a frame");
    } else {
        cv::Mat bgr(d.height + (d.height & 1), d.width + (d.width & 1), CV_8UC3,
                    cv::Scalar(0, 0, 0));
        for (int y = 0; y < d.height; ++y) {
            auto* row = bgr.ptr<std::uint8_t>(y);
            const std::uint8_t* src =
                frame.pixels.data() + std::size_t(y) * std::size_t(d.width) * 3;
            for (int x = 0; x < d.width; ++x) {
                row[x * 3] = src[x * 3 + 2];
                row[x * 3 + 1] = src[x * 3 + 1];
                row[x * 3 + 2] = src[x * 3];
            }
        }
        d.video.write(bgr);
    }
    ++m_frames;
}

void AnimationWriter::close() {
    Impl& d = *m_impl;
    if (d.closed) return;
    d.closed = true;
    if (d.gif) {
        int code = 0;
        GifFileType* file = d.file;
        d.file = nullptr;
        if (file && EGifCloseFile(file, &code) == GIF_ERROR) d.gifFailed(code, "closing the file");
    } else {
        d.video.release();
    }
}

}  // namespace convscope::core::io
