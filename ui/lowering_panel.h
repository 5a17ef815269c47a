// A side panel with the im2col figures of one conv layer on the current image: output size, the
// GEMM's M, K, N, and the memory the col matrix costs. All numbers come from core::im2colInfo.
#pragma once

#include <QWidget>

#include "conv_geometry.h"

class QLabel;

namespace convscope::ui {

class LoweringPanel : public QWidget {
    Q_OBJECT
public:
    explicit LoweringPanel(QWidget* parent = nullptr);
    // Recomputes the figures for a C x H x W input, `filters` kernels with these parameters.
    void setLayer(int channels, int height, int width, const core::WindowParams& params,
                  int filters);
    QString text() const;  // all figures as plain text (for tests and the accessible description)

private:
    QLabel* m_input;
    QLabel* m_kernel;
    QLabel* m_output;
    QLabel* m_gemm;
    QLabel* m_memory;
    QLabel* m_expansion;
};

}  // namespace convscope::ui
