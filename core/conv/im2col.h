// im2col / col2im in Caffe's layout: the lowering that turns a convolution into one GEMM.
// Start here to understand the engine; every conv path and the GUI's im2col view use these names.
//
//   The GEMM of a conv layer, per group g (G groups):
//
//                  K = (C/G)·kh·kw                   N = outH·outW
//               +----------------+               +--------------------+
//     M = out   |   weights W    |    K rows     |  col (im2col)      |        +-----------------+
//     channels  |  one filter    |       x       |  column n = one    |   =    | out  (M x N)    |
//     per group |  per row       |               |  output position,  |        | row m = channel |
//               +----------------+               |  row k = (c,ki,kj) |        +-----------------+
//                                                +--------------------+
//
//   col[k][n], k = (c*kh + ki)*kw + kj, n = oy*outW + ox, holds
//   input[c][oy*strideH - padTop + ki*dilationH][ox*strideW - padLeft + kj*dilationW]
//   (0 where that falls in the padding). Rows are grouped by channel, then kernel row, then column;
//   with G groups, group g owns rows [g*K, (g+1)*K). A fully-connected layer is the same GEMM with
//   K = inputs, N = batch.
//
// Memory: the col matrix of one image is C·kh·kw·outH·outW floats; im2colInfo() reports it before
// anything is allocated.
#pragma once

#include <cstdint>
#include <string>

#include "base/tensor.h"
#include "conv/conv_geometry.h"

namespace convscope::core {

// The one source of a lowering's figures. M, K and N are per group, as in the GEMM each group
// runs; the all-groups figures say so in their names.
struct Im2colInfo {
    int M = 0;  // output channels per group
    int K = 0;  // rows of col per group: (C/G)·kh·kw
    int N = 0;  // columns: outH·outW
    int groups = 1;
    // Each group sees one input channel (groups == C > 1): K = kh·kw and M the channel
    // multiplier, so the GEMM is per-channel dot products (depthwiseNote()).
    bool depthwise = false;
    int outH = 0, outW = 0;
    std::int64_t inputBytes = 0;  // one image, C·H·W floats
    std::int64_t colBytes = 0;    // whole col matrix of one image (all groups), G·K·N floats
    int allGroupsK() const { return K * groups; }  // rows of the whole col matrix
    double expansion() const { return inputBytes ? double(colBytes) / double(inputBytes) : 0.0; }
    // Floating-point operations of the layer's GEMMs for one image: 2·M·N·K per group.
    std::int64_t flops() const { return std::int64_t(2) * M * N * std::int64_t(K) * groups; }
};

// Geometry of the lowering for one image of `input` (n ignored) and `outChannels` filters.
// Validates the parameters (throws Error(InvalidConfig)) but allocates nothing.
Im2colInfo im2colInfo(const std::string& layer, const Shape& input, const WindowParams& p,
                      int outChannels);

// For a depthwise layer, why it has no GEMM worth the name (plain text, one paragraph, the
// figures of `info`); empty for any other layer. The teaching views and `convscope im2col` show it.
std::string depthwiseNote(const Im2colInfo& info);

// Fills columns [n0, n1) of the col matrix of one C x H x W image: all C·kh·kw rows, each row
// written at col + row * ldCol (ldCol >= n1 - n0). Parameters must be validated. Parallel over
// rows.
void im2colColumns(const float* image, int C, int H, int W, const WindowParams& p, int n0, int n1,
                   float* col, std::int64_t ldCol);

// The whole col matrix (C·kh·kw x outH·outW, row-major, ld = N).
void im2col(const float* image, int C, int H, int W, const WindowParams& p, float* col);

// The adjoint of im2col: accumulates every col entry back into the pixel it came from (overlaps
// sum up; padding entries are dropped). `image` (C x H x W) is zeroed first. Used for gradients,
// for the GUI's duplication heatmap (col2im of a matrix of ones counts copies per pixel), and, as
// col2imColumns, by the transposed convolution.
void col2im(const float* col, int C, int H, int W, const WindowParams& p, float* image);

// col2im of columns [n0, n1) of a col matrix whose columns are a grid `colW` wide: entry (k, n),
// row k = (c·kh + ki)·kw + kj at col + k·ldCol + (n - n0), is ADDED to image[c][y][x] with
// y = (n / colW)·strideH - padTop + ki·dilationH, x = (n % colW)·strideW - padLeft + kj·dilationW,
// and dropped when (y, x) lies outside the H x W image (`image` is not zeroed). For a conv the grid
// is its output (colW = outW); for a transposed conv (layers/deconvolution.h) the grid is the
// transposed conv's input and `image` its output, where output padding can put whole windows past
// the conv's own outputSize. Parameters must be validated. Parallel over channels: rows of
// different channels never write the same pixel. Cost: C·kh·kw·(n1 - n0) additions.
void col2imColumns(const float* col, int C, int H, int W, const WindowParams& p, int colW, int n0,
                   int n1, std::int64_t ldCol, float* image);

}  // namespace convscope::core
