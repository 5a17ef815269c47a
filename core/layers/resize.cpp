// Resize: each output pixel's source coordinate by the ONNX formulas, then nearest or bilinear.
#include "layers/resize.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace convscope::core {

ResizeLayer::ResizeLayer(std::string name, ResizeParams params)
    : Layer(std::move(name)), m_p(params) {
    const bool scaled = m_p.scaleH > 0 && m_p.scaleW > 0;
    const bool sized = m_p.outH > 0 && m_p.outW > 0;
    if (scaled == sized)
        fail(ErrorCategory::InvalidConfig,
             "give either positive scales or positive output sizes for both spatial axes");
    if (scaled && (!std::isfinite(m_p.scaleH) || !std::isfinite(m_p.scaleW) ||
                   m_p.scaleH > 4096 || m_p.scaleW > 4096))
        fail(ErrorCategory::InvalidConfig, "scales " + std::to_string(m_p.scaleH) + " x " +
                                               std::to_string(m_p.scaleW) +
                                               " are not finite or exceed 4096");
}

std::string ResizeLayer::describe() const {
    std::string s = m_p.mode == ResizeMode::Nearest ? "nearest " : "bilinear ";
    if (m_p.outH > 0) return s + "to " + std::to_string(m_p.outW) + "x" + std::to_string(m_p.outH);
    return s + "x" + compactNumber(m_p.scaleW) + (m_p.scaleW == m_p.scaleH ? "" : " x" + compactNumber(m_p.scaleH));
}

Shape ResizeLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const Shape& in = inputs[0];
    if (in.rank != 4)
        fail(ErrorCategory::ShapeMismatch,
             "resizes NCHW tensors; the input " + in.toString() + " is not 4-D");
    Shape out = in;
    const double h = m_p.outH > 0 ? m_p.outH : std::floor(double(in.h) * m_p.scaleH);
    const double w = m_p.outW > 0 ? m_p.outW : std::floor(double(in.w) * m_p.scaleW);
    if (h < 1 || w < 1 || h * w * double(in.n) * in.c > double(INT32_MAX))
        fail(ErrorCategory::ShapeMismatch, "resizing " + in.toString() + " gives " +
                                               std::to_string(std::int64_t(w)) + "x" +
                                               std::to_string(std::int64_t(h)) +
                                               ", which is empty or over 2^31 values");
    out.h = int(h);
    out.w = int(w);
    return out;
}

namespace {

// Source coordinate of output index `o` along an axis (ONNX Resize's formulas).
// ONNX uses the unrounded output length (input x scale) in align_corners when scales are given.
double sourceCoordinate(ResizeCoordinates mode, int o, int inLen, int outLen, double scale) {
    switch (mode) {
        case ResizeCoordinates::HalfPixel: return (o + 0.5) / scale - 0.5;
        case ResizeCoordinates::PytorchHalfPixel:
            return outLen > 1 ? (o + 0.5) / scale - 0.5 : 0.0;
        case ResizeCoordinates::AlignCorners:
            return outLen > 1 ? double(o) * (inLen - 1) / (double(inLen) * scale - 1) : 0.0;
        case ResizeCoordinates::Asymmetric: return o / scale;
    }
    return 0;
}

int nearestIndex(ResizeRounding r, double x, int len) {
    double v = 0;
    switch (r) {
        case ResizeRounding::RoundPreferFloor:
            v = x - std::floor(x) == 0.5 ? std::floor(x) : std::round(x);
            break;
        case ResizeRounding::RoundPreferCeil: v = std::round(x); break;
        case ResizeRounding::Floor: v = std::floor(x); break;
        case ResizeRounding::Ceil: v = std::ceil(x); break;
    }
    return std::clamp(int(v), 0, len - 1);
}

// For each output index: the two source indices and the weight of the second (bilinear), or the
// one source index (nearest, in i0).
struct Taps {
    std::vector<int> i0, i1;
    std::vector<float> t;
};

Taps taps(const ResizeParams& p, int inLen, int outLen, float givenScale) {
    const double scale = givenScale > 0 ? double(givenScale) : double(outLen) / inLen;
    Taps k;
    for (int o = 0; o < outLen; ++o) {
        const double x = sourceCoordinate(p.coordinates, o, inLen, outLen, scale);
        if (p.mode == ResizeMode::Nearest) {
            k.i0.push_back(nearestIndex(p.rounding, x, inLen));
            continue;
        }
        const double c = std::clamp(x, 0.0, double(inLen - 1));
        const int a = int(std::floor(c));
        const int b = std::min(a + 1, inLen - 1);
        k.i0.push_back(a);
        k.i1.push_back(b);
        k.t.push_back(float(c - a));
    }
    return k;
}

}  // namespace

void ResizeLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                          ForwardContext& ctx) const {
    (void)ctx;
    const Tensor& in = *inputs[0];
    const int H = in.h(), W = in.w(), OH = output.h(), OW = output.w();
    const Taps ty = taps(m_p, H, OH, m_p.outH > 0 ? 0.0f : m_p.scaleH);
    const Taps tx = taps(m_p, W, OW, m_p.outW > 0 ? 0.0f : m_p.scaleW);
    const std::int64_t planes = std::int64_t(in.n()) * in.c();
    for (std::int64_t pl = 0; pl < planes; ++pl) {
        const float* s = in.data() + pl * H * W;
        float* d = output.data() + pl * OH * OW;
        for (int y = 0; y < OH; ++y) {
            if (m_p.mode == ResizeMode::Nearest) {
                const float* row = s + std::int64_t(ty.i0[std::size_t(y)]) * W;
                for (int x = 0; x < OW; ++x) d[y * OW + x] = row[tx.i0[std::size_t(x)]];
                continue;
            }
            const float* r0 = s + std::int64_t(ty.i0[std::size_t(y)]) * W;
            const float* r1 = s + std::int64_t(ty.i1[std::size_t(y)]) * W;
            const float fy = ty.t[std::size_t(y)];
            for (int x = 0; x < OW; ++x) {
                const int a = tx.i0[std::size_t(x)], b = tx.i1[std::size_t(x)];
                const float fx = tx.t[std::size_t(x)];
                const float top = r0[a] + (r0[b] - r0[a]) * fx;
                const float bottom = r1[a] + (r1[b] - r1[a]) * fx;
                d[y * OW + x] = top + (bottom - top) * fy;
            }
        }
    }
}

}  // namespace convscope::core
