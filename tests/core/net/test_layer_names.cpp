// displayName(): real node and blob names from the torchvision zoo, and names that are not paths.
#include <gtest/gtest.h>

#include "net/layer_names.h"

namespace convscope::core {
namespace {

struct Case {
    const char* full;
    const char* shown;
};

TEST(LayerNames, TorchPathsBecomeModuleNames) {
    const Case cases[] = {
        // resnet18
        {"/layer1/layer1.0/conv1/Conv", "layer1.0.conv1"},
        {"/layer1/layer1.0/Add", "layer1.0"},
        {"/layer1/layer1.0/relu_1/Relu", "layer1.0.relu_1"},
        {"/layer2/layer2.0/downsample/downsample.0/Conv", "layer2.0.downsample.0"},
        {"/conv1/Conv", "conv1"},
        {"/fc/Gemm", "fc"},
        // densenet121
        {"/features/denseblock1/denselayer1/conv1/Conv", "features.denseblock1.denselayer1.conv1"},
        {"/features/denseblock1/denselayer2/Concat", "features.denseblock1.denselayer2"},
        {"/features/conv0/Conv", "features.conv0"},
        // mobilenet_v2
        {"/features/features.1/conv/conv.0/conv.0.0/Conv", "features.1.conv.0.0"},
        {"/classifier/classifier.1/Gemm", "classifier.1"},
        // convnext_tiny
        {"/features/features.1/features.1.0/block/block.1/Transpose", "features.1.0.block.1"},
        {"/features/features.1/features.1.0/block/block.3/MatMul", "features.1.0.block.3"},
        // efficientnet_b0
        {"/features/features.2/features.2.0/block/block.1/block.1.0/Conv",
         "features.2.0.block.1.0"},
        // inception_v3, shufflenet_v2
        {"/Mixed_6b/branch_pool/conv/Conv", "Mixed_6b.branch_pool.conv"},
        {"/stage2/stage2.1/Unsqueeze_5", "stage2.1"},
        // the encoder-decoder: an nn.Sequential's numbered children
        {"/4/ConvTranspose", "4"},
    };
    for (const Case& c : cases) EXPECT_EQ(displayName(c.full), c.shown) << "name: " << c.full;
}

TEST(LayerNames, BlobNamesLoseTheOutputSuffix) {
    EXPECT_EQ(displayName("/layer1/layer1.0/conv1/Conv_output_0"), "layer1.0.conv1");
    EXPECT_EQ(displayName("/features/denseblock1/denselayer2/Concat_output_0"),
              "features.denseblock1.denselayer2");
}

TEST(LayerNames, AModulelessNodeKeepsItsOp) {
    EXPECT_EQ(displayName("/Flatten"), "Flatten");
    EXPECT_EQ(displayName("/Flatten_output_0"), "Flatten");
}

TEST(LayerNames, OtherNamesStayAsTheyAre) {
    for (const char* name : {"conv1", "Convolution28", "fc6", "relu5_3", "layer_7", "", "/",
                             "input.1", "output/output", "conv1_output_0"})
        EXPECT_EQ(displayName(name), name) << "name: '" << name << "'";
}

}  // namespace
}  // namespace convscope::core
