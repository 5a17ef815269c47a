// Convolution through the Fourier transform (OpenCV's dft): a rung of the method ladder. Every
// (filter, channel) pair becomes one spectrum product; the cost does not depend on the kernel size,
// but the transform always computes the stride-1 output, so a stride s wastes s² of the work
// (the "stride problem" of FFT convolution), which `convscope bench --methods` shows by
// measurement.
#pragma once

#include <memory>
#include <vector>

#include "base/tensor.h"
#include "conv/conv_geometry.h"

namespace convscope::core::io {

class FftConv {
public:
    // weights M x C/groups x kh x kw. Precomputes the kernels' spectra for an H x W input.
    // Throws Error(InvalidConfig) for dilation > 1 (not supported by this rung).
    FftConv(const Shape& input, const WindowParams& params, const Tensor& weights,
            const std::vector<float>& bias);
    ~FftConv();
    FftConv(const FftConv&) = delete;
    FftConv& operator=(const FftConv&) = delete;

    Tensor forward(const Tensor& input);
    // Median ms of `repeat` forwards after `warmup` (base/timing.h).
    double timeMs(const Tensor& input, int warmup, int repeat);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace convscope::core::io
