// Transposed convolution: validation, shapes, and the forward as GEMM (Wᵀ · x) + col2im per group.
#include "layers/deconvolution.h"

#include <algorithm>

#include "base/runtime.h"
#include "base/timing.h"
#include "conv/im2col.h"
#include "conv/reference.h"
#include "gemm/gemm.h"

namespace convscope::core {

DeconvolutionLayer::DeconvolutionLayer(std::string name, WindowParams params, Tensor weights,
                                       std::vector<float> bias, int outputPaddingH,
                                       int outputPaddingW)
    : Layer(std::move(name)),
      m_params(params),
      m_weights(std::move(weights)),
      m_bias(std::move(bias)),
      m_outputPaddingH(outputPaddingH),
      m_outputPaddingW(outputPaddingW) {
    m_params.ceilMode = false;
    if (m_weights.n() <= 0 || m_weights.c() <= 0)
        fail(ErrorCategory::InvalidConfig,
             "weights " + m_weights.shape().toString() + " are empty");
    if (m_weights.h() != params.kernelH || m_weights.w() != params.kernelW)
        fail(ErrorCategory::InvalidConfig,
             "weights " + m_weights.shape().toString() + " (Cin x Cout/groups x kh x kw) do not " +
                 "match the kernel " + std::to_string(params.kernelH) + "x" +
                 std::to_string(params.kernelW));
    if (params.groups <= 0 || m_weights.n() % params.groups != 0)
        fail(ErrorCategory::InvalidConfig, "input channels " + std::to_string(m_weights.n()) +
                                               " of the weights " + m_weights.shape().toString() +
                                               " must be a positive multiple of groups " +
                                               std::to_string(params.groups));
    if (!m_bias.empty() && int(m_bias.size()) != outChannels())
        fail(ErrorCategory::InvalidConfig, "bias has " + std::to_string(m_bias.size()) +
                                               " values for " + std::to_string(outChannels()) +
                                               " output channels");
}

Shape DeconvolutionLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const Shape& in = inputs[0];
    if (in.c != inChannels())
        fail(ErrorCategory::ShapeMismatch,
             "input has " + std::to_string(in.c) + " channels but the weights " +
                 m_weights.shape().toString() + " (Cin x Cout/groups x kh x kw) expect " +
                 std::to_string(inChannels()));
    const WindowParams& p = m_params;
    validateTransposed(name(), p, m_outputPaddingH, m_outputPaddingW, in.c, in.h, in.w,
                       outChannels());
    return {in.n, outChannels(),
            int(transposedOutputExtent(in.h, p.kernelH, p.strideH, p.padTop, p.padBottom,
                                       p.dilationH, m_outputPaddingH)),
            int(transposedOutputExtent(in.w, p.kernelW, p.strideW, p.padLeft, p.padRight,
                                       p.dilationW, m_outputPaddingW))};
}

std::int64_t DeconvolutionLayer::flops(std::span<const Shape> inputs) const {
    const GemmShape g = gemmShape(inputs);
    return 2 * std::int64_t(inputs[0].n) * g.groups * g.M * std::int64_t(g.N) * g.K;
}

std::int64_t DeconvolutionLayer::weightBytes() const {
    return std::int64_t(m_weights.bytes() + m_bias.size() * sizeof(float));
}

GemmShape DeconvolutionLayer::gemmShape(std::span<const Shape> inputs) const {
    outputShape(inputs);  // validates
    const int G = m_params.groups;
    return {m_weights.c() * m_params.kernelH * m_params.kernelW, int(inputs[0].plane()),
            inChannels() / G, G};
}

std::string DeconvolutionLayer::describe() const {
    const WindowParams& p = m_params;
    std::string s = std::to_string(outChannels()) + " " + std::to_string(p.kernelH) + "x" +
                    std::to_string(p.kernelW);
    auto pair = [](int a, int b) {
        return std::to_string(a) + (b != a ? "," + std::to_string(b) : "");
    };
    if (p.strideH != 1 || p.strideW != 1) s += " stride " + pair(p.strideH, p.strideW);
    if (p.padTop || p.padBottom || p.padLeft || p.padRight)
        s += " pad " + std::to_string(p.padTop) +
             (p.padBottom != p.padTop || p.padLeft != p.padTop || p.padRight != p.padTop
                  ? "," + std::to_string(p.padBottom) + "," + std::to_string(p.padLeft) + "," +
                        std::to_string(p.padRight)
                  : "");
    if (m_outputPaddingH || m_outputPaddingW)
        s += " output padding " + pair(m_outputPaddingH, m_outputPaddingW);
    if (p.dilationH != 1 || p.dilationW != 1) s += " dilation " + pair(p.dilationH, p.dilationW);
    if (p.groups != 1) s += " groups " + std::to_string(p.groups);
    return s;
}

void DeconvolutionLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                                 ForwardContext& ctx) const {
    const Tensor& in = *inputs[0];
    const WindowParams& p = m_params;
    if (ctx.convMethod == ConvMethod::Direct) {
        const Stopwatch watch;
        deconvolveDirect(in, m_weights, m_bias, p, output);
        ctx.conv.gemmSeconds += watch.seconds();
        return;
    }
    const int G = p.groups, H = in.h(), W = in.w(), Ho = output.h(), Wo = output.w();
    const int Cig = inChannels() / G, Cog = m_weights.c();
    const int M = Cog * p.kernelH * p.kernelW;  // rows of col, per group
    const int N = H * W;
    const std::int64_t outPlane = std::int64_t(Ho) * Wo;
    // 1x1, stride 1, no padding, no output padding: col is the output itself.
    const bool pointwise = p.kernelH == 1 && p.kernelW == 1 && p.strideH == 1 && p.strideW == 1 &&
                           p.padTop == 0 && p.padBottom == 0 && p.padLeft == 0 && p.padRight == 0 &&
                           Ho == H && Wo == W;
    const std::int64_t tileCols = std::clamp<std::int64_t>(
        ctx.colMemoryLimit / (std::int64_t(M) * std::int64_t(sizeof(float))), 1, N);
    float* col = pointwise ? nullptr : ctx.colScratch.get(std::size_t(M * tileCols));
    if (!pointwise)
        ctx.conv.colBytes = std::max(ctx.conv.colBytes, M * tileCols * std::int64_t(sizeof(float)));
    const std::int64_t tilesPerImage = (N + tileCols - 1) / tileCols;
    const std::int64_t totalTiles = std::int64_t(in.n()) * G * tilesPerImage;
    std::int64_t done = 0;
    for (int b = 0; b < in.n(); ++b)
        for (int g = 0; g < G; ++g) {
            // W_g: Cin/G rows of M, contiguous; x_g: Cin/G rows of N; out_g: Cog planes.
            const float* w = m_weights.data() + std::int64_t(g) * Cig * M;
            const float* x = in.image(b) + std::int64_t(g) * Cig * N;
            float* out = output.image(b) + std::int64_t(g) * Cog * outPlane;
            if (pointwise) {
                const Stopwatch watch;
                gemmTransA(M, N, Cig, w, M, x, N, out, N);
                ctx.conv.gemmSeconds += watch.seconds();
                continue;
            }
            std::fill_n(out, Cog * outPlane, 0.0f);
            for (std::int64_t j0 = 0; j0 < N; j0 += tileCols) {  // 64-bit: N + a tile > int
                ctx.throwIfCancelled();
                const int n0 = int(j0), n1 = int(std::min<std::int64_t>(N, j0 + tileCols));
                const int tc = n1 - n0;
                Stopwatch watch;
                gemmTransA(M, tc, Cig, w, M, x + n0, N, col, tc);
                ctx.conv.gemmSeconds += watch.seconds();
                watch.restart();
                col2imColumns(col, Cog, Ho, Wo, p, W, n0, n1, tc, out);
                ctx.conv.im2colSeconds += watch.seconds();
                ++ctx.conv.tiles;
                ++done;
                if (ctx.progress) ctx.progress(double(done) / double(totalTiles));
            }
        }
    if (m_bias.empty()) return;
    const int planes = output.n() * output.c();
#pragma omp parallel for schedule(static) num_threads(threadCount())
    for (int r = 0; r < planes; ++r) {
        float* plane = output.data() + std::int64_t(r) * outPlane;
        const float add = m_bias[std::size_t(r % output.c())];
        for (std::int64_t i = 0; i < outPlane; ++i) plane[i] += add;
    }
}

}  // namespace convscope::core
