// The GEMM view: W (M×K) · col (K×N) = out (M×N) for the current filter's group, laid out as the
// product is computed (col above out, W to the left of out), with the current filter's row, the
// current step's column and their output cell highlighted. GemmPanel adds M, N, K and FLOPs and
// the 256×1152×192 example, timed on this machine.
#pragma once

#include <QWidget>

#include "widgets/cell_canvas.h"

class QLabel;
class QPushButton;

namespace convscope::ui {

class TeachingController;

class GemmView : public CellCanvas {
    Q_OBJECT
public:
    explicit GemmView(TeachingController* controller, QWidget* parent = nullptr);
    QRect weightRect(int mLocal, int k) const;
    QRect colRect(int k, int step) const;
    QRect outRect(int mLocal, int step) const;

protected:
    void autoFit() override;
    QSize contentSize() const override;
    void paintContent(QPainter& painter, const QRect& exposed) const override;
    void contentClicked(const QPoint& pos) override;
    QString contentToolTip(const QPoint& pos) const override;

private:
    // col and out show a window of columns around the current step, next to W; no scrolling.
    int visibleColumns() const;
    int firstColumn() const;
    int mg() const;
    int kg() const;
    int rightLeft() const;
    int bottomTop() const;
    TeachingController* m_controller;
    static constexpr int kLeft = 20, kTop = 20, kGap = 24;
};

class GemmPanel : public QWidget {
    Q_OBJECT
public:
    explicit GemmPanel(TeachingController* controller, QWidget* parent = nullptr);
    GemmView* view() const { return m_view; }
    QString figures() const;

public slots:
    // Times W (256×1152) · col (1152×192) in the engine and shows it next to the current GEMM.
    void runExample();
    void showExample(double medianMs);

private:
    void refreshFigures();
    TeachingController* m_controller;
    GemmView* m_view;
    QLabel* m_header;
    QLabel* m_example;
    QPushButton* m_exampleButton;
};

}  // namespace convscope::ui
