// NetworkController: model loading, layer rows, preprocessing, and the model's background jobs.
#include "network/network_controller.h"

#include <QFileInfo>
#include <QSettings>
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "base/error.h"
#include "base/runtime.h"
#include "io/image_io.h"
#include "layers/convolution.h"
#include "layers/fully_connected.h"
#include "measure/bench_run.h"
#include "net/layer_names.h"
#include "net/models.h"
#include "teaching/teaching_controller.h"

namespace convscope::ui {

QString shapeText(const core::Shape& s) {
    if (s.rank == 4 && s.h == 1 && s.w == 1) return QString::number(s.c);
    if (s.rank == 4) return QStringLiteral("%1×%2×%3").arg(s.c).arg(s.h).arg(s.w);
    if (s.rank < 2) return QString::fromStdString(s.toString());
    // Other ranks as they are, batch dropped: a vector "1000", ShuffleNet's 5-D "2×58×28×28".
    QStringList dims;
    for (int i = 1; i < s.rank; ++i) dims << QString::number(s.dim(i));
    return dims.join(QStringLiteral("×"));
}

namespace {

// Restores the engine's thread count when a job that changed it ends (or throws).
class ThreadCountScope {
public:
    explicit ThreadCountScope(int threads) : m_previous(core::threadCount()) {
        core::setThreadCount(threads);
    }
    ~ThreadCountScope() { core::setThreadCount(m_previous); }
    ThreadCountScope(const ThreadCountScope&) = delete;
    ThreadCountScope& operator=(const ThreadCountScope&) = delete;

private:
    int m_previous;
};

core::Tensor imageToNetworkInput(const QImage& image, const core::io::Preprocessing& pre,
                                 const core::Shape& in) {
    if (in.c != 1 && in.c != 3)
        throw core::Error(
            core::ErrorCategory::InvalidConfig,
            "the model takes " + std::to_string(in.c) + " input channels; images give 1 or 3");
    const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
    core::io::ImageOptions o{pre, in.c};
    o.width = in.w;
    o.height = in.h;
    return core::io::convertPixels(rgb.constBits(), rgb.width(), rgb.height(),
                                   std::size_t(rgb.bytesPerLine()), o);
}

QString settingsKey(const QString& modelPath) {
    QString key = modelPath;
    key.replace(QLatin1Char('/'), QLatin1Char('|'));
    return QStringLiteral("models/") + key;
}

}  // namespace

NetworkController::NetworkController(QObject* parent)
    : QObject(parent),
      m_foldBatchNorm(QSettings().value(QStringLiteral("model/foldBatchNorm"), false).toBool()) {}

// The trackers cancel and wait for their jobs.
NetworkController::~NetworkController() = default;

void NetworkController::waitForJobs() {
    cancelProfile();
    for (JobTracker* jobs :
         {&m_loadJobs, &m_featureJobs, &m_profileJobs, &m_fcJobs, &m_fcWeightsJobs})
        jobs->waitForAll();
}

QString NetworkController::modelPath() const {
    return m_model ? QString::fromStdString(m_model->modelPath) : QString();
}

QString NetworkController::problem() const {
    if (!m_model) return tr("No model is open.");
    return QString::fromStdString(m_model->problem);
}

QString NetworkController::summary() const {
    if (!m_model)
        return tr("No model. Open one (ONNX, Caffe, TensorFlow, Darknet) or pick a built-in.");
    std::int64_t flops = 0, bytes = 0;
    for (const ModelLayerRow& r : m_rows) {
        flops += r.flops;
        bytes += r.weightBytes;
    }
    QString input = tr("input size not declared");
    if (m_model->network) input = shapeText(m_model->network->inputShape(1));
    return tr("%1 · %2 · input %3 · %4 layers · %5 M parameters · %6 GFLOP per image")
        .arg(m_modelName, QString::fromStdString(m_model->format), input)
        .arg(m_rows.size())
        .arg(double(bytes) / 4e6, 0, 'f', 2)
        .arg(double(flops) / 1e9, 0, 'f', 3);
}

void NetworkController::setFoldBatchNorm(bool fold) {
    if (fold == m_foldBatchNorm) return;
    m_foldBatchNorm = fold;
    QSettings().setValue(QStringLiteral("model/foldBatchNorm"), fold);
    if (!m_modelPath.isEmpty()) openModel(m_modelPath, m_modelConfig);
}

void NetworkController::openModel(const QString& model, const QString& config) {
    // A newer model asked for (file or built-in) makes this one stale.
    struct Result {
        std::shared_ptr<core::io::ImportedModel> model;
        QString error;
    };
    const QString name = QFileInfo(model).fileName();
    emit modelLoading(name);
    const std::string m = model.toStdString(), c = config.toStdString();
    m_modelPath = model;
    m_modelConfig = config;
    const bool fold = m_foldBatchNorm;
    m_loadJobs.start(
        [m, c, fold](const JobControl&) {
            Result r;
            try {
                r.model = std::make_shared<core::io::ImportedModel>(
                    core::io::importModel(m, c, 0, 0, fold));
            } catch (const core::Error& e) {
                r.error = QString::fromStdString(e.what());
            } catch (const std::exception& e) {
                r.error = QString::fromStdString(e.what());
            }
            return r;
        },
        [this, name](Result r) {
            if (!r.error.isEmpty()) {
                emit modelFailed(
                    tr("Could not open %1: %2. The current model is kept.").arg(name, r.error));
                return;
            }
            adopt(std::move(r.model), name);
        },
        QThreadPool::globalInstance());  // OpenCV's importer, not the engine
}

void NetworkController::openBuiltIn(const QString& name) {
    const bool alex = name.compare(QLatin1String("lenet"), Qt::CaseInsensitive) != 0;
    const QString label = alex ? tr("AlexNet (built in, seeded random weights)")
                               : tr("LeNet (built in, seeded random weights)");
    emit modelLoading(label);
    m_modelPath.clear();
    m_modelConfig.clear();
    // AlexNet's 61 M weights take a moment to draw.
    m_loadJobs.start(
        [alex](const JobControl&) {
            return std::make_shared<core::io::ImportedModel>(
                core::io::wrapNetwork(alex ? core::makeAlexNet() : core::makeLeNet()));
        },
        [this, label](std::shared_ptr<core::io::ImportedModel> model) {
            adopt(std::move(model), label);
        });
}

void NetworkController::adopt(std::shared_ptr<core::io::ImportedModel> model, const QString& name) {
    cancelProfile();
    ++m_generation;
    m_featureJobs.invalidate();
    m_fcJobs.invalidate();
    m_fcWeightsJobs.invalidate();
    m_fcWeightsRow = -1;
    m_fcWeights = QImage();
    m_model = std::move(model);
    m_modelName = name;
    m_blobs.clear();
    m_input = core::Tensor();
    m_predictions.clear();
    m_profile.reset();
    m_fc.reset();
    m_labels.clear();
    m_labelsPath.clear();
    buildRows();
    loadPreprocessing();
    // The first conv is current; a modelChanged handler may pick another (a lesson step's layer).
    m_currentRow = m_rows.empty() ? -1 : std::max(0, firstConvRow());
    const int first = m_currentRow;
    emit modelChanged();
    if (m_currentRow == first) emit currentRowChanged(m_currentRow);
    runFeatures();
}

namespace {

// What a row says it reads, when the graph branches at it (see ModelLayerRow::reads). O(inputs).
void describeReads(const core::Network& net, int index, const std::vector<QString>& shortNames,
                   ModelLayerRow& row) {
    const std::vector<int>& in = net.inputsOf(index);
    if (in.empty() || (in.size() == 1 && in.front() == index - 1)) return;
    // A single input from the layer above is the plain chain; -1 (the network input) starts it.
    if (in.size() == 1 && index == 0 && in.front() == -1) return;
    constexpr int kShown = 3;  // a DenseNet Concat reads up to 33 blobs; the tooltip has them all
    QStringList names;
    for (int i : in)
        names << (i >= 0 ? shortNames[std::size_t(i)]
                         : QString::fromStdString(core::displayName(net.inputName(-1 - i))));
    row.readCount = int(names.size());
    row.readsAll = names.join(QStringLiteral(", "));
    row.reads = QStringLiteral("← ") + QStringList(names.mid(0, kShown)).join(QStringLiteral(", "));
    if (names.size() > kShown)
        row.reads += NetworkController::tr(" … (%1 in all)").arg(names.size());
}

}  // namespace

void NetworkController::buildRows() {
    m_rows.clear();
    if (!m_model) return;
    const core::Network* net = m_model->network.get();
    std::vector<core::Shape> shapes;
    if (net) shapes = net->inferShapes(1);
    // Conv filters by layer name. The ONNX importer names a conv after its node's first output
    // ("/conv1/Conv_output_0"), the file's layer list after the node ("/conv1/Conv"); Caffe's and
    // the built-in nets use one name for both.
    std::unordered_map<std::string, int> convByName;
    for (std::size_t c = 0; c < m_model->convs.size(); ++c)
        convByName.emplace(m_model->convs[c].layer, int(c));
    auto convOf = [&](const core::io::ModelLayer& l) {
        std::vector<std::string> names{l.name, l.name + "_output_0"};
        // Only a conv node takes its engine layer's filters: a BatchNorm folded into the conv
        // before it shares that engine layer.
        if (net && l.engineIndex >= 0 && l.engineIndex < net->size() &&
            l.type.find("Conv") != std::string::npos)
            names.push_back(net->layer(l.engineIndex).name());
        for (const std::string& n : names)
            if (const auto it = convByName.find(n); it != convByName.end()) return it->second;
        return -1;
    };
    std::vector<QString> engineShort;
    if (net)
        for (int i = 0; i < net->size(); ++i)
            engineShort.push_back(QString::fromStdString(core::displayName(net->layer(i).name())));
    for (const core::io::ModelLayer& l : m_model->layers) {
        ModelLayerRow row;
        row.name = QString::fromStdString(l.name);
        row.shortName = QString::fromStdString(core::displayName(l.name));
        row.type = QString::fromStdString(l.type);
        row.note = QString::fromStdString(l.note);
        row.supported = l.supported;
        row.engineIndex = net ? l.engineIndex : -1;
        row.convIndex = convOf(l);
        if (row.engineIndex >= 0) {
            const core::Layer& layer = net->layer(row.engineIndex);
            describeReads(*net, row.engineIndex, engineShort, row);
            const std::vector<core::Shape> in = net->inputShapes(row.engineIndex, shapes, 1);
            row.output = shapeText(shapes[std::size_t(row.engineIndex)]);
            row.params = QString::fromStdString(layer.describe());
            row.flops = layer.flops(in);
            row.weightBytes = layer.weightBytes();
            row.category = layer.category();
            const core::GemmShape g = layer.gemmShape(in);
            if (g.M > 0)
                row.gemm = QStringLiteral("%1×%2×%3%4")
                               .arg(g.M)
                               .arg(g.N)
                               .arg(g.K)
                               .arg(g.groups > 1 ? QStringLiteral(" ×%1 groups").arg(g.groups)
                                                 : QString());
        } else if (row.convIndex >= 0) {
            // The network could not be built: the filters are still there to look at.
            const core::io::ConvFilters& f = m_model->convs[std::size_t(row.convIndex)];
            const core::Shape w = f.weights.shape();
            row.params = QStringLiteral("%1 %2x%3 stride %4")
                             .arg(w.n)
                             .arg(w.h)
                             .arg(w.w)
                             .arg(f.params.strideH);
            row.weightBytes = w.count() * 4;
            row.category = core::LayerCategory::Conv;
        }
        m_rows.push_back(row);
    }
}

int NetworkController::firstConvRow() const {
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].convIndex >= 0) return int(i);
    return -1;
}

void NetworkController::setCurrentRow(int row) {
    if (row < -1 || row >= int(m_rows.size()) || row == m_currentRow) return;
    m_currentRow = row;
    emit currentRowChanged(row);
}

const core::io::ConvFilters* NetworkController::filtersOf(int row) const {
    if (!m_model || row < 0 || row >= int(m_rows.size())) return nullptr;
    const int c = m_rows[std::size_t(row)].convIndex;
    return c >= 0 ? &m_model->convs[std::size_t(c)] : nullptr;
}

core::Tensor NetworkController::filterForTeaching(int row, int m) const {
    const core::io::ConvFilters* f = filtersOf(row);
    if (!f || m < 0 || m >= f->weights.n()) return {};
    const core::Shape s = f->weights.shape();
    core::Tensor t(1, s.c, s.h, s.w);
    // The teaching view's channels are R,G,B; a model fed OpenCV's B,G,R (no swap) has blue first.
    const bool reverse = s.c == 3 && !m_pre.swapRB;
    for (int c = 0; c < s.c; ++c)
        for (int y = 0; y < s.h; ++y)
            for (int x = 0; x < s.w; ++x)
                t.at(0, c, y, x) = f->weights.at(m, reverse ? 2 - c : c, y, x);
    return t;
}

const core::FullyConnectedLayer* NetworkController::fcLayerOf(int row) const {
    if (!runnable() || row < 0 || row >= int(m_rows.size())) return nullptr;
    const int i = m_rows[std::size_t(row)].engineIndex;
    if (i < 0) return nullptr;
    return dynamic_cast<const core::FullyConnectedLayer*>(&m_model->network->layer(i));
}

const core::Tensor* NetworkController::activations(int engineIndex) const {
    if (engineIndex < 0 || engineIndex >= int(m_blobs.size())) return nullptr;
    return &m_blobs[std::size_t(engineIndex)];
}

// --- preprocessing and labels --------------------------------------------------------------------

void NetworkController::loadPreprocessing() {
    m_pre = {};
    if (!m_model) return;
    QSettings s;
    s.beginGroup(settingsKey(modelPath()));
    m_pre.scale = s.value(QStringLiteral("scale"), 1.0).toFloat();
    const QStringList mean = s.value(QStringLiteral("mean")).toStringList();
    for (int i = 0; i < 3 && i < mean.size(); ++i) m_pre.mean[std::size_t(i)] = mean[i].toFloat();
    m_pre.swapRB = s.value(QStringLiteral("swapRB"), false).toBool();
    m_pre.crop = s.value(QStringLiteral("crop"), false).toBool();
    const QString labels = s.value(QStringLiteral("labels")).toString();
    s.endGroup();
    if (!labels.isEmpty() && QFileInfo::exists(labels)) setLabelsFile(labels);
}

void NetworkController::savePreprocessing() const {
    if (!m_model) return;
    QSettings s;
    s.beginGroup(settingsKey(modelPath()));
    s.setValue(QStringLiteral("scale"), double(m_pre.scale));
    s.setValue(QStringLiteral("mean"), QStringList{QString::number(double(m_pre.mean[0])),
                                                   QString::number(double(m_pre.mean[1])),
                                                   QString::number(double(m_pre.mean[2]))});
    s.setValue(QStringLiteral("swapRB"), m_pre.swapRB);
    s.setValue(QStringLiteral("crop"), m_pre.crop);
    s.setValue(QStringLiteral("labels"), m_labelsPath);
    s.endGroup();
}

void NetworkController::setPreprocessing(const core::io::Preprocessing& pre) {
    m_pre = pre;
    savePreprocessing();
    runFeatures();
}

bool NetworkController::setLabelsFile(const QString& path) {
    if (path.isEmpty()) {
        m_labels.clear();
        m_labelsPath.clear();
    } else {
        try {
            std::vector<std::string> labels = core::readLabels(path.toStdString());
            if (runnable()) {
                const core::Shape out =
                    m_model->network->inferShapes(1)[std::size_t(m_model->network->size() - 1)];
                core::checkLabels(labels, std::size_t(out.perImage()), path.toStdString());
            }
            m_labels = std::move(labels);
            m_labelsPath = path;
        } catch (const core::Error& e) {
            emit featuresFailed(QString::fromStdString(e.what()));
            return false;
        }
    }
    savePreprocessing();
    if (!m_blobs.empty()) {
        const core::Tensor& out = m_blobs.back();
        m_predictions = core::topK(out.span(), std::min<int>(5, int(out.count())), m_labels);
        emit featuresChanged();
    }
    return true;
}

// --- feature maps
// ----------------------------------------------------------------------------------

void NetworkController::setImage(const QImage& image) {
    m_image = image;
    runFeatures();
}

void NetworkController::runFeatures() {
    if (!runnable() || m_image.isNull()) return;
    struct Result {
        std::vector<core::Tensor> blobs;
        core::Tensor input;
        QString error;
    };
    std::shared_ptr<core::io::ImportedModel> model = m_model;
    const QImage image = m_image;
    const core::io::Preprocessing pre = m_pre;
    m_featureJobs.start(
        [model, image, pre](const JobControl& job) {
            Result r;
            if (job.cancelled()) return r;  // superseded while it waited in the queue
            try {
                core::Network& net = *model->network;
                r.input = imageToNetworkInput(image, pre, net.inputShape(1));
                core::ForwardContext ctx;
                net.forward(r.input, ctx);
                for (int i = 0; i < net.size(); ++i) r.blobs.push_back(net.blob(i));
            } catch (const core::Error& e) {
                r.error = QString::fromStdString(e.what());
            }
            return r;
        },
        [this](Result r) {
            if (!r.error.isEmpty()) {
                emit featuresFailed(r.error);
                return;
            }
            if (r.blobs.empty()) return;
            m_blobs = std::move(r.blobs);
            m_input = std::move(r.input);
            const core::Tensor& out = m_blobs.back();
            m_predictions.clear();
            if (m_labels.empty() || std::size_t(out.count()) <= m_labels.size())
                m_predictions =
                    core::topK(out.span(), std::min<int>(5, int(out.count())), m_labels);
            emit featuresChanged();
        });
    emit featuresStarted();
}

// --- profile -------------------------------------------------------------------------------------

void NetworkController::cancelProfile() {
    m_profileJobs.cancel();
}

void NetworkController::runProfile(const ProfileSettings& requested) {
    if (!runnable()) {
        emit profileFailed(problem());
        return;
    }
    struct Result {
        std::optional<ProfileRun> run;
        core::MachineRoofs roofs;
        QString error;
    };
    ProfileSettings settings = requested;
    if (settings.threads < 1) settings.threads = core::hardwareThreads();
    const int generation = m_generation;
    if (int(m_roofsByThreads.size()) <= settings.threads)
        m_roofsByThreads.resize(std::size_t(settings.threads) + 1);
    core::MachineRoofs known = m_roofsByThreads[std::size_t(settings.threads)];
    known.peakGflopsOneThread = m_peakOneThread;
    // A newer run cancels this one (the tracker raises its flag and drops its result).
    std::shared_ptr<core::io::ImportedModel> model = m_model;
    auto work = [this, model, settings, known](const JobControl& job) {
        auto stage = [this, job](int done, int total, const QString& text) {
            job.post([this, done, total, text] { emit profileProgress(done, total, text); });
        };
        Result r;
        try {
            const ThreadCountScope threads(settings.threads);
            core::BenchOptions o;
            o.profile.warmup = settings.warmup;
            o.profile.repeat = settings.repeat;
            o.profile.batch = settings.batch;
            o.profile.method = settings.method;
            o.profile.cancelled = job.cancelPredicate();
            o.ladder = settings.ladder;
            o.compareOpenCv = settings.compareOpenCv;
            if (model->format != "built-in") {
                o.peerModel = model->modelPath;
                o.peerConfig = model->configPath;
            }
            o.knownRoofs = known;  // the roofs are measured once per thread count
            o.progress = [stage](int done, int total, const std::string& text) {
                stage(done, total, QString::fromStdString(text));
            };
            core::BenchResult bench = core::runBench(*model->network, o);
            r.roofs = bench.roofs;
            ProfileRun run;
            run.settings = settings;
            run.context = core::reportContext(bench);
            run.profile = std::move(bench.profile);
            run.ladder = std::move(bench.ladder);
            r.run = std::move(run);
        } catch (const core::Error& e) {
            r.error = QString::fromStdString(e.what());
        } catch (const std::exception& e) {
            r.error = QString::fromStdString(e.what());
        }
        return r;
    };
    m_profileJobs.start(std::move(work), [this, generation, settings](Result r) {
        if (r.roofs.peakGflopsOneThread > 0) m_peakOneThread = r.roofs.peakGflopsOneThread;
        if (r.roofs.peakGflops > 0) m_roofsByThreads[std::size_t(settings.threads)] = r.roofs;
        if (generation != m_generation) return;
        if (!r.error.isEmpty()) {
            emit profileFailed(r.error);
            return;
        }
        m_profile = std::move(r.run);
        emit profileFinished();
    });
    emit profileStarted();
}

// --- fully connected -----------------------------------------------------------------------------

void NetworkController::runFcReport(int row) {
    const core::FullyConnectedLayer* fc = fcLayerOf(row);
    if (!fc) {
        emit fcFailed(tr("Pick a fully-connected layer of a model that runs."));
        return;
    }
    struct Result {
        std::optional<FcReport> report;
        QString error;
    };
    const int index = m_rows[std::size_t(row)].engineIndex;
    const int inputIndex = m_model->network->inputsOf(index).front();
    // The real activations feeding the layer, when the image has run; random values otherwise.
    core::Tensor realInput;
    if (const core::Tensor* a = activations(inputIndex)) realInput = *a;
    // A newer request or a model change makes this one stale.
    std::shared_ptr<core::io::ImportedModel> model = m_model;
    auto work = [model, index, realInput](const JobControl&) {
        Result r;
        try {
            r.report = core::studyFcLayer(*model->network, index, realInput);
        } catch (const core::Error& e) {
            r.error = QString::fromStdString(e.what());
        }
        return r;
    };
    m_fcJobs.start(std::move(work), [this](Result r) {
        if (!r.error.isEmpty()) {
            emit fcFailed(r.error);
            return;
        }
        m_fc = std::move(r.report);
        emit fcFinished();
    });
    emit fcStarted();
}

namespace {
// W's picture: block means, then one symmetric diverging scale over the blocks.
QImage blockMeans(const float* w, int n, int k) {
    constexpr int kSide = 768;
    const int pw = std::min(kSide, k), ph = std::min(kSide, n);
    std::vector<float> blocks(std::size_t(pw) * std::size_t(ph));
    for (int by = 0; by < ph; ++by) {
        const int r0 = int(std::int64_t(by) * n / ph), r1 = int(std::int64_t(by + 1) * n / ph);
        for (int bx = 0; bx < pw; ++bx) {
            const int c0 = int(std::int64_t(bx) * k / pw), c1 = int(std::int64_t(bx + 1) * k / pw);
            double sum = 0;
            for (int r = r0; r < r1; ++r)
                for (int c = c0; c < c1; ++c) sum += w[std::int64_t(r) * k + c];
            blocks[std::size_t(by) * std::size_t(pw) + std::size_t(bx)] =
                float(sum / double((r1 - r0) * (c1 - c0)));
        }
    }
    float range = 1e-12f;
    for (float b : blocks) range = std::max(range, std::abs(b));
    return colorMapped(blocks.data(), pw, ph, core::ColorMapKind::Diverging, -range, range);
}
}  // namespace

void NetworkController::renderFcWeights(int row) {
    m_fcWeightsRow = row;
    m_fcWeights = QImage();
    const core::FullyConnectedLayer* fc = fcLayerOf(row);
    if (!fc) {
        m_fcWeightsJobs.invalidate();
        return;
    }
    const int n = fc->outputs(), k = fc->inputs();
    // On the engine thread: it streams all of W, and must not run beside a measurement. The job
    // holds the model, which may be replaced meanwhile (then its result is stale).
    m_fcWeightsJobs.start([model = m_model, fc, n,
                           k](const JobControl&) { return blockMeans(fc->weights().data(), n, k); },
                          [this, row](QImage image) {
                              m_fcWeights = std::move(image);
                              emit fcWeightsReady(row);
                          });
}

}  // namespace convscope::ui
