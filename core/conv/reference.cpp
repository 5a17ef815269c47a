// The reference convolution and transposed convolution.
#include "conv/reference.h"

#include <cstdint>

namespace convscope::core {

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

void deconvolveDirect(const Tensor& input, const Tensor& weights, const std::vector<float>& bias,
                      const WindowParams& p, Tensor& output) {
    const int G = p.groups;
    const int Cin = input.c(), Cig = Cin / G, Cog = weights.c();
    const int H = input.h(), W = input.w(), Ho = output.h(), Wo = output.w();
    std::vector<double> sum(std::size_t(output.count()));
    auto at = [&](int n, int co, int y, int x) -> double& {
        return sum[std::size_t(((std::int64_t(n) * output.c() + co) * Ho + y) * Wo + x)];
    };
    for (int n = 0; n < input.n(); ++n)
        for (int ci = 0; ci < Cin; ++ci) {
            const int g = ci / Cig;
            for (int co = 0; co < Cog; ++co)
                for (int y = 0; y < H; ++y)
                    for (int x = 0; x < W; ++x)
                        for (int ky = 0; ky < p.kernelH; ++ky)
                            for (int kx = 0; kx < p.kernelW; ++kx) {
                                const int oy = y * p.strideH - p.padTop + ky * p.dilationH;
                                const int ox = x * p.strideW - p.padLeft + kx * p.dilationW;
                                if (oy < 0 || oy >= Ho || ox < 0 || ox >= Wo) continue;
                                at(n, g * Cog + co, oy, ox) += double(weights.at(ci, co, ky, kx)) *
                                                               double(input.at(n, ci, y, x));
                            }
        }
    for (int n = 0; n < output.n(); ++n)
        for (int co = 0; co < output.c(); ++co)
            for (int y = 0; y < Ho; ++y)
                for (int x = 0; x < Wo; ++x)
                    output.at(n, co, y, x) =
                        float(at(n, co, y, x) + (bias.empty() ? 0.0 : bias[std::size_t(co)]));
}

}  // namespace convscope::core
