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
    std::string method;     // conv layers: the method that ran (under auto, its choice)
    std::string methodWhy;  // under auto: the times behind the choice (ConvMethodChoice::why)
    double gflops() const { return medianMs > 0 ? double(flops) / (medianMs * 1e6) : 0.0; }
};

struct NetworkProfile {
    std::string network;
    int batch = 1, threads = 1, warmup = 0, repeat = 0;
    ConvMethod method = kDefaultConvMethod;
    std::string methodLabel;  // toString(method), or a peer's name in the method ladder
    Isa isa = Isa::Generic;   // the kernel variant the run used (cpu/isa.h)
    std::vector<LayerProfile> layers;
    double prepareMs = 0;      // setting the layers up before the first run (auto: timing them)
    double firstTotalMs = 0;   // total of the cold first run
    double medianTotalMs = 0;  // median over runs of the whole forward
    double minTotalMs = 0, maxTotalMs = 0;
    std::int64_t totalFlops() const;
    // Sum of layer medians per category (conv, fc, pool, norm, activation, other).
    double categoryMs(LayerCategory category) const;
    double layerSumMs() const;
};

// Untimed runs after the cold one, unless asked otherwise: the CLI's, the Profile tab's and the
// bench run's default.
inline constexpr int kDefaultWarmup = 2;

struct ProfileOptions {
    int warmup = kDefaultWarmup;  // untimed runs after the first
    int repeat = 10;              // timed runs
    int batch = 1;
    std::uint32_t seed = 7;  // input values
    ConvMethod method = kDefaultConvMethod;
    std::int64_t colMemoryLimit = ForwardContext::kDefaultColLimit;
    std::function<bool()> cancelled;
    // Called after each run: (runs done, runs total); total = 1 + warmup + repeat.
    std::function<void(int, int)> progress;
};

// Runs `net` on a seeded random input of the requested batch. Uses the current threadCount().
// Throws Error (Cancelled, ResourceLimit, shape errors).
NetworkProfile profileNetwork(Network& net, const ProfileOptions& options);

// The input every bench run feeds the engine and its peers: `net`'s input shape at `batch`,
// uniform in [0, 1) from `seed` (fillUniform).
Tensor profileInput(const Network& net, int batch, std::uint32_t seed);

}  // namespace convscope::core
