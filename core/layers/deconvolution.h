// Transposed convolution (ONNX ConvTranspose, Caffe's Deconvolution): the adjoint of the conv that
// im2col.h lowers, computed as one GEMM per group and a col2im. Start at DeconvolutionLayer.
//
//   Per image and group g (G groups), weights stored as ONNX, Caffe and PyTorch store them,
//   Cin x Cout/G x kh x kw, so group g's block W_g is Cin/G rows of Cout/G·kh·kw:
//
//              K = Cin/G                  N = H·W (input pixels)
//           +------------+             +--------------------+        +--------------------+
//   M =     |            |   K rows    |  x_g               |        |  col               |
//   Cout/G  |   W_gᵀ     |      x      |  row = one input   |   =    |  row m = (co,ky,kx)|
//   ·kh·kw  |            |             |  channel           |        |  column n = pixel  |
//           +------------+             +--------------------+        +--------------------+
//
//   then col2im (conv/im2col.h: col2imColumns) scatter-adds column n = (y, x), row (co, ky, kx) to
//   out[co][y·strideH - padTop + ky·dilationH][x·strideW - padLeft + kx·dilationW], and the bias.
//   col has the layout of the im2col matrix of the conv this layer is the adjoint of (that conv's
//   N = this layer's input pixels), which is why the same col2im serves both.
//
// Output: Ho = (H - 1)·strideH - padTop - padBottom + dilationH·(kh - 1) + 1 + outputPaddingH
// (conv_geometry.h: transposedOutputExtent), likewise Wo.
// Memory: the col matrix of one group, Cout/G·kh·kw x H·W floats, in column tiles under
// ForwardContext::colMemoryLimit (ctx.colScratch); a 1x1 stride-1 layer without padding writes
// the GEMM straight into the output (col2im is the identity there).
#pragma once

#include <string>
#include <vector>

#include "base/tensor.h"
#include "conv/conv_geometry.h"
#include "layers/layer.h"

namespace convscope::core {

class DeconvolutionLayer : public Layer {
public:
    // weights: Cin x Cout/groups x kh x kw (ONNX ConvTranspose's W, Caffe's Deconvolution blob 0,
    // PyTorch's ConvTranspose2d.weight). params: kernel (must equal the weights' kh x kw), stride,
    // per-side padding (ONNX pads = [top, left, bottom, right] map to padTop, padLeft, padBottom,
    // padRight), dilation, groups (must divide Cin); params.ceilMode is ignored. bias: Cout =
    // weights.c()·groups values, or empty (no bias). outputPaddingH/W: ONNX output_padding, rows
    // and columns added at the bottom/right of the output; each must be smaller than the stride or
    // the dilation along its axis (checked with the input in outputShape). An ONNX output_shape is
    // turned into pads by the importer (total padding = stride·(H-1) + dilation·(k-1) + 1 +
    // outputPadding - outputShape). Throws Error(InvalidConfig) naming the layer when the weights
    // are empty, disagree with the kernel or the groups, or the bias size is not Cout.
    DeconvolutionLayer(std::string name, WindowParams params, Tensor weights,
                       std::vector<float> bias, int outputPaddingH = 0, int outputPaddingW = 0);

    const char* type() const override { return "Deconvolution"; }
    LayerCategory category() const override { return LayerCategory::Conv; }
    // Validates (conv_geometry.h: validateTransposed) and returns n x Cout x Ho x Wo.
    Shape outputShape(std::span<const Shape> inputs) const override;
    // ctx.convMethod Direct runs the reference scatter loops (conv/reference.h); every other
    // method the GEMM + col2im above. Records the GEMM in ctx.conv.gemmSeconds and col2im in
    // ctx.conv.im2colSeconds (the lowering's phase, run the other way), the col tile in colBytes.
    void forward(std::span<const Tensor* const> inputs, Tensor& output,
                 ForwardContext& ctx) const override;
    // The GEMMs' 2·M·N·K per group and image (col2im's additions are not counted, as im2col's
    // copies are not for a conv).
    std::int64_t flops(std::span<const Shape> inputs) const override;
    std::int64_t weightBytes() const override;
    // Per group: M = Cout/groups·kh·kw (rows of col), N = H·W (input pixels), K = Cin/groups.
    GemmShape gemmShape(std::span<const Shape> inputs) const override;
    // "16 4x4 stride 2 pad 1 output padding 1 dilation 2 groups 2" (Cout first, as for a conv).
    std::string describe() const override;

    const WindowParams& params() const { return m_params; }
    const Tensor& weights() const { return m_weights; }  // Cin x Cout/groups x kh x kw
    const std::vector<float>& bias() const { return m_bias; }
    int inChannels() const { return m_weights.n(); }
    int outChannels() const { return m_weights.c() * m_params.groups; }
    int outputPaddingH() const { return m_outputPaddingH; }
    int outputPaddingW() const { return m_outputPaddingW; }

private:
    WindowParams m_params;
    Tensor m_weights;
    std::vector<float> m_bias;
    int m_outputPaddingH = 0, m_outputPaddingW = 0;
};

}  // namespace convscope::core
