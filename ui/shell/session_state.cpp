// SessionState: capture, check, decode off the GUI thread, apply.
#include "shell/session_state.h"

#include <QBuffer>
#include <QFileInfo>
#include <QSettings>
#include <QTabWidget>
#include <algorithm>

#include "network/network_controller.h"
#include "teaching/teaching_controller.h"

namespace convscope::ui {

SessionState::SessionState(const Parts& parts, QObject* parent) : QObject(parent), m_parts(parts) {}

void SessionState::setImageSource(const QString& path, const QString& key) {
    m_imagePath = path;
    m_imageKey = key;
    if (!key.startsWith(QLatin1String("png:"))) m_imagePng.clear();
}

AppState SessionState::capture() const {
    const TeachingController* c = m_parts.teaching;
    AppState s;
    if (m_imageKey.startsWith(QLatin1String("png:"))) {
        s.imagePng = m_imagePng;
    } else if (!m_imagePath.isEmpty()) {
        s.imagePath = m_imagePath;
        if (m_embedImages) {
            QBuffer buffer(&s.imagePng);
            buffer.open(QIODevice::WriteOnly);
            c->image().save(&buffer, "PNG");
            s.imagePath.clear();
        }
    }
    s.roi = c->roi();
    s.layer = c->layer();
    s.weights = c->weights();
    s.bias = c->bias();
    s.kernelSource = c->customKernelSource();
    s.step = c->step();
    s.filter = c->filter();
    s.tab = m_parts.tabs->currentIndex();
    if (const core::io::ImportedModel* model = m_parts.network->model()) {
        if (model->format == "built-in") {
            s.builtInModel = QString::fromStdString(model->network->name());
        } else {
            s.modelPath = QString::fromStdString(model->modelPath);
            s.modelConfig = QString::fromStdString(model->configPath);
        }
        const int row = m_parts.network->currentRow();
        if (row >= 0) s.modelLayer = m_parts.network->rows()[std::size_t(row)].name;
        s.preprocessing = m_parts.network->preprocessing();
    }
    return s;
}

void SessionState::apply(const AppState& s,
                         std::function<void(bool ok, const QString& error)> done) {
    QString key, name;
    std::function<DecodedImage()> decode;
    if (!s.imagePng.isEmpty()) {
        key = QStringLiteral("png:") +
              QString::number(qHash(s.imagePng), 16);  // the same bytes: no reload
        name = tr("embedded image");
        decode = [png = s.imagePng] {
            DecodedImage d = decodeImageBytes(png);
            if (d.image.isNull()) d.error = tr("the embedded image cannot be decoded: %1").arg(d.error);
            return d;
        };
    } else if (!s.imagePath.isEmpty()) {
        key = QStringLiteral("path:") + s.imagePath;
        name = QFileInfo(s.imagePath).fileName();
        decode = [path = s.imagePath] {
            DecodedImage d = decodeImageFile(path);
            if (d.image.isNull())
                d.error = tr("the image '%1' cannot be read: %2").arg(path, d.error);
            return d;
        };
    } else {
        key = QStringLiteral("builtin");
        name = builtInImageName();
        decode = [] {
            return DecodedImage{builtInImage().convertToFormat(QImage::Format_RGB32), {}, {}};
        };
    }
    // 1. Everything is checked before anything changes; 2. applied.
    if (key == m_imageKey) {
        QRect roi;
        QString error;
        const bool ok = check(s, m_parts.teaching->image().size(), roi, &error);
        if (ok) applyChecked(s, roi);
        done(ok, error);
        return;
    }
    m_loader.decode(std::move(decode), [this, s, key, name,
                                        done = std::move(done)](DecodedImage d) {
        QRect roi;
        QString error = d.error;
        const bool ok = !d.image.isNull() && check(s, d.image.size(), roi, &error);
        if (ok) {
            m_parts.showImage(d.image, name, s.imagePng.isEmpty() ? s.imagePath : QString(), key);
            if (!s.imagePng.isEmpty()) m_imagePng = s.imagePng;
            applyChecked(s, roi);
        }
        done(ok, error);
    });
}

bool SessionState::check(const AppState& s, const QSize& imageSize, QRect& roi,
                         QString* error) const {
    roi = s.roi.isEmpty() ? defaultRoi(imageSize) : s.roi;
    if (!QRect(QPoint(0, 0), imageSize).contains(roi)) {
        *error = tr("the region %1×%2 at (%3, %4) is outside the %5×%6 image")
                     .arg(roi.width())
                     .arg(roi.height())
                     .arg(roi.x())
                     .arg(roi.y())
                     .arg(imageSize.width())
                     .arg(imageSize.height());
        return false;
    }
    int steps = 0;
    const QString problem = TeachingController::checkFor(s.layer, roi.size(), &steps);
    if (!problem.isEmpty()) {
        *error = problem;
        return false;
    }
    if (s.step >= steps) {
        *error = tr("'step' is %1 but this layer has steps 0 to %2").arg(s.step).arg(steps - 1);
        return false;
    }
    if (s.filter >= s.layer.filters) {
        *error =
            tr("'filter' is %1 but the layer has %2 kernels").arg(s.filter).arg(s.layer.filters);
        return false;
    }
    if (!s.modelPath.isEmpty() && !QFileInfo::exists(s.modelPath)) {
        *error = tr("the model '%1' does not exist").arg(s.modelPath);
        return false;
    }
    return true;
}

void SessionState::applyChecked(const AppState& s, const QRect& roi) {
    TeachingController* c = m_parts.teaching;
    NetworkController* net = m_parts.network;
    c->setView(roi, s.layer);
    if (!s.weights.empty()) c->restoreWeights(s.weights, s.bias, s.kernelSource);
    c->setFilter(s.filter);
    c->setStep(s.step);
    m_parts.tabs->setCurrentIndex(s.tab);
    if (s.modelPath.isEmpty() && s.builtInModel.isEmpty()) return;
    const core::io::ImportedModel* open = net->model();
    const bool same = open && (s.builtInModel.isEmpty()
                                   ? open->modelPath == s.modelPath.toStdString() &&
                                         open->configPath == s.modelConfig.toStdString()
                                   : open->format == "built-in" &&
                                         open->network->name() == s.builtInModel.toStdString());
    if (same && !net->loading()) {
        net->setPreprocessing(s.preprocessing);
        if (!s.modelLayer.isEmpty()) selectModelLayer(s.modelLayer);
    } else {
        m_pendingModelLayer = s.modelLayer;
        m_pendingPreprocessing = s.preprocessing;
        if (s.builtInModel.isEmpty())
            net->openModel(s.modelPath, s.modelConfig);
        else
            net->openBuiltIn(s.builtInModel);
    }
}

void SessionState::applyPendingModelParts() {
    if (m_pendingPreprocessing) m_parts.network->setPreprocessing(*m_pendingPreprocessing);
    m_pendingPreprocessing.reset();
    if (!m_pendingModelLayer.isEmpty()) selectModelLayer(m_pendingModelLayer);
    m_pendingModelLayer.clear();
}

void SessionState::selectModelLayer(const QString& name) {
    const auto& rows = m_parts.network->rows();
    for (int i = 0; i < int(rows.size()); ++i)
        if (rows[std::size_t(i)].name == name) {
            m_parts.network->setCurrentRow(i);
            return;
        }
    emit message(tr("The model has no layer '%1'.").arg(name), 8000);
}

namespace {
constexpr const char* kLayerKeys[] = {"kernelH",   "kernelW",   "strideH", "strideW",
                                      "padTop",    "padBottom", "padLeft", "padRight",
                                      "dilationH", "dilationW", "groups"};
int* layerField(LayerSettings& l, int i) {
    core::WindowParams& p = l.params;
    int* fields[] = {&p.kernelH, &p.kernelW,  &p.strideH,   &p.strideW,   &p.padTop, &p.padBottom,
                     &p.padLeft, &p.padRight, &p.dilationH, &p.dilationW, &p.groups};
    return fields[i];
}
}  // namespace

void SessionState::rememberLayer(LayerSettings l) {
    QSettings settings;
    settings.beginGroup(QStringLiteral("layer"));
    for (int i = 0; i < int(std::size(kLayerKeys)); ++i)
        settings.setValue(QLatin1String(kLayerKeys[i]), *layerField(l, i));
    settings.setValue(QStringLiteral("filters"), l.filters);
    settings.setValue(QStringLiteral("rgb"), l.rgb);
    settings.setValue(QStringLiteral("same"), l.samePadding);
    settings.setValue(QStringLiteral("preset"), l.preset);
    settings.endGroup();
}

std::optional<LayerSettings> SessionState::rememberedLayer(LayerSettings l) {
    QSettings settings;
    settings.beginGroup(QStringLiteral("layer"));
    if (!settings.contains(QStringLiteral("kernelH"))) return std::nullopt;
    for (int i = 0; i < int(std::size(kLayerKeys)); ++i)
        *layerField(l, i) = settings.value(QLatin1String(kLayerKeys[i]), *layerField(l, i)).toInt();
    l.filters = settings.value(QStringLiteral("filters"), l.filters).toInt();
    l.rgb = settings.value(QStringLiteral("rgb"), l.rgb).toBool();
    l.samePadding = settings.value(QStringLiteral("same"), l.samePadding).toBool();
    l.preset = std::clamp(settings.value(QStringLiteral("preset"), l.preset).toInt(), 0,
                          int(core::kernelPresets().size()) - 1);
    return l;
}

}  // namespace convscope::ui
