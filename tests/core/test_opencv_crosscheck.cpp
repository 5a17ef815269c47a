// Cross-checks with a real peer: the same layers and networks in OpenCV's dnn module.
// Tolerance: |ours - opencv| <= 1e-4 * max(1, |opencv|) element-wise (both are float32 GEMMs with
// different summation orders).
#include <gtest/gtest.h>

#include <cmath>

#include "io/opencv_reference.h"
#include "layers/convolution.h"
#include "layers/pooling.h"
#include "models.h"
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
        EXPECT_TRUE(tensorsClose(mine, theirs, 1e-4 * std::max(1.0, scale), 1e-4, "AlexNet " + name));
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
    } cases[] = {{3, 9, 7, 4, 3, 1, 1, 1, 1}, {13, 9, 7, 5, 3, 2, 0, 1, 1}, {4, 12, 11, 6, 3, 1, 2, 2, 2},
                 {6, 15, 13, 9, 5, 3, 2, 1, 3}, {8, 7, 9, 8, 3, 1, 1, 1, 8}};
    std::uint32_t seed = 50;
    for (const Case& t : cases) {
        Network net("odd");
        net.setInput("data", t.c, t.h, t.w);
        WindowParams p = WindowParams::square(t.k, t.s, t.pad, t.dil);
        p.groups = t.g;
        std::vector<float> bias(std::size_t(t.m), 0.25f);
        net.emplace<ConvolutionLayer>("conv", p, randomTensor({t.m, t.c / t.g, t.k, t.k}, seed++), bias);
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
