// Convolution layer: validation, shapes, prepare and the dispatch to its conv method.
#include "layers/convolution.h"

#include <algorithm>

#include "base/runtime.h"
#include "base/timing.h"

namespace convscope::core {

ConvolutionLayer::ConvolutionLayer(std::string name, WindowParams params, Tensor weights,
                                   std::vector<float> bias)
    : Layer(std::move(name)),
      m_params(params),
      m_weights(std::move(weights)),
      m_bias(std::move(bias)) {
    m_params.ceilMode = false;
    if (m_weights.n() <= 0 || m_weights.c() <= 0)
        fail(ErrorCategory::InvalidConfig,
             "weights " + m_weights.shape().toString() + " are empty");
    if (m_weights.h() != params.kernelH || m_weights.w() != params.kernelW)
        fail(ErrorCategory::InvalidConfig,
             "weights " + m_weights.shape().toString() + " do not match the kernel " +
                 std::to_string(params.kernelH) + "x" + std::to_string(params.kernelW));
    if (params.groups <= 0 || m_weights.n() % params.groups != 0)
        fail(ErrorCategory::InvalidConfig, "output channels " + std::to_string(m_weights.n()) +
                                               " must be a positive multiple of groups " +
                                               std::to_string(params.groups));
    if (!m_bias.empty() && int(m_bias.size()) != m_weights.n())
        fail(ErrorCategory::InvalidConfig, "bias has " + std::to_string(m_bias.size()) +
                                               " values for " + std::to_string(m_weights.n()) +
                                               " output channels");
}

Shape ConvolutionLayer::outputShape(std::span<const Shape> inputs) const {
    expectInputs(inputs);
    const Shape& in = inputs[0];
    if (in.c != inChannels())
        fail(ErrorCategory::ShapeMismatch,
             "input has " + std::to_string(in.c) + " channels but the weights " +
                 m_weights.shape().toString() + " with " + std::to_string(m_params.groups) +
                 " group(s) expect " + std::to_string(inChannels()));
    validate(name(), m_params, in.c, in.h, in.w, outChannels());
    const OutputSize out = outputSize(in.h, in.w, m_params);
    return {in.n, outChannels(), out.h, out.w};
}

std::int64_t ConvolutionLayer::flops(std::span<const Shape> inputs) const {
    const Shape out = outputShape(inputs);
    return 2 * out.count() * std::int64_t(m_weights.c()) * m_params.kernelH * m_params.kernelW;
}

std::int64_t ConvolutionLayer::weightBytes() const {
    return std::int64_t(m_weights.bytes() + m_bias.size() * sizeof(float));
}

GemmShape ConvolutionLayer::gemmShape(std::span<const Shape> inputs) const {
    const Shape out = outputShape(inputs);
    return {outChannels() / m_params.groups, int(out.plane()),
            m_weights.c() * m_params.kernelH * m_params.kernelW, m_params.groups};
}

std::string ConvolutionLayer::describe() const {
    const WindowParams& p = m_params;
    std::string s = std::to_string(outChannels()) + " " + std::to_string(p.kernelH) + "x" +
                    std::to_string(p.kernelW);
    if (p.strideH != 1 || p.strideW != 1)
        s += " stride " + std::to_string(p.strideH) +
             (p.strideW != p.strideH ? "," + std::to_string(p.strideW) : "");
    if (p.padTop || p.padBottom || p.padLeft || p.padRight)
        s += " pad " + std::to_string(p.padTop) +
             (p.padBottom != p.padTop || p.padLeft != p.padTop || p.padRight != p.padTop
                  ? "," + std::to_string(p.padBottom) + "," + std::to_string(p.padLeft) + "," +
                        std::to_string(p.padRight)
                  : "");
    if (p.dilationH != 1 || p.dilationW != 1) s += " dilation " + std::to_string(p.dilationH);
    if (p.groups != 1) s += " groups " + std::to_string(p.groups);
    return s;
}

void ConvolutionLayer::prepare(ConvMethod method, std::span<const Shape> inputs,
                               const std::function<bool()>& cancelled) {
    std::shared_ptr<const ConvMethodChoice> choice;
    if (methodInfo(method).chooses) {
        expectInputs(inputs);
        choice = chooseConvMethod(data(), inputs[0], cancelled);
        method = choice->method;
    }
    // Made first, then recorded: if packing throws (out of memory), the layer keeps what it had.
    const ConvMethodInfo& info = methodInfo(method);
    std::unique_ptr<const PreparedWeights> prepared = info.prepare ? info.prepare(data()) : nullptr;
    m_prepared = std::move(prepared);
    m_preparedFor = method;
    if (choice) m_autoInput = {1, inputs[0].c, inputs[0].h, inputs[0].w};
    m_auto = std::move(choice);
}

bool ConvolutionLayer::isPreparedFor(ConvMethod method) const {
    const ConvMethodInfo& info = methodInfo(method);
    if (info.chooses)
        return m_auto && m_auto->isa == activeIsa() && m_auto->threads == threadCount() &&
               isPreparedFor(m_auto->method);
    return !info.prepare || (m_prepared && methodInfo(m_preparedFor).prepare == info.prepare &&
                             m_prepared->isa == activeIsa());
}

void ConvolutionLayer::forward(std::span<const Tensor* const> inputs, Tensor& output,
                               ForwardContext& ctx) const {
    ConvMethod id = ctx.convMethod;
    if (methodInfo(id).chooses) {
        // The choice prepare made for this input, or one made (or remembered) now.
        const Shape& in = inputs[0]->shape();
        const bool sameInput = m_autoInput.c == in.c && m_autoInput.h == in.h &&
                               m_autoInput.w == in.w;
        ctx.conv.choice = isPreparedFor(id) && sameInput
                              ? m_auto
                              : chooseConvMethod(data(), in, ctx.cancelled);
        id = ctx.conv.choice->method;
    }
    ctx.conv.method = id;
    const ConvMethodInfo& method = methodInfo(id);
    const ConvLayerData layer = data();
    // Blocked and implicit GEMM share one packing: prepared for one, the layer is for the other.
    std::unique_ptr<PreparedWeights> forThisRun;
    const PreparedWeights* prepared = nullptr;
    if (method.prepare)
        prepared = isPreparedFor(id) ? m_prepared.get() : (forThisRun = method.prepare(layer)).get();
    if (method.direct) {
        const Stopwatch watch;
        method.run(layer, prepared, *inputs[0], output, ctx);
        ctx.conv.gemmSeconds += watch.seconds();
    } else {
        method.run(layer, prepared, *inputs[0], output, ctx);
    }
}

Tensor convolveOneFilter(const Tensor& image, const WindowParams& p, const Tensor& weights,
                         const std::vector<float>& bias, int m, ForwardContext& ctx) {
    const int cg = weights.c(), group = m / (weights.n() / p.groups);
    const std::int64_t plane = std::int64_t(image.h()) * image.w();
    Tensor in(1, cg, image.h(), image.w());
    std::copy_n(image.data() + group * cg * plane, cg * plane, in.data());
    Tensor w(1, cg, weights.h(), weights.w());
    std::copy_n(weights.data() + std::int64_t(m) * w.count(), w.count(), w.data());
    WindowParams one = p;
    one.groups = 1;
    const ConvolutionLayer conv(
        "one filter", one, std::move(w),
        bias.empty() ? std::vector<float>{} : std::vector<float>{bias[std::size_t(m)]});
    const Shape shape = in.shape();
    Tensor out(conv.outputShape(std::span<const Shape>(&shape, 1)));
    const Tensor* inputs[] = {&in};
    conv.forward(inputs, out, ctx);
    return out;
}

}  // namespace convscope::core
