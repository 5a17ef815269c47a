// The layer contract (after Caffe's layer.hpp): a layer knows its type, infers its output shape
// from its input shapes (validating them), and runs forward. Start here, then convolution.h.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/tensor.h"
#include "conv/methods/registry.h"

namespace convscope::core {

// Categories of the classic per-layer time breakdown.
enum class LayerCategory { Conv, FullyConnected, Pool, Norm, Activation, Other };
const char* toString(LayerCategory category);

// The GEMM a layer performs, in the vocabulary of im2col.h (per group; 0 when none).
struct ConvMethodChoice;

struct GemmShape {
    int M = 0, N = 0, K = 0, groups = 0;
};

// What a conv layer measured during its last forward.
struct ConvStats {
    // The two phases of im2col + GEMM; the direct methods have no im2col and count their whole
    // convolution as gemmSeconds (charts label it "direct conv" for them).
    double im2colSeconds = 0, gemmSeconds = 0;
    std::int64_t colBytes = 0;  // col buffer actually allocated (a tile when tiled)
    int tiles = 0;              // GEMM column tiles (1 = untiled, 0 = no im2col)
    ConvMethod method = kTeachingConvMethod;  // the method that ran (auto's choice under auto)
    std::shared_ptr<const ConvMethodChoice> choice;  // under auto: the choice and its times
};

// State shared by the layers of one forward pass: options, scratch buffers reused across layers,
// cancellation, and per-layer measurements. Not thread-safe: one per running forward.
struct ForwardContext {
    static constexpr std::int64_t kDefaultColLimit = std::int64_t(512) << 20;

    ConvMethod convMethod = kTeachingConvMethod;
    // Largest col buffer a conv may allocate; above it the conv runs over column tiles.
    std::int64_t colMemoryLimit = kDefaultColLimit;
    // Polled between layers and between GEMM tiles; when it returns true, forward throws
    // Error(Cancelled).
    std::function<bool()> cancelled;
    // Called after each GEMM column tile of a conv with the fraction of that layer done (0..1].
    std::function<void(double)> progress;

    Scratch colScratch;   // im2col tiles
    Scratch gemmScratch;  // GEMM output of a tile spanning several images
    ConvStats conv;       // reset by Network before each layer

    void throwIfCancelled() const {
        if (cancelled && cancelled())
            throw Error(ErrorCategory::Cancelled, "cancelled by the user");
    }
};

// A parameter for describe(): "0.2", "6", "1e-05" (no trailing zeros).
std::string compactNumber(double value);

class Layer {
public:
    explicit Layer(std::string name) : m_name(std::move(name)) {}
    virtual ~Layer() = default;
    Layer(const Layer&) = delete;
    Layer& operator=(const Layer&) = delete;

    const std::string& name() const { return m_name; }
    virtual const char* type() const = 0;  // "Convolution", "InnerProduct", ... (Caffe names)
    virtual LayerCategory category() const = 0;
    // Number of inputs accepted: [minInputs, maxInputs]; maxInputs < 0 means any.
    virtual int minInputs() const { return 1; }
    virtual int maxInputs() const { return 1; }

    // Validates input shapes and returns the output shape. Throws Error (InvalidConfig or
    // ShapeMismatch) naming this layer and the numbers.
    virtual Shape outputShape(std::span<const Shape> inputs) const = 0;
    // Sets the layer up for a conv method: packs or reorders what that method needs, once, before
    // forwards by it (Caffe's Reshape, ncnn's create_pipeline); for auto, times the candidates on
    // `inputs` (conv/methods/auto_choice.h), polling `cancelled`. Only conv layers have work here.
    virtual void prepare(ConvMethod method, std::span<const Shape> inputs,
                         const std::function<bool()>& cancelled = {}) {
        (void)method, (void)inputs, (void)cancelled;
    }
    // Runs the layer. `output` is already allocated with outputShape(inputs).
    virtual void forward(std::span<const Tensor* const> inputs, Tensor& output,
                         ForwardContext& ctx) const = 0;

    // Floating-point operations of one forward (a multiply-add counts as 2).
    virtual std::int64_t flops(std::span<const Shape> inputs) const {
        (void)inputs;
        return 0;
    }
    virtual std::int64_t weightBytes() const { return 0; }
    virtual GemmShape gemmShape(std::span<const Shape> inputs) const {
        (void)inputs;
        return {};
    }
    // Parameters as a short human-readable string for tables ("96 11x11 stride 4").
    virtual std::string describe() const { return {}; }

protected:
    [[noreturn]] void fail(ErrorCategory category, const std::string& what) const {
        throw Error(category, std::string(type()) + " layer '" + m_name + "': " + what);
    }
    void expectInputs(std::span<const Shape> inputs) const;

private:
    std::string m_name;
};

}  // namespace convscope::core
