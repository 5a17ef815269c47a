// oneDNN's convolution as an outside reference for the method ladder: the same layer (weights,
// stride, pads, dilation, groups) run by Intel's library in its preferred memory layouts.
// Built only when oneDNN (Debian libdnnl-dev) is found; CONVSCOPE_HAVE_ONEDNN is then defined.
#pragma once

#include <memory>
#include <vector>

#include "base/tensor.h"
#include "conv/conv_geometry.h"

namespace convscope::core::peers {

class OneDnnConv {
public:
    // input: the N x C x H x W shape it will run on; weights M x C/groups x kh x kw. Throws
    // Error(InvalidConfig) when oneDNN rejects the layer.
    OneDnnConv(const Shape& input, const WindowParams& params, const Tensor& weights,
               const std::vector<float>& bias);
    ~OneDnnConv();
    OneDnnConv(const OneDnnConv&) = delete;
    OneDnnConv& operator=(const OneDnnConv&) = delete;

    // Runs on `input` (NCHW) and returns NCHW: reorders included, for checking results.
    Tensor forward(const Tensor& input);
    // Median ms of the convolution primitive alone (data already in its layouts), as oneDNN's
    // own benchmarks measure it.
    double timeMs(int warmup, int repeat);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace convscope::core::peers
