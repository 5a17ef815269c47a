// ModelPanel: model choice, layer list, preprocessing form.
#include "network/model_panel.h"

#include <QCheckBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>

#include "network/network_controller.h"

namespace convscope::ui {

namespace {
// Reads next to the name: the dock is narrow, and which layers a join reads is what a big
// graph's list needs most after the names.
constexpr int kColumns = 7;  // Layer, Reads, Type, Output, Parameters, FLOPs, GEMM

QString flopsText(qint64 flops) {
    if (flops <= 0) return {};
    if (flops >= 100'000'000) return QStringLiteral("%1 G").arg(double(flops) / 1e9, 0, 'f', 3);
    return QStringLiteral("%1 M").arg(double(flops) / 1e6, 0, 'f', 2);
}
}  // namespace

ModelPanel::ModelPanel(NetworkController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller) {
    auto* layout = new QVBoxLayout(this);
    auto* buttons = new QHBoxLayout;
    auto* open = new QPushButton(tr("Open Model…"), this);
    open->setToolTip(
        tr("An ONNX file, a Caffe prototxt + caffemodel, a TensorFlow .pb or a "
           "Darknet .cfg + .weights (Ctrl+Shift+O)"));
    connect(open, &QPushButton::clicked, this, &ModelPanel::chooseModel);
    auto* builtIn = new QToolButton(this);
    builtIn->setText(tr("Built-in"));
    builtIn->setToolTip(
        tr("Networks defined in the engine, with seeded random weights: their "
           "timing is real, their filters are noise"));
    builtIn->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(builtIn);
    menu->addAction(tr("AlexNet (CaffeNet, 227×227)"), this,
                    [this] { m_controller->openBuiltIn(QStringLiteral("alexnet")); });
    menu->addAction(tr("LeNet (MNIST, 28×28)"), this,
                    [this] { m_controller->openBuiltIn(QStringLiteral("lenet")); });
    builtIn->setMenu(menu);
    buttons->addWidget(open);
    buttons->addWidget(builtIn);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_problem->hide();
    layout->addWidget(m_problem);

    m_tree = new QTreeWidget(this);
    m_tree->setRootIsDecorated(false);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setHeaderLabels({tr("Layer"), tr("Reads"), tr("Type"), tr("Output"), tr("Parameters"),
                             tr("FLOPs"), tr("GEMM M×N×K")});
    // ResizeToContents measures every row on each layout pass: O(rows) per resize, and a
    // 900-node DenseNet has as many. Columns are sized once per model (rebuild) instead.
    m_tree->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_tree->header()->setStretchLastSection(false);
    m_tree->setToolTip(
        tr("Every layer of the model. Pick one: the filter gallery, feature maps "
           "and fc view follow."));
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (item && !m_loading) m_controller->setCurrentRow(m_tree->indexOfTopLevelItem(item));
    });
    layout->addWidget(m_tree, 1);
    auto* fold = new QCheckBox(tr("Fold BatchNorm into the conv before it"), this);
    fold->setChecked(m_controller->foldBatchNorm());
    fold->setToolTip(
        tr("ONNX: run each BatchNorm that alone follows a conv as part of that conv's weights "
           "and bias, as inference engines do. The list keeps every layer of the file and says "
           "which were folded; the filter gallery shows the file's own filters."));
    connect(fold, &QCheckBox::toggled, m_controller, &NetworkController::setFoldBatchNorm);
    layout->addWidget(fold);

    auto* form = new QFormLayout;
    m_scale = new QDoubleSpinBox(this);
    m_scale->setDecimals(8);
    m_scale->setRange(1e-8, 1e4);
    m_scale->setToolTip(
        tr("Multiplies each pixel (0-255) after subtracting the mean: "
           "0.00390625 (1/256) for LeNet, 1 for Caffe's CIFAR-10 and AlexNet"));
    form->addRow(tr("Scale:"), m_scale);
    auto* meanRow = new QHBoxLayout;
    for (auto*& m : m_mean) {
        m = new QDoubleSpinBox(this);
        m->setRange(-1000, 1000);
        m->setDecimals(3);
        m->setToolTip(
            tr("The per-channel mean subtracted from each pixel, in the model's channel "
               "order"));
        meanRow->addWidget(m);
    }
    form->addRow(tr("Mean:"), meanRow);
    m_swap = new QCheckBox(tr("Model takes R,G,B (not OpenCV's B,G,R)"), this);
    form->addRow(m_swap);
    m_crop = new QCheckBox(tr("Centre-crop to the model's aspect ratio"), this);
    form->addRow(m_crop);
    auto* labelsRow = new QHBoxLayout;
    m_labels = new QLabel(tr("none"), this);
    auto* chooseLabels = new QPushButton(tr("Labels…"), this);
    chooseLabels->setToolTip(tr("A text file with one class name per line"));
    connect(chooseLabels, &QPushButton::clicked, this, &ModelPanel::chooseLabels);
    labelsRow->addWidget(m_labels, 1);
    labelsRow->addWidget(chooseLabels);
    form->addRow(tr("Labels:"), labelsRow);
    layout->addLayout(form);
    for (QDoubleSpinBox* s : {m_scale, m_mean[0], m_mean[1], m_mean[2]})
        connect(s, &QDoubleSpinBox::editingFinished, this, &ModelPanel::applyPreprocessing);
    for (QCheckBox* c : {m_swap, m_crop})
        connect(c, &QCheckBox::toggled, this, &ModelPanel::applyPreprocessing);

    connect(controller, &NetworkController::modelLoading, this,
            [this](const QString& name) { m_summary->setText(tr("Loading %1…").arg(name)); });
    connect(controller, &NetworkController::modelChanged, this, &ModelPanel::rebuild);
    connect(controller, &NetworkController::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < m_tree->topLevelItemCount())
            m_tree->setCurrentItem(m_tree->topLevelItem(row));
    });
    rebuild();
}

void ModelPanel::rebuild() {
    m_loading = true;
    m_summary->setText(m_controller->summary());
    const QString problem = m_controller->hasModel() ? m_controller->problem() : QString();
    m_problem->setText(
        problem.isEmpty()
            ? QString()
            : tr("Cannot run in the engine: %1. Its filters are still shown.").arg(problem));
    m_problem->setVisible(!problem.isEmpty());
    m_tree->clear();
    QList<QTreeWidgetItem*> items;
    items.reserve(qsizetype(m_controller->rows().size()));
    for (const ModelLayerRow& r : m_controller->rows()) {
        auto* item = new QTreeWidgetItem(
            {r.shortName, r.reads, r.type, r.output, r.params, flopsText(r.flops), r.gemm});
        // The full name stays in the tooltip (and in sessions): it is what the file says.
        QString tip = tr("<b>%1</b> (%2)").arg(r.name.toHtmlEscaped(), r.type);
        if (r.readCount > 0)
            tip += tr("<br>reads %n layer(s): %1", nullptr, r.readCount)
                       .arg(r.readsAll.toHtmlEscaped());
        if (r.weightBytes > 0) tip += tr("<br>%1 weights").arg(r.weightBytes / 4);
        if (!r.note.isEmpty()) tip += QStringLiteral("<br>") + r.note.toHtmlEscaped();
        if (!r.supported) {
            for (int c = 0; c < kColumns; ++c) {
                item->setBackground(c, QColor(255, 224, 224));
                item->setForeground(c, QColor(140, 0, 20));
            }
            tip = tr("<b>Not supported by the engine</b><br>") + tip;
        } else if (r.engineIndex < 0) {
            for (int c = 0; c < kColumns; ++c)
                item->setForeground(c, palette().color(QPalette::PlaceholderText));
        }
        // A join (Add, Concat, Mul of two branches) reads more than one layer: its name stands
        // out so the branches can be followed down the list.
        if (r.readCount > 1) {
            QFont bold = item->font(0);
            bold.setBold(true);
            item->setFont(0, bold);
            item->setForeground(1, QColor(0, 90, 160));
        }
        for (int c = 0; c < kColumns; ++c) item->setToolTip(c, tip);
        items.append(item);
    }
    m_tree->addTopLevelItems(items);
    // Sized from the header and a sample of rows (not all: see the constructor), then capped so
    // the Reads column of a DenseNet Concat does not push the rest off screen.
    const QFontMetrics fm(m_tree->font());
    for (int c = 0; c < kColumns; ++c) {
        int w = fm.horizontalAdvance(m_tree->headerItem()->text(c)) + 24;
        const int n = int(items.size()), step = std::max(1, n / 200);
        for (int i = 0; i < n; i += step)
            w = std::max(w, fm.horizontalAdvance(items[i]->text(c)) + 16);
        m_tree->header()->resizeSection(c, std::min(w, c == 1 ? 220 : 320));
    }
    loadPreprocessing();
    m_loading = false;
    const int row = m_controller->currentRow();
    if (row >= 0 && row < m_tree->topLevelItemCount())
        m_tree->setCurrentItem(m_tree->topLevelItem(row));
}

void ModelPanel::loadPreprocessing() {
    const core::io::Preprocessing& p = m_controller->preprocessing();
    const bool was = m_loading;
    m_loading = true;
    m_scale->setValue(double(p.scale));
    for (int i = 0; i < 3; ++i) m_mean[i]->setValue(double(p.mean[std::size_t(i)]));
    m_swap->setChecked(p.swapRB);
    m_crop->setChecked(p.crop);
    m_labels->setText(m_controller->labelsPath().isEmpty()
                          ? tr("none")
                          : QFileInfo(m_controller->labelsPath()).fileName());
    m_loading = was;
}

void ModelPanel::applyPreprocessing() {
    if (m_loading || !m_controller->hasModel()) return;
    core::io::Preprocessing p = m_controller->preprocessing();
    p.scale = float(m_scale->value());
    for (int i = 0; i < 3; ++i) p.mean[std::size_t(i)] = float(m_mean[i]->value());
    p.swapRB = m_swap->isChecked();
    p.crop = m_crop->isChecked();
    const core::io::Preprocessing& old = m_controller->preprocessing();
    if (p.scale == old.scale && p.mean == old.mean && p.swapRB == old.swapRB && p.crop == old.crop)
        return;
    m_controller->setPreprocessing(p);
}

void ModelPanel::chooseLabels() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Labels File"), QFileInfo(m_controller->modelPath()).absolutePath(),
        tr("Text files (*.txt *.names *.labels);;All files (*)"));
    if (path.isEmpty()) return;
    if (m_controller->setLabelsFile(path)) m_labels->setText(QFileInfo(path).fileName());
}

QString ModelPanel::companionOf(const QString& model) {
    const QFileInfo info(model);
    const QString ext = info.suffix().toLower();
    QStringList wanted;
    if (ext == QLatin1String("caffemodel"))
        wanted = {QStringLiteral("prototxt")};
    else if (ext == QLatin1String("weights"))
        wanted = {QStringLiteral("cfg")};
    else
        return {};
    for (const QString& w : wanted) {
        const QString same = info.dir().filePath(info.completeBaseName() + QLatin1Char('.') + w);
        if (QFileInfo::exists(same)) return same;
        const QStringList all = info.dir().entryList({QStringLiteral("*.") + w}, QDir::Files);
        if (all.size() == 1) return info.dir().filePath(all.first());
    }
    return {};
}

void ModelPanel::chooseModel() {
    QSettings settings;
    const QString folder = settings.value(QStringLiteral("files/modelFolder")).toString();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Model"), folder,
        tr("Models (*.onnx *.caffemodel *.pb *.weights);;All files (*)"));
    if (path.isEmpty()) return;
    settings.setValue(QStringLiteral("files/modelFolder"), QFileInfo(path).absolutePath());
    QString config = companionOf(path);
    const QString ext = QFileInfo(path).suffix().toLower();
    if (config.isEmpty() &&
        (ext == QLatin1String("caffemodel") || ext == QLatin1String("weights"))) {
        config = QFileDialog::getOpenFileName(
            this, tr("The network description for %1").arg(QFileInfo(path).fileName()),
            QFileInfo(path).absolutePath(), tr("Network descriptions (*.prototxt *.cfg)"));
        if (config.isEmpty()) return;
    }
    m_controller->openModel(path, config);
}

}  // namespace convscope::ui
