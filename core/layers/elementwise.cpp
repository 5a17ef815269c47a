// Element-wise layers: the functions, and broadcasting by collapsing dimensions into a few strided
// loops (a per-channel scale becomes outer x channel x plane with stride 0 on the plane).
#include "layers/elementwise.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "base/runtime.h"

namespace convscope::core {

const char* toString(UnaryOp op) {
    switch (op) {
        case UnaryOp::Sigmoid: return "Sigmoid";
        case UnaryOp::HardSigmoid: return "HardSigmoid";
        case UnaryOp::HardSwish: return "HardSwish";
        case UnaryOp::Silu: return "SiLU";
        case UnaryOp::Tanh: return "Tanh";
        case UnaryOp::Erf: return "Erf";
        case UnaryOp::Gelu: return "GELU";
        case UnaryOp::Clip: return "Clip";
        case UnaryOp::Elu: return "Elu";
        case UnaryOp::Softplus: return "Softplus";
        case UnaryOp::Exp: return "Exp";
        case UnaryOp::Log: return "Log";
        case UnaryOp::Sqrt: return "Sqrt";
        case UnaryOp::Neg: return "Neg";
        case UnaryOp::Abs: return "Abs";
        case UnaryOp::Reciprocal: return "Reciprocal";
        case UnaryOp::Floor: return "Floor";
        case UnaryOp::Ceil: return "Ceil";
    }
    return "?";
}

const char* toString(BinaryOp op) {
    switch (op) {
        case BinaryOp::Add: return "Add";
        case BinaryOp::Sub: return "Sub";
        case BinaryOp::Mul: return "Mul";
        case BinaryOp::Div: return "Div";
        case BinaryOp::Pow: return "Pow";
        case BinaryOp::Max: return "Max";
        case BinaryOp::Min: return "Min";
        case BinaryOp::PRelu: return "PRelu";
    }
    return "?";
}

UnaryLayer::UnaryLayer(std::string name, UnaryOp op, float alpha, float beta)
    : Layer(std::move(name)), m_op(op), m_alpha(alpha), m_beta(beta) {
    if (op == UnaryOp::Clip && (std::isnan(alpha) || std::isnan(beta) || alpha > beta))
        fail(ErrorCategory::InvalidConfig, "the clip range [" + std::to_string(alpha) + ", " +
                                               std::to_string(beta) + "] is empty");
}

Shape UnaryLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    return inputs[0];
}

std::string UnaryLayer::describe() const {
    switch (m_op) {
        case UnaryOp::Clip:
            if (m_alpha == 0 && m_beta == 6) return "ReLU6";
            return "[" + compactNumber(m_alpha) + ", " + compactNumber(m_beta) + "]";
        case UnaryOp::HardSigmoid: return "alpha " + compactNumber(m_alpha) + " beta " + compactNumber(m_beta);
        case UnaryOp::Elu: return "alpha " + compactNumber(m_alpha);
        default: return {};
    }
}

namespace {
template <class F>
void mapElements(const float* s, float* d, std::int64_t n, F f) {
#pragma omp parallel for schedule(static) if (n > (1 << 16)) num_threads(threadCount())
    for (std::int64_t i = 0; i < n; ++i) d[i] = f(s[i]);
}
}  // namespace

void UnaryLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                         ForwardContext& ctx) const {
    (void)ctx;
    const float* s = inputs[0]->data();
    float* d = output.data();
    const std::int64_t n = output.count();
    const float a = m_alpha, b = m_beta;
    switch (m_op) {
        case UnaryOp::Sigmoid:
            return mapElements(s, d, n, [](float x) { return 1 / (1 + std::exp(-x)); });
        case UnaryOp::HardSigmoid:
            return mapElements(s, d, n,
                               [a, b](float x) { return std::clamp(a * x + b, 0.0f, 1.0f); });
        case UnaryOp::HardSwish:
            return mapElements(
                s, d, n, [](float x) { return x * std::clamp(x / 6 + 0.5f, 0.0f, 1.0f); });
        case UnaryOp::Silu:
            return mapElements(s, d, n, [](float x) { return x / (1 + std::exp(-x)); });
        case UnaryOp::Tanh: return mapElements(s, d, n, [](float x) { return std::tanh(x); });
        case UnaryOp::Erf: return mapElements(s, d, n, [](float x) { return std::erf(x); });
        case UnaryOp::Gelu:
            return mapElements(s, d, n, [](float x) {
                return 0.5f * x * (1 + std::erf(x * 0.70710678118654752f));
            });
        case UnaryOp::Clip:
            // NaN stays NaN (std::max and std::min return their first argument when unordered;
            // std::clamp would return a bound): the NaN check downstream sees it. Written as
            // max then min, the loop vectorises.
            return mapElements(s, d, n, [a, b](float x) { return std::min(std::max(x, a), b); });
        case UnaryOp::Elu:
            return mapElements(s, d, n,
                               [a](float x) { return x < 0 ? a * (std::exp(x) - 1) : x; });
        case UnaryOp::Softplus:
            return mapElements(s, d, n, [](float x) {
                return x > 20 ? x : std::log1p(std::exp(x));  // e^x overflows long before 88
            });
        case UnaryOp::Exp: return mapElements(s, d, n, [](float x) { return std::exp(x); });
        case UnaryOp::Log: return mapElements(s, d, n, [](float x) { return std::log(x); });
        case UnaryOp::Sqrt: return mapElements(s, d, n, [](float x) { return std::sqrt(x); });
        case UnaryOp::Neg: return mapElements(s, d, n, [](float x) { return -x; });
        case UnaryOp::Abs: return mapElements(s, d, n, [](float x) { return std::fabs(x); });
        case UnaryOp::Reciprocal: return mapElements(s, d, n, [](float x) { return 1 / x; });
        case UnaryOp::Floor: return mapElements(s, d, n, [](float x) { return std::floor(x); });
        case UnaryOp::Ceil: return mapElements(s, d, n, [](float x) { return std::ceil(x); });
    }
}

Shape broadcastShapes(const Shape& a, const Shape& b) {
    const int rank = std::max(a.rank, b.rank);
    Shape out = Shape::of({});
    out.rank = rank;
    for (int i = 0; i < rank; ++i) {
        const int ia = i - (rank - a.rank), ib = i - (rank - b.rank);
        const int da = ia >= 0 ? a.dim(ia) : 1, db = ib >= 0 ? b.dim(ib) : 1;
        if (da != db && da != 1 && db != 1)
            throw Error(ErrorCategory::ShapeMismatch,
                        "shapes " + a.toString() + " and " + b.toString() +
                            " do not broadcast: dimension " + std::to_string(i) + " is " +
                            std::to_string(da) + " against " + std::to_string(db));
        out.setDim(i, da == 1 ? db : da);
    }
    return out;
}

namespace {

// The strided loops of one broadcast: dims[0..rank) of the output, and each operand's stride in
// elements per output step (0 where it is broadcast), after merging dimensions that step alike.
struct Broadcast {
    int rank = 0;
    std::array<std::int64_t, Shape::kMaxRank> dims{}, sa{}, sb{};
};

Broadcast plan(const Shape& out, const Shape& a, const Shape& b) {
    Broadcast p;
    auto strides = [&](const Shape& s, std::array<std::int64_t, Shape::kMaxRank>& st) {
        std::int64_t step = 1;
        for (int i = out.rank - 1; i >= 0; --i) {
            const int j = i - (out.rank - s.rank);
            const int d = j >= 0 ? s.dim(j) : 1;
            st[std::size_t(i)] = d == 1 ? 0 : step;
            step *= d;
        }
    };
    std::array<std::int64_t, Shape::kMaxRank> sa{}, sb{};
    strides(a, sa);
    strides(b, sb);
    for (int i = 0; i < out.rank; ++i) {
        const std::int64_t d = out.dim(i);
        if (d == 1) continue;
        if (p.rank > 0) {
            // Dimension i continues the run before it when each operand's run stride is exactly
            // this dimension's extent times its stride (0 = 0 for a broadcast operand).
            const std::size_t k = std::size_t(p.rank - 1);
            if (p.sa[k] == sa[std::size_t(i)] * d && p.sb[k] == sb[std::size_t(i)] * d) {
                p.dims[k] *= d;
                p.sa[k] = sa[std::size_t(i)];
                p.sb[k] = sb[std::size_t(i)];
                continue;
            }
        }
        p.dims[std::size_t(p.rank)] = d;
        p.sa[std::size_t(p.rank)] = sa[std::size_t(i)];
        p.sb[std::size_t(p.rank)] = sb[std::size_t(i)];
        ++p.rank;
    }
    if (p.rank == 0) {
        p.rank = 1;
        p.dims[0] = 1;
        p.sa[0] = p.sb[0] = 0;
    }
    return p;
}

template <class F>
void broadcastApply(const Broadcast& p, const float* a, const float* b, float* y, F f) {
    const int inner = p.rank - 1;
    const std::int64_t len = p.dims[std::size_t(inner)];
    const std::int64_t ia = p.sa[std::size_t(inner)], ib = p.sb[std::size_t(inner)];
    std::int64_t outer = 1;
    for (int i = 0; i < inner; ++i) outer *= p.dims[std::size_t(i)];
#pragma omp parallel for schedule(static) if (outer * len > (1 << 16)) num_threads(threadCount())
    for (std::int64_t o = 0; o < outer; ++o) {
        std::int64_t offA = 0, offB = 0, rest = o;
        for (int i = inner - 1; i >= 0; --i) {
            const std::int64_t d = p.dims[std::size_t(i)];
            const std::int64_t idx = rest % d;
            rest /= d;
            offA += idx * p.sa[std::size_t(i)];
            offB += idx * p.sb[std::size_t(i)];
        }
        const float* pa = a + offA;
        const float* pb = b + offB;
        float* py = y + o * len;
        if (ia == 1 && ib == 1)
            for (std::int64_t x = 0; x < len; ++x) py[x] = f(pa[x], pb[x]);
        else if (ia == 1 && ib == 0)
            for (std::int64_t x = 0; x < len; ++x) py[x] = f(pa[x], pb[0]);
        else if (ia == 0 && ib == 1)
            for (std::int64_t x = 0; x < len; ++x) py[x] = f(pa[0], pb[x]);
        else
            for (std::int64_t x = 0; x < len; ++x) py[x] = f(pa[x * ia], pb[x * ib]);
    }
}

}  // namespace

BinaryLayer::BinaryLayer(std::string name, BinaryOp op) : Layer(std::move(name)), m_op(op) {}

BinaryLayer::BinaryLayer(std::string name, BinaryOp op, Tensor constant, bool constantFirst)
    : Layer(std::move(name)), m_op(op), m_constant(std::move(constant)),
      m_constantFirst(constantFirst) {
    for (float v : m_constant->span())
        if (!std::isfinite(v))
            fail(ErrorCategory::InvalidConfig,
                 "its constant operand " + m_constant->shape().toString() +
                     " holds NaN or infinite values; the model file is corrupt");
}

LayerCategory BinaryLayer::category() const {
    return m_op == BinaryOp::PRelu ? LayerCategory::Activation : LayerCategory::Other;
}

Shape BinaryLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const Shape a = m_constant && m_constantFirst ? m_constant->shape() : inputs[0];
    const Shape b = m_constant ? (m_constantFirst ? inputs[0] : m_constant->shape()) : inputs[1];
    try {
        const Shape out = broadcastShapes(a, b);
        if (m_op == BinaryOp::PRelu && !(out == a))
            fail(ErrorCategory::ShapeMismatch, "the slopes " + b.toString() +
                                                   " are larger than the input " + a.toString());
        return out;
    } catch (const Error& e) {
        if (std::string(e.what()).find(name()) != std::string::npos) throw;
        fail(ErrorCategory::ShapeMismatch, e.what());
    }
}

std::int64_t BinaryLayer::flops(std::span<const Shape> inputs) const {
    return outputShape(inputs).count();
}

std::int64_t BinaryLayer::weightBytes() const {
    return m_constant ? std::int64_t(m_constant->bytes()) : 0;
}

std::string BinaryLayer::describe() const {
    if (!m_constant) return {};
    const Tensor& k = *m_constant;
    if (k.count() == 1) return std::string(m_constantFirst ? "constant " : "") + "by " +
                               compactNumber(k.data()[0]);
    return "constant " + k.shape().toString();
}

void BinaryLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                          ForwardContext& ctx) const {
    (void)ctx;
    const Tensor& a = m_constant && m_constantFirst ? *m_constant : *inputs[0];
    const Tensor& b = m_constant ? (m_constantFirst ? *inputs[0] : *m_constant) : *inputs[1];
    const Broadcast p = plan(output.shape(), a.shape(), b.shape());
    const float* pa = a.data();
    const float* pb = b.data();
    float* y = output.data();
    switch (m_op) {
        case BinaryOp::Add: return broadcastApply(p, pa, pb, y, [](float x, float z) { return x + z; });
        case BinaryOp::Sub: return broadcastApply(p, pa, pb, y, [](float x, float z) { return x - z; });
        case BinaryOp::Mul: return broadcastApply(p, pa, pb, y, [](float x, float z) { return x * z; });
        case BinaryOp::Div: return broadcastApply(p, pa, pb, y, [](float x, float z) { return x / z; });
        case BinaryOp::Pow:
            return broadcastApply(p, pa, pb, y, [](float x, float z) {
                return z == 2 ? x * x : std::pow(x, z);
            });
        case BinaryOp::Max:
            return broadcastApply(p, pa, pb, y, [](float x, float z) { return x < z ? z : x; });
        case BinaryOp::Min:
            return broadcastApply(p, pa, pb, y, [](float x, float z) { return z < x ? z : x; });
        case BinaryOp::PRelu:
            return broadcastApply(p, pa, pb, y, [](float x, float z) { return x < 0 ? x * z : x; });
    }
}

}  // namespace convscope::core
