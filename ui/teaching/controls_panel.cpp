// ControlsPanel: the form, its validation, and the weight editor.
#include "teaching/controls_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSpinBox>
#include <QTableWidget>
#include <QToolTip>

namespace convscope::ui {

namespace {
QWidget* pair(QWidget* parent, QWidget* a, QWidget* b, QWidget* c = nullptr, QWidget* d = nullptr) {
    auto* w = new QWidget(parent);
    auto* l = new QHBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    for (QWidget* x : {a, b, c, d})
        if (x) l->addWidget(x);
    return w;
}
}  // namespace

QSpinBox* ControlsPanel::spin(int min, int max, const QString& tip) {
    auto* s = new QSpinBox(this);
    s->setRange(min, max);
    s->setToolTip(tip);
    s->setAccelerated(true);
    connect(s, &QSpinBox::valueChanged, this, &ControlsPanel::edited);
    return s;
}

ControlsPanel::ControlsPanel(TeachingController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller) {
    auto* form = new QFormLayout(this);
    // A narrow dock puts a row's fields under its label rather than cutting them off.
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    m_channels = new QComboBox(this);
    m_channels->addItems({tr("RGB (3 channels)"), tr("Gray (1 channel)")});
    m_channels->setToolTip(tr("Colour input has three channels, each with its own kernel plane."));
    connect(m_channels, &QComboBox::currentIndexChanged, this, &ControlsPanel::edited);
    form->addRow(tr("&Input:"), m_channels);

    m_kh = spin(1, 15, tr("Kernel height: how many rows each window covers."));
    m_kw = spin(1, 15, tr("Kernel width: how many columns each window covers."));
    form->addRow(tr("&Kernel h × w:"), pair(this, m_kh, m_kw));
    m_sh = spin(1, 8, tr("Vertical stride: how far the window moves down per output row."));
    m_sw = spin(1, 8, tr("Horizontal stride: how far the window moves right per output column."));
    m_sw->setObjectName(QStringLiteral("strideW"));
    form->addRow(tr("&Stride:"), pair(this, m_sh, m_sw));
    m_pt = spin(0, 10, tr("Zero rows added above the image."));
    m_pb = spin(0, 10, tr("Zero rows added below the image."));
    m_pl = spin(0, 10, tr("Zero columns added left of the image."));
    m_pr = spin(0, 10, tr("Zero columns added right of the image."));
    form->addRow(tr("&Padding t b l r:"), pair(this, m_pt, m_pb, m_pl, m_pr));
    m_same = new QCheckBox(tr("\"same\": output = ⌈input / stride⌉"), this);
    m_same->setToolTip(
        tr("Choose the padding so the output has the input's size divided by the stride."));
    connect(m_same, &QCheckBox::toggled, this, &ControlsPanel::edited);
    form->addRow(QString(), m_same);
    m_dh = spin(1, 4, tr("Vertical dilation: gaps between the kernel's rows (1 = none)."));
    m_dw = spin(1, 4, tr("Horizontal dilation: gaps between the kernel's columns (1 = none)."));
    form->addRow(tr("&Dilation:"), pair(this, m_dh, m_dw));
    m_groups = spin(1, 64,
                    tr("Groups split channels and kernels into independent convolutions (AlexNet's "
                       "two towers)."));
    form->addRow(tr("&Groups:"), m_groups);
    m_filters = spin(1, 64,
                     tr("Number of kernels M: the output has one channel per kernel, W has one row "
                        "per kernel."));
    form->addRow(tr("&Kernels M:"), m_filters);
    m_groups->setObjectName(QStringLiteral("groups"));
    m_filters->setObjectName(QStringLiteral("filters"));
    // Right under the fields it is about: at the bottom of the dock it was found only by
    // scrolling, and the views kept the old layer without a word.
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("layerProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold;"));
    m_problem->hide();
    form->addRow(m_problem);

    m_preset = new QComboBox(this);
    for (const core::PresetInfo& p : core::kernelPresets()) {
        m_preset->addItem(QString::fromUtf8(p.name));
        m_preset->setItemData(m_preset->count() - 1, QString::fromUtf8(p.description),
                              Qt::ToolTipRole);
    }
    m_preset->setToolTip(
        tr("Fill every kernel with a classic filter (later kernels are rotated copies)."));
    connect(m_preset, &QComboBox::activated, this, [this](int i) { m_controller->applyPreset(i); });
    form->addRow(tr("&Preset:"), m_preset);
    m_source = new QLabel(this);
    m_source->setWordWrap(true);
    m_source->setToolTip(
        tr("Where the weights come from: a preset, a learned filter clicked in the "
           "Filters tab, or a kernel file (Ctrl+K)"));
    form->addRow(tr("Weights:"), m_source);

    m_weightFilter = new QSpinBox(this);
    m_weightFilter->setToolTip(tr("Which kernel to edit (and show in the views)."));
    m_weightChannel = new QSpinBox(this);
    m_weightChannel->setToolTip(tr("Which input channel of that kernel to edit."));
    connect(m_weightFilter, &QSpinBox::valueChanged, this, [this](int m) {
        if (!m_loading) m_controller->setFilter(m);
    });
    connect(m_weightChannel, &QSpinBox::valueChanged, this, &ControlsPanel::fillWeights);
    form->addRow(tr("Edit kernel / channel:"), pair(this, m_weightFilter, m_weightChannel));
    m_weights = new QTableWidget(this);
    m_weights->setToolTip(tr("The kernel's weights for one channel; type a number to change one."));
    m_weights->setMinimumHeight(120);
    m_weights->setTextElideMode(Qt::ElideNone);
    connect(m_weights, &QTableWidget::cellChanged, this, [this](int i, int j) {
        if (m_loading) return;
        bool ok = false;
        const float v = m_weights->item(i, j)->text().toFloat(&ok);
        if (ok)
            m_controller->setWeight(m_weightFilter->value(), m_weightChannel->value(), i, j, v);
        else
            fillWeights();
    });
    form->addRow(m_weights);
    m_bias = new QDoubleSpinBox(this);
    m_bias->setRange(-100, 100);
    m_bias->setDecimals(3);
    m_bias->setSingleStep(0.05);
    m_bias->setToolTip(tr("Added to every output of this kernel: the b in Σ w·x + b."));
    connect(m_bias, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (!m_loading) m_controller->setBias(m_weightFilter->value(), float(v));
    });
    form->addRow(tr("&Bias:"), m_bias);

    connect(controller, &TeachingController::changed, this, &ControlsPanel::loadFromController);
    loadFromController();
}

LayerSettings ControlsPanel::settings() const {
    LayerSettings s;
    s.rgb = m_channels->currentIndex() == 0;
    s.params.kernelH = m_kh->value(), s.params.kernelW = m_kw->value();
    s.params.strideH = m_sh->value(), s.params.strideW = m_sw->value();
    s.params.padTop = m_pt->value(), s.params.padBottom = m_pb->value();
    s.params.padLeft = m_pl->value(), s.params.padRight = m_pr->value();
    s.params.dilationH = m_dh->value(), s.params.dilationW = m_dw->value();
    s.params.groups = m_groups->value();
    s.filters = m_filters->value();
    s.samePadding = m_same->isChecked();
    s.preset = m_controller->layer().preset;
    return s;
}

QString ControlsPanel::problem() const {
    return m_problemText;
}

void ControlsPanel::edited() {
    if (m_loading) return;
    for (QSpinBox* s : {m_pt, m_pb, m_pl, m_pr}) s->setEnabled(!m_same->isChecked());
    const LayerSettings s = settings();
    const QString problem = m_controller->check(s);
    showProblem(problem, qobject_cast<QWidget*>(sender()));
    if (problem.isEmpty()) m_controller->setLayer(s);
}

void ControlsPanel::showProblem(const QString& problem, QWidget* field) {
    if (problem == m_problemText && (problem.isEmpty() || field == m_marked)) return;
    m_problemText = problem;
    m_problem->setText(
        problem.isEmpty()
            ? QString()
            : tr("Not applied: %1\nThe views still show the last valid layer.").arg(problem));
    m_problem->setVisible(!problem.isEmpty());
    // The field just typed in is marked, and the message is said beside it too.
    if (m_marked) m_marked->setStyleSheet(QString());
    m_marked = problem.isEmpty() ? nullptr : field;
    if (m_marked) {
        m_marked->setStyleSheet(QStringLiteral("border: 2px solid #b00020;"));
        if (m_marked->isVisible())
            QToolTip::showText(m_marked->mapToGlobal(QPoint(0, m_marked->height())),
                               m_problem->text(), m_marked);
    }
    emit problemChanged(problem);
}

void ControlsPanel::loadFromController() {
    m_loading = true;
    const LayerSettings& s = m_controller->layer();
    m_channels->setCurrentIndex(s.rgb ? 0 : 1);
    m_kh->setValue(s.params.kernelH), m_kw->setValue(s.params.kernelW);
    m_sh->setValue(s.params.strideH), m_sw->setValue(s.params.strideW);
    m_pt->setValue(s.params.padTop), m_pb->setValue(s.params.padBottom);
    m_pl->setValue(s.params.padLeft), m_pr->setValue(s.params.padRight);
    m_dh->setValue(s.params.dilationH), m_dw->setValue(s.params.dilationW);
    m_groups->setValue(s.params.groups);
    m_filters->setValue(s.filters);
    m_same->setChecked(s.samePadding);
    for (QSpinBox* b : {m_pt, m_pb, m_pl, m_pr}) b->setEnabled(!s.samePadding);
    m_preset->setCurrentIndex(s.preset);
    m_source->setText(m_controller->kernelSource());
    const core::Tensor& w = m_controller->weights();
    m_weightFilter->setRange(0, std::max(0, s.filters - 1));
    m_weightFilter->setValue(m_controller->filter());
    m_weightChannel->setRange(0, std::max(0, w.c() - 1));
    showProblem(QString(), nullptr);
    m_loading = false;
    fillWeights();
}

void ControlsPanel::fillWeights() {
    const core::Tensor& w = m_controller->weights();
    if (w.empty()) return;
    m_loading = true;
    const int m = std::min(m_weightFilter->value(), w.n() - 1),
              c = std::min(m_weightChannel->value(), w.c() - 1);
    m_weights->setRowCount(w.h());
    m_weights->setColumnCount(w.w());
    for (int i = 0; i < w.h(); ++i)
        for (int j = 0; j < w.w(); ++j) {
            const double v = double(w.at(m, c, i, j));
            auto* item = new QTableWidgetItem(QString::number(v, 'g', 4));
            item->setToolTip(QString::number(v, 'g', 9));
            m_weights->setItem(i, j, item);
        }
    // Up to 5 columns share the dock's width; wider kernels (7x7, AlexNet's 11x11) get columns
    // as wide as their numbers and a scroll bar: stretched, their cells showed "0…" and "-…".
    m_weights->horizontalHeader()->setSectionResizeMode(w.w() <= 5 ? QHeaderView::Stretch
                                                                   : QHeaderView::ResizeToContents);
    m_bias->setValue(double(m_controller->bias()[std::size_t(m)]));
    m_loading = false;
}

}  // namespace convscope::ui
