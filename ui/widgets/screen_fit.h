// fitToScreen: a top-level window moved and shrunk, if it must be, to lie within the available
// area of the screen it is on (a geometry remembered from a larger screen or from presentation
// mode's larger fonts, a 1280x720 projector).
#pragma once

class QWidget;

namespace convscope::ui {

void fitToScreen(QWidget* window);

}  // namespace convscope::ui
