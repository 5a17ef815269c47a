// LoweringPanel: formats core's Im2colInfo; shows the engine's validation message when invalid.
#include "lowering_panel.h"

#include <QFormLayout>
#include <QLabel>

#include "error.h"
#include "im2col.h"
#include "report.h"

namespace convscope::ui {

LoweringPanel::LoweringPanel(QWidget* parent)
    : QWidget(parent),
      m_input(new QLabel(this)),
      m_kernel(new QLabel(this)),
      m_output(new QLabel(this)),
      m_gemm(new QLabel(this)),
      m_memory(new QLabel(this)),
      m_expansion(new QLabel(this)) {
    auto* form = new QFormLayout(this);
    form->addRow(tr("Input C×H×W:"), m_input);
    form->addRow(tr("Kernel:"), m_kernel);
    form->addRow(tr("Output:"), m_output);
    form->addRow(tr("GEMM:"), m_gemm);
    form->addRow(tr("Memory:"), m_memory);
    form->addRow(tr("Expansion:"), m_expansion);
    for (QLabel* l : {m_input, m_kernel, m_output, m_gemm, m_memory, m_expansion}) {
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setWordWrap(true);
    }
    m_gemm->setToolTip(
        tr("Each output position is one column of the im2col matrix: the layer is "
           "one matrix product W (M×K) · col (K×N) per group."));
    m_expansion->setToolTip(
        tr("How many times larger the im2col matrix is than the input: every "
           "pixel is copied once per window that covers it."));
}

void LoweringPanel::setLayer(int channels, int height, int width, const core::WindowParams& p,
                             int filters) {
    m_input->setText(tr("%1×%2×%3").arg(channels).arg(height).arg(width));
    m_kernel->setText(tr("%1 filter(s) %2×%3, stride %4, pad %5, dilation %6")
                          .arg(filters)
                          .arg(p.kernelH)
                          .arg(p.kernelW)
                          .arg(p.strideH)
                          .arg(p.padTop)
                          .arg(p.dilationH));
    try {
        const core::Im2colInfo info =
            core::im2colInfo("preview", {1, channels, height, width}, p, filters);
        m_output->setText(tr("%1×%2×%3").arg(filters).arg(info.outH).arg(info.outW));
        m_gemm->setText(
            tr("W (M=%1 × K=%2) · col (K=%2 × N=%3)").arg(info.M).arg(info.K).arg(info.N));
        m_memory->setText(
            tr("input %1, col matrix %2")
                .arg(QString::fromStdString(core::formatBytes(double(info.inputBytes))),
                     QString::fromStdString(core::formatBytes(double(info.colBytes)))));
        m_expansion->setText(tr("×%1").arg(info.expansion(), 0, 'f', 2));
    } catch (const core::Error& e) {
        m_output->setText(QString::fromStdString(e.what()));
        m_gemm->clear();
        m_memory->clear();
        m_expansion->clear();
    }
}

QString LoweringPanel::text() const {
    QStringList parts;
    for (const QLabel* l : {m_input, m_kernel, m_output, m_gemm, m_memory, m_expansion})
        parts << l->text();
    return parts.join(QLatin1Char('\n'));
}

}  // namespace convscope::ui
