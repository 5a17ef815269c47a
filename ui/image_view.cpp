// ImageView painting.
#include "image_view.h"

#include <QPainter>

namespace convscope::ui {

ImageView::ImageView(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(160, 120);
}

void ImageView::setImage(const QImage& image) {
    m_image = image;
    update();
}

QRect ImageView::imageRect() const {
    if (m_image.isNull()) return {};
    const QSize fitted = m_image.size().scaled(size(), Qt::KeepAspectRatio);
    return QRect(QPoint((width() - fitted.width()) / 2, (height() - fitted.height()) / 2), fitted);
}

void ImageView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Window).darker(115));
    if (m_image.isNull()) return;
    const QRect target = imageRect();
    // Smooth when shrinking; crisp cells when enlarging.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, target.width() < m_image.width());
    painter.drawImage(target, m_image);
}

}  // namespace convscope::ui
