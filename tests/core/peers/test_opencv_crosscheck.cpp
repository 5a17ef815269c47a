// Cross-checks with a real peer: the same layers and networks in OpenCV's dnn module.
// Tolerance: |ours - opencv| <= 1e-4 * max(1, |opencv|) element-wise (both are float32 GEMMs with
// different summation orders).
#include <gtest/gtest.h>

#include <cmath>

#include "layers/activation.h"
#include "layers/convolution.h"
#include "layers/deconvolution.h"
#include "layers/normalization.h"
#include "layers/pooling.h"
#include "layers/shape_ops.h"
#include "net/models.h"
#include "peers/opencv_reference.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::randomTensor;
using convscope::test::tensorsClose;

namespace {
const Tensor& ours(Network& net, const Tensor& in) {
    ForwardContext ctx;
    return net.forward(in, ctx);
}
}  // namespace

TEST(OpenCvCrossCheck, AlexNetEveryLayer) {
    auto net = makeAlexNet(5);
    io::OpenCvNet peer(*net);
    peer.setFusion(false);  // intermediate blobs must not be overwritten by fused ReLUs
    const Tensor in = randomTensor(net->inputShape(1), 9, 0, 1);
    ours(*net, in);
    for (int i = 0; i < net->size(); ++i) {
        const std::string name = net->layer(i).name();
        if (name.rfind("drop", 0) == 0) continue;  // OpenCV skips dropout entirely: no blob
        Tensor theirs = peer.forward(in, name);
        const Tensor& mine = net->blob(i);
        theirs.reshape(mine.shape());
        double scale = 0;
        for (float v : theirs.span()) scale = std::max(scale, double(std::fabs(v)));
        EXPECT_TRUE(
            tensorsClose(mine, theirs, 1e-4 * std::max(1.0, scale), 1e-4, "AlexNet " + name));
    }
}

TEST(OpenCvCrossCheck, LeNetBatch3) {
    auto net = makeLeNet(2);
    io::OpenCvNet peer(*net);
    const Tensor in = randomTensor(net->inputShape(3), 4, 0, 1);
    Tensor theirs = peer.forward(in);
    const Tensor& mine = ours(*net, in);
    theirs.reshape(mine.shape());
    EXPECT_TRUE(tensorsClose(mine, theirs, 1e-6, 1e-4, "LeNet batch 3"));
}

TEST(OpenCvCrossCheck, OddConvolutionsAndPools) {
    struct Case {
        int c, h, w, m, k, s, pad, dil, g;
    } cases[] = {{3, 9, 7, 4, 3, 1, 1, 1, 1},
                 {13, 9, 7, 5, 3, 2, 0, 1, 1},
                 {4, 12, 11, 6, 3, 1, 2, 2, 2},
                 {6, 15, 13, 9, 5, 3, 2, 1, 3},
                 {8, 7, 9, 8, 3, 1, 1, 1, 8}};
    std::uint32_t seed = 50;
    for (const Case& t : cases) {
        Network net("odd");
        net.setInput("data", t.c, t.h, t.w);
        WindowParams p = WindowParams::square(t.k, t.s, t.pad, t.dil);
        p.groups = t.g;
        std::vector<float> bias(std::size_t(t.m), 0.25f);
        net.emplace<ConvolutionLayer>("conv", p, randomTensor({t.m, t.c / t.g, t.k, t.k}, seed++),
                                      bias);
        WindowParams pool = WindowParams::square(2, 2);
        pool.ceilMode = true;
        net.emplace<PoolingLayer>("pool", PoolMethod::Average, pool, false);
        io::OpenCvNet peer(net);
        const Tensor in = randomTensor(net.inputShape(2), seed++);
        Tensor theirs = peer.forward(in);
        const Tensor& mine = ours(net, in);
        theirs.reshape(mine.shape());
        EXPECT_TRUE(tensorsClose(mine, theirs, 1e-4, 1e-4,
                                 "conv " + std::to_string(t.m) + "x" + std::to_string(t.c) + " k" +
                                     std::to_string(t.k) + " s" + std::to_string(t.s) + " g" +
                                     std::to_string(t.g) + " + ave pool"));
    }
}

TEST(OpenCvCrossCheck, SqueezeNetFireAndResNetBlock) {
    // A SqueezeNet fire module (squeeze 1x1, expand 1x1 and 3x3, concat) feeding a ResNet basic
    // block (conv-BN-ReLU-conv-BN + shortcut, ReLU), then global average pooling.
    Network net("fire-res");
    net.setInput("data", 8, 11, 13);
    std::uint32_t seed = 70;
    auto conv = [&](const char* name, int m, int c, int k, std::vector<std::string> in) {
        WindowParams p = WindowParams::square(k, 1, k / 2);
        net.add(std::make_unique<ConvolutionLayer>(name, p, randomTensor({m, c, k, k}, seed++),
                                                   std::vector<float>(std::size_t(m), 0.05f)),
                std::move(in));
    };
    auto bn = [&](const char* name, int c, const char* in) {
        const std::size_t n = std::size_t(c);
        std::vector<float> mean(n), var(n), scale(n), shift(n);
        for (int i = 0; i < c; ++i) {
            mean[std::size_t(i)] = 0.1f * float(i % 3);
            var[std::size_t(i)] = 0.5f + 0.1f * float(i % 4);
            scale[std::size_t(i)] = 1.0f - 0.05f * float(i);
            shift[std::size_t(i)] = 0.02f * float(i);
        }
        net.add(std::make_unique<BatchNormLayer>(name, mean, var, scale, shift, 1e-5f), {in});
    };
    conv("squeeze", 4, 8, 1, {"data"});
    net.add(std::make_unique<ReluLayer>("squeeze_relu"), {"squeeze"});
    conv("expand1", 6, 4, 1, {"squeeze_relu"});
    conv("expand3", 6, 4, 3, {"squeeze_relu"});
    net.add(std::make_unique<ConcatLayer>("fire"), {"expand1", "expand3"});
    conv("res_a", 12, 12, 3, {"fire"});
    bn("res_a_bn", 12, "res_a");
    net.add(std::make_unique<ReluLayer>("res_a_relu"), {"res_a_bn"});
    conv("res_b", 12, 12, 3, {"res_a_relu"});
    bn("res_b_bn", 12, "res_b");
    net.add(std::make_unique<AddLayer>("res_sum"), {"res_b_bn", "fire"});
    net.add(std::make_unique<ReluLayer>("res_relu"), {"res_sum"});
    net.add(PoolingLayer::global("gap", PoolMethod::Average), {"res_relu"});

    io::OpenCvNet peer(net);
    const Tensor in = randomTensor(net.inputShape(2), 90);
    ours(net, in);
    Tensor fused = peer.forward(in);  // with OpenCV's fusion, as it normally runs
    fused.reshape(net.blob(net.size() - 1).shape());
    EXPECT_TRUE(tensorsClose(net.blob(net.size() - 1), fused, 1e-4, 1e-4, "fire/res block output"));
    peer.setFusion(false);
    for (const char* name : {"fire", "res_a", "res_a_bn", "res_sum", "gap"}) {
        Tensor theirs = peer.forward(in, name);
        const Tensor& mine = net.blob(net.indexOf(name));
        theirs.reshape(mine.shape());
        EXPECT_TRUE(tensorsClose(mine, theirs, 1e-4, 1e-4, std::string("fire/res block: ") + name));
    }
}

// The encoder-decoder: conv (stride 2) -> ReLU -> transposed conv 4x4 stride 2 pad 1 ->
// ReLU -> grouped transposed conv 3x3 stride 2 pad 1 with output padding 1 -> 1x1 conv, layer by
// layer against OpenCV's Deconvolution.
TEST(OpenCvCrossCheck, EncoderDecoderWithTransposedConvolutions) {
    Network net("encoder-decoder");
    net.setInput("data", 3, 13, 11);
    std::uint32_t seed = 110;
    net.emplace<ConvolutionLayer>("enc", WindowParams::square(3, 2, 1),
                                  randomTensor({8, 3, 3, 3}, seed++), std::vector<float>(8, 0.1f));
    net.emplace<ReluLayer>("enc_relu");
    net.emplace<DeconvolutionLayer>("dec1", WindowParams::square(4, 2, 1),
                                    randomTensor({8, 6, 4, 4}, seed++),
                                    std::vector<float>(6, -0.05f));
    net.emplace<ReluLayer>("dec1_relu");
    WindowParams grouped = WindowParams::square(3, 2, 1);
    grouped.groups = 2;
    net.emplace<DeconvolutionLayer>("dec2", grouped, randomTensor({6, 2, 3, 3}, seed++),
                                    std::vector<float>(4, 0.2f), 1, 1);
    net.emplace<ConvolutionLayer>("head", WindowParams::square(1),
                                  randomTensor({2, 4, 1, 1}, seed++), std::vector<float>{});
    EXPECT_EQ(net.inferShapes(1)[2], (Shape{1, 6, 14, 12}));  // (7-1)*2 - 2 + 4, (6-1)*2 - 2 + 4
    EXPECT_EQ(net.inferShapes(1)[4], (Shape{1, 4, 28, 24}));  // 13*2 - 2 + 3 + 1, 11*2 - 2 + 3 + 1
    io::OpenCvNet peer(net);
    peer.setFusion(false);
    const Tensor in = randomTensor(net.inputShape(2), seed++);
    ours(net, in);
    for (int i = 0; i < net.size(); ++i) {
        const std::string name = net.layer(i).name();
        Tensor theirs = peer.forward(in, name);
        const Tensor& mine = net.blob(i);
        theirs.reshape(mine.shape());
        EXPECT_TRUE(tensorsClose(mine, theirs, 1e-4, 1e-4, "encoder-decoder " + name));
    }
}
