// MainWindow: menus, the image view, status line, remembered geometry and last folder.
#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QImageReader>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

#include "image_view.h"
#include "lowering_panel.h"
#include "runtime.h"

namespace convscope::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("ConvScope"));
    m_view = new ImageView(this);
    m_view->setToolTip(tr("The input image the convolution runs on"));
    setCentralWidget(m_view);
    m_lowering = new LoweringPanel(this);
    auto* dock = new QDockWidget(tr("im2col: 3×3 conv"), this);
    dock->setObjectName(QStringLiteral("loweringDock"));
    dock->setWidget(m_lowering);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::RightDockWidgetArea, dock);
    resizeDocks({dock}, {340}, Qt::Horizontal);
    m_info = new QLabel(this);
    statusBar()->addPermanentWidget(m_info);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Image…"), this, &MainWindow::chooseImage);
    open->setShortcut(QKeySequence::Open);
    open->setStatusTip(tr("Load any image OpenCV or Qt can read as the input"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    // The embedded default: a CC0 photo (Stefan van der Walt's "chelsea", from scikit-image).
    showImage(QImage(QStringLiteral(":/chelsea.png")), tr("chelsea.png (built in)"));

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1100, 720);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
}

MainWindow::~MainWindow() = default;

QSize MainWindow::imageSize() const {
    return m_view->image().size();
}

void MainWindow::showImage(const QImage& image, const QString& name) {
    m_view->setImage(image);
    m_imageName = name;
    // The default teaching layer: one 3x3 RGB kernel, stride 1, "same" padding.
    m_lowering->setLayer(3, image.height(), image.width(), core::WindowParams::square(3, 1, 1), 1);
    m_info->setText(tr("%1 — %2×%3 — engine threads: %4")
                        .arg(name)
                        .arg(image.width())
                        .arg(image.height())
                        .arg(core::threadCount()));
}

void MainWindow::openImage(const QString& path) {
    // Decoding a large photo takes long enough to freeze the window: do it on the thread pool.
    // Each request is numbered and only the newest result is shown.
    const int request = ++m_loadRequest;
    statusBar()->showMessage(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    auto* watcher = new QFutureWatcher<LoadedImage>(this);
    connect(watcher, &QFutureWatcher<LoadedImage>::finished, this, [this, watcher, request, path] {
        watcher->deleteLater();
        if (request != m_loadRequest) return;
        const LoadedImage loaded = watcher->result();
        if (loaded.image.isNull()) {
            statusBar()->showMessage(tr("Could not open %1: %2. The current image is kept.")
                                         .arg(QFileInfo(path).fileName(), loaded.error),
                                     10000);
            emit imageLoadFailed(loaded.error);
            return;
        }
        statusBar()->clearMessage();
        showImage(loaded.image, QFileInfo(path).fileName());
        emit imageLoaded();
    });
    watcher->setFuture(QtConcurrent::run([path] {
        QImageReader reader(path);
        reader.setAutoTransform(true);
        LoadedImage result;
        result.image = reader.read();
        if (result.image.isNull())
            result.error = reader.errorString();
        else
            result.image = result.image.convertToFormat(QImage::Format_RGB32);
        return result;
    }));
}

void MainWindow::chooseImage() {
    QSettings settings;
    const QString folder = settings.value(QStringLiteral("files/lastFolder")).toString();
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open Image"), folder,
                                     tr("Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff "
                                        "*.webp *.ppm *.pgm);;All files (*)"));
    if (path.isEmpty()) return;
    settings.setValue(QStringLiteral("files/lastFolder"), QFileInfo(path).absolutePath());
    openImage(path);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    event->accept();
}

}  // namespace convscope::ui
