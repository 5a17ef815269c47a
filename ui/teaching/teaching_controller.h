// TeachingController: the one UI object that calls the engine. It holds the teaching state (the
// input image and its region of interest, the conv layer, its weights, the current step, filter
// and selection), answers the views from core::ConvStepper, and runs the full-size convolution
// in the background (progress, cancel, newest request wins). Views and panels only read it and
// send requests through its slots.
#pragma once

#include <QImage>
#include <QObject>
#include <QRect>
#include <atomic>
#include <memory>

#include "jobs/job_tracker.h"
#include "render/color_map.h"
#include "teach/conv_stepper.h"
#include "teach/kernel_presets.h"
#include "teach/linked_selection.h"

namespace convscope::ui {

// The largest region of interest the step-by-step views animate (the full image is still
// convolved in the background).
constexpr int kMaxRoiSide = 512;
// The most kernels the teaching views show at once (the layer form's limit too).
constexpr int kMaxTeachingFilters = 64;

// The layer the user edits: geometry, number of kernels, colour or gray input.
struct LayerSettings {
    core::WindowParams params = core::WindowParams::square(3, 1, 1);
    int filters = 1;
    bool rgb = true;
    bool samePadding = false;  // recompute pads for "same" output size on every input change
    int preset = int(core::KernelPreset::SobelX);
    // Inline: app_state.cpp (sessions) compares layers and links without this controller (the
    // session fuzz harness, tests/fuzz). WindowParams::ceilMode is not part of a teaching layer.
    bool operator==(const LayerSettings& o) const {
        const core::WindowParams &a = params, &b = o.params;
        return a.kernelH == b.kernelH && a.kernelW == b.kernelW && a.strideH == b.strideH &&
               a.strideW == b.strideW && a.padTop == b.padTop && a.padBottom == b.padBottom &&
               a.padLeft == b.padLeft && a.padRight == b.padRight && a.dilationH == b.dilationH &&
               a.dilationW == b.dilationW && a.groups == b.groups && filters == o.filters &&
               rgb == o.rgb && samePadding == o.samePadding && preset == o.preset;
    }
};

// The region a new image starts with: a centred square of up to 32 pixels (small enough to
// follow step by step). Sessions without a region get it too.
QRect defaultRoi(const QSize& imageSize);
// QImage (any format) -> 1 x C x H x W tensor in [0, 1], channels R,G,B or luminance.
core::Tensor imageToTensor(const QImage& image, bool rgb);
// One w x h plane of values on a colour map over [lo, hi] (the full-size output, live frames,
// a feature map).
QImage colorMapped(const float* plane, int w, int h, core::ColorMapKind kind, float lo, float hi);

class TeachingController : public QObject {
    Q_OBJECT
public:
    explicit TeachingController(QObject* parent = nullptr);
    ~TeachingController() override;

    // --- state, for the views -------------------------------------------------------------
    const QImage& image() const { return m_image; }
    QString imageName() const { return m_imageName; }
    QRect roi() const { return m_roi; }
    const LayerSettings& layer() const { return m_layer; }
    const core::ConvStepper& stepper() const { return m_stepper; }
    const core::Tensor& input() const { return m_input; }      // the ROI, 1 x C x h x w
    const core::Tensor& weights() const { return m_weights; }  // M x C/groups x kh x kw
    const std::vector<float>& bias() const { return m_bias; }
    // The ROI's convolution, 1 x M x oh x ow. Small layers are computed at once; large ones in the
    // background, and until they arrive outputReady() is false and output() is empty (a zeroed
    // placeholder of a 512x512 region's 64 maps was 67 MB of page faults on the GUI thread: 40 ms).
    const core::Tensor& output() const { return m_output; }
    bool outputReady() const { return m_outputReady; }
    float outputMin() const { return m_outMin; }
    float outputMax() const { return m_outMax; }
    int step() const { return m_step; }
    int filter() const { return m_filter; }
    const core::Selection& selection() const { return m_selection; }
    const core::Highlights& highlights() const { return m_highlights; }
    core::ConvStepper::DotProduct currentDot() const;
    // Where the weights came from: a preset's name, or what setKernel() was told.
    QString kernelSource() const;
    // The current step in words, for screen readers: "Step 42 of 1024: output row 1, column 8 of
    // kernel 0 = the sum of 27 products plus the bias = 0.319". `view` adds what that view shows
    // ("conv", "im2col", "gemm").
    QString describeStep(const QString& view = {}) const;
    // setKernel()'s or restoreWeights()'s source; empty while the preset's weights are in use.
    const QString& customKernelSource() const { return m_kernelSource; }
    // The colour map for signed values (weights, outputs): blue-red, or blue-orange when the
    // colour-blind-safe palette is on.
    core::ColorMapKind divergingMap() const {
        return m_colorBlindSafe ? core::ColorMapKind::DivergingSafe : core::ColorMapKind::Diverging;
    }

    // The engine's validation of a layer for the current input: empty when valid.
    QString check(const LayerSettings& layer) const;
    // The same for a region of `roi` size; `steps` (when given) receives the number of steps.
    static QString checkFor(const LayerSettings& layer, const QSize& roi, int* steps = nullptr);

    // Full-size result: the current filter's output map over the whole image, colour-mapped.
    bool fullRunning() const { return m_fullJobs.running(); }
    const QImage& fullOutputImage() const { return m_fullImage; }

public slots:
    void setImage(const QImage& image, const QString& name);
    void setRoi(const QRect& roi);
    // Region and layer at once (a session or lesson step): both are checked together, so a layer
    // that only fits the new region is accepted. False with errorOccurred otherwise.
    bool setView(const QRect& roi, const LayerSettings& layer);
    // Applies a valid layer (regenerating the preset weights when their shape changes); an
    // invalid one emits errorOccurred with the engine's message and changes nothing.
    bool setLayer(const LayerSettings& layer);
    void applyPreset(int preset);
    // Uses given weights (M x C x kh x kw, C = 1 or 3 in R,G,B order) as the kernel: a learned
    // filter from the model panel or a kernel file. Stride, pads and dilation come from `params`
    // (its kernel size and groups are taken from the weights). `source` names where they came
    // from. An impossible layer emits errorOccurred and changes nothing.
    bool setKernel(const core::Tensor& weights, const std::vector<float>& bias,
                   core::WindowParams params, const QString& source);
    // Restores saved weights for the current layer (a session or lesson step): the shape must be
    // the layer's (M x C/groups x kh x kw). False with errorOccurred otherwise.
    bool restoreWeights(const core::Tensor& weights, const std::vector<float>& bias,
                        const QString& source);
    void setWeight(int m, int c, int i, int j, float value);
    void setBias(int m, float value);
    void setStep(int step);
    void stepBy(int delta);
    void setFilter(int m);
    void setColorBlindSafe(bool on);
    void select(const core::Selection& selection);
    void computeFull();
    void cancelFull();
    // Times the GEMM of "Why GEMM is at the heart of deep learning" (256×1152×192, median of 12
    // runs) on the engine thread; exampleGemmTimed(ms) when done.
    void timeExampleGemm();

signals:
    void changed();  // input, layer or weights: everything needs repainting
    void stepChanged(int step);
    void selectionChanged();
    void errorOccurred(const QString& message);
    void fullStarted();
    void fullProgress(int percent);
    void fullFinished();
    void fullFailed(const QString& message);
    // The run was cancelled (Esc, the Cancel button): there is no full-size output of the
    // current kernel until computeFull() runs again.
    void fullCancelled();
    void exampleGemmTimed(double medianMs);

private:
    void rebuild();  // stepper, ROI tensor, output, clamps step and filter; emits changed()
    void applyLayer(const LayerSettings& layer);  // a checked layer: weights, rebuild, full run
    void updateHighlights();
    void computeRoiOutput(const core::WindowParams& params);

    // Above this many FLOPs the region's convolution leaves the GUI thread (≈ 5 ms here).
    static constexpr double kSyncRoiFlops = 400e6;

    QImage m_image;
    QString m_imageName;
    QRect m_roi;
    LayerSettings m_layer;
    core::ConvStepper m_stepper;
    core::Tensor m_input, m_weights, m_output;
    std::vector<float> m_bias;
    float m_outMin = 0, m_outMax = 0;
    bool m_outputReady = false;
    int m_step = 0, m_filter = 0;
    bool m_colorBlindSafe = false;
    QString m_kernelSource;  // non-empty while setKernel()'s weights are in use
    core::Selection m_selection;
    core::Highlights m_highlights;

    struct FullResult {
        QImage image;
        QString error;
        bool cancelled = false;
    };
    QImage m_fullImage;

    // Last, so they are destroyed (and wait for their jobs) before the state the jobs' results
    // are written to.
    JobTracker m_roiJobs;                                // the large-region output
    JobTracker m_fullJobs;                               // the full-size run
    JobTracker m_gemmJobs{JobTracker::Policy::KeepAll};  // the article's GEMM timing
};

}  // namespace convscope::ui
