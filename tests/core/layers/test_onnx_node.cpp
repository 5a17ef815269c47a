// The ONNX backend node tests (Debian's libonnx-testdata) run through the engine's layers: every
// Conv, ConvTranspose, pooling, Relu, Softmax, LRN, Gemm, Flatten, Concat, BatchNormalization and
// Add case whose semantics the engine has. Each case is its own test, named after the case; cases
// outside the engine's semantics (3-D pooling, broadcasting, training mode, integer types) are
// skipped with the reason. Tolerance: |ours - expected| <= 1e-5 + 1e-4 * |expected|.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <tuple>

#include "conv/conv_geometry.h"
#include "io/onnx_proto.h"
#include "layers/activation.h"
#include "layers/convolution.h"
#include "layers/deconvolution.h"
#include "layers/fully_connected.h"
#include "layers/normalization.h"
#include "layers/pooling.h"
#include "layers/shape_ops.h"
#include "peers/fft_conv.h"
#include "test_util.h"
#ifdef CONVSCOPE_HAVE_ONEDNN
#include "peers/onednn_conv.h"
#endif

using namespace convscope::core;
namespace onnx = convscope::core::io::onnx;
namespace fs = std::filesystem;

namespace {

const char* kNodeDir = "/usr/share/libonnx-testdata/data/node";

const char* kOperatorPrefixes[] = {"test_conv_",      "test_basic_conv_",  "test_convtranspose",
                                   "test_maxpool_",   "test_averagepool_", "test_globalaveragepool",
                                   "test_relu",       "test_softmax_",     "test_lrn",
                                   "test_gemm_",      "test_flatten_",     "test_concat_",
                                   "test_batchnorm_", "test_add"};

std::vector<std::string> nodeCases() {
    std::vector<std::string> cases;
    std::error_code ec;
    if (!fs::is_directory(kNodeDir, ec)) return cases;
    for (const auto& entry : fs::directory_iterator(kNodeDir, ec)) {
        const std::string name = entry.path().filename().string();
        for (const char* prefix : kOperatorPrefixes)
            if (name.rfind(prefix, 0) == 0 && name.find("_expanded") == std::string::npos) {
                cases.push_back(name);
                break;
            }
    }
    std::sort(cases.begin(), cases.end());
    return cases;
}

// An ONNX tensor of rank <= 4 as NCHW with trailing 1s; `spatial1d` puts a rank-3 (N, C, L)
// tensor's length in w: (N, C, 1, L), as 1-D pooling needs.
Tensor toTensor(const onnx::TensorData& t, bool spatial1d = false) {
    std::vector<int> d(t.dims.begin(), t.dims.end());
    if (spatial1d && d.size() == 3) d.insert(d.begin() + 2, 1);
    while (d.size() < 4) d.push_back(1);
    Tensor out(d[0], d[1], d[2], d[3]);
    std::copy(t.values.begin(), t.values.end(), out.data());
    return out;
}

int normalizedAxis(std::int64_t axis, std::size_t rank) {
    return int(axis < 0 ? axis + std::int64_t(rank) : axis);
}

WindowParams windowFrom(const onnx::Node& node, const Shape& in, bool oneD) {
    WindowParams p;
    const auto k = node.ints("kernel_shape"), s = node.ints("strides"), pads = node.ints("pads"),
               d = node.ints("dilations");
    if (oneD) {
        p.kernelW = int(k.at(0));
        if (!s.empty()) p.strideW = int(s[0]);
        if (!pads.empty()) p.padLeft = int(pads[0]), p.padRight = int(pads[1]);
        if (!d.empty()) p.dilationW = int(d[0]);
    } else {
        p.kernelH = int(k.at(0)), p.kernelW = int(k.at(1));
        if (!s.empty()) p.strideH = int(s[0]), p.strideW = int(s[1]);
        // ONNX pads: [h_begin, w_begin, h_end, w_end]
        if (!pads.empty())
            p.padTop = int(pads[0]), p.padLeft = int(pads[1]), p.padBottom = int(pads[2]),
            p.padRight = int(pads[3]);
        if (!d.empty()) p.dilationH = int(d[0]), p.dilationW = int(d[1]);
    }
    p.ceilMode = node.i("ceil_mode", 0) != 0;
    const std::string autoPad = node.s("auto_pad", "NOTSET");
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER")
        applySamePadding(p, in.h, in.w, autoPad == "SAME_UPPER");
    return p;
}

// ConvTranspose as the native importer maps it onto DeconvolutionLayer: the kernel from W
// (Cin x Cout/group x kh x kw), ONNX pads [h_begin, w_begin, h_end, w_end], and output_shape or
// auto_pad SAME_* turned into pads (total = stride·(in-1) + output_padding + dilation·(k-1) + 1 -
// output; SAME_UPPER puts the odd pixel at the end), a negative total into output padding at the
// end. 1-D (N, C, L) runs as (N, C, 1, L).
std::unique_ptr<Layer> convTransposeFrom(const onnx::Node& node, const std::vector<Tensor>& tensors,
                                         bool oneD, const std::string& name) {
    const Tensor& x = tensors[0];
    const Tensor& w = tensors[1];
    WindowParams p;
    p.kernelH = w.h(), p.kernelW = w.w();
    p.groups = int(node.i("group", 1));
    // Per axis (h, w) from an attribute with one value per spatial axis; 1-D fills w only.
    auto perAxis = [&](const char* attribute, int fallback) {
        const std::vector<std::int64_t> v = node.ints(attribute);
        if (v.empty()) return std::pair{fallback, fallback};
        return oneD ? std::pair{fallback, int(v[0])} : std::pair{int(v[0]), int(v[1])};
    };
    std::tie(p.strideH, p.strideW) = perAxis("strides", 1);
    std::tie(p.dilationH, p.dilationW) = perAxis("dilations", 1);
    auto [opH, opW] = perAxis("output_padding", 0);
    const std::vector<std::int64_t> pads = node.ints("pads");
    if (!pads.empty() && oneD) p.padLeft = int(pads[0]), p.padRight = int(pads[1]);
    if (!pads.empty() && !oneD)
        p.padTop = int(pads[0]), p.padLeft = int(pads[1]), p.padBottom = int(pads[2]),
        p.padRight = int(pads[3]);
    const std::string autoPad = node.s("auto_pad", "NOTSET");
    std::vector<std::int64_t> outShape = node.ints("output_shape");
    if (outShape.size() == (oneD ? 3u : 4u))  // a full N, C, ... shape: keep the spatial sizes
        outShape.erase(outShape.begin(), outShape.begin() + 2);
    if (outShape.empty() && (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER")) {
        if (!oneD) outShape.push_back(std::int64_t(x.h()) * p.strideH);
        outShape.push_back(std::int64_t(x.w()) * p.strideW);
    }
    if (!outShape.empty()) {
        const bool upper = autoPad != "SAME_LOWER";
        auto axis = [upper](int in, int k, int s, int d, int wanted, int& begin, int& end,
                            int& op) {
            const int total = s * (in - 1) + op + d * (k - 1) + 1 - wanted;
            if (total < 0) {
                begin = end = 0;
                op -= total;
            } else {
                begin = upper ? total / 2 : total - total / 2;
                end = total - begin;
            }
        };
        if (!oneD)
            axis(x.h(), p.kernelH, p.strideH, p.dilationH, int(outShape[0]), p.padTop, p.padBottom,
                 opH);
        axis(x.w(), p.kernelW, p.strideW, p.dilationW, int(outShape.back()), p.padLeft, p.padRight,
             opW);
    }
    std::vector<float> bias;
    if (tensors.size() > 2) bias.assign(tensors[2].data(), tensors[2].data() + tensors[2].count());
    return std::make_unique<DeconvolutionLayer>(name, p, w, bias, opH, opW);
}

class OnnxNodeTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxNodeTest, MatchesExpectedOutput) {
    const fs::path dir = fs::path(kNodeDir) / GetParam();
    const onnx::Model model = onnx::readModel((dir / "model.onnx").string());
    ASSERT_EQ(model.nodes.size(), 1u) << "node tests have exactly one node";
    const onnx::Node& node = model.nodes[0];
    const fs::path data = dir / "test_data_set_0";
    std::vector<onnx::TensorData> inputs;
    for (int i = 0; fs::exists(data / ("input_" + std::to_string(i) + ".pb")); ++i)
        inputs.push_back(
            onnx::readTensor((data / ("input_" + std::to_string(i) + ".pb")).string()));
    const onnx::TensorData expectedData = onnx::readTensor((data / "output_0.pb").string());
    // uint8 max pooling is exact in float; other integer arithmetic (Add wraps at 256) is not.
    const bool exactInFloat = node.opType == "MaxPool" && expectedData.dataType == 2;
    for (const auto& t : inputs)
        if (t.dataType != 1 && !exactInFloat)
            GTEST_SKIP() << "input type " << t.dataType << " is not float32";
    if (expectedData.dataType != 1 && !exactInFloat) GTEST_SKIP() << "output is not float32";
    for (const auto& t : inputs)
        if (t.dims.size() > 4) GTEST_SKIP() << "rank " << t.dims.size() << " tensors";

    const std::string& op = node.opType;
    const bool pool = op == "MaxPool" || op == "AveragePool";
    const bool oneD = (pool || op == "ConvTranspose") && inputs[0].dims.size() == 3;
    if (pool && inputs[0].dims.size() == 5) GTEST_SKIP() << "3-D pooling";
    std::vector<Tensor> tensors;
    for (const auto& t : inputs) tensors.push_back(toTensor(t, oneD));
    std::unique_ptr<Layer> layer;
    std::vector<const Tensor*> layerInputs{&tensors[0]};
    const std::size_t rank = inputs[0].dims.size();

    if (op == "Conv") {
        WindowParams p = windowFrom(node, tensors[0].shape(), false);
        p.groups = int(node.i("group", 1));
        std::vector<float> bias;
        if (tensors.size() > 2)
            bias.assign(tensors[2].data(), tensors[2].data() + tensors[2].count());
        layer = std::make_unique<ConvolutionLayer>(GetParam(), p, tensors[1], bias);
    } else if (op == "ConvTranspose") {
        layer = convTransposeFrom(node, tensors, oneD, GetParam());
    } else if (pool) {
        // With argmax, output_0 is still the pooled values; the Indices output is not compared.
        const WindowParams p = windowFrom(node, tensors[0].shape(), oneD);
        layer = std::make_unique<PoolingLayer>(
            GetParam(), op == "MaxPool" ? PoolMethod::Max : PoolMethod::Average, p,
            node.i("count_include_pad", 0) != 0);
    } else if (op == "GlobalAveragePool") {
        layer = PoolingLayer::global(GetParam(), PoolMethod::Average);
    } else if (op == "Relu") {
        layer = std::make_unique<ReluLayer>(GetParam());
    } else if (op == "Softmax") {
        const std::int64_t axis = node.i("axis", model.opset >= 13 ? -1 : 1);
        layer = std::make_unique<SoftmaxLayer>(GetParam(), normalizedAxis(axis, rank),
                                               model.opset < 13);
    } else if (op == "LRN") {
        layer =
            std::make_unique<LrnLayer>(GetParam(), int(node.i("size", 0)), node.f("alpha", 1e-4f),
                                       node.f("beta", 0.75f), node.f("bias", 1.0f));
    } else if (op == "Gemm") {
        // Y = alpha * A' B' + beta * C is an fc layer when C is per output (a vector or scalar).
        const onnx::TensorData& A = inputs[0];
        const onnx::TensorData& B = inputs[1];
        const bool transA = node.i("transA", 0), transB = node.i("transB", 0);
        const float alpha = node.f("alpha", 1), beta = node.f("beta", 1);
        const int rows = int(A.dims[transA ? 1 : 0]), K = int(A.dims[transA ? 0 : 1]);
        const int M = int(B.dims[transB ? 0 : 1]);
        std::vector<float> bias;
        if (inputs.size() > 2) {
            const onnx::TensorData& C = inputs[2];
            std::int64_t count = 1;
            for (auto d : C.dims) count *= d;
            if (count == M && (C.dims.size() == 1 || C.dims[0] == 1))
                for (float v : C.values) bias.push_back(beta * v);
            else if (count == 1)
                bias.assign(std::size_t(M), beta * C.values[0]);
            else
                GTEST_SKIP() << "C of shape " << C.dims.size() << "-D with " << count
                             << " values is a matrix bias, not per-output";
        }
        Tensor weights(M, K, 1, 1);  // W[m][k] = alpha * B'[k][m]
        for (int m = 0; m < M; ++m)
            for (int k = 0; k < K; ++k)
                weights.at(m, k, 0, 0) =
                    alpha * B.values[std::size_t(transB ? m * K + k : k * M + m)];
        Tensor x(rows, K, 1, 1);
        for (int r = 0; r < rows; ++r)
            for (int k = 0; k < K; ++k)
                x.at(r, k, 0, 0) = A.values[std::size_t(transA ? k * rows + r : r * K + k)];
        tensors[0] = std::move(x);
        layer = std::make_unique<FullyConnectedLayer>(GetParam(), std::move(weights), bias);
    } else if (op == "Flatten") {
        layer = std::make_unique<FlattenLayer>(GetParam(), normalizedAxis(node.i("axis", 1), rank));
    } else if (op == "Concat") {
        layer = std::make_unique<ConcatLayer>(GetParam(), normalizedAxis(node.i("axis", 0), rank));
        for (std::size_t i = 1; i < tensors.size(); ++i) layerInputs.push_back(&tensors[i]);
    } else if (op == "BatchNormalization") {
        if (node.i("training_mode", 0) || node.outputs.size() > 1) GTEST_SKIP() << "training mode";
        auto values = [](const Tensor& t) {
            return std::vector<float>(t.data(), t.data() + t.count());
        };
        layer = std::make_unique<BatchNormLayer>(GetParam(), values(tensors[3]), values(tensors[4]),
                                                 values(tensors[1]), values(tensors[2]),
                                                 node.f("epsilon", 1e-5f));
    } else if (op == "Add") {
        if (inputs[0].dims != inputs[1].dims) GTEST_SKIP() << "broadcasting Add";
        layer = std::make_unique<AddLayer>(GetParam());
        layerInputs.push_back(&tensors[1]);
    } else {
        GTEST_SKIP() << "operator " << op << " is not an engine layer";
    }

    std::vector<Shape> shapes;
    for (const Tensor* t : layerInputs) shapes.push_back(t->shape());
    Tensor out(layer->outputShape(shapes));
    Tensor expected = toTensor(expectedData, oneD);
    if (op == "Gemm") expected.reshape(out.shape());
    // A conv node checks every rung of the method ladder; other layers have one way to run.
    std::vector<ConvMethod> methods = {ConvMethod::Im2colGemm};
    if (op == "Conv" || op == "ConvTranspose") {  // ConvTranspose: GEMM + col2im, reference
        methods.clear();
        for (const ConvMethodInfo& m : convMethods()) methods.push_back(m.id);
    }
    for (ConvMethod method : methods) {
        ForwardContext ctx;
        ctx.convMethod = method;
        layer->forward(layerInputs, out, ctx);
        EXPECT_TRUE(convscope::test::tensorsClose(
            out, expected, 1e-5, 1e-4, GetParam() + " (" + op + ", " + toString(method) + ")"));
    }
    // The ladder's outside rungs too: the FFT (no dilation) and oneDNN when built in.
    if (op == "Conv") {
        const auto& conv = static_cast<const ConvolutionLayer&>(*layer);
        const WindowParams& p = conv.params();
        if (p.dilationH == 1 && p.dilationW == 1) {
            io::FftConv fft(tensors[0].shape(), p, conv.weights(), conv.bias());
            EXPECT_TRUE(convscope::test::tensorsClose(fft.forward(tensors[0]), expected, 1e-5, 1e-4,
                                                      GetParam() + " (Conv, fft)"));
        }
#ifdef CONVSCOPE_HAVE_ONEDNN
        peers::OneDnnConv dnn(tensors[0].shape(), p, conv.weights(), conv.bias());
        EXPECT_TRUE(convscope::test::tensorsClose(dnn.forward(tensors[0]), expected, 1e-5, 1e-4,
                                                  GetParam() + " (Conv, onednn)"));
#endif
    }
}

std::string caseName(const ::testing::TestParamInfo<std::string>& info) {
    return info.param;
}

INSTANTIATE_TEST_SUITE_P(Node, OnnxNodeTest, ::testing::ValuesIn(nodeCases()), caseName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(OnnxNodeTest);

TEST(OnnxNodeSuite, IsInstalled) {
    if (nodeCases().empty())
        GTEST_SKIP() << kNodeDir
                     << " is missing: apt-get install libonnx-testdata to run the ONNX node tests";
    EXPECT_GE(nodeCases().size(), 80u);
}

}  // namespace
