// Helpers shared by the core tests: seeded tensors and a comparison that reports the full
// configuration and the first mismatching element (index, coordinates, expected, actual).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "conv/conv_geometry.h"

#include "base/error.h"
#include "base/tensor.h"
#include "conv/methods/registry.h"

namespace convscope::core {
// gtest prints shapes as "1x1000 (rank 2)", not as bytes.
inline void PrintTo(const Shape& s, std::ostream* os) {
    *os << s.toString() << " (rank " << s.rank << ")";
}
}  // namespace convscope::core

namespace convscope::test {

core::Tensor randomTensor(core::Shape shape, std::uint32_t seed, float lo = -1.0f, float hi = 1.0f);

// |actual - expected| <= absTol + relTol * |expected| everywhere, else a failure message naming
// `what`, the shapes, the number of mismatches and the first one.
::testing::AssertionResult tensorsClose(const core::Tensor& actual, const core::Tensor& expected,
                                        double absTol, double relTol, const std::string& what);

// Runs f and expects it to throw core::Error of `category` whose message contains `phrase`.
template <class F>
void expectError(F&& f, core::ErrorCategory category, const std::string& phrase) {
    try {
        f();
        ADD_FAILURE() << "expected an error containing '" << phrase << "'";
    } catch (const core::Error& e) {
        EXPECT_EQ(e.category(), category) << e.what();
        EXPECT_NE(std::string(e.what()).find(phrase), std::string::npos) << e.what();
    }
}

// A random conv layer and input with the direct reference's output: the starting point of every
// comparison of a conv method or peer with the reference. weights M x C/groups x kh x kw.
struct ReferenceConv {
    core::WindowParams params;
    core::Tensor input, weights, expected;
    std::vector<float> bias;
};
ReferenceConv referenceConv(core::Shape input, int filters, const core::WindowParams& params,
                            std::uint32_t seed, float bias = 0.25f);

// Every conv method of the registry but the direct reference: what tests compare with it.
std::vector<core::ConvMethod> fastMethods();

// The root of ../shared/data if it exists (tests that need it skip when it does not).
std::string sharedDataDir();

}  // namespace convscope::test
