// MainMenus: every menu and action of the window.
#include "shell/main_menus.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <functional>

#include "base/isa.h"
#include "base/runtime.h"
#include "classroom/lesson_bar.h"
#include "classroom/presentation.h"
#include "classroom/quiz_panel.h"
#include "network/filters_panel.h"
#include "network/model_panel.h"
#include "network/network_controller.h"
#include "network/profile_view.h"
#include "shell/export_dialog.h"
#include "shell/main_window.h"
#include "shell/session_state.h"
#include "shell/view_export.h"
#include "teaching/convolution_view.h"
#include "teaching/gemm_view.h"
#include "teaching/im2col_view.h"
#include "teaching/playback_bar.h"
#include "teaching/teaching_controller.h"

namespace convscope::ui {

namespace {
constexpr int kMaxRecent = 8;
}

MainMenus::MainMenus(MainWindow* window) : QObject(window), m_window(window) {
    MainWindow* const w = window;
    QMenu* file = w->menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Image…"), this, &MainMenus::chooseImage);
    open->setShortcut(QKeySequence::Open);
    open->setStatusTip(tr("Load any image OpenCV or Qt can read as the input"));
    QAction* openModel =
        file->addAction(tr("Open &Model…"), w->m_modelPanel, &ModelPanel::chooseModel);
    openModel->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openModel->setStatusTip(
        tr("ONNX, Caffe, TensorFlow or Darknet: its layers, filters and timing"));
    QMenu* builtIn = file->addMenu(tr("Built-in &Network"));
    builtIn->addAction(tr("&AlexNet"), this,
                       [w] { w->m_network->openBuiltIn(QStringLiteral("alexnet")); });
    builtIn->addAction(tr("&LeNet"), this,
                       [w] { w->m_network->openBuiltIn(QStringLiteral("lenet")); });
    QAction* kernel = file->addAction(tr("Load &Kernel…"), this, &MainMenus::chooseKernel);
    kernel->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    kernel->setStatusTip(tr("A kernel from a .npy, CSV or JSON file, or an image as a template"));
    QAction* openState =
        file->addAction(tr("Open &Session or Lesson…"), this, &MainMenus::chooseStateFile);
    openState->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    openState->setStatusTip(
        tr("A saved session or a lesson (.json); `convscope FILE` does the same"));
    QAction* saveState = file->addAction(tr("Sa&ve Session…"), this, &MainMenus::chooseSaveSession);
    saveState->setShortcut(QKeySequence::Save);
    saveState->setStatusTip(tr("The whole state: image, region, layer, weights, step, tab, model"));
    QAction* embed = file->addAction(tr("&Embed Images in Sessions"));
    embed->setCheckable(true);
    embed->setStatusTip(
        tr("Store the image itself in session and lesson files instead of its path"));
    embed->setChecked(QSettings().value(QStringLiteral("files/embedImages"), false).toBool());
    w->m_session->setEmbedImages(embed->isChecked());
    connect(embed, &QAction::toggled, w, [w](bool on) {
        w->m_session->setEmbedImages(on);
        QSettings().setValue(QStringLiteral("files/embedImages"), on);
    });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    QAction* animation = file->addAction(tr("Export &Animation…"), w, [w] {
        ExportAnimationDialog dialog(w->m_controller->stepper().steps(), w->m_controller->step(),
                                     w);
        if (dialog.exec() != QDialog::Accepted) return;
        QString error;
        w->exportAnimation(dialog.settings(), &error);
    });
    animation->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    animation->setStatusTip(tr("The teaching views step by step as a GIF or MP4"));
    QMenu* exportMenu = file->addMenu(tr("&Export View (PNG or SVG)"));
    for (const ExportableViewInfo& v : exportableViews())
        exportMenu->addAction(QCoreApplication::translate("ViewExporter", v.menuText), w,
                              [this, view = v.view] { exportView(view); });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* play = w->menuBar()->addMenu(tr("&Playback"));
    auto add = [w, play](const QString& text, const QKeySequence& key, auto slot) {
        QAction* a = play->addAction(text, w, slot);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WindowShortcut);
        return a;
    };
    add(tr("&Play / Pause"), QKeySequence(Qt::Key_Space), [w] { w->m_playback->togglePlay(); });
    add(tr("Step &Forward"), QKeySequence(Qt::Key_Right), [w] { w->m_controller->stepBy(1); });
    add(tr("Step &Back"), QKeySequence(Qt::Key_Left), [w] { w->m_controller->stepBy(-1); });
    add(tr("F&irst Step"), QKeySequence(Qt::Key_Home), [w] { w->m_controller->setStep(0); });
    add(tr("&Last Step"), QKeySequence(Qt::Key_End),
        [w] { w->m_controller->setStep(w->m_controller->stepper().steps() - 1); });
    add(tr("F&aster"), QKeySequence(Qt::Key_Plus), [w] { w->m_playback->faster(); });
    add(tr("&Slower"), QKeySequence(Qt::Key_Minus), [w] { w->m_playback->slower(); });
    QAction* cancelFull = add(tr("&Cancel Full-Size Run"), QKeySequence(Qt::Key_Escape),
                              [w] { w->m_controller->cancelFull(); });
    add(tr("&Run Full Size"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F),
        [w] { w->m_controller->computeFull(); })
        ->setToolTip(tr("Compute the current kernel's output over the whole image again (after "
                        "a cancel)."));

    QMenu* lesson = w->menuBar()->addMenu(tr("&Lesson"));
    lesson->addAction(tr("&Built-in Lesson"), w, [w] { w->m_lesson->setLesson(builtInLesson()); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    // Clicker keys: the lesson's steps when a lesson is open, the animation's otherwise.
    lesson
        ->addAction(tr("&Next Step"), this,
                    [w] {
                        if (w->m_lesson->active())
                            w->m_lesson->next();
                        else
                            w->m_controller->stepBy(1);
                    })
        ->setShortcut(QKeySequence(Qt::Key_PageDown));
    lesson
        ->addAction(tr("&Previous Step"), this,
                    [w] {
                        if (w->m_lesson->active())
                            w->m_lesson->previous();
                        else
                            w->m_controller->stepBy(-1);
                    })
        ->setShortcut(QKeySequence(Qt::Key_PageUp));
    lesson->addSeparator();
    lesson->addAction(tr("&Add Current State as Step"), w->m_lesson, &LessonBar::addCurrentState)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    lesson->addAction(tr("Edit &Caption…"), w->m_lesson, &LessonBar::editCaption);
    lesson->addAction(tr("Move Step &Earlier"), w, [w] { w->m_lesson->moveCurrent(-1); });
    lesson->addAction(tr("Move Step &Later"), w, [w] { w->m_lesson->moveCurrent(1); });
    lesson->addAction(tr("&Delete Step"), w->m_lesson, &LessonBar::deleteCurrent);
    lesson->addAction(tr("&Save Lesson…"), this, &MainMenus::chooseSaveLesson);
    lesson->addSeparator();
    QAction* quiz = lesson->addAction(tr("&Quiz"), w, [w] {
        auto* dock = qobject_cast<QDockWidget*>(w->m_quiz->parentWidget());
        dock->show();
        dock->raise();
    });
    quiz->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Q));
    quiz->setStatusTip(
        tr("Questions on output sizes, windows, im2col and GEMM shapes, with a score"));
    lesson->addAction(tr("Cl&ose Lesson"), w->m_lesson, &LessonBar::close);

    QMenu* profile = w->menuBar()->addMenu(tr("P&rofile"));
    QAction* runProfile = profile->addAction(tr("&Run Profile"), w, [w] {
        w->showTab(MainWindow::ProfileTab);
        w->m_profile->run();
    });
    runProfile->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    runProfile->setStatusTip(tr("Time the open network (or the built-in AlexNet) layer by layer"));
    QAction* runLadder = profile->addAction(tr("Run Method &Ladder"), w, [w] {
        w->showTab(MainWindow::ProfileTab);
        w->m_profile->runLadder();
    });
    runLadder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    runLadder->setStatusTip(tr("Every conv method on the same network, as one chart"));
    profile->addAction(tr("&Cancel Profile"), w->m_profile, &ProfilePanel::cancel)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));

    QMenu* view = w->menuBar()->addMenu(tr("&View"));
    const QString tabNames[] = {tr("&Convolution"), tr("&Filters && Feature Maps"),
                                tr("F&ully Connected"), tr("&Profile"), tr("Li&ve Input")};
    for (int i = 0; i < 5; ++i)
        view->addAction(tabNames[i], w, [w, i] { w->showTab(MainWindow::Tab(i)); })
            ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    view->addSeparator();
    QAction* zoomIn = view->addAction(tr("Zoom &In"), w, [w] {
        w->m_conv->zoomIn();
        w->m_im2col->view()->zoomIn();
        w->m_gemm->view()->zoomIn();
    });
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    QAction* zoomOut = view->addAction(tr("Zoom &Out"), w, [w] {
        w->m_conv->zoomOut();
        w->m_im2col->view()->zoomOut();
        w->m_gemm->view()->zoomOut();
    });
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    view->addAction(tr("&Fit the Views"), w,
                    [w] {
                        w->m_conv->resetZoom();
                        w->m_im2col->view()->resetZoom();
                        w->m_gemm->view()->resetZoom();
                    })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    QMenu* panels = view->addMenu(tr("&Panels"));
    for (QDockWidget* dock : w->findChildren<QDockWidget*>())
        panels->addAction(dock->toggleViewAction());
    QAction* safe = view->addAction(tr("Colour-&Blind-Safe Palette"));
    safe->setCheckable(true);
    safe->setStatusTip(tr("Blue-orange instead of blue-red for signed values"));
    connect(safe, &QAction::toggled, w, [w](bool on) {
        w->m_controller->setColorBlindSafe(on);
        w->m_filters->setColorBlindSafe(on);
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
    connect(present, &QAction::toggled, w, [w](bool on) {
        QSettings s;
        if (on)
            w->m_presentation->enter(s.value(QStringLiteral("presentation/screen")).toString(),
                                     s.value(QStringLiteral("presentation/zoom"), 1.5).toDouble());
        else
            w->m_presentation->leave();
    });
    QMenu* zoom = view->addMenu(tr("Presentation &Zoom"));
    auto* zoomGroup = new QActionGroup(zoom);
    const double current = QSettings().value(QStringLiteral("presentation/zoom"), 1.5).toDouble();
    for (double z : {1.25, 1.5, 2.0, 2.5}) {
        QAction* a = zoom->addAction(QStringLiteral("%1×").arg(z));
        a->setCheckable(true);
        a->setChecked(std::abs(z - current) < 1e-6);
        zoomGroup->addAction(a);
        connect(a, &QAction::triggered, w,
                [z] { QSettings().setValue(QStringLiteral("presentation/zoom"), z); });
    }
    QMenu* screens = view->addMenu(tr("Presentation &Screen"));
    connect(screens, &QMenu::aboutToShow, w, [screens] {
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
    QMenu* help = w->menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About ConvScope"), w, [w] {
        const core::Isa isa = core::activeIsa();
        QMessageBox::about(
            w, tr("About ConvScope"),
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
    QAction* blank = new QAction(tr("Blank the Screen"), w);
    blank->setShortcut(QKeySequence(Qt::Key_B));
    blank->setEnabled(false);
    connect(blank, &QAction::triggered, w->m_presentation, &PresentationMode::toggleBlank);
    QAction* leave = new QAction(tr("Leave Presentation"), w);
    leave->setShortcut(QKeySequence(Qt::Key_Escape));
    leave->setEnabled(false);
    connect(leave, &QAction::triggered, present, [present] { present->setChecked(false); });
    w->addAction(blank);
    w->addAction(leave);
    connect(w->m_presentation, &PresentationMode::activeChanged, w,
            [blank, leave, cancelFull, present](bool on) {
                blank->setEnabled(on);
                leave->setEnabled(on);
                cancelFull->setEnabled(!on);  // Esc leaves the presentation instead
                present->setChecked(on);
            });
    addShortcutsToWindow();
}

void MainMenus::addShortcutsToWindow() {
    // Menu shortcuts keep working while presentation mode hides the menu bar.
    std::function<void(QMenu*)> add = [&](QMenu* menu) {
        for (QAction* a : menu->actions()) {
            if (a->menu())
                add(a->menu());
            else if (!a->shortcut().isEmpty())
                m_window->addAction(a);
        }
    };
    for (QAction* a : m_window->menuBar()->actions())
        if (a->menu()) add(a->menu());
}

void MainMenus::addRecent(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("files/recent")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent) recent.removeLast();
    settings.setValue(QStringLiteral("files/recent"), recent);
    rebuildRecentMenu();
}

void MainMenus::rebuildRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("files/recent")).toStringList();
    for (const QString& path : recent)
        m_recentMenu
            ->addAction(QFileInfo(path).fileName(), m_window,
                        [w = m_window, path] { w->openFile(path); })
            ->setStatusTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainMenus::chooseStateFile() {
    QSettings settings;
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Open Session or Lesson"),
        settings.value(QStringLiteral("files/sessionFolder")).toString(),
        tr("ConvScope sessions and lessons (*.json *.convscope);;All files (*)"));
    if (path.isEmpty()) return;
    settings.setValue(QStringLiteral("files/sessionFolder"), QFileInfo(path).absolutePath());
    m_window->openFile(path);
}

void MainMenus::chooseSaveSession() {
    QSettings settings;
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Save Session"),
        QDir(settings.value(QStringLiteral("files/sessionFolder")).toString())
            .filePath(QStringLiteral("session.json")),
        tr("ConvScope sessions (*.json)"));
    if (path.isEmpty()) return;
    settings.setValue(QStringLiteral("files/sessionFolder"), QFileInfo(path).absolutePath());
    QString error;
    if (m_window->saveSession(path, &error)) {
        m_window->message(tr("Saved %1.").arg(path), 5000);
        addRecent(path);
    } else {
        m_window->message(tr("Could not save %1: %2").arg(path, error), 12000);
    }
}

void MainMenus::chooseSaveLesson() {
    if (!m_window->m_lesson->active()) {
        m_window->message(tr("No lesson to save: Lesson ▸ Add Current State as Step starts "
                             "one."),
                          8000);
        return;
    }
    QSettings settings;
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Save Lesson"),
        QDir(settings.value(QStringLiteral("files/sessionFolder")).toString())
            .filePath(QStringLiteral("lesson.json")),
        tr("ConvScope lessons (*.json)"));
    if (path.isEmpty()) return;
    QFile f(path);
    const QByteArray bytes = lessonBytes(m_window->m_lesson->lesson());
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size())
        m_window->message(tr("Could not save %1: %2").arg(path, f.errorString()), 12000);
    else
        m_window->message(tr("Saved %1.").arg(path), 5000);
}

void MainMenus::chooseKernel() {
    QSettings settings;
    const QString folder = settings.value(QStringLiteral("files/kernelFolder")).toString();
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Load Kernel"), folder,
        tr("Kernels (*.npy *.csv *.txt *.json);;Images as templates (*.png *.jpg *.jpeg *.bmp "
           "*.pgm *.ppm);;All files (*)"));
    if (path.isEmpty()) return;
    settings.setValue(QStringLiteral("files/kernelFolder"), QFileInfo(path).absolutePath());
    m_window->loadKernel(path);
}

void MainMenus::chooseImage() {
    QSettings settings;
    const QString folder = settings.value(QStringLiteral("files/lastFolder")).toString();
    const QString path =
        QFileDialog::getOpenFileName(m_window, tr("Open Image"), folder,
                                     tr("Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff "
                                        "*.webp *.ppm *.pgm);;All files (*)"));
    if (path.isEmpty()) return;
    settings.setValue(QStringLiteral("files/lastFolder"), QFileInfo(path).absolutePath());
    m_window->openImage(path);
}

void MainMenus::exportView(ExportableView view) {
    const QString path = QFileDialog::getSaveFileName(
        m_window, tr("Export View"),
        QLatin1String(exportableView(view).fileName) + QStringLiteral(".png"),
        tr("PNG images (*.png);;SVG drawings (*.svg)"));
    if (path.isEmpty()) return;
    QString error;
    const bool ok = m_window->exportViewTo(view, path, &error);
    m_window->message(ok ? tr("Wrote %1").arg(path) : tr("Could not write %1: %2").arg(path, error),
                      8000);
}

}  // namespace convscope::ui
