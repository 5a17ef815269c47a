// The layer form: channels, kernel, stride, padding ("same" too), dilation, groups, number of
// kernels, preset, and an editable weight grid with bias. Every edit is checked with the engine's
// validation as you type; only valid layers reach the controller.
#pragma once

#include <QWidget>

#include "teaching/teaching_controller.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QTableWidget;

namespace convscope::ui {

class ControlsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ControlsPanel(TeachingController* controller, QWidget* parent = nullptr);
    LayerSettings settings() const;  // what the form says
    QString problem() const;         // the validation message shown, empty when valid

public slots:
    void loadFromController();

signals:
    // The form's layer became invalid (the engine's message) or valid again (empty).
    void problemChanged(const QString& problem);

private:
    void edited();
    void showProblem(const QString& problem, QWidget* field);
    void fillWeights();
    QSpinBox* spin(int min, int max, const QString& tip);

    TeachingController* m_controller;
    QComboBox* m_channels;
    QSpinBox *m_kh, *m_kw, *m_sh, *m_sw, *m_pt, *m_pb, *m_pl, *m_pr, *m_dh, *m_dw, *m_groups,
        *m_filters;
    QCheckBox* m_same;
    QComboBox* m_preset;
    QSpinBox *m_weightFilter, *m_weightChannel;
    QTableWidget* m_weights;
    QDoubleSpinBox* m_bias;
    QLabel* m_problem;
    QLabel* m_source;
    QString m_problemText;        // the engine's message, empty when the form is valid
    QWidget* m_marked = nullptr;  // the field the problem was typed in
    bool m_loading = false;
};

}  // namespace convscope::ui
