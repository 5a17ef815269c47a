// GemmView painting (exposed cells only) and GemmPanel's figures and timed example.
#include "teaching/gemm_view.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>
#include <chrono>

#include "gemm/gemm.h"
#include "measure/profile.h"
#include "net/models.h"
#include "render/color_map.h"
#include "teaching/convolution_view.h"
#include "teaching/teaching_controller.h"

namespace convscope::ui {

namespace {
// The engine's depthwise explanation (conv/im2col.h) as a paragraph of the header; empty for any
// other layer.
QString depthwiseParagraph(const core::Im2colInfo& info) {
    const std::string note = core::depthwiseNote(info);
    return note.empty() ? QString()
                        : QStringLiteral("<br>") + QString::fromStdString(note).toHtmlEscaped();
}
const QColor kCurrent(255, 140, 0);
const QColor kSelection(255, 230, 0);

QRgb rgb(core::Rgb c) {
    return qRgb(c.r, c.g, c.b);
}
}  // namespace

GemmView::GemmView(TeachingController* controller, QWidget* parent)
    : CellCanvas(parent), m_controller(controller) {
    setAccessibleName(tr("GEMM view"));
    setToolTip(
        tr("The convolution as one matrix product: each output is a row of W times a column "
           "of the im2col matrix."));
    setCellSize(10);
    connect(controller, &TeachingController::changed, this, [this] { autoFit(); });
    connect(controller, &TeachingController::stepChanged, viewport(),
            qOverload<>(&QWidget::update));
    connect(controller, &TeachingController::selectionChanged, viewport(),
            qOverload<>(&QWidget::update));
}

int GemmView::mg() const {
    return m_controller->layer().filters / m_controller->stepper().params().groups;
}
int GemmView::kg() const {
    return m_controller->stepper().groupRows();
}
int GemmView::rightLeft() const {
    return kLeft + kg() * cellSize() + kGap;
}
int GemmView::bottomTop() const {
    return kTop + kg() * cellSize() + kGap;
}

QRect GemmView::weightRect(int m, int k) const {
    return QRect(kLeft + k * cellSize(), bottomTop() + m * cellSize(), cellSize(), cellSize());
}
int GemmView::visibleColumns() const {
    // At least 16 columns; with a large K (W is K cells wide) the content then scrolls sideways.
    const int room = (viewport()->width() - rightLeft() - 8) / std::max(1, cellSize());
    return std::min(std::max(room, 16), std::max(1, m_controller->stepper().steps()));
}

int GemmView::firstColumn() const {
    const int n = m_controller->stepper().steps(), v = visibleColumns();
    return std::clamp(m_controller->step() - v / 2, 0, std::max(0, n - v));
}

QRect GemmView::colRect(int k, int n) const {
    return QRect(rightLeft() + (n - firstColumn()) * cellSize(), kTop + k * cellSize(), cellSize(),
                 cellSize());
}
QRect GemmView::outRect(int m, int n) const {
    return QRect(rightLeft() + (n - firstColumn()) * cellSize(), bottomTop() + m * cellSize(),
                 cellSize(), cellSize());
}

QSize GemmView::contentSize() const {
    const core::ConvStepper& s = m_controller->stepper();
    if (s.steps() == 0) return {};
    return {std::max(viewport()->width(), rightLeft() + visibleColumns() * cellSize() + 8),
            bottomTop() + mg() * cellSize() + 8};
}

void GemmView::paintContent(QPainter& painter, const QRect& exposed) const {
    const core::ConvStepper& s = m_controller->stepper();
    if (s.steps() == 0) return;
    const int c = cellSize(), K = kg(), M = mg(), N = s.steps();
    const int m = m_controller->filter(), group = s.groupOfFilter(m), mLocal = m - group * M;
    const int firstRow = group * K, firstFilter = group * M;
    const core::Tensor& w = m_controller->weights();
    const core::Tensor& out = m_controller->output();
    float wMax = 0;
    for (float v : w.span()) wMax = std::max(wMax, std::fabs(v));

    painter.setPen(palette().color(QPalette::Text));
    const int first = firstColumn(), last = std::min(N, first + visibleColumns()) - 1;
    painter.drawText(
        QRect(rightLeft(), 0, 600, kTop - 2), Qt::AlignLeft | Qt::AlignVCenter,
        tr("col (K=%1 × N=%2), columns %3–%4 shown").arg(K).arg(N).arg(first).arg(last));
    painter.drawText(QRect(kLeft, bottomTop() - kGap + 4, 400, kGap - 6),
                     Qt::AlignLeft | Qt::AlignVCenter, tr("W (M=%1 × K=%2)").arg(M).arg(K));
    painter.drawText(QRect(rightLeft(), bottomTop() - kGap + 4, 400, kGap - 6),
                     Qt::AlignLeft | Qt::AlignVCenter, tr("out (M=%1 × N=%2)").arg(M).arg(N));

    // W: M x K cells as one image, drawn scaled without smoothing.
    if (QRect(weightRect(0, 0).topLeft(), weightRect(M - 1, K - 1).bottomRight())
            .intersects(exposed)) {
        QImage wCells(K, M, QImage::Format_RGB32);
        for (int i = 0; i < M; ++i) {
            QRgb* line = reinterpret_cast<QRgb*>(wCells.scanLine(i));
            const float* row = w.image(firstFilter + i);
            for (int k = 0; k < K; ++k)
                line[k] = rgb(core::mapValue(m_controller->divergingMap(), row[k], -wMax, wMax));
        }
        painter.drawImage(QRect(weightRect(0, 0).topLeft(), QSize(K * c, M * c)), wCells);
    }
    // col and out: only the exposed columns.
    const int n0 = first, n1 = last;
    if (n1 >= n0) {
        QImage colCells(n1 - n0 + 1, K, QImage::Format_RGB32);
        QImage outCells(n1 - n0 + 1, M, QImage::Format_RGB32);
        for (int n = n0; n <= n1; ++n) {
            for (int k = 0; k < K; ++k) {
                const core::ColSource src = s.source(firstRow + k, n);
                colCells.setPixel(
                    n - n0, k,
                    src.inside
                        ? rgb(core::colorAt(core::ColorMapKind::Sequential,
                                            m_controller->input().at(0, src.channel, src.y, src.x)))
                        : qRgb(225, 225, 225));
            }
            for (int i = 0; i < M; ++i)
                outCells.setPixel(
                    n - n0, i,
                    m_controller->outputReady()
                        ? rgb(core::mapValue(m_controller->divergingMap(),
                                             out.at(0, firstFilter + i, s.outY(n), s.outX(n)),
                                             m_controller->outputMin(), m_controller->outputMax()))
                        : ConvolutionView::kPending);
        }
        painter.drawImage(QRect(rightLeft(), kTop, colCells.width() * c, K * c), colCells);
        painter.drawImage(QRect(rightLeft(), bottomTop(), outCells.width() * c, M * c), outCells);
    }
    // Selection, then the current row · column = cell.
    const core::Highlights& h = m_controller->highlights();
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(kSelection, std::max(1, c / 5)));
    const bool filterSelected = h.filter < 0 || s.groupOfFilter(h.filter) == group;
    for (int k : h.weightRows)
        if (filterSelected)
            painter.drawRect(weightRect(h.filter >= 0 ? h.filter - firstFilter : mLocal, k)
                                 .adjusted(0, 0, -1, -1));
    for (const auto& e : h.entries)
        if (e.row >= firstRow && e.row < firstRow + K && e.step >= first && e.step <= last)
            painter.drawRect(colRect(e.row - firstRow, e.step).adjusted(0, 0, -1, -1));
    for (int n : h.outputSteps)
        if (n >= first && n <= last)
            painter.drawRect(
                outRect(h.filter >= 0 ? h.filter - firstFilter : mLocal, n).adjusted(0, 0, -1, -1));
    const int step = m_controller->step();
    painter.setPen(QPen(kCurrent, 2));
    painter.drawRect(
        QRect(weightRect(mLocal, 0).topLeft(), weightRect(mLocal, K - 1).bottomRight()));
    painter.drawRect(QRect(colRect(0, step).topLeft(), colRect(K - 1, step).bottomRight()));
    painter.setPen(QPen(Qt::black, 2));
    painter.drawRect(outRect(mLocal, step));
}

void GemmView::contentClicked(const QPoint& pos) {
    const core::ConvStepper& s = m_controller->stepper();
    if (s.steps() == 0) return;
    const int c = cellSize(), K = kg(), M = mg();
    const int group = s.groupOfFilter(m_controller->filter());
    if (pos.y() >= bottomTop() && pos.y() < bottomTop() + M * c) {
        const int i = (pos.y() - bottomTop()) / c;
        if (pos.x() >= kLeft && pos.x() < kLeft + K * c) {
            m_controller->select(core::Selection::weight(group * M + i, (pos.x() - kLeft) / c));
        } else if (pos.x() >= rightLeft() && (pos.x() - rightLeft()) / c < visibleColumns()) {
            m_controller->select(core::Selection::output(
                group * M + i, firstColumn() + (pos.x() - rightLeft()) / c));
        }
    } else if (pos.y() >= kTop && pos.y() < kTop + K * c && pos.x() >= rightLeft() &&
               (pos.x() - rightLeft()) / c < visibleColumns()) {
        m_controller->select(core::Selection::colEntry(
            group * K + (pos.y() - kTop) / c, firstColumn() + (pos.x() - rightLeft()) / c));
    }
}

QString GemmView::contentToolTip(const QPoint& pos) const {
    const core::ConvStepper& s = m_controller->stepper();
    if (s.steps() == 0) return {};
    const int c = cellSize(), K = kg(), M = mg();
    const int group = s.groupOfFilter(m_controller->filter());
    if (pos.y() >= bottomTop() && pos.y() < bottomTop() + M * c) {
        const int i = (pos.y() - bottomTop()) / c;
        if (pos.x() >= kLeft && pos.x() < kLeft + K * c) {
            const int k = (pos.x() - kLeft) / c;
            return tr("W[%1][%2] = %3: weight %2 of filter %1")
                .arg(group * M + i)
                .arg(k)
                .arg(double(m_controller->weights().image(group * M + i)[k]), 0, 'g', 3);
        }
        const int n = firstColumn() + (pos.x() - rightLeft()) / c;
        if (pos.x() >= rightLeft() && n < s.steps())
            return tr("out[%1][%2] = row %1 of W · column %2 of col").arg(group * M + i).arg(n);
    }
    return {};
}

GemmPanel::GemmPanel(TeachingController* controller, QWidget* parent)
    : QWidget(parent),
      m_controller(controller),
      m_view(new GemmView(controller, this)),
      m_header(new QLabel(this)),
      m_example(new QLabel(this)),
      m_exampleButton(new QPushButton(tr("Time 256×1152×192"), this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_header);
    layout->addWidget(m_view, 1);
    auto* bottom = new QHBoxLayout;
    m_exampleButton->setToolTip(
        tr("Runs the GEMM of \"Why GEMM is at the heart of deep learning\" "
           "(W 256×1152 times col 1152×192) in the engine and shows its speed here."));
    m_example->setWordWrap(true);
    bottom->addWidget(m_exampleButton);
    bottom->addWidget(m_example, 1);
    layout->addLayout(bottom);
    connect(m_exampleButton, &QPushButton::clicked, this, &GemmPanel::runExample);
    connect(m_controller, &TeachingController::exampleGemmTimed, this, &GemmPanel::showExample);
    connect(controller, &TeachingController::changed, this, &GemmPanel::refreshFigures);
}

QString GemmPanel::figures() const {
    return m_header->text() + QLatin1Char('\n') + m_example->text();
}

void GemmPanel::refreshFigures() {
    const core::ConvStepper& s = m_controller->stepper();
    if (s.steps() == 0) return;
    const core::Im2colInfo info = s.info();
    const int G = info.groups;
    m_header->setText(
        tr("<b>GEMM</b> per group: W (M=%1 × K=%2) · col (K=%2 × N=%3) = out (M=%1 × N=%3)%4. "
           "2·M·N·K%5 = <b>%6 MFLOP</b>. W and out: blue &lt; 0 &lt; red (orange with the "
           "colour-blind-safe palette).")
            .arg(info.M)
            .arg(info.K)
            .arg(info.N)
            .arg(G > 1 ? tr(", %1 groups").arg(G) : QString())
            .arg(G > 1 ? tr("·G") : QString())
            .arg(double(info.flops()) / 1e6, 0, 'f', 3) +
        depthwiseParagraph(info));
}

void GemmPanel::runExample() {
    // On the engine thread (≈ 15 ms): 256·1152·192 is 113 MFLOP.
    m_exampleButton->setEnabled(false);
    m_controller->timeExampleGemm();
}

void GemmPanel::showExample(double median) {
    m_exampleButton->setEnabled(true);
    const double flops = 2.0 * 256 * 1152 * 192;
    m_example->setText(tr("W 256×1152 · col 1152×192 (the article's example): %1 MFLOP in %2 ms = "
                          "<b>%3 GFLOP/s</b> on this machine.")
                           .arg(flops / 1e6, 0, 'f', 1)
                           .arg(median, 0, 'f', 3)
                           .arg(flops / (median * 1e6), 0, 'f', 1));
}

void GemmView::autoFit() {
    if (m_controller->stepper().steps() == 0) return;
    // K appears twice (W's width, col's height): fit K + M rows, and W's K columns plus a few
    // columns of col; a large K goes down to one-pixel cells.
    fitCells(QSize(kg() + 16, kg() + mg()), QSize(kLeft + kGap + 8, kTop + kGap + 8), 1, 14);
}

}  // namespace convscope::ui
