// renderShot: controller + panels, sized, shown offscreen, grabbed.
#include "shot.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QVBoxLayout>

#include <QComboBox>
#include <QEventLoop>
#include <QSplitter>
#include <QTimer>
#include "convolution_view.h"
#include "fc_view.h"
#include "filters_panel.h"
#include "gemm_view.h"
#include "im2col_view.h"
#include "model_panel.h"
#include "network_controller.h"
#include "network_views.h"
#include "profile_view.h"

namespace convscope::ui {

namespace {

// Runs the event loop until `signal` of `sender` fires (true) or `failure` fires / the time is up.
template <class Ok, class Fail>
bool waitFor(NetworkController* sender, Ok signal, Fail failure, QString* error, int seconds) {
    QEventLoop loop;
    bool ok = false;
    QObject::connect(sender, signal, &loop, [&] {
        ok = true;
        loop.quit();
    });
    QObject::connect(sender, failure, &loop, [&](const QString& m) {
        *error = m;
        loop.quit();
    });
    QTimer::singleShot(seconds * 1000, &loop, [&] {
        *error = QStringLiteral("timed out after %1 s").arg(seconds);
        loop.quit();
    });
    loop.exec();
    return ok;
}

QImage grabAt(QWidget& root, const QSize& size) {
    root.resize(size);
    root.show();
    QApplication::sendPostedEvents();
    QApplication::sendPostedEvents();
    return root.grab().toImage();
}

QImage renderNetworkShot(const ShotRequest& r, const QImage& image, QString* error) {
    NetworkController net;
    const bool builtIn = r.model.isEmpty() || r.model == QLatin1String("alexnet") ||
                         r.model == QLatin1String("lenet");
    if (builtIn)
        net.openBuiltIn(r.model.isEmpty() ? QStringLiteral("alexnet") : r.model);
    else
        net.openModel(r.model, r.config);
    if (!waitFor(&net, &NetworkController::modelChanged, &NetworkController::modelFailed, error,
                 120))
        return {};
    core::io::Preprocessing pre = net.preprocessing();
    pre.scale = r.scale;
    pre.mean = r.mean;
    pre.swapRB = r.swapRB;
    net.setPreprocessing(pre);
    if (!r.labels.isEmpty() && !net.setLabelsFile(r.labels)) {
        *error = QStringLiteral("could not read labels '%1'").arg(r.labels);
        return {};
    }
    // The layer: by name, or the first conv (fc for the fc view).
    int row = -1;
    const auto& rows = net.rows();
    for (int i = 0; i < int(rows.size()) && row < 0; ++i) {
        if (!r.modelLayer.isEmpty()
                ? rows[std::size_t(i)].name == r.modelLayer
                : (r.view == QLatin1String("fc") ? net.fcLayerOf(i) != nullptr
                                                 : rows[std::size_t(i)].convIndex >= 0))
            row = i;
    }
    if (row < 0) {
        *error = r.modelLayer.isEmpty()
                     ? QStringLiteral("the model has no layer of that kind")
                     : QStringLiteral("the model has no layer '%1'").arg(r.modelLayer);
        return {};
    }
    net.setCurrentRow(row);
    if (net.runnable() && r.view != QLatin1String("profile")) {
        net.setImage(image);
        if (!waitFor(&net, &NetworkController::featuresChanged, &NetworkController::featuresFailed,
                     error, 120))
            return {};
    }
    QWidget root;
    auto* layout = new QHBoxLayout(&root);
    if (r.view == QLatin1String("filters") || r.view == QLatin1String("features")) {
        auto* panel = new FiltersPanel(&net, &root);
        if (r.view == QLatin1String("filters")) {
            auto* split = new QSplitter(&root);
            split->addWidget(new ModelPanel(&net, split));
            split->addWidget(panel);
            split->setSizes({r.size.width() * 2 / 5, r.size.width() * 3 / 5});
            layout->addWidget(split);
        } else {
            layout->addWidget(panel);
        }
        emit net.currentRowChanged(row);
        if (r.modelFilter >= 0) {
            panel->markFilter(r.modelFilter);
        }
    } else if (r.view == QLatin1String("fc")) {
        auto* panel = new FcPanel(&net, &root);
        layout->addWidget(panel);
        net.runFcReport(row);
        if (!waitFor(&net, &NetworkController::fcFinished, &NetworkController::fcFailed, error,
                     300))
            return {};
        const int i = panel->layerBox()->findData(row);
        if (i >= 0) panel->layerBox()->setCurrentIndex(i);
    } else {
        auto* panel = new ProfilePanel(&net, &root);
        layout->addWidget(panel);
        const QStringList kinds = {QStringLiteral("time"),       QStringLiteral("categories"),
                                   QStringLiteral("throughput"), QStringLiteral("first"),
                                   QStringLiteral("variation"),  QStringLiteral("ladder")};
        const int kind = r.chart.isEmpty() ? 0 : int(kinds.indexOf(r.chart));
        if (kind < 0) {
            *error =
                QStringLiteral("--chart must be one of %1").arg(kinds.join(QStringLiteral(", ")));
            return {};
        }
        panel->setChartKind(core::ProfileChartKind(kind));
        ProfileSettings s;
        s.threads = r.threads;
        s.batch = r.batch;
        s.repeat = r.repeat;
        s.compareOpenCv = r.opencv;
        s.ladder = kind == int(core::ProfileChartKind::Ladder);
        net.runProfile(s);
        if (!waitFor(&net, &NetworkController::profileFinished, &NetworkController::profileFailed,
                     error, 600))
            return {};
    }
    return grabAt(root, r.size);
}

}  // namespace

QImage renderShot(const ShotRequest& r, QString* error) {
    TeachingController controller;
    QString problem;
    QObject::connect(&controller, &TeachingController::errorOccurred,
                     [&problem](const QString& m) { problem = m; });
    QImage image;
    QRect roi = r.roi;
    if (r.image.isEmpty()) {
        image = QImage(QStringLiteral(":/chelsea.png"));
        if (roi.isEmpty()) roi = QRect(136, 86, 32, 32);
    } else {
        QImageReader reader(r.image);
        reader.setAutoTransform(true);
        image = reader.read();
        if (image.isNull()) {
            *error =
                QStringLiteral("could not read image '%1': %2").arg(r.image, reader.errorString());
            return {};
        }
    }
    static const QStringList networkViews = {QStringLiteral("filters"), QStringLiteral("features"),
                                             QStringLiteral("fc"), QStringLiteral("profile")};
    if (networkViews.contains(r.view)) return renderNetworkShot(r, image, error);
    controller.setImage(image, r.image.isEmpty() ? QStringLiteral("chelsea.png") : r.image);
    if (!roi.isEmpty()) controller.setRoi(roi);
    if (!problem.isEmpty()) {
        *error = problem;
        return {};
    }
    if (!controller.setLayer(r.layer)) {
        *error = problem;
        return {};
    }
    controller.cancelFull();  // a still picture does not need the full-size result
    controller.setFilter(r.filter);
    controller.cancelFull();
    if (r.step < 0 || r.step >= controller.stepper().steps()) {
        *error = QStringLiteral("--step %1 is outside 0..%2 for this layer")
                     .arg(r.step)
                     .arg(controller.stepper().steps() - 1);
        return {};
    }
    controller.setStep(r.step);

    QWidget root;
    auto* layout = new QHBoxLayout(&root);
    const bool all = r.view == QLatin1String("all");
    if (all || r.view == QLatin1String("conv")) {
        auto* box = new QWidget(&root);
        auto* v = new QVBoxLayout(box);
        v->setContentsMargins(0, 0, 0, 0);
        auto* view = new ConvolutionView(&controller, box);
        auto* formula =
            new QLabel(QString::fromStdString(controller.stepper().formula(
                           controller.currentDot(), controller.filter(), controller.step(), 6)),
                       box);
        formula->setWordWrap(true);
        v->addWidget(view, 1);
        v->addWidget(formula);
        layout->addWidget(box, 3);
    }
    if (all || r.view == QLatin1String("im2col"))
        layout->addWidget(new Im2colPanel(&controller, &root), 2);
    if (all || r.view == QLatin1String("gemm"))
        layout->addWidget(new GemmPanel(&controller, &root), 2);
    if (layout->count() == 0) {
        *error = QStringLiteral(
            "--view must be conv, im2col, gemm, all, filters, features, fc or profile");
        return {};
    }
    root.resize(r.size);
    root.show();
    QApplication::sendPostedEvents();  // let the layouts settle before the first paint
    emit controller.changed();         // views fit their cells to their final size
    emit controller.stepChanged(controller.step());
    QApplication::sendPostedEvents();  // labels whose text just changed re-layout
    return root.grab().toImage();
}

}  // namespace convscope::ui
