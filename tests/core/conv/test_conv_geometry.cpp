// Output-size arithmetic, SAME padding, and one test per validation error (category + phrase).
#include <gtest/gtest.h>

#include "base/error.h"
#include "conv/conv_geometry.h"

using namespace convscope::core;

TEST(ConvGeometry, OutputExtentKnownAnswers) {
    EXPECT_EQ(outputExtent(227, 11, 4, 0, 0, 1, false), 55);  // AlexNet conv1
    EXPECT_EQ(outputExtent(27, 5, 1, 2, 2, 1, false), 27);    // conv2, "same"
    EXPECT_EQ(outputExtent(256, 3, 4, 1, 1, 1, false), 64);   // 256 -> 64 at stride 4
    EXPECT_EQ(outputExtent(7, 3, 1, 0, 0, 2, false), 3);      // dilation 2: effective kernel 5
    EXPECT_EQ(outputExtent(9, 2, 3, 0, 1, 1, false), 3);      // asymmetric pad
}

TEST(ConvGeometry, CeilModeRoundsUpButNeverStartsInTrailingPadding) {
    EXPECT_EQ(outputExtent(55, 3, 2, 0, 0, 1, true), 27);
    EXPECT_EQ(outputExtent(4, 3, 2, 0, 0, 1, false), 1);
    EXPECT_EQ(outputExtent(4, 3, 2, 0, 0, 1, true), 2);   // ONNX maxpool_2d_ceil
    EXPECT_EQ(outputExtent(13, 3, 2, 0, 0, 1, true), 6);  // AlexNet pool5
    // in 5, kernel 2, stride 2, pad 1: ceil((5+2-2)/2)+1 = 4, but window 3 would start at 6-1=5,
    // which is in the trailing padding only: dropped.
    EXPECT_EQ(outputExtent(5, 2, 2, 1, 1, 1, true), 3);
}

TEST(ConvGeometry, SamePaddingGivesCeilOfInputOverStride) {
    for (int in : {5, 6, 7, 32, 33})
        for (int k : {1, 2, 3, 4, 5})
            for (int s : {1, 2, 3})
                for (bool upper : {true, false}) {
                    WindowParams p = WindowParams::square(k, s);
                    applySamePadding(p, in, in, upper);
                    EXPECT_EQ(outputSize(in, in, p).h, (in + s - 1) / s)
                        << "in " << in << " k " << k << " s " << s;
                    EXPECT_LE(std::abs(p.padTop - p.padBottom), 1);
                    if (p.padTop != p.padBottom) {
                        EXPECT_EQ(p.padTop < p.padBottom, upper);
                    }
                }
}

namespace {
void expectInvalid(const WindowParams& p, int c, int h, int w, int m, const std::string& phrase) {
    try {
        validate("convX", p, c, h, w, m);
        FAIL() << "expected an error containing '" << phrase << "' for " << p.toString();
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::InvalidConfig);
        EXPECT_NE(std::string(e.what()).find(phrase), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("convX"), std::string::npos) << e.what();
    }
}
}  // namespace

TEST(ConvGeometryValidation, ZeroStride) {
    WindowParams p = WindowParams::square(3, 0);
    expectInvalid(p, 3, 8, 8, 4, "stride 0,0 must be at least 1");
}

TEST(ConvGeometryValidation, ZeroKernel) {
    expectInvalid(WindowParams::square(0), 3, 8, 8, 4, "kernel 0x0 must be at least 1x1");
}

TEST(ConvGeometryValidation, ZeroDilation) {
    expectInvalid(WindowParams::square(3, 1, 0, 0), 3, 8, 8, 4, "dilation 0,0 must be at least 1");
}

TEST(ConvGeometryValidation, NegativePadding) {
    WindowParams p = WindowParams::square(3);
    p.padLeft = -1;
    expectInvalid(p, 3, 8, 8, 4, "must not be negative");
}

// Caffe's rule for convolution: padding may equal or exceed the kernel (SqueezeNet v1.0's conv10
// is 1x1 with pad 1); the output size is the same formula.
TEST(ConvGeometry, ConvPaddingMayReachOrExceedTheKernel) {
    EXPECT_NO_THROW(validate("conv10", WindowParams::square(1, 1, 1), 512, 13, 13, 1000));
    EXPECT_EQ(outputSize(13, 13, WindowParams::square(1, 1, 1)).h, 15);
    EXPECT_NO_THROW(validate("c", WindowParams::square(3, 2, 3, 2), 13, 9, 7, 4));
    EXPECT_EQ(outputSize(9, 7, WindowParams::square(3, 2, 3, 2)).h, 6);  // (9+6-5)/2+1
    EXPECT_EQ(outputSize(9, 7, WindowParams::square(3, 2, 3, 2)).w, 5);  // (7+6-5)/2+1
}

// Pooling keeps Caffe's CHECK_LT(pad, kernel): a window of pure padding has nothing to pool.
TEST(ConvGeometryValidation, PoolingPaddingNotSmallerThanKernel) {
    for (const WindowParams& p : {WindowParams::square(3, 1, 3), WindowParams::square(1, 1, 1)}) {
        try {
            validatePooling("poolX", p, 3, 8, 8);
            FAIL() << "expected an error for " << p.toString();
        } catch (const Error& e) {
            EXPECT_EQ(e.category(), ErrorCategory::InvalidConfig);
            EXPECT_NE(std::string(e.what()).find("pooling padding"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("is not smaller than the effective kernel"),
                      std::string::npos)
                << e.what();
            EXPECT_NE(std::string(e.what()).find("poolX"), std::string::npos) << e.what();
        }
    }
    EXPECT_NO_THROW(validatePooling("pool", WindowParams::square(3, 2, 2), 3, 8, 8));
}

TEST(ConvGeometryValidation, PaddedInputTooLargeForIntIsAResourceLimit) {
    try {
        validate("huge", WindowParams::square(3, 1 << 30, 1 << 30), 3, 8, 8, 4);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::ResourceLimit);
        EXPECT_NE(std::string(e.what()).find("the padded input would be 2147483656x"),
                  std::string::npos)
            << e.what();
    }
}

TEST(ConvGeometryValidation, KernelLargerThanPaddedInput) {
    expectInvalid(WindowParams::square(7), 3, 5, 5, 4, "larger than the padded input 5x5");
    expectInvalid(WindowParams::square(3, 1, 0, 3), 3, 6, 6, 4, "kernel 7x7 (with dilation)");
}

TEST(ConvGeometryValidation, ChannelsNotDivisibleByGroups) {
    WindowParams p = WindowParams::square(3);
    p.groups = 2;
    expectInvalid(p, 3, 8, 8, 4, "input channels 3 are not divisible by groups 2");
}

TEST(ConvGeometryValidation, OutputsNotDivisibleByGroups) {
    WindowParams p = WindowParams::square(3);
    p.groups = 2;
    expectInvalid(p, 4, 8, 8, 5, "output channels 5 must be a positive multiple of groups 2");
}

TEST(ConvGeometryValidation, EmptyInput) {
    expectInvalid(WindowParams::square(1), 3, 0, 8, 4, "is empty");
}

TEST(ConvGeometryValidation, GemmTooLargeForIntIsAResourceLimit) {
    try {
        validate("huge", WindowParams::square(1), 3, 100000, 100000, 4);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::ResourceLimit);
        EXPECT_NE(std::string(e.what()).find("N = 10000000000 columns"), std::string::npos)
            << e.what();
    }
}

// Found by the bad-input suite under UBSan (im2col --dilation 1073741824): the dilated span
// overflowed int inside effectiveKernelH().
TEST(ConvGeometryValidation, ADilatedSpanBeyondIntIsRefusedFirst) {
    WindowParams p = WindowParams::square(3, 1, 0, 1 << 30);
    expectInvalid(p, 3, 8, 8, 4, "dilation 1073741824,1073741824 spreads the 3x3 kernel");
    // SAME padding with a zero stride divides by nothing: the window is left for validate().
    WindowParams zero = WindowParams::square(3, 0);
    applySamePadding(zero, 8, 8, true);
    EXPECT_EQ(zero.padTop, 0);
}
