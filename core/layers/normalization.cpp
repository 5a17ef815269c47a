// LRN, BatchNorm and LayerNorm forward.
#include "layers/normalization.h"
#include "base/runtime.h"

#include <algorithm>
#include <cmath>

namespace convscope::core {

LrnLayer::LrnLayer(std::string name, int size, float alpha, float beta, float k)
    : Layer(std::move(name)), m_size(size), m_alpha(alpha), m_beta(beta), m_k(k) {
    if (size <= 0 || size % 2 == 0)
        fail(ErrorCategory::InvalidConfig,
             "local size " + std::to_string(size) + " must be a positive odd number (e.g. 5)");
    if (!(k > 0) && !(alpha > 0))
        fail(ErrorCategory::InvalidConfig, "k and alpha must not both be zero (division by zero)");
}

Shape LrnLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    return inputs[0];
}

std::int64_t LrnLayer::flops(std::span<const Shape> inputs) const {
    return inputs[0].count() * (2 * m_size + 3);
}

std::string LrnLayer::describe() const {
    return "size " + std::to_string(m_size) + " alpha " + std::to_string(m_alpha) + " beta " +
           std::to_string(m_beta);
}

void LrnLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                       ForwardContext& ctx) const {
    (void)ctx;
    const Tensor& in = *inputs[0];
    const int C = in.c();
    const std::int64_t plane = in.shape().plane();
    const int half = m_size / 2;
    const float alphaOverSize = m_alpha / float(m_size);
    const int B = in.n();
    // Parallel over (image, row of pixels): each pixel's channel window is independent.
    const std::int64_t chunk = 256;
    const std::int64_t chunks = (plane + chunk - 1) / chunk;
#pragma omp parallel for schedule(static) num_threads(threadCount())
    for (std::int64_t job = 0; job < B * chunks; ++job) {
        const int b = int(job / chunks);
        const std::int64_t p0 = (job % chunks) * chunk, p1 = std::min(plane, p0 + chunk);
        const float* src = in.image(b);
        float* dst = output.image(b);
        float squares[256];
        for (int c = 0; c < C; ++c) {
            const int c0 = std::max(0, c - half), c1 = std::min(C - 1, c + half);
            std::fill_n(squares, p1 - p0, 0.0f);
            for (int cc = c0; cc <= c1; ++cc) {
                const float* s = src + cc * plane;
                for (std::int64_t i = p0; i < p1; ++i) squares[i - p0] += s[i] * s[i];
            }
            const float* s = src + c * plane;
            float* d = dst + c * plane;
            if (m_beta == 0.75f) {
                // x^-0.75 = 1/sqrt(x*sqrt(x)): vectorises, unlike pow (AlexNet's LRN 4x faster).
                for (std::int64_t i = p0; i < p1; ++i) {
                    const float x = m_k + alphaOverSize * squares[i - p0];
                    d[i] = s[i] / std::sqrt(x * std::sqrt(x));
                }
            } else {
                for (std::int64_t i = p0; i < p1; ++i)
                    d[i] = s[i] * std::pow(m_k + alphaOverSize * squares[i - p0], -m_beta);
            }
        }
    }
}

ScaleLayer::ScaleLayer(std::string name, std::vector<float> scale, std::vector<float> shift)
    : Layer(std::move(name)) {
    const std::size_t C = std::max(scale.size(), shift.size());
    if (C == 0 || (!scale.empty() && scale.size() != C) || (!shift.empty() && shift.size() != C))
        fail(ErrorCategory::InvalidConfig, "scale and shift must have one value per channel (got " +
                                               std::to_string(scale.size()) + " and " +
                                               std::to_string(shift.size()) + ")");
    m_scale = scale.empty() ? std::vector<float>(C, 1.0f) : std::move(scale);
    m_shift = shift.empty() ? std::vector<float>(C, 0.0f) : std::move(shift);
}

ScaleLayer::ScaleLayer(std::string name, Folded folded)
    : Layer(std::move(name)), m_scale(std::move(folded.scale)), m_shift(std::move(folded.shift)) {}

Shape ScaleLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    if (inputs[0].c != channels())
        fail(ErrorCategory::ShapeMismatch, "input " + inputs[0].toString() + " has " +
                                               std::to_string(inputs[0].c) +
                                               " channels, expected " + std::to_string(channels()));
    return inputs[0];
}

std::int64_t ScaleLayer::flops(std::span<const Shape> inputs) const {
    return 2 * inputs[0].count();
}

std::int64_t ScaleLayer::weightBytes() const {
    return std::int64_t(2 * m_scale.size() * sizeof(float));
}

void ScaleLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                         ForwardContext& ctx) const {
    (void)ctx;
    const Tensor& in = *inputs[0];
    const int C = in.c();
    const std::int64_t plane = in.shape().plane();
    const int rows = in.n() * C;
#pragma omp parallel for schedule(static) num_threads(threadCount())
    for (int r = 0; r < rows; ++r) {
        const float a = m_scale[std::size_t(r % C)], b = m_shift[std::size_t(r % C)];
        const float* s = in.data() + r * plane;
        float* d = output.data() + r * plane;
        for (std::int64_t i = 0; i < plane; ++i) d[i] = a * s[i] + b;
    }
}

BatchNormLayer::BatchNormLayer(std::string name, std::vector<float> mean,
                               std::vector<float> variance, std::vector<float> scale,
                               std::vector<float> shift, float epsilon)
    : ScaleLayer(name, fold(name, mean, variance, scale, shift, epsilon)) {}

ScaleLayer::Folded BatchNormLayer::fold(const std::string& name, const std::vector<float>& mean,
                                        const std::vector<float>& variance,
                                        const std::vector<float>& scale,
                                        const std::vector<float>& shift, float epsilon) {
    auto fail = [&name](const std::string& what) {
        throw Error(ErrorCategory::InvalidConfig, "BatchNorm layer '" + name + "': " + what);
    };
    const std::size_t C = mean.size();
    if (C == 0 || variance.size() != C || (!scale.empty() && scale.size() != C) ||
        (!shift.empty() && shift.size() != C))
        fail("mean, variance, scale and shift must have one value per channel (got " +
             std::to_string(mean.size()) + ", " + std::to_string(variance.size()) + ", " +
             std::to_string(scale.size()) + ", " + std::to_string(shift.size()) + ")");
    Folded f;
    f.scale.resize(C);
    f.shift.resize(C);
    for (std::size_t c = 0; c < C; ++c) {
        if (!(variance[c] + epsilon > 0))
            fail("variance + epsilon of channel " + std::to_string(c) + " is not positive");
        const double inv = 1.0 / std::sqrt(double(variance[c]) + epsilon);
        const double s = scale.empty() ? 1.0 : scale[c];
        f.scale[c] = float(s * inv);
        f.shift[c] = float((shift.empty() ? 0.0 : shift[c]) - s * inv * mean[c]);
    }
    return f;
}

LayerNormLayer::LayerNormLayer(std::string name, int axis, float epsilon, std::vector<float> scale,
                               std::vector<float> bias, Output output)
    : Layer(std::move(name)), m_axis(axis), m_epsilon(epsilon), m_scale(std::move(scale)),
      m_bias(std::move(bias)), m_output(output) {
    if (!(epsilon >= 0) || !std::isfinite(epsilon))
        fail(ErrorCategory::InvalidConfig, "epsilon " + std::to_string(epsilon) + " is not >= 0");
    for (const auto* v : {&m_scale, &m_bias})
        for (float x : *v)
            if (!std::isfinite(x))
                fail(ErrorCategory::InvalidConfig,
                     "its scale or bias holds NaN or infinite values; the model file is corrupt");
}

int LayerNormLayer::axisFor(const Shape& in) const {
    const int axis = m_axis < 0 ? m_axis + in.rank : m_axis;
    if (axis < 0 || axis >= in.rank)
        fail(ErrorCategory::ShapeMismatch,
             "axis " + std::to_string(m_axis) + " is outside the input " + in.toString());
    return axis;
}

Shape LayerNormLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const Shape& in = inputs[0];
    std::int64_t len = 1;
    for (int i = axisFor(in); i < in.rank; ++i) len *= in.dim(i);
    for (const auto* v : {&m_scale, &m_bias})
        if (!v->empty() && std::int64_t(v->size()) != len)
            fail(ErrorCategory::ShapeMismatch,
                 "its scale or bias has " + std::to_string(v->size()) +
                     " values but it normalises " + std::to_string(len) + " per row of " +
                     in.toString());
    if (m_output == Output::Normalized) return in;
    Shape out = in;
    for (int i = axisFor(in); i < in.rank; ++i) out.setDim(i, 1);
    return out;
}

std::string LayerNormLayer::describe() const {
    const char* what = m_output == Output::Mean        ? " (its mean)"
                       : m_output == Output::InvStdDev ? " (its 1/deviation)"
                                                       : "";
    return "axis " + std::to_string(m_axis) + what;
}

void LayerNormLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                             ForwardContext& ctx) const {
    (void)ctx;
    const Shape& in = inputs[0]->shape();
    std::int64_t len = 1;
    for (int i = axisFor(in); i < in.rank; ++i) len *= in.dim(i);
    const std::int64_t rows = len ? in.count() / len : 0;
    const float* src = inputs[0]->data();
    float* dst = output.data();
#pragma omp parallel for schedule(static) if (rows * len > (1 << 16)) num_threads(threadCount())
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* x = src + r * len;
        float* y = dst + (m_output == Output::Normalized ? r * len : 0);
        double mean = 0, var = 0;
        for (std::int64_t i = 0; i < len; ++i) mean += x[i];
        mean /= double(len);
        for (std::int64_t i = 0; i < len; ++i) var += (x[i] - mean) * (x[i] - mean);
        var /= double(len);
        const float inv = float(1 / std::sqrt(var + m_epsilon));
        if (m_output != Output::Normalized) {
            dst[r] = m_output == Output::Mean ? float(mean) : inv;
            continue;
        }
        for (std::int64_t i = 0; i < len; ++i) {
            float v = float(x[i] - mean) * inv;
            if (!m_scale.empty()) v *= m_scale[std::size_t(i)];
            if (!m_bias.empty()) v += m_bias[std::size_t(i)];
            y[i] = v;
        }
    }
}

}  // namespace convscope::core
