// Image loading for the window and the headless shots: files (Qt's readers first, then OpenCV's
// through core's io), a session's embedded bytes, and the built-in photo with its default region.
// ImageLoader decodes off the GUI thread (JobTracker); the free functions run anywhere.
#pragma once

#include <QByteArray>
#include <QImage>
#include <QObject>
#include <QRect>
#include <QString>

#include "jobs/job_tracker.h"

namespace convscope::core {
class Tensor;
}

namespace convscope::ui {

// An image in Format_RGB32, or a null image and the reason.
struct DecodedImage {
    QImage image;
    QString error;
    QString warning;  // the image decoded, but something about the file is wrong (truncated)
};
// A file: any format Qt reads (EXIF orientation applied), else any OpenCV decodes (JPEG 2000,
// OpenEXR, HDR, PFM, ...). core's checks come first (core::io::checkImageFile: the file's size,
// the size its header declares), so a decompression bomb is refused before either decoder runs.
DecodedImage decodeImageFile(const QString& path);
// Encoded bytes (a session's embedded PNG).
DecodedImage decodeImageBytes(const QByteArray& bytes);
// A 1 x 3 x H x W tensor of 0..255 values, channels R,G,B, as an image (the one such conversion).
QImage imageFromTensor(const core::Tensor& rgb255);

// The embedded default: a CC0 photo (Stefan van der Walt's "chelsea", from scikit-image), and the
// region the window and `convscope shot` start on: around the cat's left eye.
QImage builtInImage();
QString builtInImageName();  // "chelsea.png (built in)"
constexpr QRect kBuiltInRegion{136, 86, 32, 32};

class ImageLoader : public QObject {
    Q_OBJECT
public:
    explicit ImageLoader(QObject* parent = nullptr);

    // Decodes `path` off the GUI thread; a newer load() makes an older one stale. loaded() or
    // failed() follows.
    void load(const QString& path);
    // The same for any decoding (a session's image): `done` runs on the GUI thread unless a newer
    // request replaced this one.
    void decode(std::function<DecodedImage()> work, std::function<void(DecodedImage)> done);
    bool busy() const { return m_jobs.running(); }

signals:
    void loaded(const QImage& image, const QString& path, const QString& warning);
    void failed(const QString& path, const QString& reason);

private:
    JobTracker m_jobs;
};

}  // namespace convscope::ui
