// Convolution layer: im2col + one GEMM per group + bias (the Caffe way), with a 1x1 shortcut,
// column tiling under a memory limit, batching into one wide GEMM, and a direct nested-loop
// reference (convolveDirect) that every fast path is tested against. ForwardContext::convMethod
// picks the other rungs of the method ladder: the blocked GEMM, implicit GEMM, direct-simd.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

#include "conv/conv_geometry.h"
#include "conv/direct_conv.h"
#include "conv/im2col.h"
#include "gemm/blocked_gemm.h"
#include "layers/layer.h"

namespace convscope::core {

class ConvolutionLayer : public Layer {
public:
    // weights: M x (C/groups) x kh x kw; bias: M values or empty (no bias).
    // Throws Error(InvalidConfig) if the weight shape disagrees with params or bias size with M.
    ConvolutionLayer(std::string name, WindowParams params, Tensor weights,
                     std::vector<float> bias);

    const char* type() const override { return "Convolution"; }
    LayerCategory category() const override { return LayerCategory::Conv; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t flops(std::span<const Shape> inputs) const override;
    std::int64_t weightBytes() const override;
    GemmShape gemmShape(std::span<const Shape> inputs) const override;
    std::string describe() const override;

    const WindowParams& params() const { return m_params; }
    const Tensor& weights() const { return m_weights; }
    const std::vector<float>& bias() const { return m_bias; }
    int outChannels() const { return m_weights.n(); }
    int inChannels() const { return m_weights.c() * m_params.groups; }
    // True when im2col is the identity (1x1 kernel, stride 1, no padding).
    bool isPointwise() const;

private:
    // C (Mg x n, ldc) = W of group g (Mg x Kg) · B (Kg x n, ldb).
    using GroupGemm = std::function<void(int g, int n, const float* B, std::int64_t ldb, float* C,
                                         std::int64_t ldc)>;
    void forwardGemm(const Tensor& in, Tensor& out, ForwardContext& ctx,
                     const GroupGemm& groupGemm) const;
    // Each group's weights packed for the blocked GEMM, once, on first use (oneDNN reorders
    // weights once too); about the weights' size again.
    const std::vector<PackedA>& packedWeights() const;
    void forwardImplicit(const Tensor& in, Tensor& out, ForwardContext& ctx) const;
    // The weights reordered for convolveDirectSimd, once, on first use.
    const DirectConvWeights& directWeights() const;
    void addBias(Tensor& out) const;

    WindowParams m_params;
    Tensor m_weights;
    std::vector<float> m_bias;
    mutable std::mutex m_packMutex;
    mutable std::vector<PackedA> m_packedWeights;
    mutable DirectConvWeights m_directWeights;
};

// One output map of a conv layer: filter m (weights M x C/groups x kh x kw, bias M values or empty)
// on its group's channels of a single image, as a 1 x 1 x oh x ow tensor, run with ctx's method,
// cancel and progress. For showing one map of a large image: computing all M would cost M times
// the work and memory (64 filters on a 12 MP photo: a 3 GB output).
Tensor convolveOneFilter(const Tensor& image, const WindowParams& p, const Tensor& weights,
                         const std::vector<float>& bias, int m, ForwardContext& ctx);

// The reference: out[n][m][y][x] = bias[m] + sum over (c, ki, kj) of w * in, accumulated in double,
// by seven nested loops. `output` must have the conv's output shape.
void convolveDirect(const Tensor& input, const Tensor& weights, const std::vector<float>& bias,
                    const WindowParams& p, Tensor& output);

}  // namespace convscope::core
