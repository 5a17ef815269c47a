// A widget that paints one image scaled to fit, keeping its aspect ratio; nearest-neighbour when
// enlarged so pixels stay crisp (the way every ConvScope view shows cells).
#pragma once

#include <QImage>
#include <QWidget>

namespace convscope::ui {

class ImageView : public QWidget {
    Q_OBJECT
public:
    explicit ImageView(QWidget* parent = nullptr);
    void setImage(const QImage& image);
    const QImage& image() const { return m_image; }
    // Said in the middle of the view while it has no image (what is missing, what to do).
    void setPlaceholder(const QString& text);
    const QString& placeholder() const { return m_placeholder; }
    // Where the image is drawn inside the widget (the fitted, centred rectangle).
    QRect imageRect() const;
    // Widget position -> image pixel (clamped to the image), and an image rectangle -> widget.
    QPoint toImage(const QPoint& widgetPos) const;
    QRect toWidget(const QRect& imageRect) const;
    QSize sizeHint() const override { return {640, 480}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QImage m_image;
    QString m_placeholder;
};

// The whole image with the region of interest; drag a rectangle to choose a new one.
class RoiView : public ImageView {
    Q_OBJECT
public:
    explicit RoiView(QWidget* parent = nullptr);
    void setRoi(const QRect& roi);
    QRect roi() const { return m_roi; }

signals:
    void roiChosen(const QRect& roi);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    QRect m_roi;
    QPoint m_anchor;
    bool m_dragging = false;
};

}  // namespace convscope::ui
