// Tensor: a dense NCHW float32 array with 64-byte aligned storage. Shape is always four dimensions;
// lower-rank data (an fc output, a vector) uses trailing 1s: a batch of B vectors of length L is
// B x L x 1 x 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace convscope::core {

struct Shape {
    int n = 0, c = 0, h = 0, w = 0;

    std::int64_t count() const { return std::int64_t(n) * c * h * w; }
    std::int64_t perImage() const { return std::int64_t(c) * h * w; }
    std::int64_t plane() const { return std::int64_t(h) * w; }
    bool operator==(const Shape&) const = default;
    std::string toString() const;  // "1x3x227x227"
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

}  // namespace convscope::core
