// Preset kernels for the teaching view: classic image filters at any size, so a first-time user
// sees what a convolution does. Each preset is one kh x kw plane; kernelWeights() spreads it over
// the filter's input channels.
#pragma once

#include <string>
#include <vector>

#include "base/tensor.h"

namespace convscope::core {

enum class KernelPreset {
    Identity,
    BoxBlur,
    GaussianBlur,
    Sharpen,
    SobelX,
    SobelY,
    Laplacian,
    Emboss,
    Gabor0,
    Gabor45,
    Gabor90,
    Gabor135,
};

struct PresetInfo {
    KernelPreset preset;
    const char* name;         // "Sobel x"
    const char* description;  // one sentence, for tooltips
};
const std::vector<PresetInfo>& kernelPresets();

// One kh x kw plane (row-major). 3x3 presets are the textbook matrices; other sizes are sampled
// from the continuous filter (Gaussian, derivative of Gaussian, Laplacian of Gaussian, Gabor).
std::vector<float> presetPlane(KernelPreset preset, int kh, int kw);

// Weights M x (C/groups) x kh x kw: every filter and channel gets the plane divided by the number
// of channels per group (so an edge filter on RGB responds to luminance edges). Filter m > 0 gets
// the plane rotated by m quarter turns when square, to make several filters differ.
Tensor kernelWeights(KernelPreset preset, int filters, int channelsPerGroup, int kh, int kw);

}  // namespace convscope::core
