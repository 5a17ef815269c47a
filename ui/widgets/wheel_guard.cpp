// WheelGuard's filter: which controls it guards, and handing their wheel to the panel.
#include "widgets/wheel_guard.h"

#include <QAbstractScrollArea>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QEvent>
#include <QWidget>

namespace convscope::ui {

WheelGuard::WheelGuard(QObject* parent) : QObject(parent) {
    qApp->installEventFilter(this);
}

namespace {
// A scroll bar is a slider too, and the wheel is what it is for.
bool isValueControl(const QObject* o) {
    return qobject_cast<const QAbstractSpinBox*>(o) || qobject_cast<const QComboBox*>(o) ||
           (qobject_cast<const QAbstractSlider*>(o) && !o->inherits("QScrollBar"));
}
}  // namespace

bool WheelGuard::guards(const QWidget* widget) {
    if (!widget || widget->hasFocus() || !isValueControl(widget)) return false;
    for (const QWidget* w = widget->parentWidget(); w; w = w->parentWidget())
        if (qobject_cast<const QAbstractScrollArea*>(w)) return true;
    return false;
}

bool WheelGuard::eventFilter(QObject* watched, QEvent* event) {
    if (!watched->isWidgetType()) return false;
    auto* widget = static_cast<QWidget*>(watched);
    // Before a control is first shown: the wheel must not give it the focus (Qt::WheelFocus
    // would, and a focused control takes the wheel).
    if (event->type() == QEvent::Polish && isValueControl(widget) &&
        widget->focusPolicy() == Qt::WheelFocus)
        widget->setFocusPolicy(Qt::StrongFocus);
    if (event->type() != QEvent::Wheel || !guards(widget)) return false;
    // Filtered and not accepted: QApplication passes the wheel on to the parents, up to the
    // scroll area, which scrolls.
    event->ignore();
    return true;
}

}  // namespace convscope::ui
