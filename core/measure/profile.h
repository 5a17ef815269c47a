// Per-layer profiling of a Network: wall time (median of R runs after warm-up; the first, cold run
// reported apart), FLOPs, bytes, GEMM shape, and for conv the im2col / GEMM split. This is the data
// behind `convscope bench` and the GUI's timing chart.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/isa.h"
#include "layers/convolution.h"
#include "net/network.h"

namespace convscope::core {

struct LayerProfile {
    std::string name, type, params;
    LayerCategory category = LayerCategory::Other;
    Shape output;
    GemmShape gemm;
    std::int64_t flops = 0, weightBytes = 0, activationBytes = 0;
    double firstMs = 0;                         // the cold first run
    double medianMs = 0, minMs = 0, maxMs = 0;  // over the timed runs
    double im2colMs = 0, gemmMs = 0;            // medians; conv (and fc: gemm) only
    std::int64_t colBytes = 0;                  // col buffer this layer needed (a tile when tiled)
    int tiles = 0;
    double gflops() const { return medianMs > 0 ? double(flops) / (medianMs * 1e6) : 0.0; }
};

struct NetworkProfile {
    std::string network;
    int batch = 1, threads = 1, warmup = 0, repeat = 0;
    ConvMethod method = ConvMethod::Im2colGemm;
    std::string methodLabel;  // toString(method), or a peer's name in the method ladder
    Isa isa = Isa::Generic;   // the kernel variant the run used (cpu/isa.h)
    std::vector<LayerProfile> layers;
    double firstTotalMs = 0;   // total of the cold first run
    double medianTotalMs = 0;  // median over runs of the whole forward
    double minTotalMs = 0, maxTotalMs = 0;
    std::int64_t totalFlops() const;
    // Sum of layer medians per category (conv, fc, pool, norm, activation, other).
    double categoryMs(LayerCategory category) const;
    double layerSumMs() const;
};

struct ProfileOptions {
    int warmup = 1;   // untimed runs after the first
    int repeat = 10;  // timed runs
    int batch = 1;
    std::uint32_t seed = 7;  // input values
    ConvMethod method = ConvMethod::Im2colGemm;
    std::int64_t colMemoryLimit = ForwardContext::kDefaultColLimit;
    std::function<bool()> cancelled;
    // Called after each run: (runs done, runs total); total = 1 + warmup + repeat.
    std::function<void(int, int)> progress;
};

// Runs `net` on a seeded random input of the requested batch. Uses the current threadCount().
// Throws Error (Cancelled, ResourceLimit, shape errors).
NetworkProfile profileNetwork(Network& net, const ProfileOptions& options);

// A rung of the method ladder measured outside the engine (oneDNN, the FFT): `timeLayer` times one
// conv layer alone on its input shape and returns median ms, or NaN when it cannot run that layer.
// The result copies `like` (an engine profile of the same net), replaces the conv layers' times,
// and has no network total (NaN).
using ConvLayerTimer = std::function<double(const ConvolutionLayer& layer, const Shape& input)>;
NetworkProfile externalRung(const Network& net, NetworkProfile like, const std::string& label,
                            int batch, const ConvLayerTimer& timeLayer);

double median(std::vector<double> values);

// Sustained read bandwidth from memory in GB/s: `threads` threads summing disjoint parts of a
// `bytes`-sized buffer, four streams each (as the rows of a GEMV), best of four passes. The bound
// of an fc layer at batch 1, which reads every weight once. The default 1 GiB is larger than any
// cache here (this host reports a 480 MiB L3, which can hold AlexNet's 234 MB of fc weights).
double measureReadBandwidth(int threads, std::size_t bytes = std::size_t(1) << 30);

// Peak single-precision GFLOP/s of `threads` threads running independent FMA chains at once, with
// the widest vectors the build targets (the machine's roofline ceiling). Takes about `seconds`.
double measurePeakGflops(int threads, double seconds = 0.2);

}  // namespace convscope::core
