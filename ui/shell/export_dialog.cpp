// ExportAnimationDialog: the form, remembered between uses.
#include "shell/export_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>

namespace convscope::ui {

ExportAnimationDialog::ExportAnimationDialog(int steps, int current, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Export Animation"));
    QSettings s;
    s.beginGroup(QStringLiteral("animation"));
    auto* form = new QFormLayout(this);
    m_view = new QComboBox(this);
    m_view->addItem(tr("The three linked views side by side"), QStringLiteral("all"));
    m_view->addItem(tr("Convolution"), QStringLiteral("conv"));
    m_view->addItem(tr("im2col"), QStringLiteral("im2col"));
    m_view->addItem(tr("GEMM"), QStringLiteral("gemm"));
    m_view->setCurrentIndex(
        std::max(0, m_view->findData(s.value(QStringLiteral("view"), QStringLiteral("all")))));
    form->addRow(tr("&Views:"), m_view);
    auto* range = new QHBoxLayout;
    m_from = new QSpinBox(this);
    m_to = new QSpinBox(this);
    // Counted from 1, as the playback bar's "step 1 / 1024" counts (AnimationSettings from 0).
    for (QSpinBox* b : {m_from, m_to}) b->setRange(1, std::max(1, steps));
    m_from->setValue(current + 1);
    m_to->setValue(std::min(steps, current + 48));
    m_from->setToolTip(tr("The first step (1 is the top-left output cell)"));
    m_to->setToolTip(tr("The last step; one frame per step"));
    range->addWidget(m_from);
    range->addWidget(new QLabel(tr("to"), this));
    range->addWidget(m_to);
    form->addRow(tr("&Steps:"), range);
    m_fps = new QDoubleSpinBox(this);
    m_fps->setRange(0.5, 60);
    m_fps->setValue(s.value(QStringLiteral("fps"), 4.0).toDouble());
    m_fps->setSuffix(tr(" frames/s"));
    form->addRow(tr("&Frame rate:"), m_fps);
    auto* size = new QHBoxLayout;
    m_width = new QSpinBox(this);
    m_height = new QSpinBox(this);
    m_width->setRange(200, 3840);
    m_height->setRange(150, 2160);
    m_width->setValue(s.value(QStringLiteral("width"), 1200).toInt());
    m_height->setValue(s.value(QStringLiteral("height"), 640).toInt());
    size->addWidget(m_width);
    size->addWidget(new QLabel(QStringLiteral("×"), this));
    size->addWidget(m_height);
    form->addRow(tr("Si&ze:"), size);
    auto* file = new QHBoxLayout;
    m_path = new QLineEdit(this);
    m_path->setText(
        s.value(QStringLiteral("path"), QDir::home().filePath(QStringLiteral("convscope.gif")))
            .toString());
    m_path->setToolTip(tr(".gif (loops, for slides) or .mp4"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, &ExportAnimationDialog::browse);
    file->addWidget(m_path, 1);
    file->addWidget(browse);
    form->addRow(tr("F&ile:"), file);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        const AnimationSettings a = settings();
        QSettings st;
        st.beginGroup(QStringLiteral("animation"));
        st.setValue(QStringLiteral("view"), a.view);
        st.setValue(QStringLiteral("fps"), a.fps);
        st.setValue(QStringLiteral("width"), a.size.width());
        st.setValue(QStringLiteral("height"), a.size.height());
        st.setValue(QStringLiteral("path"), a.path);
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

void ExportAnimationDialog::browse() {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export Animation"), m_path->text(),
                                     tr("Animated GIF (*.gif);;MP4 video (*.mp4)"));
    if (!path.isEmpty()) m_path->setText(path);
}

AnimationSettings ExportAnimationDialog::settings() const {
    AnimationSettings a;
    a.view = m_view->currentData().toString();
    a.from = m_from->value() - 1;
    a.to = std::max(m_from->value(), m_to->value()) - 1;
    a.fps = m_fps->value();
    a.size = QSize(m_width->value(), m_height->value());
    a.path = m_path->text();
    return a;
}

}  // namespace convscope::ui
