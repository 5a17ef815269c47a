// MatMul: one GEMM over all rows when b is a shared matrix, else one per broadcast batch.
#include "layers/matmul.h"

#include <algorithm>
#include <cmath>

#include "gemm/gemm.h"
#include "layers/elementwise.h"

namespace convscope::core {

namespace {
// A rank-1 operand is a vector: promoted to 1 x K (a) or K x 1 (b), the added 1 removed after.
Shape promote(const Shape& s, bool isA) {
    if (s.rank != 1) return s;
    const std::int64_t d = s.dim(0);
    return isA ? Shape::of(std::vector<std::int64_t>{1, d})
               : Shape::of(std::vector<std::int64_t>{d, 1});
}
Shape batchPart(const Shape& s) {  // all but the last two dimensions
    std::vector<std::int64_t> d = s.dims();
    d.resize(d.size() - 2);
    return Shape::of(d);
}
}  // namespace

MatMulLayer::MatMulLayer(std::string name) : Layer(std::move(name)) {}

MatMulLayer::MatMulLayer(std::string name, Tensor weights)
    : Layer(std::move(name)), m_weights(std::move(weights)) {
    if (m_weights->shape().rank < 1)
        fail(ErrorCategory::InvalidConfig, "the weights are a scalar; MatMul needs a matrix");
    for (float v : m_weights->span())
        if (!std::isfinite(v))
            fail(ErrorCategory::InvalidConfig,
                 "its weights hold NaN or infinite values; the model file is corrupt");
}

MatMulLayer::Plan MatMulLayer::plan(const Shape& a0, const Shape& b0) const {
    if (a0.rank < 1 || b0.rank < 1)
        fail(ErrorCategory::ShapeMismatch, "MatMul of a scalar (" + a0.toString() + " by " +
                                               b0.toString() + ")");
    const Shape a = promote(a0, true), b = promote(b0, false);
    Plan p;
    p.M = a.dim(a.rank - 2);
    p.K = a.dim(a.rank - 1);
    p.N = b.dim(b.rank - 1);
    if (b.dim(b.rank - 2) != p.K)
        fail(ErrorCategory::ShapeMismatch, "a " + a0.toString() + " has " + std::to_string(p.K) +
                                               " columns but b " + b0.toString() + " has " +
                                               std::to_string(b.dim(b.rank - 2)) + " rows");
    Shape batch;
    try {
        batch = broadcastShapes(batchPart(a), batchPart(b));
    } catch (const Error& e) {
        fail(ErrorCategory::ShapeMismatch, e.what());
    }
    p.batches = batch.count();
    p.sharedB = batchPart(b).count() == 1;
    std::vector<std::int64_t> out = batch.dims();
    if (a0.rank > 1) out.push_back(p.M);
    if (b0.rank > 1) out.push_back(p.N);
    p.out = Shape::of(out);
    return p;
}

Shape MatMulLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    return plan(inputs[0], m_weights ? m_weights->shape() : inputs[1]).out;
}

std::int64_t MatMulLayer::flops(std::span<const Shape> inputs) const {
    const Plan p = plan(inputs[0], m_weights ? m_weights->shape() : inputs[1]);
    return 2 * p.batches * std::int64_t(p.M) * p.N * p.K;
}

std::int64_t MatMulLayer::weightBytes() const {
    return m_weights ? std::int64_t(m_weights->bytes()) : 0;
}

GemmShape MatMulLayer::gemmShape(std::span<const Shape> inputs) const {
    const Plan p = plan(inputs[0], m_weights ? m_weights->shape() : inputs[1]);
    if (p.sharedB) return {int(p.batches * p.M), p.N, p.K, 1};
    return {p.M, p.N, p.K, int(p.batches)};
}

std::string MatMulLayer::describe() const {
    if (!m_weights) return {};
    const Shape& w = m_weights->shape();
    return w.rank == 2 ? std::to_string(w.dim(0)) + " -> " + std::to_string(w.dim(1))
                       : "by " + w.toString();
}

void MatMulLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                          ForwardContext& ctx) const {
    (void)ctx;
    const Tensor& A = *inputs[0];
    const Tensor& B = m_weights ? *m_weights : *inputs[1];
    const Plan p = plan(A.shape(), B.shape());
    const std::int64_t mk = std::int64_t(p.M) * p.K, kn = std::int64_t(p.K) * p.N,
                       mn = std::int64_t(p.M) * p.N;
    if (p.sharedB && batchPart(promote(A.shape(), true)).count() == p.batches) {
        // All rows of a against one matrix: a single GEMM with M = every row.
        gemm(int(p.batches * p.M), p.N, p.K, A.data(), p.K, B.data(), p.N, output.data(), p.N);
        return;
    }
    // Broadcast batches: map each output batch index to its a and b batch by the strides of
    // their (right-aligned) batch dimensions.
    const Shape ab = batchPart(promote(A.shape(), true)), bb = batchPart(promote(B.shape(), false));
    const int rank = std::max(ab.rank, bb.rank);
    const std::size_t r = static_cast<std::size_t>(rank);
    std::vector<std::int64_t> od(r), sa(r), sb(r);
    std::int64_t stepA = 1, stepB = 1;
    for (int i = rank - 1; i >= 0; --i) {
        const int ia = i - (rank - ab.rank), ib = i - (rank - bb.rank);
        const std::int64_t da = ia >= 0 ? ab.dim(ia) : 1, db = ib >= 0 ? bb.dim(ib) : 1;
        od[std::size_t(i)] = std::max(da, db);
        sa[std::size_t(i)] = da == 1 ? 0 : stepA;
        sb[std::size_t(i)] = db == 1 ? 0 : stepB;
        stepA *= da;
        stepB *= db;
    }
    for (std::int64_t t = 0; t < p.batches; ++t) {
        std::int64_t rest = t, ia = 0, ib = 0;
        for (int i = rank - 1; i >= 0; --i) {
            const std::int64_t idx = rest % od[std::size_t(i)];
            rest /= od[std::size_t(i)];
            ia += idx * sa[std::size_t(i)];
            ib += idx * sb[std::size_t(i)];
        }
        gemm(p.M, p.N, p.K, A.data() + ia * mk, p.K, B.data() + ib * kn, p.N,
             output.data() + t * mn, p.N);
    }
}

}  // namespace convscope::core
