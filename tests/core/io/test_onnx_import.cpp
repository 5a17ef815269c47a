// The native ONNX importer on files written here with the ONNX library: broken and hostile files
// are refused with a message naming the problem; a batch read by Shape stays symbolic; a node the
// engine lacks leaves the model browsable with its filters.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <fstream>
#include <random>

#include "io/onnx_import.h"
#include "layers/convolution.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::expectError;

namespace {

// A model of one graph: x (N x 2 x 5 x 5) -> Conv 3x3 (3 filters) -> ... as the test adds nodes.
struct Builder {
    onnx::ModelProto model;
    onnx::GraphProto* g;

    explicit Builder(int opset = 13) {
        model.set_ir_version(8);
        auto* o = model.add_opset_import();
        o->set_domain("");
        o->set_version(opset);
        g = model.mutable_graph();
        g->set_name("test");
        input("x", {-1, 2, 5, 5});
    }
    void input(const std::string& name, std::vector<std::int64_t> dims) {
        auto* v = g->add_input();
        v->set_name(name);
        auto* t = v->mutable_type()->mutable_tensor_type();
        t->set_elem_type(onnx::TensorProto::FLOAT);
        for (std::int64_t d : dims) {
            auto* dim = t->mutable_shape()->add_dim();
            if (d < 0) dim->set_dim_param("N");
            else dim->set_dim_value(d);
        }
    }
    onnx::TensorProto* floats(const std::string& name, std::vector<std::int64_t> dims,
                              std::uint32_t seed) {
        auto* t = g->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        std::int64_t n = 1;
        for (std::int64_t d : dims) t->add_dims(d), n *= d;
        std::mt19937 rng(seed);
        std::uniform_real_distribution<float> u(-1, 1);
        for (std::int64_t i = 0; i < n; ++i) t->add_float_data(u(rng));
        return t;
    }
    void ints(const std::string& name, std::vector<std::int64_t> values) {
        auto* t = g->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::INT64);
        t->add_dims(std::int64_t(values.size()));
        for (std::int64_t v : values) t->add_int64_data(v);
    }
    onnx::NodeProto* node(const std::string& op, std::vector<std::string> in,
                          std::vector<std::string> out, const std::string& domain = "") {
        auto* n = g->add_node();
        n->set_op_type(op);
        n->set_name(out[0] + "_node");
        n->set_domain(domain);
        for (auto& s : in) n->add_input(s);
        for (auto& s : out) n->add_output(s);
        return n;
    }
    void output(const std::string& name) {
        auto* v = g->add_output();
        v->set_name(name);
        auto* t = v->mutable_type()->mutable_tensor_type();
        t->set_elem_type(onnx::TensorProto::FLOAT);
        t->mutable_shape();  // the checker wants a shape, even an unknown one
    }
    void conv() {
        floats("w", {3, 2, 3, 3}, 1);
        floats("b", {3}, 2);
        auto* n = node("Conv", {"x", "w", "b"}, {"y"});
        auto* a = n->add_attribute();
        a->set_name("pads");
        a->set_type(onnx::AttributeProto::INTS);
        for (int i = 0; i < 4; ++i) a->add_ints(1);
    }
    // Sets an attribute of node k: INTS, or INT when `one` is set.
    void attribute(int k, const std::string& name, std::vector<std::int64_t> values,
                   bool one = false) {
        auto* a = g->mutable_node(k)->add_attribute();
        a->set_name(name);
        a->set_type(one ? onnx::AttributeProto::INT : onnx::AttributeProto::INTS);
        if (one) a->set_i(values.at(0));
        else for (std::int64_t v : values) a->add_ints(v);
    }
    std::string save(const std::string& file) const {
        const std::string path = testing::TempDir() + file;
        std::ofstream out(path, std::ios::binary);
        model.SerializeToOstream(&out);
        return path;
    }
};

TEST(OnnxImport, ConvRunsAndKeepsItsFilters) {
    Builder b;
    b.conv();
    b.output("y");
    const io::ImportedModel m = io::importOnnx(b.save("conv.onnx"));
    ASSERT_TRUE(m.runnable()) << m.problem;
    EXPECT_EQ(m.format, "onnx");
    EXPECT_EQ(m.inputChannels, 2);
    EXPECT_EQ(m.declaredWidth, 5);
    ASSERT_EQ(m.convs.size(), 1u);
    EXPECT_EQ(m.network->inferShapes(1).back(), (Shape{1, 3, 5, 5}));
}

// Found by the bad-input suite: ONNX's own shape inference divided by these (SIGFPE), or the
// int64 was narrowed to an int of 0.
TEST(OnnxImport, ImpossibleWindowAttributesAreRefusedBeforeShapeInference) {
    struct Case {
        const char* attribute;
        std::vector<std::int64_t> values;
        const char* phrase;
    };
    for (const Case& c : {Case{"strides", {0, 0}, "strides [0, 0]; each must be at least 1"},
                          Case{"strides", {std::int64_t(1) << 32, 1}, "at most 2147483647"},
                          Case{"dilations", {1, -1}, "dilations [1, -1]"},
                          Case{"pads", {1, 1, -1, 1}, "pads [1, 1, -1, 1]; each must be 0 or more"},
                          Case{"kernel_shape", {0, 0}, "kernel_shape [0, 0]"}}) {
        Builder b;
        b.conv();
        if (std::string(c.attribute) == "pads")  // replaces conv()'s own
            b.g->mutable_node(0)->mutable_attribute()->DeleteSubrange(0, 1);
        b.attribute(0, c.attribute, c.values);
        b.output("y");
        SCOPED_TRACE(c.phrase);
        expectError([&] { io::importOnnx(b.save("window.onnx")); }, ErrorCategory::InvalidConfig,
                    c.phrase);
    }
}

// Found by the fuzzer: ONNX's checker passes a graph output that nothing produces, and the
// version converter (run for opsets below 7) then dereferenced null.
TEST(OnnxImport, AGraphOutputNothingProducesIsRefusedBeforeTheVersionConverter) {
    for (const int opset : {6, 13}) {
        Builder b(opset);
        b.conv();
        b.output("y");
        b.output("nowhere");
        SCOPED_TRACE(opset);
        expectError([&] { io::importOnnx(b.save("undefined_output.onnx")); }, ErrorCategory::Io,
                    "the graph output 'nowhere' is produced by no node, input or initializer");
    }
}

// Found by the fuzzer: ONNX 1.12's shape inference read a convolution's kernel sides from its
// weights past their end (SEGV) when the weights had fewer or more axes than the input.
TEST(OnnxImport, ConvolutionWeightsOfAnotherRankAreRefusedBeforeShapeInference) {
    for (const char* op : {"Conv", "ConvTranspose"}) {
        SCOPED_TRACE(op);
        {
            Builder b;
            b.floats("w2", {2, 3}, 1);
            b.node(op, {"x", "w2"}, {"y"});
            b.output("y");
            expectError([&] { io::importOnnx(b.save("conv_w_rank2.onnx")); }, ErrorCategory::InvalidConfig,
                        std::string("node 'y_node' (") + op + ") has weights 'w2' of shape [2, 3]; a "
                        "convolution's weights have at least 3 axes");
        }
        {
            Builder b;
            b.floats("w5", {2, 2, 3, 3, 3}, 1);
            b.node(op, {"x", "w5"}, {"y"});
            b.output("y");
            expectError([&] { io::importOnnx(b.save("conv_w_rank5.onnx")); }, ErrorCategory::InvalidConfig,
                        "has weights 'w5' of shape [2, 2, 3, 3, 3] for an input of 4 axes");
        }
        {
            // The input's rank is known only from inference (a Flatten's output): the copy given
            // to inference carries kernel_shape from the weights, and the engine refuses the node.
            Builder b;
            b.floats("w", {3, 2, 3, 3}, 1);
            b.node("Flatten", {"x"}, {"flat"});
            b.node(op, {"flat", "w"}, {"y"});
            b.output("y");
            const io::ImportedModel m = io::importOnnx(b.save("conv_after_flatten.onnx"));
            EXPECT_FALSE(m.runnable());
        }
    }
}

TEST(OnnxImport, GroupsAndKernelShapeMustAgreeWithTheWeights) {
    {
        Builder b;
        b.conv();
        b.attribute(0, "group", {7}, true);
        b.output("y");
        const io::ImportedModel m = io::importOnnx(b.save("group7.onnx"));
        EXPECT_FALSE(m.runnable());
        EXPECT_NE(m.problem.find("is invalid: group 7 must divide its 2 input channels"),
                  std::string::npos)
            << m.problem;
    }
    {
        Builder b;
        b.conv();
        b.attribute(0, "kernel_shape", {5, 5});
        b.output("y");
        const io::ImportedModel m = io::importOnnx(b.save("kernel5.onnx"));
        EXPECT_FALSE(m.runnable());
        EXPECT_NE(m.problem.find("kernel_shape [5, 5] does not match the weights' 3x3 kernel"),
                  std::string::npos)
            << m.problem;
    }
}

TEST(OnnxImport, WeightsShorterThanTheirDimsAreRefusedNotRead) {
    Builder b;
    b.conv();
    b.g->mutable_initializer(0)->mutable_dims()->Set(0, 3000);  // dims promise 1000x the data
    b.output("y");
    expectError([&] { io::importOnnx(b.save("short.onnx")); }, ErrorCategory::Io,
                "declares dims [3000, 2, 3, 3] (54000 values) but holds 54");
}

TEST(OnnxImport, ExternalDataIsRefusedWithHowToFixIt) {
    Builder b;
    b.conv();
    onnx::TensorProto* w = b.g->mutable_initializer(0);
    w->clear_float_data();
    w->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* e = w->add_external_data();
    e->set_key("location");
    e->set_value("w.bin");
    b.output("y");
    expectError([&] { io::importOnnx(b.save("external.onnx")); }, ErrorCategory::Io,
                "save_as_external_data=False");
}

TEST(OnnxImport, NewerOpsetIsRefusedNamingTheRange) {
    Builder b(18);
    b.conv();
    b.output("y");
    expectError([&] { io::importOnnx(b.save("opset18.onnx")); }, ErrorCategory::Io,
                "uses ONNX opset 18; ConvScope reads opsets 7 to 17");
}

TEST(OnnxImport, CheckerFailureIsAnIoError) {
    Builder b;
    b.conv();
    b.node("Relu", {"nothing"}, {"z"});  // reads a value no node makes
    b.output("z");
    expectError([&] { io::importOnnx(b.save("invalid.onnx")); }, ErrorCategory::Io,
                "is not a valid ONNX model (onnx::checker");
}

TEST(OnnxImport, GarbageIsNotAModel) {
    const std::string path = testing::TempDir() + "garbage.onnx";
    std::ofstream(path) << "\x08\x07\x12\xff\xff\xff not protobuf";
    expectError([&] { io::importOnnx(path); }, ErrorCategory::Io, "is not an ONNX model");
}

TEST(OnnxImport, NanWeightsAreRefused) {
    Builder b;
    b.conv();
    b.g->mutable_initializer(0)->set_float_data(4, std::nanf(""));
    b.output("y");
    expectError([&] { io::importOnnx(b.save("nan.onnx")); }, ErrorCategory::InvalidConfig,
                "1 NaN or infinite values");
}

TEST(OnnxImport, AnUnknownOperatorLeavesTheModelBrowsable) {
    Builder b;
    b.conv();
    b.node("FancyNorm", {"y"}, {"z"}, "com.example");
    auto* o = b.model.add_opset_import();
    o->set_domain("com.example");
    o->set_version(1);
    b.output("z");
    const io::ImportedModel m = io::importOnnx(b.save("custom.onnx"));
    EXPECT_FALSE(m.runnable());
    EXPECT_NE(m.problem.find("(FancyNorm) cannot run: operators of the domain 'com.example'"),
              std::string::npos)
        << m.problem;
    EXPECT_NE(m.problem.find("The engine maps: Conv, ConvTranspose"), std::string::npos);
    ASSERT_EQ(m.layers.size(), 2u);
    EXPECT_TRUE(m.layers[0].supported);
    EXPECT_FALSE(m.layers[1].supported);
    EXPECT_EQ(m.convs.size(), 1u);  // the filter gallery still has the conv
}

// torch's x.view(x.size(0), -1) style: Shape -> Gather -> Unsqueeze -> Concat -> Reshape. The
// batch read by Shape must stay symbolic: the folded shape is [N, 75], not [1, 75].
TEST(OnnxImport, ABatchReadByShapeStaysSymbolic) {
    Builder b;
    b.conv();
    b.node("Shape", {"y"}, {"s"});
    b.ints("zero", {0});
    b.ints("rest", {-1});
    auto* gather = b.node("Gather", {"s", "zero"}, {"n"});
    (void)gather;
    b.node("Concat", {"n", "rest"}, {"target"})->add_attribute()->CopyFrom([] {
        onnx::AttributeProto a;
        a.set_name("axis");
        a.set_type(onnx::AttributeProto::INT);
        a.set_i(0);
        return a;
    }());
    b.node("Reshape", {"y", "target"}, {"flat"});
    b.output("flat");
    io::ImportedModel m = io::importOnnx(b.save("batch.onnx"));
    ASSERT_TRUE(m.runnable()) << m.problem;
    Tensor x = convscope::test::randomTensor({3, 2, 5, 5}, 7);
    ForwardContext ctx;
    const Tensor& out = m.network->forward(x, ctx);
    EXPECT_EQ(out.shape(), Shape::of({3, 75}));
    // The same values as the conv alone.
    const Tensor& conv = m.network->blob(0);
    for (std::int64_t i = 0; i < out.count(); ++i) ASSERT_EQ(out.data()[i], conv.data()[i]);
}

TEST(OnnxImport, ConstantsFeedingARunTimeInputAreMaterialised) {
    Builder b;
    b.conv();
    b.floats("extra", {1, 1, 5, 5}, 3);
    b.node("Concat", {"y", "extra"}, {"z"})->add_attribute()->CopyFrom([] {
        onnx::AttributeProto a;
        a.set_name("axis");
        a.set_type(onnx::AttributeProto::INT);
        a.set_i(1);
        return a;
    }());
    b.output("z");
    io::ImportedModel m = io::importOnnx(b.save("concat_const.onnx"));
    ASSERT_TRUE(m.runnable()) << m.problem;
    EXPECT_EQ(m.network->inferShapes(1).back(), (Shape{1, 4, 5, 5}));
}

TEST(OnnxImport, FoldingBatchNormIsAnOptionThatGivesTheSameOutput) {
    Builder b;
    b.conv();
    b.floats("scale", {3}, 4);
    b.floats("shift", {3}, 5);
    b.floats("mean", {3}, 6);
    onnx::TensorProto* var = b.floats("var", {3}, 7);
    for (int i = 0; i < 3; ++i) var->set_float_data(i, 0.5f + float(i));
    b.node("BatchNormalization", {"y", "scale", "shift", "mean", "var"}, {"z"});
    b.node("Relu", {"z"}, {"r"});
    b.output("r");
    const std::string path = b.save("convbn.onnx");
    io::ImportedModel plain = io::importOnnx(path);
    io::OnnxOptions fold;
    fold.foldBatchNorm = true;
    io::ImportedModel folded = io::importOnnx(path, fold);
    ASSERT_TRUE(plain.runnable() && folded.runnable()) << plain.problem << folded.problem;
    EXPECT_EQ(plain.network->size(), 3);
    EXPECT_EQ(folded.network->size(), 2);  // conv (with the BatchNorm in it), relu
    ASSERT_EQ(folded.layers.size(), 3u);    // the file's three nodes stay listed
    EXPECT_NE(folded.layers[1].note.find("folded into conv"), std::string::npos);
    EXPECT_NE(folded.layers[0].note.find("folded into these weights"), std::string::npos);
    // The gallery shows the file's filters, not the folded ones.
    EXPECT_TRUE(convscope::test::tensorsClose(folded.convs[0].weights, plain.convs[0].weights, 0,
                                              0, "filters"));
    const Tensor x = convscope::test::randomTensor({2, 2, 5, 5}, 9);
    ForwardContext a, c;
    const Tensor expected = plain.network->forward(x, a);
    EXPECT_TRUE(convscope::test::tensorsClose(folded.network->forward(x, c), expected, 1e-5, 1e-5,
                                              "folded against plain"));
}

// Mutated files (bytes flipped, cut short) must end in an Error or a model, never in a crash or
// another exception type; a model that imports must run or refuse with an Error.
TEST(OnnxImport, MutatedFilesNeverCrash) {
    Builder b;
    b.conv();
    b.floats("scale", {3}, 4);
    b.floats("shift", {3}, 5);
    b.floats("mean", {3}, 6);
    onnx::TensorProto* var = b.floats("var", {3}, 7);
    for (int i = 0; i < 3; ++i) var->set_float_data(i, 1.0f);
    b.node("BatchNormalization", {"y", "scale", "shift", "mean", "var"}, {"z"});
    b.ints("shape", {0, -1});
    b.node("Reshape", {"z", "shape"}, {"flat"});
    b.output("flat");
    std::string bytes;
    b.model.SerializeToString(&bytes);
    std::mt19937 rng(42);
    const std::string path = testing::TempDir() + "mutated.onnx";
    int imported = 0, ran = 0;
    for (int round = 0; round < 400; ++round) {
        std::string m = bytes;
        const int edits = 1 + int(rng() % 4);
        for (int e = 0; e < edits; ++e) m[rng() % m.size()] = char(rng());
        if (round % 5 == 0) m.resize(rng() % m.size());
        std::ofstream(path, std::ios::binary | std::ios::trunc) << m;
        try {
            io::ImportedModel model = io::importOnnx(path);
            ++imported;
            if (!model.runnable()) continue;
            ForwardContext ctx;
            model.network->forward(Tensor(model.network->inputShape(1)), ctx);
            ++ran;
        } catch (const Error&) {
        } catch (const std::exception& e) {
            ADD_FAILURE() << "round " << round << ": not a convscope Error: " << e.what();
        }
    }
    std::printf("400 mutated files: %d imported, %d ran\n", imported, ran);
}

}  // namespace
