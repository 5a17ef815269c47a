// One bench run, what `convscope bench` and the Profile tab both call: the machine's roofs, the
// profile of one conv method or the method ladder, the same network in OpenCV dnn timed exactly
// like the engine, and the comparison of the two outputs. The CLI and the GUI fill BenchOptions
// and present the BenchResult (report/report.h renders it). Start at runBench(). Also here: the
// fc study (one fc layer timed at several batches and recomputed as a convolution).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/timing.h"
#include "measure/profile.h"
#include "measure/roofs.h"

namespace convscope::core {

// The OpenCV dnn peer's name in every report (JSON `peer.name`, the tables, the GUI's charts).
inline constexpr const char* kOpenCvPeerName = "opencv-dnn";

// (stage done, stages in all, what runs now): 0 before the roofs, `total` when done.
using BenchProgress = std::function<void(int done, int total, const std::string& stage)>;

struct BenchOptions {
    // Batch, warm-up, repeat, input seed, conv method, col limit and cancel of the engine's runs;
    // the peer gets the same input, warm-up and repeat. Its progress is ignored (see `progress`).
    ProfileOptions profile;
    bool ladder = false;         // every conv method (and oneDNN, FFT) instead of profile.method
    bool compareOpenCv = false;  // also time and check the same network in OpenCV dnn
    // The file OpenCV reads for the peer (an imported model); empty: the peer is built layer by
    // layer from the Network, sharing its weights.
    std::string peerModel, peerConfig;
    bool measureBandwidth = true;  // the fc layers' bound
    MachineRoofs knownRoofs;       // fields > 0 are not measured again (the GUI keeps them)
    BenchProgress progress;
};

struct PeerRun {
    std::string name;  // kOpenCvPeerName
    TimingStats runs;  // warm-up = 1 + the engine's warm-up (its cold run), repeat the same
    std::vector<std::pair<std::string, double>> layerMs;  // OpenCV's getPerfProfile; fused: 0
    double maxAbsDiff = -1;  // largest |ours - peer| over the network output
};

struct BenchResult {
    MachineRoofs roofs;
    // The profile of profile.method, or with the ladder its im2col + Eigen rung (the default
    // path), which the peer is compared with.
    NetworkProfile profile;
    std::vector<NetworkProfile> ladder;  // the ladder's rungs, when asked for
    std::optional<PeerRun> peer;
};

// Runs `net` (at the current threadCount(); OpenCV gets the same count) on
// profileInput(net, batch, seed). Polls options.profile.cancelled between stages, runs and layers:
// Error(Cancelled). Other errors as profileNetwork, profileLadder and OpenCvNet throw them.
BenchResult runBench(Network& net, const BenchOptions& options);

// --- the fc study -------------------------------------------------------------------------------

struct FcBatchTiming {
    int batch = 1;
    double ms = 0;  // median, the whole batch
    double msPerImage() const { return ms / batch; }
};

struct FcStudy {
    std::string layer;
    int inputs = 0, outputs = 0;
    Shape inputMap;  // the fc layer's input blob per image (e.g. 256×6×6 for fc6)
    std::vector<FcBatchTiming> batches;
    // The fc layer recomputed as a convolution whose kernel covers the whole input map.
    double convMaxAbsDiff = -1;  // -1: not computed (the input is already a vector)
    double fcMs = 0, convMs = 0;
};

// The batches and runs of the study: each timing is the median of kFcStudyRepeat runs after
// kFcStudyWarmup.
inline constexpr int kFcStudyBatches[] = {1, 8, 32};
inline constexpr int kFcStudyWarmup = 1, kFcStudyRepeat = 5;

// Times the fully-connected layer `index` of `net` at each of kFcStudyBatches (seeded random
// input: a GEMV at 1, a GEMM above) and, when its input is a map rather than a vector, runs the
// same weights as a convolution whose kernel covers the whole map, on `input` (one image of the
// layer's input; empty: seeded random values), and compares. Throws Error(InvalidConfig) when the
// layer is not fully connected.
FcStudy studyFcLayer(const Network& net, int index, const Tensor& input = {});

}  // namespace convscope::core
