// Kernel presets and colour maps.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "render/color_map.h"
#include "teach/kernel_presets.h"

using namespace convscope::core;

TEST(KernelPresets, TextbookThreeByThree) {
    EXPECT_EQ(presetPlane(KernelPreset::SobelX, 3, 3),
              (std::vector<float>{1, 0, -1, 2, 0, -2, 1, 0, -1}));
    EXPECT_EQ(presetPlane(KernelPreset::Laplacian, 3, 3),
              (std::vector<float>{0, 1, 0, 1, -4, 1, 0, 1, 0}));
    EXPECT_EQ(presetPlane(KernelPreset::Identity, 3, 3),
              (std::vector<float>{0, 0, 0, 0, 1, 0, 0, 0, 0}));
}

TEST(KernelPresets, EverySizeIsFiniteWithTheRightSums) {
    for (const PresetInfo& info : kernelPresets())
        for (int kh = 1; kh <= 15; kh += 2)
            for (int kw : {1, 2, 3, 5, 15}) {
                const std::vector<float> p = presetPlane(info.preset, kh, kw);
                ASSERT_EQ(p.size(), std::size_t(kh * kw)) << info.name;
                double sum = 0;
                for (float v : p) {
                    ASSERT_TRUE(std::isfinite(v)) << info.name << " " << kh << "x" << kw;
                    sum += v;
                }
                const bool averaging = info.preset == KernelPreset::BoxBlur ||
                                       info.preset == KernelPreset::GaussianBlur ||
                                       info.preset == KernelPreset::Identity ||
                                       info.preset == KernelPreset::Sharpen;
                const bool zeroMean = info.preset >= KernelPreset::Gabor0 && kh * kw > 1;
                if (averaging) {
                    EXPECT_NEAR(sum, 1.0, 1e-5) << info.name << " " << kh << "x" << kw;
                } else if (zeroMean) {
                    EXPECT_NEAR(sum, 0.0, 1e-5) << info.name << " " << kh << "x" << kw;
                }
            }
}

TEST(KernelPresets, WeightsSpreadOverChannelsAndRotateForLaterFilters) {
    const Tensor w = kernelWeights(KernelPreset::SobelX, 2, 3, 3, 3);
    EXPECT_FLOAT_EQ(w.at(0, 2, 1, 0), 2.0f / 3);
    // Filter 1: a quarter turn of Sobel x is a Sobel y (up to sign).
    EXPECT_FLOAT_EQ(std::fabs(w.at(1, 0, 0, 1)), 2.0f / 3);
    EXPECT_FLOAT_EQ(w.at(1, 0, 1, 0), 0.0f);
}

TEST(ColorMap, EndpointsAndDivergingCentre) {
    const Rgb lo = colorAt(ColorMapKind::Sequential, 0), hi = colorAt(ColorMapKind::Sequential, 1);
    EXPECT_EQ(lo.r, 68);
    EXPECT_EQ(hi.g, 231);
    const Rgb zero = mapValue(ColorMapKind::Diverging, 0, -3, 1);
    EXPECT_EQ(zero.r, 247);
    EXPECT_EQ(zero.b, 247);
    const Rgb neg = mapValue(ColorMapKind::DivergingSafe, -3, -3, 1);
    EXPECT_GT(neg.b, neg.r);
    const Rgb nan = mapValue(ColorMapKind::Sequential, NAN, 0, 1);
    EXPECT_EQ(nan.r, 255);
    EXPECT_EQ(nan.g, 0);
}
