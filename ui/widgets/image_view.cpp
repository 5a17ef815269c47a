// ImageView painting.
#include "widgets/image_view.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>

namespace convscope::ui {

ImageView::ImageView(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(160, 120);
}

void ImageView::setImage(const QImage& image) {
    m_image = image;
    update();
}

void ImageView::setPlaceholder(const QString& text) {
    m_placeholder = text;
    update();
}

QRect ImageView::imageRect() const {
    if (m_image.isNull()) return {};
    const QSize fitted = m_image.size().scaled(size(), Qt::KeepAspectRatio);
    return QRect(QPoint((width() - fitted.width()) / 2, (height() - fitted.height()) / 2), fitted);
}

QPoint ImageView::toImage(const QPoint& p) const {
    const QRect r = imageRect();
    if (r.isEmpty()) return {};
    const int x = int((p.x() - r.left()) * double(m_image.width()) / r.width());
    const int y = int((p.y() - r.top()) * double(m_image.height()) / r.height());
    return {std::clamp(x, 0, m_image.width() - 1), std::clamp(y, 0, m_image.height() - 1)};
}

QRect ImageView::toWidget(const QRect& ir) const {
    const QRect r = imageRect();
    if (r.isEmpty() || m_image.isNull()) return {};
    const double sx = double(r.width()) / m_image.width(),
                 sy = double(r.height()) / m_image.height();
    return QRect(QPoint(r.left() + int(ir.left() * sx), r.top() + int(ir.top() * sy)),
                 QSize(std::max(2, int(ir.width() * sx)), std::max(2, int(ir.height() * sy))));
}

void ImageView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Window).darker(115));
    if (m_image.isNull()) {
        if (!m_placeholder.isEmpty()) {
            painter.setPen(palette().color(QPalette::WindowText));
            painter.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap,
                             m_placeholder);
        }
        return;
    }
    const QRect target = imageRect();
    // Smooth when shrinking; crisp cells when enlarging.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, target.width() < m_image.width());
    painter.drawImage(target, m_image);
}

RoiView::RoiView(QWidget* parent) : ImageView(parent) {
    setCursor(Qt::CrossCursor);
    setToolTip(
        tr("The whole image. Drag a rectangle to choose the region the step-by-step views "
           "animate (up to 512×512 pixels)."));
}

void RoiView::setRoi(const QRect& roi) {
    m_roi = roi;
    update();
}

void RoiView::paintEvent(QPaintEvent* event) {
    ImageView::paintEvent(event);
    if (m_roi.isEmpty()) return;
    QPainter painter(this);
    painter.setPen(QPen(QColor(255, 140, 0), 2));
    painter.drawRect(toWidget(m_roi));
}

void RoiView::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || image().isNull()) return;
    m_anchor = toImage(event->position().toPoint());
    m_dragging = true;
}

void RoiView::mouseMoveEvent(QMouseEvent* event) {
    if (!m_dragging) return;
    m_roi = QRect(m_anchor, toImage(event->position().toPoint())).normalized();
    update();
}

void RoiView::mouseReleaseEvent(QMouseEvent* event) {
    if (!m_dragging) return;
    m_dragging = false;
    QRect r = QRect(m_anchor, toImage(event->position().toPoint())).normalized();
    if (r.width() < 4 || r.height() < 4) r = QRect(r.center() - QPoint(8, 8), QSize(16, 16));
    emit roiChosen(r);
}

}  // namespace convscope::ui
