// Reshape, Transpose, Slice, Gather, Pad and Reduce: index loops over row-major tensors.
#include "layers/tensor_ops.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

namespace convscope::core {

namespace {

using Dims = std::array<std::int64_t, Shape::kMaxRank>;

Dims stridesOf(const Shape& s) {
    Dims st{};
    std::int64_t step = 1;
    for (int i = s.rank - 1; i >= 0; --i) {
        st[std::size_t(i)] = step;
        step *= s.dim(i);
    }
    return st;
}

std::string list(const std::vector<std::int64_t>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) s += ", ";
        s += v[i] == ReshapeLayer::kBatch ? std::string("N") : std::to_string(v[i]);
    }
    return s + "]";
}

// Calls f(index, outOffset) over every element of `shape` in row-major order.
template <class F>
void forEachIndex(const Shape& shape, F f) {
    const std::int64_t total = shape.count();
    Dims idx{};
    for (std::int64_t o = 0; o < total; ++o) {
        f(idx, o);
        for (int i = shape.rank - 1; i >= 0; --i) {
            if (++idx[std::size_t(i)] < shape.dim(i)) break;
            idx[std::size_t(i)] = 0;
        }
    }
}

int axisIn(std::int64_t axis, int rank) {
    return int(axis < 0 ? axis + rank : axis);
}

}  // namespace

// ---- Reshape -------------------------------------------------------------------------------------

ReshapeLayer::ReshapeLayer(std::string name, Kind kind, std::vector<std::int64_t> dims)
    : Layer(std::move(name)), m_kind(kind), m_dims(std::move(dims)) {
    if (kind == Kind::Reshape) {
        if (std::count(m_dims.begin(), m_dims.end(), -1) > 1)
            fail(ErrorCategory::InvalidConfig, "the target " + list(m_dims) + " has more than one -1");
        for (std::int64_t d : m_dims)
            if (d < -1 && d != kBatch)
                fail(ErrorCategory::InvalidConfig,
                     "the target " + list(m_dims) + " has a negative dimension other than -1");
    }
}

const char* ReshapeLayer::type() const {
    switch (m_kind) {
        case Kind::Reshape: return "Reshape";
        case Kind::Squeeze: return "Squeeze";
        case Kind::Unsqueeze: return "Unsqueeze";
        case Kind::Identity: return "Identity";
    }
    return "Reshape";
}

std::string ReshapeLayer::describe() const {
    if (m_kind == Kind::Identity) return {};
    return (m_kind == Kind::Reshape ? "to " : "axes ") + list(m_dims);
}

Shape ReshapeLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const Shape& in = inputs[0];
    std::vector<std::int64_t> out;
    const std::vector<std::int64_t> d = in.dims();
    if (m_kind == Kind::Identity) return in;
    if (m_kind == Kind::Reshape) {
        int infer = -1;
        std::int64_t known = 1;
        for (std::size_t i = 0; i < m_dims.size(); ++i) {
            std::int64_t v = m_dims[i];
            if (v == kBatch) v = in.rank > 0 ? in.dim(0) : 1;
            if (v == 0) {
                if (int(i) >= in.rank)
                    fail(ErrorCategory::ShapeMismatch, "the target " + list(m_dims) +
                                                           " copies dimension " + std::to_string(i) +
                                                           " of the input " + in.toString() +
                                                           ", which has none");
                v = in.dim(int(i));
            }
            if (v == -1) {
                infer = int(i);
            } else {
                // Overflow-safe: a target of more values than the input holds never matches it.
                if (v < 0 || (v > 0 && in.count() > 0 && known > in.count() / v))
                    fail(ErrorCategory::ShapeMismatch,
                         "cannot reshape " + in.toString() + " (" + std::to_string(in.count()) +
                             " elements) to " + list(m_dims) +
                             (v < 0 ? ": a dimension below -1" : ": it holds more elements"));
                known *= v;
            }
            out.push_back(v);
        }
        if (infer >= 0) {
            if (known == 0 || in.count() % known)
                fail(ErrorCategory::ShapeMismatch, "cannot reshape " + in.toString() + " to " +
                                                       list(m_dims) + ": " +
                                                       std::to_string(in.count()) +
                                                       " elements do not divide");
            out[std::size_t(infer)] = in.count() / known;
        }
    } else if (m_kind == Kind::Squeeze) {
        std::vector<bool> drop(d.size(), false);
        if (m_dims.empty())
            for (std::size_t i = 0; i < d.size(); ++i) drop[i] = d[i] == 1;
        for (std::int64_t a : m_dims) {
            const int ax = axisIn(a, in.rank);
            if (ax < 0 || ax >= in.rank || d[std::size_t(ax)] != 1)
                fail(ErrorCategory::ShapeMismatch, "cannot squeeze axis " + std::to_string(a) +
                                                       " of " + in.toString() +
                                                       ": it is not a dimension of size 1");
            drop[std::size_t(ax)] = true;
        }
        for (std::size_t i = 0; i < d.size(); ++i)
            if (!drop[i]) out.push_back(d[i]);
    } else {
        const int rank = in.rank + int(m_dims.size());
        std::vector<bool> added(std::size_t(std::max(rank, 0)), false);
        for (std::int64_t a : m_dims) {
            const int ax = axisIn(a, rank);
            if (ax < 0 || ax >= rank || added[std::size_t(ax)])
                fail(ErrorCategory::ShapeMismatch, "cannot unsqueeze axes " + list(m_dims) +
                                                       " of " + in.toString());
            added[std::size_t(ax)] = true;
        }
        std::size_t next = 0;
        for (int i = 0; i < rank; ++i) out.push_back(added[std::size_t(i)] ? 1 : d[next++]);
    }
    Shape s;
    try {
        s = Shape::of(out);
    } catch (const Error& e) {
        fail(ErrorCategory::ShapeMismatch, e.what());
    }
    if (s.count() != in.count())
        fail(ErrorCategory::ShapeMismatch, "cannot reshape " + in.toString() + " (" +
                                               std::to_string(in.count()) + " elements) to " +
                                               s.toString());
    return s;
}

void ReshapeLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                           ForwardContext& ctx) const {
    (void)ctx;
    std::memcpy(output.data(), inputs[0]->data(), output.bytes());
}

// ---- Constant ----------------------------------------------------------------------------------

Shape ConstantLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    return m_value.shape();
}

void ConstantLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                            ForwardContext& ctx) const {
    (void)inputs;
    (void)ctx;
    std::memcpy(output.data(), m_value.data(), output.bytes());
}

// ---- Transpose -----------------------------------------------------------------------------------

TransposeLayer::TransposeLayer(std::string name, std::vector<int> perm)
    : Layer(std::move(name)), m_perm(std::move(perm)) {
    std::vector<int> sorted = m_perm;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i)
        if (sorted[i] != int(i))
            fail(ErrorCategory::InvalidConfig, "perm is not a permutation of 0.." +
                                                   std::to_string(m_perm.size() - 1));
}

std::string TransposeLayer::describe() const {
    std::string s = "perm [";
    for (std::size_t i = 0; i < m_perm.size(); ++i) s += (i ? ", " : "") + std::to_string(m_perm[i]);
    return s + "]";
}

Shape TransposeLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const Shape& in = inputs[0];
    if (!m_perm.empty() && int(m_perm.size()) != in.rank)
        fail(ErrorCategory::ShapeMismatch, "perm of " + std::to_string(m_perm.size()) +
                                               " axes for the input " + in.toString());
    Shape out = in;
    for (int i = 0; i < in.rank; ++i)
        out.setDim(i, in.dim(m_perm.empty() ? in.rank - 1 - i : m_perm[std::size_t(i)]));
    return out;
}

void TransposeLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                             ForwardContext& ctx) const {
    (void)ctx;
    const Shape& in = inputs[0]->shape();
    const Dims ist = stridesOf(in);
    Dims st{};  // input stride per output dimension
    for (int i = 0; i < in.rank; ++i)
        st[std::size_t(i)] =
            ist[std::size_t(m_perm.empty() ? in.rank - 1 - i : m_perm[std::size_t(i)])];
    const float* src = inputs[0]->data();
    float* dst = output.data();
    forEachIndex(output.shape(), [&](const Dims& idx, std::int64_t o) {
        std::int64_t off = 0;
        for (int i = 0; i < in.rank; ++i) off += idx[std::size_t(i)] * st[std::size_t(i)];
        dst[o] = src[off];
    });
}

// ---- Slice ---------------------------------------------------------------------------------------

SliceLayer::SliceLayer(std::string name, std::vector<std::int64_t> starts,
                       std::vector<std::int64_t> ends, std::vector<std::int64_t> axes,
                       std::vector<std::int64_t> steps)
    : Layer(std::move(name)), m_starts(std::move(starts)), m_ends(std::move(ends)),
      m_axes(std::move(axes)), m_steps(std::move(steps)) {
    if (m_axes.empty())
        for (std::size_t i = 0; i < m_starts.size(); ++i) m_axes.push_back(std::int64_t(i));
    if (m_steps.empty()) m_steps.assign(m_starts.size(), 1);
    if (m_ends.size() != m_starts.size() || m_axes.size() != m_starts.size() ||
        m_steps.size() != m_starts.size())
        fail(ErrorCategory::InvalidConfig, "starts, ends, axes and steps differ in length");
    for (std::int64_t s : m_steps)
        if (s == 0) fail(ErrorCategory::InvalidConfig, "a step of 0");
}

std::vector<SliceLayer::Range> SliceLayer::ranges(const Shape& in) const {
    std::vector<Range> r(std::size_t(in.rank));
    for (int i = 0; i < in.rank; ++i) r[std::size_t(i)] = {0, 1, in.dim(i)};
    for (std::size_t k = 0; k < m_axes.size(); ++k) {
        const int ax = axisIn(m_axes[k], in.rank);
        if (ax < 0 || ax >= in.rank)
            fail(ErrorCategory::ShapeMismatch, "axis " + std::to_string(m_axes[k]) +
                                                   " is outside the input " + in.toString());
        const std::int64_t dim = in.dim(ax), step = m_steps[k];
        // Negative values count from the end; then clamp as ONNX does: start and end to
        // [0, dim] going forward; start to [0, dim - 1] and end to [-1, dim - 1] going backward.
        auto norm = [&](std::int64_t v, std::int64_t lo, std::int64_t hi) {
            v = std::max(v, -INT64_MAX);  // v + dim must not overflow
            if (v < 0) v += dim;
            return std::clamp(v, lo, hi);
        };
        const std::int64_t start = step > 0 ? norm(m_starts[k], 0, dim) : norm(m_starts[k], 0, dim - 1);
        const std::int64_t end = step > 0 ? norm(m_ends[k], 0, dim) : norm(m_ends[k], -1, dim - 1);
        std::int64_t count = step > 0 ? (end - start + step - 1) / step
                                      : (start - end + (-step) - 1) / (-step);
        r[std::size_t(ax)] = {start, step, std::max<std::int64_t>(count, 0)};
    }
    return r;
}

std::string SliceLayer::describe() const {
    return "starts " + list(m_starts) + " ends " + list(m_ends) + " axes " + list(m_axes);
}

Shape SliceLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    Shape out = inputs[0];
    const std::vector<Range> r = ranges(inputs[0]);
    for (int i = 0; i < out.rank; ++i) out.setDim(i, int(r[std::size_t(i)].count));
    return out;
}

void SliceLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                         ForwardContext& ctx) const {
    (void)ctx;
    const Shape& in = inputs[0]->shape();
    const std::vector<Range> r = ranges(in);
    const Dims st = stridesOf(in);
    std::int64_t base = 0;
    Dims step{};
    for (int i = 0; i < in.rank; ++i) {
        base += r[std::size_t(i)].start * st[std::size_t(i)];
        step[std::size_t(i)] = r[std::size_t(i)].step * st[std::size_t(i)];
    }
    const float* src = inputs[0]->data();
    float* dst = output.data();
    forEachIndex(output.shape(), [&](const Dims& idx, std::int64_t o) {
        std::int64_t off = base;
        for (int i = 0; i < in.rank; ++i) off += idx[std::size_t(i)] * step[std::size_t(i)];
        dst[o] = src[off];
    });
}

// ---- Gather --------------------------------------------------------------------------------------

GatherLayer::GatherLayer(std::string name, int axis, std::vector<std::int64_t> indices,
                         std::vector<std::int64_t> indicesShape)
    : Layer(std::move(name)), m_axis(axis), m_indices(std::move(indices)),
      m_indicesShape(std::move(indicesShape)) {}

Shape GatherLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const Shape& in = inputs[0];
    const int ax = axisIn(m_axis, in.rank);
    if (ax < 0 || ax >= in.rank)
        fail(ErrorCategory::ShapeMismatch,
             "axis " + std::to_string(m_axis) + " is outside the input " + in.toString());
    for (std::int64_t i : m_indices)
        if (i < -in.dim(ax) || i >= in.dim(ax))
            fail(ErrorCategory::ShapeMismatch, "index " + std::to_string(i) + " is outside axis " +
                                                   std::to_string(ax) + " of " + in.toString());
    std::vector<std::int64_t> d = in.dims(), out(d.begin(), d.begin() + ax);
    out.insert(out.end(), m_indicesShape.begin(), m_indicesShape.end());
    out.insert(out.end(), d.begin() + ax + 1, d.end());
    try {
        return Shape::of(out);
    } catch (const Error& e) {
        fail(ErrorCategory::ShapeMismatch, e.what());
    }
}

void GatherLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                          ForwardContext& ctx) const {
    (void)ctx;
    const Shape& in = inputs[0]->shape();
    const int ax = axisIn(m_axis, in.rank);
    std::int64_t outer = 1, inner = 1;
    for (int i = 0; i < ax; ++i) outer *= in.dim(i);
    for (int i = ax + 1; i < in.rank; ++i) inner *= in.dim(i);
    const std::int64_t dim = in.dim(ax);
    const float* src = inputs[0]->data();
    float* dst = output.data();
    for (std::int64_t o = 0; o < outer; ++o)
        for (std::int64_t idx : m_indices) {
            const std::int64_t k = idx < 0 ? idx + dim : idx;
            std::memcpy(dst, src + (o * dim + k) * inner, std::size_t(inner) * sizeof(float));
            dst += inner;
        }
}

// ---- Pad -----------------------------------------------------------------------------------------

PadLayer::PadLayer(std::string name, PadMode mode, std::vector<std::int64_t> pads, float value)
    : Layer(std::move(name)), m_mode(mode), m_pads(std::move(pads)), m_value(value) {
    if (m_pads.size() % 2)
        fail(ErrorCategory::InvalidConfig,
             "pads has " + std::to_string(m_pads.size()) + " values; it needs a begin and an end "
                                                           "per dimension");
}

std::string PadLayer::describe() const {
    const char* mode = m_mode == PadMode::Constant ? "constant"
                       : m_mode == PadMode::Reflect ? "reflect"
                                                    : "edge";
    return std::string(mode) + " " + list(m_pads);
}

Shape PadLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const Shape& in = inputs[0];
    if (int(m_pads.size()) != 2 * in.rank)
        fail(ErrorCategory::ShapeMismatch, "pads " + list(m_pads) + " do not fit the input " +
                                               in.toString() + " (2 per dimension)");
    Shape out = in;
    for (int i = 0; i < in.rank; ++i) {
        const std::int64_t b = m_pads[std::size_t(i)], e = m_pads[std::size_t(i + in.rank)];
        const std::int64_t d = in.dim(i) + b + e;
        if (d < 0 || d > INT32_MAX)
            fail(ErrorCategory::ShapeMismatch, "pads " + list(m_pads) + " crop the input " +
                                                   in.toString() + " below nothing");
        if (m_mode == PadMode::Reflect && (b >= in.dim(i) || e >= in.dim(i)) && (b > 0 || e > 0))
            fail(ErrorCategory::ShapeMismatch,
                 "reflect padding " + std::to_string(std::max(b, e)) + " on dimension " +
                     std::to_string(i) + " of " + in.toString() + " needs a pad smaller than " +
                     std::to_string(in.dim(i)));
        if (m_mode != PadMode::Constant && in.dim(i) == 0 && d > 0)
            fail(ErrorCategory::ShapeMismatch, "edge or reflect padding of an empty dimension");
        out.setDim(i, int(d));
    }
    return out;
}

void PadLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                       ForwardContext& ctx) const {
    (void)ctx;
    const Shape& in = inputs[0]->shape();
    const Dims st = stridesOf(in);
    const float* src = inputs[0]->data();
    float* dst = output.data();
    forEachIndex(output.shape(), [&](const Dims& idx, std::int64_t o) {
        std::int64_t off = 0;
        for (int i = 0; i < in.rank; ++i) {
            const std::int64_t d = in.dim(i);
            std::int64_t k = idx[std::size_t(i)] - m_pads[std::size_t(i)];
            if (k < 0 || k >= d) {
                if (m_mode == PadMode::Constant) {
                    dst[o] = m_value;
                    return;
                }
                if (m_mode == PadMode::Edge) {
                    k = std::clamp<std::int64_t>(k, 0, d - 1);
                } else {
                    const std::int64_t period = std::max<std::int64_t>(2 * (d - 1), 1);
                    k = ((k % period) + period) % period;
                    if (k >= d) k = period - k;
                }
            }
            off += k * st[std::size_t(i)];
        }
        dst[o] = src[off];
    });
}

// ---- Reduce --------------------------------------------------------------------------------------

ReduceLayer::ReduceLayer(std::string name, ReduceOp op, std::vector<std::int64_t> axes,
                         bool keepDims)
    : Layer(std::move(name)), m_op(op), m_axes(std::move(axes)), m_keepDims(keepDims) {}

const char* ReduceLayer::type() const {
    switch (m_op) {
        case ReduceOp::Mean: return "ReduceMean";
        case ReduceOp::Sum: return "ReduceSum";
        case ReduceOp::Max: return "ReduceMax";
        case ReduceOp::Min: return "ReduceMin";
        case ReduceOp::SumSquare: return "ReduceSumSquare";
        case ReduceOp::L2: return "ReduceL2";
    }
    return "Reduce";
}

std::string ReduceLayer::describe() const {
    return "axes " + (m_axes.empty() ? std::string("all") : list(m_axes)) +
           (m_keepDims ? " keepdims" : "");
}

std::vector<bool> ReduceLayer::reduced(int rank) const {
    std::vector<bool> r(std::size_t(rank), m_axes.empty());
    for (std::int64_t a : m_axes) {
        const int ax = axisIn(a, rank);
        if (ax < 0 || ax >= rank)
            fail(ErrorCategory::ShapeMismatch, "axis " + std::to_string(a) + " is outside rank " +
                                                   std::to_string(rank));
        r[std::size_t(ax)] = true;
    }
    return r;
}

Shape ReduceLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const Shape& in = inputs[0];
    const std::vector<bool> r = reduced(in.rank);
    std::vector<std::int64_t> out;
    for (int i = 0; i < in.rank; ++i) {
        if (!r[std::size_t(i)]) out.push_back(in.dim(i));
        else if (m_keepDims) out.push_back(1);
        if (r[std::size_t(i)] && in.dim(i) == 0 && (m_op == ReduceOp::Max || m_op == ReduceOp::Min))
            fail(ErrorCategory::ShapeMismatch, "the maximum of an empty axis of " + in.toString());
    }
    return Shape::of(out);
}

void ReduceLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                          ForwardContext& ctx) const {
    (void)ctx;
    const Shape& in = inputs[0]->shape();
    const std::vector<bool> r = reduced(in.rank);
    // The output's stride for each input dimension (0 where reduced).
    Dims ost{};
    std::int64_t step = 1, per = 1;
    for (int i = in.rank - 1; i >= 0; --i) {
        if (r[std::size_t(i)]) {
            per *= in.dim(i);
            continue;
        }
        ost[std::size_t(i)] = step;
        step *= in.dim(i);
    }
    const bool extremum = m_op == ReduceOp::Max || m_op == ReduceOp::Min;
    std::vector<double> acc(std::size_t(output.count()),
                            m_op == ReduceOp::Max   ? -std::numeric_limits<double>::infinity()
                            : m_op == ReduceOp::Min ? std::numeric_limits<double>::infinity()
                                                    : 0.0);
    const float* src = inputs[0]->data();
    forEachIndex(in, [&](const Dims& idx, std::int64_t o) {
        std::int64_t off = 0;
        for (int i = 0; i < in.rank; ++i) off += idx[std::size_t(i)] * ost[std::size_t(i)];
        const double v = src[o];
        double& a = acc[std::size_t(off)];
        if (m_op == ReduceOp::Max) a = std::max(a, v);
        else if (m_op == ReduceOp::Min) a = std::min(a, v);
        else if (m_op == ReduceOp::SumSquare || m_op == ReduceOp::L2) a += v * v;
        else a += v;
    });
    float* dst = output.data();
    for (std::size_t i = 0; i < acc.size(); ++i) {
        double v = acc[i];
        if (m_op == ReduceOp::Mean) v /= double(per);
        if (m_op == ReduceOp::L2) v = std::sqrt(v);
        dst[i] = float(extremum || per ? v : 0.0);
    }
}

}  // namespace convscope::core
