// Direct convolution: the public entry points of direct_conv.h and the weight packing. The
// micro-kernels and row loops are in kernels/direct_conv_kernels.cpp, one copy per ISA.
#include "conv/direct_conv.h"

#include "kernels/kernels.h"

namespace convscope::core {

DirectConvShape directConvShape() {
    return CONVSCOPE_KERNEL(directConvShape)();
}

DirectConvWeights::DirectConvWeights(const Tensor& weights, int groups)
    : m_isa(activeIsa()), m_groups(groups) {
    const int OCB = directConvShape().OCB;
    const int Mg = weights.n() / groups;
    const std::int64_t K = std::int64_t(weights.c()) * weights.h() * weights.w();
    m_blocks = (Mg + OCB - 1) / OCB;
    m_blockFloats = K * OCB;
    m_data = Tensor(1, 1, 1, std::int64_t(groups) * m_blocks * m_blockFloats);
    float* d = m_data.data();
    for (int g = 0; g < groups; ++g)
        for (int b = 0; b < m_blocks; ++b)
            for (std::int64_t k = 0; k < K; ++k)
                for (int o = 0; o < OCB; ++o) {
                    const int m = b * OCB + o;
                    *d++ = m < Mg ? weights.data()[(std::int64_t(g) * Mg + m) * K + k] : 0.0f;
                }
}

const float* DirectConvWeights::block(int g, int block) const {
    return m_data.data() + (std::int64_t(g) * m_blocks + block) * m_blockFloats;
}

void convolveDirectSimd(const Tensor& input, const DirectConvWeights& weights, int outChannels,
                        const std::vector<float>& bias, const WindowParams& p, Tensor& output,
                        Scratch& padScratch, const std::function<bool()>& cancelled,
                        const std::function<void(double)>& progress) {
    requirePackedForActiveIsa(weights.isa(), "direct-simd conv weights");
    CONVSCOPE_KERNEL(convolveDirectSimd)
    (input, weights, outChannels, bias, p, output, padScratch, cancelled, progress);
}

bool directSimdByPixels(const WindowParams& p, int outChannels) {
    return CONVSCOPE_KERNEL(directSimdByPixels)(p, outChannels);
}

void convolveDirectSimdByPixels(const Tensor& input, const Tensor& weights,
                                const std::vector<float>& bias, const WindowParams& p,
                                Tensor& output, Scratch& scratch,
                                const std::function<bool()>& cancelled,
                                const std::function<void(double)>& progress) {
    CONVSCOPE_KERNEL(convolveDirectSimdByPixels)
    (input, weights, bias, p, output, scratch, cancelled, progress);
}

}  // namespace convscope::core
