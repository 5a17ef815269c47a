// Network: a DAG of named layers over one input (an image batch) or several (an imported graph's),
// with shape inference and forward on a batch. Each layer produces one blob named after the layer;
// inputs name blobs. Start with add() and forward(); profile.h measures a network layer by layer.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/isa.h"
#include "layers/layer.h"

namespace convscope::core {

class Network {
public:
    explicit Network(std::string name = "network");

    const std::string& name() const { return m_name; }
    // Declares the input blob: one image is c x h x w. Must come before add().
    void setInput(std::string name, int c, int h, int w);
    // Declares another input of any rank. The first input's first dimension is the batch
    // (replaced by forward's); the others keep their shapes (a graph's second operand).
    void addInput(std::string name, Shape shape);
    int inputCount() const { return int(m_inputs.size()); }
    const std::string& inputName(int k = 0) const { return m_inputs[std::size_t(k)].name; }
    Shape inputShape(int batch = 1, int k = 0) const;

    // Appends a layer reading the named blobs; no names means the previous blob (or the input),
    // except for a layer of no inputs (maxInputs() == 0, a constant).
    // Throws Error(InvalidConfig) on a duplicate name or an unknown input. Layers must be added in
    // an order where every input already exists (a topological order).
    Layer& add(std::unique_ptr<Layer> layer, std::vector<std::string> inputs = {});
    template <class L, class... Args>
    L& emplace(Args&&... args) {
        return static_cast<L&>(add(std::make_unique<L>(std::forward<Args>(args)...)));
    }

    int size() const { return int(m_nodes.size()); }
    const Layer& layer(int i) const { return *m_nodes[std::size_t(i)].layer; }
    // Indices of the layer's inputs; -1 is the network input, -1 - k its input k.
    const std::vector<int>& inputsOf(int i) const { return m_nodes[std::size_t(i)].inputs; }
    int indexOf(const std::string& name) const;  // -1 if absent

    // Output shapes of every layer for a batch; throws the first layer's validation error.
    std::vector<Shape> inferShapes(int batch) const;
    // Input shapes of layer i given all output shapes.
    std::vector<Shape> inputShapes(int i, const std::vector<Shape>& shapes, int batch) const;

    // Bytes one forward at `batch` holds: the inputs, every layer's blob (all are kept, for the
    // views) and the conv scratch, bounded by ForwardContext::colMemoryLimit. Throws the first
    // layer's validation error, as inferShapes does.
    std::int64_t memoryBytes(int batch,
                             std::int64_t colLimit = ForwardContext::kDefaultColLimit) const;
    // limits::checkMemory on memoryBytes(batch): Error(ResourceLimit) naming the network, the
    // batch and the fix. forward() runs it before it allocates blobs for a new shape.
    void checkMemory(int batch, std::int64_t colLimit = ForwardContext::kDefaultColLimit) const;

    // Sets every layer up for a conv method (Layer::prepare: packed weights; for auto, each conv's
    // method timed on one image of its input, the shapes inferred at `batch`, polling
    // `cancelled`). forward() calls it when asked for another method, or another kernel variant
    // (or, for auto, thread count) is active, than last prepared.
    void prepare(ConvMethod method, const std::function<bool()>& cancelled = {}, int batch = 1);

    // Called after each layer with its index and wall time; ctx.conv holds its conv statistics.
    using LayerCallback = std::function<void(int layer, double seconds, const ForwardContext& ctx)>;

    // Runs every layer on `input` (n x c x h x w, matching setInput) and returns the last blob.
    // Throws Error: ShapeMismatch for a wrong input, Cancelled when ctx.cancelled() fires (checked
    // between layers and GEMM tiles), ResourceLimit when a buffer cannot be allocated.
    const Tensor& forward(const Tensor& input, ForwardContext& ctx,
                          const LayerCallback& onLayer = {});
    // The same with one tensor per declared input, in order (their batches must agree).
    const Tensor& forward(std::span<const Tensor* const> inputs, ForwardContext& ctx,
                          const LayerCallback& onLayer = {});
    // The first layer whose blob from the last forward holds a NaN or an infinity, or -1: where a
    // network's output stopped being numbers (overflowing weights or inputs).
    int firstNonFiniteBlob() const;
    // Activations of layer i from the last forward (empty before any forward).
    const Tensor& blob(int i) const { return m_blobs[std::size_t(i)]; }

private:
    struct Node {
        std::unique_ptr<Layer> layer;
        std::vector<int> inputs;
    };
    std::string m_name;
    struct Input {
        std::string name;
        Shape shape;
    };
    std::vector<Input> m_inputs;
    int inputIndex(const std::string& name) const;  // -1 if not an input
    std::vector<Node> m_nodes;
    std::vector<Tensor> m_blobs;
    std::vector<Shape> m_shapes;  // shapes the blobs were allocated for
    std::optional<ConvMethod> m_preparedFor;
    Isa m_preparedIsa = Isa::Generic;
    int m_preparedThreads = 0;
};

}  // namespace convscope::core
