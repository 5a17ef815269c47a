// Convolution forward: im2col + GEMM (tiled and batched) and the direct reference.
#include "layers/convolution.h"

#include <algorithm>
#include <chrono>

#include "base/runtime.h"
#include "gemm/blocked_gemm.h"
#include "gemm/gemm.h"

namespace convscope::core {

namespace {
using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}
}  // namespace

ConvolutionLayer::ConvolutionLayer(std::string name, WindowParams params, Tensor weights,
                                   std::vector<float> bias)
    : Layer(std::move(name)),
      m_params(params),
      m_weights(std::move(weights)),
      m_bias(std::move(bias)) {
    m_params.ceilMode = false;
    if (m_weights.n() <= 0 || m_weights.c() <= 0)
        fail(ErrorCategory::InvalidConfig,
             "weights " + m_weights.shape().toString() + " are empty");
    if (m_weights.h() != params.kernelH || m_weights.w() != params.kernelW)
        fail(ErrorCategory::InvalidConfig,
             "weights " + m_weights.shape().toString() + " do not match the kernel " +
                 std::to_string(params.kernelH) + "x" + std::to_string(params.kernelW));
    if (params.groups <= 0 || m_weights.n() % params.groups != 0)
        fail(ErrorCategory::InvalidConfig, "output channels " + std::to_string(m_weights.n()) +
                                               " must be a positive multiple of groups " +
                                               std::to_string(params.groups));
    if (!m_bias.empty() && int(m_bias.size()) != m_weights.n())
        fail(ErrorCategory::InvalidConfig, "bias has " + std::to_string(m_bias.size()) +
                                               " values for " + std::to_string(m_weights.n()) +
                                               " output channels");
}

bool ConvolutionLayer::isPointwise() const {
    const WindowParams& p = m_params;
    return p.kernelH == 1 && p.kernelW == 1 && p.strideH == 1 && p.strideW == 1 && p.padTop == 0 &&
           p.padBottom == 0 && p.padLeft == 0 && p.padRight == 0;
}

Shape ConvolutionLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const Shape& in = inputs[0];
    if (in.c != inChannels())
        fail(ErrorCategory::ShapeMismatch,
             "input has " + std::to_string(in.c) + " channels but the weights " +
                 m_weights.shape().toString() + " with " + std::to_string(m_params.groups) +
                 " group(s) expect " + std::to_string(inChannels()));
    validate(name(), m_params, in.c, in.h, in.w, outChannels());
    const OutputSize out = outputSize(in.h, in.w, m_params);
    return {in.n, outChannels(), out.h, out.w};
}

std::int64_t ConvolutionLayer::flops(std::span<const Shape> inputs) const {
    const Shape out = outputShape(inputs);
    return 2 * out.count() * std::int64_t(m_weights.c()) * m_params.kernelH * m_params.kernelW;
}

std::int64_t ConvolutionLayer::weightBytes() const {
    return std::int64_t(m_weights.bytes() + m_bias.size() * sizeof(float));
}

GemmShape ConvolutionLayer::gemmShape(std::span<const Shape> inputs) const {
    const Shape out = outputShape(inputs);
    return {outChannels() / m_params.groups, int(out.plane()),
            m_weights.c() * m_params.kernelH * m_params.kernelW, m_params.groups};
}

std::string ConvolutionLayer::describe() const {
    const WindowParams& p = m_params;
    std::string s = std::to_string(outChannels()) + " " + std::to_string(p.kernelH) + "x" +
                    std::to_string(p.kernelW);
    if (p.strideH != 1 || p.strideW != 1)
        s += " stride " + std::to_string(p.strideH) +
             (p.strideW != p.strideH ? "," + std::to_string(p.strideW) : "");
    if (p.padTop || p.padBottom || p.padLeft || p.padRight)
        s += " pad " + std::to_string(p.padTop) +
             (p.padBottom != p.padTop || p.padLeft != p.padTop || p.padRight != p.padTop
                  ? "," + std::to_string(p.padBottom) + "," + std::to_string(p.padLeft) + "," +
                        std::to_string(p.padRight)
                  : "");
    if (p.dilationH != 1 || p.dilationW != 1) s += " dilation " + std::to_string(p.dilationH);
    if (p.groups != 1) s += " groups " + std::to_string(p.groups);
    return s;
}

void ConvolutionLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                               ForwardContext& ctx) const {
    const Tensor& in = *inputs[0];
    if (ctx.convMethod == ConvMethod::Direct) {
        const auto t0 = Clock::now();
        convolveDirect(in, m_weights, m_bias, m_params, output);
        ctx.conv.gemmSeconds += secondsSince(t0);
        return;
    }
    const int Mg = outChannels() / m_params.groups;
    const int Kg = m_weights.c() * m_params.kernelH * m_params.kernelW;
    switch (ctx.convMethod) {
        case ConvMethod::Implicit:
            forwardImplicit(in, output, ctx);
            break;
        case ConvMethod::DirectSimd: {
            // Bias included; the padded input lives in the col buffer's scratch. Few filters:
            // vectors over pixels instead of channels, on the weights as stored (direct_conv.h).
            const bool byPixels = directSimdByPixels(m_params, outChannels());
            const DirectConvWeights* packed = byPixels ? nullptr : &directWeights();
            const auto t0 = Clock::now();
            if (byPixels)
                convolveDirectSimdByPixels(in, m_weights, m_bias, m_params, output, ctx.colScratch,
                                           ctx.cancelled, ctx.progress);
            else
                convolveDirectSimd(in, *packed, outChannels(), m_bias, m_params, output,
                                   ctx.colScratch, ctx.cancelled, ctx.progress);
            ctx.conv.gemmSeconds += secondsSince(t0);
            return;
        }
        case ConvMethod::Im2colBlocked: {
            const std::vector<PackedA>& packed = packedWeights();
            forwardGemm(
                in, output, ctx,
                [&](int g, int n, const float* b, std::int64_t ldb, float* c, std::int64_t ldc) {
                    blockedGemm(
                        packed[std::size_t(g)], n,
                        [b, ldb](int k0, int kc, int n0, int nc, float* dst) {
                            packRowMajorB(b, ldb, k0, kc, n0, nc, dst);
                        },
                        c, ldc);
                });
            break;
        }
        default:
            forwardGemm(
                in, output, ctx,
                [&](int g, int n, const float* b, std::int64_t ldb, float* c, std::int64_t ldc) {
                    gemm(Mg, n, Kg, m_weights.data() + std::int64_t(g) * Mg * Kg, Kg, b, ldb, c,
                         ldc);
                });
            break;
    }
    addBias(output);
}

const std::vector<PackedA>& ConvolutionLayer::packedWeights() const {
    std::lock_guard lock(m_packMutex);
    // Packed for one kernel variant's tile (cpu/isa.h): packed again when another is forced.
    if (!m_packedWeights.empty() && m_packedWeights.front().isa() != activeIsa())
        m_packedWeights.clear();
    if (m_packedWeights.empty()) {
        const int G = m_params.groups, Mg = outChannels() / G;
        const int Kg = m_weights.c() * m_params.kernelH * m_params.kernelW;
        for (int g = 0; g < G; ++g)
            m_packedWeights.emplace_back(Mg, Kg, m_weights.data() + std::int64_t(g) * Mg * Kg, Kg);
    }
    return m_packedWeights;
}

const DirectConvWeights& ConvolutionLayer::directWeights() const {
    std::lock_guard lock(m_packMutex);
    if (m_directWeights.empty() || m_directWeights.isa() != activeIsa())
        m_directWeights = DirectConvWeights(m_weights, m_params.groups);
    return m_directWeights;
}

void ConvolutionLayer::addBias(Tensor& out) const {
    if (m_bias.empty()) return;
    const std::int64_t plane = out.shape().plane();
    const int M = out.c();
    const int rows = out.n() * M;
#pragma omp parallel for schedule(static) num_threads(threadCount())
    for (int r = 0; r < rows; ++r) {
        float* row = out.data() + std::int64_t(r) * plane;
        const float b = m_bias[std::size_t(r % M)];
        for (std::int64_t i = 0; i < plane; ++i) row[i] += b;
    }
}

void ConvolutionLayer::forwardGemm(const Tensor& in, Tensor& out, ForwardContext& ctx,
                                   const GroupGemm& groupGemm) const {
    const int G = m_params.groups;
    const int C = in.c(), H = in.h(), W = in.w(), B = in.n();
    const int Mg = outChannels() / G;
    const int Kg = m_weights.c() * m_params.kernelH * m_params.kernelW;
    const int N = out.h() * out.w();

    if (isPointwise()) {
        // The input image already is the col matrix (K = C rows of N = H*W pixels).
        const auto t0 = Clock::now();
        for (int b = 0; b < B; ++b)
            for (int g = 0; g < G; ++g)
                groupGemm(g, N, in.image(b) + std::int64_t(g) * Kg * N, N,
                          out.image(b) + std::int64_t(g) * Mg * N, N);
        ctx.conv.gemmSeconds += secondsSince(t0);
        return;
    }

    // Columns of all B images side by side form one K x (B*N) matrix: a batch is one wider GEMM
    // (Caffe con Troll's lowering). Above the memory limit, that matrix is processed in column
    // tiles.
    const std::int64_t Ktotal = std::int64_t(Kg) * G;
    const std::int64_t totalCols = std::int64_t(B) * N;
    const std::int64_t bytesPerCol = Ktotal * std::int64_t(sizeof(float));
    const std::int64_t tileCols =
        std::clamp<std::int64_t>(ctx.colMemoryLimit / bytesPerCol, 1, totalCols);
    float* col = ctx.colScratch.get(std::size_t(Ktotal * tileCols));
    ctx.conv.colBytes =
        std::max(ctx.conv.colBytes, Ktotal * tileCols * std::int64_t(sizeof(float)));

    for (std::int64_t j0 = 0; j0 < totalCols; j0 += tileCols) {
        ctx.throwIfCancelled();
        const std::int64_t j1 = std::min(totalCols, j0 + tileCols);
        const int tc = int(j1 - j0);
        const int bFirst = int(j0 / N), bLast = int((j1 - 1) / N);

        auto t0 = Clock::now();
        for (int b = bFirst; b <= bLast; ++b) {
            const int n0 =
                int(std::max<std::int64_t>(j0, std::int64_t(b) * N) - std::int64_t(b) * N);
            const int n1 =
                int(std::min<std::int64_t>(j1, std::int64_t(b + 1) * N) - std::int64_t(b) * N);
            im2colColumns(in.image(b), C, H, W, m_params, n0, n1,
                          col + (std::int64_t(b) * N + n0 - j0), tc);
        }
        ctx.conv.im2colSeconds += secondsSince(t0);

        t0 = Clock::now();
        if (bFirst == bLast) {
            // The tile lies in one image: write straight into its output rows.
            const int n0 = int(j0 - std::int64_t(bFirst) * N);
            for (int g = 0; g < G; ++g)
                groupGemm(g, tc, col + std::int64_t(g) * Kg * tc, tc,
                          out.image(bFirst) + std::int64_t(g) * Mg * N + n0, N);
        } else {
            const int M = Mg * G;
            float* tmp = ctx.gemmScratch.get(std::size_t(M) * std::size_t(tc));
            for (int g = 0; g < G; ++g)
                groupGemm(g, tc, col + std::int64_t(g) * Kg * tc, tc,
                          tmp + std::int64_t(g) * Mg * tc, tc);
#pragma omp parallel for schedule(static) num_threads(threadCount())
            for (int m = 0; m < M; ++m) {
                for (int b = bFirst; b <= bLast; ++b) {
                    const std::int64_t a = std::max<std::int64_t>(j0, std::int64_t(b) * N);
                    const std::int64_t e = std::min<std::int64_t>(j1, std::int64_t(b + 1) * N);
                    std::copy(tmp + std::int64_t(m) * tc + (a - j0),
                              tmp + std::int64_t(m) * tc + (e - j0),
                              out.image(b) + std::int64_t(m) * N + (a - std::int64_t(b) * N));
                }
            }
        }
        ctx.conv.gemmSeconds += secondsSince(t0);
        ++ctx.conv.tiles;
        if (ctx.progress) ctx.progress(double(j1) / double(totalCols));
    }
}

namespace {

// Packs B = the im2col matrix's rows [k0, k0+kc) x columns [n0, n0+nc) straight from the image,
// in blocked_gemm.h's sliver layout: implicit GEMM's only difference from im2col + GEMM.
void packImageAsB(const float* image, int H, int W, const WindowParams& p, int outW, int channel0,
                  int k0, int kc, int n0, int nc, float* dst) {
    const int NR = blockedGemmShape().NR;
    int y0[64], x0[64];  // NR <= 64
    const int slivers = (nc + NR - 1) / NR;
    for (int s = 0; s < slivers; ++s) {
        float* d = dst + std::int64_t(s) * kc * NR;
        const int first = n0 + s * NR, width = std::min(NR, n0 + nc - first);
        for (int j = 0; j < NR; ++j) {
            const int n = first + j;
            // Columns past the block read far outside the image: always zero.
            y0[j] = j < width ? (n / outW) * p.strideH - p.padTop : -(1 << 28);
            x0[j] = j < width ? (n % outW) * p.strideW - p.padLeft : -(1 << 28);
        }
        for (int k = 0; k < kc; ++k) {
            const int row = k0 + k;
            const int kj = row % p.kernelW, ki = (row / p.kernelW) % p.kernelH;
            const int c = channel0 + row / (p.kernelW * p.kernelH);
            const float* plane = image + std::int64_t(c) * H * W;
            const int dy = ki * p.dilationH, dx = kj * p.dilationW;
            float* out = d + k * NR;
            for (int j = 0; j < NR; ++j) {
                const int y = y0[j] + dy, x = x0[j] + dx;
                out[j] = (unsigned(y) < unsigned(H) && unsigned(x) < unsigned(W)) ? plane[y * W + x]
                                                                                  : 0.0f;
            }
        }
    }
}

}  // namespace

void ConvolutionLayer::forwardImplicit(const Tensor& in, Tensor& out, ForwardContext& ctx) const {
    const int G = m_params.groups;
    const int Cg = m_weights.c(), Mg = outChannels() / G;
    const int N = out.h() * out.w();
    const std::vector<PackedA>& packed = packedWeights();
    const auto t0 = Clock::now();
    for (int b = 0; b < in.n(); ++b) {
        ctx.throwIfCancelled();
        for (int g = 0; g < G; ++g) {
            const float* image = in.image(b);
            const WindowParams p = m_params;
            const int H = in.h(), W = in.w(), outW = out.w(), channel0 = g * Cg;
            blockedGemm(
                packed[std::size_t(g)], N,
                [=](int k0, int kc, int n0, int nc, float* dst) {
                    packImageAsB(image, H, W, p, outW, channel0, k0, kc, n0, nc, dst);
                },
                out.image(b) + std::int64_t(g) * Mg * N, N);
        }
    }
    ctx.conv.gemmSeconds += secondsSince(t0);
}

Tensor convolveOneFilter(const Tensor& image, const WindowParams& p, const Tensor& weights,
                         const std::vector<float>& bias, int m, ForwardContext& ctx) {
    const int cg = weights.c(), group = m / (weights.n() / p.groups);
    const std::int64_t plane = std::int64_t(image.h()) * image.w();
    Tensor in(1, cg, image.h(), image.w());
    std::copy_n(image.data() + group * cg * plane, cg * plane, in.data());
    Tensor w(1, cg, weights.h(), weights.w());
    std::copy_n(weights.data() + std::int64_t(m) * w.count(), w.count(), w.data());
    WindowParams one = p;
    one.groups = 1;
    const ConvolutionLayer conv(
        "one filter", one, std::move(w),
        bias.empty() ? std::vector<float>{} : std::vector<float>{bias[std::size_t(m)]});
    const Shape shape = in.shape();
    Tensor out(conv.outputShape(std::span<const Shape>(&shape, 1)));
    const Tensor* inputs[] = {&in};
    conv.forward(inputs, out, ctx);
    return out;
}

void convolveDirect(const Tensor& input, const Tensor& weights, const std::vector<float>& bias,
                    const WindowParams& p, Tensor& output) {
    const int G = p.groups;
    const int M = weights.n(), Cg = weights.c(), Mg = M / G;
    const int H = input.h(), W = input.w();
    for (int n = 0; n < input.n(); ++n)
        for (int m = 0; m < M; ++m) {
            const int g = m / Mg;
            for (int oy = 0; oy < output.h(); ++oy)
                for (int ox = 0; ox < output.w(); ++ox) {
                    double sum = bias.empty() ? 0.0 : bias[std::size_t(m)];
                    for (int c = 0; c < Cg; ++c)
                        for (int ki = 0; ki < p.kernelH; ++ki)
                            for (int kj = 0; kj < p.kernelW; ++kj) {
                                const int y = oy * p.strideH - p.padTop + ki * p.dilationH;
                                const int x = ox * p.strideW - p.padLeft + kj * p.dilationW;
                                if (y < 0 || y >= H || x < 0 || x >= W) continue;
                                sum += double(weights.at(m, c, ki, kj)) *
                                       double(input.at(n, g * Cg + c, y, x));
                            }
                    output.at(n, m, oy, ox) = float(sum);
                }
        }
}

}  // namespace convscope::core
