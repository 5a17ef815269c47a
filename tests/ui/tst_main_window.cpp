// MainWindow: opens on the embedded default image; a bad file is reported and the current image
// kept; a good file replaces it. Runs on the offscreen platform.
#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include "base/error.h"
#include "io/matrix_image.h"
#include "shell/main_window.h"
#include "teaching/controls_panel.h"
#include "teaching/convolution_view.h"
#include "teaching/teaching_controller.h"

using convscope::ui::MainWindow;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void fitsASmallScreen() {
        // 1366x768 laptops and projectors: the window, docks included, must fit.
        MainWindow w;
        QVERIFY2(w.minimumSizeHint().width() <= 1366,
                 qPrintable(QString::number(w.minimumSizeHint().width())));
        QVERIFY(w.minimumSizeHint().height() <= 768);
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
