// The ONNX backend node tests (Debian's libonnx-testdata) through the native importer: every case
// whose operators are all in the importer's registry is imported, run and compared with the
// expected outputs, each its own test. A Conv case runs every rung of the method ladder, the FFT
// and oneDNN. Inputs the engine needs as constants (a Reshape's shape, a Conv's weights) are given
// as constants. Tolerance: |ours - expected| <= 1e-5 + 1e-4 * |expected|.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "io/onnx_import.h"
#include "layers/convolution.h"
#include "peers/fft_conv.h"
#include "test_util.h"
#ifdef CONVSCOPE_HAVE_ONEDNN
#include "peers/onednn_conv.h"
#endif

using namespace convscope::core;
namespace fs = std::filesystem;

namespace {

const char* kNodeDir = "/usr/share/libonnx-testdata/data/node";

std::set<std::string> registryOps() {
    std::set<std::string> ops;
    std::stringstream ss(io::onnxOperators());
    std::string op;
    while (std::getline(ss, op, ',')) {
        op.erase(0, op.find_first_not_of(' '));
        ops.insert(op);
    }
    return ops;
}

bool readModel(const fs::path& file, onnx::ModelProto& model) {
    std::ifstream in(file, std::ios::binary);
    return in && model.ParseFromIstream(&in);
}

// Every case whose nodes all name an operator of the registry.
std::vector<std::string> nodeCases() {
    std::vector<std::string> cases;
    std::error_code ec;
    if (!fs::is_directory(kNodeDir, ec)) return cases;
    const std::set<std::string> ops = registryOps();
    for (const auto& entry : fs::directory_iterator(kNodeDir, ec)) {
        onnx::ModelProto model;
        if (!readModel(entry.path() / "model.onnx", model)) continue;
        bool all = model.graph().node_size() > 0;
        for (const onnx::NodeProto& n : model.graph().node()) all = all && ops.count(n.op_type());
        if (all) cases.push_back(entry.path().filename().string());
    }
    std::sort(cases.begin(), cases.end());
    return cases;
}

std::string firstOp(const fs::path& dir) {
    onnx::ModelProto model;
    readModel(dir / "model.onnx", model);
    return model.graph().node_size() ? model.graph().node(0).op_type() : "";
}

class OnnxNodeTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxNodeTest, MatchesExpectedOutput) {
    const fs::path dir = fs::path(kNodeDir) / GetParam();
    const fs::path data = dir / "test_data_set_0";
    onnx::ModelProto proto;
    ASSERT_TRUE(readModel(dir / "model.onnx", proto));
    std::set<std::string> initializers;
    for (const auto& t : proto.graph().initializer()) initializers.insert(t.name());
    std::vector<std::string> inputNames;
    for (const auto& v : proto.graph().input())
        if (!initializers.count(v.name())) inputNames.push_back(v.name());

    std::vector<io::OnnxTensor> inputs;
    for (std::size_t i = 0; i < inputNames.size(); ++i) {
        const fs::path file = data / ("input_" + std::to_string(i) + ".pb");
        onnx::TensorProto t;
        std::ifstream in(file, std::ios::binary);
        if (!t.ParseFromIstream(&in) || t.dims_size() + t.data_type() == 0)
            GTEST_SKIP() << "input " << i << " is not a tensor (a sequence or optional)";
        try {
            inputs.push_back(io::readOnnxTensor(file.string()));
        } catch (const Error& e) {
            GTEST_SKIP() << e.what();  // a data type the engine does not read (bfloat16, string)
        }
    }
    std::vector<io::OnnxTensor> expected;
    for (int i = 0; fs::exists(data / ("output_" + std::to_string(i) + ".pb")); ++i) {
        try {
            expected.push_back(io::readOnnxTensor((data / ("output_" + std::to_string(i) + ".pb")).string()));
        } catch (const Error& e) {
            GTEST_SKIP() << e.what();
        }
    }
    for (const io::OnnxTensor& e : expected)
        if (e.integer) GTEST_SKIP() << "an integer output (the engine computes in float32)";

    // First with only the integer inputs as constants; if the engine needs more as constants,
    // every input but the first.
    auto attempt = [&](bool allButFirst) {
        io::OnnxOptions options;
        for (std::size_t i = 0; i < inputs.size(); ++i)
            if (inputs[i].integer || (allButFirst && i > 0))
                options.constantInputs[inputNames[i]] =
                    (data / ("input_" + std::to_string(i) + ".pb")).string();
            else
                options.inputShapes.push_back(inputs[i].tensor.shape());
        return io::importOnnx((dir / "model.onnx").string(), options);
    };
    // A graph of constants only has no run-time input for the engine to take.
    if (std::all_of(inputs.begin(), inputs.end(), [](const io::OnnxTensor& t) { return t.integer; }))
        GTEST_SKIP() << "no float input: the graph computes constants only";
    io::ImportedModel model = attempt(false);
    bool allButFirst = false;
    if (!model.runnable() && model.problem.find("needs it as a constant") != std::string::npos) {
        model = attempt(true);
        allButFirst = true;
    }
    if (!model.runnable()) GTEST_SKIP() << model.problem;
    ASSERT_EQ(model.outputs.size(), proto.graph().output_size());

    std::vector<const Tensor*> runtime;
    for (std::size_t i = 0; i < inputs.size(); ++i)
        if (!(inputs[i].integer || (allButFirst && i > 0))) runtime.push_back(&inputs[i].tensor);
    Network& net = *model.network;
    const std::string op = firstOp(dir);
    std::vector<ConvMethod> methods = {kDefaultConvMethod};
    if (op == "Conv" || op == "ConvTranspose") {
        methods.clear();
        for (const ConvMethodInfo& m : convMethods()) methods.push_back(m.id);
    }
    for (ConvMethod method : methods) {
        ForwardContext ctx;
        ctx.convMethod = method;
        net.forward(runtime, ctx);
        for (std::size_t k = 0; k < expected.size() && k < model.outputs.size(); ++k) {
            const Tensor& ours = net.blob(model.outputs[k]);
            EXPECT_EQ(ours.shape().dims(), expected[k].tensor.shape().dims())
                << "output " << k << ": " << ours.shape().toString() << " against "
                << expected[k].tensor.shape().toString();
            if (ours.count() != expected[k].tensor.count()) continue;
            Tensor e = expected[k].tensor;
            e.reshape(ours.shape());
            EXPECT_TRUE(convscope::test::tensorsClose(ours, e, 1e-5, 1e-4,
                                                      GetParam() + " output " + std::to_string(k) +
                                                          " (" + op + ", " + toString(method) + ")"));
        }
    }
    // The ladder's outside rungs for a lone conv: the FFT (no dilation) and oneDNN when built in.
    if (op == "Conv" && net.size() == 1 && runtime.size() == 1) {
        const auto& conv = dynamic_cast<const ConvolutionLayer&>(net.layer(0));
        const WindowParams& p = conv.params();
        const Tensor& x = *runtime[0];
        Tensor e = expected[0].tensor;
        e.reshape(net.blob(0).shape());
        if (p.dilationH == 1 && p.dilationW == 1) {
            io::FftConv fft(x.shape(), p, conv.weights(), conv.bias());
            EXPECT_TRUE(convscope::test::tensorsClose(fft.forward(x), e, 1e-5, 1e-4,
                                                      GetParam() + " (Conv, fft)"));
        }
#ifdef CONVSCOPE_HAVE_ONEDNN
        peers::OneDnnConv dnn(x.shape(), p, conv.weights(), conv.bias());
        EXPECT_TRUE(convscope::test::tensorsClose(dnn.forward(x), e, 1e-5, 1e-4,
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
    EXPECT_GE(nodeCases().size(), 300u);
}

}  // namespace
