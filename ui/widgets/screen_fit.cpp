// fitToScreen's geometry arithmetic.
#include "widgets/screen_fit.h"

#include <QScreen>
#include <QWidget>
#include <algorithm>

namespace convscope::ui {

void fitToScreen(QWidget* window) {
    if (!window || !window->screen() || window->isFullScreen() || window->isMaximized()) return;
    const QRect area = window->screen()->availableGeometry();
    // The frame (title bar, borders) counts: geometry() is the client area only.
    const QRect frame = window->frameGeometry();
    const QSize extra = frame.size() - window->size();
    const QSize size = window->size().boundedTo(area.size() - extra);
    if (size != window->size()) window->resize(size.expandedTo(window->minimumSize()));
    const QRect now = window->frameGeometry();
    const int x =
        std::clamp(now.left(), area.left(), std::max(area.left(), area.right() - now.width() + 1));
    const int y =
        std::clamp(now.top(), area.top(), std::max(area.top(), area.bottom() - now.height() + 1));
    if (QPoint(x, y) != now.topLeft()) window->move(x, y);
}

}  // namespace convscope::ui
