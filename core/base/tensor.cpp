// Tensor storage: aligned allocation with failure turned into Error(ResourceLimit).
#include "base/tensor.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "base/error.h"
#include "base/limits.h"

namespace convscope::core {

namespace {
constexpr std::size_t kAlignment = 64;

float* allocateFloats(std::size_t floats, const char* what) {
    if (floats == 0) return nullptr;
    const std::size_t bytes = (floats * sizeof(float) + kAlignment - 1) / kAlignment * kAlignment;
    void* p = std::aligned_alloc(kAlignment, bytes);
    if (!p)
        throw Error(ErrorCategory::ResourceLimit,
                    std::string("could not allocate ") + std::to_string(bytes >> 20) + " MiB for " +
                        what + "; use a smaller input or fewer channels");
    return static_cast<float*>(p);
}
}  // namespace

Shape Shape::of(std::span<const std::int64_t> dims) {
    if (dims.size() > std::size_t(kMaxRank))
        throw Error(ErrorCategory::ShapeMismatch, "a tensor of rank " +
                                                      std::to_string(dims.size()) +
                                                      "; the engine handles rank 6 at most");
    Shape s{1, 1, 1, 1, 1, 1, int(dims.size())};
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] < 0 || dims[i] > INT32_MAX)
            throw Error(ErrorCategory::ShapeMismatch,
                        "tensor dimension " + std::to_string(dims[i]) + " is negative or over 2^31");
        s.setDim(int(i), int(dims[i]));
    }
    return s;
}

int Shape::dim(int i) const {
    switch (i) {
        case 0: return n;
        case 1: return c;
        case 2: return h;
        case 3: return w;
        case 4: return d4;
        default: return d5;
    }
}

void Shape::setDim(int i, int value) {
    switch (i) {
        case 0: n = value; break;
        case 1: c = value; break;
        case 2: h = value; break;
        case 3: w = value; break;
        case 4: d4 = value; break;
        default: d5 = value; break;
    }
}

std::vector<std::int64_t> Shape::dims() const {
    std::vector<std::int64_t> d;
    for (int i = 0; i < rank; ++i) d.push_back(dim(i));
    return d;
}

std::string Shape::toString() const {
    if (rank == 0) return "scalar";
    std::string s;
    for (int i = 0; i < rank; ++i) s += (i ? "x" : "") + std::to_string(dim(i));
    return s;
}

void Tensor::Free::operator()(float* p) const {
    std::free(p);
}
void Scratch::Free::operator()(float* p) const {
    std::free(p);
}

Tensor::Tensor(Shape shape) : m_shape(shape) {
    if (shape.n < 0 || shape.c < 0 || shape.h < 0 || shape.w < 0 || shape.d4 < 0 || shape.d5 < 0)
        throw Error(ErrorCategory::ShapeMismatch, "negative tensor dimension " + shape.toString());
    // Six dimensions of up to 2^31 overflow count(): check the product before anything uses it.
    double product = 1;
    for (int i = 0; i < Shape::kMaxRank; ++i) product *= double(shape.dim(i));
    if (product > double(limits::kMaxTensorValues))
        throw Error(ErrorCategory::ResourceLimit,
                    "a tensor of " + shape.toString() + " would hold " +
                        std::to_string(product) + " values (over 2^40); use a smaller input");
    m_data.reset(allocateFloats(std::size_t(count()), "a tensor"));
    if (count()) std::memset(m_data.get(), 0, bytes());
}

Tensor::Tensor(const Tensor& other) : m_shape(other.m_shape) {
    m_data.reset(allocateFloats(std::size_t(count()), "a tensor"));
    if (count()) std::memcpy(m_data.get(), other.data(), bytes());
}

Tensor& Tensor::operator=(const Tensor& other) {
    if (this != &other) {
        Tensor copy(other);
        *this = std::move(copy);
    }
    return *this;
}

void Tensor::reshape(Shape shape) {
    if (shape.count() != count())
        throw Error(ErrorCategory::ShapeMismatch, "cannot reshape " + m_shape.toString() + " to " +
                                                      shape.toString() + ": element counts differ");
    m_shape = shape;
}

void Tensor::fill(float value) {
    std::fill_n(data(), count(), value);
}

float* Scratch::get(std::size_t floats) {
    if (floats > m_capacity) {
        m_data.reset();  // release first so peak memory is the new size, not old + new
        m_capacity = 0;
        m_data.reset(allocateFloats(floats, "a scratch buffer"));
        m_capacity = floats;
    }
    return m_data.get();
}

Difference compare(std::span<const float> actual, std::span<const float> expected) {
    Difference d;
    double magnitude = 0;
    const std::size_t count = std::min(actual.size(), expected.size());
    for (std::size_t i = 0; i < count; ++i) {
        const double a = actual[i], e = expected[i];
        const double abs = std::isnan(a) != std::isnan(e) ? INFINITY : std::fabs(a - e);
        if (abs > d.maxAbs || (d.worstIndex < 0 && abs > 0)) {
            d.maxAbs = std::max(d.maxAbs, abs);
            d.worstIndex = std::int64_t(i);
        }
        if (std::isfinite(e)) magnitude = std::max(magnitude, std::fabs(e));
    }
    if (actual.size() != expected.size()) d.maxAbs = INFINITY;
    d.maxRel = d.maxAbs / std::max(magnitude, 1e-30);
    return d;
}

std::int64_t countNonFinite(std::span<const float> values) {
    std::int64_t n = 0;
    for (const float v : values) n += std::isfinite(v) ? 0 : 1;
    return n;
}

}  // namespace convscope::core
