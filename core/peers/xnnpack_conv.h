// XNNPACK's convolution as an outside reference for the method ladder and the benchmarks: the
// same layer run by Google's inference library (TensorFlow Lite's and PyTorch Mobile's CPU
// kernels), in its NHWC layout, depthwise layers by its dedicated depthwise kernels. Built only
// when XNNPACK (Debian libxnnpack-dev, with libpthreadpool-dev) is found; CONVSCOPE_HAVE_XNNPACK
// is then defined.
#pragma once

#include <memory>
#include <vector>

#include "base/tensor.h"
#include "conv/conv_geometry.h"

namespace convscope::core::peers {

class XnnpackConv {
public:
    // input: the N x C x H x W shape it will run on; weights M x C/groups x kh x kw. Runs on
    // threadCount() threads. Throws Error(InvalidConfig) when XNNPACK rejects the layer or this
    // CPU.
    XnnpackConv(const Shape& input, const WindowParams& params, const Tensor& weights,
                const std::vector<float>& bias);
    ~XnnpackConv();
    XnnpackConv(const XnnpackConv&) = delete;
    XnnpackConv& operator=(const XnnpackConv&) = delete;

    // Runs on `input` (NCHW) and returns NCHW: the transposes included, for checking results.
    Tensor forward(const Tensor& input);
    // Median ms of the operator alone (data already in NHWC), as XNNPACK's own benchmarks time it.
    double timeMs(int warmup, int repeat);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace convscope::core::peers
