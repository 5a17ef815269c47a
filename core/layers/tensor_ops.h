// Layers that reshape, reorder, cut or reduce tensors of any rank (up to 6), as ONNX graphs use them:
// Reshape, Squeeze, Unsqueeze, Transpose (ShuffleNet's channel shuffle, ConvNeXt's NHWC blocks),
// Slice and Split, Gather, Pad, ReduceMean/Sum/Max. Each is the plain index loop; none is on a hot
// path of a CNN. Start at ReshapeLayer.
#pragma once

#include <cstdint>
#include <vector>

#include "layers/layer.h"

namespace convscope::core {

// Reshape to `target` (ONNX semantics: 0 copies the input's dimension, -1 is inferred; at most
// one -1), or Squeeze / Unsqueeze `axes`, or a copy (Identity: a graph output that is another's). kBatch in `target` stands for the input's first
// dimension: a shape the importer folded from the graph's own Shape of a dynamic batch.
class ReshapeLayer : public Layer {
public:
    enum class Kind { Reshape, Squeeze, Unsqueeze, Identity };
    static constexpr std::int64_t kBatch = INT64_MIN;

    ReshapeLayer(std::string name, Kind kind, std::vector<std::int64_t> dims);
    const char* type() const override;
    LayerCategory category() const override { return LayerCategory::Other; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::string describe() const override;

private:
    Kind m_kind;
    std::vector<std::int64_t> m_dims;  // the target, or the axes
};

// A constant tensor as a blob (a weight a graph feeds where a run-time input goes: a Concat with a
// constant). No inputs; the same output whatever the batch.
class ConstantLayer : public Layer {
public:
    ConstantLayer(std::string name, Tensor value) : Layer(std::move(name)), m_value(std::move(value)) {}
    const char* type() const override { return "Constant"; }
    LayerCategory category() const override { return LayerCategory::Other; }
    int minInputs() const override { return 0; }
    int maxInputs() const override { return 0; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t weightBytes() const override { return std::int64_t(m_value.bytes()); }
    std::string describe() const override { return m_value.shape().toString(); }

private:
    Tensor m_value;
};

// Permutes dimensions: output dim i is input dim perm[i] (empty perm reverses them).
class TransposeLayer : public Layer {
public:
    TransposeLayer(std::string name, std::vector<int> perm);
    const char* type() const override { return "Transpose"; }
    LayerCategory category() const override { return LayerCategory::Other; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::string describe() const override;

private:
    std::vector<int> m_perm;
};

// ONNX Slice: for each listed axis, elements start, start + step, ... before end (negative start
// and end count from the end; they are clamped to the dimension as ONNX specifies). Split is one
// Slice per output.
class SliceLayer : public Layer {
public:
    SliceLayer(std::string name, std::vector<std::int64_t> starts, std::vector<std::int64_t> ends,
               std::vector<std::int64_t> axes, std::vector<std::int64_t> steps);
    const char* type() const override { return "Slice"; }
    LayerCategory category() const override { return LayerCategory::Other; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::string describe() const override;

private:
    struct Range {
        std::int64_t start = 0, step = 1, count = 0;
    };
    std::vector<Range> ranges(const Shape& in) const;  // one per input dimension
    std::vector<std::int64_t> m_starts, m_ends, m_axes, m_steps;
};

// Gathers constant indices along one axis (ONNX Gather with a constant indices tensor): the
// output's shape is the input's with that axis replaced by the indices' shape.
class GatherLayer : public Layer {
public:
    GatherLayer(std::string name, int axis, std::vector<std::int64_t> indices,
                std::vector<std::int64_t> indicesShape);
    const char* type() const override { return "Gather"; }
    LayerCategory category() const override { return LayerCategory::Other; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;

private:
    int m_axis;
    std::vector<std::int64_t> m_indices, m_indicesShape;
};

enum class PadMode { Constant, Reflect, Edge };

// Pads every dimension: pads = [begin_0 .. begin_r-1, end_0 .. end_r-1] (ONNX order), negative
// pads crop. Reflect mirrors without repeating the edge (needs pad < dimension); Edge repeats it.
class PadLayer : public Layer {
public:
    PadLayer(std::string name, PadMode mode, std::vector<std::int64_t> pads, float value = 0);
    const char* type() const override { return "Pad"; }
    LayerCategory category() const override { return LayerCategory::Other; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::string describe() const override;

private:
    PadMode m_mode;
    std::vector<std::int64_t> m_pads;
    float m_value;
};

enum class ReduceOp { Mean, Sum, Max, Min, SumSquare, L2 };

// Reduces `axes` (empty: all) to one value each; keepDims leaves them as 1s.
class ReduceLayer : public Layer {
public:
    ReduceLayer(std::string name, ReduceOp op, std::vector<std::int64_t> axes, bool keepDims);
    const char* type() const override;
    LayerCategory category() const override { return LayerCategory::Pool; }
    Shape outputShape(std::span<const Shape> inputs) const override;
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    std::int64_t flops(std::span<const Shape> inputs) const override { return inputs[0].count(); }
    std::string describe() const override;

private:
    std::vector<bool> reduced(int rank) const;
    ReduceOp m_op;
    std::vector<std::int64_t> m_axes;
    bool m_keepDims;
};

}  // namespace convscope::core
