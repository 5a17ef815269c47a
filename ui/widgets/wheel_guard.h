// WheelGuard: the mouse wheel over a spin box, combo box or slider inside a scrolled panel (the
// Layer dock) scrolls the panel unless that control has the keyboard focus; a click or Tab gives
// it the focus, and then the wheel changes its value. Without it, scrolling the dock changed
// whichever field passed under the pointer ("Edit kernel" went from 0 to 7 and switched the
// filter shown). One application-wide event filter, so controls created later are covered too.
#pragma once

#include <QObject>

namespace convscope::ui {

class WheelGuard : public QObject {
    Q_OBJECT
public:
    // Installs itself on the application; removed when `parent` (the main window) goes.
    explicit WheelGuard(QObject* parent);
    // True when a wheel over `widget` is left to the panel around it.
    static bool guards(const QWidget* widget);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
};

}  // namespace convscope::ui
