// ConvolutionView painting: cached-free, only the exposed cells, as images scaled without
// smoothing.
#include "teaching/convolution_view.h"

#include <QPainter>
#include <QPainterPath>
#include <set>

#include "teaching/teaching_controller.h"

namespace convscope::ui {

namespace {
QColor toColor(core::Rgb c) {
    return QColor(c.r, c.g, c.b);
}
const QColor kWindow(255, 140, 0);     // the kernel window: orange
const QColor kSelection(255, 230, 0);  // linked selection: yellow
const QColor kCurrent(20, 20, 20);
}  // namespace

ConvolutionView::ConvolutionView(TeachingController* controller, QWidget* parent)
    : CellCanvas(parent), m_controller(controller) {
    setAccessibleName(tr("Convolution view"));
    setToolTip(
        tr("The padded input with the kernel window, and the output map filling step by step. "
           "Click a pixel or an output cell to light up its counterparts."));
    setCellSize(18);
    connect(controller, &TeachingController::changed, this, [this] {
        autoFit();
        followStep();
    });
    connect(controller, &TeachingController::stepChanged, this, [this] {
        viewport()->update();
        followStep();
        setAccessibleDescription(accessibleStep());
    });
    connect(controller, &TeachingController::selectionChanged, viewport(),
            qOverload<>(&QWidget::update));
}

int ConvolutionView::outputLeft() const {
    const auto& p = m_controller->stepper().params();
    const int paddedW = m_controller->stepper().width() + p.padLeft + p.padRight;
    return kMargin + paddedW * cellSize() + std::max(3 * cellSize(), 40);
}

QRect ConvolutionView::inputCellRect(int y, int x) const {
    const auto& p = m_controller->stepper().params();
    const int c = cellSize();
    return QRect(kMargin + (x + p.padLeft) * c, kMargin + (y + p.padTop) * c, c, c);
}

QRect ConvolutionView::outputCellRect(int oy, int ox) const {
    const int c = cellSize();
    return QRect(outputLeft() + ox * c, kMargin + oy * c, c, c);
}

QSize ConvolutionView::contentSize() const {
    const core::ConvStepper& s = m_controller->stepper();
    if (s.steps() == 0) return {};
    const auto& p = s.params();
    const int paddedH = s.height() + p.padTop + p.padBottom;
    return {outputLeft() + std::max(s.outWidth() * cellSize(), kLegendWidth) + kMargin,
            kMargin +
                std::max(paddedH, s.outHeight() + kLegendHeight / std::max(1, cellSize()) + 1) *
                    cellSize() +
                kMargin};
}

void ConvolutionView::followStep() {
    const core::ConvStepper& s = m_controller->stepper();
    if (s.steps() == 0) return;
    int y0 = 0, x0 = 0;
    s.windowOrigin(m_controller->step(), y0, x0);
    const auto& p = s.params();
    ensureVisible(inputCellRect(y0, x0).united(
        inputCellRect(y0 + p.effectiveKernelH() - 1, x0 + p.effectiveKernelW() - 1)));
}

QString ConvolutionView::accessibleStep() const {
    const core::ConvStepper& s = m_controller->stepper();
    if (s.steps() == 0) return {};
    const auto d = m_controller->currentDot();
    const int step = m_controller->step();
    return tr("Output row %1, column %2 of filter %3 = sum of %4 products plus bias = %5")
        .arg(s.outY(step))
        .arg(s.outX(step))
        .arg(m_controller->filter())
        .arg(d.weights.size())
        .arg(d.value, 0, 'g', 4);
}

void ConvolutionView::paintContent(QPainter& painter, const QRect& exposed) const {
    const core::ConvStepper& s = m_controller->stepper();
    if (s.steps() == 0) return;
    const core::Tensor& in = m_controller->input();
    const auto& p = s.params();
    const int c = cellSize();
    const int H = s.height(), W = s.width();
    const int paddedH = H + p.padTop + p.padBottom, paddedW = W + p.padLeft + p.padRight;
    const bool rgb = in.c() == 3;

    painter.setPen(palette().color(QPalette::Text));
    painter.drawText(QRect(kMargin, 2, paddedW * c + 200, kMargin - 4),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     tr("input %1×%2×%3, padded").arg(in.c()).arg(H).arg(W));
    painter.drawText(QRect(outputLeft(), 2, s.outWidth() * c + 200, kMargin - 4),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     tr("output of filter %1: %2×%3")
                         .arg(m_controller->filter())
                         .arg(s.outHeight())
                         .arg(s.outWidth()));

    // Input: the exposed padded cells as one small image, drawn scaled without smoothing.
    const QRect inputArea(kMargin, kMargin, paddedW * c, paddedH * c);
    const QRect inVisible = exposed.intersected(inputArea);
    if (!inVisible.isEmpty()) {
        const int px0 = (inVisible.left() - kMargin) / c, px1 = (inVisible.right() - kMargin) / c;
        const int py0 = (inVisible.top() - kMargin) / c, py1 = (inVisible.bottom() - kMargin) / c;
        QImage cells(px1 - px0 + 1, py1 - py0 + 1, QImage::Format_RGB32);
        for (int py = py0; py <= py1; ++py)
            for (int px = px0; px <= px1; ++px) {
                const int y = py - p.padTop, x = px - p.padLeft;
                QRgb v = qRgb(236, 236, 236);  // padding
                if (y >= 0 && y < H && x >= 0 && x < W) {
                    if (rgb) {
                        v = qRgb(int(in.at(0, 0, y, x) * 255), int(in.at(0, 1, y, x) * 255),
                                 int(in.at(0, 2, y, x) * 255));
                    } else {
                        const int g = int(in.at(0, 0, y, x) * 255);
                        v = qRgb(g, g, g);
                    }
                }
                cells.setPixel(px - px0, py - py0, v);
            }
        painter.drawImage(
            QRect(kMargin + px0 * c, kMargin + py0 * c, cells.width() * c, cells.height() * c),
            cells);
        if (c >= 8) {
            painter.setPen(QColor(0, 0, 0, 40));
            for (int px = px0; px <= px1 + 1; ++px)
                painter.drawLine(kMargin + px * c, kMargin + py0 * c, kMargin + px * c,
                                 kMargin + (py1 + 1) * c);
            for (int py = py0; py <= py1 + 1; ++py)
                painter.drawLine(kMargin + px0 * c, kMargin + py * c, kMargin + (px1 + 1) * c,
                                 kMargin + py * c);
        }
        if (c >= 18) {  // zeros in the padding, values at high zoom
            QFont f = painter.font();
            f.setPixelSize(std::max(7, c / 3));
            painter.setFont(f);
            for (int py = py0; py <= py1; ++py)
                for (int px = px0; px <= px1; ++px) {
                    const int y = py - p.padTop, x = px - p.padLeft;
                    const QRect r(kMargin + px * c, kMargin + py * c, c, c);
                    const bool inside = y >= 0 && y < H && x >= 0 && x < W;
                    if (!inside) {
                        painter.setPen(QColor(140, 140, 140));
                        painter.drawText(r, Qt::AlignCenter, QStringLiteral("0"));
                    } else if (c >= 34) {
                        const float v =
                            rgb ? (in.at(0, 0, y, x) + in.at(0, 1, y, x) + in.at(0, 2, y, x)) / 3
                                : in.at(0, 0, y, x);
                        painter.setPen(v > 0.5f ? Qt::black : Qt::white);
                        painter.drawText(r, Qt::AlignCenter, QString::number(double(v), 'f', 2));
                    }
                }
        }
    }
    // The image boundary inside the padding: dashed.
    if (p.padTop || p.padBottom || p.padLeft || p.padRight) {
        QPen dashed(QColor(110, 110, 110), 1, Qt::DashLine);
        painter.setPen(dashed);
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(inputArea.adjusted(0, 0, -1, -1));
        painter.drawRect(
            QRect(inputCellRect(0, 0).topLeft(), inputCellRect(H - 1, W - 1).bottomRight()));
    }

    // Linked selection on the input.
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(kSelection, std::max(2, c / 6)));
    std::set<std::pair<int, int>> lit;
    for (const auto& px : m_controller->highlights().pixels) lit.insert({px.y, px.x});
    for (const auto& [y, x] : lit) {
        const QRect r = inputCellRect(y, x);
        if (r.intersects(exposed)) painter.drawRect(r.adjusted(1, 1, -1, -1));
    }

    // The kernel window of the current step: its extent, and each tap outlined where the cells
    // are large enough (or dilation leaves holes between taps). Thin lines and no fill: the
    // pixels under the window stay readable (thick outlines with a tint merged into one opaque
    // orange block at 3x3 and 5x5, stride 1).
    const int step = m_controller->step();
    int y0 = 0, x0 = 0;
    s.windowOrigin(step, y0, x0);
    const bool dilated = p.dilationH > 1 || p.dilationW > 1;
    const bool eachTap = dilated || c >= 12;
    painter.setBrush(Qt::NoBrush);
    painter.setPen(eachTap ? QPen(kWindow, 1, Qt::DashLine) : QPen(kWindow, 2));
    painter.drawRect(QRect(
        inputCellRect(y0, x0).topLeft(),
        inputCellRect(y0 + p.effectiveKernelH() - 1, x0 + p.effectiveKernelW() - 1).bottomRight()));
    if (eachTap) {
        painter.setPen(QPen(kWindow, c >= 24 ? 2 : 1));
        const int inset = c >= 24 ? 1 : 0;
        for (int ki = 0; ki < p.kernelH; ++ki)
            for (int kj = 0; kj < p.kernelW; ++kj)
                painter.drawRect(inputCellRect(y0 + ki * p.dilationH, x0 + kj * p.dilationW)
                                     .adjusted(inset, inset, -inset - 1, -inset - 1));
    }

    // Output: computed cells up to the current step, in the output's colour scale.
    const core::Tensor& out = m_controller->output();
    const int m = m_controller->filter();
    const QRect outputArea(outputLeft(), kMargin, s.outWidth() * c, s.outHeight() * c);
    const QRect outVisible = exposed.intersected(outputArea);
    if (!outVisible.isEmpty()) {
        const int ox0 = (outVisible.left() - outputLeft()) / c,
                  ox1 = (outVisible.right() - outputLeft()) / c;
        const int oy0 = (outVisible.top() - kMargin) / c, oy1 = (outVisible.bottom() - kMargin) / c;
        QImage cells(ox1 - ox0 + 1, oy1 - oy0 + 1, QImage::Format_RGB32);
        for (int oy = oy0; oy <= oy1; ++oy)
            for (int ox = ox0; ox <= ox1; ++ox) {
                const int n = s.stepOf(oy, ox);
                const QRgb v =
                    n <= step && m_controller->outputReady()
                        ? toColor(core::mapValue(m_controller->divergingMap(), out.at(0, m, oy, ox),
                                                 m_controller->outputMin(),
                                                 m_controller->outputMax()))
                              .rgb()
                        : kPending;
                cells.setPixel(ox - ox0, oy - oy0, v);
            }
        painter.drawImage(
            QRect(outputLeft() + ox0 * c, kMargin + oy0 * c, cells.width() * c, cells.height() * c),
            cells);
        if (c >= 8) {
            painter.setPen(QColor(0, 0, 0, 40));
            for (int ox = ox0; ox <= ox1 + 1; ++ox)
                painter.drawLine(outputLeft() + ox * c, kMargin + oy0 * c, outputLeft() + ox * c,
                                 kMargin + (oy1 + 1) * c);
            for (int oy = oy0; oy <= oy1 + 1; ++oy)
                painter.drawLine(outputLeft() + ox0 * c, kMargin + oy * c,
                                 outputLeft() + (ox1 + 1) * c, kMargin + oy * c);
        }
        if (c >= 34) {
            QFont f = painter.font();
            f.setPixelSize(std::max(7, c / 3));
            painter.setFont(f);
            painter.setPen(Qt::black);
            for (int oy = oy0; oy <= oy1; ++oy)
                for (int ox = ox0; ox <= ox1; ++ox)
                    if (s.stepOf(oy, ox) <= step && m_controller->outputReady())
                        painter.drawText(outputCellRect(oy, ox), Qt::AlignCenter,
                                         QString::number(double(out.at(0, m, oy, ox)), 'f', 2));
        }
    }
    painter.setPen(QPen(kSelection, std::max(2, c / 6)));
    for (int n : m_controller->highlights().outputSteps)
        painter.drawRect(outputCellRect(s.outY(n), s.outX(n)).adjusted(1, 1, -1, -1));
    painter.setPen(QPen(kCurrent, std::max(2, c / 5)));
    painter.drawRect(outputCellRect(s.outY(step), s.outX(step)).adjusted(1, 1, -1, -1));

    // Colour legend of the output: the diverging scale, centred on 0, with its extremes.
    const double lo = m_controller->outputMin(), hi = m_controller->outputMax();
    const QRect bar(outputLeft(), kMargin + s.outHeight() * c + 8, kLegendWidth, 10);
    if (bar.intersects(exposed.adjusted(0, -20, 0, 20))) {
        for (int x = 0; x < bar.width(); ++x) {
            const double v = lo + (hi - lo) * x / std::max(1, bar.width() - 1);
            painter.setPen(toColor(core::mapValue(m_controller->divergingMap(), v, lo, hi)));
            painter.drawLine(bar.left() + x, bar.top(), bar.left() + x, bar.bottom());
        }
        painter.setPen(palette().color(QPalette::Text));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(bar.adjusted(0, 0, -1, -1));
        QFont f = painter.font();
        f.setPixelSize(10);
        painter.setFont(f);
        const QRect labels(bar.left(), bar.bottom() + 2, bar.width(), 14);
        painter.drawText(labels, Qt::AlignLeft, QString::number(lo, 'g', 3));
        painter.drawText(labels, Qt::AlignRight, QString::number(hi, 'g', 3));
        painter.drawText(labels, Qt::AlignHCenter, tr("output value"));
    }
}

ConvolutionView::Hit ConvolutionView::hitTest(const QPoint& pos) const {
    Hit hit;
    const core::ConvStepper& s = m_controller->stepper();
    if (s.steps() == 0) return hit;
    const auto& p = s.params();
    const int c = cellSize();
    const int px = (pos.x() - kMargin) / c, py = (pos.y() - kMargin) / c;
    if (pos.x() >= kMargin && pos.y() >= kMargin && px < s.width() + p.padLeft + p.padRight &&
        py < s.height() + p.padTop + p.padBottom) {
        hit.y = py - p.padTop;
        hit.x = px - p.padLeft;
        const bool inside = hit.y >= 0 && hit.y < s.height() && hit.x >= 0 && hit.x < s.width();
        hit.kind = inside ? Hit::Pixel : Hit::Padding;
        return hit;
    }
    const int ox = (pos.x() - outputLeft()) / c, oy = (pos.y() - kMargin) / c;
    if (pos.x() >= outputLeft() && pos.y() >= kMargin && ox < s.outWidth() && oy < s.outHeight()) {
        hit.kind = Hit::Output;
        hit.y = oy;
        hit.x = ox;
    }
    return hit;
}

void ConvolutionView::contentClicked(const QPoint& pos) {
    const Hit hit = hitTest(pos);
    if (hit.kind == Hit::Pixel) m_controller->select(core::Selection::pixel(0, hit.y, hit.x));
    if (hit.kind == Hit::Output)
        m_controller->select(core::Selection::output(m_controller->filter(),
                                                     m_controller->stepper().stepOf(hit.y, hit.x)));
}

QString ConvolutionView::contentToolTip(const QPoint& pos) const {
    const Hit hit = hitTest(pos);
    const core::ConvStepper& s = m_controller->stepper();
    switch (hit.kind) {
        case Hit::None:
            return {};
        case Hit::Padding:
            return tr("padding: reads as 0");
        case Hit::Pixel:
            return tr("pixel (%1, %2): copied into %3 column(s) of the im2col matrix")
                .arg(hit.y)
                .arg(hit.x)
                .arg(s.copyCount(hit.y, hit.x));
        case Hit::Output:
            if (!m_controller->outputReady())
                return tr("out[%1, %2, %3]: being computed (step %4)")
                    .arg(m_controller->filter())
                    .arg(hit.y)
                    .arg(hit.x)
                    .arg(s.stepOf(hit.y, hit.x));
            return tr("out[%1, %2, %3] = %4 (step %5)")
                .arg(m_controller->filter())
                .arg(hit.y)
                .arg(hit.x)
                .arg(double(m_controller->output().at(0, m_controller->filter(), hit.y, hit.x)), 0,
                     'g', 4)
                .arg(s.stepOf(hit.y, hit.x));
    }
    return {};
}

void ConvolutionView::autoFit() {
    const core::ConvStepper& s = m_controller->stepper();
    if (s.steps() == 0) return;
    const auto& p = s.params();
    const int paddedW = s.width() + p.padLeft + p.padRight,
              paddedH = s.height() + p.padTop + p.padBottom;
    fitCells(QSize(paddedW + s.outWidth() + 3, std::max(paddedH, s.outHeight())),
             QSize(2 * kMargin + 40, 2 * kMargin), 2, 48);
}

}  // namespace convscope::ui
