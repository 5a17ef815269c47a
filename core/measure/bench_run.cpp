// One bench run (bench_run.h): roofs, profile or ladder, the OpenCV dnn peer, the comparison; and
// the fc study.
#include "measure/bench_run.h"

#include <algorithm>

#include "base/error.h"
#include "base/runtime.h"
#include "layers/convolution.h"
#include "layers/fully_connected.h"
#include "measure/method_ladder.h"
#include "net/models.h"
#include "net/network.h"
#include "peers/opencv_reference.h"

namespace convscope::core {

namespace {

void throwIfCancelled(const std::function<bool()>& cancelled) {
    if (cancelled && cancelled()) throw Error(ErrorCategory::Cancelled, "cancelled by the user");
}

}  // namespace

BenchResult runBench(Network& net, const BenchOptions& options) {
    const ProfileOptions& po = options.profile;
    const auto& cancelled = po.cancelled;
    // Stages: the roofs, every run of the profile (the ladder spreads its rungs over them), the
    // peer, done.
    const int runs = 1 + std::max(0, po.warmup) + std::max(1, po.repeat);
    const int total = runs + (options.compareOpenCv ? 1 : 0) + 1;
    const auto stage = [&](int done, const std::string& text) {
        if (options.progress) options.progress(done, total, text);
    };

    BenchResult result;
    stage(0, options.measureBandwidth ? "Measuring the FMA peak and the read bandwidth"
                                      : "Measuring the FMA peak");
    result.roofs = measureRoofs(threadCount(), options.measureBandwidth, options.knownRoofs);
    throwIfCancelled(cancelled);

    ProfileOptions o = po;
    if (options.ladder) {
        o.progress = {};
        result.ladder =
            io::profileLadder(net, o, [&](int rung, int rungs, const std::string& label) {
                stage(1 + (total - 2) * rung / rungs, "Method ladder: " + label + " (" +
                                                          std::to_string(rung + 1) + " of " +
                                                          std::to_string(rungs) + ")");
            });
        // The teaching path (im2col + GEMM): the rung the peer and the category charts are read
        // against.
        const auto it =
            std::find_if(result.ladder.begin(), result.ladder.end(), [](const NetworkProfile& p) {
                return p.method == kTeachingConvMethod &&
                       p.methodLabel == toString(kTeachingConvMethod);
            });
        result.profile = it != result.ladder.end() ? *it : result.ladder.front();
    } else {
        o.progress = [&](int done, int) {
            stage(1 + done,
                  done == 1 ? "First (cold) run done" : "Run " + std::to_string(done) + " done");
        };
        result.profile = profileNetwork(net, o);
    }

    if (options.compareOpenCv) {
        throwIfCancelled(cancelled);
        stage(total - 1, "Timing the same network in OpenCV dnn");
        io::OpenCvNet::setThreads(threadCount());
        io::OpenCvNet peer = options.peerModel.empty()
                                 ? io::OpenCvNet(net)
                                 : io::OpenCvNet(options.peerModel, options.peerConfig);
        const Tensor input = profileInput(net, po.batch, po.seed);
        // As the engine ran: one cold run and the warm-up untimed, then the timed runs.
        const io::OpenCvNet::Timing t =
            peer.time(input, 1 + result.profile.warmup, result.profile.repeat, cancelled);
        ForwardContext ctx;
        ctx.convMethod = result.profile.method;
        ctx.colMemoryLimit = po.colMemoryLimit;
        ctx.cancelled = cancelled;
        const Tensor& ours = net.forward(input, ctx);
        PeerRun p;
        p.name = kOpenCvPeerName;
        p.runs = t.runs;
        p.layerMs = t.layerMs;
        p.maxAbsDiff = compare(ours.span(), peer.forward(input).span()).maxAbs;
        result.peer = std::move(p);
    }
    stage(total, "Done");
    return result;
}

FcStudy studyFcLayer(const Network& net, int index, const Tensor& realInput) {
    const auto* fc = index >= 0 && index < net.size()
                         ? dynamic_cast<const FullyConnectedLayer*>(&net.layer(index))
                         : nullptr;
    if (!fc)
        throw Error(ErrorCategory::InvalidConfig,
                    "layer " + std::to_string(index) + " of '" + net.name() +
                        "' is not a fully-connected layer; the fc study needs one");
    const std::vector<Shape> shapes = net.inferShapes(1);
    const Shape in = net.inputShapes(index, shapes, 1).front();
    FcStudy study;
    study.layer = fc->name();
    study.inputs = fc->inputs();
    study.outputs = fc->outputs();
    study.inputMap = in;
    ForwardContext ctx;
    const auto medianMs = [](const std::function<void()>& run) {
        return timeRuns(kFcStudyWarmup, kFcStudyRepeat, [&](int) { run(); }).medianMs;
    };
    for (int batch : kFcStudyBatches) {
        Tensor x(batch, in.c, in.h, in.w);
        fillUniform(x, 3);
        const Shape xs = x.shape();
        Tensor y(fc->outputShape(std::span<const Shape>(&xs, 1)));
        const Tensor* inputs[] = {&x};
        study.batches.push_back({batch, medianMs([&] { fc->forward(inputs, y, ctx); })});
    }
    if (in.h * in.w > 1) {
        // The same weights as a conv whose kernel covers the whole map: each of the M rows of W,
        // read as C x H x W, is one filter.
        Tensor w(fc->outputs(), in.c, in.h, in.w);
        std::copy(fc->weights().data(), fc->weights().data() + w.count(), w.data());
        WindowParams p = WindowParams::square(1);
        p.kernelH = in.h;
        p.kernelW = in.w;
        const ConvolutionLayer conv("as conv", p, w, fc->bias());
        Tensor x = realInput.empty() ? Tensor(in) : realInput;
        if (realInput.empty()) fillUniform(x, 5);
        const Shape xs = x.shape();
        Tensor a(fc->outputShape(std::span<const Shape>(&xs, 1)));
        Tensor b(conv.outputShape(std::span<const Shape>(&xs, 1)));
        const Tensor* inputs[] = {&x};
        study.fcMs = medianMs([&] { fc->forward(inputs, a, ctx); });
        study.convMs = medianMs([&] { conv.forward(inputs, b, ctx); });
        study.convMaxAbsDiff = compare(b.span(), a.span()).maxAbs;
    }
    return study;
}

}  // namespace convscope::core
