// TeachingController: state changes, the ROI convolution, and the background full-size run.
#include "teaching/teaching_controller.h"

#include <algorithm>

#include "base/error.h"
#include "base/runtime.h"
#include "base/timing.h"
#include "gemm/gemm.h"
#include "layers/convolution.h"
#include "net/models.h"
#include "render/color_map.h"

namespace convscope::ui {

core::Tensor imageToTensor(const QImage& image, bool rgb) {
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    core::Tensor t(1, rgb ? 3 : 1, img.height(), img.width());
    for (int y = 0; y < img.height(); ++y) {
        const QRgb* line = reinterpret_cast<const QRgb*>(img.constScanLine(y));
        for (int x = 0; x < img.width(); ++x) {
            const QRgb p = line[x];
            if (rgb) {
                t.at(0, 0, y, x) = float(qRed(p)) / 255.0f;
                t.at(0, 1, y, x) = float(qGreen(p)) / 255.0f;
                t.at(0, 2, y, x) = float(qBlue(p)) / 255.0f;
            } else {
                t.at(0, 0, y, x) = (0.299f * float(qRed(p)) + 0.587f * float(qGreen(p)) +
                                    0.114f * float(qBlue(p))) /
                                   255.0f;
            }
        }
    }
    return t;
}

QImage colorMapped(const float* plane, int w, int h, core::ColorMapKind kind, float lo, float hi) {
    QImage img(w, h, QImage::Format_RGB32);
    for (int y = 0; y < h; ++y) {
        QRgb* line = reinterpret_cast<QRgb*>(img.scanLine(y));
        for (int x = 0; x < w; ++x) {
            const core::Rgb c = core::mapValue(kind, plane[std::int64_t(y) * w + x], lo, hi);
            line[x] = qRgb(c.r, c.g, c.b);
        }
    }
    return img;
}

namespace {

core::WindowParams effectiveParams(const LayerSettings& layer, int h, int w) {
    core::WindowParams p = layer.params;
    if (layer.samePadding) core::applySamePadding(p, h, w, true);
    return p;
}

}  // namespace

QRect defaultRoi(const QSize& size) {
    const int side = std::min({32, size.width(), size.height()});
    return QRect((size.width() - side) / 2, (size.height() - side) / 2, side, side);
}

TeachingController::TeachingController(QObject* parent) : QObject(parent) {}

// The trackers cancel and wait for their jobs.
TeachingController::~TeachingController() = default;

QString TeachingController::check(const LayerSettings& layer) const {
    if (m_roi.isEmpty()) return tr("No image.");
    return checkFor(layer, m_roi.size());
}

QString TeachingController::checkFor(const LayerSettings& layer, const QSize& roi, int* steps) {
    if (roi.isEmpty()) return tr("No image.");
    const core::WindowParams p = effectiveParams(layer, roi.height(), roi.width());
    try {
        const core::ConvStepper s(layer.rgb ? 3 : 1, roi.height(), roi.width(), p, layer.filters);
        if (steps) *steps = s.steps();
    } catch (const core::Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

bool TeachingController::restoreWeights(const core::Tensor& weights, const std::vector<float>& bias,
                                        const QString& source) {
    const int C = m_layer.rgb ? 3 : 1;
    const core::Shape expect{m_layer.filters, C / m_layer.params.groups, m_layer.params.kernelH,
                             m_layer.params.kernelW};
    if (weights.shape() != expect || bias.size() != std::size_t(expect.n)) {
        emit errorOccurred(tr("The saved weights are %1, the layer needs %2.")
                               .arg(QString::fromStdString(weights.shape().toString()),
                                    QString::fromStdString(expect.toString())));
        return false;
    }
    m_weights = weights;
    m_bias = bias;
    m_kernelSource = source;
    rebuild();
    computeFull();
    return true;
}

void TeachingController::setImage(const QImage& image, const QString& name) {
    if (image.isNull()) return;
    m_image = image.convertToFormat(QImage::Format_RGB32);
    m_imageName = name;
    m_fullImage = QImage();
    const QRect roi = defaultRoi(m_image.size());
    m_roi = roi;
    // The layer may not fit a tiny image: fall back to the defaults, say why.
    const QString problem = check(m_layer);
    if (!problem.isEmpty()) {
        emit errorOccurred(problem);
        m_layer = LayerSettings{};
        if (!check(m_layer).isEmpty()) m_layer.params = core::WindowParams::square(1);
        m_weights = core::Tensor();
    }
    m_selection = {};
    rebuild();
    computeFull();
}

bool TeachingController::setView(const QRect& requested, const LayerSettings& layer) {
    if (m_image.isNull()) return false;
    const QRect roi = requested.normalized();
    if (roi.isEmpty() || !m_image.rect().contains(roi) || roi.width() > kMaxRoiSide ||
        roi.height() > kMaxRoiSide) {
        emit errorOccurred(tr("The region %1×%2 at (%3, %4) does not fit the %5×%6 image (at most "
                              "%7×%7).")
                               .arg(roi.width())
                               .arg(roi.height())
                               .arg(roi.x())
                               .arg(roi.y())
                               .arg(m_image.width())
                               .arg(m_image.height())
                               .arg(kMaxRoiSide));
        return false;
    }
    const QString problem = checkFor(layer, roi.size());
    if (!problem.isEmpty()) {
        emit errorOccurred(problem);
        return false;
    }
    m_roi = roi;
    applyLayer(layer);
    return true;
}

void TeachingController::setRoi(const QRect& requested) {
    if (m_image.isNull()) return;
    QRect roi = requested.normalized().intersected(m_image.rect());
    roi.setWidth(std::clamp(roi.width(), 1, kMaxRoiSide));
    roi.setHeight(std::clamp(roi.height(), 1, kMaxRoiSide));
    if (roi == m_roi || roi.isEmpty()) return;
    const QRect previous = m_roi;
    m_roi = roi;
    const QString problem = check(m_layer);
    if (!problem.isEmpty()) {
        m_roi = previous;
        emit errorOccurred(tr("That region is too small for the layer: %1").arg(problem));
        return;
    }
    m_selection = {};
    rebuild();
}

bool TeachingController::setLayer(const LayerSettings& layer) {
    const QString problem = check(layer);
    if (!problem.isEmpty()) {
        emit errorOccurred(problem);
        return false;
    }
    if (layer == m_layer && !m_weights.empty()) return true;
    applyLayer(layer);
    return true;
}

void TeachingController::applyLayer(const LayerSettings& layer) {
    // New weights (the preset's) only when their shape or preset changes: stride, padding and
    // dilation keep a learned or edited kernel.
    const bool shapeChanged = layer.filters != m_layer.filters || layer.rgb != m_layer.rgb ||
                              layer.params.kernelH != m_layer.params.kernelH ||
                              layer.params.kernelW != m_layer.params.kernelW ||
                              layer.params.groups != m_layer.params.groups ||
                              layer.preset != m_layer.preset;
    m_layer = layer;
    if (shapeChanged) {
        m_weights = core::Tensor();
        m_kernelSource.clear();
    }
    m_selection = {};
    rebuild();
    computeFull();
}

void TeachingController::applyPreset(int preset) {
    LayerSettings layer = m_layer;
    layer.preset = preset;
    m_weights = core::Tensor();
    setLayer(layer);
}

bool TeachingController::setKernel(const core::Tensor& weights, const std::vector<float>& bias,
                                   core::WindowParams params, const QString& source) {
    if (weights.empty() || (weights.c() != 1 && weights.c() != 3)) {
        emit errorOccurred(tr("%1 has %2 input channels; the convolution view shows 1 (gray) or 3 "
                              "(RGB) channel kernels. Pick a first-layer filter.")
                               .arg(source)
                               .arg(weights.c()));
        return false;
    }
    if (weights.n() > kMaxTeachingFilters) {
        emit errorOccurred(tr("%1 has %2 filters; the convolution view takes at most %3.")
                               .arg(source)
                               .arg(weights.n())
                               .arg(kMaxTeachingFilters));
        return false;
    }
    LayerSettings layer = m_layer;
    params.kernelH = weights.h();
    params.kernelW = weights.w();
    params.groups = 1;
    layer.params = params;
    layer.filters = weights.n();
    layer.rgb = weights.c() == 3;
    layer.samePadding = false;
    const QString problem = check(layer);
    if (!problem.isEmpty()) {
        emit errorOccurred(tr("%1 does not fit the current region: %2").arg(source, problem));
        return false;
    }
    m_layer = layer;
    m_weights = weights;
    m_bias = bias.size() == std::size_t(weights.n()) ? bias
                                                     : std::vector<float>(std::size_t(weights.n()));
    m_kernelSource = source;
    m_filter = 0;
    m_selection = {};
    rebuild();
    computeFull();
    return true;
}

QString TeachingController::describeStep(const QString& view) const {
    const core::ConvStepper& s = m_stepper;
    if (s.steps() == 0) return tr("No layer.");
    const core::ConvStepper::DotProduct d = currentDot();
    const int y = s.outY(m_step), x = s.outX(m_step);
    QString text = tr("Step %1 of %2: output row %3, column %4 of kernel %5 = the sum of %6 "
                      "products plus the bias = %7.")
                       .arg(m_step + 1)
                       .arg(s.steps())
                       .arg(y)
                       .arg(x)
                       .arg(m_filter)
                       .arg(s.groupRows())
                       .arg(d.value, 0, 'g', 4);
    const core::WindowParams& p = s.params();
    if (view == QLatin1String("conv"))
        text += tr(" The window's top-left tap reads input row %1, column %2 (negative or past "
                   "the edge: padding).")
                    .arg(y * p.strideH - p.padTop)
                    .arg(x * p.strideW - p.padLeft);
    else if (view == QLatin1String("im2col"))
        text += tr(" im2col column %1 of %2 holds that window's %3 values.")
                    .arg(m_step)
                    .arg(s.steps())
                    .arg(s.groupRows());
    else if (view == QLatin1String("gemm"))
        text += tr(" In the GEMM: row %1 of W times column %2 of col.").arg(m_filter).arg(m_step);
    return text;
}

QString TeachingController::kernelSource() const {
    if (!m_kernelSource.isEmpty()) return m_kernelSource;
    const auto& presets = core::kernelPresets();
    const int i = std::clamp(m_layer.preset, 0, int(presets.size()) - 1);
    return QString::fromUtf8(presets[std::size_t(i)].name);
}

void TeachingController::setWeight(int m, int c, int i, int j, float value) {
    if (m_weights.empty() || m < 0 || m >= m_weights.n() || c < 0 || c >= m_weights.c() || i < 0 ||
        i >= m_weights.h() || j < 0 || j >= m_weights.w() || !std::isfinite(value))
        return;
    m_weights.at(m, c, i, j) = value;
    rebuild();
    computeFull();
}

void TeachingController::setBias(int m, float value) {
    if (m < 0 || m >= int(m_bias.size()) || !std::isfinite(value)) return;
    m_bias[std::size_t(m)] = value;
    rebuild();
    computeFull();
}

void TeachingController::rebuild() {
    if (m_image.isNull()) return;
    const int C = m_layer.rgb ? 3 : 1;
    const core::WindowParams p = effectiveParams(m_layer, m_roi.height(), m_roi.width());
    m_stepper = core::ConvStepper(C, m_roi.height(), m_roi.width(), p, m_layer.filters);
    m_input = imageToTensor(m_image.copy(m_roi), m_layer.rgb);
    const int Cg = C / p.groups;
    if (m_weights.empty() || m_weights.n() != m_layer.filters || m_weights.c() != Cg) {
        m_weights = core::kernelWeights(core::KernelPreset(m_layer.preset), m_layer.filters, Cg,
                                        p.kernelH, p.kernelW);
        m_bias.assign(std::size_t(m_layer.filters), 0.0f);
    }
    computeRoiOutput(p);
    m_step = std::clamp(m_step, 0, m_stepper.steps() - 1);
    m_filter = std::clamp(m_filter, 0, m_layer.filters - 1);
    updateHighlights();
    emit changed();
    emit stepChanged(m_step);
}

namespace {
// The output the views show, computed by the engine's fastest method (direct-simd: no col matrix,
// so a 512x512 region with 11x11 kernels needs no 380 MB buffer); the views draw im2col and the
// GEMM themselves, and the tests check every method gives the same numbers.
core::Tensor convolve(const core::Tensor& input, const core::WindowParams& p,
                      const core::Tensor& weights, const std::vector<float>& bias) {
    core::ConvolutionLayer conv("teaching", p, weights, bias);
    const core::Shape in = input.shape();
    core::Tensor out(conv.outputShape(std::span<const core::Shape>(&in, 1)));
    const core::Tensor* inputs[] = {&input};
    core::ForwardContext ctx;
    ctx.convMethod = core::ConvMethod::DirectSimd;
    conv.forward(inputs, out, ctx);
    return out;
}
}  // namespace

void TeachingController::computeRoiOutput(const core::WindowParams& p) {
    const double flops = 2.0 * m_layer.filters * double(m_stepper.steps()) * m_stepper.groupRows();
    auto publish = [this](core::Tensor out) {
        m_output = std::move(out);
        const auto [lo, hi] =
            std::minmax_element(m_output.data(), m_output.data() + m_output.count());
        m_outMin = *lo;
        m_outMax = *hi;
        m_outputReady = true;
    };
    if (flops <= kSyncRoiFlops) {
        // A few milliseconds: at once, on the GUI thread, on that thread alone (no OpenMP team of
        // its own: engine_pool.h).
        const core::ThreadLimit alone(1);
        m_roiJobs.invalidate();  // an older large region's result must not replace this one
        publish(convolve(m_input, p, m_weights, m_bias));
        return;
    }
    // Large region and kernel (a 512x512 region, 64 11x11 kernels is 12 GFLOP, 34 ms): run it
    // off the GUI thread; the views show the output as pending until it arrives.
    m_outputReady = false;
    m_output = core::Tensor();
    m_outMin = m_outMax = 0;
    // A newer layer or region makes this one stale: its result is dropped.
    m_roiJobs.start([input = m_input, p, weights = m_weights, bias = m_bias](
                        const JobControl&) { return convolve(input, p, weights, bias); },
                    [this, publish](core::Tensor out) {
                        publish(std::move(out));
                        emit changed();
                    });
}

void TeachingController::updateHighlights() {
    m_highlights = core::highlightsFor(m_stepper, m_selection);
}

core::ConvStepper::DotProduct TeachingController::currentDot() const {
    return m_stepper.dot(m_input, m_weights, m_bias, m_filter, m_step);
}

void TeachingController::setStep(int step) {
    if (m_stepper.steps() == 0) return;
    step = std::clamp(step, 0, m_stepper.steps() - 1);
    if (step == m_step) return;
    m_step = step;
    emit stepChanged(m_step);
}

void TeachingController::stepBy(int delta) {
    if (m_stepper.steps() == 0) return;
    setStep((m_step + delta + m_stepper.steps()) % m_stepper.steps());
}

void TeachingController::setFilter(int m) {
    m = std::clamp(m, 0, std::max(0, m_layer.filters - 1));
    if (m == m_filter) return;
    m_filter = m;
    emit changed();
    computeFull();
}

void TeachingController::setColorBlindSafe(bool on) {
    if (on == m_colorBlindSafe) return;
    m_colorBlindSafe = on;
    emit changed();
    computeFull();
}

void TeachingController::select(const core::Selection& selection) {
    m_selection = selection;
    if (selection.kind == core::Selection::Kind::OutputCell) {
        m_filter = std::clamp(selection.filter, 0, m_layer.filters - 1);
        m_step = selection.step;
        emit stepChanged(m_step);
    }
    updateHighlights();
    emit selectionChanged();
}

void TeachingController::timeExampleGemm() {
    m_gemmJobs.start(
        [](const JobControl&) {
            const int M = 256, K = 1152, N = 192;
            core::Tensor a(1, 1, M, K), b(1, 1, K, N), c(1, 1, M, N);
            core::fillUniform(a, 1);
            core::fillUniform(b, 2);
            return core::timeRuns(
                       0, 12,
                       [&](int) { core::gemm(M, N, K, a.data(), K, b.data(), N, c.data(), N); })
                .medianMs;
        },
        [this](double ms) { emit exampleGemmTimed(ms); });
}

void TeachingController::cancelFull() {
    m_fullJobs.cancel();
}

void TeachingController::computeFull() {
    if (m_image.isNull() || m_weights.empty()) return;
    // The newest request wins: the tracker cancels the old one, which stops at its next tile.
    const QImage image = m_image;
    const LayerSettings layer = m_layer;
    const core::Tensor weights = m_weights;
    const std::vector<float> bias = m_bias;
    const int m = m_filter;
    const core::ColorMapKind map = divergingMap();
    m_fullJobs.start(
        [this, image, layer, weights, bias, m, map](const JobControl& job) {
            FullResult result;
            try {
                const core::Tensor in = imageToTensor(image, layer.rgb);
                const core::WindowParams p = effectiveParams(layer, in.h(), in.w());
                core::ForwardContext ctx;
                ctx.convMethod = core::ConvMethod::DirectSimd;  // polls cancel, reports progress
                ctx.cancelled = job.cancelPredicate();
                ctx.progress = [this, job](double f) {
                    job.post([this, percent = int(f * 100)] { emit fullProgress(percent); });
                };
                // Only the filter on show (64 filters on a 12 MP photo: 0.7 s and a 48 MB map
                // instead of 1.8 s and a 3 GB output).
                const core::Tensor out = core::convolveOneFilter(in, p, weights, bias, m, ctx);
                const float* map0 = out.image(0);
                const auto [lo, hi] = std::minmax_element(map0, map0 + out.shape().plane());
                result.image = colorMapped(map0, out.w(), out.h(), map, *lo, *hi);
            } catch (const core::Error& e) {
                if (e.category() == core::ErrorCategory::Cancelled)
                    result.cancelled = true;
                else
                    result.error = QString::fromStdString(e.what());
            }
            return result;
        },
        [this](FullResult r) {
            if (r.cancelled) {
                m_fullImage = QImage();  // the previous kernel's map would pass for this one's
                emit fullCancelled();
                return;
            }
            if (!r.error.isEmpty()) {
                emit fullFailed(r.error);
                return;
            }
            m_fullImage = std::move(r.image);
            emit fullFinished();
        });
    emit fullStarted();
}

}  // namespace convscope::ui
