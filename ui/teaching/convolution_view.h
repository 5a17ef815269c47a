// The convolution view: the padded input with the kernel window of the current step (dilation
// holes visible, padding drawn as dashed zeros) and the output map filling cell by cell. Paints
// what TeachingController and its ConvStepper say; clicks select pixels and output cells.
#pragma once

#include <QRgb>

#include "render/color_map.h"
#include "widgets/cell_canvas.h"

namespace convscope::ui {

class TeachingController;

class ConvolutionView : public CellCanvas {
    Q_OBJECT
public:
    // Output cells not computed yet: a gray no colour of the diverging maps comes close to.
    static constexpr QRgb kPending = 0xffb4b4b4;

    explicit ConvolutionView(TeachingController* controller, QWidget* parent = nullptr);

    // Content geometry (pixels), public for tests and the shot command.
    QRect inputCellRect(int y, int x) const;  // image coordinates (may be in the padding)
    QRect outputCellRect(int oy, int ox) const;
    QString accessibleStep() const;  // "output row 3, column 5 = sum of 27 products = 0.42"

protected:
    void autoFit() override;
    QSize contentSize() const override;
    void paintContent(QPainter& painter, const QRect& exposed) const override;
    void contentClicked(const QPoint& pos) override;
    QString contentToolTip(const QPoint& pos) const override;

private:
    struct Hit {
        enum Kind { None, Padding, Pixel, Output } kind = None;
        int y = 0, x = 0;  // image coordinates (Pixel, Padding) or output cell (Output)
    };
    Hit hitTest(const QPoint& contentPos) const;
    void followStep();
    int outputLeft() const;

    TeachingController* m_controller;
    static constexpr int kMargin = 22;
    static constexpr int kLegendWidth = 170, kLegendHeight = 30;
};

}  // namespace convscope::ui
