// The Fully Connected tab: an fc layer as the GEMM it is. y (n×B) = W (n×k) · x (k×B) + b, drawn
// to scale with the real input vector from the current image; hovering an output shows its row
// of W and the dot product. Measures the layer at batch 1, 8 and 32 (GEMV -> GEMM) and recomputes
// it as a convolution whose kernel covers the whole input map (AlexNet's fc6 as 4096 kernels of
// 256×6×6), showing that the two agree.
#pragma once

#include <QImage>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace convscope::ui {

class NetworkController;

class FcCanvas : public QWidget {
    Q_OBJECT
public:
    explicit FcCanvas(NetworkController* controller, QWidget* parent = nullptr);
    void setRow(int row);  // a model row holding an fc layer, or -1
    void setBatch(int batch);
    int hoveredOutput() const { return m_hover; }
    // The output index under a widget point, or -1.
    int outputAt(const QPoint& pos) const;
    QString dotProductText(int output) const;
    QSize sizeHint() const override { return {900, 520}; }

    // True while W's picture is being rendered in the background.
    bool weightsPending() const { return m_weights.isNull() && m_row >= 0; }

signals:
    void hovered(const QString& text);
    void weightsReady();

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;  // ↑/↓ walk the outputs
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Geometry {
        QRect w, x, y;
    };
    Geometry geometry() const;
    void renderWeights();
    const float* inputVector() const;  // the current image's fc input, or null

    NetworkController* m_controller;
    int m_row = -1, m_batch = 1, m_hover = -1;
    QImage m_weights;  // W as block means, rendered by the controller
};

class FcPanel : public QWidget {
    Q_OBJECT
public:
    explicit FcPanel(NetworkController* controller, QWidget* parent = nullptr);
    FcCanvas* canvas() const { return m_canvas; }
    QComboBox* layerBox() const { return m_layer; }

public slots:
    void measure();

private:
    void rebuildLayers();
    void showReport();

    NetworkController* m_controller;
    QComboBox* m_layer;
    QSpinBox* m_batch;
    QPushButton* m_measure;
    FcCanvas* m_canvas;
    void showHoverPrompt();  // instead of the last layer's hovered dot product
    QLabel* m_hover;
    QLabel* m_report;
};

}  // namespace convscope::ui
