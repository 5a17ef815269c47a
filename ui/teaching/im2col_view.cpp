// Im2colView painting (exposed entries only) and Im2colPanel's figures and heatmap.
#include "teaching/im2col_view.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>
#include <algorithm>
#include <vector>

#include "render/color_map.h"
#include "report/report.h"
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
constexpr QRgb kPadding = qRgb(225, 225, 225);
}  // namespace

Im2colView::Im2colView(TeachingController* controller, QWidget* parent)
    : CellCanvas(parent), m_controller(controller) {
    setAccessibleName(tr("im2col view"));
    setToolTip(
        tr("The im2col matrix: one column per output position, one row per (channel, kernel "
           "row, kernel column). Gray entries are zeros read from the padding."));
    setCellSize(10);
    connect(controller, &TeachingController::changed, this, [this] { autoFit(); });
    connect(controller, &TeachingController::stepChanged, this, [this](int step) {
        viewport()->update();
        ensureVisible(entryRect(0, step));
    });
    connect(controller, &TeachingController::selectionChanged, viewport(),
            qOverload<>(&QWidget::update));
}

QRect Im2colView::entryRect(int row, int step) const {
    return QRect(kLeft + step * cellSize(), kTop + row * cellSize(), cellSize(), cellSize());
}

QSize Im2colView::contentSize() const {
    const core::ConvStepper& s = m_controller->stepper();
    return {kLeft + s.steps() * cellSize() + 8, kTop + s.allGroupsRows() * cellSize() + 8};
}

bool Im2colView::entryAt(const QPoint& pos, int& row, int& step) const {
    const core::ConvStepper& s = m_controller->stepper();
    if (pos.x() < kLeft || pos.y() < kTop) return false;
    step = (pos.x() - kLeft) / cellSize();
    row = (pos.y() - kTop) / cellSize();
    return step < s.steps() && row < s.allGroupsRows();
}

void Im2colView::paintContent(QPainter& painter, const QRect& exposed) const {
    const core::ConvStepper& s = m_controller->stepper();
    if (s.steps() == 0) return;
    const int c = cellSize();
    const auto& p = s.params();
    const int taps = p.kernelH * p.kernelW;
    const QRect area(kLeft, kTop, s.steps() * c, s.allGroupsRows() * c);
    const QRect visible = exposed.intersected(area);
    painter.setPen(palette().color(QPalette::Text));
    painter.drawText(QRect(kLeft, 0, std::max(exposed.right() - kLeft, 200), kTop - 2),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     tr("columns n = output positions (%1)  →").arg(s.steps()));
    if (!visible.isEmpty()) {
        const int n0 = (visible.left() - kLeft) / c, n1 = (visible.right() - kLeft) / c;
        const int r0 = (visible.top() - kTop) / c, r1 = (visible.bottom() - kTop) / c;
        QImage cells(n1 - n0 + 1, r1 - r0 + 1, QImage::Format_RGB32);
        for (int r = r0; r <= r1; ++r) {
            QRgb* line = reinterpret_cast<QRgb*>(cells.scanLine(r - r0));
            for (int n = n0; n <= n1; ++n) {
                const core::ColSource src = s.source(r, n);
                if (!src.inside) {
                    line[n - n0] = kPadding;
                } else {
                    const core::Rgb v =
                        core::colorAt(core::ColorMapKind::Sequential,
                                      m_controller->input().at(0, src.channel, src.y, src.x));
                    line[n - n0] = qRgb(v.r, v.g, v.b);
                }
            }
        }
        painter.drawImage(
            QRect(kLeft + n0 * c, kTop + r0 * c, cells.width() * c, cells.height() * c), cells);
        // Channel blocks: a line every kh*kw rows.
        painter.setPen(QPen(palette().color(QPalette::Text), 1));
        for (int r = (r0 / taps) * taps; r <= r1 + 1; r += taps)
            if (r > 0)
                painter.drawLine(kLeft + n0 * c, kTop + r * c, kLeft + (n1 + 1) * c, kTop + r * c);
    }
    // Row labels: channel at the start of each block, the kernel offset when rows are tall enough.
    const int r0 = std::max(0, (exposed.top() - kTop) / c),
              r1 = std::min(s.allGroupsRows() - 1, (exposed.bottom() - kTop) / c);
    QFont f = painter.font();
    f.setPixelSize(std::clamp(c - 2, 7, 12));
    painter.setFont(f);
    // Labels stay at the viewport's left edge while the columns scroll.
    const int labelX = visibleContent().left();
    painter.fillRect(QRect(labelX, kTop + r0 * c, kLeft, (r1 - r0 + 1) * c),
                     palette().color(QPalette::Base));
    painter.setPen(palette().color(QPalette::Text));
    for (int r = r0; r <= r1; ++r) {
        const core::ColSource src = s.source(r, 0);
        const bool first = r % taps == 0;
        if (c >= 9 || first) {
            const QString label = c >= 9
                                      ? tr("c%1 (%2,%3)").arg(src.channel).arg(src.ki).arg(src.kj)
                                      : tr("c%1").arg(src.channel);
            painter.drawText(QRect(labelX + 2, kTop + r * c, kLeft - 6, std::max(c, 12)),
                             Qt::AlignRight | Qt::AlignVCenter, label);
        }
    }
    // Highlights: rows and columns of the selection tinted, entries outlined, the current column.
    const core::Highlights& h = m_controller->highlights();
    for (int n : h.columns)
        painter.fillRect(QRect(kLeft + n * c, kTop, c, s.allGroupsRows() * c).intersected(exposed),
                         QColor(255, 230, 0, 60));
    for (int r : h.rows)
        painter.fillRect(QRect(kLeft, kTop + r * c, s.steps() * c, c).intersected(exposed),
                         QColor(255, 230, 0, 60));
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(kSelection, std::max(1, c / 5)));
    for (const auto& e : h.entries) {
        const QRect r = entryRect(e.row, e.step);
        if (r.intersects(exposed)) painter.drawRect(r.adjusted(0, 0, -1, -1));
    }
    painter.setPen(QPen(kCurrent, 2));
    const int group = s.groupOfFilter(m_controller->filter());
    const int K = s.groupRows();
    painter.drawRect(QRect(kLeft + m_controller->step() * c, kTop + group * K * c, c, K * c)
                         .adjusted(0, 0, -1, -1));
}

void Im2colView::contentClicked(const QPoint& pos) {
    int row = 0, step = 0;
    if (entryAt(pos, row, step)) m_controller->select(core::Selection::colEntry(row, step));
}

QString Im2colView::contentToolTip(const QPoint& pos) const {
    int row = 0, step = 0;
    if (!entryAt(pos, row, step)) return {};
    const core::ConvStepper& s = m_controller->stepper();
    const core::ColSource src = s.source(row, step);
    const QString where =
        src.inside ? tr("pixel (%1, %2) of channel %3").arg(src.y).arg(src.x).arg(src.channel)
                   : tr("padding (0)");
    return tr("col[%1][%2] = %3\nrow %1 = channel %4, kernel offset (%5, %6); column %2 = output "
              "(%7, %8)")
               .arg(row)
               .arg(step)
               .arg(double(s.colValue(m_controller->input(), row, step)), 0, 'g', 3)
               .arg(src.channel)
               .arg(src.ki)
               .arg(src.kj)
               .arg(s.outY(step))
               .arg(s.outX(step)) +
           QLatin1Char('\n') + tr("copied from %1").arg(where);
}

Im2colPanel::Im2colPanel(TeachingController* controller, QWidget* parent)
    : QWidget(parent),
      m_controller(controller),
      m_view(new Im2colView(controller, this)),
      m_header(new QLabel(this)),
      m_heatmap(new QLabel(this)),
      m_legend(new QLabel(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_header);
    layout->addWidget(m_view, 1);
    auto* bottom = new QHBoxLayout;
    m_heatmap->setFixedSize(100, 100);
    m_heatmap->setAlignment(Qt::AlignCenter);
    m_heatmap->setToolTip(
        tr("How many columns of the im2col matrix each input pixel is copied into: "
           "the memory im2col trades for one big GEMM."));
    m_legend->setWordWrap(true);
    bottom->addWidget(m_heatmap);
    bottom->addWidget(m_legend, 1);
    layout->addLayout(bottom);
    connect(controller, &TeachingController::changed, this, &Im2colPanel::refreshFigures);
}

QString Im2colPanel::figures() const {
    return m_header->text();
}

void Im2colPanel::refreshFigures() {
    const core::ConvStepper& s = m_controller->stepper();
    if (s.steps() == 0) return;
    const core::Im2colInfo info = s.info();
    // K is per group; with groups the matrix holds G·K rows.
    const QString rowsText = info.groups > 1
                                 ? tr("G·K = %1 rows (%2 groups of K = (C/G)·kh·kw = %3)")
                                       .arg(info.allGroupsK())
                                       .arg(info.groups)
                                       .arg(info.K)
                                 : tr("K = %1 rows (C·kh·kw)").arg(info.K);
    m_header->setText(
        tr("<b>im2col</b>: %1 × N = %2 columns (%3×%4 outputs). "
           "Input %5 → col matrix %6: <b>×%7</b>. Colour: pixel value 0 (dark violet) → 1 "
           "(yellow); light gray: a zero from the padding.")
            .arg(rowsText)
            .arg(info.N)
            .arg(info.outH)
            .arg(info.outW)
            .arg(QString::fromStdString(core::formatBytes(double(info.inputBytes))))
            .arg(QString::fromStdString(core::formatBytes(double(info.colBytes))))
            .arg(info.expansion(), 0, 'f', 2) +
        depthwiseParagraph(info));
    // Duplication heatmap: copies per pixel, sequential scale from 0 to the maximum.
    std::vector<int> rows(std::size_t(s.height())), cols(std::size_t(s.width()));
    for (int y = 0; y < s.height(); ++y) rows[std::size_t(y)] = s.rowCopies(y);
    for (int x = 0; x < s.width(); ++x) cols[std::size_t(x)] = s.colCopies(x);
    const int most =
        *std::max_element(rows.begin(), rows.end()) * *std::max_element(cols.begin(), cols.end());
    QImage heat(s.width(), s.height(), QImage::Format_RGB32);
    for (int y = 0; y < s.height(); ++y) {
        QRgb* line = reinterpret_cast<QRgb*>(heat.scanLine(y));
        for (int x = 0; x < s.width(); ++x) {
            const int copies = rows[std::size_t(y)] * cols[std::size_t(x)];
            const core::Rgb v =
                core::colorAt(core::ColorMapKind::Sequential, most ? double(copies) / most : 0);
            line[x] = qRgb(v.r, v.g, v.b);
        }
    }
    const int side = 96;
    m_heatmap->setPixmap(
        QPixmap::fromImage(heat.scaled(side, side, Qt::KeepAspectRatio, Qt::FastTransformation)));
    m_legend->setText(tr("Copies per input pixel (dark 0 → yellow %1). Pixels never read at this "
                         "stride stay dark.")
                          .arg(most));
}

void Im2colView::autoFit() {
    // Rows decide: every row visible when possible; columns scroll.
    fitCells(QSize(0, m_controller->stepper().allGroupsRows()), QSize(kLeft, kTop + 8), 3, 16);
}

}  // namespace convscope::ui
