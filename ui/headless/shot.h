// Headless renders of the teaching views (`convscope shot`): the same controller and widgets as the
// window, laid out at a given size on the offscreen platform, grabbed to an image.
#pragma once

#include <QByteArray>
#include <QImage>
#include <QRect>
#include <QSize>
#include <QString>
#include <array>
#include <functional>
#include <memory>
#include <vector>

#include "shell/app_state.h"
#include "teaching/teaching_controller.h"

namespace convscope::ui {

class TeachingLayout;

struct ShotRequest {
    // conv, im2col, gemm or all (the three side by side); filters, features, fc, profile
    QString view = QStringLiteral("all");
    QString image;        // empty: the built-in photo (or imagePng)
    QByteArray imagePng;  // an embedded image (a session's)
    QRect roi;            // empty: the default region
    LayerSettings layer;
    core::Tensor weights;  // empty: the preset's
    std::vector<float> bias;
    QString kernelSource;
    int step = 0;
    int filter = 0;
    QSize size{1400, 800};
    QString svgOut;  // also draw the views into this SVG file
    int seed = 1;    // quiz: the seed
    // The network views (filters, features, fc, profile): a model file, or "alexnet"/"lenet".
    QString model, config;
    QString modelLayer;    // a layer name; empty: the first conv (filters, features) or fc (fc)
    int modelFilter = -1;  // marks this filter and its feature map (filters, features)
    QString labels;
    // (pixel - mean) * scale, channels in OpenCV's B,G,R order unless swapRB; the model's size.
    core::io::Preprocessing preprocessing;
    int threads = 0, batch = 1, repeat = 5;
    core::ConvMethod method = core::kDefaultConvMethod;  // profile
    bool opencv = false;                                 // profile: beside OpenCV dnn
    QString chart;  // profile: time, categories, throughput, first, variation
};

// Renders the request; on failure returns a null image and sets `error` (one line).
QImage renderShot(const ShotRequest& request, QString* error);

// The teaching views of a request laid out off screen, rendered at any step: the frames of an
// animation (Export Animation, `convscope render`).
class TeachingScene {
public:
    TeachingScene();
    ~TeachingScene();
    TeachingScene(const TeachingScene&) = delete;
    TeachingScene& operator=(const TeachingScene&) = delete;
    // False with the reason for an image that cannot be read or a layer that does not fit.
    bool build(const ShotRequest& request, QString* error);
    int steps() const;
    QImage frame(int step);
    // The views as they are now, as an SVG drawing.
    bool renderSvg(const QString& path, QString* error);
    TeachingController& controller() { return m_controller; }

private:
    TeachingController m_controller;
    std::unique_ptr<TeachingLayout> m_root;
};

// Renders steps from..to of a built scene into a GIF or MP4 (by extension) at `fps`.
// `progress(done, total)` after each frame; when it returns false the export stops, the partial
// file is removed, and the result is false with `error` "cancelled". Errors name the problem.
bool exportAnimation(TeachingScene& scene, int from, int to, double fps, const QString& path,
                     const std::function<bool(int, int)>& progress, QString* error);

// The request's image: embedded bytes, a file, or the built-in photo.
bool loadShotImage(const ShotRequest& request, QImage& image, QString* error);
// The teaching part of a state (session or lesson step) as a request.
ShotRequest requestFromState(const AppState& state);

}  // namespace convscope::ui
