// MainWindow: layout, menus and shortcuts, image loading off the GUI thread, drag & drop, recent
// files, export, and settings.
#include "shell/main_window.h"

#include <QAccessible>
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QBuffer>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QImageReader>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QProgressBar>
#include <QProgressDialog>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSvgGenerator>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "base/error.h"
#include "base/isa.h"
#include "base/runtime.h"
#include "classroom/lesson_bar.h"
#include "classroom/live_view.h"
#include "classroom/presentation.h"
#include "classroom/quiz_panel.h"
#include "headless/shot.h"
#include "io/image_io.h"
#include "io/kernel_files.h"
#include "network/fc_view.h"
#include "network/filters_panel.h"
#include "network/model_panel.h"
#include "network/network_controller.h"
#include "network/network_views.h"
#include "network/profile_view.h"
#include "shell/export_dialog.h"
#include "teaching/controls_panel.h"
#include "teaching/convolution_view.h"
#include "teaching/gemm_view.h"
#include "teaching/im2col_view.h"
#include "teaching/playback_bar.h"
#include "teaching/teaching_controller.h"
#include "widgets/image_view.h"

namespace convscope::ui {

namespace {
constexpr int kMaxRecent = 8;

QWidget* titled(const QString& title, QWidget* content, QWidget* parent, QLabel* below = nullptr) {
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(2, 2, 2, 2);
    auto* label = new QLabel(QStringLiteral("<b>%1</b>").arg(title), box);
    layout->addWidget(label);
    layout->addWidget(content, 1);
    if (below) layout->addWidget(below);
    return box;
}
}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_controller(new TeachingController(this)),
      m_network(new NetworkController(this)) {
    setWindowTitle(tr("ConvScope"));
    setAcceptDrops(true);

    m_conv = new ConvolutionView(m_controller, this);
    m_formula = new QLabel(this);
    m_formula->setWordWrap(true);
    m_formula->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_formula->setToolTip(
        tr("The dot product of the current step: the kernel's weights times the "
           "window's pixels, plus the bias."));
    m_im2col = new Im2colPanel(m_controller, this);
    m_gemm = new GemmPanel(m_controller, this);
    // The im2col matrix is short and wide (K rows, N columns): it gets the full width below; the
    // convolution and the GEMM share the top.
    auto* top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(
        titled(tr("1 · Convolution: the kernel slides over the input"), m_conv, top, m_formula));
    top->addWidget(titled(tr("3 · GEMM: W · col = out"), m_gemm, top));
    top->setSizes({560, 440});
    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("viewsSplitter"));
    split->addWidget(top);
    split->addWidget(titled(tr("2 · im2col: one column per output position"), m_im2col, split));
    split->setSizes({600, 380});
    m_playback = new PlaybackBar(m_controller, this);
    auto* teaching = new QWidget(this);
    auto* layout = new QVBoxLayout(teaching);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split, 1);
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
    cl->addWidget(m_tabs, 1);
    setCentralWidget(central);
    connect(m_lesson, &LessonBar::applyRequested, this, [this](const AppState& state) {
        QString error;
        if (!applyState(state, &error))
            statusBar()->showMessage(tr("This lesson step cannot be shown: %1").arg(error), 12000);
    });
    connect(m_lesson, &LessonBar::saveRequested, this, &MainWindow::chooseSaveLesson);

    m_modelPanel = new ModelPanel(m_network, this);
    auto* modelDock = new QDockWidget(tr("Model"), this);
    modelDock->setObjectName(QStringLiteral("modelDock"));
    modelDock->setWidget(m_modelPanel);
    addDockWidget(Qt::RightDockWidgetArea, modelDock);
    resizeDocks({modelDock}, {430}, Qt::Horizontal);
    m_quiz = new QuizPanel(m_controller, this);
    auto* quizDock = new QDockWidget(tr("Quiz"), this);
    quizDock->setObjectName(QStringLiteral("quizDock"));
    quizDock->setWidget(m_quiz);
    addDockWidget(Qt::RightDockWidgetArea, quizDock);
    tabifyDockWidget(modelDock, quizDock);
    modelDock->raise();
    quizDock->hide();  // Lesson > Quiz shows it

    m_controls = new ControlsPanel(m_controller, this);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_controls);
    scroll->setWidgetResizable(true);
    auto* controlsDock = new QDockWidget(tr("Layer"), this);
    controlsDock->setObjectName(QStringLiteral("layerDock"));
    controlsDock->setWidget(scroll);
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
    overviewDock->setWidget(overview);
    addDockWidget(Qt::LeftDockWidgetArea, overviewDock);
    for (QWidget* w : {static_cast<QWidget*>(m_roiView), static_cast<QWidget*>(m_fullView)})
        w->setMinimumSize(120, 90);
    resizeDocks({controlsDock, overviewDock}, {390, 390}, Qt::Horizontal);
    resizeDocks({controlsDock, overviewDock}, {430, 470}, Qt::Vertical);

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

    connect(m_roiView, &RoiView::roiChosen, m_controller, &TeachingController::setRoi);
    connect(m_cancel, &QToolButton::clicked, m_controller, &TeachingController::cancelFull);
    connect(m_controller, &TeachingController::changed, this, [this] {
        m_roiView->setRoi(m_controller->roi());
        showStatus();
    });
    auto updateFormula = [this] {
        const auto& s = m_controller->stepper();
        if (s.steps() == 0) return;
        m_formula->setText(QString::fromStdString(s.formula(
            m_controller->currentDot(), m_controller->filter(), m_controller->step(), 6)));
    };
    connect(m_controller, &TeachingController::stepChanged, this, updateFormula);
    // Screen readers: each view describes the current step, and says when it changed.
    m_conv->setAccessibleName(tr("Convolution view"));
    m_im2col->view()->setAccessibleName(tr("im2col matrix"));
    m_gemm->view()->setAccessibleName(tr("GEMM view"));
    auto describe = [this] {
        const std::pair<QWidget*, const char*> views[] = {
            {m_conv, "conv"}, {m_im2col->view(), "im2col"}, {m_gemm->view(), "gemm"}};
        for (const auto& [w, name] : views) {
            w->setAccessibleDescription(m_controller->describeStep(QLatin1String(name)));
            QAccessibleEvent event(w, QAccessible::DescriptionChanged);
            QAccessible::updateAccessibility(&event);
        }
    };
    connect(m_controller, &TeachingController::stepChanged, this, describe);
    connect(m_controller, &TeachingController::changed, this, describe);
    connect(m_controller, &TeachingController::changed, this, updateFormula);
    connect(m_controller, &TeachingController::errorOccurred, this,
            [this](const QString& m) { statusBar()->showMessage(m, 8000); });
    connect(m_controller, &TeachingController::fullStarted, this, [this] {
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
    connect(m_controller, &TeachingController::fullFailed, this,
            [this, fullDone](const QString& m) {
                fullDone();
                statusBar()->showMessage(tr("Full-size convolution failed: %1").arg(m), 10000);
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
        if (m_pendingPreprocessing) m_network->setPreprocessing(*m_pendingPreprocessing);
        m_pendingPreprocessing.reset();
        if (!m_pendingModelLayer.isEmpty()) selectModelLayer(m_pendingModelLayer);
        m_pendingModelLayer.clear();
        statusBar()->showMessage(m_network->runnable()
                                     ? tr("Model %1 is open.").arg(m_network->modelName())
                                     : tr("Model %1 is open; it cannot run in the engine: %2")
                                           .arg(m_network->modelName(), m_network->problem()),
                                 8000);
    });
    connect(m_network, &NetworkController::modelFailed, this,
            [this](const QString& m) { statusBar()->showMessage(m, 12000); });
    connect(m_network, &NetworkController::featuresFailed, this,
            [this](const QString& m) { statusBar()->showMessage(m, 10000); });

    m_presentation = new PresentationMode(this);
    createMenus();
    // Menu shortcuts keep working while presentation mode hides the menu bar.
    std::function<void(QMenu*)> addShortcuts = [&](QMenu* menu) {
        for (QAction* a : menu->actions()) {
            if (a->menu())
                addShortcuts(a->menu());
            else if (!a->shortcut().isEmpty())
                addAction(a);
        }
    };
    for (QAction* a : menuBar()->actions())
        if (a->menu()) addShortcuts(a->menu());

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(QSize(1500, 900).boundedTo(screen()->availableGeometry().size() * 0.95));
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    // The embedded default: a CC0 photo (Stefan van der Walt's "chelsea", from scikit-image), and
    // a region around the cat's left eye.
    showImage(QImage(QStringLiteral(":/chelsea.png")), tr("chelsea.png (built in)"), QString(),
              QStringLiteral("builtin"));
    m_controller->setRoi(QRect(136, 86, 32, 32));
    restoreLayer();
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

QSize MainWindow::imageSize() const {
    return m_controller->image().size();
}
QString MainWindow::imageName() const {
    return m_controller->imageName();
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Image…"), this, &MainWindow::chooseImage);
    open->setShortcut(QKeySequence::Open);
    open->setStatusTip(tr("Load any image OpenCV or Qt can read as the input"));
    QAction* openModel =
        file->addAction(tr("Open &Model…"), m_modelPanel, &ModelPanel::chooseModel);
    openModel->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openModel->setStatusTip(
        tr("ONNX, Caffe, TensorFlow or Darknet: its layers, filters and timing"));
    QMenu* builtIn = file->addMenu(tr("Built-in &Network"));
    builtIn->addAction(tr("&AlexNet"), this,
                       [this] { m_network->openBuiltIn(QStringLiteral("alexnet")); });
    builtIn->addAction(tr("&LeNet"), this,
                       [this] { m_network->openBuiltIn(QStringLiteral("lenet")); });
    QAction* kernel = file->addAction(tr("Load &Kernel…"), this, &MainWindow::chooseKernel);
    kernel->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    kernel->setStatusTip(tr("A kernel from a .npy, CSV or JSON file, or an image as a template"));
    QAction* openState =
        file->addAction(tr("Open &Session or Lesson…"), this, &MainWindow::chooseStateFile);
    openState->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    openState->setStatusTip(
        tr("A saved session or a lesson (.json); `convscope FILE` does the same"));
    QAction* saveState =
        file->addAction(tr("Sa&ve Session…"), this, &MainWindow::chooseSaveSession);
    saveState->setShortcut(QKeySequence::Save);
    saveState->setStatusTip(tr("The whole state: image, region, layer, weights, step, tab, model"));
    QAction* embed = file->addAction(tr("&Embed Images in Sessions"));
    embed->setCheckable(true);
    embed->setStatusTip(
        tr("Store the image itself in session and lesson files instead of its path"));
    embed->setChecked(QSettings().value(QStringLiteral("files/embedImages"), false).toBool());
    m_embedImages = embed->isChecked();
    connect(embed, &QAction::toggled, this, [this](bool on) {
        m_embedImages = on;
        QSettings().setValue(QStringLiteral("files/embedImages"), on);
    });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    QAction* animation = file->addAction(tr("Export &Animation…"), this, [this] {
        ExportAnimationDialog dialog(m_controller->stepper().steps(), m_controller->step(), this);
        if (dialog.exec() != QDialog::Accepted) return;
        QString error;
        exportAnimation(dialog.settings(), &error);
    });
    animation->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    animation->setStatusTip(tr("The teaching views step by step as a GIF or MP4"));
    QMenu* exportMenu = file->addMenu(tr("&Export View (PNG or SVG)"));
    exportMenu->addAction(tr("&Convolution view…"), this, [this] { exportView(0); });
    exportMenu->addAction(tr("&im2col view…"), this, [this] { exportView(1); });
    exportMenu->addAction(tr("&GEMM view…"), this, [this] { exportView(2); });
    exportMenu->addAction(tr("&Filter gallery…"), this, [this] { exportView(3); });
    exportMenu->addAction(tr("Feature &maps…"), this, [this] { exportView(4); });
    exportMenu->addAction(tr("F&ully connected view…"), this, [this] { exportView(5); });
    exportMenu->addAction(tr("&Profile chart…"), this, [this] { exportView(6); });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* play = menuBar()->addMenu(tr("&Playback"));
    auto add = [this, play](const QString& text, const QKeySequence& key, auto slot) {
        QAction* a = play->addAction(text, this, slot);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WindowShortcut);
        return a;
    };
    add(tr("&Play / Pause"), QKeySequence(Qt::Key_Space), [this] { m_playback->togglePlay(); });
    add(tr("Step &Forward"), QKeySequence(Qt::Key_Right), [this] { m_controller->stepBy(1); });
    add(tr("Step &Back"), QKeySequence(Qt::Key_Left), [this] { m_controller->stepBy(-1); });
    add(tr("F&irst Step"), QKeySequence(Qt::Key_Home), [this] { m_controller->setStep(0); });
    add(tr("&Last Step"), QKeySequence(Qt::Key_End),
        [this] { m_controller->setStep(m_controller->stepper().steps() - 1); });
    add(tr("F&aster"), QKeySequence(Qt::Key_Plus), [this] { m_playback->faster(); });
    add(tr("&Slower"), QKeySequence(Qt::Key_Minus), [this] { m_playback->slower(); });
    QAction* cancelFull = add(tr("&Cancel Full-Size Run"), QKeySequence(Qt::Key_Escape),
                              [this] { m_controller->cancelFull(); });

    QMenu* lesson = menuBar()->addMenu(tr("&Lesson"));
    lesson
        ->addAction(tr("&Built-in Lesson"), this, [this] { m_lesson->setLesson(builtInLesson()); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    // Clicker keys: the lesson's steps when a lesson is open, the animation's otherwise.
    lesson
        ->addAction(tr("&Next Step"), this,
                    [this] {
                        if (m_lesson->active())
                            m_lesson->next();
                        else
                            m_controller->stepBy(1);
                    })
        ->setShortcut(QKeySequence(Qt::Key_PageDown));
    lesson
        ->addAction(tr("&Previous Step"), this,
                    [this] {
                        if (m_lesson->active())
                            m_lesson->previous();
                        else
                            m_controller->stepBy(-1);
                    })
        ->setShortcut(QKeySequence(Qt::Key_PageUp));
    lesson->addSeparator();
    lesson->addAction(tr("&Add Current State as Step"), m_lesson, &LessonBar::addCurrentState)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    lesson->addAction(tr("Edit &Caption…"), m_lesson, &LessonBar::editCaption);
    lesson->addAction(tr("Move Step &Earlier"), this, [this] { m_lesson->moveCurrent(-1); });
    lesson->addAction(tr("Move Step &Later"), this, [this] { m_lesson->moveCurrent(1); });
    lesson->addAction(tr("&Delete Step"), m_lesson, &LessonBar::deleteCurrent);
    lesson->addAction(tr("&Save Lesson…"), this, &MainWindow::chooseSaveLesson);
    lesson->addSeparator();
    QAction* quiz = lesson->addAction(tr("&Quiz"), this, [this] {
        auto* dock = qobject_cast<QDockWidget*>(m_quiz->parentWidget());
        dock->show();
        dock->raise();
    });
    quiz->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Q));
    quiz->setStatusTip(
        tr("Questions on output sizes, windows, im2col and GEMM shapes, with a score"));
    lesson->addAction(tr("Cl&ose Lesson"), m_lesson, &LessonBar::close);

    QMenu* profile = menuBar()->addMenu(tr("P&rofile"));
    QAction* runProfile = profile->addAction(tr("&Run Profile"), this, [this] {
        showTab(ProfileTab);
        m_profile->run();
    });
    runProfile->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    runProfile->setStatusTip(tr("Time the open network (or the built-in AlexNet) layer by layer"));
    QAction* runLadder = profile->addAction(tr("Run Method &Ladder"), this, [this] {
        showTab(ProfileTab);
        m_profile->runLadder();
    });
    runLadder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    runLadder->setStatusTip(tr("Every conv method on the same network, as one chart"));
    profile->addAction(tr("&Cancel Profile"), m_profile, &ProfilePanel::cancel)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    const QString tabNames[] = {tr("&Convolution"), tr("&Filters && Feature Maps"),
                                tr("F&ully Connected"), tr("&Profile"), tr("Li&ve Input")};
    for (int i = 0; i < 5; ++i)
        view->addAction(tabNames[i], this, [this, i] { showTab(Tab(i)); })
            ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    view->addSeparator();
    QAction* zoomIn = view->addAction(tr("Zoom &In"), this, [this] {
        m_conv->zoomIn();
        m_im2col->view()->zoomIn();
        m_gemm->view()->zoomIn();
    });
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    QAction* zoomOut = view->addAction(tr("Zoom &Out"), this, [this] {
        m_conv->zoomOut();
        m_im2col->view()->zoomOut();
        m_gemm->view()->zoomOut();
    });
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    QMenu* panels = view->addMenu(tr("&Panels"));
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        panels->addAction(dock->toggleViewAction());
    QAction* safe = view->addAction(tr("Colour-&Blind-Safe Palette"));
    safe->setCheckable(true);
    safe->setStatusTip(tr("Blue-orange instead of blue-red for signed values"));
    connect(safe, &QAction::toggled, this, [this](bool on) {
        m_controller->setColorBlindSafe(on);
        m_filters->setColorBlindSafe(on);
        QSettings().setValue(QStringLiteral("view/colorBlindSafe"), on);
    });
    safe->setChecked(QSettings().value(QStringLiteral("view/colorBlindSafe"), false).toBool());

    view->addSeparator();
    QAction* present = view->addAction(tr("&Presentation Mode"));
    m_presentAction = present;
    present->setShortcut(QKeySequence(Qt::Key_F5));
    present->setCheckable(true);
    present->setStatusTip(
        tr("Full screen for a projector: large type, high contrast, clicker keys "
           "(Page Down/Up, →/←), B blanks, Esc leaves"));
    connect(present, &QAction::toggled, this, [this](bool on) {
        QSettings s;
        if (on)
            m_presentation->enter(s.value(QStringLiteral("presentation/screen")).toString(),
                                  s.value(QStringLiteral("presentation/zoom"), 1.5).toDouble());
        else
            m_presentation->leave();
    });
    QMenu* zoom = view->addMenu(tr("Presentation &Zoom"));
    auto* zoomGroup = new QActionGroup(zoom);
    const double current = QSettings().value(QStringLiteral("presentation/zoom"), 1.5).toDouble();
    for (double z : {1.25, 1.5, 2.0, 2.5}) {
        QAction* a = zoom->addAction(QStringLiteral("%1×").arg(z));
        a->setCheckable(true);
        a->setChecked(std::abs(z - current) < 1e-6);
        zoomGroup->addAction(a);
        connect(a, &QAction::triggered, this,
                [z] { QSettings().setValue(QStringLiteral("presentation/zoom"), z); });
    }
    QMenu* screens = view->addMenu(tr("Presentation &Screen"));
    connect(screens, &QMenu::aboutToShow, this, [screens] {
        screens->clear();
        const QString chosen = QSettings().value(QStringLiteral("presentation/screen")).toString();
        QStringList names = PresentationMode::screenNames();
        names.prepend(QString());
        for (const QString& name : names) {
            QAction* a = screens->addAction(name.isEmpty() ? tr("This window's screen") : name);
            a->setCheckable(true);
            a->setChecked(name == chosen);
            connect(a, &QAction::triggered, screens,
                    [name] { QSettings().setValue(QStringLiteral("presentation/screen"), name); });
        }
    });
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About ConvScope"), this, [this] {
        const core::Isa isa = core::activeIsa();
        QMessageBox::about(
            this, tr("About ConvScope"),
            tr("<h3>ConvScope %1</h3><p>How neural networks compute convolution and "
               "fully-connected layers: im2col + GEMM, on your own images and models.</p>"
               "<p><b>%2</b><br>%3<br>Force another with <tt>convscope --isa avx2</tt> or "
               "CONVSCOPE_ISA=avx2.</p><p>Qt %4, %5 engine threads.</p>")
                .arg(QApplication::applicationVersion(),
                     QString::fromStdString(core::kernelsLine()),
                     QString::fromUtf8(core::isaDescription(isa).data(),
                                       qsizetype(core::isaDescription(isa).size())),
                     QString::fromUtf8(qVersion()))
                .arg(core::threadCount()));
    });
    QAction* blank = new QAction(tr("Blank the Screen"), this);
    blank->setShortcut(QKeySequence(Qt::Key_B));
    blank->setEnabled(false);
    connect(blank, &QAction::triggered, m_presentation, &PresentationMode::toggleBlank);
    QAction* leave = new QAction(tr("Leave Presentation"), this);
    leave->setShortcut(QKeySequence(Qt::Key_Escape));
    leave->setEnabled(false);
    connect(leave, &QAction::triggered, present, [present] { present->setChecked(false); });
    addAction(blank);
    addAction(leave);
    connect(m_presentation, &PresentationMode::activeChanged, this,
            [blank, leave, cancelFull, present](bool on) {
                blank->setEnabled(on);
                leave->setEnabled(on);
                cancelFull->setEnabled(!on);  // Esc leaves the presentation instead
                present->setChecked(on);
            });
}

void MainWindow::setPresentation(bool on) {
    m_presentAction->setChecked(on);
}

void MainWindow::showTab(Tab tab) {
    m_tabs->setCurrentIndex(int(tab));
}

MainWindow::Tab MainWindow::currentTab() const {
    return Tab(m_tabs->currentIndex());
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

bool MainWindow::loadKernel(const QString& path) {
    try {
        const core::io::KernelFile k = core::io::loadKernelFile(path.toStdString());
        core::WindowParams p = m_controller->layer().params;
        p.dilationH = p.dilationW = 1;
        const QString source =
            tr("%1 (%2)").arg(QFileInfo(path).fileName(), QString::fromStdString(k.format));
        if (!m_controller->setKernel(k.weights, k.bias, p, source)) return false;
        statusBar()->showMessage(tr("Kernel %1 loaded: %2 filter(s) of %3×%4×%5.")
                                     .arg(source)
                                     .arg(k.weights.n())
                                     .arg(k.weights.c())
                                     .arg(k.weights.h())
                                     .arg(k.weights.w()),
                                 8000);
        return true;
    } catch (const core::Error& e) {
        statusBar()->showMessage(
            tr("Could not load the kernel: %1. The current kernel is kept.").arg(e.what()), 12000);
        return false;
    }
}

void MainWindow::showImage(const QImage& image, const QString& name, const QString& path,
                           const QString& key) {
    m_imagePath = path;
    m_imageKey = key;
    if (!key.startsWith(QLatin1String("png:"))) m_imagePng.clear();
    m_roiView->setImage(image);
    m_fullView->setImage(QImage());
    m_controller->setImage(image, name);
}

void MainWindow::selectModelLayer(const QString& name) {
    const auto& rows = m_network->rows();
    for (int i = 0; i < int(rows.size()); ++i)
        if (rows[std::size_t(i)].name == name) {
            m_network->setCurrentRow(i);
            return;
        }
    statusBar()->showMessage(tr("The model has no layer '%1'.").arg(name), 8000);
}

AppState MainWindow::captureState() const {
    AppState s;
    if (m_imageKey.startsWith(QLatin1String("png:"))) {
        s.imagePng = m_imagePng;
    } else if (!m_imagePath.isEmpty()) {
        s.imagePath = m_imagePath;
        if (m_embedImages) {
            QBuffer buffer(&s.imagePng);
            buffer.open(QIODevice::WriteOnly);
            m_controller->image().save(&buffer, "PNG");
            s.imagePath.clear();
        }
    }
    s.roi = m_controller->roi();
    s.layer = m_controller->layer();
    s.weights = m_controller->weights();
    s.bias = m_controller->bias();
    s.kernelSource = m_controller->customKernelSource();
    s.step = m_controller->step();
    s.filter = m_controller->filter();
    s.tab = m_tabs->currentIndex();
    if (const core::io::ImportedModel* model = m_network->model()) {
        if (model->format == "built-in") {
            s.builtInModel = QString::fromStdString(model->network->name());
        } else {
            s.modelPath = QString::fromStdString(model->modelPath);
            s.modelConfig = QString::fromStdString(model->configPath);
        }
        const int row = m_network->currentRow();
        if (row >= 0) s.modelLayer = m_network->rows()[std::size_t(row)].name;
        s.preprocessing = m_network->preprocessing();
    }
    return s;
}

bool MainWindow::applyState(const AppState& s, QString* error) {
    // 1. Everything is checked before anything changes.
    QImage image;
    QString name, key;
    if (!s.imagePng.isEmpty()) {
        key = QStringLiteral("png:") +
              QString::number(qHash(s.imagePng), 16);  // the same bytes: no reload
        if (key != m_imageKey && !image.loadFromData(s.imagePng)) {
            *error = tr("the embedded image cannot be decoded");
            return false;
        }
        name = tr("embedded image");
    } else if (!s.imagePath.isEmpty()) {
        key = QStringLiteral("path:") + s.imagePath;
        if (key != m_imageKey) {
            QImageReader reader(s.imagePath);
            reader.setAutoTransform(true);
            image = reader.read();
            if (image.isNull()) {
                *error =
                    tr("the image '%1' cannot be read: %2").arg(s.imagePath, reader.errorString());
                return false;
            }
        }
        name = QFileInfo(s.imagePath).fileName();
    } else {
        key = QStringLiteral("builtin");
        if (key != m_imageKey) image = QImage(QStringLiteral(":/chelsea.png"));
        name = tr("chelsea.png (built in)");
    }
    const QSize imageSize = key == m_imageKey ? m_controller->image().size() : image.size();
    QRect roi = s.roi;
    if (roi.isEmpty()) {
        const int side = std::min({32, imageSize.width(), imageSize.height()});
        roi = QRect((imageSize.width() - side) / 2, (imageSize.height() - side) / 2, side, side);
    }
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
    // 2. Apply.
    if (key != m_imageKey) {
        showImage(image.convertToFormat(QImage::Format_RGB32), name,
                  s.imagePng.isEmpty() ? s.imagePath : QString(), key);
        if (!s.imagePng.isEmpty()) m_imagePng = s.imagePng;
    }
    m_controller->setView(roi, s.layer);
    if (!s.weights.empty()) m_controller->restoreWeights(s.weights, s.bias, s.kernelSource);
    m_controller->setFilter(s.filter);
    m_controller->setStep(s.step);
    m_tabs->setCurrentIndex(s.tab);
    if (!s.modelPath.isEmpty() || !s.builtInModel.isEmpty()) {
        const core::io::ImportedModel* open = m_network->model();
        const bool same = open && (s.builtInModel.isEmpty()
                                       ? open->modelPath == s.modelPath.toStdString() &&
                                             open->configPath == s.modelConfig.toStdString()
                                       : open->format == "built-in" &&
                                             open->network->name() == s.builtInModel.toStdString());
        if (same && !m_network->loading()) {
            m_network->setPreprocessing(s.preprocessing);
            if (!s.modelLayer.isEmpty()) selectModelLayer(s.modelLayer);
        } else {
            m_pendingModelLayer = s.modelLayer;
            m_pendingPreprocessing = s.preprocessing;
            if (s.builtInModel.isEmpty())
                m_network->openModel(s.modelPath, s.modelConfig);
            else
                m_network->openBuiltIn(s.builtInModel);
        }
    }
    return true;
}

bool MainWindow::openFile(const QString& path) {
    const QString ext = QFileInfo(path).suffix().toLower();
    if (ext != QLatin1String("json") && ext != QLatin1String("convscope")) {
        openImage(path);
        return true;
    }
    QFile f(path);
    QString error;
    Lesson lesson;
    bool isLesson = false;
    if (!f.open(QIODevice::ReadOnly))
        error = f.errorString();
    else if (parseStateFile(f.readAll(), lesson, isLesson, &error) && !isLesson &&
             applyState(lesson.steps.front(), &error))
        error.clear();
    if (error.isEmpty() && isLesson) {
        // The first step is checked before the lesson replaces anything.
        AppState first = lesson.steps.front();
        if (!applyState(first, &error)) error = tr("step 1: %1").arg(error);
        if (error.isEmpty()) {
            if (lesson.title.isEmpty()) lesson.title = QFileInfo(path).completeBaseName();
            m_lesson->setLesson(std::move(lesson));
        }
    }
    if (!error.isEmpty()) {
        statusBar()->showMessage(tr("Could not open %1: %2. The current state is kept.")
                                     .arg(QFileInfo(path).fileName(), error),
                                 12000);
        return false;
    }
    statusBar()->showMessage(tr("Opened %1.").arg(QFileInfo(path).fileName()), 5000);
    addRecent(path);
    return true;
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
    statusBar()->showMessage(ok ? tr("Wrote %1 (%2 frames).").arg(a.path).arg(a.to - a.from + 1)
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

void MainWindow::chooseStateFile() {
    QSettings settings;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Session or Lesson"),
        settings.value(QStringLiteral("files/sessionFolder")).toString(),
        tr("ConvScope sessions and lessons (*.json *.convscope);;All files (*)"));
    if (path.isEmpty()) return;
    settings.setValue(QStringLiteral("files/sessionFolder"), QFileInfo(path).absolutePath());
    openFile(path);
}

void MainWindow::chooseSaveSession() {
    QSettings settings;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save Session"),
        QDir(settings.value(QStringLiteral("files/sessionFolder")).toString())
            .filePath(QStringLiteral("session.json")),
        tr("ConvScope sessions (*.json)"));
    if (path.isEmpty()) return;
    settings.setValue(QStringLiteral("files/sessionFolder"), QFileInfo(path).absolutePath());
    QString error;
    if (saveSession(path, &error)) {
        statusBar()->showMessage(tr("Saved %1.").arg(path), 5000);
        addRecent(path);
    } else {
        statusBar()->showMessage(tr("Could not save %1: %2").arg(path, error), 12000);
    }
}

void MainWindow::chooseSaveLesson() {
    if (!m_lesson->active()) {
        statusBar()->showMessage(tr("No lesson to save: Lesson ▸ Add Current State as Step starts "
                                    "one."),
                                 8000);
        return;
    }
    QSettings settings;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save Lesson"),
        QDir(settings.value(QStringLiteral("files/sessionFolder")).toString())
            .filePath(QStringLiteral("lesson.json")),
        tr("ConvScope lessons (*.json)"));
    if (path.isEmpty()) return;
    QFile f(path);
    const QByteArray bytes = lessonBytes(m_lesson->lesson());
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size())
        statusBar()->showMessage(tr("Could not save %1: %2").arg(path, f.errorString()), 12000);
    else
        statusBar()->showMessage(tr("Saved %1.").arg(path), 5000);
}

void MainWindow::chooseKernel() {
    QSettings settings;
    const QString folder = settings.value(QStringLiteral("files/kernelFolder")).toString();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Load Kernel"), folder,
        tr("Kernels (*.npy *.csv *.txt *.json);;Images as templates (*.png *.jpg *.jpeg *.bmp "
           "*.pgm *.ppm);;All files (*)"));
    if (path.isEmpty()) return;
    settings.setValue(QStringLiteral("files/kernelFolder"), QFileInfo(path).absolutePath());
    loadKernel(path);
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

void MainWindow::openImage(const QString& path) {
    // Decoding a large photo takes long enough to freeze the window: do it on the thread pool.
    // Each request is numbered and only the newest result is shown.
    statusBar()->showMessage(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    auto shown = [this, path](const LoadedImage& loaded) {
        if (loaded.image.isNull()) {
            statusBar()->showMessage(tr("Could not open %1: %2. The current image is kept.")
                                         .arg(QFileInfo(path).fileName(), loaded.error),
                                     10000);
            emit imageLoadFailed(loaded.error);
            return;
        }
        statusBar()->clearMessage();
        showImage(loaded.image, QFileInfo(path).fileName(), path, QStringLiteral("path:") + path);
        addRecent(path);
        emit imageLoaded();
    };
    m_imageJobs.start(
        [path](const JobControl&) {
            QImageReader reader(path);
            reader.setAutoTransform(true);
            LoadedImage result;
            result.image = reader.read();
            if (!result.image.isNull()) {
                result.image = result.image.convertToFormat(QImage::Format_RGB32);
                return result;
            }
            // Formats only OpenCV decodes (JPEG 2000, OpenEXR, HDR, PFM, ...): through core's io.
            try {
                core::io::ImageOptions rgb;
                rgb.swapRB = true;
                const core::Tensor t = core::io::loadImage(path.toStdString(), rgb);
                QImage img(t.w(), t.h(), QImage::Format_RGB32);
                auto byte = [](float v) { return std::clamp(int(v + 0.5f), 0, 255); };
                for (int y = 0; y < t.h(); ++y)
                    for (int x = 0; x < t.w(); ++x)
                        img.setPixel(x, y,
                                     qRgb(byte(t.at(0, 0, y, x)), byte(t.at(0, 1, y, x)),
                                          byte(t.at(0, 2, y, x))));
                result.image = img;
            } catch (const core::Error& e) {
                result.error = QString::fromStdString(e.what());
            }
            return result;
        },
        shown, QThreadPool::globalInstance());
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

void MainWindow::addRecent(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("files/recent")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent) recent.removeLast();
    settings.setValue(QStringLiteral("files/recent"), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("files/recent")).toStringList();
    for (const QString& path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openFile(path); })
            ->setStatusTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::exportView(int which) {
    const QString names[] = {QStringLiteral("convolution"), QStringLiteral("im2col"),
                             QStringLiteral("gemm"),        QStringLiteral("filters"),
                             QStringLiteral("features"),    QStringLiteral("fc"),
                             QStringLiteral("profile")};
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export View"), names[which] + QStringLiteral(".png"),
                                     tr("PNG images (*.png);;SVG drawings (*.svg)"));
    if (path.isEmpty()) return;
    QString error;
    const bool ok = exportViewTo(which, path, &error);
    statusBar()->showMessage(
        ok ? tr("Wrote %1").arg(path) : tr("Could not write %1: %2").arg(path, error), 8000);
}

bool MainWindow::exportViewTo(int which, const QString& path, QString* error) const {
    const bool svg = path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive);
    if (which == 6) return m_profile->exportChart(path, error);
    if (which == 5) {
        // The fc view is a plain widget: drawn as it is on screen.
        QWidget* w = m_fc->canvas();
        bool ok = false;
        if (svg) {
            QSvgGenerator gen;
            gen.setFileName(path);
            gen.setSize(w->size());
            gen.setViewBox(w->rect());
            QPainter painter;
            ok = painter.begin(&gen);
            if (ok) {
                w->render(&painter);
                ok = painter.end();
            }
        } else {
            ok = w->grab().save(path);
        }
        if (!ok) *error = tr("the file cannot be written");
        return ok;
    }
    const CellCanvas* canvases[] = {m_conv, m_im2col->view(), m_gemm->view(), m_filters->gallery(),
                                    m_filters->features()};
    const CellCanvas* canvas = canvases[which];
    if (!canvas->hasContent()) {
        *error = tr("the view is empty");
        return false;
    }
    const bool ok = svg ? canvas->renderSvg(path) : canvas->renderContent().save(path);
    if (!ok) *error = tr("the file cannot be written");
    return ok;
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) openFile(urls.first().toLocalFile());
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

void MainWindow::saveLayer() const {
    QSettings settings;
    LayerSettings l = m_controller->layer();
    settings.beginGroup(QStringLiteral("layer"));
    for (int i = 0; i < int(std::size(kLayerKeys)); ++i)
        settings.setValue(QLatin1String(kLayerKeys[i]), *layerField(l, i));
    settings.setValue(QStringLiteral("filters"), l.filters);
    settings.setValue(QStringLiteral("rgb"), l.rgb);
    settings.setValue(QStringLiteral("same"), l.samePadding);
    settings.setValue(QStringLiteral("preset"), l.preset);
    settings.endGroup();
}

void MainWindow::restoreLayer() {
    QSettings settings;
    settings.beginGroup(QStringLiteral("layer"));
    if (!settings.contains(QStringLiteral("kernelH"))) return;
    LayerSettings l = m_controller->layer();
    for (int i = 0; i < int(std::size(kLayerKeys)); ++i)
        *layerField(l, i) = settings.value(QLatin1String(kLayerKeys[i]), *layerField(l, i)).toInt();
    l.filters = settings.value(QStringLiteral("filters"), l.filters).toInt();
    l.rgb = settings.value(QStringLiteral("rgb"), l.rgb).toBool();
    l.samePadding = settings.value(QStringLiteral("same"), l.samePadding).toBool();
    l.preset = std::clamp(settings.value(QStringLiteral("preset"), l.preset).toInt(), 0,
                          int(core::kernelPresets().size()) - 1);
    // A remembered layer that does not fit the built-in image is dropped with the engine's message.
    m_controller->setLayer(l);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveLayer();
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
