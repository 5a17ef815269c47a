// Image decoding via OpenCV with size checks and clear errors.
#include "io/image_io.h"

#include <cstring>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "base/error.h"
#include "base/limits.h"
#include "io/image_header.h"
#include "io/read_file.h"

namespace convscope::core::io {

namespace {

Tensor toTensor(const cv::Mat& decoded, const ImageOptions& o, const std::string& what) {
    if (decoded.empty())
        throw Error(ErrorCategory::Io, "'" + what +
                                           "' is not an image OpenCV can decode "
                                           "(supported: PNG, JPEG, BMP, TIFF, WebP, PPM, ...)");
    if (o.channels != 1 && o.channels != 3)
        throw Error(ErrorCategory::InvalidConfig,
                    "channels must be 1 or 3, got " + std::to_string(o.channels));
    // Float images (PFM, Radiance HDR, TIFF) may hold what no pixel can be.
    if ((decoded.depth() == CV_32F || decoded.depth() == CV_64F) && !cv::checkRange(decoded))
        throw Error(ErrorCategory::Io, "'" + what +
                                           "' holds NaN or infinite pixel values (a float "
                                           "image); re-save it with finite values");
    cv::Mat img = decoded;
    if (img.depth() != CV_8U) img.convertTo(img, CV_32F, img.depth() == CV_16U ? 1.0 / 257 : 1.0);
    if (o.channels == 1 && img.channels() != 1)
        cv::cvtColor(img, img, img.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    else if (o.channels == 3 && img.channels() == 1)
        cv::cvtColor(img, img, cv::COLOR_GRAY2BGR);
    else if (o.channels == 3 && img.channels() == 4)
        cv::cvtColor(img, img, cv::COLOR_BGRA2BGR);
    if (o.crop && o.width > 0 && o.height > 0) {
        // Largest centred window with the target's aspect ratio.
        const double target = double(o.width) / o.height;
        int w = img.cols, h = img.rows;
        if (double(w) / h > target)
            w = std::max(1, int(std::lround(h * target)));
        else
            h = std::max(1, int(std::lround(w / target)));
        img = img(cv::Rect((img.cols - w) / 2, (img.rows - h) / 2, w, h)).clone();
    }
    if (o.width > 0 && o.height > 0 && (img.cols != o.width || img.rows != o.height))
        cv::resize(img, img, cv::Size(o.width, o.height), 0, 0, cv::INTER_LINEAR);
    img.convertTo(img, CV_32F);
    Tensor t(1, o.channels, img.rows, img.cols);
    for (int c = 0; c < o.channels; ++c) {
        const int src = (o.swapRB && o.channels == 3) ? 2 - c : c;
        const float mean = o.mean[std::size_t(c)];
        for (int y = 0; y < img.rows; ++y) {
            const float* row = img.ptr<float>(y);
            for (int x = 0; x < img.cols; ++x)
                t.at(0, c, y, x) = (row[x * o.channels + src] - mean) * o.scale;
        }
    }
    return t;
}

}  // namespace

namespace {

// OpenCV's own pixel limit (OPENCV_IO_MAX_IMAGE_PIXELS, 2^30 by default, read once at its first
// decode) set to ours, for the formats whose headers readImageHeader does not know (JPEG 2000,
// OpenEXR): OpenCV checks it after reading the header, before allocating. A value the user set
// stays.
void limitOpenCvDecoders() {
    static const bool once = [] {
        setenv("OPENCV_IO_MAX_IMAGE_PIXELS", std::to_string(limits::kMaxImagePixels).c_str(), 0);
        return true;
    }();
    (void)once;
}

// Formats OpenCV's decoders would take but that are not opened, with why; the article and name
// of the one `bytes` holds, or null. No teaching image needs them.
const char* refusedFormat(const unsigned char* bytes, std::size_t size) {
    // OpenEXR: inside imdecode it allocates what a header claims and can take minutes on a
    // damaged file.
    if (size >= 4 && std::memcmp(bytes, "\x76\x2f\x31\x01", 4) == 0) return "an OpenEXR image";
    // DICOM ("DICM" after a 128-byte preamble): OpenCV's GDCM decoder aborts the process on a
    // damaged file (an assert in gdcm::Reader, found by fuzz_image).
    if (size >= 132 && std::memcmp(bytes + 128, "DICM", 4) == 0) return "a DICOM file";
    return nullptr;
}

std::string truncationWarning(const ImageHeader& h, const std::string& what) {
    if (!h.truncated) return {};
    return "'" + what + "' ends before its " + h.format +
           " data does (a truncated download or copy?): the missing part shows as gray or black";
}

void checkFileBytes(std::int64_t size, const std::string& what) {
    if (size == 0) throw Error(ErrorCategory::Io, "'" + what + "' is empty (0 bytes)");
    if (size > limits::kMaxImageFileBytes)
        throw Error(ErrorCategory::ResourceLimit,
                    "'" + what + "' is " + limits::bytesText(size) +
                        "; an image file may be up to " +
                        limits::bytesText(limits::kMaxImageFileBytes));
}

}  // namespace

Tensor decodeImage(const unsigned char* bytes, std::size_t size, const ImageOptions& options,
                   const std::string& what, std::string* warning) {
    return guardedParse(what, [&] {
        checkFileBytes(std::int64_t(size), what);
        const ImageHeader header = readImageHeader(bytes, size);
        checkImageHeader(header, what);
        if (const char* format = refusedFormat(bytes, size))
            throw Error(ErrorCategory::Io, "'" + what + "' is " + format +
                                               ", which ConvScope does not open; convert it to "
                                               "PNG, TIFF or PFM first");
        limitOpenCvDecoders();
        const cv::Mat buffer(1, int(size), CV_8U, const_cast<unsigned char*>(bytes));
        cv::Mat decoded;
        try {
            decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
        } catch (const cv::Exception& e) {
            throw Error(ErrorCategory::Io, "'" + what + "' could not be decoded: " + e.err);
        }
        if (!decoded.empty() && std::int64_t(decoded.rows) * decoded.cols > limits::kMaxImagePixels)
            throw Error(ErrorCategory::ResourceLimit,
                        "'" + what + "' has " + std::to_string(decoded.cols) + " x " +
                            std::to_string(decoded.rows) + " pixels; the largest image is " +
                            std::to_string(limits::kMaxImagePixels / 1000000) +
                            " Mpixel: downscale it first");
        if (warning) *warning = truncationWarning(header, what);
        return toTensor(decoded, options, what);
    });
}

ImageHeader readImageFileHeader(const std::string& path) {
    const std::int64_t size = regularFileSize(path, "an image");
    checkFileBytes(size, path);
    // The first 64 KiB (a TIFF's directory may be further: then the whole first MiB) and the
    // last 4 KiB for the end marker.
    std::ifstream in(path, std::ios::binary);
    const std::int64_t head = std::min<std::int64_t>(size, 1 << 20);
    std::string bytes(std::size_t(head), '\0');
    in.read(bytes.data(), std::streamsize(head));
    if (size > head) {
        const std::size_t at = bytes.size();
        bytes.resize(at + 4096);
        in.seekg(size - 4096);
        in.read(bytes.data() + at, 4096);
    }
    if (!in) throw Error(ErrorCategory::Io, "'" + path + "' could not be read");
    return readImageHeader(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), size);
}

std::string checkImageFile(const std::string& path) {
    return guardedParse(path, [&] {
        const ImageHeader header = readImageFileHeader(path);
        checkImageHeader(header, path);
        return truncationWarning(header, path);
    });
}

Tensor convertPixels(const unsigned char* bgrx, int width, int height, std::size_t stride,
                     const ImageOptions& options) {
    if (width < 1 || height < 1) throw Error(ErrorCategory::InvalidConfig, "the image is empty");
    const cv::Mat view(height, width, CV_8UC4, const_cast<unsigned char*>(bgrx), stride);
    return toTensor(view, options, "the current image");
}

Tensor loadImage(const std::string& path, const ImageOptions& options, std::string* warning) {
    const std::string bytes = readFile(path, limits::kMaxImageFileBytes, "an image file");
    return decodeImage(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), options,
                       path, warning);
}

}  // namespace convscope::core::io
