// Network graph bookkeeping, shape inference and the forward loop.
#include "net/network.h"

#include "base/timing.h"

namespace convscope::core {

Network::Network(std::string name) : m_name(std::move(name)) {}

void Network::setInput(std::string name, int c, int h, int w) {
    if (c <= 0 || h <= 0 || w <= 0)
        throw Error(ErrorCategory::InvalidConfig, "network '" + m_name + "': input " +
                                                      std::to_string(c) + "x" + std::to_string(h) +
                                                      "x" + std::to_string(w) + " is empty");
    m_inputName = std::move(name);
    m_inputC = c;
    m_inputH = h;
    m_inputW = w;
}

int Network::indexOf(const std::string& name) const {
    for (int i = 0; i < size(); ++i)
        if (m_nodes[std::size_t(i)].layer->name() == name) return i;
    return -1;
}

Layer& Network::add(std::unique_ptr<Layer> layer, std::vector<std::string> inputs) {
    if (!layer) throw Error(ErrorCategory::InvalidConfig, "network '" + m_name + "': null layer");
    if (layer->name() == m_inputName || indexOf(layer->name()) >= 0)
        throw Error(ErrorCategory::InvalidConfig, "network '" + m_name + "': a blob named '" +
                                                      layer->name() + "' already exists");
    Node node;
    if (inputs.empty()) {
        node.inputs.push_back(size() - 1);
    } else {
        for (const std::string& in : inputs) {
            const int idx = in == m_inputName ? -1 : indexOf(in);
            if (idx < 0 && in != m_inputName)
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
        result.push_back(in < 0 ? inputShape(batch) : shapes[std::size_t(in)]);
    return result;
}

std::vector<Shape> Network::inferShapes(int batch) const {
    if (m_inputC <= 0)
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

void Network::prepare(ConvMethod method) {
    for (Node& node : m_nodes) node.layer->prepare(method);
    m_preparedFor = method;
    m_preparedIsa = activeIsa();
}

const Tensor& Network::forward(const Tensor& input, ForwardContext& ctx,
                               const LayerCallback& onLayer) {
    if (size() == 0)
        throw Error(ErrorCategory::InvalidConfig, "network '" + m_name + "' has no layers");
    const Shape expected = inputShape(input.n());
    if (!(input.shape() == expected))
        throw Error(ErrorCategory::ShapeMismatch,
                    "network '" + m_name + "' expects input n x " + std::to_string(m_inputC) + "x" +
                        std::to_string(m_inputH) + "x" + std::to_string(m_inputW) + ", got " +
                        input.shape().toString() + "; resize the image to " +
                        std::to_string(m_inputW) + "x" + std::to_string(m_inputH));
    const std::vector<Shape> shapes = inferShapes(input.n());
    if (shapes != m_shapes) {
        m_blobs.clear();
        m_shapes.clear();
        m_blobs.reserve(shapes.size());
        for (const Shape& s : shapes) m_blobs.emplace_back(s);
        m_shapes = shapes;
    }
    if (m_preparedFor != ctx.convMethod || m_preparedIsa != activeIsa()) prepare(ctx.convMethod);
    std::vector<const Tensor*> ins;
    for (int i = 0; i < size(); ++i) {
        ctx.throwIfCancelled();
        ins.clear();
        for (int in : m_nodes[std::size_t(i)].inputs)
            ins.push_back(in < 0 ? &input : &m_blobs[std::size_t(in)]);
        ctx.conv = {};
        const Stopwatch watch;
        m_nodes[std::size_t(i)].layer->forward(ins, m_blobs[std::size_t(i)], ctx);
        if (onLayer) onLayer(i, watch.seconds(), ctx);
    }
    return m_blobs.back();
}

}  // namespace convscope::core
