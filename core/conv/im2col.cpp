// im2col / col2im, Caffe layout, with stride, per-side padding, dilation and column ranges.
#include "conv/im2col.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "base/runtime.h"

namespace convscope::core {

Im2colInfo im2colInfo(const std::string& layer, const Shape& input, const WindowParams& p,
                      int outChannels) {
    validate(layer, p, input.c, input.h, input.w, outChannels);
    const OutputSize out = outputSize(input.h, input.w, p);
    Im2colInfo info;
    info.groups = p.groups;
    info.M = outChannels / p.groups;
    info.K = input.c / p.groups * p.kernelH * p.kernelW;
    info.depthwise = p.groups > 1 && p.groups == input.c;
    info.outH = out.h;
    info.outW = out.w;
    info.N = out.h * out.w;
    info.inputBytes = input.perImage() * std::int64_t(sizeof(float));
    info.colBytes =
        std::int64_t(input.c) * p.kernelH * p.kernelW * info.N * std::int64_t(sizeof(float));
    return info;
}

std::string depthwiseNote(const Im2colInfo& i) {
    if (!i.depthwise) return {};
    const std::string M = std::to_string(i.M), K = std::to_string(i.K), N = std::to_string(i.N);
    char expansion[32];
    std::snprintf(expansion, sizeof expansion, "%.2f", i.expansion());
    // The argument of conv/depthwise_conv.h, with this layer's numbers.
    return "Depthwise (groups = C = " + std::to_string(i.groups) +
           "): every group sees one input channel, so K = kh·kw = " + K + " and M = " + M +
           (i.M == 1 ? "" : " (the channel multiplier)") + ". Each group's \"GEMM\" is " + M +
           " × " + N + " dot products of length " + K +
           ": one multiply-add per col entry, nothing for a GEMM kernel to reuse across rows, "
           "while im2col writes the input ×" +
           expansion +
           " to feed it. So the depthwise method skips im2col and slides each channel's " + K +
           " weights over whole output rows, vectorised over pixels.";
}

void im2colColumns(const float* image, int C, int H, int W, const WindowParams& p, int n0, int n1,
                   float* col, std::int64_t ldCol) {
    const OutputSize out = outputSize(H, W, p);
    const int rows = C * p.kernelH * p.kernelW;
    const int y0 = n0 / out.w, y1 = (n1 - 1) / out.w;
#pragma omp parallel for schedule(static) num_threads(threadCount())
    for (int k = 0; k < rows; ++k) {
        const int kj = k % p.kernelW;
        const int ki = (k / p.kernelW) % p.kernelH;
        const int c = k / (p.kernelW * p.kernelH);
        const float* plane = image + std::int64_t(c) * H * W;
        float* dst = col + k * ldCol;
        const int dx = kj * p.dilationW - p.padLeft;
        // Columns ox whose input x lies inside [0, W): x = ox*strideW + dx.
        const int oxBegin = std::clamp((-dx + p.strideW - 1) / p.strideW, 0, out.w);
        const int oxEnd = std::clamp((W - dx + p.strideW - 1) / p.strideW, oxBegin, out.w);
        for (int oy = y0; oy <= y1; ++oy) {
            const int xa = oy == y0 ? n0 - oy * out.w : 0;
            const int xb = oy == y1 ? n1 - oy * out.w : out.w;
            float* d = dst + (std::int64_t(oy) * out.w + xa - n0);
            const int y = oy * p.strideH - p.padTop + ki * p.dilationH;
            if (y < 0 || y >= H) {
                std::fill(d, d + (xb - xa), 0.0f);
                continue;
            }
            const float* src = plane + std::int64_t(y) * W + dx;
            const int lo = std::max(xa, std::min(oxBegin, xb)),
                      hi = std::max(lo, std::min(oxEnd, xb));
            std::fill(d, d + (lo - xa), 0.0f);
            if (p.strideW == 1) {
                std::memcpy(d + (lo - xa), src + lo, sizeof(float) * std::size_t(hi - lo));
            } else {
                for (int ox = lo; ox < hi; ++ox) d[ox - xa] = src[ox * p.strideW];
            }
            std::fill(d + (hi - xa), d + (xb - xa), 0.0f);
        }
    }
}

void im2col(const float* image, int C, int H, int W, const WindowParams& p, float* col) {
    const OutputSize out = outputSize(H, W, p);
    const int N = out.h * out.w;
    im2colColumns(image, C, H, W, p, 0, N, col, N);
}

void col2im(const float* col, int C, int H, int W, const WindowParams& p, float* image) {
    const OutputSize out = outputSize(H, W, p);
    const int N = out.h * out.w;
    std::fill_n(image, std::int64_t(C) * H * W, 0.0f);
    col2imColumns(col, C, H, W, p, out.w, 0, N, N, image);
}

void col2imColumns(const float* col, int C, int H, int W, const WindowParams& p, int colW, int n0,
                   int n1, std::int64_t ldCol, float* image) {
    if (n1 <= n0) return;
    const int y0 = n0 / colW, y1 = (n1 - 1) / colW;
#pragma omp parallel for schedule(static) num_threads(threadCount())
    for (int c = 0; c < C; ++c) {
        float* plane = image + std::int64_t(c) * H * W;
        for (int ki = 0; ki < p.kernelH; ++ki) {
            for (int kj = 0; kj < p.kernelW; ++kj) {
                const float* src =
                    col + ((std::int64_t(c) * p.kernelH + ki) * p.kernelW + kj) * ldCol;
                const int dx = kj * p.dilationW - p.padLeft;
                // Grid columns ox whose x = ox*strideW + dx lies inside [0, W), as in
                // im2colColumns.
                const int oxBegin = std::clamp((-dx + p.strideW - 1) / p.strideW, 0, colW);
                const int oxEnd = std::clamp((W - dx + p.strideW - 1) / p.strideW, oxBegin, colW);
                for (int oy = y0; oy <= y1; ++oy) {
                    const int y = oy * p.strideH - p.padTop + ki * p.dilationH;
                    if (y < 0 || y >= H) continue;
                    const int xa = oy == y0 ? n0 - oy * colW : 0;
                    const int xb = oy == y1 ? n1 - oy * colW : colW;
                    const int lo = std::max(xa, oxBegin), hi = std::min(xb, oxEnd);
                    const float* s = src + (std::int64_t(oy) * colW - n0);
                    float* row = plane + std::int64_t(y) * W;
                    for (int ox = lo; ox < hi; ++ox) row[ox * p.strideW + dx] += s[ox];
                }
            }
        }
    }
}

}  // namespace convscope::core
