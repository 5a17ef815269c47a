// The conv methods: every way the engine computes a convolution, listed once. The ladder, the CLI
// (help and --method), the Profile tab's method box and the benchmarks all read this registry;
// none lists the methods itself. Adding a method is one file in this folder (its prepare and run,
// declared in method.h) and one line of the table in registry.cpp, plus its name below.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace convscope::core {

class Tensor;
struct ForwardContext;
struct ConvLayerData;
struct PreparedWeights;

// In the registry's order: the method ladder's, slowest first. Every method is tested against
// Direct.
enum class ConvMethod {
    Direct,         // nested loops, the obviously-correct reference
    Im2colGemm,     // im2col + one Eigen GEMM per group (Caffe); the engine's default
    Im2colBlocked,  // im2col + the in-tree blocked GEMM (gemm/blocked_gemm.h)
    Implicit,       // implicit GEMM: the im2col gather is the packing of B; no col matrix at all
    DirectSimd,  // direct conv vectorised over output channels (oneDNN's way; conv/direct_conv.h)
    // Depthwise layers (groups == C) row by row, vectorised over pixels (conv/depthwise_conv.h),
    // where im2col + GEMM has M = 1 per group; other layers run DirectSimd.
    Depthwise,
    // Not a way of its own: per layer the fastest of the others, timed once on its shape when a
    // network is set up (conv/methods/auto_choice.h). Not a rung of the ladder.
    Auto,
};

// What whole-network runs use unless told otherwise: bench, run, the Profile tab.
inline constexpr ConvMethod kDefaultConvMethod = ConvMethod::Auto;
// What the teaching views and a ForwardContext use unless told otherwise: im2col + GEMM, the
// computation they show.
inline constexpr ConvMethod kTeachingConvMethod = ConvMethod::Im2colGemm;

struct ConvMethodInfo {
    ConvMethod id;
    std::string_view name;     // on the command line and in settings: "im2col"
    std::string_view label;    // in tables, charts and JSON: "im2col+gemm"
    std::string_view summary;  // one line for help texts and tooltips
    // No im2col and no GEMM: ConvStats counts the whole convolution as gemmSeconds and charts
    // label it "direct conv".
    bool direct;
    // Picks another method per layer (Auto): it has no prepare or run of its own, the conv layer
    // resolves it first (ConvolutionLayer), and the ladder leaves it out.
    bool chooses;
    // Makes what the method needs from the weights (packed, reordered) once, when a layer is set up
    // for the method (Layer::prepare); nullptr when it runs on the weights as stored.
    std::unique_ptr<PreparedWeights> (*prepare)(const ConvLayerData& layer);
    // output = conv(input) + bias; `prepared` is prepare's result (nullptr when it has none).
    void (*run)(const ConvLayerData& layer, const PreparedWeights* prepared, const Tensor& input,
                Tensor& output, ForwardContext& ctx);
};

// The registry, in ConvMethod's order.
std::span<const ConvMethodInfo> convMethods();
const ConvMethodInfo& methodInfo(ConvMethod method);
inline const char* toString(ConvMethod method) {
    return methodInfo(method).label.data();
}
inline bool isDirect(ConvMethod method) {
    return methodInfo(method).direct;
}
// The method a name means: its CLI name or its label; nothing for any other name.
std::optional<ConvMethod> convMethodFromName(std::string_view name);
// The CLI names for messages: "direct, im2col, blocked, implicit, direct-simd or depthwise".
std::string convMethodNames();

}  // namespace convscope::core
