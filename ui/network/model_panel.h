// The Model panel: open a model (file or built-in), its summary, every layer with type, output
// shape, parameters, FLOPs and GEMM shape (unsupported layers marked with the reason), and the
// model's preprocessing and labels (remembered per model). Selecting a row makes it the current
// layer of every network view.
#pragma once

#include <QWidget>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QTreeWidget;

namespace convscope::ui {

class NetworkController;

class ModelPanel : public QWidget {
    Q_OBJECT
public:
    explicit ModelPanel(NetworkController* controller, QWidget* parent = nullptr);
    QTreeWidget* tree() const { return m_tree; }

    // Asks for a model file (and its companion: a Caffe prototxt, Darknet cfg) and opens it.
    void chooseModel();
    // The companion file a model needs, found next to it ("" when none is needed or found):
    // net.caffemodel -> net.prototxt (or the folder's only .prototxt); x.weights -> x.cfg.
    static QString companionOf(const QString& model);

private:
    void rebuild();
    void loadPreprocessing();
    void applyPreprocessing();
    void chooseLabels();

    NetworkController* m_controller;
    QLabel* m_summary;
    QLabel* m_problem;
    QTreeWidget* m_tree;
    QDoubleSpinBox* m_scale;
    QDoubleSpinBox* m_mean[3];
    QCheckBox* m_swap;
    QCheckBox* m_crop;
    QLabel* m_labels;
    bool m_loading = false;
};

}  // namespace convscope::ui
