// OneDnnConv: memory descriptors, the convolution primitive, reorders.
#include "peers/onednn_conv.h"

#include <dnnl.hpp>

#include "base/error.h"
#include "base/timing.h"

namespace convscope::core::peers {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

struct OneDnnConv::Impl {
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
    dnnl::convolution_forward::primitive_desc pd;
    dnnl::convolution_forward conv;
    memory src, weights, bias, dst;  // in the primitive's layouts
    memory::desc userSrc, userDst;
    Shape input, output;
};

OneDnnConv::OneDnnConv(const Shape& in, const WindowParams& p, const Tensor& w,
                       const std::vector<float>& b)
    : m_impl(std::make_unique<Impl>()) {
    Impl& d = *m_impl;
    const OutputSize out = outputSize(in.h, in.w, p);
    const int M = w.n(), G = p.groups;
    d.input = in;
    d.output = {in.n, M, out.h, out.w};
    const memory::dims srcDims{in.n, in.c, in.h, in.w}, dstDims{in.n, M, out.h, out.w};
    const memory::dims wDims =
        G > 1 ? memory::dims{G, M / G, w.c(), w.h(), w.w()} : memory::dims{M, w.c(), w.h(), w.w()};
    try {
        const memory::desc srcMd(srcDims, dt::f32, tag::any), dstMd(dstDims, dt::f32, tag::any);
        const memory::desc wMd(wDims, dt::f32, tag::any), bMd({M}, dt::f32, tag::a);
        // oneDNN counts dilation from 0 (0 = dense).
        const dnnl::convolution_forward::desc desc(
            dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, srcMd, wMd,
            bMd, dstMd, {p.strideH, p.strideW}, {p.dilationH - 1, p.dilationW - 1},
            {p.padTop, p.padLeft}, {p.padBottom, p.padRight});
        d.pd = dnnl::convolution_forward::primitive_desc(desc, d.engine);
        d.conv = dnnl::convolution_forward(d.pd);
        d.userSrc = memory::desc(srcDims, dt::f32, tag::nchw);
        d.userDst = memory::desc(dstDims, dt::f32, tag::nchw);
        d.src = memory(d.pd.src_desc(), d.engine);
        d.dst = memory(d.pd.dst_desc(), d.engine);
        d.weights = memory(d.pd.weights_desc(), d.engine);
        d.bias = memory(d.pd.bias_desc(), d.engine);
        memory userW({wDims, dt::f32, G > 1 ? tag::goihw : tag::oihw}, d.engine,
                     const_cast<float*>(w.data()));
        dnnl::reorder(userW, d.weights).execute(d.stream, userW, d.weights);
        std::vector<float> bias = b.empty() ? std::vector<float>(std::size_t(M), 0.0f) : b;
        memory userB({{M}, dt::f32, tag::a}, d.engine, bias.data());
        dnnl::reorder(userB, d.bias).execute(d.stream, userB, d.bias);
        d.stream.wait();
    } catch (const dnnl::error& e) {
        throw Error(ErrorCategory::InvalidConfig,
                    std::string("oneDNN rejects the layer: ") + e.what());
    }
}

OneDnnConv::~OneDnnConv() = default;

Tensor OneDnnConv::forward(const Tensor& input) {
    Impl& d = *m_impl;
    Tensor out(d.output);
    memory userSrc(d.userSrc, d.engine, const_cast<float*>(input.data()));
    memory userDst(d.userDst, d.engine, out.data());
    dnnl::reorder(userSrc, d.src).execute(d.stream, userSrc, d.src);
    d.conv.execute(d.stream, {{DNNL_ARG_SRC, d.src},
                              {DNNL_ARG_WEIGHTS, d.weights},
                              {DNNL_ARG_BIAS, d.bias},
                              {DNNL_ARG_DST, d.dst}});
    dnnl::reorder(d.dst, userDst).execute(d.stream, d.dst, userDst);
    d.stream.wait();
    return out;
}

double OneDnnConv::timeMs(int warmup, int repeat) {
    Impl& d = *m_impl;
    return timeRuns(warmup, repeat,
                    [&](int) {
                        d.conv.execute(d.stream, {{DNNL_ARG_SRC, d.src},
                                                  {DNNL_ARG_WEIGHTS, d.weights},
                                                  {DNNL_ARG_BIAS, d.bias},
                                                  {DNNL_ARG_DST, d.dst}});
                        d.stream.wait();
                    })
        .medianMs;
}

}  // namespace convscope::core::peers
