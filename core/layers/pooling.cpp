// Pooling forward: max pooling in the per-ISA kernel (kernels/pool_kernels.cpp), average pooling
// here, one output cell at a time.
#include "layers/pooling.h"

#include <algorithm>

#include "base/runtime.h"
#include "kernels/kernels.h"

namespace convscope::core {

PoolingLayer::PoolingLayer(std::string name, PoolMethod method, WindowParams params,
                           bool countIncludePad)
    : Layer(std::move(name)),
      m_method(method),
      m_params(params),
      m_countIncludePad(countIncludePad) {
    m_params.groups = 1;
}

std::unique_ptr<PoolingLayer> PoolingLayer::global(std::string name, PoolMethod method) {
    auto layer = std::make_unique<PoolingLayer>(std::move(name), method, WindowParams{}, false);
    layer->m_global = true;
    return layer;
}

WindowParams PoolingLayer::windowFor(const Shape& in) const {
    if (!m_global) return m_params;
    WindowParams p;
    p.kernelH = in.h;
    p.kernelW = in.w;
    return p;
}

Shape PoolingLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const Shape& in = inputs[0];
    const WindowParams p = windowFor(in);
    validatePooling(name(), p, in.c, in.h, in.w);
    const OutputSize out = outputSize(in.h, in.w, p);
    return {in.n, in.c, out.h, out.w};
}

std::int64_t PoolingLayer::flops(std::span<const Shape> inputs) const {
    const WindowParams p = windowFor(inputs[0]);
    return outputShape(inputs).count() * p.kernelH * p.kernelW;
}

std::string PoolingLayer::describe() const {
    const char* kind = m_method == PoolMethod::Max ? "max" : "ave";
    if (m_global) return std::string("global ") + kind;
    return std::string(kind) + " " + std::to_string(m_params.kernelH) + "x" +
           std::to_string(m_params.kernelW) + " stride " + std::to_string(m_params.strideH) +
           (m_params.ceilMode ? " ceil" : "");
}

namespace {
// The mean of the window at w (its top-left tap) of a row-major plane W wide, every tap inside.
float windowMean(const float* w, int W, const WindowParams& p, float taps) {
    double sum = 0;
    for (int ki = 0; ki < p.kernelH; ++ki) {
        const float* row = w + std::int64_t(ki) * p.dilationH * W;
        for (int kj = 0; kj < p.kernelW; ++kj) sum += row[kj * p.dilationW];
    }
    return float(sum / taps);
}
}  // namespace

void PoolingLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                           ForwardContext& ctx) const {
    const Tensor& in = *inputs[0];
    const WindowParams p = windowFor(in.shape());
    if (m_method == PoolMethod::Max)  // kernels/pool_kernels.cpp: separable, vectorised
        return CONVSCOPE_KERNEL(maxPool)(in, p, output, ctx.colScratch);
    // Average pooling. The outputs whose window lies inside the image, [oyLo, oyHi) x
    // [oxLo, oxHi), need no bounds checks and divide by the window's size.
    const int H = in.h(), W = in.w(), outH = output.h(), outW = output.w();
    const int planes = in.n() * in.c();
    const auto inside = [](int pad, int stride, int span, int in, int out, int& lo, int& hi) {
        lo = std::min(out, (pad + stride - 1) / stride);
        hi = std::max(lo, std::min(out, in + pad - span >= 0 ? (in + pad - span) / stride + 1 : 0));
    };
    int oyLo, oyHi, oxLo, oxHi;
    inside(p.padTop, p.strideH, p.effectiveKernelH(), H, outH, oyLo, oyHi);
    inside(p.padLeft, p.strideW, p.effectiveKernelW(), W, outW, oxLo, oxHi);
    const float taps = float(p.kernelH * p.kernelW);
#pragma omp parallel for schedule(static) num_threads(threadCount())
    for (int pl = 0; pl < planes; ++pl) {
        const float* src = in.data() + std::int64_t(pl) * H * W;
        float* dst = output.data() + std::int64_t(pl) * outH * outW;
        for (int oy = 0; oy < outH; ++oy)
            for (int ox = 0; ox < outW; ++ox) {
                const int y0 = oy * p.strideH - p.padTop, x0 = ox * p.strideW - p.padLeft;
                if (oy >= oyLo && oy < oyHi && ox == oxLo && oxLo < oxHi) {  // the inside run
                    const float* row0 = src + std::int64_t(y0) * W - p.padLeft;
                    for (int x = oxLo; x < oxHi; ++x)
                        dst[std::int64_t(oy) * outW + x] =
                            windowMean(row0 + x * p.strideW, W, p, taps);
                    ox = oxHi - 1;  // the loop goes on after the run
                    continue;
                }
                double sum = 0;
                int inside = 0, padded = 0;
                for (int ki = 0; ki < p.kernelH; ++ki) {
                    const int y = y0 + ki * p.dilationH;
                    for (int kj = 0; kj < p.kernelW; ++kj) {
                        const int x = x0 + kj * p.dilationW;
                        // Positions in the declared padding count when countIncludePad; those
                        // past it (ceil mode's overhang) never do.
                        const bool inPadded = y >= -p.padTop && y < H + p.padBottom &&
                                              x >= -p.padLeft && x < W + p.padRight;
                        if (y >= 0 && y < H && x >= 0 && x < W) {
                            sum += src[y * W + x];
                            ++inside;
                        }
                        padded += inPadded;
                    }
                }
                const int divisor = m_countIncludePad ? padded : inside;
                dst[oy * outW + ox] = divisor ? float(sum / divisor) : 0.0f;
            }
    }
}

}  // namespace convscope::core
