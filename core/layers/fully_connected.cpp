// Fully-connected forward: parallel GEMV at batch 1, GEMM above.
#include "layers/fully_connected.h"

#include "base/timing.h"
#include "gemm/gemm.h"

namespace convscope::core {

FullyConnectedLayer::FullyConnectedLayer(std::string name, Tensor weights, std::vector<float> bias)
    : Layer(std::move(name)), m_weights(std::move(weights)), m_bias(std::move(bias)) {
    if (m_weights.count() <= 0)
        fail(ErrorCategory::InvalidConfig,
             "weights " + m_weights.shape().toString() + " are empty");
    if (!m_bias.empty() && int(m_bias.size()) != outputs())
        fail(ErrorCategory::InvalidConfig, "bias has " + std::to_string(m_bias.size()) +
                                               " values for " + std::to_string(outputs()) +
                                               " outputs");
}

Shape FullyConnectedLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    if (inputs[0].perImage() != this->inputs())
        fail(ErrorCategory::ShapeMismatch,
             "input " + inputs[0].toString() + " has " + std::to_string(inputs[0].perImage()) +
                 " values per image but the weights " + m_weights.shape().toString() + " expect " +
                 std::to_string(this->inputs()));
    return Shape{inputs[0].n, outputs(), 1, 1, 1, 1, 2};
}

std::int64_t FullyConnectedLayer::flops(std::span<const Shape> inputs) const {
    return 2 * std::int64_t(outputShape(inputs).n) * outputs() * std::int64_t(this->inputs());
}

std::int64_t FullyConnectedLayer::weightBytes() const {
    return std::int64_t(m_weights.bytes() + m_bias.size() * sizeof(float));
}

GemmShape FullyConnectedLayer::gemmShape(std::span<const Shape> inputs) const {
    return {outputs(), outputShape(inputs).n, this->inputs(), 1};
}

std::string FullyConnectedLayer::describe() const {
    return std::to_string(inputs()) + " -> " + std::to_string(outputs());
}

void FullyConnectedLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                                  ForwardContext& ctx) const {
    const Tensor& in = *inputs[0];
    const int B = in.n(), M = outputs(), K = this->inputs();
    const Stopwatch watch;
    // Batch 1: a GEMV, bound by memory. A small batch: GEMVs sharing each load of W (W still
    // streams once per 8 images). A large one: the GEMM.
    if (B == 1)
        gemv(M, K, m_weights.data(), K, in.data(), output.data());
    else if (B <= kBatchGemvMax)
        batchGemv(B, M, K, in.data(), m_weights.data(), output.data());
    else
        gemmTransB(B, M, K, in.data(), m_weights.data(), output.data());
    ctx.conv.gemmSeconds += watch.seconds();
    if (!m_bias.empty())
        for (int b = 0; b < B; ++b)
            for (int m = 0; m < M; ++m) output.image(b)[m] += m_bias[std::size_t(m)];
}

void fullyConnectedDirect(const Tensor& input, const Tensor& weights,
                          const std::vector<float>& bias, Tensor& output) {
    const std::int64_t K = weights.shape().perImage();
    for (int b = 0; b < input.n(); ++b)
        for (int m = 0; m < weights.n(); ++m) {
            double sum = bias.empty() ? 0.0 : bias[std::size_t(m)];
            for (std::int64_t k = 0; k < K; ++k)
                sum += double(weights.image(m)[k]) * double(input.image(b)[k]);
            output.image(b)[m] = float(sum);
        }
}

}  // namespace convscope::core
