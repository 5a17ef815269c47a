// What a conv method's file implements (registry.h lists the methods): the layer's data it reads,
// what its prepare() may keep, and each method's entry points. Only method files and the registry
// include this header; everything else asks the registry.
#pragma once

#include <memory>
#include <vector>

#include "base/isa.h"
#include "base/tensor.h"
#include "conv/conv_geometry.h"
#include "conv/methods/registry.h"
#include "layers/layer.h"

namespace convscope::core {

// A conv layer as the methods see it: weights M x C/groups x kh x kw, bias M values or empty.
struct ConvLayerData {
    const WindowParams& params;
    const Tensor& weights;
    const std::vector<float>& bias;

    int outChannels() const { return weights.n(); }
    int groupRows() const { return weights.n() / params.groups; }  // Mg
    int groupK() const {                                           // Kg: K per group
        return weights.c() * params.kernelH * params.kernelW;
    }
    // True when im2col is the identity (1x1 kernel, stride 1, no padding).
    bool pointwise() const;
    // True when each group sees one input channel (groups == C): conv/depthwise_conv.h.
    bool depthwise() const { return weights.c() == 1; }
};

// A method's prepared weights. Packed for one kernel variant (base/isa.h): prepared again when
// another is forced.
struct PreparedWeights {
    virtual ~PreparedWeights() = default;
    Isa isa = activeIsa();
};

// The entry points of the method files, one pair per method (registry.cpp puts them in the table).
namespace methods {
void runDirect(const ConvLayerData&, const PreparedWeights*, const Tensor&, Tensor&,
               ForwardContext&);
void runIm2colGemm(const ConvLayerData&, const PreparedWeights*, const Tensor&, Tensor&,
                   ForwardContext&);
std::unique_ptr<PreparedWeights> prepareBlocked(const ConvLayerData&);
void runIm2colBlocked(const ConvLayerData&, const PreparedWeights*, const Tensor&, Tensor&,
                      ForwardContext&);
void runImplicit(const ConvLayerData&, const PreparedWeights*, const Tensor&, Tensor&,
                 ForwardContext&);
std::unique_ptr<PreparedWeights> prepareDirectSimd(const ConvLayerData&);
void runDirectSimd(const ConvLayerData&, const PreparedWeights*, const Tensor&, Tensor&,
                   ForwardContext&);
std::unique_ptr<PreparedWeights> prepareDepthwise(const ConvLayerData&);
void runDepthwise(const ConvLayerData&, const PreparedWeights*, const Tensor&, Tensor&,
                  ForwardContext&);
}  // namespace methods

}  // namespace convscope::core
