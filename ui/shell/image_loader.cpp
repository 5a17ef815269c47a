// Image decoding (Qt, then OpenCV through core's io) and the background ImageLoader.
#include "shell/image_loader.h"

#include <QCoreApplication>
#include <QImageReader>
#include <algorithm>

#include "base/error.h"
#include "base/limits.h"
#include "io/image_header.h"
#include "io/image_io.h"

namespace convscope::ui {

QImage imageFromTensor(const core::Tensor& t) {
    QImage img(t.w(), t.h(), QImage::Format_RGB32);
    auto byte = [](float v) { return std::clamp(int(v + 0.5f), 0, 255); };
    for (int y = 0; y < t.h(); ++y) {
        QRgb* line = reinterpret_cast<QRgb*>(img.scanLine(y));
        for (int x = 0; x < t.w(); ++x)
            line[x] = qRgb(byte(t.at(0, 0, y, x)), byte(t.at(0, 1, y, x)), byte(t.at(0, 2, y, x)));
    }
    return img;
}

namespace {

// Qt's readers refuse images above an allocation limit (256 MB by default); core's header check
// has already bounded the size, so Qt may decode up to the largest image core accepts (ARGB32).
void raiseQtAllocationLimit() {
    static const bool once = [] {
        QImageReader::setAllocationLimit(int(core::limits::kMaxImagePixels * 4 >> 20) + 64);
        return true;
    }();
    (void)once;
}

}  // namespace

DecodedImage decodeImageFile(const QString& path) {
    DecodedImage result;
    try {
        result.warning = QString::fromStdString(core::io::checkImageFile(path.toStdString()));
    } catch (const core::Error& e) {
        result.error = QString::fromStdString(e.what());
        return result;
    }
    raiseQtAllocationLimit();
    QImageReader reader(path);
    reader.setAutoTransform(true);
    result.image = reader.read();
    if (!result.image.isNull()) {
        result.image = result.image.convertToFormat(QImage::Format_RGB32);
        return result;
    }
    // Formats only OpenCV decodes: through core's io.
    try {
        core::io::ImageOptions rgb;
        rgb.swapRB = true;
        result.image = imageFromTensor(core::io::loadImage(path.toStdString(), rgb));
    } catch (const std::exception& e) {  // core::Error; anything else too, never to the GUI
        result.error = QString::fromStdString(e.what());
    }
    return result;
}

DecodedImage decodeImageBytes(const QByteArray& bytes) {
    DecodedImage result;
    try {
        const auto* data = reinterpret_cast<const unsigned char*>(bytes.constData());
        core::io::checkImageHeader(core::io::readImageHeader(data, std::size_t(bytes.size())),
                                   "the embedded image");
    } catch (const core::Error& e) {
        result.error = QString::fromStdString(e.what());
        return result;
    }
    raiseQtAllocationLimit();
    if (!result.image.loadFromData(bytes))
        result.error = QCoreApplication::translate("ImageLoader", "the bytes are not an image");
    else
        result.image = result.image.convertToFormat(QImage::Format_RGB32);
    return result;
}

QImage builtInImage() {
    return QImage(QStringLiteral(":/chelsea.png"));
}

QString builtInImageName() {
    return QCoreApplication::translate("MainWindow", "chelsea.png (built in)");
}

ImageLoader::ImageLoader(QObject* parent) : QObject(parent) {}

void ImageLoader::load(const QString& path) {
    decode([path] { return decodeImageFile(path); },
           [this, path](DecodedImage d) {
               if (d.image.isNull())
                   emit failed(path, d.error);
               else
                   emit loaded(d.image, path, d.warning);
           });
}

void ImageLoader::decode(std::function<DecodedImage()> work,
                         std::function<void(DecodedImage)> done) {
    // Decoding is not engine work: Qt's global pool, beside the engine thread.
    m_jobs.start([work = std::move(work)](const JobControl&) { return work(); }, std::move(done),
                 QThreadPool::globalInstance());
}

}  // namespace convscope::ui
