// The conv-method registry (conv/methods/registry.h) and the prepare stage: names resolve both
// ways, and a layer prepared for a method computes what the direct reference does, whether it was
// prepared for that method, for another, or not at all.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "base/isa.h"
#include "layers/convolution.h"
#include "net/network.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::randomTensor;
using convscope::test::tensorsClose;

namespace {

Tensor run(const ConvolutionLayer& conv, const Tensor& in, ConvMethod method) {
    const Shape shape = in.shape();
    Tensor out(conv.outputShape(std::span<const Shape>(&shape, 1)));
    const Tensor* inputs[] = {&in};
    ForwardContext ctx;
    ctx.convMethod = method;
    conv.forward(inputs, out, ctx);
    return out;
}

std::unique_ptr<ConvolutionLayer> makeConv(int filters, int channels, const WindowParams& p,
                                           std::uint32_t seed, std::string name = "conv") {
    return std::make_unique<ConvolutionLayer>(
        std::move(name), p,
        randomTensor({filters, channels / p.groups, p.kernelH, p.kernelW}, seed),
        std::vector<float>(std::size_t(filters), 0.5f));
}

WindowParams window(int k, int stride, int pad, int groups = 1) {
    WindowParams p;
    p.kernelH = p.kernelW = k;
    p.strideH = p.strideW = stride;
    p.padTop = p.padBottom = p.padLeft = p.padRight = pad;
    p.groups = groups;
    return p;
}

}  // namespace

TEST(ConvMethods, RegistryListsEveryMethodOnceInEnumOrder) {
    std::set<std::string> names, labels;
    int i = 0;
    for (const ConvMethodInfo& m : convMethods()) {
        EXPECT_EQ(int(m.id), i++);
        EXPECT_EQ(&methodInfo(m.id), &m);
        EXPECT_TRUE(names.insert(std::string(m.name)).second) << m.name;
        EXPECT_TRUE(labels.insert(std::string(m.label)).second) << m.label;
        EXPECT_FALSE(m.summary.empty()) << m.name;
        // Auto runs another method: it has no run of its own.
        EXPECT_EQ(m.run == nullptr, m.chooses) << m.name;
    }
    EXPECT_EQ(methodInfo(ConvMethod::Direct).name, "direct");
    EXPECT_TRUE(isDirect(ConvMethod::Direct));
    EXPECT_TRUE(isDirect(ConvMethod::DirectSimd));
    EXPECT_FALSE(isDirect(ConvMethod::Im2colGemm));
}

TEST(ConvMethods, NamesAndLabelsResolveAndUnknownNamesDoNot) {
    const std::string all = convMethodNames();
    for (const ConvMethodInfo& m : convMethods()) {
        EXPECT_EQ(convMethodFromName(m.name), m.id) << m.name;
        EXPECT_EQ(convMethodFromName(m.label), m.id) << m.label;
        EXPECT_NE(all.find(std::string(m.name)), std::string::npos) << all;
        EXPECT_STREQ(toString(m.id), std::string(m.label).c_str());
    }
    EXPECT_EQ(convMethodFromName("fft"), std::nullopt);
    EXPECT_EQ(convMethodFromName(""), std::nullopt);
    EXPECT_EQ(convMethodFromName("IM2COL"), std::nullopt);
    EXPECT_EQ(all, "direct, im2col, blocked, implicit, direct-simd, depthwise or auto");
}

// Prepared for the method it runs, for another one, or not at all: the same numbers.
TEST(ConvMethods, PreparedOrNotEveryMethodMatchesTheReference) {
    for (const WindowParams& p : {window(3, 1, 1), window(5, 2, 2, 2), window(1, 1, 0)}) {
        const Tensor in = randomTensor({2, 6, 13, 11}, 12);
        const Tensor expected = run(*makeConv(40, 6, p, 11), in, ConvMethod::Direct);
        for (const ConvMethodInfo& m : convMethods()) {
            const auto owned = makeConv(40, 6, p, 11);  // a new layer: nothing prepared yet
            ConvolutionLayer& conv = *owned;
            const std::string what = std::string(m.name) + ", " + conv.describe();
            const Tensor unprepared = run(conv, in, m.id);
            EXPECT_TRUE(tensorsClose(unprepared, expected, 1e-4, 1e-4, what + ", unprepared"));
            EXPECT_EQ(conv.isPreparedFor(m.id), m.prepare == nullptr && !m.chooses) << what;
            conv.prepare(m.id, in.shape());
            EXPECT_TRUE(conv.isPreparedFor(m.id)) << what;
            EXPECT_TRUE(tensorsClose(run(conv, in, m.id), unprepared, 0, 0, what + ", prepared"));
            for (const ConvMethodInfo& other : convMethods())
                EXPECT_TRUE(
                    tensorsClose(run(conv, in, other.id), expected, 1e-4, 1e-4,
                                 what + ", prepared for it, run by " + std::string(other.name)));
        }
    }
}

// A network prepares itself for the method a forward asks for, and again for another variant.
TEST(ConvMethods, NetworkPreparesForTheMethodAndVariantOfEachForward) {
    Network net("two convs");
    net.setInput("data", 3, 17, 15);
    net.add(makeConv(36, 3, window(3, 1, 1), 21));
    net.add(makeConv(20, 36, window(3, 2, 0), 22, "conv2"));
    const Tensor in = randomTensor(net.inputShape(2), 23);
    ForwardContext ctx;
    ctx.convMethod = ConvMethod::Direct;
    const Tensor expected = net.forward(in, ctx);
    net.prepare(ConvMethod::Im2colBlocked);
    // One packing serves both GEMM-blocked methods.
    EXPECT_TRUE(
        dynamic_cast<const ConvolutionLayer&>(net.layer(0)).isPreparedFor(ConvMethod::Implicit));
    EXPECT_FALSE(
        dynamic_cast<const ConvolutionLayer&>(net.layer(0)).isPreparedFor(ConvMethod::DirectSimd));
    const Isa best = activeIsa();
    for (Isa isa : {best, Isa::Generic}) {
        setIsa(isa);
        for (const ConvMethodInfo& m : convMethods()) {
            ctx.convMethod = m.id;
            const std::string what = std::string(m.name) + " on " + std::string(isaName(isa));
            EXPECT_TRUE(tensorsClose(net.forward(in, ctx), expected, 1e-4, 1e-4, what));
            for (int i = 0; i < net.size(); ++i)
                EXPECT_TRUE(dynamic_cast<const ConvolutionLayer&>(net.layer(i)).isPreparedFor(m.id))
                    << what;
        }
    }
    setIsa(best);
}
