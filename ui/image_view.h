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
    // Where the image is drawn inside the widget (the fitted, centred rectangle).
    QRect imageRect() const;
    QSize sizeHint() const override { return {640, 480}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QImage m_image;
};

}  // namespace convscope::ui
