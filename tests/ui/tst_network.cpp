// The GUI's network side without a display: the model panel on a model written by the test
// (layers, an unsupported one marked), the filter gallery's tiles against the weights, a filter
// clicked into the teaching view, feature maps against the engine, the profile controller's async
// run and cancel (QSignalSpy), its CSV/JSON/PNG/SVG exports, the fc report, and kernel files.
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include "io/model_import.h"
#include "layers/fully_connected.h"
#include "measure/method_ladder.h"
#include "network/fc_view.h"
#include "network/filters_panel.h"
#include "network/model_panel.h"
#include "network/network_controller.h"
#include "network/network_views.h"
#include "network/profile_view.h"
#include "shell/main_window.h"
#include "teaching/teaching_controller.h"
#include "written_model.h"

using namespace convscope;
using ui::NetworkController;

namespace {

QImage gradient(int w, int h) {
    QImage img(w, h, QImage::Format_RGB32);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.setPixel(x, y, qRgb(x * 255 / w, y * 255 / h, (x ^ y) & 255));
    return img;
}

bool openWritten(NetworkController& net, const test::WrittenModel& w) {
    QSignalSpy changed(&net, &NetworkController::modelChanged);
    net.openModel(QString::fromStdString(w.caffemodel), QString::fromStdString(w.prototxt));
    return changed.wait(20000);
}

}  // namespace

class TestNetwork : public QObject {
    Q_OBJECT
private slots:
    void init() { QSettings().clear(); }

    void modelPanelListsLayersAndMarksUnsupported() {
        NetworkController net;
        ui::ModelPanel panel(&net);
        const test::WrittenModel ok = test::writeModel("ui_ok");
        QVERIFY(openWritten(net, ok));
        QVERIFY(net.runnable());
        QTreeWidget* tree = panel.tree();
        QCOMPARE(tree->topLevelItemCount(), 9);
        QCOMPARE(tree->topLevelItem(0)->text(0), QStringLiteral("conv1"));
        QCOMPARE(tree->topLevelItem(0)->text(3), QStringLiteral("4×13×10"));  // 3x2 kernel, pad 1,0
        QCOMPARE(tree->topLevelItem(0)->text(6), QStringLiteral("4×130×18"));  // M×N×K
        QCOMPARE(net.currentRow(), 0);  // the first conv is current
        // Picking a row in the tree makes it current everywhere.
        tree->setCurrentItem(tree->topLevelItem(3));
        QCOMPARE(net.currentRow(), 3);

        const test::WrittenModel tanh = test::writeModel(
            "ui_tanh", R"(layer { name: "tanh1" type: "TanH" bottom: "conv1" top: "conv1" })");
        QVERIFY(openWritten(net, tanh));
        QVERIFY(!net.runnable());
        QCOMPARE(tree->topLevelItemCount(), 10);
        QTreeWidgetItem* bad = tree->topLevelItem(2);
        QCOMPARE(bad->text(0), QStringLiteral("tanh1"));
        QVERIFY(bad->toolTip(0).contains(QStringLiteral("Not supported")));
        QVERIFY(bad->background(0).color() != tree->topLevelItem(0)->background(0).color());
        // Filters stay browsable.
        QVERIFY(net.filtersOf(net.firstConvRow()) != nullptr);

        // A broken file: a clear message, the current model kept.
        QSignalSpy failed(&net, &NetworkController::modelFailed);
        net.openModel(QStringLiteral("/nonexistent/model.onnx"));
        QVERIFY(failed.wait(10000));
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("model is kept")));
        QCOMPARE(tree->topLevelItemCount(), 10);
    }

    void galleryTilesMatchTheWeights() {
        NetworkController net;
        QVERIFY(openWritten(net, test::writeModel("ui_gallery")));
        ui::FilterGallery gallery(&net);
        gallery.resize(400, 300);
        gallery.setCellSize(5);
        const QImage img = gallery.rendered();
        QVERIFY(!img.isNull());
        const core::io::ConvFilters* f = net.filtersOf(net.currentRow());
        QVERIFY(f);
        // Four RGB filters in a 2x2 grid: every tile is hit by its own filter.
        QCOMPARE(f->weights.n(), 4);
        for (int m = 0; m < 4; ++m) {
            const QRect r = gallery.tileRect(m);
            QCOMPARE(r.size(), QSize(2 * 5, 3 * 5));
            QCOMPARE(gallery.filterAt(r.center()), m);
        }
        // One tile's pixels against filter 1's weights: per-filter stretch, channels B,G,R
        // (a Caffe model without swap), so red is channel 2.
        const core::Tensor& w = f->weights;
        const float* p = w.data() + w.shape().perImage();
        const auto [lo, hi] = std::minmax_element(p, p + w.shape().perImage());
        const QRect r = gallery.tileRect(1);
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 2; ++x) {
                const QRgb px = img.pixel(r.left() + x * 5 + 2, r.top() + y * 5 + 2);
                const auto expect = [&](int c) {
                    return int(std::lround((w.at(1, c, y, x) - *lo) / (*hi - *lo) * 255));
                };
                QVERIFY2(std::abs(qRed(px) - expect(2)) <= 1,
                         qPrintable(QString::number(qRed(px))));
                QVERIFY(std::abs(qGreen(px) - expect(1)) <= 1);
                QVERIFY(std::abs(qBlue(px) - expect(0)) <= 1);
            }
        // The keyboard does the same: arrows select, Enter chooses.
        gallery.show();
        QVERIFY(QTest::qWaitForWindowExposed(&gallery));
        QSignalSpy keyed(&gallery, &ui::FilterGallery::filterChosen);
        QTest::keyClick(&gallery, Qt::Key_Right);
        QCOMPARE(gallery.selectedFilter(), 0);
        QTest::keyClick(&gallery, Qt::Key_Right);
        QCOMPARE(gallery.selectedFilter(), 1);
        QTest::keyClick(&gallery, Qt::Key_Down);
        QCOMPARE(gallery.selectedFilter(), 3);
        QTest::keyClick(&gallery, Qt::Key_Return);
        QCOMPARE(keyed.count(), 1);
        QCOMPARE(keyed.first().at(1).toInt(), 3);
        // A click chooses the filter.
        QSignalSpy chosen(&gallery, &ui::FilterGallery::filterChosen);
        QTest::mouseClick(gallery.viewport(), Qt::LeftButton, {}, gallery.tileRect(2).center());
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.first().at(1).toInt(), 2);
    }

    void clickedFilterBecomesTheTeachingKernel() {
        ui::MainWindow window;
        NetworkController* net = window.network();
        QVERIFY(openWritten(*net, test::writeModel("ui_click")));
        window.filtersPanel()->gallery()->filterChosen(net->currentRow(), 3);
        const ui::TeachingController* t = window.controller();
        QCOMPARE(t->weights().n(), 1);
        QCOMPARE(t->layer().params.kernelH, 3);
        QCOMPARE(t->layer().params.kernelW, 2);
        QCOMPARE(t->layer().params.padTop, 1);
        // R,G,B in the teaching view = channels 2,1,0 of the Caffe (B,G,R) filter.
        const core::Tensor& w = net->filtersOf(net->currentRow())->weights;
        QCOMPARE(t->weights().at(0, 0, 1, 1), w.at(3, 2, 1, 1));
        QCOMPARE(t->weights().at(0, 2, 2, 0), w.at(3, 0, 2, 0));
        QVERIFY(t->kernelSource().contains(QStringLiteral("conv1 filter 3")));
    }

    void featureMapsAreTheEnginesActivations() {
        NetworkController net;
        QVERIFY(openWritten(net, test::writeModel("ui_features")));
        QSignalSpy ready(&net, &NetworkController::featuresChanged);
        net.setImage(gradient(40, 30));
        QVERIFY(ready.wait(20000));
        // The same image through the engine directly.
        core::io::ImportedModel m =
            core::io::importModel(net.model()->modelPath, net.model()->configPath);
        const core::Tensor in = net.networkInput();
        QCOMPARE(in.shape(), (core::Shape{1, 3, 13, 11}));
        core::ForwardContext ctx;
        m.network->forward(in, ctx);
        for (int i = 0; i < m.network->size(); ++i) {
            const core::Tensor* a = net.activations(i);
            QVERIFY(a);
            QCOMPARE(a->shape(), m.network->blob(i).shape());
            QVERIFY(core::compare(a->span(), m.network->blob(i).span()).maxAbs == 0);
        }
        QCOMPARE(int(net.predictions().size()), 5);
        // The grid shows every channel of conv1.
        ui::FeatureMapView view(&net);
        view.setLayer(0);
        view.setCellSize(3);
        QVERIFY(!view.rendered().isNull());
        QVERIFY(view.channelAt(QPoint(2, 2)) == 0);
    }

    void profileRunsAsyncAndCancels() {
        NetworkController net;
        QSignalSpy changed(&net, &NetworkController::modelChanged);
        net.openBuiltIn(QStringLiteral("lenet"));
        QVERIFY(changed.wait(20000));
        QSignalSpy finished(&net, &NetworkController::profileFinished);
        QSignalSpy progress(&net, &NetworkController::profileProgress);
        ui::ProfileSettings s;
        s.threads = 1;
        s.repeat = 3;
        s.compareOpenCv = true;
        net.runProfile(s);
        QVERIFY(net.profiling());
        QVERIFY(finished.wait(60000));
        QVERIFY(!net.profiling());
        QVERIFY(progress.count() >= 4);
        const auto& run = net.lastProfile();
        QVERIFY(run.has_value());
        QCOMPARE(run->profile.threads, 1);
        QCOMPARE(run->profile.repeat, 3);
        QCOMPARE(int(run->profile.layers.size()), net.model()->network->size());
        QVERIFY(run->context.peakGflops > 0);
        QVERIFY(run->context.peerTotalMs > 0);
        QVERIFY(run->context.peerMaxAbsDiff >= 0 && run->context.peerMaxAbsDiff < 1e-4);
        QVERIFY(!run->context.peerLayerMs.empty());

        // Cancel: a long run (many repeats) stops with "cancelled" and keeps the last result.
        QSignalSpy failed(&net, &NetworkController::profileFailed);
        s.repeat = 100000;
        s.compareOpenCv = false;
        net.runProfile(s);
        QTest::qWait(50);
        net.cancelProfile();
        QVERIFY(failed.wait(30000));
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("cancelled")));
        QCOMPARE(net.lastProfile()->profile.repeat, 3);
    }

    void profileExports() {
        NetworkController net;
        QSignalSpy changed(&net, &NetworkController::modelChanged);
        net.openBuiltIn(QStringLiteral("lenet"));
        QVERIFY(changed.wait(20000));
        ui::ProfilePanel panel(&net);
        QTemporaryDir dir;
        QString error;
        QVERIFY(!panel.exportData(dir.filePath(QStringLiteral("none.csv")), &error));
        QVERIFY(error.contains(QStringLiteral("run a profile first")));
        QSignalSpy finished(&net, &NetworkController::profileFinished);
        ui::ProfileSettings s;
        s.repeat = 2;
        net.runProfile(s);
        QVERIFY(finished.wait(60000));
        for (const char* name : {"p.csv", "p.json", "p.png", "p.svg"}) {
            const QString path = dir.filePath(QLatin1String(name));
            const bool data =
                path.endsWith(QLatin1String("csv")) || path.endsWith(QLatin1String("json"));
            QVERIFY2(data ? panel.exportData(path, &error) : panel.exportChart(path, &error),
                     qPrintable(error));
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            QVERIFY(bytes.size() > 100);
            if (path.endsWith(QLatin1String("csv")))
                QCOMPARE(bytes.count('\n'), 1 + net.model()->network->size());
            if (path.endsWith(QLatin1String("json"))) QVERIFY(bytes.contains("\"layers\""));
            if (path.endsWith(QLatin1String("svg"))) QVERIFY(bytes.contains("<svg"));
            if (path.endsWith(QLatin1String("png"))) QVERIFY(!QImage(path).isNull());
        }
        // Every chart kind has a row per layer (or category) and paints.
        for (int k = 0; k < 5; ++k) {
            panel.setChartKind(core::ProfileChartKind(k));
            QVERIFY(panel.chart()->data().has_value());
            QVERIFY(!panel.chart()->data()->rows.empty());
        }
    }

    void ladderRunsEveryRung() {
        NetworkController net;
        QSignalSpy changed(&net, &NetworkController::modelChanged);
        net.openBuiltIn(QStringLiteral("lenet"));
        QVERIFY(changed.wait(20000));
        ui::ProfilePanel panel(&net);
        QSignalSpy finished(&net, &NetworkController::profileFinished);
        panel.runLadder();
        QVERIFY(finished.wait(120000));
        const auto& run = net.lastProfile();
        QVERIFY(run.has_value());
        QCOMPARE(run->ladder.size(), core::io::ladderRungs().size());
        QCOMPARE(panel.chartKind(), core::ProfileChartKind::Ladder);
        QVERIFY(panel.chart()->data().has_value());
        QCOMPARE(panel.chart()->data()->rows.size(), run->ladder.size());
        QCOMPARE(panel.chart()->data()->rows.front().label, std::string("direct"));
    }

    void fcReportAgreesWithConvolution() {
        NetworkController net;
        QSignalSpy changed(&net, &NetworkController::modelChanged);
        net.openBuiltIn(QStringLiteral("lenet"));
        QVERIFY(changed.wait(20000));
        int row = -1;
        for (int i = 0; i < int(net.rows().size()) && row < 0; ++i)
            if (net.fcLayerOf(i)) row = i;
        QVERIFY(row >= 0);
        QSignalSpy done(&net, &NetworkController::fcFinished);
        net.runFcReport(row);
        QVERIFY(done.wait(60000));
        const auto& r = net.fcReport();
        QVERIFY(r.has_value());
        QCOMPARE(r->inputs, 800);  // LeNet's ip1 reads 50x4x4
        QCOMPARE(r->inputMap, (core::Shape{1, 50, 4, 4}));
        QCOMPARE(int(r->batches.size()), 3);
        QVERIFY(r->convMaxAbsDiff >= 0 && r->convMaxAbsDiff < 1e-4);
        // The canvas maps a point of y back to its output row.
        ui::FcPanel panel(&net);
        panel.resize(900, 500);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(!panel.canvas()->dotProductText(0).isEmpty());
        QCOMPARE(net.fcReport()->layer, std::string("ip1"));
        // A hovered dot product does not outlive its layer.
        auto* hover = panel.findChild<QLabel*>(QStringLiteral("fcHover"));
        QVERIFY(hover);
        const QString prompt = hover->text();
        emit panel.canvas()->hovered(panel.canvas()->dotProductText(0));
        QVERIFY2(hover->text().contains(QStringLiteral("800")), qPrintable(hover->text()));
        auto* layers = panel.findChild<QComboBox*>();
        QVERIFY(layers && layers->count() >= 2);
        layers->setCurrentIndex(1);
        QCOMPARE(hover->text(), prompt);
    }

    void kernelFilesLoadIntoTheTeachingView() {
        ui::MainWindow window;
        QTemporaryDir dir;
        const QString good = dir.filePath(QStringLiteral("k.csv"));
        QFile f(good);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("0 1 0\n1 -4 1\n0 1 0\n");
        f.close();
        // Parsed off the GUI thread: kernelLoaded() or kernelLoadFailed() follows.
        QSignalSpy loaded(&window, &ui::MainWindow::kernelLoaded);
        QSignalSpy failed(&window, &ui::MainWindow::kernelLoadFailed);
        window.loadKernel(good);
        QVERIFY(loaded.wait(10000));
        QCOMPARE(window.controller()->weights().shape(), (core::Shape{1, 1, 3, 3}));
        QCOMPARE(window.controller()->weights().at(0, 0, 1, 1), -4.0f);
        QVERIFY(!window.controller()->layer().rgb);
        // A bad file keeps the kernel and says why.
        const QString bad = dir.filePath(QStringLiteral("bad.json"));
        QFile b(bad);
        QVERIFY(b.open(QIODevice::WriteOnly));
        b.write("[[1, 2], [3]]");
        b.close();
        window.loadKernel(bad);
        QVERIFY(failed.wait(10000));
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(window.controller()->weights().at(0, 0, 1, 1), -4.0f);
    }
};

QTEST_MAIN(TestNetwork)
#include "tst_network.moc"
