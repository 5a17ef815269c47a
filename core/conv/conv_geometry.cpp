// Output-size arithmetic and parameter validation for conv and pooling windows.
#include "conv/conv_geometry.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "base/error.h"

namespace convscope::core {

std::string WindowParams::toString() const {
    return std::to_string(kernelH) + "x" + std::to_string(kernelW) + " stride " +
           std::to_string(strideH) + "," + std::to_string(strideW) + " pad " +
           std::to_string(padTop) + "," + std::to_string(padBottom) + "," +
           std::to_string(padLeft) + "," + std::to_string(padRight) + " dilation " +
           std::to_string(dilationH) + "," + std::to_string(dilationW) + " groups " +
           std::to_string(groups);
}

int outputExtent(int in, int kernel, int stride, int padBegin, int padEnd, int dilation,
                 bool ceilMode) {
    if (stride <= 0 || kernel <= 0 || dilation <= 0) return 0;
    const long span = long(in) + padBegin + padEnd - (long(dilation) * (kernel - 1) + 1);
    if (span < 0) return 0;
    long out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
    if (ceilMode && (out - 1) * stride >= long(in) + padBegin) --out;
    return int(out);
}

OutputSize outputSize(int inH, int inW, const WindowParams& p) {
    return {
        outputExtent(inH, p.kernelH, p.strideH, p.padTop, p.padBottom, p.dilationH, p.ceilMode),
        outputExtent(inW, p.kernelW, p.strideW, p.padLeft, p.padRight, p.dilationW, p.ceilMode)};
}

void applySamePadding(WindowParams& p, int inH, int inW, bool upper) {
    // 64-bit, and nothing for a window checkWindow() refuses, so no input divides by zero.
    auto axis = [upper](int in, int k, int s, int d, int& begin, int& end) {
        if (s <= 0 || k <= 0 || d <= 0 || in <= 0) return;
        const std::int64_t out = (std::int64_t(in) + s - 1) / s;
        const std::int64_t total =
            std::max<std::int64_t>(0, (out - 1) * s + std::int64_t(d) * (k - 1) + 1 - in);
        const std::int64_t b = upper ? total / 2 : total - total / 2;
        begin = int(std::min<std::int64_t>(b, std::numeric_limits<int>::max()));
        end = int(std::min<std::int64_t>(total - b, std::numeric_limits<int>::max()));
    };
    axis(inH, p.kernelH, p.strideH, p.dilationH, p.padTop, p.padBottom);
    axis(inW, p.kernelW, p.strideW, p.dilationW, p.padLeft, p.padRight);
}

std::int64_t transposedOutputExtent(int in, int kernel, int stride, int padBegin, int padEnd,
                                    int dilation, int outputPadding) {
    return (std::int64_t(in) - 1) * stride - padBegin - padEnd +
           std::int64_t(dilation) * (kernel - 1) + 1 + outputPadding;
}

namespace {

[[noreturn]] void failConfig(const std::string& layer, const std::string& what) {
    throw Error(ErrorCategory::InvalidConfig, "layer '" + layer + "': " + what);
}


}  // namespace

void checkWindow(const std::string& layer, const WindowParams& p) {
    auto fail = [&layer](const std::string& what) { failConfig(layer, what); };
    if (p.kernelH <= 0 || p.kernelW <= 0)
        fail("kernel " + std::to_string(p.kernelH) + "x" + std::to_string(p.kernelW) +
             " must be at least 1x1");
    if (p.strideH <= 0 || p.strideW <= 0)
        fail("stride " + std::to_string(p.strideH) + "," + std::to_string(p.strideW) +
             " must be at least 1; use stride 1 to visit every position");
    if (p.dilationH <= 0 || p.dilationW <= 0)
        fail("dilation " + std::to_string(p.dilationH) + "," + std::to_string(p.dilationW) +
             " must be at least 1 (1 means no holes)");
    // effectiveKernelH/W() are ints: the dilated kernel's span must be one.
    const std::int64_t spanH = std::int64_t(p.dilationH) * (p.kernelH - 1) + 1,
                       spanW = std::int64_t(p.dilationW) * (p.kernelW - 1) + 1;
    if (spanH > std::numeric_limits<int>::max() || spanW > std::numeric_limits<int>::max())
        fail("dilation " + std::to_string(p.dilationH) + "," + std::to_string(p.dilationW) +
             " spreads the " + std::to_string(p.kernelH) + "x" + std::to_string(p.kernelW) +
             " kernel over " + std::to_string(spanH) + "x" + std::to_string(spanW) +
             " pixels, larger than any input; use a smaller dilation");
    if (p.padTop < 0 || p.padBottom < 0 || p.padLeft < 0 || p.padRight < 0)
        fail("padding " + std::to_string(p.padTop) + "," + std::to_string(p.padBottom) + "," +
             std::to_string(p.padLeft) + "," + std::to_string(p.padRight) +
             " (top,bottom,left,right) must not be negative");
}

void validate(const std::string& layer, const WindowParams& p, int inC, int inH, int inW,
              int outChannels) {
    auto fail = [&layer](const std::string& what) { failConfig(layer, what); };
    checkWindow(layer, p);
    const int ekH = p.effectiveKernelH(), ekW = p.effectiveKernelW();
    if (inC <= 0 || inH <= 0 || inW <= 0)
        fail("input " + std::to_string(inC) + "x" + std::to_string(inH) + "x" +
             std::to_string(inW) + " is empty");
    // Padding is not bounded by the kernel, so the padded extent (direct-simd's padded copy,
    // the output size's numerator) must be checked against int by itself.
    constexpr std::int64_t kMaxDim = std::numeric_limits<int>::max();
    const std::int64_t paddedH = std::int64_t(inH) + p.padTop + p.padBottom;
    const std::int64_t paddedW = std::int64_t(inW) + p.padLeft + p.padRight;
    if (paddedH > kMaxDim || paddedW > kMaxDim)
        throw Error(ErrorCategory::ResourceLimit,
                    "layer '" + layer + "': the padded input would be " + std::to_string(paddedH) +
                        "x" + std::to_string(paddedW) + ", more than " + std::to_string(kMaxDim) +
                        " along an axis; use less padding");
    if (ekH > paddedH || ekW > paddedW)
        fail("kernel " + std::to_string(ekH) + "x" + std::to_string(ekW) +
             " (with dilation) is larger than the padded input " + std::to_string(paddedH) + "x" +
             std::to_string(paddedW) + "; use a smaller kernel or dilation, or more padding");
    if (p.groups <= 0) fail("groups " + std::to_string(p.groups) + " must be at least 1");
    if (inC % p.groups != 0)
        fail("input channels " + std::to_string(inC) + " are not divisible by groups " +
             std::to_string(p.groups) + "; pick groups that divide " + std::to_string(inC));
    if (outChannels >= 0 && (outChannels == 0 || outChannels % p.groups != 0))
        fail("output channels " + std::to_string(outChannels) +
             " must be a positive multiple of groups " + std::to_string(p.groups));
    const OutputSize out = outputSize(inH, inW, p);
    if (out.h <= 0 || out.w <= 0)
        fail("output would be " + std::to_string(out.h) + "x" + std::to_string(out.w) +
             " for input " + std::to_string(inH) + "x" + std::to_string(inW) + " and " +
             p.toString());
    // GEMM dimensions are ints: N = outH*outW and K = (C/groups)*kh*kw must fit.
    const std::int64_t N = std::int64_t(out.h) * out.w;
    const std::int64_t K = std::int64_t(inC / p.groups) * p.kernelH * p.kernelW;
    if (N > kMaxDim || K > kMaxDim)
        throw Error(ErrorCategory::ResourceLimit,
                    "layer '" + layer + "': the GEMM would have N = " + std::to_string(N) +
                        " columns and K = " + std::to_string(K) + " rows, more than " +
                        std::to_string(kMaxDim) + " (input " + std::to_string(inH) + "x" +
                        std::to_string(inW) + ", " + p.toString() +
                        "); use a smaller input, kernel or padding");
}

void validateTransposed(const std::string& layer, const WindowParams& p, int outputPaddingH,
                        int outputPaddingW, int inC, int inH, int inW, int outChannels) {
    auto fail = [&layer](const std::string& what) { failConfig(layer, what); };
    checkWindow(layer, p);
    const std::string opad = std::to_string(outputPaddingH) + "," + std::to_string(outputPaddingW);
    if (outputPaddingH < 0 || outputPaddingW < 0)
        fail("output padding " + opad + " must not be negative");
    // The output padding picks one of the `stride` input lengths the adjoint conv maps to the same
    // output; with dilation, ONNX and PyTorch also allow up to dilation - 1.
    if ((outputPaddingH >= p.strideH && outputPaddingH >= p.dilationH) ||
        (outputPaddingW >= p.strideW && outputPaddingW >= p.dilationW))
        fail("output padding " + opad + " must be smaller than the stride " +
             std::to_string(p.strideH) + "," + std::to_string(p.strideW) + " or the dilation " +
             std::to_string(p.dilationH) + "," + std::to_string(p.dilationW) +
             " along each axis; use an output padding below the stride");
    if (inC <= 0 || inH <= 0 || inW <= 0)
        fail("input " + std::to_string(inC) + "x" + std::to_string(inH) + "x" +
             std::to_string(inW) + " is empty");
    if (p.groups <= 0) fail("groups " + std::to_string(p.groups) + " must be at least 1");
    if (inC % p.groups != 0)
        fail("input channels " + std::to_string(inC) + " are not divisible by groups " +
             std::to_string(p.groups) + "; pick groups that divide " + std::to_string(inC));
    if (outChannels <= 0 || outChannels % p.groups != 0)
        fail("output channels " + std::to_string(outChannels) +
             " must be a positive multiple of groups " + std::to_string(p.groups));
    const std::int64_t outH = transposedOutputExtent(inH, p.kernelH, p.strideH, p.padTop,
                                                     p.padBottom, p.dilationH, outputPaddingH);
    const std::int64_t outW = transposedOutputExtent(inW, p.kernelW, p.strideW, p.padLeft,
                                                     p.padRight, p.dilationW, outputPaddingW);
    if (outH <= 0 || outW <= 0)
        fail("output would be " + std::to_string(outH) + "x" + std::to_string(outW) +
             " for input " + std::to_string(inH) + "x" + std::to_string(inW) + " and " +
             p.toString() + " output padding " + opad +
             ": the padding crops away the whole output; use less padding");
    constexpr std::int64_t kMaxDim = std::numeric_limits<int>::max();
    const std::int64_t M = std::int64_t(outChannels / p.groups) * p.kernelH * p.kernelW;
    const std::int64_t N = std::int64_t(inH) * inW;
    if (outH * outW > kMaxDim || M > kMaxDim || N > kMaxDim)
        throw Error(ErrorCategory::ResourceLimit,
                    "layer '" + layer + "': the output would be " + std::to_string(outH) + "x" +
                        std::to_string(outW) + " and the GEMM M = " + std::to_string(M) +
                        " rows by N = " + std::to_string(N) + " columns, more than " +
                        std::to_string(kMaxDim) + "; use a smaller input or kernel");
}

void validatePooling(const std::string& layer, const WindowParams& p, int inC, int inH, int inW) {
    validate(layer, p, inC, inH, inW);
    const int ekH = p.effectiveKernelH(), ekW = p.effectiveKernelW();
    if (std::max(p.padTop, p.padBottom) >= ekH || std::max(p.padLeft, p.padRight) >= ekW)
        throw Error(ErrorCategory::InvalidConfig,
                    "layer '" + layer + "': pooling padding " +
                        std::to_string(std::max({p.padTop, p.padBottom, p.padLeft, p.padRight})) +
                        " is not smaller than the effective kernel " + std::to_string(ekH) + "x" +
                        std::to_string(ekW) +
                        ": some windows would see only padding and have nothing to pool; reduce "
                        "the padding below the kernel size");
}

}  // namespace convscope::core
