// Method "implicit": implicit GEMM. The blocked GEMM's B panels are packed straight from the image
// (the im2col gather is the packing), so no col matrix exists at all; weights as for "blocked".
#include "base/timing.h"
#include "conv/methods/lowered.h"

namespace convscope::core::methods {

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

void runImplicit(const ConvLayerData& layer, const PreparedWeights* prepared, const Tensor& in,
                 Tensor& out, ForwardContext& ctx) {
    const auto& packed = static_cast<const PackedGroups&>(*prepared).groups;
    const int G = layer.params.groups;
    const int Cg = layer.weights.c(), Mg = layer.groupRows();
    const int N = out.h() * out.w();
    const Stopwatch watch;
    for (int b = 0; b < in.n(); ++b) {
        ctx.throwIfCancelled();
        for (int g = 0; g < G; ++g) {
            const float* image = in.image(b);
            const WindowParams p = layer.params;
            const int H = in.h(), W = in.w(), outW = out.w(), channel0 = g * Cg;
            float* C = out.image(b) + std::int64_t(g) * Mg * N;
            if (layer.pointwise()) {
                // 1x1, stride 1, unpadded: the group's channels already are its K x N col matrix,
                // so B is packed as any row-major matrix, without the per-column index math.
                const float* B = image + std::int64_t(channel0) * N;
                blockedGemm(
                    packed[std::size_t(g)], N,
                    [B, N](int k0, int kc, int n0, int nc, float* dst) {
                        packRowMajorB(B, N, k0, kc, n0, nc, dst);
                    },
                    C, N);
                continue;
            }
            blockedGemm(
                packed[std::size_t(g)], N,
                [=](int k0, int kc, int n0, int nc, float* dst) {
                    packImageAsB(image, H, W, p, outW, channel0, k0, kc, n0, nc, dst);
                },
                C, N);
        }
    }
    ctx.conv.gemmSeconds += watch.seconds();
    addBias(layer.bias, out);
}

}  // namespace convscope::core::methods
