// Built-in AlexNet (CaffeNet) and LeNet definitions.
#include "net/models.h"

#include <cmath>
#include <random>

#include "base/error.h"
#include "layers/activation.h"
#include "layers/convolution.h"
#include "layers/fully_connected.h"
#include "layers/normalization.h"
#include "layers/pooling.h"
#include "layers/shape_ops.h"

namespace convscope::core {

void fillUniform(Tensor& t, std::uint32_t seed, float lo, float hi) {
    std::mt19937 rng(seed);
    // Own mapping from 32-bit draws: std::uniform_real_distribution differs between libraries.
    const float scale = (hi - lo) / 4294967296.0f;
    for (float& v : t.span()) v = lo + scale * float(rng());
}

namespace {

class Builder {
public:
    Builder(Network& net, std::uint32_t seed) : m_net(net), m_seed(seed) {}

    void conv(const char* name, int M, int C, int k, int stride, int pad, int groups) {
        WindowParams p = WindowParams::square(k, stride, pad);
        p.groups = groups;
        Tensor w(M, C / groups, k, k);
        const float bound = std::sqrt(3.0f / float(C / groups * k * k));
        fillUniform(w, m_seed++, -bound, bound);
        m_net.emplace<ConvolutionLayer>(name, p, std::move(w),
                                        std::vector<float>(std::size_t(M), 0.01f));
    }
    void fc(const char* name, int M, int K) {
        Tensor w(M, K, 1, 1);
        const float bound = std::sqrt(3.0f / float(K));
        fillUniform(w, m_seed++, -bound, bound);
        m_net.emplace<FullyConnectedLayer>(name, std::move(w),
                                           std::vector<float>(std::size_t(M), 0.01f));
    }
    void maxPool(const char* name, int k, int stride) {
        WindowParams p = WindowParams::square(k, stride);
        p.ceilMode = true;  // Caffe pooling rounds up
        m_net.emplace<PoolingLayer>(name, PoolMethod::Max, p, true);
    }
    void relu(const char* name) { m_net.emplace<ReluLayer>(name); }

private:
    Network& m_net;
    std::uint32_t m_seed;
};

}  // namespace

std::unique_ptr<Network> makeAlexNet(std::uint32_t seed) {
    auto net = std::make_unique<Network>("alexnet");
    net->setInput("data", 3, 227, 227);
    Builder b(*net, seed);
    b.conv("conv1", 96, 3, 11, 4, 0, 1);
    b.relu("relu1");
    b.maxPool("pool1", 3, 2);
    net->emplace<LrnLayer>("norm1", 5, 1e-4f, 0.75f, 1.0f);
    b.conv("conv2", 256, 96, 5, 1, 2, 2);
    b.relu("relu2");
    b.maxPool("pool2", 3, 2);
    net->emplace<LrnLayer>("norm2", 5, 1e-4f, 0.75f, 1.0f);
    b.conv("conv3", 384, 256, 3, 1, 1, 1);
    b.relu("relu3");
    b.conv("conv4", 384, 384, 3, 1, 1, 2);
    b.relu("relu4");
    b.conv("conv5", 256, 384, 3, 1, 1, 2);
    b.relu("relu5");
    b.maxPool("pool5", 3, 2);
    b.fc("fc6", 4096, 256 * 6 * 6);
    b.relu("relu6");
    net->emplace<DropoutLayer>("drop6");
    b.fc("fc7", 4096, 4096);
    b.relu("relu7");
    net->emplace<DropoutLayer>("drop7");
    b.fc("fc8", 1000, 4096);
    net->emplace<SoftmaxLayer>("prob", 1);
    return net;
}

std::unique_ptr<Network> makeLeNet(std::uint32_t seed) {
    auto net = std::make_unique<Network>("lenet");
    net->setInput("data", 1, 28, 28);
    Builder b(*net, seed);
    b.conv("conv1", 20, 1, 5, 1, 0, 1);
    b.maxPool("pool1", 2, 2);
    b.conv("conv2", 50, 20, 5, 1, 0, 1);
    b.maxPool("pool2", 2, 2);
    b.fc("ip1", 500, 50 * 4 * 4);
    b.relu("relu1");
    b.fc("ip2", 10, 500);
    net->emplace<SoftmaxLayer>("prob", 1);
    return net;
}

std::unique_ptr<Network> convLayerAlone(const Network& net, const std::string& name) {
    const int i = net.indexOf(name);
    const auto* conv = i < 0 ? nullptr : dynamic_cast<const ConvolutionLayer*>(&net.layer(i));
    if (!conv) {
        std::string convs;
        for (int j = 0; j < net.size(); ++j)
            if (dynamic_cast<const ConvolutionLayer*>(&net.layer(j)))
                convs += (convs.empty() ? "" : ", ") + net.layer(j).name();
        throw Error(ErrorCategory::InvalidConfig,
                    "'" + name + "' is not a conv layer of " + net.name() +
                        "; its conv layers are " + (convs.empty() ? std::string("none") : convs));
    }
    const Shape in = net.inputShapes(i, net.inferShapes(1), 1)[0];
    auto alone = std::make_unique<Network>(net.name() + "/" + name);
    alone->setInput("data", in.c, in.h, in.w);
    alone->emplace<ConvolutionLayer>(name, conv->params(), conv->weights(), conv->bias());
    return alone;
}

}  // namespace convscope::core
