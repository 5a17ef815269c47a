// MainWindow: the layout (tabs, docks, status bar) and the wiring of its parts.
#include "shell/main_window.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMimeData>
#include <QProgressBar>
#include <QProgressDialog>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

#include "base/runtime.h"
#include "classroom/lesson_bar.h"
#include "classroom/live_view.h"
#include "classroom/presentation.h"
#include "classroom/quiz_panel.h"
#include "classroom/welcome_bar.h"
#include "headless/shot.h"
#include "network/fc_view.h"
#include "network/filters_panel.h"
#include "network/model_panel.h"
#include "network/network_controller.h"
#include "network/network_views.h"
#include "network/profile_view.h"
#include "shell/export_dialog.h"
#include "shell/image_loader.h"
#include "shell/kernel_loader.h"
#include "shell/main_menus.h"
#include "shell/session_state.h"
#include "teaching/controls_panel.h"
#include "teaching/convolution_view.h"
#include "teaching/gemm_view.h"
#include "teaching/im2col_view.h"
#include "teaching/playback_bar.h"
#include "teaching/teaching_controller.h"
#include "teaching/teaching_layout.h"
#include "widgets/image_view.h"
#include "widgets/screen_fit.h"
#include "widgets/wheel_guard.h"

namespace convscope::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_controller(new TeachingController(this)),
      m_network(new NetworkController(this)),
      m_images(new ImageLoader(this)),
      m_kernels(new KernelLoader(this)) {
    setWindowTitle(tr("ConvScope"));
    setAcceptDrops(true);
    new WheelGuard(this);  // the wheel scrolls the docks rather than editing their fields

    m_teaching = new TeachingLayout(m_controller, TeachingLayout::Arrangement::Window, {}, this);
    m_conv = m_teaching->convolutionView();
    m_im2col = m_teaching->im2colPanel();
    m_gemm = m_teaching->gemmPanel();
    m_playback = new PlaybackBar(m_controller, this);
    auto* teaching = new QWidget(this);
    auto* layout = new QVBoxLayout(teaching);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_teaching, 1);
    layout->addWidget(m_playback);
    // The network side: filters and feature maps, fc as GEMM, the timing profile.
    m_filters = new FiltersPanel(m_network, this);
    m_fc = new FcPanel(m_network, this);
    m_profile = new ProfilePanel(m_network, this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->addTab(teaching, tr("&Convolution"));
    m_tabs->addTab(m_filters, tr("&Filters && Feature Maps"));
    m_tabs->addTab(m_fc, tr("F&ully Connected"));
    m_tabs->addTab(m_profile, tr("&Profile"));
    m_live = new LiveController(m_controller, this);
    auto* livePanel = new LivePanel(m_live, m_controller, this);
    m_tabs->addTab(livePanel, tr("Li&ve Input"));
    m_tabs->setTabToolTip(4,
                          tr("The current kernel on a camera or video, frame by frame (Ctrl+5)"));
    connect(livePanel, &LivePanel::frameChosen, this, [this](const QImage& frame) {
        static int frames = 0;
        showImage(frame, tr("live frame"), QString(), QStringLiteral("live:%1").arg(++frames));
        showTab(ConvolutionTab);
    });
    m_tabs->setTabToolTip(0, tr("A kernel sliding over your image, im2col and the GEMM (Ctrl+1)"));
    m_tabs->setTabToolTip(
        1, tr("A model's learned filters and the feature maps they produce (Ctrl+2)"));
    m_tabs->setTabToolTip(2, tr("A fully-connected layer as GEMV and GEMM (Ctrl+3)"));
    m_tabs->setTabToolTip(3, tr("Where the time goes, measured on this machine (Ctrl+4)"));
    m_lesson = new LessonBar(this);
    m_lesson->setCapture([this] { return captureState(); });
    auto* central = new QWidget(this);
    auto* cl = new QVBoxLayout(central);
    cl->setContentsMargins(0, 0, 0, 0);
    cl->setSpacing(0);
    cl->addWidget(m_lesson);
    if (WelcomeBar::wanted()) {  // until the user closes it: what to try first
        auto* welcome = new WelcomeBar(central);
        connect(welcome, &WelcomeBar::playRequested, m_playback, &PlaybackBar::togglePlay);
        connect(welcome, &WelcomeBar::lessonRequested, this,
                [this] { m_lesson->setLesson(builtInLesson()); });
        cl->addWidget(welcome);
    }
    cl->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_session =
        new SessionState({m_controller, m_network, m_tabs,
                          [this](const QImage& image, const QString& name, const QString& path,
                                 const QString& key) { showImage(image, name, path, key); }},
                         this);
    buildDocks();
    buildStatusBar();
    m_exporter = std::make_unique<ViewExporter>(
        ViewExporter::Views{m_conv, m_im2col->view(), m_gemm->view(), m_filters->gallery(),
                            m_filters->features(), m_fc, m_profile});
    wire();
    m_presentation = new PresentationMode(this);
    m_menus = new MainMenus(this);
    connect(m_lesson, &LessonBar::saveRequested, m_menus, &MainMenus::chooseSaveLesson);

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(QSize(1500, 900).boundedTo(screen()->availableGeometry().size() * 0.95));
    if (!restoreState(settings.value(QStringLiteral("window/state")).toByteArray())) {
        // First start: the docks share the width the window got, so the views keep at least
        // half of it on a 1280-pixel screen (fixed 390 + 430 px docks left them 400).
        const int width = this->width();
        resizeDocks({findChild<QDockWidget*>(QStringLiteral("layerDock")),
                     findChild<QDockWidget*>(QStringLiteral("modelDock"))},
                    {std::clamp(width / 4, 250, 390), std::clamp(width / 4, 220, 430)},
                    Qt::Horizontal);
        resizeDocks({findChild<QDockWidget*>(QStringLiteral("layerDock")),
                     findChild<QDockWidget*>(QStringLiteral("imageDock"))},
                    {430, 470}, Qt::Vertical);
    }
    fitToScreen(this);  // a geometry saved on a larger screen (or a bad one) is brought back
    showImage(builtInImage(), builtInImageName(), QString(), QStringLiteral("builtin"));
    m_controller->setRoi(kBuiltInRegion);
    // A remembered layer that does not fit the built-in image is dropped with the engine's message.
    if (auto layer = SessionState::rememberedLayer(m_controller->layer()))
        m_controller->setLayer(*layer);
    m_controller->setStep(0);
    // The model of the last session, reopened in the background.
    const QString model = settings.value(QStringLiteral("model/path")).toString();
    const QString builtInNet = settings.value(QStringLiteral("model/builtIn")).toString();
    if (!model.isEmpty() && QFileInfo::exists(model))
        m_network->openModel(model, settings.value(QStringLiteral("model/config")).toString());
    else if (!builtInNet.isEmpty())
        m_network->openBuiltIn(builtInNet);
}

MainWindow::~MainWindow() = default;

namespace {
// A dock's panel in a scroll area: a narrow screen scrolls the panel instead of widening the
// window past the screen (the panels' own widths added up to 1322 px, wider than 1280x720).
QScrollArea* scrolled(QWidget* panel, QWidget* parent) {
    auto* scroll = new QScrollArea(parent);
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    return scroll;
}
}  // namespace

void MainWindow::buildDocks() {
    m_modelPanel = new ModelPanel(m_network, this);
    auto* modelDock = new QDockWidget(tr("Model"), this);
    modelDock->setObjectName(QStringLiteral("modelDock"));
    modelDock->setWidget(scrolled(m_modelPanel, this));
    addDockWidget(Qt::RightDockWidgetArea, modelDock);
    m_quiz = new QuizPanel(m_controller, this);
    auto* quizDock = new QDockWidget(tr("Quiz"), this);
    quizDock->setObjectName(QStringLiteral("quizDock"));
    quizDock->setWidget(scrolled(m_quiz, this));
    addDockWidget(Qt::RightDockWidgetArea, quizDock);
    tabifyDockWidget(modelDock, quizDock);
    modelDock->raise();
    quizDock->hide();  // Lesson > Quiz shows it

    m_controls = new ControlsPanel(m_controller, this);
    auto* controlsDock = new QDockWidget(tr("Layer"), this);
    controlsDock->setObjectName(QStringLiteral("layerDock"));
    controlsDock->setWidget(scrolled(m_controls, this));
    addDockWidget(Qt::LeftDockWidgetArea, controlsDock);

    m_roiView = new RoiView(this);
    m_fullView = new ImageView(this);
    m_fullView->setToolTip(
        tr("The current kernel's output over the whole image, computed in the background."));
    auto* overview = new QWidget(this);
    auto* ol = new QVBoxLayout(overview);
    ol->addWidget(new QLabel(tr("Whole image (drag to choose the region):"), overview));
    ol->addWidget(m_roiView, 1);
    ol->addWidget(new QLabel(tr("Output of the current kernel, full size:"), overview));
    ol->addWidget(m_fullView, 1);
    auto* overviewDock = new QDockWidget(tr("Image"), this);
    overviewDock->setObjectName(QStringLiteral("imageDock"));
    overviewDock->setWidget(scrolled(overview, this));
    addDockWidget(Qt::LeftDockWidgetArea, overviewDock);
    for (QWidget* w : {static_cast<QWidget*>(m_roiView), static_cast<QWidget*>(m_fullView)})
        w->setMinimumSize(120, 90);
}

void MainWindow::buildStatusBar() {
    m_info = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(160);
    m_progress->setRange(0, 100);
    m_progress->setToolTip(tr("The full-size convolution running in the background."));
    m_progress->hide();
    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the full-size convolution (Esc)."));
    m_cancel->hide();
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    statusBar()->addPermanentWidget(m_info);
}

void MainWindow::wire() {
    connect(m_lesson, &LessonBar::applyRequested, this, [this](const AppState& state) {
        applyStateThen(state, [this](bool ok, const QString& error) {
            if (!ok) message(tr("This lesson step cannot be shown: %1").arg(error), 12000);
        });
    });
    connect(m_session, &SessionState::message, this, &MainWindow::message);
    connect(m_images, &ImageLoader::loaded, this,
            [this](const QImage& image, const QString& path, const QString& warning) {
                statusBar()->clearMessage();
                showImage(image, QFileInfo(path).fileName(), path, QStringLiteral("path:") + path);
                if (!warning.isEmpty()) message(warning, 12000);
                m_menus->addRecent(path);
                emit imageLoaded();
            });
    connect(m_images, &ImageLoader::failed, this, [this](const QString& path, const QString& why) {
        message(tr("Could not open %1: %2. The current image is kept.")
                    .arg(QFileInfo(path).fileName(), why),
                10000);
        emit imageLoadFailed(why);
    });
    connect(m_roiView, &RoiView::roiChosen, m_controller, &TeachingController::setRoi);
    connect(m_cancel, &QToolButton::clicked, m_controller, &TeachingController::cancelFull);
    connect(m_controller, &TeachingController::changed, this, [this] {
        m_roiView->setRoi(m_controller->roi());
        showStatus();
    });
    connect(m_controller, &TeachingController::errorOccurred, this,
            [this](const QString& m) { message(m, 8000); });
    connect(m_controller, &TeachingController::fullStarted, this, [this] {
        m_fullView->setPlaceholder(tr("Computing the full-size output…"));
        m_progress->setValue(0);
        m_progress->show();
        m_cancel->show();
    });
    connect(m_controller, &TeachingController::fullProgress, m_progress, &QProgressBar::setValue);
    auto fullDone = [this] {
        m_progress->hide();
        m_cancel->hide();
    };
    connect(m_controller, &TeachingController::fullFinished, this, [this, fullDone] {
        fullDone();
        m_fullView->setImage(m_controller->fullOutputImage());
    });
    connect(m_controls, &ControlsPanel::problemChanged, this, [this](const QString& problem) {
        if (problem.isEmpty())
            statusBar()->clearMessage();
        else  // kept until the form is valid again
            message(tr("Layer not applied: %1 The views show the last valid layer.").arg(problem),
                    0);
    });
    connect(m_controller, &TeachingController::fullCancelled, this, [this, fullDone] {
        fullDone();
        m_fullView->setImage(QImage());
        m_fullView->setPlaceholder(
            tr("Full-size run cancelled.\nCtrl+Shift+F runs it again (Playback ▸ Run Full Size)."));
        message(tr("Full-size convolution cancelled; Ctrl+Shift+F runs it again."), 6000);
    });
    connect(m_controller, &TeachingController::fullFailed, this,
            [this, fullDone](const QString& m) {
                fullDone();
                m_fullView->setImage(QImage());
                m_fullView->setPlaceholder(tr("Full-size run failed: %1").arg(m));
                message(tr("Full-size convolution failed: %1").arg(m), 10000);
            });

    connect(m_filters, &FiltersPanel::filterChosen, this, &MainWindow::useModelFilter);
    connect(m_controller, &TeachingController::changed, this, [this] {
        // The network sees the whole image, as the full-size output does.
        if (m_network->hasModel() && m_controller->image().cacheKey() != m_networkImageKey) {
            m_networkImageKey = m_controller->image().cacheKey();
            m_network->setImage(m_controller->image());
        }
    });
    connect(m_network, &NetworkController::modelChanged, this, [this] {
        m_networkImageKey = m_controller->image().cacheKey();
        m_network->setImage(m_controller->image());
        m_session->applyPendingModelParts();
        message(m_network->runnable() ? tr("Model %1 is open.").arg(m_network->modelName())
                                      : tr("Model %1 is open; it cannot run in the engine: %2")
                                            .arg(m_network->modelName(), m_network->problem()),
                8000);
    });
    connect(m_network, &NetworkController::modelFailed, this,
            [this](const QString& m) { message(m, 12000); });
    connect(m_network, &NetworkController::featuresFailed, this,
            [this](const QString& m) { message(m, 10000); });
}

void MainWindow::message(const QString& text, int timeoutMs) {
    statusBar()->showMessage(text, timeoutMs);
    // A refusal names the file, the problem and the fix; at 1280 pixels the bar may cut the fix
    // off, so the whole text is a hover away.
    statusBar()->setToolTip(text);
}

QSize MainWindow::imageSize() const {
    return m_controller->image().size();
}
QString MainWindow::imageName() const {
    return m_controller->imageName();
}

void MainWindow::setPresentation(bool on) {
    m_menus->presentationAction()->setChecked(on);
}

void MainWindow::showTab(Tab tab) {
    m_tabs->setCurrentIndex(int(tab));
}

MainWindow::Tab MainWindow::currentTab() const {
    return Tab(m_tabs->currentIndex());
}

void MainWindow::setEmbedImages(bool on) {
    m_session->setEmbedImages(on);
}

void MainWindow::useModelFilter(int row, int filter) {
    const core::io::ConvFilters* f = m_network->filtersOf(row);
    if (!f) return;
    const core::Tensor w = m_network->filterForTeaching(row, filter);
    const QString source = tr("%1 filter %2 of %3")
                               .arg(QString::fromStdString(f->layer))
                               .arg(filter)
                               .arg(m_network->modelName());
    if (m_controller->setKernel(w, {}, f->params, source))
        statusBar()->showMessage(
            tr("%1 is now the kernel of the Convolution tab (Ctrl+1); its feature map is marked.")
                .arg(source),
            8000);
}

void MainWindow::loadKernel(const QString& path) {
    m_kernels->load(
        path,
        [this, path](core::io::KernelFile k) {
            core::WindowParams p = m_controller->layer().params;
            p.dilationH = p.dilationW = 1;
            const QString source =
                tr("%1 (%2)").arg(QFileInfo(path).fileName(), QString::fromStdString(k.format));
            if (!m_controller->setKernel(k.weights, k.bias, p, source)) {
                emit kernelLoadFailed(tr("%1 does not fit the current layer").arg(source));
                return;
            }
            message(tr("Kernel %1 loaded: %2 filter(s) of %3×%4×%5.")
                        .arg(source)
                        .arg(k.weights.n())
                        .arg(k.weights.c())
                        .arg(k.weights.h())
                        .arg(k.weights.w()),
                    8000);
            emit kernelLoaded();
        },
        [this](const QString& error) {
            message(tr("Could not load the kernel: %1. The current kernel is kept.").arg(error),
                    12000);
            emit kernelLoadFailed(error);
        });
}

void MainWindow::showImage(const QImage& image, const QString& name, const QString& path,
                           const QString& key) {
    m_session->setImageSource(path, key);
    m_roiView->setImage(image);
    m_fullView->setImage(QImage());
    m_controller->setImage(image, name);
}

AppState MainWindow::captureState() const {
    return m_session->capture();
}

void MainWindow::applyStateThen(const AppState& state,
                                std::function<void(bool, const QString&)> done) {
    m_session->apply(state, [this, done = std::move(done)](bool ok, const QString& error) {
        done(ok, error);
        if (ok)
            emit stateApplied();
        else
            emit stateFailed(error);
    });
}

bool MainWindow::applyState(const AppState& state, QString* error) {
    // Stays pending (true) while a new image decodes; set at once otherwise.
    auto result = std::make_shared<std::optional<QString>>();
    applyStateThen(state, [result](bool ok, const QString& e) { *result = ok ? QString() : e; });
    if (result->has_value() && !(*result)->isEmpty()) {
        *error = **result;
        return false;
    }
    return true;
}

bool MainWindow::openFile(const QString& path) {
    const QString ext = QFileInfo(path).suffix().toLower();
    if (ext != QLatin1String("json") && ext != QLatin1String("convscope")) {
        openImage(path);
        return true;
    }
    const QString name = QFileInfo(path).fileName();
    auto failed = [this, name](const QString& error) {
        message(tr("Could not open %1: %2. The current state is kept.").arg(name, error), 12000);
    };
    QString error;
    auto lesson = std::make_shared<Lesson>();
    bool isLesson = false;
    readStateFile(path, *lesson, isLesson, &error);
    if (!error.isEmpty()) {
        failed(error);
        return false;
    }
    // The first step is checked (and its image decoded) before a lesson replaces anything.
    auto result = std::make_shared<std::optional<QString>>();
    applyStateThen(lesson->steps.front(), [=, this](bool ok, const QString& e) {
        if (!ok) {
            *result = isLesson ? tr("step 1: %1").arg(e) : e;
            failed(**result);
            return;
        }
        *result = QString();
        if (isLesson) {
            if (lesson->title.isEmpty()) lesson->title = QFileInfo(path).completeBaseName();
            m_lesson->setLesson(std::move(*lesson));
        }
        message(tr("Opened %1.").arg(name), 5000);
        m_menus->addRecent(path);
    });
    return !(result->has_value() && !(*result)->isEmpty());
}

bool MainWindow::exportAnimation(const AnimationSettings& a, QString* error) {
    ShotRequest r = requestFromState(captureState());
    r.view = a.view;
    r.size = a.size;
    TeachingScene scene;
    bool ok = scene.build(r, error);
    if (ok) {
        QProgressDialog progress(tr("Rendering %1 frames…").arg(a.to - a.from + 1), tr("Cancel"), 0,
                                 a.to - a.from + 1, this);
        progress.setWindowModality(Qt::WindowModal);
        progress.setMinimumDuration(300);
        ok = ui::exportAnimation(
            scene, a.from, a.to, a.fps, a.path,
            [&progress](int done, int total) {
                progress.setMaximum(total);
                progress.setValue(done);
                return !progress.wasCanceled();
            },
            error);
    }
    message(ok ? tr("Wrote %1 (%2 frames).").arg(a.path).arg(a.to - a.from + 1)
               : tr("Animation not written: %1").arg(*error),
            10000);
    return ok;
}

bool MainWindow::saveSession(const QString& path, QString* error) const {
    QFile f(path);
    const QByteArray bytes = sessionBytes(captureState());
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size()) {
        *error = f.errorString();
        return false;
    }
    return true;
}

void MainWindow::openImage(const QString& path) {
    // Decoding a large photo takes long enough to freeze the window: the loader decodes it on a
    // worker; only the newest request is shown.
    message(tr("Loading %1…").arg(QFileInfo(path).fileName()), 0);
    m_images->load(path);
}

void MainWindow::showStatus() {
    const QRect roi = m_controller->roi();
    m_info->setText(tr("%1 — %2×%3, region %4×%5 at (%6, %7) — engine threads: %8")
                        .arg(m_controller->imageName())
                        .arg(m_controller->image().width())
                        .arg(m_controller->image().height())
                        .arg(roi.width())
                        .arg(roi.height())
                        .arg(roi.x())
                        .arg(roi.y())
                        .arg(core::threadCount()));
}

bool MainWindow::exportViewTo(ExportableView view, const QString& path, QString* error) const {
    return m_exporter->exportTo(view, path, error);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) openFile(urls.first().toLocalFile());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    SessionState::rememberLayer(m_controller->layer());
    QSettings settings;
    if (const core::io::ImportedModel* model = m_network->model()) {
        const bool builtIn = model->format == "built-in";
        settings.setValue(QStringLiteral("model/path"),
                          builtIn ? QString() : QString::fromStdString(model->modelPath));
        settings.setValue(QStringLiteral("model/config"),
                          builtIn ? QString() : QString::fromStdString(model->configPath));
        settings.setValue(QStringLiteral("model/builtIn"),
                          builtIn ? QString::fromStdString(model->network->name()) : QString());
    }
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    event->accept();
}

}  // namespace convscope::ui
