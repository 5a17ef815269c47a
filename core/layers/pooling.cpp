// Pooling forward, one output cell at a time (pooling is cheap next to conv and fc).
#include "layers/pooling.h"
#include "base/runtime.h"

#include <algorithm>
#include <limits>

#include <omp.h>

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
// Max pooling on a copy of each plane padded with -inf as far as any window reaches (ceil mode's
// overhang too): no tap needs a bounds check, and each tap runs over a row of consecutive outputs,
// which vectorises (window by window with bounds checks, GoogLeNet's 3x3 pools were 14% of its
// time on Zen 4, AVX-512, 1 thread). -inf is neutral to the max, so each output is the max of its
// window's pixels, taken in the same order as before.
void maxPoolPadded(const Tensor& in, const WindowParams& p, Tensor& out, Scratch& scratch) {
    const int H = in.h(), W = in.w(), OH = out.h(), OW = out.w();
    const int Hb = std::max(H + p.padTop, (OH - 1) * p.strideH + p.effectiveKernelH());
    const int Wb = std::max(W + p.padLeft, (OW - 1) * p.strideW + p.effectiveKernelW());
    const std::int64_t plane = std::int64_t(Hb) * Wb;
    const int planes = in.n() * in.c(), threads = std::max(1, std::min(threadCount(), planes));
    float* buffers = scratch.get(std::size_t(plane) * std::size_t(threads));
    constexpr float lowest = -std::numeric_limits<float>::infinity();
#pragma omp parallel num_threads(threads)
    {
        // Filled once: the padding stays -inf, each plane writes only its pixels.
        float* b = buffers + std::int64_t(omp_get_thread_num()) * plane;
        std::fill(b, b + plane, lowest);
#pragma omp for schedule(static)
        for (int pl = 0; pl < planes; ++pl) {
            const float* src = in.data() + std::int64_t(pl) * H * W;
            for (int y = 0; y < H; ++y)
                std::copy_n(src + std::int64_t(y) * W, W,
                            b + std::int64_t(y + p.padTop) * Wb + p.padLeft);
            float* dst = out.data() + std::int64_t(pl) * OH * OW;
            for (int oy = 0; oy < OH; ++oy) {
                float* o = dst + std::int64_t(oy) * OW;
                std::fill(o, o + OW, lowest);
                for (int ki = 0; ki < p.kernelH; ++ki) {
                    const float* r = b + std::int64_t(oy * p.strideH + ki * p.dilationH) * Wb;
                    for (int kj = 0; kj < p.kernelW; ++kj) {
                        const float* t = r + kj * p.dilationW;
                        if (p.strideW == 1)
                            for (int x = 0; x < OW; ++x) o[x] = std::max(o[x], t[x]);
                        else
                            for (int x = 0; x < OW; ++x)
                                o[x] = std::max(o[x], t[std::int64_t(x) * p.strideW]);
                    }
                }
            }
        }
    }
}
}  // namespace

void PoolingLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                           ForwardContext& ctx) const {
    const Tensor& in = *inputs[0];
    const WindowParams p = windowFor(in.shape());
    if (m_method == PoolMethod::Max) return maxPoolPadded(in, p, output, ctx.colScratch);
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
