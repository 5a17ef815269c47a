// Network graph bookkeeping, shape inference and the forward loop.
#include "net/network.h"

#include <limits>

#include "base/limits.h"
#include "base/runtime.h"
#include "base/timing.h"

namespace convscope::core {

Network::Network(std::string name) : m_name(std::move(name)) {}

void Network::setInput(std::string name, int c, int h, int w) {
    if (c <= 0 || h <= 0 || w <= 0)
        throw Error(ErrorCategory::InvalidConfig, "network '" + m_name + "': input " +
                                                      std::to_string(c) + "x" + std::to_string(h) +
                                                      "x" + std::to_string(w) + " is empty");
    m_inputs.clear();
    m_inputs.push_back({std::move(name), Shape{1, c, h, w}});
}

void Network::addInput(std::string name, Shape shape) {
    if (inputIndex(name) >= 0 || indexOf(name) >= 0)
        throw Error(ErrorCategory::InvalidConfig,
                    "network '" + m_name + "': a blob named '" + name + "' already exists");
    m_inputs.push_back({std::move(name), shape});
}

int Network::inputIndex(const std::string& name) const {
    for (std::size_t k = 0; k < m_inputs.size(); ++k)
        if (m_inputs[k].name == name) return int(k);
    return -1;
}

Shape Network::inputShape(int batch, int k) const {
    if (k >= int(m_inputs.size())) return {};
    Shape s = m_inputs[std::size_t(k)].shape;
    if (k == 0 && s.rank > 0) s.n = batch;  // other inputs (a graph's second operand) are fixed
    return s;
}

int Network::indexOf(const std::string& name) const {
    for (int i = 0; i < size(); ++i)
        if (m_nodes[std::size_t(i)].layer->name() == name) return i;
    return -1;
}

Layer& Network::add(std::unique_ptr<Layer> layer, std::vector<std::string> inputs) {
    if (!layer) throw Error(ErrorCategory::InvalidConfig, "network '" + m_name + "': null layer");
    if (inputIndex(layer->name()) >= 0 || indexOf(layer->name()) >= 0)
        throw Error(ErrorCategory::InvalidConfig, "network '" + m_name + "': a blob named '" +
                                                      layer->name() + "' already exists");
    Node node;
    if (inputs.empty()) {
        if (layer->maxInputs() != 0) node.inputs.push_back(size() - 1);
    } else {
        for (const std::string& in : inputs) {
            const int k = inputIndex(in);
            const int idx = k >= 0 ? -1 - k : indexOf(in);
            if (idx == -1 && k < 0)
                throw Error(ErrorCategory::InvalidConfig,
                            "network '" + m_name + "': layer '" + layer->name() + "' reads blob '" +
                                in + "', which no earlier layer produces");
            node.inputs.push_back(idx);
        }
    }
    node.layer = std::move(layer);
    m_nodes.push_back(std::move(node));
    m_preparedFor.reset();
    return *m_nodes.back().layer;
}

std::vector<Shape> Network::inputShapes(int i, const std::vector<Shape>& shapes, int batch) const {
    std::vector<Shape> result;
    for (int in : m_nodes[std::size_t(i)].inputs)
        result.push_back(in < 0 ? inputShape(batch, -1 - in) : shapes[std::size_t(in)]);
    return result;
}

std::vector<Shape> Network::inferShapes(int batch) const {
    if (m_inputs.empty())
        throw Error(ErrorCategory::InvalidConfig, "network '" + m_name + "' has no input declared");
    if (batch <= 0)
        throw Error(ErrorCategory::InvalidConfig,
                    "batch size " + std::to_string(batch) + " must be at least 1");
    std::vector<Shape> shapes;
    shapes.reserve(m_nodes.size());
    for (int i = 0; i < size(); ++i) {
        const std::vector<Shape> ins = inputShapes(i, shapes, batch);
        shapes.push_back(m_nodes[std::size_t(i)].layer->outputShape(ins));
    }
    return shapes;
}

void Network::prepare(ConvMethod method, const std::function<bool()>& cancelled, int batch) {
    // Auto times each conv on its input (one image of it); the other methods need no shapes.
    const bool chooses = methodInfo(method).chooses;
    const std::vector<Shape> shapes = chooses ? inferShapes(batch) : std::vector<Shape>{};
    for (int i = 0; i < size(); ++i)
        m_nodes[std::size_t(i)].layer->prepare(
            method, chooses ? inputShapes(i, shapes, batch) : std::vector<Shape>{}, cancelled);
    m_preparedFor = method;
    m_preparedIsa = activeIsa();
    m_preparedThreads = threadCount();
}

const Tensor& Network::forward(const Tensor& input, ForwardContext& ctx,
                               const LayerCallback& onLayer) {
    const Tensor* one[] = {&input};
    return forward(std::span<const Tensor* const>(one), ctx, onLayer);
}

std::int64_t Network::memoryBytes(int batch, std::int64_t colLimit) const {
    std::int64_t bytes = 0;
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    auto add = [&bytes](const Shape& s) {  // saturating: a huge shape is refused, not wrapped
        const std::int64_t n = s.count();
        bytes = n < 0 || n > (kMax - bytes) / std::int64_t(sizeof(float))
                    ? kMax
                    : bytes + n * std::int64_t(sizeof(float));
    };
    for (int k = 0; k < inputCount(); ++k) add(inputShape(batch, k));
    for (const Shape& s : inferShapes(batch)) add(s);
    return bytes > kMax - colLimit ? kMax : bytes + colLimit;
}

int Network::firstNonFiniteBlob() const {
    for (std::size_t i = 0; i < m_blobs.size(); ++i)
        if (countNonFinite(m_blobs[i].span()) > 0) return int(i);
    return -1;
}

void Network::checkMemory(int batch, std::int64_t colLimit) const {
    limits::checkMemory(memoryBytes(batch, colLimit),
                        "network '" + m_name + "' at batch " + std::to_string(batch),
                        batch > 1 ? "use a smaller batch (--batch) or a smaller input"
                                  : "use a smaller input size");
}

const Tensor& Network::forward(std::span<const Tensor* const> inputs, ForwardContext& ctx,
                               const LayerCallback& onLayer) {
    if (size() == 0)
        throw Error(ErrorCategory::InvalidConfig, "network '" + m_name + "' has no layers");
    if (inputs.size() != m_inputs.size())
        throw Error(ErrorCategory::ShapeMismatch,
                    "network '" + m_name + "' has " + std::to_string(m_inputs.size()) +
                        " inputs; " + std::to_string(inputs.size()) + " were given");
    const int batch = inputs[0]->shape().rank > 0 ? inputs[0]->n() : 1;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        const Shape expected = inputShape(batch, int(k));
        if (inputs[k]->shape() == expected) continue;
        const Shape& d = m_inputs[k].shape;
        std::vector<std::int64_t> perItem = d.dims();
        if (!perItem.empty() && k == 0) perItem.erase(perItem.begin());
        std::string hint;
        if (d.rank == 4)
            hint = "; resize the image to " + std::to_string(d.w) + "x" + std::to_string(d.h);
        throw Error(ErrorCategory::ShapeMismatch,
                    "network '" + m_name + "' expects input " +
                        (m_inputs.size() > 1 ? "'" + m_inputs[k].name + "' " : std::string()) +
                        (k == 0 ? "n x " : "") + Shape::of(perItem).toString() + ", got " +
                        inputs[k]->shape().toString() + hint);
    }
    const std::vector<Shape> shapes = inferShapes(batch);
    if (shapes != m_shapes) {
        checkMemory(batch, ctx.colMemoryLimit);
        m_blobs.clear();
        m_shapes.clear();
        m_blobs.reserve(shapes.size());
        for (const Shape& s : shapes) m_blobs.emplace_back(s);
        m_shapes = shapes;
    }
    // Auto's choices hold for one thread count; packed weights for any.
    if (m_preparedFor != ctx.convMethod || m_preparedIsa != activeIsa() ||
        (methodInfo(ctx.convMethod).chooses && m_preparedThreads != threadCount()))
        prepare(ctx.convMethod, ctx.cancelled, batch);
    std::vector<const Tensor*> ins;
    for (int i = 0; i < size(); ++i) {
        ctx.throwIfCancelled();
        ins.clear();
        for (int in : m_nodes[std::size_t(i)].inputs)
            ins.push_back(in < 0 ? inputs[std::size_t(-1 - in)] : &m_blobs[std::size_t(in)]);
        ctx.conv = {};
        const Stopwatch watch;
        m_nodes[std::size_t(i)].layer->forward(ins, m_blobs[std::size_t(i)], ctx);
        if (onLayer) onLayer(i, watch.seconds(), ctx);
    }
    return m_blobs.back();
}

}  // namespace convscope::core
