// SessionState: the window's whole state to and from AppState (session files, lesson steps). It
// remembers where the image on show came from (a file, embedded bytes, the built-in photo);
// applying a state decodes a new image off the GUI thread (ImageLoader), then checks everything
// (the region fits the image, the layer the region, the step exists) before anything changes.
#pragma once

#include <QImage>
#include <QObject>
#include <QString>
#include <functional>
#include <optional>

#include "shell/app_state.h"
#include "shell/image_loader.h"

class QTabWidget;

namespace convscope::ui {

class NetworkController;
class TeachingController;

class SessionState : public QObject {
    Q_OBJECT
public:
    struct Parts {
        TeachingController* teaching = nullptr;
        NetworkController* network = nullptr;
        QTabWidget* tabs = nullptr;
        // Shows a decoded image as the teaching input (the window's showImage()).
        std::function<void(const QImage& image, const QString& name, const QString& path,
                           const QString& key)>
            showImage;
    };
    explicit SessionState(const Parts& parts, QObject* parent = nullptr);

    AppState capture() const;
    // Applies `state`; `done(ok, error)` runs at once when the state's image is the one on show,
    // after the image is decoded otherwise (a newer apply() makes an older one stale: its `done`
    // never runs). Nothing changes when something is wrong.
    void apply(const AppState& state, std::function<void(bool ok, const QString& error)> done);

    // Where the image on show came from: `key` is "path:…", "png:…", "builtin" or "live:…".
    void setImageSource(const QString& path, const QString& key);
    const QString& imageKey() const { return m_imageKey; }
    // Whether captured states embed the image (PNG) instead of referencing its file.
    void setEmbedImages(bool on) { m_embedImages = on; }

    // The network side of a state applied while its model was still loading: applied when the
    // model arrives (the window calls it from NetworkController::modelChanged).
    void applyPendingModelParts();
    void selectModelLayer(const QString& name);

    // The layer form between runs (QSettings "layer/…"): remembered on close, recalled at start
    // over `defaults`; nullopt when nothing was remembered.
    static void rememberLayer(LayerSettings layer);
    static std::optional<LayerSettings> rememberedLayer(LayerSettings defaults);

signals:
    void message(const QString& text, int timeoutMs);

private:
    bool check(const AppState& s, const QSize& imageSize, QRect& roi, QString* error) const;
    void applyChecked(const AppState& s, const QRect& roi);

    Parts m_parts;
    ImageLoader m_loader;
    QString m_imagePath;    // the file of the image on show; empty for the built-in photo
    QString m_imageKey;     // identifies the image's source
    QByteArray m_imagePng;  // the image's bytes when it came from a state file
    bool m_embedImages = false;
    QString m_pendingModelLayer;
    std::optional<core::io::Preprocessing> m_pendingPreprocessing;
};

}  // namespace convscope::ui
