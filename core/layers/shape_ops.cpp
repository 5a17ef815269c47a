// Flatten and Concat.
#include "layers/shape_ops.h"

#include <array>
#include <cstring>

namespace convscope::core {

namespace {
// An axis of a rank-`rank` shape, negative counting from the end; -1 when outside it.
int normalizedAxis(int axis, int rank, bool endAllowed = false) {
    const int a = axis < 0 ? axis + rank : axis;
    return a >= 0 && (a < rank || (endAllowed && a == rank)) ? a : -1;
}
}  // namespace

FlattenLayer::FlattenLayer(std::string name, int axis) : Layer(std::move(name)), m_axis(axis) {
    if (axis < -Shape::kMaxRank || axis > Shape::kMaxRank)
        fail(ErrorCategory::InvalidConfig, "axis " + std::to_string(axis) + " is outside -6..6");
}

Shape FlattenLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const Shape& in = inputs[0];
    const int axis = normalizedAxis(m_axis, in.rank, true);
    if (axis < 0)
        fail(ErrorCategory::ShapeMismatch,
             "axis " + std::to_string(m_axis) + " is outside the input " + in.toString());
    std::int64_t a = 1, b = 1;
    for (int i = 0; i < in.rank; ++i) (i < axis ? a : b) *= in.dim(i);
    if (a > INT32_MAX || b > INT32_MAX)
        fail(ErrorCategory::ShapeMismatch, "flattened size exceeds 2^31 elements");
    return Shape{int(a), int(b), 1, 1, 1, 1, 2};
}

void FlattenLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                           ForwardContext& ctx) const {
    (void)ctx;
    std::memcpy(output.data(), inputs[0]->data(), output.bytes());
}

ConcatLayer::ConcatLayer(std::string name, int axis) : Layer(std::move(name)), m_axis(axis) {
    if (axis < -Shape::kMaxRank || axis >= Shape::kMaxRank)
        fail(ErrorCategory::InvalidConfig, "axis " + std::to_string(axis) + " is outside -6..5");
}

Shape ConcatLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const int axis = normalizedAxis(m_axis, inputs[0].rank);
    if (axis < 0)
        fail(ErrorCategory::ShapeMismatch,
             "axis " + std::to_string(m_axis) + " is outside the input " + inputs[0].toString());
    Shape out = inputs[0];
    for (std::size_t k = 1; k < inputs.size(); ++k) {
        const Shape& d = inputs[k];
        bool same = d.rank == out.rank;
        for (int i = 0; i < Shape::kMaxRank; ++i)
            if (i != axis && d.dim(i) != out.dim(i)) same = false;
        if (!same)
            fail(ErrorCategory::ShapeMismatch,
                 "input " + std::to_string(k) + " " + inputs[k].toString() + " differs from " +
                     inputs[0].toString() + " outside the concat axis " + std::to_string(axis));
        out.setDim(axis, out.dim(axis) + d.dim(axis));
    }
    return out;
}

void ConcatLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                          ForwardContext& ctx) const {
    (void)ctx;
    const Shape& od = output.shape();
    const int axis = normalizedAxis(m_axis, od.rank);
    std::int64_t outer = 1, inner = 1;
    for (int i = 0; i < axis; ++i) outer *= od.dim(i);
    for (int i = axis + 1; i < Shape::kMaxRank; ++i) inner *= od.dim(i);
    const std::int64_t outRow = od.dim(axis) * inner;
    std::int64_t offset = 0;
    for (const Tensor* in : inputs) {
        const std::int64_t row = in->shape().dim(axis) * inner;
        for (std::int64_t o = 0; o < outer; ++o)
            std::memcpy(output.data() + o * outRow + offset, in->data() + o * row,
                        std::size_t(row) * sizeof(float));
        offset += row;
    }
}

}  // namespace convscope::core
