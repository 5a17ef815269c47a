// XnnpackConv: the operator, its thread pool and the NCHW <-> NHWC transposes.
#include "peers/xnnpack_conv.h"

#include <limits>
#include <string>

#include <xnnpack.h>

#include "base/error.h"
#include "base/runtime.h"
#include "base/timing.h"

namespace convscope::core::peers {

namespace {

[[noreturn]] void rejected(const char* step, xnn_status status) {
    throw Error(ErrorCategory::InvalidConfig, std::string("XNNPACK rejects the layer (") + step +
                                                  ": status " + std::to_string(int(status)) + ")");
}

// N x C x H x W into N x H x W x C, and back.
void toNhwc(const Tensor& t, std::vector<float>& out) {
    const std::int64_t C = t.c(), HW = std::int64_t(t.h()) * t.w();
    out.resize(std::size_t(t.count()));
    for (int n = 0; n < t.n(); ++n)
        for (std::int64_t c = 0; c < C; ++c)
            for (std::int64_t i = 0; i < HW; ++i)
                out[std::size_t((n * HW + i) * C + c)] = t.data()[(n * C + c) * HW + i];
}
void fromNhwc(const std::vector<float>& in, Tensor& t) {
    const std::int64_t C = t.c(), HW = std::int64_t(t.h()) * t.w();
    for (int n = 0; n < t.n(); ++n)
        for (std::int64_t c = 0; c < C; ++c)
            for (std::int64_t i = 0; i < HW; ++i)
                t.data()[(n * C + c) * HW + i] = in[std::size_t((n * HW + i) * C + c)];
}

}  // namespace

struct XnnpackConv::Impl {
    xnn_operator_t op = nullptr;
    pthreadpool_t pool = nullptr;  // null: runs on the calling thread
    Shape input, output;
    std::vector<float> src, dst;  // NHWC
    ~Impl() {
        if (op) xnn_delete_operator(op);
        if (pool) pthreadpool_destroy(pool);
    }
};

XnnpackConv::XnnpackConv(const Shape& in, const WindowParams& p, const Tensor& w,
                         const std::vector<float>& b)
    : m_impl(std::make_unique<Impl>()) {
    Impl& d = *m_impl;
    if (const xnn_status s = xnn_initialize(nullptr); s != xnn_status_success)
        rejected("initialize", s);
    const OutputSize out = outputSize(in.h, in.w, p);
    const int M = w.n(), G = p.groups, Cg = w.c(), Mg = M / G, kh = w.h(), kw = w.w();
    d.input = in;
    d.output = {in.n, M, out.h, out.w};
    // Weights G x Mg x kh x kw x Cg (OHWI per group) from M x Cg x kh x kw.
    std::vector<float> ohwi(std::size_t(w.count()));
    for (int m = 0; m < M; ++m)
        for (int c = 0; c < Cg; ++c)
            for (int y = 0; y < kh; ++y)
                for (int x = 0; x < kw; ++x)
                    ohwi[std::size_t(((std::int64_t(m) * kh + y) * kw + x) * Cg + c)] =
                        w.at(m, c, y, x);
    const std::vector<float> bias = b.empty() ? std::vector<float>(std::size_t(M), 0.0f) : b;
    const float inf = std::numeric_limits<float>::infinity();
    const xnn_status s = xnn_create_convolution2d_nhwc_f32(
        std::uint32_t(p.padTop), std::uint32_t(p.padRight), std::uint32_t(p.padBottom),
        std::uint32_t(p.padLeft), std::uint32_t(kh), std::uint32_t(kw), std::uint32_t(p.strideH),
        std::uint32_t(p.strideW), std::uint32_t(p.dilationH), std::uint32_t(p.dilationW),
        std::uint32_t(G), std::size_t(Cg), std::size_t(Mg), std::size_t(in.c), std::size_t(M),
        ohwi.data(), bias.data(), -inf, inf, 0, &d.op);
    if (s != xnn_status_success) rejected("create", s);
    if (threadCount() > 1) d.pool = pthreadpool_create(std::size_t(threadCount()));
    d.src.assign(std::size_t(in.count()), 0.0f);
    d.dst.assign(std::size_t(d.output.count()), 0.0f);
    if (const xnn_status t = xnn_setup_convolution2d_nhwc_f32(
            d.op, std::size_t(in.n), std::size_t(in.h), std::size_t(in.w), d.src.data(),
            d.dst.data(), d.pool);
        t != xnn_status_success)
        rejected("setup", t);
}

XnnpackConv::~XnnpackConv() = default;

Tensor XnnpackConv::forward(const Tensor& input) {
    Impl& d = *m_impl;
    // The operator was set up on d.src's buffer: another shape would move it.
    if (input.shape() != d.input)
        throw Error(ErrorCategory::ShapeMismatch,
                    "XNNPACK was set up for " + d.input.toString() + ", not " +
                        input.shape().toString());
    toNhwc(input, d.src);
    if (const xnn_status s = xnn_run_operator(d.op, d.pool); s != xnn_status_success)
        rejected("run", s);
    Tensor out(d.output);
    fromNhwc(d.dst, out);
    return out;
}

double XnnpackConv::timeMs(int warmup, int repeat) {
    Impl& d = *m_impl;
    return timeRuns(warmup, repeat, [&](int) { xnn_run_operator(d.op, d.pool); }).medianMs;
}

}  // namespace convscope::core::peers
