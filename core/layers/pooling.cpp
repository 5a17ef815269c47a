// Pooling forward, one output cell at a time (pooling is cheap next to conv and fc).
#include "layers/pooling.h"
#include "base/runtime.h"

#include <algorithm>
#include <limits>

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

void PoolingLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                           ForwardContext& ctx) const {
    (void)ctx;
    const Tensor& in = *inputs[0];
    const WindowParams p = windowFor(in.shape());
    const int H = in.h(), W = in.w(), outH = output.h(), outW = output.w();
    const int planes = in.n() * in.c();
#pragma omp parallel for schedule(static) num_threads(threadCount())
    for (int pl = 0; pl < planes; ++pl) {
        const float* src = in.data() + std::int64_t(pl) * H * W;
        float* dst = output.data() + std::int64_t(pl) * outH * outW;
        for (int oy = 0; oy < outH; ++oy)
            for (int ox = 0; ox < outW; ++ox) {
                const int y0 = oy * p.strideH - p.padTop, x0 = ox * p.strideW - p.padLeft;
                if (m_method == PoolMethod::Max) {
                    float best = -std::numeric_limits<float>::infinity();
                    for (int ki = 0; ki < p.kernelH; ++ki) {
                        const int y = y0 + ki * p.dilationH;
                        if (y < 0 || y >= H) continue;
                        for (int kj = 0; kj < p.kernelW; ++kj) {
                            const int x = x0 + kj * p.dilationW;
                            if (x >= 0 && x < W) best = std::max(best, src[y * W + x]);
                        }
                    }
                    dst[oy * outW + ox] = best;
                } else {
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
}

}  // namespace convscope::core
