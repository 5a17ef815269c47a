// FcCanvas painting and the Fully Connected tab.
#include "network/fc_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "layers/fully_connected.h"
#include "network/network_controller.h"
#include "render/color_map.h"

namespace convscope::ui {

namespace {
constexpr int kMargin = 16, kGap = 40, kColumn = 14, kTitle = 36;

QColor mapped(double v, double range) {
    const core::Rgb c = core::mapValue(core::ColorMapKind::Diverging, v, -range, range);
    return QColor(c.r, c.g, c.b);
}
}  // namespace

FcCanvas::FcCanvas(NetworkController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller) {
    setMouseTracking(true);
    setMinimumHeight(240);
    setFocusPolicy(Qt::StrongFocus);
    setAccessibleName(tr("Fully-connected layer as a GEMM"));
    connect(controller, &NetworkController::featuresChanged, this, qOverload<>(&QWidget::update));
    connect(controller, &NetworkController::fcWeightsReady, this, [this](int row) {
        if (row != m_row) return;
        m_weights = m_controller->fcWeights(row);
        update();
        emit weightsReady();
    });
}

void FcCanvas::setRow(int row) {
    m_row = row;
    m_hover = -1;
    renderWeights();
    update();
}

void FcCanvas::setBatch(int batch) {
    m_batch = std::clamp(batch, 1, 64);
    update();
}

FcCanvas::Geometry FcCanvas::geometry() const {
    const core::FullyConnectedLayer* fc = m_controller->fcLayerOf(m_row);
    if (!fc) return {};
    const int n = fc->outputs(), k = fc->inputs();
    // One vertical scale for every block: k (x's height) and n (W's and y's) to scale.
    const int h = height() - kTitle - 2 * kMargin - 36;  // room for the labels below
    const int colsW = m_batch * kColumn;
    const int availW = width() - 2 * kMargin - 2 * colsW - 2 * kGap;
    const double s = std::min(double(h) / std::max(n, k), double(availW) / k);
    const int wW = std::max(8, int(k * s)), wH = std::max(8, int(n * s));
    const int xH = std::max(8, int(k * s));
    Geometry g;
    const int top = kTitle + kMargin;
    g.w = QRect(kMargin, top, wW, wH);
    g.x = QRect(g.w.right() + kGap, top, colsW, xH);
    g.y = QRect(g.x.right() + kGap, top, colsW, wH);
    return g;
}

void FcCanvas::resizeEvent(QResizeEvent*) {
    update();  // W's picture is drawn scaled; it is rendered once per layer
}

void FcCanvas::renderWeights() {
    // Block means of W, once per layer, rendered by the controller off the GUI thread.
    m_weights = m_controller->fcWeights(m_row);
    if (m_weights.isNull() && m_controller->fcLayerOf(m_row)) m_controller->renderFcWeights(m_row);
}

const float* FcCanvas::inputVector() const {
    const core::FullyConnectedLayer* fc = m_controller->fcLayerOf(m_row);
    if (!fc) return nullptr;
    const int index = m_controller->rows()[std::size_t(m_row)].engineIndex;
    const int in = m_controller->model()->network->inputsOf(index).front();
    const core::Tensor* a = in < 0 ? &m_controller->networkInput() : m_controller->activations(in);
    return a && a->count() == fc->inputs() ? a->data() : nullptr;
}

int FcCanvas::outputAt(const QPoint& pos) const {
    const Geometry g = geometry();
    const core::FullyConnectedLayer* fc = m_controller->fcLayerOf(m_row);
    if (!fc) return -1;
    for (const QRect& r : {g.y, g.w})
        if (r.contains(pos))
            return std::clamp(int(std::int64_t(pos.y() - r.top()) * fc->outputs() / r.height()), 0,
                              fc->outputs() - 1);
    return -1;
}

QString FcCanvas::dotProductText(int i) const {
    const core::FullyConnectedLayer* fc = m_controller->fcLayerOf(m_row);
    if (!fc || i < 0 || i >= fc->outputs()) return {};
    const float* x = inputVector();
    const int k = fc->inputs();
    const float bias = fc->bias().empty() ? 0.0f : fc->bias()[std::size_t(i)];
    if (!x)
        return tr("y[%1] = Σ over %2 inputs of W[%1][j]·x[j] + %3 — open an image to see the "
                  "value")
            .arg(i)
            .arg(k)
            .arg(double(bias), 0, 'g', 4);
    const float* w = fc->weights().data() + std::int64_t(i) * k;
    double sum = bias;
    int best = 0;
    for (int j = 0; j < k; ++j) {
        sum += double(w[j]) * x[j];
        if (std::abs(w[j] * x[j]) > std::abs(w[best] * x[best])) best = j;
    }
    QString label;
    const auto& labels = m_controller->labels();
    const int last = m_controller->model()->network->size() - 1;
    if (!labels.empty() && m_controller->rows()[std::size_t(m_row)].engineIndex >= last - 1 &&
        std::size_t(i) < labels.size())
        label = QStringLiteral(" (%1)").arg(QString::fromStdString(labels[std::size_t(i)]));
    return tr("y[%1]%2 = row %1 of W · x + b = Σ of %3 products + %4 = %5; the largest term is "
              "W[%1][%6]·x[%6] = %7 × %8")
        .arg(i)
        .arg(label)
        .arg(k)
        .arg(double(bias), 0, 'g', 4)
        .arg(sum, 0, 'g', 5)
        .arg(best)
        .arg(double(w[best]), 0, 'g', 3)
        .arg(double(x[best]), 0, 'g', 3);
}

void FcCanvas::keyPressEvent(QKeyEvent* event) {
    const core::FullyConnectedLayer* fc = m_controller->fcLayerOf(m_row);
    if (!fc || (event->key() != Qt::Key_Up && event->key() != Qt::Key_Down)) {
        QWidget::keyPressEvent(event);
        return;
    }
    m_hover = std::clamp(m_hover + (event->key() == Qt::Key_Down ? 1 : -1), 0, fc->outputs() - 1);
    const QString text = dotProductText(m_hover);
    setAccessibleDescription(text);
    update();
    emit hovered(text);
}

void FcCanvas::mouseMoveEvent(QMouseEvent* event) {
    const int i = outputAt(event->position().toPoint());
    if (i == m_hover) return;
    m_hover = i;
    update();
    emit hovered(dotProductText(i));
}

void FcCanvas::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (hasFocus()) {
        p.setPen(QPen(palette().color(QPalette::Highlight), 3));
        p.drawRect(rect().adjusted(1, 1, -2, -2));
    }
    const core::FullyConnectedLayer* fc = m_controller->fcLayerOf(m_row);
    if (!fc) {
        p.drawText(rect().adjusted(16, 16, -16, -16),
                   Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                   m_controller->runnable()
                       ? tr("The model has no fully-connected layer to show.")
                       : tr("Open a model that runs (or the built-in AlexNet) to see its fc layers "
                            "as GEMMs."));
        return;
    }
    const Geometry g = geometry();
    const int n = fc->outputs(), k = fc->inputs();
    p.setPen(palette().color(QPalette::WindowText));
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    const QString gemm = m_batch == 1 ? tr("GEMV: M=%1, N=1, K=%2 — every weight read once per "
                                           "image (memory-bound)")
                                            .arg(n)
                                            .arg(k)
                                      : tr("GEMM: M=%1, N=%2, K=%3 — each weight read once for %2 "
                                           "images")
                                            .arg(n)
                                            .arg(m_batch)
                                            .arg(k);
    const QString equation = tr("y (%1×%2) = W (%1×%3) · x (%3×%2) + b").arg(n).arg(m_batch).arg(k);
    const int textW = width() - 2 * kMargin;
    if (QFontMetrics(bold).horizontalAdvance(equation + QStringLiteral("    ") + gemm) <= textW) {
        p.drawText(QRect(kMargin, 6, textW, 24), Qt::AlignLeft | Qt::AlignVCenter,
                   equation + QStringLiteral("    ") + gemm);
        p.setFont(font());
    } else {  // a narrow window: the GEMV/GEMM line below the equation, elided if still too long
        p.drawText(QRect(kMargin, 2, textW, 18), Qt::AlignLeft | Qt::AlignVCenter, equation);
        p.setFont(font());
        p.drawText(QRect(kMargin, 19, textW, 18), Qt::AlignLeft | Qt::AlignVCenter,
                   QFontMetrics(font()).elidedText(gemm, Qt::ElideRight, textW));
    }
    // W.
    if (!m_weights.isNull()) p.drawImage(g.w, m_weights);
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(g.w.adjusted(0, 0, -1, -1));
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(g.w.left(), g.w.bottom() + 2, g.w.width(), 16), Qt::AlignHCenter,
               tr("W: %1 × %2").arg(n).arg(k));
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 2);
    p.setFont(big);
    p.drawText(QRect(g.w.right(), g.w.top(), kGap, g.w.height()), Qt::AlignCenter,
               QStringLiteral("·"));
    p.drawText(QRect(g.x.right(), g.w.top(), kGap, g.w.height()), Qt::AlignCenter,
               QStringLiteral("="));
    p.setFont(font());
    // x: column 0 is the current image's vector, the others stand for more images of the batch.
    const float* x = inputVector();
    float xr = 1e-12f;
    if (x)
        for (int j = 0; j < k; ++j) xr = std::max(xr, std::abs(x[j]));
    for (int py = 0; py < g.x.height(); ++py) {
        const int j0 = int(std::int64_t(py) * k / g.x.height()),
                  j1 = std::max(j0 + 1, int(std::int64_t(py + 1) * k / g.x.height()));
        double v = 0;
        if (x)
            for (int j = j0; j < j1; ++j)
                v = std::max(v, double(std::abs(x[j])) * (x[j] < 0 ? -1 : 1));
        p.setPen(x ? mapped(v, xr) : QColor(200, 200, 200));
        p.drawLine(g.x.left(), g.x.top() + py, g.x.left() + kColumn - 2, g.x.top() + py);
    }
    for (int b = 1; b < m_batch; ++b)
        p.fillRect(QRect(g.x.left() + b * kColumn, g.x.top(), kColumn - 2, g.x.height()),
                   QColor(215, 215, 225));
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(g.x.center().x() - 60, g.x.bottom() + 2, 120, 16), Qt::AlignHCenter,
               tr("x: %1×%2").arg(k).arg(m_batch));
    // y: the real outputs for column 0.
    const int index = m_controller->rows()[std::size_t(m_row)].engineIndex;
    const core::Tensor* y = m_controller->activations(index);
    float yr = 1e-12f;
    if (y)
        for (std::int64_t i = 0; i < y->count(); ++i) yr = std::max(yr, std::abs(y->data()[i]));
    for (int py = 0; py < g.y.height(); ++py) {
        const int i = int(std::int64_t(py) * n / g.y.height());
        p.setPen(y ? mapped(y->data()[i], yr) : QColor(200, 200, 200));
        p.drawLine(g.y.left(), g.y.top() + py, g.y.left() + kColumn - 2, g.y.top() + py);
    }
    for (int b = 1; b < m_batch; ++b)
        p.fillRect(QRect(g.y.left() + b * kColumn, g.y.top(), kColumn - 2, g.y.height()),
                   QColor(215, 215, 225));
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(g.y.center().x() - 60, g.y.bottom() + 2, 120, 16), Qt::AlignHCenter,
               tr("y: %1×%2").arg(n).arg(m_batch));
    if (m_batch > 1)
        p.drawText(QRect(g.x.left(), g.x.bottom() + 18, width() - g.x.left() - kMargin, 16),
                   Qt::AlignLeft, tr("gray columns: the batch's other images"));
    // The colour legend of the three heat maps, along the bottom.
    const int ly = height() - 20;
    for (int i = 0; i < 120; ++i) {
        const core::Rgb c = core::colorAt(core::ColorMapKind::Diverging, i / 119.0);
        p.setPen(QColor(c.r, c.g, c.b));
        p.drawLine(g.w.left() + i, ly, g.w.left() + i, ly + 12);
    }
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(g.w.left() + 128, ly - 2, g.w.width() + 200, 16),
               Qt::AlignLeft | Qt::AlignVCenter,
               tr("negative · 0 · positive, each block on its own scale (W: means of blocks of "
                  "weights)"));
    // The hovered output: its row of W and its cell of y.
    if (m_hover >= 0) {
        const int wy = g.w.top() + int(std::int64_t(m_hover) * g.w.height() / n);
        const int yy = g.y.top() + int(std::int64_t(m_hover) * g.y.height() / n);
        p.setPen(QPen(QColor(255, 200, 0), 2));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRect(g.w.left() - 1, wy - 1, g.w.width() + 2, 3));
        p.drawRect(QRect(g.y.left() - 1, yy - 1, kColumn, 3));
        p.drawRect(g.x.adjusted(-1, -1, 1 - (m_batch - 1) * kColumn, 1));
    }
}

// --- FcPanel
// ---------------------------------------------------------------------------------------

FcPanel::FcPanel(NetworkController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller) {
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    m_layer = new QComboBox(this);
    m_layer->setToolTip(tr("The fully-connected layers of the open model"));
    m_layer->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_batch = new QSpinBox(this);
    m_batch->setRange(1, 64);
    m_batch->setToolTip(
        tr("Images per forward: the input vectors stack into a k×B matrix and the "
           "GEMV becomes a GEMM"));
    m_measure = new QPushButton(tr("Measure B = 1, 8, 32 and fc as conv"), this);
    m_measure->setToolTip(
        tr("Times the layer at three batch sizes and recomputes it as a "
           "convolution over its whole input map, in the background"));
    auto* layerLabel = new QLabel(tr("&Layer:"), this);
    layerLabel->setBuddy(m_layer);
    auto* batchLabel = new QLabel(tr("&Batch B:"), this);
    batchLabel->setBuddy(m_batch);
    controls->addWidget(layerLabel);
    controls->addWidget(m_layer);
    controls->addWidget(batchLabel);
    controls->addWidget(m_batch);
    controls->addStretch(1);
    controls->addWidget(m_measure);
    layout->addLayout(controls);
    m_canvas = new FcCanvas(controller, this);
    layout->addWidget(m_canvas, 1);
    m_hover = new QLabel(this);
    m_hover->setObjectName(QStringLiteral("fcHover"));
    m_hover->setWordWrap(true);
    m_hover->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_hover);
    m_report = new QLabel(this);
    m_report->setWordWrap(true);
    m_report->setTextFormat(Qt::RichText);
    m_report->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_report);

    connect(m_layer, &QComboBox::currentIndexChanged, this, [this] {
        m_canvas->setRow(m_layer->currentData().isValid() ? m_layer->currentData().toInt() : -1);
        showHoverPrompt();  // another layer's dot product ("Σ of 1024 products") is stale
    });
    connect(m_batch, &QSpinBox::valueChanged, m_canvas, &FcCanvas::setBatch);
    connect(m_measure, &QPushButton::clicked, this, &FcPanel::measure);
    connect(m_canvas, &FcCanvas::hovered, this, [this](const QString& t) {
        if (!t.isEmpty()) m_hover->setText(t);
    });
    connect(controller, &NetworkController::modelChanged, this, &FcPanel::rebuildLayers);
    connect(controller, &NetworkController::currentRowChanged, this, [this](int row) {
        const int i = m_layer->findData(row);
        if (i >= 0) m_layer->setCurrentIndex(i);
    });
    connect(controller, &NetworkController::fcStarted, this, [this] {
        m_measure->setEnabled(false);
        m_report->setText(tr("Measuring…"));
    });
    connect(controller, &NetworkController::fcFinished, this, &FcPanel::showReport);
    connect(controller, &NetworkController::fcFailed, this, [this](const QString& m) {
        m_measure->setEnabled(true);
        m_report->setText(m);
    });
    rebuildLayers();
}

void FcPanel::rebuildLayers() {
    m_layer->clear();
    const auto& rows = m_controller->rows();
    for (int i = 0; i < int(rows.size()); ++i)
        if (m_controller->fcLayerOf(i))
            m_layer->addItem(QStringLiteral("%1 (%2)").arg(rows[std::size_t(i)].shortName,
                                                           rows[std::size_t(i)].params),
                             i);
    m_measure->setEnabled(m_layer->count() > 0);
    m_report->setText(m_layer->count() ? tr("Press Measure to time this layer on your machine.")
                                       : QString());
    m_canvas->setRow(m_layer->count() ? m_layer->currentData().toInt() : -1);
    showHoverPrompt();
}

void FcPanel::showHoverPrompt() {
    m_hover->setText(tr("Hover over W or y to see one output's dot product."));
}

void FcPanel::measure() {
    if (m_layer->count() == 0) return;
    m_controller->runFcReport(m_layer->currentData().toInt());
}

void FcPanel::showReport() {
    m_measure->setEnabled(true);
    const auto& r = m_controller->fcReport();
    if (!r) return;
    const double flopsPerImage = 2.0 * r->inputs * r->outputs;
    QString text = tr("<b>%1</b> (%2 inputs → %3 outputs, %4 MB of weights), median of 5 runs:<br>")
                       .arg(QString::fromStdString(r->layer))
                       .arg(r->inputs)
                       .arg(r->outputs)
                       .arg(double(r->inputs) * r->outputs * 4 / 1e6, 0, 'f', 1);
    text += QStringLiteral(
        "<table cellspacing=8><tr><th>B</th><th>ms per batch</th><th>ms per "
        "image</th><th>GFLOP/s</th><th>per image vs B = 1</th></tr>");
    const double base = r->batches.empty() ? 0 : r->batches.front().msPerImage();
    for (const FcBatchTiming& b : r->batches)
        text += QStringLiteral(
                    "<tr><td align=right>%1</td><td align=right>%2</td><td "
                    "align=right>%3</td><td align=right>%4</td><td "
                    "align=right>%5×</td></tr>")
                    .arg(b.batch)
                    .arg(b.ms, 0, 'f', 3)
                    .arg(b.msPerImage(), 0, 'f', 3)
                    .arg(flopsPerImage * b.batch / (b.ms * 1e6), 0, 'f', 1)
                    .arg(b.msPerImage() > 0 ? base / b.msPerImage() : 0.0, 0, 'f', 1);
    text += QStringLiteral("</table>");
    if (r->convMaxAbsDiff >= 0)
        text += tr("As a convolution: %1 kernels of %2, one output position (im2col is the "
                   "identity, the GEMM has N = 1): largest difference from the fc result %3; "
                   "fc %4 ms, conv %5 ms.")
                    .arg(r->outputs)
                    .arg(shapeText(r->inputMap))
                    .arg(r->convMaxAbsDiff, 0, 'g', 2)
                    .arg(r->fcMs, 0, 'f', 3)
                    .arg(r->convMs, 0, 'f', 3);
    m_report->setText(text);
}

}  // namespace convscope::ui
