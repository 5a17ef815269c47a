// MainWindow: opens on the embedded default image; a bad file is reported and the current image
// kept; a good file replaces it. Runs on the offscreen platform.
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QToolButton>
#include <QWheelEvent>
#include <QtTest>

#include "base/error.h"
#include "io/matrix_image.h"
#include "classroom/lesson_bar.h"
#include "shell/export_dialog.h"
#include "shell/main_window.h"
#include "teaching/controls_panel.h"
#include "teaching/convolution_view.h"
#include "teaching/teaching_controller.h"
#include "widgets/image_view.h"
#include "widgets/screen_fit.h"
#include "widgets/wheel_guard.h"

using convscope::ui::MainWindow;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void fitsASmallScreen() {
        // 1280x720 projectors and 1366x768 laptops: the window, docks included, must fit with
        // room for a window frame and a panel (the docks' panels scroll rather than widen it).
        MainWindow w;
        QVERIFY2(w.minimumSizeHint().width() <= 1280 - 40,
                 qPrintable(QString::number(w.minimumSizeHint().width())));
        QVERIFY2(w.minimumSizeHint().height() <= 720 - 60,
                 qPrintable(QString::number(w.minimumSizeHint().height())));
    }

    // A geometry remembered from a larger screen (or left by presentation mode) is brought
    // within the screen it opens on.
    void aWindowLargerThanTheScreenIsFittedToIt() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QRect area = w.screen()->availableGeometry();
        w.resize(area.size() * 2);
        w.move(area.topLeft() + QPoint(area.width() / 2, area.height() / 2));
        QTRY_VERIFY(w.width() > area.width());
        convscope::ui::fitToScreen(&w);
        QTRY_VERIFY2(area.contains(w.frameGeometry()),
                     qPrintable(QStringLiteral("%1,%2 %3x%4")
                                    .arg(w.frameGeometry().x())
                                    .arg(w.frameGeometry().y())
                                    .arg(w.frameGeometry().width())
                                    .arg(w.frameGeometry().height())));
    }

    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("ConvScopeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_main_window"));
    }

    void opensOnTheEmbeddedDefaultImage() {
        MainWindow w;
        w.show();
        QCOMPARE(w.imageSize(), QSize(451, 300));
        QVERIFY(w.imageName().contains(QStringLiteral("chelsea")));
        // The default lesson: a 32x32 region of the cat, a 3x3 RGB Sobel kernel, stride 1, pad 1.
        const auto* c = w.controller();
        QCOMPARE(c->roi(), QRect(136, 86, 32, 32));
        QCOMPARE(c->stepper().steps(), 32 * 32);
        QCOMPARE(c->stepper().allGroupsRows(), 27);
        QCOMPARE(c->step(), 0);
    }

    void corruptFileKeepsTheCurrentImage() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.png"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("\x89PNG\r\n\x1a\nnot really");
        f.close();
        MainWindow w;
        QSignalSpy failed(&w, &MainWindow::imageLoadFailed);
        w.openImage(path);
        QVERIFY(failed.wait(5000));
        QCOMPARE(w.imageSize(), QSize(451, 300));
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("broken.png")));
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("kept")));
    }

    void goodFileReplacesTheImage() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("small.png"));
        QImage img(40, 30, QImage::Format_RGB32);
        img.fill(Qt::red);
        QVERIFY(img.save(path));
        MainWindow w;
        QSignalSpy loaded(&w, &MainWindow::imageLoaded);
        w.openImage(path);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(w.imageSize(), QSize(40, 30));
        QCOMPARE(w.imageName(), QStringLiteral("small.png"));
        QCOMPARE(w.controller()->roi().size(), QSize(30, 30));  // the default region, clamped
    }

    void formatsOnlyOpenCvReadsStillOpen() {
        // Sun raster: OpenCV decodes it, Qt has no plugin for it.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("photo.ras"));
        convscope::core::RgbImage img;
        img.width = 24, img.height = 20;
        img.pixels.assign(24 * 20 * 3, 200);
        try {
            convscope::core::io::writeRgbImage(path.toStdString(), img);
        } catch (const convscope::core::Error&) {
            QSKIP("this OpenCV cannot write Sun raster files");
        }
        MainWindow w;
        QSignalSpy loaded(&w, &MainWindow::imageLoaded);
        w.openImage(path);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(w.imageSize(), QSize(24, 20));
    }

    void playbackKeysDoNotStealEditingKeys() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* c = w.controller();
        c->setStep(5);
        // In the views, arrows step the animation...
        w.convolutionView()->setFocus();
        QTest::keyClick(w.convolutionView(), Qt::Key_Right);
        QCOMPARE(c->step(), 6);
        // ...in a spin box of the layer form they edit the number, and the step stays.
        auto* spin = w.controlsPanel()->findChild<QSpinBox*>();
        QVERIFY(spin);
        spin->setFocus();
        QTest::keyClick(spin, Qt::Key_Right);
        QTest::keyClick(spin, Qt::Key_Left);
        QTest::keyClick(spin, Qt::Key_Home);
        QCOMPARE(c->step(), 6);
    }

    // Esc / Cancel during the full-size run: the status bar's progress and Cancel button go, and
    // the full-size view no longer shows the previous kernel's map as if it were this one's.
    void cancellingTheFullRunClearsItsStatus() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("big.png"));
        QImage big(2400, 1800, QImage::Format_RGB32);  // long enough to be cancelled mid-way
        big.fill(Qt::darkCyan);
        QVERIFY(big.save(path));
        MainWindow w;
        w.show();
        auto* controller = w.controller();
        QTRY_VERIFY_WITH_TIMEOUT(!controller->fullRunning(), 10000);  // the default image's run
        QSignalSpy cancelled(controller, &convscope::ui::TeachingController::fullCancelled);
        QSignalSpy finished(controller, &convscope::ui::TeachingController::fullFinished);
        QSignalSpy loaded(&w, &MainWindow::imageLoaded);
        // Cancelled as soon as it starts (what Esc does; direct connection: before any tile).
        const auto connection = connect(controller, &convscope::ui::TeachingController::fullStarted,
                                        controller, &convscope::ui::TeachingController::cancelFull);
        w.openImage(path);
        QVERIFY(loaded.wait(10000));
        QTRY_VERIFY_WITH_TIMEOUT(cancelled.count() + finished.count() > 0, 10000);
        disconnect(connection);
        QCOMPARE(cancelled.count(), 1);
        auto* progress = w.statusBar()->findChild<QProgressBar*>();
        QVERIFY(progress);
        QVERIFY(!progress->isVisible());
        for (auto* button : w.statusBar()->findChildren<QToolButton*>())
            QVERIFY2(!button->isVisible(), qPrintable(button->text()));
        QVERIFY(controller->fullOutputImage().isNull());
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("cancelled")));
        // Run Full Size brings it back.
        controller->computeFull();
        QVERIFY(finished.wait(20000));
        QVERIFY(!controller->fullOutputImage().isNull());
        QVERIFY(!progress->isVisible());
    }

    // The wheel over a field of the Layer dock scrolls the dock; the field changes only once
    // it has the focus (clicked or tabbed to).
    void theWheelOverTheLayerDockDoesNotEditIt() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* stride = w.findChild<QSpinBox*>(QStringLiteral("strideW"));
        QVERIFY(stride);
        QVERIFY(convscope::ui::WheelGuard::guards(stride));
        const int before = stride->value();
        const QPointF at(stride->width() / 2.0, stride->height() / 2.0);
        auto wheel = [&] {
            QWheelEvent event(at, stride->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton,
                              Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(stride, &event);
        };
        wheel();
        QCOMPARE(stride->value(), before);
        QCOMPARE(stride->focusPolicy(), Qt::StrongFocus);  // the wheel does not focus it either
        stride->setFocus();
        if (!stride->hasFocus()) QSKIP("this platform gives no window the focus");
        QVERIFY(!convscope::ui::WheelGuard::guards(stride));
        wheel();
        QCOMPARE(stride->value(), before + 1);
    }

    // Groups 3 with one kernel: the message appears beside the fields (not below the weight
    // grid), the field is marked, the status bar says the views kept the last valid layer, and
    // all of it goes once the layer is valid again.
    void anInvalidLayerSaysSoWhereItIsTyped() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* groups = w.findChild<QSpinBox*>(QStringLiteral("groups"));
        auto* filters = w.findChild<QSpinBox*>(QStringLiteral("filters"));
        auto* problem = w.findChild<QLabel*>(QStringLiteral("layerProblem"));
        QVERIFY(groups && filters && problem);
        const int steps = w.controller()->stepper().steps();
        filters->setValue(1);
        groups->setValue(3);
        QVERIFY(problem->isVisible());
        QVERIFY(problem->text().contains(QStringLiteral("Not applied")));
        QVERIFY(!groups->styleSheet().isEmpty());
        QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("last valid layer")),
                 qPrintable(w.statusBar()->currentMessage()));
        QCOMPARE(w.controller()->layer().params.groups, 1);  // the old layer is kept
        QCOMPARE(w.controller()->stepper().steps(), steps);
        // Just under the fields: above the weight grid, within the dock's first screenful.
        auto* panel = w.findChild<convscope::ui::ControlsPanel*>();
        QVERIFY(panel);
        auto* grid = panel->findChild<QTableWidget*>();
        QVERIFY(grid);
        QVERIFY(problem->mapTo(&w, QPoint()).y() < grid->mapTo(&w, QPoint()).y());
        groups->setValue(1);
        QVERIFY(!problem->isVisible());
        QVERIFY(groups->styleSheet().isEmpty());
        QVERIFY(w.statusBar()->currentMessage().isEmpty());
    }

    // The export dialog counts steps as the playback bar does ("step 1 / 1024" is step 0).
    void theExportDialogCountsStepsAsThePlaybackBarDoes() {
        convscope::ui::ExportAnimationDialog dialog(100, 9);
        auto spins = dialog.findChildren<QSpinBox*>();
        QVERIFY(spins.size() >= 2);
        QCOMPARE(spins[0]->value(), 10);
        QCOMPARE(spins[0]->minimum(), 1);
        QCOMPARE(spins[0]->maximum(), 100);
        QCOMPARE(dialog.settings().from, 9);
        spins[1]->setValue(100);
        QCOMPARE(dialog.settings().to, 99);
    }

    // A first start says what to try and offers the built-in lesson without the menu; once
    // closed, the hint does not come back.
    void aFirstStartSaysWhatToTry() {
        QSettings().remove(QStringLiteral("welcome/dismissed"));
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            auto* welcome = w.findChild<QFrame*>(QStringLiteral("welcome"));
            QVERIFY(welcome && welcome->isVisible());
            auto* lesson = welcome->findChild<QPushButton*>(QStringLiteral("welcomeLesson"));
            QVERIFY(lesson);
            lesson->click();
            QVERIFY(w.lessonBar()->isVisible());  // the built-in lesson is open
            QVERIFY(!welcome->isVisible());
        }
        MainWindow again;
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        auto* welcome = again.findChild<QFrame*>(QStringLiteral("welcome"));
        QVERIFY(!welcome || !welcome->isVisible());
    }

    void onlyTheNewestRequestIsShown() {
        QTemporaryDir dir;
        QImage a(10, 10, QImage::Format_RGB32), b(20, 20, QImage::Format_RGB32);
        a.fill(Qt::blue);
        b.fill(Qt::green);
        QVERIFY(a.save(dir.filePath(QStringLiteral("a.png"))));
        QVERIFY(b.save(dir.filePath(QStringLiteral("b.png"))));
        MainWindow w;
        QSignalSpy loaded(&w, &MainWindow::imageLoaded);
        w.openImage(dir.filePath(QStringLiteral("a.png")));
        w.openImage(dir.filePath(QStringLiteral("b.png")));
        QVERIFY(loaded.wait(5000));
        QTest::qWait(200);
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(w.imageSize(), QSize(20, 20));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
