// Image decoding (Qt, then OpenCV through core's io) and the background ImageLoader.
#include "shell/image_loader.h"

#include <QCoreApplication>
#include <QImageReader>
#include <algorithm>

#include "base/error.h"
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

DecodedImage decodeImageFile(const QString& path) {
    QImageReader reader(path);
    reader.setAutoTransform(true);
    DecodedImage result;
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
    } catch (const core::Error& e) {
        result.error = QString::fromStdString(e.what());
    }
    return result;
}

DecodedImage decodeImageBytes(const QByteArray& bytes) {
    DecodedImage result;
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
                   emit loaded(d.image, path);
           });
}

void ImageLoader::decode(std::function<DecodedImage()> work,
                         std::function<void(DecodedImage)> done) {
    // Decoding is not engine work: Qt's global pool, beside the engine thread.
    m_jobs.start([work = std::move(work)](const JobControl&) { return work(); }, std::move(done),
                 QThreadPool::globalInstance());
}

}  // namespace convscope::ui
