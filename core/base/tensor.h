// Tensor: a dense float32 array with 64-byte aligned storage, row-major (NCHW for images). A Shape
// has a rank of 0 to 6; its first four dimensions are named n, c, h, w, the conv world's view, and
// dimensions past the rank are 1: a batch of B vectors of length L is rank 2, stored B x L x 1 x 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace convscope::core {

struct Shape {
    static constexpr int kMaxRank = 6;

    int n = 0, c = 0, h = 0, w = 0;
    int d4 = 1, d5 = 1;  // the fifth and sixth dimensions (ShuffleNet's 5-D channel shuffle)
    int rank = 4;        // the graph's rank (ONNX broadcasting aligns on it); dims past it are 1

    // The shape of `dims` (rank = dims.size()). Throws Error(ShapeMismatch) for more than
    // kMaxRank dimensions or a negative or over-2^31 one.
    static Shape of(std::span<const std::int64_t> dims);
    static Shape of(std::initializer_list<std::int64_t> dims) {
        return of(std::span<const std::int64_t>(dims.begin(), dims.size()));
    }
    int dim(int i) const;  // 0 <= i < kMaxRank
    void setDim(int i, int value);
    std::vector<std::int64_t> dims() const;  // the first `rank` dimensions

    std::int64_t count() const { return std::int64_t(n) * c * h * w * d4 * d5; }
    std::int64_t perImage() const { return std::int64_t(c) * h * w * d4 * d5; }
    std::int64_t plane() const { return std::int64_t(h) * w; }
    bool operator==(const Shape&) const = default;
    std::string toString() const;  // "1x3x227x227"; "1x1000" for rank 2; "scalar" for rank 0
};

class Tensor {
public:
    Tensor() = default;
    // Allocates count() floats, zero-filled. Throws Error(ResourceLimit) if the allocation fails.
    explicit Tensor(Shape shape);
    Tensor(int n, int c, int h, int w) : Tensor(Shape{n, c, h, w}) {}

    Tensor(const Tensor& other);
    Tensor& operator=(const Tensor& other);
    Tensor(Tensor&&) noexcept = default;
    Tensor& operator=(Tensor&&) noexcept = default;

    const Shape& shape() const { return m_shape; }
    int n() const { return m_shape.n; }
    int c() const { return m_shape.c; }
    int h() const { return m_shape.h; }
    int w() const { return m_shape.w; }
    std::int64_t count() const { return m_shape.count(); }
    std::size_t bytes() const { return std::size_t(count()) * sizeof(float); }
    bool empty() const { return count() == 0; }

    float* data() { return m_data.get(); }
    const float* data() const { return m_data.get(); }
    std::span<float> span() { return {m_data.get(), std::size_t(count())}; }
    std::span<const float> span() const { return {m_data.get(), std::size_t(count())}; }

    float* image(int n) { return data() + n * m_shape.perImage(); }
    const float* image(int n) const { return data() + n * m_shape.perImage(); }
    float& at(int n, int c, int y, int x) {
        return m_data[((std::int64_t(n) * m_shape.c + c) * m_shape.h + y) * m_shape.w + x];
    }
    float at(int n, int c, int y, int x) const {
        return m_data[((std::int64_t(n) * m_shape.c + c) * m_shape.h + y) * m_shape.w + x];
    }

    // Same data, new shape of equal count (Flatten). Throws ShapeMismatch otherwise.
    void reshape(Shape shape);
    void fill(float value);

private:
    struct Free {
        void operator()(float* p) const;
    };
    Shape m_shape;
    std::unique_ptr<float[], Free> m_data;
};

// Aligned float buffer that only grows: scratch space (im2col columns, GEMM tiles) reused across
// calls so the hot path does not allocate.
class Scratch {
public:
    float* get(std::size_t floats);  // Throws Error(ResourceLimit) if allocation fails.
    std::size_t capacity() const { return m_capacity; }

private:
    struct Free {
        void operator()(float* p) const;
    };
    std::unique_ptr<float[], Free> m_data;
    std::size_t m_capacity = 0;
};

// How far `actual` is from `expected`: the largest |a - e|, and that relative to the expected
// values' magnitude (maxRel = maxAbs / max|e|), which stays meaningful where single values are ~0.
struct Difference {
    double maxAbs = 0, maxRel = 0;
    std::int64_t worstIndex = -1;
};
Difference compare(std::span<const float> actual, std::span<const float> expected);

// How many of the values are NaN or infinite.
std::int64_t countNonFinite(std::span<const float> values);

}  // namespace convscope::core
