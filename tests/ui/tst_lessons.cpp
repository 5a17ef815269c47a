// Sessions and lessons without a display: save → open → the same state bit for bit (weights
// included); the built-in lesson's every step applies; recording a lesson; broken and hand-edited
// files give a message naming the problem and leave the current state as it was.
#include <QApplication>
#include <QFile>
#include <QMenuBar>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>
#include <opencv2/videoio.hpp>

#include "classroom/lesson_bar.h"
#include "classroom/live_view.h"
#include "classroom/presentation.h"
#include "classroom/quiz_panel.h"
#include "headless/shot.h"
#include "io/animation.h"
#include "layers/convolution.h"
#include "network/network_controller.h"
#include "shell/app_state.h"
#include "shell/export_dialog.h"
#include "shell/main_window.h"
#include "teaching/convolution_view.h"
#include "teaching/gemm_view.h"
#include "teaching/im2col_view.h"
#include "teaching/teaching_controller.h"

using namespace convscope;
using ui::AppState;
using ui::MainWindow;

namespace {

// A state away from every default: 5x3 kernel, stride 2, asymmetric pads, 3 Gabor kernels with
// one edited weight, step 7, filter 2, the Filters tab.
void configure(MainWindow& w) {
    ui::LayerSettings l;
    l.params = core::WindowParams::square(5, 2, 1);
    l.params.kernelW = 3;
    l.params.padRight = 2;
    l.filters = 3;
    l.rgb = true;
    l.preset = int(core::KernelPreset::Gabor45);
    QVERIFY(w.controller()->setView(QRect(100, 60, 40, 30), l));
    w.controller()->setWeight(1, 2, 3, 1, 0.1f + 1e-7f);  // not a round number
    w.controller()->setBias(2, -0.3f);
    w.controller()->setFilter(2);
    w.controller()->setStep(7);
    w.showTab(MainWindow::FiltersTab);
}

QString write(QTemporaryDir& dir, const char* name, const QByteArray& bytes) {
    const QString path = dir.filePath(QLatin1String(name));
    QFile f(path);
    if (f.open(QIODevice::WriteOnly)) f.write(bytes);
    return path;
}

}  // namespace

class TestLessons : public QObject {
    Q_OBJECT
private slots:
    void init() { QSettings().clear(); }

    void sessionRoundTripIsBitForBit() {
        MainWindow a;
        configure(a);
        const AppState saved = a.captureState();
        QCOMPARE(saved.step, 7);
        QTemporaryDir dir;
        QString error;
        const QString path = dir.filePath(QStringLiteral("s.json"));
        QVERIFY2(a.saveSession(path, &error), qPrintable(error));

        MainWindow b;
        QVERIFY(b.openFile(path));
        const AppState opened = b.captureState();
        QVERIFY(opened == saved);
        QCOMPARE(b.controller()->weights().at(1, 2, 3, 1), 0.1f + 1e-7f);
        QCOMPARE(b.controller()->bias()[2], -0.3f);
        QCOMPARE(b.controller()->step(), 7);
        QCOMPARE(b.currentTab(), MainWindow::FiltersTab);
        // Saving again gives the same bytes.
        QCOMPARE(ui::sessionBytes(opened), ui::sessionBytes(saved));
    }

    void embeddedImageRoundTrip() {
        QTemporaryDir dir;
        QImage img(64, 48, QImage::Format_RGB32);
        for (int y = 0; y < 48; ++y)
            for (int x = 0; x < 64; ++x) img.setPixel(x, y, qRgb(x * 4, y * 5, (x * y) & 255));
        const QString png = dir.filePath(QStringLiteral("g.png"));
        QVERIFY(img.save(png));
        MainWindow a;
        QSignalSpy loaded(&a, &MainWindow::imageLoaded);
        a.openImage(png);
        QVERIFY(loaded.wait(10000));
        a.setEmbedImages(true);
        const AppState s = a.captureState();
        QVERIFY(s.imagePath.isEmpty());
        QVERIFY(!s.imagePng.isEmpty());
        QFile::remove(png);  // the session must not need the file any more
        QString error;
        const QString path = dir.filePath(QStringLiteral("e.json"));
        QVERIFY(a.saveSession(path, &error));
        MainWindow b;
        QSignalSpy applied(&b, &MainWindow::stateApplied);
        QVERIFY(b.openFile(path));
        QVERIFY(applied.count() == 1 ||
                applied.wait(10000));  // the image decodes off the GUI thread
        QCOMPARE(b.controller()->image(), a.controller()->image());
        QVERIFY(b.captureState() == a.captureState());
    }

    void lessonFileRoundTrip() {
        const ui::Lesson lesson = ui::builtInLesson();
        QVERIFY(lesson.steps.size() >= 8);
        ui::Lesson back;
        bool isLesson = false;
        QString error;
        QVERIFY2(ui::parseStateFile(ui::lessonBytes(lesson), back, isLesson, &error),
                 qPrintable(error));
        QVERIFY(isLesson);
        QCOMPARE(back.title, lesson.title);
        QCOMPARE(back.steps.size(), lesson.steps.size());
        for (std::size_t i = 0; i < lesson.steps.size(); ++i)
            QVERIFY(back.steps[i] == lesson.steps[i]);
    }

    void builtInLessonEveryStepApplies() {
        MainWindow w;
        const ui::Lesson lesson = ui::builtInLesson();
        for (std::size_t i = 0; i < lesson.steps.size(); ++i) {
            QString error;
            QVERIFY2(w.applyState(lesson.steps[i], &error),
                     qPrintable(QStringLiteral("step %1: %2").arg(i + 1).arg(error)));
        }
        // The stride-4 step: a 256x256 region becomes 64x64.
        QString error;
        QVERIFY(w.applyState(lesson.steps[2], &error));
        QCOMPARE(w.controller()->stepper().outHeight(), 64);
        QCOMPARE(w.controller()->stepper().outWidth(), 64);
        // The model steps open the built-in AlexNet and select their layer.
        QSignalSpy changed(w.network(), &ui::NetworkController::modelChanged);
        QVERIFY(w.applyState(lesson.steps[6], &error));
        if (w.network()->loading()) QVERIFY(changed.wait(60000));
        QCOMPARE(w.network()->rows()[std::size_t(w.network()->currentRow())].name,
                 QStringLiteral("fc6"));
        QCOMPARE(w.currentTab(), MainWindow::FullyConnectedTab);
    }

    void lessonNavigationAndRecording() {
        MainWindow w;
        ui::LessonBar* bar = w.lessonBar();
        bar->setLesson(ui::builtInLesson());
        QCOMPARE(bar->current(), 0);
        QVERIFY(bar->next());
        QCOMPARE(w.controller()->layer().params.strideH, 2);
        QVERIFY(bar->previous());
        QVERIFY(!bar->previous());
        bar->close();
        QVERIFY(!bar->active());

        // Record two steps, reorder, save, reopen.
        configure(w);
        bar->addStep(QStringLiteral("first"));
        w.controller()->setStep(3);
        bar->addStep(QStringLiteral("second"));
        QCOMPARE(int(bar->lesson().steps.size()), 2);
        bar->moveCurrent(-1);
        QCOMPARE(bar->lesson().steps[0].caption, QStringLiteral("second"));
        QCOMPARE(bar->lesson().steps[0].step, 3);
        bar->setCaption(QStringLiteral("edited"));
        QTemporaryDir dir;
        const QString path = write(dir, "recorded.json", ui::lessonBytes(bar->lesson()));
        MainWindow other;
        QVERIFY(other.openFile(path));
        QVERIFY(other.lessonBar()->active());
        QCOMPARE(other.lessonBar()->lesson().steps[0].caption, QStringLiteral("edited"));
        QCOMPARE(other.controller()->step(), 3);
    }

    void exportWritesEveryFrame() {
        MainWindow w;
        configure(w);
        QTemporaryDir dir;
        for (const char* name : {"a.gif", "a.mp4"}) {
            ui::AnimationSettings a;
            a.view = QStringLiteral("conv");
            a.from = 2;
            a.to = 9;
            a.fps = 5;
            a.size = QSize(500, 300);
            a.path = dir.filePath(QLatin1String(name));
            QString error;
            QVERIFY2(w.exportAnimation(a, &error), qPrintable(error));
            cv::VideoCapture cap(a.path.toStdString());
            int frames = 0;
            cv::Mat m;
            while (cap.read(m)) {
                ++frames;
                QCOMPARE(m.cols, 500);
                QCOMPARE(m.rows, 300);
            }
            QCOMPARE(frames, 8);
        }
        // Cancel after two frames: no file is left behind.
        ui::ShotRequest r = ui::requestFromState(w.captureState());
        ui::TeachingScene scene;
        QString error;
        QVERIFY(scene.build(r, &error));
        const QString path = dir.filePath(QStringLiteral("c.gif"));
        QVERIFY(!ui::exportAnimation(
            scene, 0, 20, 4, path, [](int done, int) { return done < 2; }, &error));
        QCOMPARE(error, QStringLiteral("cancelled"));
        QVERIFY(!QFile::exists(path));
        QVERIFY(!ui::exportAnimation(scene, 5, 4000, 4, path, {}, &error));
        QVERIFY(error.contains(QStringLiteral("must lie within")));
    }

    void quizPanel() {
        MainWindow w;
        ui::QuizPanel* quiz = w.quizPanel();
        quiz->restart(5);
        core::Quiz reference(5);
        const core::Question first = reference.next();
        QCOMPARE(quiz->question()->text, first.text);  // the seed's sequence
        // Answer the seed's questions: right, then wrong.
        auto answerRight = [&] {
            const core::Question& q = *quiz->question();
            if (q.kind == core::QuestionKind::CoveredCells)
                for (const auto& [r, c] : q.expected.cells) quiz->grid()->toggle(r, c);
            else
                quiz->setNumbers(q.expected.numbers);
            return quiz->check();
        };
        QVERIFY(answerRight());
        QVERIFY(!quiz->check());  // checking twice does not count twice
        quiz->newQuestion();
        if (quiz->question()->kind == core::QuestionKind::CoveredCells)
            quiz->grid()->toggle(0, 0);
        else
            quiz->setNumbers(std::vector<long long>(quiz->question()->expected.numbers.size(), 0));
        QVERIFY(!quiz->check());
        QCOMPARE(quiz->quiz().asked(), 2);
        QCOMPARE(quiz->quiz().correct(), 1);
        // Questions on the layer on screen, answered from the engine's own stepper.
        configure(w);
        quiz->setSource(true);
        quiz->setKind(int(core::QuestionKind::OutputSize));
        quiz->newQuestion();
        QCOMPARE(quiz->question()->expected.numbers,
                 (std::vector<long long>{w.controller()->stepper().outHeight(),
                                         w.controller()->stepper().outWidth()}));
        quiz->setKind(int(core::QuestionKind::CoveredCells));
        quiz->newQuestion();
        QCOMPARE(quiz->question()->step, w.controller()->step() + 1);  // the next step's window
        QVERIFY(answerRight());
    }

    void liveInputFromAVideoFile() {
        // A short clip written by the test: a bright bar moving right.
        QTemporaryDir dir;
        const std::string clip = dir.filePath(QStringLiteral("clip.mp4")).toStdString();
        {
            core::io::AnimationWriter writer(clip, 96, 64, 25);
            for (int i = 0; i < 10; ++i) {
                core::RgbImage f;
                f.width = 96;
                f.height = 64;
                f.pixels.assign(96 * 64 * 3, 30);
                for (int y = 0; y < 64; ++y)
                    for (int x = i * 8; x < i * 8 + 12 && x < 96; ++x)
                        for (int c = 0; c < 3; ++c)
                            f.pixels[(std::size_t(y) * 96 + std::size_t(x)) * 3 + std::size_t(c)] =
                                230;
                writer.add(f);
            }
        }
        MainWindow w;
        ui::LiveController* live = w.live();
        QSignalSpy started(live, &ui::LiveController::started);
        QSignalSpy ready(live, &ui::LiveController::frameReady);
        live->start(QString::fromStdString(clip));
        QVERIFY(started.wait(10000));
        while (ready.count() < 4) QVERIFY(ready.wait(10000));
        const QImage frame = live->frame(), output = live->output();
        QCOMPARE(frame.size(), QSize(96, 64));
        QCOMPARE(output.size(), QSize(96, 64));  // 3x3, stride 1, padding 1
        QVERIFY(live->fps() > 0);
        // The output is the engine's convolution of that very frame with the current kernel.
        const ui::TeachingController* t = w.controller();
        const core::Tensor in = ui::imageToTensor(frame, t->layer().rgb);
        core::ConvolutionLayer conv("check", t->stepper().params(), t->weights(), t->bias());
        const core::Shape s = in.shape();
        core::Tensor out(conv.outputShape(std::span<const core::Shape>(&s, 1)));
        const core::Tensor* inputs[] = {&in};
        core::ForwardContext ctx;
        conv.forward(inputs, out, ctx);
        const float* plane = out.data();
        const auto [lo, hi] = std::minmax_element(plane, plane + out.shape().plane());
        int mismatches = 0;
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 96; ++x) {
                const core::Rgb c = core::mapValue(t->divergingMap(), plane[y * 96 + x], *lo, *hi);
                if (output.pixel(x, y) != qRgb(c.r, c.g, c.b)) ++mismatches;
            }
        QCOMPARE(mismatches, 0);
        live->stop();
        QVERIFY(!live->running());
        // A source that does not exist: a message, no crash.
        QSignalSpy failed(live, &ui::LiveController::failed);
        live->start(QStringLiteral("/no/such/video.mp4"));
        QVERIFY(failed.wait(10000));
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("cannot be opened")));
        live->stop();
    }

    void accessibility() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.controller()->setStep(41);
        const QString d = w.convolutionView()->accessibleDescription();
        QVERIFY2(
            d.startsWith(QStringLiteral("Step 42 of 1024: output row 1, column 9 of kernel 0 = "
                                        "the sum of 27 products")),
            qPrintable(d));
        QVERIFY(d.contains(QString::number(w.controller()->currentDot().value, 'g', 4)));
        QVERIFY(w.im2colPanel()->view()->accessibleDescription().contains(
            QStringLiteral("im2col column 41")));
        QVERIFY(w.gemmPanel()->view()->accessibleDescription().contains(
            QStringLiteral("row 0 of W times column 41")));
        // A visible focus: the focused view draws a frame in the highlight colour.
        w.convolutionView()->setFocus();
        QTRY_VERIFY(w.convolutionView()->hasFocus());
        const QImage grabbed = w.convolutionView()->viewport()->grab().toImage();
        QCOMPARE(grabbed.pixelColor(2, grabbed.height() / 2),
                 w.convolutionView()->palette().color(QPalette::Highlight));
        // The quiz grid works from the keyboard.
        ui::QuizPanel* quiz = w.quizPanel();
        quiz->parentWidget()->show();  // the Quiz dock
        quiz->setKind(int(core::QuestionKind::CoveredCells));
        quiz->newQuestion();
        QTest::keyClick(quiz->grid(), Qt::Key_Right);
        QTest::keyClick(quiz->grid(), Qt::Key_Down);
        QTest::keyClick(quiz->grid(), Qt::Key_Space);
        QCOMPARE(quiz->grid()->chosen().size(), std::size_t(1));
        QCOMPARE(quiz->grid()->chosen().front(), std::make_pair(1, 1));
    }

    void exportEveryViewAsPngAndSvg() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTemporaryDir dir;
        QString error;
        using ui::ExportableView;
        for (ExportableView view :
             {ExportableView::Convolution, ExportableView::Im2col, ExportableView::Gemm}) {
            for (const char* ext : {".png", ".svg"}) {
                const QString path =
                    dir.filePath(QStringLiteral("v%1%2").arg(int(view)).arg(QLatin1String(ext)));
                QVERIFY2(w.exportViewTo(view, path, &error), qPrintable(error));
                QFile f(path);
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QByteArray head = f.read(64);
                QVERIFY(QLatin1String(ext) == QLatin1String(".png") ? head.startsWith("\x89PNG")
                                                                    : head.contains("<?xml"));
            }
        }
        // Without a model the gallery is empty: a message, no file.
        QVERIFY(!w.exportViewTo(ExportableView::FilterGallery,
                                dir.filePath(QStringLiteral("g.png")), &error));
        QVERIFY(error.contains(QStringLiteral("empty")));
        QVERIFY(!w.exportViewTo(ExportableView::ProfileChart, dir.filePath(QStringLiteral("p.svg")),
                                &error));
        QVERIFY(error.contains(QStringLiteral("run a profile first")));
    }

    void presentationKeys() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
        const QFont before = QApplication::font();
        QTest::keyClick(&w, Qt::Key_F5);
        QVERIFY(w.presentation()->active());
        QVERIFY(!w.menuBar()->isVisible());
        QVERIFY(QApplication::font().pointSizeF() > before.pointSizeF());
        // Page Down without a lesson: the animation's next step.
        const int step = w.controller()->step();
        QTest::keyClick(&w, Qt::Key_PageDown);
        QCOMPARE(w.controller()->step(), step + 1);
        QTest::keyClick(&w, Qt::Key_Right);
        QCOMPARE(w.controller()->step(), step + 2);
        // With a lesson: the lesson's steps.
        w.lessonBar()->setLesson(ui::builtInLesson());
        QTest::keyClick(&w, Qt::Key_PageDown);
        QCOMPARE(w.lessonBar()->current(), 1);
        QTest::keyClick(&w, Qt::Key_PageUp);
        QCOMPARE(w.lessonBar()->current(), 0);
        QTest::keyClick(&w, Qt::Key_B);
        QVERIFY(w.presentation()->blanked());
        QTest::keyClick(&w, Qt::Key_B);
        QVERIFY(!w.presentation()->blanked());
        // Esc leaves (and does not cancel anything else); everything comes back.
        QTest::keyClick(&w, Qt::Key_Escape);
        QVERIFY(!w.presentation()->active());
        QVERIFY(w.menuBar()->isVisible());
        QCOMPARE(QApplication::font(), before);
        // Outside presentation mode, B is an ordinary key.
        QTest::keyClick(&w, Qt::Key_B);
        QVERIFY(!w.presentation()->blanked());
    }

    void brokenFilesKeepTheState_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("not json") << QByteArray("{\"convscope\": ") << "not valid JSON";
        QTest::newRow("not ours") << QByteArray("{\"a\": 1}") << "not a ConvScope file";
        QTest::newRow("future version")
            << QByteArray(R"({"convscope": "session", "version": 9, "state": {}})") << "version 9";
        QTest::newRow("stride not a number")
            << QByteArray(
                   R"({"convscope": "session", "version": 1, "state": {"layer": {"strideH": "two"}}})")
            << "'layer.strideH' must be an integer";
        QTest::newRow("weights of the wrong shape")
            << QByteArray(
                   R"({"convscope": "session", "version": 1, "state": {"layer": {"kernelH": 3},
                  "weights": {"shape": [1, 3, 5, 5], "values": []}}})")
            << "'weights.shape' is 1x3x5x5 but the layer needs 1x3x3x3";
        QTest::newRow("step beyond the layer")
            << QByteArray(R"({"convscope": "session", "version": 1, "state": {"roi": [0, 0, 8, 8],
                  "layer": {"kernelH": 3}, "step": 64}})")
            << "'step' is 64 but this layer has steps 0 to 63";
        QTest::newRow("region outside the image")
            << QByteArray(
                   R"({"convscope": "session", "version": 1, "state": {"roi": [440, 0, 32, 32]}})")
            << "outside the 451×300 image";
        QTest::newRow("kernel too big for the region")
            << QByteArray(R"({"convscope": "session", "version": 1, "state": {"roi": [0, 0, 4, 4],
                  "layer": {"kernelH": 9, "padTop": 0}}})")
            << "larger than the padded input";
        QTest::newRow("missing image")
            << QByteArray(
                   R"({"convscope": "session", "version": 1, "state": {"image": {"path": "/no/such.png"}}})")
            << "cannot be read";
        // Found by fuzzing (tests/fuzz/regressions/state_file): each was accepted unchecked.
        QTest::newRow("mean longer than 3")
            << QByteArray(R"({"convscope": "session", "version": 1, "state": {"model":
                  {"builtIn": "lenet", "mean": [1, 2, 3, 4, 5, 6, 7, 8]}}})")
            << "'model.mean' must have 3 numbers, it has 8";
        QTest::newRow("region corner beyond int")
            << QByteArray(
                   R"({"convscope": "session", "version": 1, "state": {"roi": [1e300, 0, 8, 8]}})")
            << "'roi' must be whole numbers";
        QTest::newRow("region at the largest int")
            << QByteArray(
                   R"({"convscope": "session", "version": 1, "state": {"roi": [2147483647, 0, 8, 8]}})")
            << "'roi' must be whole numbers";
        QTest::newRow("weights shape beyond int")
            << QByteArray(R"({"convscope": "session", "version": 1, "state": {"layer": {},
                  "weights": {"shape": [3.11111e+52, 3, 3, 3], "values": []}}})")
            << "'weights.shape' must hold whole numbers from 1 to 64";
        QTest::newRow("model block without a model")
            << QByteArray(
                   R"({"convscope": "session", "version": 1, "state": {"model": {"layer": "conv1"}}})")
            << "'model.path' is missing";
        QTest::newRow("lesson without steps")
            << QByteArray(R"({"convscope": "lesson", "version": 1, "title": "x", "steps": []})")
            << "non-empty list";
        QTest::newRow("lesson with a bad step")
            << QByteArray(R"({"convscope": "lesson", "version": 1, "steps": [{}, {"tab": 7}]})")
            << "step 2: 'tab' must be an integer from 0 to 4";
    }

    void brokenFilesKeepTheState() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, phrase);
        MainWindow w;
        configure(w);
        const AppState before = w.captureState();
        QTemporaryDir dir;
        const QString path = write(dir, "bad.json", bytes);
        // A file that does not parse fails at once; an image that does not decode, soon after.
        QSignalSpy failed(&w, &MainWindow::stateFailed);
        if (w.openFile(path)) QVERIFY(failed.count() == 1 || failed.wait(10000));
        const QString message = w.statusBar()->currentMessage();
        QVERIFY2(message.contains(phrase), qPrintable(message));
        QVERIFY(message.contains(QStringLiteral("current state is kept")));
        QVERIFY(w.captureState() == before);
        QVERIFY(!w.lessonBar()->active());
    }
};

QTEST_MAIN(TestLessons)
#include "tst_lessons.moc"
