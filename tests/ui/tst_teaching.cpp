// The teaching GUI without a display: the controller's state against the engine, its background
// full-size run (finish, cancel, newest wins) with QSignalSpy, invalid input, and smoke tests that
// grab each view and check the colour of the highlighted cells.
#include <QComboBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QtTest>

#include "conv/im2col.h"
#include "layers/convolution.h"
#include "teaching/controls_panel.h"
#include "teaching/convolution_view.h"
#include "teaching/gemm_view.h"
#include "teaching/im2col_view.h"
#include "teaching/playback_bar.h"
#include "teaching/teaching_controller.h"

using namespace convscope;
using ui::LayerSettings;
using ui::TeachingController;

namespace {

QImage gradient(int w, int h) {
    QImage img(w, h, QImage::Format_RGB32);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.setPixel(x, y,
                         qRgb((x * 255) / std::max(1, w - 1), (y * 255) / std::max(1, h - 1),
                              (x * y) % 256));
    return img;
}

LayerSettings layer(int k, int stride, int pad, int dilation, int filters = 2, int groups = 1) {
    LayerSettings l;
    l.params = core::WindowParams::square(k, stride, pad, dilation);
    l.params.groups = groups;
    l.filters = filters;
    l.rgb = true;
    return l;
}

QColor pixelAt(const QImage& img, const QPoint& p) {
    return QColor(img.pixel(p));
}

}  // namespace

class TestTeaching : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("ConvScopeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_teaching"));
    }

    void controllerMatchesTheEngineOverConfigs() {
        TeachingController c;
        c.setImage(gradient(60, 50), QStringLiteral("gradient"));
        c.setRoi(QRect(5, 7, 24, 20));
        for (const LayerSettings& l :
             {layer(3, 1, 1, 1), layer(3, 2, 0, 1), layer(3, 1, 2, 2, 2, 1), layer(5, 4, 2, 1, 3),
              layer(2, 3, 0, 1, 2, 1)}) {
            QVERIFY(c.setLayer(l));
            const core::ConvStepper& s = c.stepper();
            // The engine's im2col of the controller's input...
            std::vector<float> col(std::size_t(s.allGroupsRows()) * std::size_t(s.steps()));
            core::im2col(c.input().data(), s.channels(), s.height(), s.width(), s.params(),
                         col.data());
            for (int step = 0; step < s.steps(); step += 7) {
                c.select(core::Selection::output(c.filter(), step));
                // ...equals every highlighted entry of the selected output's column.
                for (const auto& e : c.highlights().entries)
                    QCOMPARE(s.colValue(c.input(), e.row, e.step),
                             col[std::size_t(e.row) * std::size_t(s.steps()) + std::size_t(step)]);
                QCOMPARE(c.step(), step);
                // And the dot product is the engine's output.
                QVERIFY(std::fabs(c.currentDot().value -
                                  c.output().at(0, c.filter(), s.outY(step), s.outX(step))) < 1e-5);
            }
        }
    }

    void invalidLayerIsRefusedWithTheEnginesMessage() {
        TeachingController c;
        c.setImage(gradient(40, 30), QStringLiteral("g"));
        QSignalSpy errors(&c, &TeachingController::errorOccurred);
        const LayerSettings before = c.layer();
        QVERIFY(!c.setLayer(layer(15, 1, 0, 4)));
        QCOMPARE(errors.count(), 1);
        QVERIFY(errors.first().first().toString().contains(
            QStringLiteral("larger than the padded input")));
        QVERIFY(c.layer() == before);
        QVERIFY(!c.check(layer(3, 1, 0, 1, 3, 2)).isEmpty());              // 3 channels, 2 groups
        c.setWeight(0, 0, 0, 0, std::numeric_limits<float>::quiet_NaN());  // ignored
        QVERIFY(std::isfinite(c.weights().at(0, 0, 0, 0)));
    }

    void fullSizeRunFinishesAndMatchesTheImage() {
        TeachingController c;
        QSignalSpy finished(&c, &TeachingController::fullFinished);
        c.setImage(gradient(300, 200), QStringLiteral("g"));
        QVERIFY(finished.wait(10000));
        QCOMPARE(c.fullOutputImage().size(), QSize(300, 200));  // 3x3, pad 1, stride 1
        QVERIFY(!c.fullRunning());
    }

    void fullSizeRunShowsTheFilterOnShow() {
        // Grouped (3 groups of 2 filters over one channel each): filter 5 reads the blue channel
        // only. The picture must be the engine's map 5 of the whole layer, in its colours.
        TeachingController c;
        QSignalSpy finished(&c, &TeachingController::fullFinished);
        c.setImage(gradient(90, 60), QStringLiteral("g"));
        QVERIFY(finished.wait(10000));
        QVERIFY(c.setLayer(layer(3, 1, 1, 1, 6, 3)));
        c.setFilter(5);
        finished.clear();  // stale runs report nothing; the next report is filter 5's
        QVERIFY(finished.wait(10000));

        const core::Tensor in = ui::imageToTensor(gradient(90, 60), true);
        const core::WindowParams p = c.layer().params;
        core::ConvolutionLayer conv("check", p, c.weights(), c.bias());
        const core::Shape shape = in.shape();
        core::Tensor out(conv.outputShape(std::span<const core::Shape>(&shape, 1)));
        const core::Tensor* inputs[] = {&in};
        core::ForwardContext ctx;
        conv.forward(inputs, out, ctx);
        const float* map = out.image(0) + 5 * out.shape().plane();
        const auto [lo, hi] = std::minmax_element(map, map + out.shape().plane());
        const QImage expected = ui::colorMapped(map, out.w(), out.h(), c.divergingMap(), *lo, *hi);
        QCOMPARE(c.fullOutputImage().size(), expected.size());
        int differing = 0;
        for (int y = 0; y < expected.height(); ++y)
            for (int x = 0; x < expected.width(); ++x) {
                const QColor a = c.fullOutputImage().pixelColor(x, y),
                             b = expected.pixelColor(x, y);
                if (std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) +
                        std::abs(a.blue() - b.blue()) >
                    3)
                    ++differing;
            }
        QCOMPARE(differing, 0);
    }

    void cancelAndNewestRequestWins() {
        TeachingController c;
        QSignalSpy finished(&c, &TeachingController::fullFinished);
        QSignalSpy progress(&c, &TeachingController::fullProgress);
        c.setImage(gradient(2400, 1600), QStringLiteral("big"));  // starts a run
        c.cancelFull();
        QTRY_VERIFY_WITH_TIMEOUT(!c.fullRunning() || finished.count() > 0, 10000);
        QCOMPARE(finished.count(), 0);  // a cancelled run reports nothing
        // Two requests in a row: only the second reports.
        QVERIFY(c.setLayer(layer(5, 2, 2, 1, 1)));
        QVERIFY(c.setLayer(layer(3, 2, 1, 1, 1)));
        QVERIFY(finished.wait(20000));
        QTest::qWait(200);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(c.fullOutputImage().size(), QSize(1200, 800));
        QVERIFY(progress.count() > 0);
    }

    void largeRegionConvolvesOffTheGuiThread() {
        TeachingController c;
        c.setImage(gradient(600, 500), QStringLiteral("g"));
        c.setRoi(QRect(0, 0, 256, 256));
        QSignalSpy changed(&c, &TeachingController::changed);
        LayerSettings big = layer(11, 1, 5, 1, 32);  // 2*32*65536*363 = 1.5 GFLOP
        QVERIFY(c.setLayer(big));
        QVERIFY(!c.outputReady());  // returned at once; the views show the output as pending
        QTRY_VERIFY_WITH_TIMEOUT(c.outputReady(), 20000);
        QVERIFY(changed.count() >= 2);
        // The background result is the engine's.
        const core::ConvStepper& s = c.stepper();
        for (int step : {0, 1000, s.steps() - 1})
            QVERIFY(std::fabs(s.dot(c.input(), c.weights(), c.bias(), 3, step).value -
                              c.output().at(0, 3, s.outY(step), s.outX(step))) < 1e-4);
    }

    // Zoom In on the convolution view enlarges its cells and keeps them enlarged once its scroll
    // bars appear (the resize they cause used to refit the view, so Zoom In did nothing);
    // Fit the Views (resetZoom) goes back to the fitted size.
    void theConvolutionViewZoomsIn() {
        TeachingController c;
        ui::ConvolutionView conv(&c);
        conv.resize(600, 400);
        conv.show();
        QVERIFY(QTest::qWaitForWindowExposed(&conv));
        c.setImage(gradient(64, 64), QStringLiteral("g"));
        c.setRoi(QRect(0, 0, 64, 64));
        QCoreApplication::processEvents();
        const int fitted = conv.cellSize();
        for (int i = 0; i < 4; ++i) conv.zoomIn();
        QCoreApplication::processEvents();
        QTest::qWait(20);
        QVERIFY2(conv.cellSize() > fitted, qPrintable(QString::number(conv.cellSize())));
        QVERIFY(conv.zoomedByHand());
        conv.resize(620, 410);  // a resize keeps the zoom too
        QCoreApplication::processEvents();
        QVERIFY(conv.cellSize() > fitted);
        conv.resetZoom();
        QCoreApplication::processEvents();
        QVERIFY(!conv.zoomedByHand());
        QVERIFY(conv.cellSize() <= fitted + 1);
    }

    // The kernel window leaves the pixels it covers visible: the middle of a tap keeps the
    // pixel's own colour, at small and large cells (outlines merged into an opaque block).
    void theKernelWindowLeavesItsPixelsVisible() {
        TeachingController c;
        ui::ConvolutionView conv(&c);
        conv.resize(900, 600);
        c.setImage(gradient(64, 48), QStringLiteral("g"));
        c.setRoi(QRect(0, 0, 24, 20));
        const core::ConvStepper& s = c.stepper();
        for (const int cell : {4, 6, 9, 20, 30}) {
            conv.setCellSize(cell);
            c.setStep(30);
            const QImage under = conv.renderContent();
            c.setStep(s.steps() - 1);  // the window far away, bottom right
            const QImage away = conv.renderContent();
            int y0 = 0, x0 = 0;
            s.windowOrigin(30, y0, x0);
            const QPoint middle = conv.inputCellRect(y0 + 1, x0 + 1).center();
            QCOMPARE(pixelAt(under, middle), pixelAt(away, middle));
        }
    }

    void viewsPaintTheHighlightedCells() {
        TeachingController c;
        ui::ConvolutionView conv(&c);
        ui::Im2colView im2col(&c);
        conv.resize(900, 500);
        im2col.resize(600, 400);
        c.setImage(gradient(64, 48), QStringLiteral("g"));
        c.setRoi(QRect(0, 0, 12, 10));
        c.setStep(5);
        const core::ConvStepper& s = c.stepper();
        // Convolution view: a computed output cell has the output's colour, a future one is blank.
        const QImage convImage = conv.renderContent();
        const QPoint done = conv.outputCellRect(s.outY(2), s.outX(2)).center();
        const QPoint future =
            conv.outputCellRect(s.outY(s.steps() - 1), s.outX(s.steps() - 1)).center();
        QCOMPARE(pixelAt(convImage, future), QColor(ui::ConvolutionView::kPending));
        QVERIFY(pixelAt(convImage, done) != QColor(ui::ConvolutionView::kPending));
        // The current step's window is outlined in orange over the input.
        int y0 = 0, x0 = 0;
        s.windowOrigin(5, y0, x0);
        const QRect tap = conv.inputCellRect(y0 + 1, x0 + 1);
        bool outlined = false;  // a thin outline along the tap's left edge
        for (int dx = 0; dx <= 2; ++dx)
            outlined |= pixelAt(convImage, tap.topLeft() + QPoint(dx, tap.height() / 2)) ==
                        QColor(255, 140, 0);  // the window's orange
        QVERIFY(outlined);
        // im2col view: the current column is outlined in orange.
        const QImage colImage = im2col.renderContent();
        const QRect entry = im2col.entryRect(3, 5);
        const QColor edge = pixelAt(colImage, QPoint(entry.left(), entry.center().y()));
        QCOMPARE(edge, QColor(255, 140, 0));
        // Selecting a pixel lights its copies in yellow.
        c.select(core::Selection::pixel(0, 4, 4));
        const auto copies = c.highlights().entries;
        QVERIFY(!copies.empty());
        const QImage lit = im2col.renderContent();
        const QRect copy = im2col.entryRect(copies.front().row, copies.front().step);
        const QColor yellow = pixelAt(lit, copy.topLeft() + QPoint(0, copy.height() / 2));
        QVERIFY2(yellow.red() > 200 && yellow.green() > 180 && yellow.blue() < 80,
                 qPrintable(yellow.name()));
    }

    void gemmPanelTimesTheArticlesExample() {
        TeachingController c;
        ui::GemmPanel gemm(&c);
        c.setImage(gradient(40, 30), QStringLiteral("g"));
        QVERIFY(gemm.figures().contains(QStringLiteral("K=27")));
        QSignalSpy timed(&c, &TeachingController::exampleGemmTimed);
        gemm.runExample();  // on the engine thread
        QVERIFY(timed.wait(20000));
        QVERIFY(timed.first().first().toDouble() > 0);
        QVERIFY2(gemm.figures().contains(QStringLiteral("GFLOP/s")), qPrintable(gemm.figures()));
    }

    void controlsValidateAsYouType() {
        TeachingController c;
        ui::ControlsPanel controls(&c);
        c.setImage(gradient(20, 20), QStringLiteral("g"));
        auto spins = controls.findChildren<QSpinBox*>();
        QSpinBox* kernelH = nullptr;
        for (QSpinBox* s : spins)
            if (s->toolTip().startsWith(QStringLiteral("Kernel height"))) kernelH = s;
        QVERIFY(kernelH);
        kernelH->setValue(15);  // 15 > 20 + 2 padding? no: fits; dilation makes it not
        QSpinBox* dilation = nullptr;
        for (QSpinBox* s : spins)
            if (s->toolTip().startsWith(QStringLiteral("Vertical dilation"))) dilation = s;
        dilation->setValue(2);  // effective 29 > 22
        QVERIFY2(controls.problem().contains(QStringLiteral("larger than the padded input")),
                 qPrintable(controls.problem()));
        QCOMPARE(c.layer().params.dilationH, 1);  // the invalid layer never reached the controller
        QCOMPARE(c.layer().params.kernelH, 15);
    }

    // 7x7 and 11x11 kernels: every weight's text fits its cell (stretched over the dock's width,
    // they were elided to "0…" and "-…").
    void wideKernelWeightsAreReadable() {
        TeachingController c;
        ui::ControlsPanel controls(&c);
        controls.resize(300, 700);
        controls.show();
        c.setImage(gradient(40, 40), QStringLiteral("g"));
        for (const int k : {3, 7, 11}) {
            ui::LayerSettings layer = c.layer();
            layer.params.kernelH = layer.params.kernelW = k;
            QVERIFY(c.setLayer(layer));
            auto* grid = controls.findChild<QTableWidget*>();
            QVERIFY(grid);
            QCOMPARE(grid->columnCount(), k);
            const QFontMetrics metrics(grid->font());
            for (int i = 0; i < k; ++i)
                for (int j = 0; j < k; ++j) {
                    const QString text = grid->item(i, j)->text();
                    QVERIFY2(metrics.horizontalAdvance(text) <= grid->columnWidth(j),
                             qPrintable(QStringLiteral("%1x%1: '%2' in %3 px")
                                            .arg(k)
                                            .arg(text)
                                            .arg(grid->columnWidth(j))));
                }
        }
    }

    void playbackAdvancesSteps() {
        TeachingController c;
        ui::PlaybackBar bar(&c);
        c.setImage(gradient(30, 30), QStringLiteral("g"));
        QCOMPARE(c.step(), 0);
        bar.faster();
        bar.faster();  // 15 steps/s
        bar.togglePlay();
        QTRY_VERIFY_WITH_TIMEOUT(c.step() >= 3, 3000);
        bar.togglePlay();
        const int stopped = c.step();
        QTest::qWait(300);
        QCOMPARE(c.step(), stopped);
    }
};

QTEST_MAIN(TestTeaching)
#include "tst_teaching.moc"
