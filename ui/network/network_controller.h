// NetworkController: the network side's one engine caller (TeachingController is the teaching
// side's). It holds the open model (a file through the importer, or a built-in net), the current
// layer, the model's preprocessing and labels, and runs the model's jobs off the GUI thread: the
// feature maps of the current image, the timing profile (with OpenCV dnn side by side), and the
// fc layer's batch timing. Jobs run on the engine thread (engine_pool.h), one at a time (they
// share the network's buffers); each is numbered, stale results are dropped, each can be
// cancelled.
#pragma once

#include <QImage>
#include <QObject>
#include <QStringList>
#include <QThreadPool>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "io/model_import.h"
#include "jobs/job_tracker.h"
#include "measure/bench_run.h"
#include "measure/profile.h"
#include "net/classify.h"
#include "report/report.h"

namespace convscope::core {
class FullyConnectedLayer;
}

namespace convscope::ui {

// One row of the model panel: an engine layer, or a file's layer the engine could not map.
struct ModelLayerRow {
    QString name, type;
    QString shortName;  // what a person reads: core::displayName(name) ("layer1.0.conv1")
    // The layers it reads (short names), when the graph branches here: a layer with several
    // inputs (a residual Add, a Concat), or one whose input is not the row above. `reads` is
    // capped at a few names for the column; `readsAll` lists every one (the tooltip).
    QString reads, readsAll;
    int readCount = 0;
    QString output;  // "96×55×55" (one image); empty when unknown
    QString params;  // the layer's own description ("96 11x11 stride 4")
    QString gemm;    // "M×N×K" of its GEMM; empty when none
    QString note;    // why unsupported, or how it was mapped
    qint64 flops = 0, weightBytes = 0;
    bool supported = true;
    int engineIndex = -1;  // in the network, or -1
    int convIndex = -1;    // in ImportedModel::convs, or -1
    core::LayerCategory category = core::LayerCategory::Other;
};

struct ProfileSettings {
    int threads = 0;  // 0: every hardware thread
    int batch = 1;
    int warmup = core::kDefaultWarmup;
    int repeat = 10;
    core::ConvMethod method = core::kDefaultConvMethod;
    bool compareOpenCv = false;
    bool ladder = false;  // every conv method (and oneDNN, FFT) instead of `method` alone
};

struct ProfileRun {
    core::NetworkProfile profile;
    core::ReportContext context;  // peaks, and OpenCV's total and per-layer times when compared
    ProfileSettings settings;
    std::vector<core::NetworkProfile> ladder;  // the method ladder's rungs, when asked for
};

// fc layer timing: the same layer at batch 1 (a GEMV) and at larger batches (a GEMM), and as a
// convolution (core/measure/bench_run.h).
using FcBatchTiming = core::FcBatchTiming;
using FcReport = core::FcStudy;

class NetworkController : public QObject {
    Q_OBJECT
public:
    explicit NetworkController(QObject* parent = nullptr);
    ~NetworkController() override;

    // --- the model --------------------------------------------------------------------------
    bool hasModel() const { return m_model != nullptr; }
    bool runnable() const { return m_model && m_model->runnable(); }
    bool loading() const { return m_loadJobs.running(); }
    QString modelName() const { return m_modelName; }
    QString modelPath() const;
    QString problem() const;  // why the model cannot run; empty when it can
    QString summary() const;  // format, input, layers, parameters, FLOPs
    const std::vector<ModelLayerRow>& rows() const { return m_rows; }
    int currentRow() const { return m_currentRow; }
    const core::io::ImportedModel* model() const { return m_model.get(); }
    // Shared ownership, for background work that reads the model (it outlives a model change).
    std::shared_ptr<const core::io::ImportedModel> modelHandle() const { return m_model; }
    const core::io::Preprocessing& preprocessing() const { return m_pre; }
    const std::vector<std::string>& labels() const { return m_labels; }
    QString labelsPath() const { return m_labelsPath; }

    // The conv filters of a row (null when the row is not a conv) and filter m of them in the
    // teaching view's form: 1 x C x kh x kw, channels R,G,B (the model's order undone).
    const core::io::ConvFilters* filtersOf(int row) const;
    core::Tensor filterForTeaching(int row, int m) const;
    // The first row with conv filters, or -1.
    int firstConvRow() const;
    // fc rows: the layer (null otherwise).
    const core::FullyConnectedLayer* fcLayerOf(int row) const;

    // --- feature maps of the current image ---------------------------------------------------
    bool featuresRunning() const { return m_featureJobs.running(); }
    bool featuresReady() const { return !m_blobs.empty(); }
    // Activations (one image) of an engine layer from the last run; null before any run.
    const core::Tensor* activations(int engineIndex) const;
    const core::Tensor& networkInput() const { return m_input; }
    const std::vector<core::Prediction>& predictions() const { return m_predictions; }

    // --- profiling ----------------------------------------------------------------------------
    bool profiling() const { return m_profileJobs.running(); }
    const std::optional<ProfileRun>& lastProfile() const { return m_profile; }

    // --- fully connected ----------------------------------------------------------------------
    bool fcRunning() const { return m_fcJobs.running(); }
    const std::optional<FcReport>& fcReport() const { return m_fc; }
    // renderFcWeights()'s picture of `row`; null until it is ready.
    QImage fcWeights(int row) const { return row == m_fcWeightsRow ? m_fcWeights : QImage(); }

    // Waits for every job (tests; the destructor).
    void waitForJobs();

public slots:
    // Reads a model file off the GUI thread. A failure keeps the current model.
    void openModel(const QString& model, const QString& config = {});
    // ONNX: fold each BatchNorm that alone follows a conv into its weights (remembered; off by
    // default). Changing it reopens the current model file.
    void setFoldBatchNorm(bool fold);
    bool foldBatchNorm() const { return m_foldBatchNorm; }
    // "alexnet" or "lenet": the engine's built-in nets with seeded weights.
    void openBuiltIn(const QString& name);
    void setCurrentRow(int row);
    void setPreprocessing(const core::io::Preprocessing& pre);  // remembered per model
    // Reads a labels file (one class per line); an empty path clears them.
    bool setLabelsFile(const QString& path);
    // The image the model runs on; reruns the feature maps when a model can run.
    void setImage(const QImage& image);
    void runFeatures();
    void runProfile(const ProfileSettings& settings);
    void cancelProfile();
    void runFcReport(int row);
    // W of an fc row as block means (at most 768 a side) on a diverging scale, rendered on the
    // engine thread (it streams all of W: 38 M weights for fc6); fcWeightsReady(row) when done.
    void renderFcWeights(int row);

signals:
    void modelLoading(const QString& name);
    void modelChanged();
    void modelFailed(const QString& message);
    void currentRowChanged(int row);
    void featuresStarted();
    void featuresChanged();
    void featuresFailed(const QString& message);
    void profileStarted();
    void profileProgress(int done, int total, const QString& stage);
    void profileFinished();
    void profileFailed(const QString& message);  // also on cancel: "cancelled by the user"
    void fcStarted();
    void fcFinished();
    void fcFailed(const QString& message);
    void fcWeightsReady(int row);

private:
    void adopt(std::shared_ptr<core::io::ImportedModel> model, const QString& name);
    void buildRows();
    void loadPreprocessing();
    void savePreprocessing() const;

    std::shared_ptr<core::io::ImportedModel> m_model;
    QString m_modelName;
    QString m_modelPath, m_modelConfig;  // the open file (empty for a built-in network)
    bool m_foldBatchNorm = false;
    int m_generation = 0;  // bumped by every model change: an older profile is not shown
    std::vector<ModelLayerRow> m_rows;
    int m_currentRow = -1;
    core::io::Preprocessing m_pre;
    std::vector<std::string> m_labels;
    QString m_labelsPath;
    QImage m_image;

    std::vector<core::Tensor> m_blobs;
    core::Tensor m_input;
    std::vector<core::Prediction> m_predictions;

    std::optional<ProfileRun> m_profile;
    double m_peakOneThread = 0;
    std::vector<core::MachineRoofs> m_roofsByThreads;  // index: threads; 0s = not measured

    std::optional<FcReport> m_fc;
    int m_fcWeightsRow = -1;
    QImage m_fcWeights;

    // Last, so they are destroyed (and wait for their jobs) first. A model change invalidates
    // the feature, fc and fc-picture jobs of the old one.
    JobTracker m_loadJobs, m_featureJobs, m_profileJobs, m_fcJobs, m_fcWeightsJobs;
};

// "96×55×55": a shape per image for labels.
QString shapeText(const core::Shape& shape);

}  // namespace convscope::ui
