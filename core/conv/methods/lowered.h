// What the GEMM-based methods share: the lowering driver (im2col in column tiles under the memory
// limit, a batch as one wide GEMM, the 1x1 shortcut) around a per-group GEMM the method supplies,
// the bias, and the weights packed per group for the blocked GEMM.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "conv/methods/method.h"
#include "gemm/blocked_gemm.h"

namespace convscope::core {

// C (Mg x n, ldc) = W of group g (Mg x Kg) · B (Kg x n, ldb).
using GroupGemm =
    std::function<void(int g, int n, const float* B, std::int64_t ldb, float* C, std::int64_t ldc)>;

// output = W · im2col(input) per group, without bias; times im2col and GEMM into ctx.conv and
// reports progress per column tile.
void forwardLowered(const ConvLayerData& layer, const Tensor& input, Tensor& output,
                    ForwardContext& ctx, const GroupGemm& groupGemm);

// output += bias (per output channel); nothing when the bias is empty.
void addBias(const std::vector<float>& bias, Tensor& output);

// Each group's weights packed for the blocked GEMM (prepare of blocked and implicit); about the
// weights' size again.
struct PackedGroups : PreparedWeights {
    std::vector<PackedA> groups;
};

}  // namespace convscope::core
