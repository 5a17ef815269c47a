// renderShot: controller + panels, sized, shown offscreen, grabbed.
#include "headless/shot.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <QComboBox>
#include <QEventLoop>
#include <QFile>
#include <QPainter>
#include <QSplitter>
#include <QSvgGenerator>
#include <QTimer>
#include <cstdio>

#include "base/error.h"
#include "classroom/quiz_panel.h"
#include "io/animation.h"
#include "network/fc_view.h"
#include "network/filters_panel.h"
#include "network/model_panel.h"
#include "network/network_controller.h"
#include "network/network_views.h"
#include "network/profile_view.h"
#include "shell/image_loader.h"
#include "teaching/convolution_view.h"
#include "teaching/gemm_view.h"
#include "teaching/im2col_view.h"
#include "teaching/teaching_layout.h"

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

// Draws a laid-out widget tree into an SVG file (QWidget::render onto a QSvgGenerator).
bool renderSvg(QWidget& root, const QString& path, QString* error) {
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(root.size());
    svg.setViewBox(root.rect());
    svg.setTitle(QStringLiteral("ConvScope"));
    QPainter painter;
    if (!painter.begin(&svg)) {
        *error = QStringLiteral("could not write '%1'").arg(path);
        return false;
    }
    root.render(&painter);
    painter.end();
    return true;
}

QImage grabAt(QWidget& root, const QSize& size, const QString& svgOut, QString* error) {
    root.resize(size);
    root.show();
    QApplication::sendPostedEvents();
    QApplication::sendPostedEvents();
    if (!svgOut.isEmpty() && !renderSvg(root, svgOut, error)) return {};
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
    net.setPreprocessing(r.preprocessing);
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
        if (!net.problem().isEmpty()) *error += QStringLiteral(" it can show: ") + net.problem();
        return {};
    }
    net.setCurrentRow(row);
    if (r.modelFilter >= 0 && (r.view == QLatin1String("filters") || r.view == QLatin1String("features"))) {
        const core::io::ConvFilters* f = net.filtersOf(row);
        const int count = f ? f->weights.n() : 0;
        if (r.modelFilter >= count) {
            *error = QStringLiteral("--model-filter %1: layer '%2' has %3 filters (0 to %4)")
                         .arg(r.modelFilter)
                         .arg(rows[std::size_t(row)].name)
                         .arg(count)
                         .arg(count - 1);
            return {};
        }
    }
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
        if (panel->canvas()->weightsPending()) {
            QEventLoop wait;
            QObject::connect(panel->canvas(), &FcCanvas::weightsReady, &wait, &QEventLoop::quit);
            QTimer::singleShot(60000, &wait, &QEventLoop::quit);
            wait.exec();
        }
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
        s.method = r.method;
        s.compareOpenCv = r.opencv;
        s.ladder = kind == int(core::ProfileChartKind::Ladder);
        panel->showSettings(s);
        net.runProfile(s);
        if (!waitFor(&net, &NetworkController::profileFinished, &NetworkController::profileFailed,
                     error, 600))
            return {};
    }
    return grabAt(root, r.size, r.svgOut, error);
}

}  // namespace

TeachingScene::TeachingScene() = default;
TeachingScene::~TeachingScene() = default;

bool TeachingScene::build(const ShotRequest& r, QString* error) {
    QString problem;
    QObject::connect(&m_controller, &TeachingController::errorOccurred,
                     [&problem](const QString& m) { problem = m; });
    QImage image;
    if (!loadShotImage(r, image, error)) return false;
    QRect roi = r.roi;
    if (r.image.isEmpty() && r.imagePng.isEmpty() && roi.isEmpty()) roi = kBuiltInRegion;
    m_controller.setImage(image, r.image.isEmpty() ? QStringLiteral("chelsea.png") : r.image);
    if (roi.isEmpty()) roi = m_controller.roi();
    if (!m_controller.setView(roi, r.layer) ||
        (!r.weights.empty() && !m_controller.restoreWeights(r.weights, r.bias, r.kernelSource))) {
        *error = problem;
        QObject::disconnect(&m_controller, &TeachingController::errorOccurred, nullptr, nullptr);
        return false;
    }
    QObject::disconnect(&m_controller, &TeachingController::errorOccurred, nullptr, nullptr);
    m_controller.cancelFull();  // still pictures do not need the full-size result
    m_controller.setFilter(r.filter);
    m_controller.cancelFull();
    if (r.step < 0 || r.step >= m_controller.stepper().steps()) {
        *error = QStringLiteral("--step %1 is outside 0..%2 for this layer")
                     .arg(r.step)
                     .arg(m_controller.stepper().steps() - 1);
        return false;
    }
    m_controller.setStep(r.step);

    const bool all = r.view == QLatin1String("all");
    TeachingLayout::Views views;
    views.convolution = all || r.view == QLatin1String("conv");
    views.im2col = all || r.view == QLatin1String("im2col");
    views.gemm = all || r.view == QLatin1String("gemm");
    if (!views.convolution && !views.im2col && !views.gemm) {
        *error = QStringLiteral(
            "--view must be conv, im2col, gemm, all, filters, features, fc or profile");
        return false;
    }
    m_root =
        std::make_unique<TeachingLayout>(&m_controller, TeachingLayout::Arrangement::Row, views);
    m_root->setAttribute(Qt::WA_DontShowOnScreen);  // laid out and painted, never on screen
    // Fixed, not resized: a label whose text grows with the step (the dot product) would
    // otherwise widen the scene, and every frame of an animation must have the first one's size.
    m_root->setFixedSize(r.size);
    m_root->show();
    QApplication::sendPostedEvents();  // let the layouts settle before the first paint
    emit m_controller.changed();       // views fit their cells to their final size
    QApplication::sendPostedEvents();
    return true;
}

bool TeachingScene::renderSvg(const QString& path, QString* error) {
    return ::convscope::ui::renderSvg(*m_root, path, error);
}

int TeachingScene::steps() const {
    return m_controller.stepper().steps();
}

QImage TeachingScene::frame(int step) {
    m_controller.setStep(step);
    m_root->updateStep();
    emit m_controller.stepChanged(m_controller.step());
    QApplication::sendPostedEvents();  // labels whose text just changed re-layout
    return m_root->grab().toImage();
}

bool exportAnimation(TeachingScene& scene, int from, int to, double fps, const QString& path,
                     const std::function<bool(int, int)>& progress, QString* error) {
    if (from < 0 || to < from || to >= scene.steps()) {
        *error = QStringLiteral("steps %1..%2 must lie within 0..%3 for this layer")
                     .arg(from)
                     .arg(to)
                     .arg(scene.steps() - 1);
        return false;
    }
    try {
        const QSize size = scene.frame(from).size();
        core::io::AnimationWriter writer(path.toStdString(), size.width(), size.height(), fps);
        for (int step = from; step <= to; ++step) {
            const QImage img = scene.frame(step).convertToFormat(QImage::Format_RGB888);
            core::RgbImage frame;
            frame.width = img.width();
            frame.height = img.height();
            frame.pixels.resize(std::size_t(img.width()) * std::size_t(img.height()) * 3);
            for (int y = 0; y < img.height(); ++y)
                std::copy_n(img.constScanLine(y), std::size_t(img.width()) * 3,
                            frame.pixels.begin() + std::ptrdiff_t(y) * img.width() * 3);
            writer.add(frame);
            if (progress && !progress(step - from + 1, to - from + 1)) {
                writer.close();
                QFile::remove(path);
                *error = QStringLiteral("cancelled");
                return false;
            }
        }
        writer.close();
        return true;
    } catch (const core::Error& e) {
        *error = QString::fromStdString(e.what());
        return false;
    }
}

bool loadShotImage(const ShotRequest& r, QImage& image, QString* error) {
    if (r.imagePng.isEmpty() && r.image.isEmpty()) {
        image = builtInImage();
        return true;
    }
    // The window's own decoding: the header checked (bombs, folders, empty files) before Qt or
    // OpenCV decodes, a truncated file opened with a warning.
    const DecodedImage d = r.imagePng.isEmpty() ? decodeImageFile(r.image)
                                                : decodeImageBytes(r.imagePng);
    if (d.image.isNull()) {
        *error = r.imagePng.isEmpty()
                     ? QStringLiteral("could not read image '%1': %2").arg(r.image, d.error)
                     : QStringLiteral("the embedded image cannot be decoded: %1").arg(d.error);
        return false;
    }
    if (!d.warning.isEmpty()) std::fprintf(stderr, "warning: %s\n", qPrintable(d.warning));
    image = d.image;
    return true;
}

ShotRequest requestFromState(const AppState& s) {
    ShotRequest r;
    r.image = s.imagePath;
    r.imagePng = s.imagePng;
    r.roi = s.roi;
    r.layer = s.layer;
    r.weights = s.weights;
    r.bias = s.bias;
    r.kernelSource = s.kernelSource;
    r.step = s.step;
    r.filter = s.filter;
    return r;
}

QImage renderShot(const ShotRequest& r, QString* error) {
    static const QStringList networkViews = {QStringLiteral("filters"), QStringLiteral("features"),
                                             QStringLiteral("fc"), QStringLiteral("profile")};
    if (networkViews.contains(r.view)) {
        QImage image;
        if (!loadShotImage(r, image, error)) return {};
        return renderNetworkShot(r, image, error);
    }
    TeachingScene scene;
    if (r.view == QLatin1String("quiz")) {
        // The quiz on the seed's first window question, answered partly and checked.
        ShotRequest teaching = r;
        teaching.view = QStringLiteral("conv");
        if (!scene.build(teaching, error)) return {};
        QWidget root;
        auto* layout = new QHBoxLayout(&root);
        auto* quiz = new QuizPanel(&scene.controller(), &root);
        layout->addWidget(quiz);
        quiz->setKind(int(core::QuestionKind::CoveredCells));
        quiz->restart(r.seed);
        const auto& cells = quiz->question()->expected.cells;
        for (std::size_t i = 0; i + 1 < cells.size(); ++i)
            quiz->grid()->toggle(cells[i].first, cells[i].second);
        quiz->grid()->toggle(0, 0);
        quiz->check();
        return grabAt(root, r.size, r.svgOut, error);
    }
    if (!scene.build(r, error)) return {};
    const QImage image = scene.frame(r.step);
    if (!r.svgOut.isEmpty() && !scene.renderSvg(r.svgOut, error)) return {};
    return image;
}

}  // namespace convscope::ui
