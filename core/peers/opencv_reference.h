// The same network in OpenCV's dnn module: a peer to check our numbers against and to time in the
// same run. Builds a cv::dnn::Net layer by layer from a core::Network, sharing its weights, or
// reads a model file directly.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/timing.h"
#include "net/network.h"

namespace convscope::core::io {

class OpenCvNet {
public:
    // Throws Error(InvalidConfig) naming the first layer OpenCV cannot express.
    explicit OpenCvNet(const Network& net);
    // The model file itself, as OpenCV reads it (the peer for imported models). Throws Error(Io).
    OpenCvNet(const std::string& model, const std::string& config);
    ~OpenCvNet();
    OpenCvNet(OpenCvNet&&) noexcept;
    OpenCvNet(const OpenCvNet&) = delete;
    OpenCvNet& operator=(const OpenCvNet&) = delete;

    // Runs the net; returns the last layer's output with the input's batch.
    Tensor forward(const Tensor& input);
    // Output of the named layer (runs the net up to it). OpenCV fuses layers (conv + BN + ReLU)
    // and runs some in place, so an intermediate blob may hold a later layer's result unless
    // fusion is off: call setFusion(false) before reading intermediates.
    Tensor forward(const Tensor& input, const std::string& layer);
    void setFusion(bool enabled);

    struct Timing {
        double totalMs = 0;  // runs.medianMs
        TimingStats runs;    // every forward: the warm-up count, first, median, min, max
        std::vector<std::pair<std::string, double>>
            layerMs;  // OpenCV fuses layers: fused ones read 0
    };
    // Median of `repeat` timed forwards after `warmup` (base/timing.h), with OpenCV's per-layer
    // profile of the last. Polls `cancelled` between forwards: Error(Cancelled).
    Timing time(const Tensor& input, int warmup, int repeat,
                const std::function<bool()>& cancelled = {});

    static void setThreads(int threads);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace convscope::core::io
