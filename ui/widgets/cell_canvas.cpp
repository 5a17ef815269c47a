// CellCanvas: scroll bars, zoom and exposed-rectangle painting.
#include "widgets/cell_canvas.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QSvgGenerator>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>

namespace convscope::ui {

CellCanvas::CellCanvas(QWidget* parent) : QAbstractScrollArea(parent) {
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    horizontalScrollBar()->setSingleStep(16);
    verticalScrollBar()->setSingleStep(16);
}

void CellCanvas::setCellSize(int pixels) {
    pixels = std::clamp(pixels, 1, 96);
    if (pixels == m_cell) return;
    m_cell = pixels;
    refresh();
}

// A zoom survives the resize its own scroll bars cause: refitting there undid every zoom in (the
// content outgrew the viewport, scroll bars appeared, the viewport shrank, autoFit ran).
void CellCanvas::zoomIn() {
    m_manualZoom = true;
    setCellSize(m_cell < 4 ? m_cell + 1 : m_cell * 5 / 4 + 1);
}
void CellCanvas::zoomOut() {
    m_manualZoom = true;
    setCellSize(m_cell <= 4 ? m_cell - 1 : m_cell * 4 / 5);
}
void CellCanvas::resetZoom() {
    m_manualZoom = false;
    autoFit();
    refresh();
}

void CellCanvas::refresh() {
    updateScrollBars();
    viewport()->update();
}

void CellCanvas::updateScrollBars() {
    const QSize content = contentSize();
    const QSize view = viewport()->size();
    horizontalScrollBar()->setPageStep(view.width());
    verticalScrollBar()->setPageStep(view.height());
    horizontalScrollBar()->setRange(0, std::max(0, content.width() - view.width()));
    verticalScrollBar()->setRange(0, std::max(0, content.height() - view.height()));
}

QRect CellCanvas::visibleContent() const {
    return QRect(QPoint(horizontalScrollBar()->value(), verticalScrollBar()->value()),
                 viewport()->size());
}

void CellCanvas::ensureVisible(const QRect& r) {
    const QRect view(QPoint(horizontalScrollBar()->value(), verticalScrollBar()->value()),
                     viewport()->size());
    if (view.contains(r)) return;
    const int margin = 2 * m_cell;
    if (r.left() < view.left() || r.right() > view.right())
        horizontalScrollBar()->setValue(r.center().x() - view.width() / 2);
    if (r.top() < view.top() || r.bottom() > view.bottom())
        verticalScrollBar()->setValue(r.top() - margin);
}

void CellCanvas::fitCells(const QSize& cells, const QSize& margins, int minCell, int maxCell) {
    m_manualZoom = false;
    const QSize view = viewport()->size();
    const int byWidth =
        cells.width() > 0 ? (view.width() - margins.width()) / cells.width() : maxCell;
    const int byHeight =
        cells.height() > 0 ? (view.height() - margins.height()) / cells.height() : maxCell;
    setCellSize(std::clamp(std::min(byWidth, byHeight), minCell, maxCell));
    refresh();
}

QPoint CellCanvas::toContent(const QPoint& p) const {
    return p + QPoint(horizontalScrollBar()->value(), verticalScrollBar()->value());
}

void CellCanvas::paintEvent(QPaintEvent* event) {
    QPainter painter(viewport());
    painter.fillRect(event->rect(), palette().color(QPalette::Base));
    const QPoint offset(horizontalScrollBar()->value(), verticalScrollBar()->value());
    painter.translate(-offset);
    paintContent(painter, event->rect().translated(offset));
    if (hasFocus()) {
        // A visible focus for keyboard users: a frame in the highlight colour.
        painter.resetTransform();
        painter.setPen(QPen(palette().color(QPalette::Highlight), 3));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(viewport()->rect().adjusted(1, 1, -2, -2));
    }
}

void CellCanvas::focusInEvent(QFocusEvent* event) {
    QAbstractScrollArea::focusInEvent(event);
    viewport()->update();
}

void CellCanvas::focusOutEvent(QFocusEvent* event) {
    QAbstractScrollArea::focusOutEvent(event);
    viewport()->update();
}

void CellCanvas::resizeEvent(QResizeEvent* event) {
    QAbstractScrollArea::resizeEvent(event);
    if (!m_manualZoom) autoFit();
    updateScrollBars();
}

void CellCanvas::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) contentClicked(toContent(event->position().toPoint()));
    QAbstractScrollArea::mousePressEvent(event);
}

void CellCanvas::wheelEvent(QWheelEvent* event) {
    if (event->modifiers() & Qt::ControlModifier) {
        event->angleDelta().y() > 0 ? zoomIn() : zoomOut();
        event->accept();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

bool CellCanvas::viewportEvent(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString tip = contentToolTip(toContent(help->pos()));
        if (tip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), tip, viewport());
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

bool CellCanvas::renderSvg(const QString& path) const {
    const QSize size = contentSize().boundedTo(QSize(16384, 16384));
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(accessibleName());
    svg.setDescription(accessibleDescription());
    QPainter painter;
    if (!painter.begin(&svg)) return false;
    painter.fillRect(QRect(QPoint(0, 0), size), palette().color(QPalette::Base));
    paintContent(painter, QRect(QPoint(0, 0), size));
    return painter.end();
}

QImage CellCanvas::renderContent() const {
    const QSize size = contentSize();
    QImage image(size.boundedTo(QSize(16384, 16384)), QImage::Format_RGB32);
    image.fill(palette().color(QPalette::Base));
    QPainter painter(&image);
    paintContent(painter, image.rect());
    return image;
}

}  // namespace convscope::ui
