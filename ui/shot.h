// Headless renders of the teaching views (`convscope shot`): the same controller and widgets as the
// window, laid out at a given size on the offscreen platform, grabbed to an image.
#pragma once

#include <QImage>
#include <QRect>
#include <QSize>
#include <QString>

#include "teaching_controller.h"

namespace convscope::ui {

struct ShotRequest {
    QString view = QStringLiteral("all");  // conv, im2col, gemm or all (the three side by side)
    QString image;                         // empty: the built-in photo
    QRect roi;                             // empty: the default region
    LayerSettings layer;
    int step = 0;
    int filter = 0;
    QSize size{1400, 800};
};

// Renders the request; on failure returns a null image and sets `error` (one line).
QImage renderShot(const ShotRequest& request, QString* error);

}  // namespace convscope::ui
