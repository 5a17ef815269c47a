// The method ladder (issue "Performance: from direct loops to the physical limit"): one network
// profiled once per conv method of the engine (direct, im2col + Eigen, im2col + blocked GEMM,
// implicit GEMM, direct-simd), then the outside rungs: oneDNN when the build has it, and FFT
// convolution through OpenCV's dft. Every rung's conv layers are timed alone on their input
// shapes (warm, as oneDNN's benchmarks time them; the slow direct loops once, in the forward);
// an engine rung's network total is its whole forward. Shared by `convscope bench --methods` and
// the GUI's profile view.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "layers/convolution.h"
#include "measure/profile.h"

namespace convscope::core::io {

// Called before each rung: (index, count, label).
using LadderProgress = std::function<void(int rung, int rungs, const std::string& label)>;

// The rungs' labels, in order (oneDNN only when built in).
std::vector<std::string> ladderRungs();

// A rung of the method ladder measured outside the engine (oneDNN, the FFT): `timeLayer` times one
// conv layer alone on its input shape and returns median ms, or NaN when it cannot run that layer.
// The result copies `like` (an engine profile of the same net), replaces the conv layers' times,
// and has no network total (NaN).
using ConvLayerTimer = std::function<double(const ConvolutionLayer& layer, const Shape& input)>;
NetworkProfile externalRung(const Network& net, NetworkProfile like, const std::string& label,
                            int batch, const ConvLayerTimer& timeLayer);

// Profiles `net` once per rung with `options` (the direct reference once, without warm-up: it is
// slow). Polls options.cancelled between rungs and layers; throws Error(Cancelled).
// Rungs that cannot run a layer (FFT with dilation) report NaN for it.
std::vector<NetworkProfile> profileLadder(Network& net, const ProfileOptions& options,
                                          const LadderProgress& progress = {});

}  // namespace convscope::core::io
