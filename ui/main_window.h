// The ConvScope main window. For now: the current input image (the embedded default photo, or one
// the user opens), the im2col figures of a 3x3 conv on it, and the engine's thread count. The
// teaching views build on this.
#pragma once

#include <QFutureWatcher>
#include <QImage>
#include <QMainWindow>
#include <QString>

class QLabel;

namespace convscope::ui {

class ImageView;
class LoweringPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Loads an image file off the GUI thread; emits imageLoaded() when it is shown, or
    // imageLoadFailed() with the reason (also shown in the status bar; the current image is kept).
    void openImage(const QString& path);
    QSize imageSize() const;
    QString imageName() const { return m_imageName; }
    const LoweringPanel* loweringPanel() const { return m_lowering; }

signals:
    void imageLoaded();
    void imageLoadFailed(const QString& reason);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    struct LoadedImage {
        QImage image;
        QString error;
    };
    void showImage(const QImage& image, const QString& name);
    void chooseImage();

    ImageView* m_view = nullptr;
    LoweringPanel* m_lowering = nullptr;
    QLabel* m_info = nullptr;
    QString m_imageName;
    int m_loadRequest = 0;
};

}  // namespace convscope::ui
