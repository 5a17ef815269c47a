// TeachingLayout: the views, their two arrangements, the formula and the descriptions.
#include "teaching/teaching_layout.h"

#include <QAccessible>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

#include "teaching/convolution_view.h"
#include "teaching/gemm_view.h"
#include "teaching/im2col_view.h"
#include "teaching/teaching_controller.h"

namespace convscope::ui {

namespace {
QWidget* titled(const QString& title, QWidget* content, QWidget* parent, QLabel* below = nullptr) {
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(new QLabel(QStringLiteral("<b>%1</b>").arg(title), box));
    layout->addWidget(content, 1);
    if (below) layout->addWidget(below);
    return box;
}
}  // namespace

TeachingLayout::TeachingLayout(TeachingController* controller, Arrangement arrangement, Views views,
                               QWidget* parent)
    : QWidget(parent), m_controller(controller) {
    if (views.convolution) {
        m_conv = new ConvolutionView(controller, this);
        m_conv->setAccessibleName(tr("Convolution view"));
        m_formula = new QLabel(this);
        m_formula->setWordWrap(true);
        m_formula->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_formula->setToolTip(
            tr("The dot product of the current step: the kernel's weights times the "
               "window's pixels, plus the bias."));
    }
    if (views.im2col) {
        m_im2col = new Im2colPanel(controller, this);
        m_im2col->view()->setAccessibleName(tr("im2col matrix"));
    }
    if (views.gemm) {
        m_gemm = new GemmPanel(controller, this);
        m_gemm->view()->setAccessibleName(tr("GEMM view"));
    }
    if (arrangement == Arrangement::Window)
        buildWindow();
    else
        buildRow();
    connect(controller, &TeachingController::stepChanged, this, &TeachingLayout::updateStep);
    connect(controller, &TeachingController::changed, this, &TeachingLayout::updateStep);
}

void TeachingLayout::buildWindow() {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* top = new QSplitter(Qt::Horizontal, this);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("viewsSplitter"));
    if (m_conv)
        top->addWidget(titled(tr("1 · Convolution: the kernel slides over the input"), m_conv, top,
                              m_formula));
    if (m_gemm) top->addWidget(titled(tr("3 · GEMM: W · col = out"), m_gemm, top));
    top->setSizes({560, 440});
    split->addWidget(top);
    if (m_im2col)
        split->addWidget(titled(tr("2 · im2col: one column per output position"), m_im2col, split));
    split->setSizes({600, 380});
    layout->addWidget(split, 1);
}

void TeachingLayout::buildRow() {
    auto* layout = new QHBoxLayout(this);
    if (m_conv) {
        auto* box = new QWidget(this);
        auto* v = new QVBoxLayout(box);
        v->setContentsMargins(0, 0, 0, 0);
        m_conv->setParent(box);
        m_formula->setParent(box);
        v->addWidget(m_conv, 1);
        v->addWidget(m_formula);
        layout->addWidget(box, 3);
    }
    if (m_im2col) layout->addWidget(m_im2col, 2);
    if (m_gemm) layout->addWidget(m_gemm, 2);
}

void TeachingLayout::updateStep() {
    const auto& s = m_controller->stepper();
    if (m_formula && s.steps() > 0)
        m_formula->setText(QString::fromStdString(s.formula(
            m_controller->currentDot(), m_controller->filter(), m_controller->step(), 6)));
    // Screen readers: each view describes the current step, and says when it changed.
    const std::pair<QWidget*, const char*> views[] = {
        {m_conv, "conv"},
        {m_im2col ? m_im2col->view() : nullptr, "im2col"},
        {m_gemm ? m_gemm->view() : nullptr, "gemm"}};
    for (const auto& [w, name] : views) {
        if (!w) continue;
        w->setAccessibleDescription(m_controller->describeStep(QLatin1String(name)));
        QAccessibleEvent event(w, QAccessible::DescriptionChanged);
        QAccessible::updateAccessibility(&event);
    }
}

}  // namespace convscope::ui
