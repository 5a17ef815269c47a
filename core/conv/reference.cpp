// The reference convolution.
#include "conv/reference.h"

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

}  // namespace convscope::core
