// Window geometry shared by convolution and pooling: kernel, stride, per-side padding, dilation,
// groups, ceil mode. outputExtent() is THE output-size formula; the engine, validation and UI all
// call it. Start with WindowParams and validate().
#pragma once

#include <cstdint>
#include <string>

#include "base/tensor.h"

namespace convscope::core {

struct WindowParams {
    int kernelH = 1, kernelW = 1;
    int strideH = 1, strideW = 1;
    int padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
    int dilationH = 1, dilationW = 1;
    int groups = 1;         // convolution only
    bool ceilMode = false;  // pooling: round the output size up (Caffe pooling, ONNX ceil_mode=1)

    static WindowParams square(int kernel, int stride = 1, int pad = 0, int dilation = 1) {
        WindowParams p;
        p.kernelH = p.kernelW = kernel;
        p.strideH = p.strideW = stride;
        p.padTop = p.padBottom = p.padLeft = p.padRight = pad;
        p.dilationH = p.dilationW = dilation;
        return p;
    }
    int effectiveKernelH() const { return dilationH * (kernelH - 1) + 1; }
    int effectiveKernelW() const { return dilationW * (kernelW - 1) + 1; }
    std::string toString() const;  // "11x11 s4 p0,0,0,0 d1 g1"
};

// Output length along one axis:
//   floor-or-ceil((in + padBegin + padEnd - dilation*(kernel-1) - 1) / stride) + 1
// In ceil mode the last window must start inside the input or the leading padding (the rule Caffe,
// PyTorch and ONNX share), so it is dropped when it would start in the trailing padding only.
// Returns 0 or less when the window does not fit; validate() turns that into an error.
int outputExtent(int in, int kernel, int stride, int padBegin, int padEnd, int dilation,
                 bool ceilMode);

struct OutputSize {
    int h = 0, w = 0;
};
OutputSize outputSize(int inH, int inW, const WindowParams& p);

// Output length of a transposed convolution (ONNX ConvTranspose, Caffe's Deconvolution) along one
// axis:
//   (in - 1)·stride - padBegin - padEnd + dilation·(kernel - 1) + 1 + outputPadding
// the input length of the convolution it is the adjoint of: that conv maps `stride` input lengths
// to `in`, and outputPadding (< stride) picks one. 64-bit; 0 or less when nothing is left, which
// validateTransposed() turns into an error.
std::int64_t transposedOutputExtent(int in, int kernel, int stride, int padBegin, int padEnd,
                                    int dilation, int outputPadding);

// Padding for ONNX/TensorFlow "SAME" auto-padding: output = ceil(in / stride); the odd pixel goes
// at the end (SAME_UPPER) or the beginning (SAME_LOWER).
void applySamePadding(WindowParams& p, int inH, int inW, bool upper);

// The checks every window shares, which need no input size: kernel, stride and dilation at least
// 1, padding not negative. Error(InvalidConfig) naming `layer` and the numbers; validate() and
// validatePooling() run it first, importers before anything divides by a stride.
void checkWindow(const std::string& layer, const WindowParams& p);

// Throws Error(InvalidConfig) naming `layer` and the numbers when the conv parameters are
// impossible for an input of inC x inH x inW: non-positive kernel/stride/dilation, negative
// padding, kernel larger than the padded input, channels not divisible by groups. outChannels < 0
// skips the group check on outputs. Padding may equal or exceed the kernel, as in Caffe, ONNX and
// OpenCV (SqueezeNet v1.0's conv10 is a 1x1 conv with pad 1): a window that lies wholly in the
// padding sees only zeros, so its output is the bias. Throws Error(ResourceLimit) when the GEMM's
// N or K, or the padded input's height or width, would not fit an int.
void validate(const std::string& layer, const WindowParams& p, int inC, int inH, int inW,
              int outChannels = -1);

// validate() for a transposed convolution of an input inC x inH x inW into outChannels channels,
// output padding outputPaddingH/W: non-positive kernel/stride/dilation, negative padding or output
// padding, output padding not smaller than the stride or the dilation (the rule ONNX and PyTorch
// share), channels not divisible by groups, an empty output (padding that crops everything):
// Error(InvalidConfig) naming `layer` and the numbers. Error(ResourceLimit) when the output or the
// GEMM's M (outChannels/groups·kh·kw) or N (inH·inW) would not fit an int.
void validateTransposed(const std::string& layer, const WindowParams& p, int outputPaddingH,
                        int outputPaddingW, int inC, int inH, int inW, int outChannels);

// validate() for a pooling window, plus Caffe's pooling rule (pooling_layer.cpp: CHECK_LT(pad,
// kernel)): padding must be smaller than the effective kernel, since a window of pure padding has
// no element to take the max or the in-image average of.
void validatePooling(const std::string& layer, const WindowParams& p, int inC, int inH, int inW);

}  // namespace convscope::core
