// File > Export Animation: which views, which steps, frame rate, size and file; the export itself
// runs frame by frame with a progress dialog and Cancel (MainWindow::exportAnimation).
#pragma once

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace convscope::ui {

struct AnimationSettings {
    QString view = QStringLiteral("all");  // conv, im2col, gemm, all
    int from = 0, to = 0;                  // steps counted from 0 (the dialog shows them from 1)
    double fps = 4;
    QSize size{1200, 640};
    QString path;
};

class ExportAnimationDialog : public QDialog {
    Q_OBJECT
public:
    // steps: the current layer's number of steps; current: the current step.
    ExportAnimationDialog(int steps, int current, QWidget* parent = nullptr);
    AnimationSettings settings() const;

private:
    void browse();
    QComboBox* m_view;
    QSpinBox *m_from, *m_to, *m_width, *m_height;
    QDoubleSpinBox* m_fps;
    QLineEdit* m_path;
};

}  // namespace convscope::ui
