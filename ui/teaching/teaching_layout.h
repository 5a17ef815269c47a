// TeachingLayout: the three linked teaching views of one TeachingController (1 convolution with
// the current dot product below it, 2 im2col, 3 GEMM), built and wired once for the main window
// and for `convscope shot` / animation export. The formula and the views' screen-reader
// descriptions follow the controller's step.
#pragma once

#include <QWidget>

class QLabel;

namespace convscope::ui {

class ConvolutionView;
class GemmPanel;
class Im2colPanel;
class TeachingController;

// Which of the three views a TeachingLayout holds.
struct TeachingViews {
    bool convolution = true, im2col = true, gemm = true;
};

class TeachingLayout : public QWidget {
    Q_OBJECT
public:
    enum class Arrangement {
        // The window: convolution and GEMM side by side above, im2col (short and wide: K rows,
        // N columns) the full width below, in splitters, each with its title.
        Window,
        // A still picture: the chosen views in one row (3 : 2 : 2), no titles.
        Row,
    };
    using Views = TeachingViews;
    TeachingLayout(TeachingController* controller, Arrangement arrangement, Views views = {},
                   QWidget* parent = nullptr);

    // Null for a view that was not asked for.
    ConvolutionView* convolutionView() const { return m_conv; }
    Im2colPanel* im2colPanel() const { return m_im2col; }
    GemmPanel* gemmPanel() const { return m_gemm; }
    QLabel* formula() const { return m_formula; }
    // Refreshes the formula and descriptions now (they otherwise follow the controller).
    void updateStep();

private:
    void buildWindow();
    void buildRow();

    TeachingController* m_controller;
    ConvolutionView* m_conv = nullptr;
    Im2colPanel* m_im2col = nullptr;
    GemmPanel* m_gemm = nullptr;
    QLabel* m_formula = nullptr;
};

}  // namespace convscope::ui
