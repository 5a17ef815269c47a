// Flatten and Concat.
#include "layers/shape_ops.h"

#include <array>
#include <cstring>

namespace convscope::core {

namespace {
std::array<std::int64_t, 4> dimsOf(const Shape& s) {
    return {s.n, s.c, s.h, s.w};
}
}  // namespace

FlattenLayer::FlattenLayer(std::string name, int axis) : Layer(std::move(name)), m_axis(axis) {
    if (axis < -4 || axis > 4)
        fail(ErrorCategory::InvalidConfig, "axis " + std::to_string(axis) + " is outside -4..4");
}

Shape FlattenLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const auto d = dimsOf(inputs[0]);
    const int axis = m_axis < 0 ? m_axis + 4 : m_axis;
    std::int64_t a = 1, b = 1;
    for (int i = 0; i < 4; ++i) (i < axis ? a : b) *= d[std::size_t(i)];
    if (a > INT32_MAX || b > INT32_MAX)
        fail(ErrorCategory::ShapeMismatch, "flattened size exceeds 2^31 elements");
    return {int(a), int(b), 1, 1};
}

void FlattenLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                           ForwardContext& ctx) const {
    (void)ctx;
    std::memcpy(output.data(), inputs[0]->data(), output.bytes());
}

ConcatLayer::ConcatLayer(std::string name, int axis) : Layer(std::move(name)), m_axis(axis) {
    if (axis < -4 || axis > 3)
        fail(ErrorCategory::InvalidConfig, "axis " + std::to_string(axis) + " is outside -4..3");
}

Shape ConcatLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const int axis = m_axis < 0 ? m_axis + 4 : m_axis;
    auto out = dimsOf(inputs[0]);
    for (std::size_t k = 1; k < inputs.size(); ++k) {
        const auto d = dimsOf(inputs[k]);
        for (int i = 0; i < 4; ++i)
            if (i != axis && d[std::size_t(i)] != out[std::size_t(i)])
                fail(ErrorCategory::ShapeMismatch,
                     "input " + std::to_string(k) + " " + inputs[k].toString() + " differs from " +
                         inputs[0].toString() + " outside the concat axis " + std::to_string(axis));
        out[std::size_t(axis)] += d[std::size_t(axis)];
    }
    return {int(out[0]), int(out[1]), int(out[2]), int(out[3])};
}

void ConcatLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                          ForwardContext& ctx) const {
    (void)ctx;
    const int axis = m_axis < 0 ? m_axis + 4 : m_axis;
    const auto od = dimsOf(output.shape());
    std::int64_t outer = 1, inner = 1;
    for (int i = 0; i < axis; ++i) outer *= od[std::size_t(i)];
    for (int i = axis + 1; i < 4; ++i) inner *= od[std::size_t(i)];
    const std::int64_t outRow = od[std::size_t(axis)] * inner;
    std::int64_t offset = 0;
    for (const Tensor* in : inputs) {
        const std::int64_t row = dimsOf(in->shape())[std::size_t(axis)] * inner;
        for (std::int64_t o = 0; o < outer; ++o)
            std::memcpy(output.data() + o * outRow + offset, in->data() + o * row,
                        std::size_t(row) * sizeof(float));
        offset += row;
    }
}

}  // namespace convscope::core
