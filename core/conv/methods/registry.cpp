// The registry of conv methods: the one table of their names.
#include "conv/methods/registry.h"

#include "conv/methods/method.h"

namespace convscope::core {

namespace {
using namespace methods;
// clang-format off
constexpr ConvMethodInfo kMethods[] = {
    {ConvMethod::Direct, "direct", "direct",
     "the nested-loop reference (slow; every method is checked against it)",
     true, false, nullptr, runDirect},
    {ConvMethod::Im2colGemm, "im2col", "im2col+gemm",
     "im2col + one Eigen GEMM per group, the way Caffe computes it",
     false, false, nullptr, runIm2colGemm},
    {ConvMethod::Im2colBlocked, "blocked", "im2col+blocked",
     "im2col + the in-tree blocked GEMM (gemm/blocked_gemm.h)",
     false, false, prepareBlocked, runIm2colBlocked},
    {ConvMethod::Implicit, "implicit", "implicit-gemm",
     "implicit GEMM: the blocked GEMM packs B straight from the image; no col matrix",
     false, false, prepareBlocked, runImplicit},
    {ConvMethod::DirectSimd, "direct-simd", "direct-simd",
     "direct conv vectorised over output channels, the way oneDNN computes it; no col matrix",
     true, false, prepareDirectSimd, runDirectSimd},
    {ConvMethod::Depthwise, "depthwise", "depthwise",
     "depthwise layers row by row, vectorised over pixels (no GEMM: M = 1 per group); "
     "other layers run direct-simd",
     true, false, prepareDepthwise, runDepthwise},
    {ConvMethod::Auto, "auto", "auto",
     "per conv layer the fastest of the methods above, timed once on its shape on this machine "
     "when the network is set up (the per-layer table shows each choice)",
     false, true, nullptr, nullptr},
};
// clang-format on
constexpr bool inEnumOrder() {
    for (int i = 0; i < int(std::size(kMethods)); ++i)
        if (int(kMethods[i].id) != i) return false;
    return true;
}
static_assert(inEnumOrder(), "kMethods lists the methods in ConvMethod's order");
}  // namespace

std::span<const ConvMethodInfo> convMethods() {
    return kMethods;
}

const ConvMethodInfo& methodInfo(ConvMethod method) {
    return kMethods[std::size_t(method)];
}

std::optional<ConvMethod> convMethodFromName(std::string_view name) {
    for (const ConvMethodInfo& m : kMethods)
        if (name == m.name || name == m.label) return m.id;
    return std::nullopt;
}

std::string convMethodNames() {
    std::string s;
    for (std::size_t i = 0; i < std::size(kMethods); ++i) {
        if (i) s += i + 1 == std::size(kMethods) ? " or " : ", ";
        s += kMethods[i].name;
    }
    return s;
}

}  // namespace convscope::core
