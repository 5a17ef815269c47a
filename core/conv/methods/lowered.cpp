// The lowering driver of the GEMM-based methods.
#include "conv/methods/lowered.h"

#include <algorithm>

#include "base/runtime.h"
#include "base/timing.h"
#include "conv/im2col.h"

namespace convscope::core {

bool ConvLayerData::pointwise() const {
    const WindowParams& p = params;
    return p.kernelH == 1 && p.kernelW == 1 && p.strideH == 1 && p.strideW == 1 && p.padTop == 0 &&
           p.padBottom == 0 && p.padLeft == 0 && p.padRight == 0;
}

void forwardLowered(const ConvLayerData& layer, const Tensor& in, Tensor& out, ForwardContext& ctx,
                    const GroupGemm& groupGemm) {
    const WindowParams& params = layer.params;
    const int G = params.groups;
    const int C = in.c(), H = in.h(), W = in.w(), B = in.n();
    const int Mg = layer.groupRows(), Kg = layer.groupK();
    const int N = out.h() * out.w();

    if (layer.pointwise()) {
        // The input image already is the col matrix (K = C rows of N = H*W pixels).
        // Every lowered method takes this path (implicit GEMM packs B from the image the same
        // way); ConvStats shows it as colBytes 0 and tiles 0.
        const Stopwatch watch;
        for (int b = 0; b < B; ++b) {
            ctx.throwIfCancelled();
            for (int g = 0; g < G; ++g)
                groupGemm(g, N, in.image(b) + std::int64_t(g) * Kg * N, N,
                          out.image(b) + std::int64_t(g) * Mg * N, N);
            if (ctx.progress) ctx.progress(double(b + 1) / double(B));
        }
        ctx.conv.gemmSeconds += watch.seconds();
        return;
    }

    // Columns of all B images side by side form one K x (B*N) matrix: a batch is one wider GEMM
    // (Caffe con Troll's lowering). Above the memory limit, that matrix is processed in column
    // tiles. Kall is all groups' rows (G x Kg).
    const std::int64_t Kall = std::int64_t(Kg) * G;
    const std::int64_t totalCols = std::int64_t(B) * N;
    const std::int64_t bytesPerCol = Kall * std::int64_t(sizeof(float));
    const std::int64_t tileCols =
        std::clamp<std::int64_t>(ctx.colMemoryLimit / bytesPerCol, 1, totalCols);
    float* col = ctx.colScratch.get(std::size_t(Kall * tileCols));
    ctx.conv.colBytes = std::max(ctx.conv.colBytes, Kall * tileCols * std::int64_t(sizeof(float)));

    for (std::int64_t j0 = 0; j0 < totalCols; j0 += tileCols) {
        ctx.throwIfCancelled();
        const std::int64_t j1 = std::min(totalCols, j0 + tileCols);
        const int tc = int(j1 - j0);
        const int bFirst = int(j0 / N), bLast = int((j1 - 1) / N);

        Stopwatch watch;
        for (int b = bFirst; b <= bLast; ++b) {
            const int n0 =
                int(std::max<std::int64_t>(j0, std::int64_t(b) * N) - std::int64_t(b) * N);
            const int n1 =
                int(std::min<std::int64_t>(j1, std::int64_t(b + 1) * N) - std::int64_t(b) * N);
            im2colColumns(in.image(b), C, H, W, params, n0, n1,
                          col + (std::int64_t(b) * N + n0 - j0), tc);
        }
        ctx.conv.im2colSeconds += watch.seconds();

        watch.restart();
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
        ctx.conv.gemmSeconds += watch.seconds();
        ++ctx.conv.tiles;
        if (ctx.progress) ctx.progress(double(j1) / double(totalCols));
    }
}

void addBias(const std::vector<float>& bias, Tensor& out) {
    if (bias.empty()) return;
    const std::int64_t plane = out.shape().plane();
    const int M = out.c();
    const int rows = out.n() * M;
#pragma omp parallel for schedule(static) num_threads(threadCount())
    for (int r = 0; r < rows; ++r) {
        float* row = out.data() + std::int64_t(r) * plane;
        const float b = bias[std::size_t(r % M)];
        for (std::int64_t i = 0; i < plane; ++i) row[i] += b;
    }
}

}  // namespace convscope::core
