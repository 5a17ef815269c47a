// writeMatrixImage: normalise, colour-map, upscale nearest-neighbour, encode.
#include "io/matrix_image.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "base/error.h"
#include "base/limits.h"

namespace convscope::core::io {

namespace {
void write(const std::string& path, const cv::Mat& bgr) {
    bool ok = false;
    try {
        ok = cv::imwrite(path, bgr);
    } catch (const cv::Exception& e) {
        throw Error(ErrorCategory::Io, "could not write '" + path + "': " + e.err);
    }
    if (!ok)
        throw Error(ErrorCategory::Io, "could not write '" + path +
                                           "': check the folder exists and the extension is an "
                                           "image format (.png, .jpg, .bmp)");
}
}  // namespace

void writeRgbImage(const std::string& path, const RgbImage& image) {
    const cv::Mat rgb(image.height, image.width, CV_8UC3,
                      const_cast<std::uint8_t*>(image.pixels.data()));
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    write(path, bgr);
}

void writeMatrixImage(const std::string& path, const float* data, int rows, int cols, int scale) {
    if (std::int64_t(rows) * cols * scale * scale > limits::kMaxMatrixImageCells)
        throw Error(ErrorCategory::ResourceLimit,
                    "a " + std::to_string(rows) + "x" + std::to_string(cols) +
                        " matrix is too large to render (limit " +
                        std::to_string(limits::kMaxMatrixImageCells) +
                        " pixels); use a smaller input, e.g. --shape 3x32x32");
    const cv::Mat values(rows, cols, CV_32F, const_cast<float*>(data));
    cv::Mat gray;
    cv::normalize(values, gray, 0, 255, cv::NORM_MINMAX, CV_8U);
    cv::Mat colour;
    cv::applyColorMap(gray, colour, cv::COLORMAP_VIRIDIS);
    if (scale > 1) cv::resize(colour, colour, {}, scale, scale, cv::INTER_NEAREST);
    write(path, colour);
}

}  // namespace convscope::core::io
