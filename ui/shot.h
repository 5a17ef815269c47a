// Headless renders of the teaching views (`convscope shot`): the same controller and widgets as the
// window, laid out at a given size on the offscreen platform, grabbed to an image.
#pragma once

#include <QImage>
#include <QRect>
#include <QSize>
#include <QString>
#include <array>

#include "teaching_controller.h"

namespace convscope::ui {

struct ShotRequest {
    // conv, im2col, gemm or all (the three side by side); filters, features, fc, profile
    QString view = QStringLiteral("all");
    QString image;  // empty: the built-in photo
    QRect roi;      // empty: the default region
    LayerSettings layer;
    int step = 0;
    int filter = 0;
    QSize size{1400, 800};
    // The network views (filters, features, fc, profile): a model file, or "alexnet"/"lenet".
    QString model, config;
    QString modelLayer;    // a layer name; empty: the first conv (filters, features) or fc (fc)
    int modelFilter = -1;  // marks this filter and its feature map (filters, features)
    QString labels;
    // Preprocessing: (pixel - mean) * scale, channels in OpenCV's B,G,R order unless swapRB.
    float scale = 1.0f;
    std::array<float, 3> mean{0, 0, 0};
    bool swapRB = false;
    int threads = 0, batch = 1, repeat = 5;
    bool opencv = false;  // profile: beside OpenCV dnn
    QString chart;        // profile: time, categories, throughput, first, variation
};

// Renders the request; on failure returns a null image and sets `error` (one line).
QImage renderShot(const ShotRequest& request, QString* error);

}  // namespace convscope::ui
