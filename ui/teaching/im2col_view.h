// The im2col view: the K x N matrix (rows grouped by channel and kernel offset, one column per
// output position) with the current column highlighted. Virtualised: only the exposed entries are
// computed, from the input, through ConvStepper; the matrix itself is never allocated, so a
// 2.9 GiB lowering scrolls like a small one. Im2colPanel adds the memory figures and the input's
// duplication heatmap.
#pragma once

#include <QWidget>

#include "widgets/cell_canvas.h"

class QLabel;

namespace convscope::ui {

class TeachingController;

class Im2colView : public CellCanvas {
    Q_OBJECT
public:
    explicit Im2colView(TeachingController* controller, QWidget* parent = nullptr);
    QRect entryRect(int row, int step) const;  // content pixels

protected:
    void autoFit() override;
    QSize contentSize() const override;
    void paintContent(QPainter& painter, const QRect& exposed) const override;
    void contentClicked(const QPoint& pos) override;
    QString contentToolTip(const QPoint& pos) const override;

private:
    bool entryAt(const QPoint& pos, int& row, int& step) const;
    TeachingController* m_controller;
    static constexpr int kLeft = 78, kTop = 20;
};

class Im2colPanel : public QWidget {
    Q_OBJECT
public:
    explicit Im2colPanel(TeachingController* controller, QWidget* parent = nullptr);
    Im2colView* view() const { return m_view; }
    QString figures() const;  // the header text (for tests)

private:
    void refreshFigures();
    TeachingController* m_controller;
    Im2colView* m_view;
    QLabel* m_header;
    QLabel* m_heatmap;
    QLabel* m_legend;
};

}  // namespace convscope::ui
