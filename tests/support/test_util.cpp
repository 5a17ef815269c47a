// Test helpers: random tensors, tolerant comparison with a useful failure message, shared data.
#include "test_util.h"

#include <cmath>
#include <filesystem>
#include <sstream>

#include "layers/convolution.h"
#include "net/models.h"

namespace convscope::test {

core::Tensor randomTensor(core::Shape shape, std::uint32_t seed, float lo, float hi) {
    core::Tensor t(shape);
    core::fillUniform(t, seed, lo, hi);
    return t;
}

::testing::AssertionResult tensorsClose(const core::Tensor& actual, const core::Tensor& expected,
                                        double absTol, double relTol, const std::string& what) {
    // The same dimensions, whatever the rank records: a rank-2 1x37 matches a 1x37x1x1 built as
    // the engine's image-world tensors are.
    auto significant = [](const core::Shape& sh) {
        std::vector<std::int64_t> d;
        for (int i = 0; i < core::Shape::kMaxRank; ++i) d.push_back(sh.dim(i));
        while (!d.empty() && d.back() == 1) d.pop_back();
        return d;
    };
    if (significant(actual.shape()) != significant(expected.shape()))
        return ::testing::AssertionFailure() << what << ": shape " << actual.shape().toString()
                                             << " != expected " << expected.shape().toString();
    std::int64_t bad = 0, first = -1;
    for (std::int64_t i = 0; i < actual.count(); ++i) {
        const double a = actual.data()[i], e = expected.data()[i];
        if (!(std::fabs(a - e) <= absTol + relTol * std::fabs(e))) {
            if (first < 0) first = i;
            ++bad;
        }
    }
    if (bad == 0) return ::testing::AssertionSuccess();
    const core::Shape& s = actual.shape();
    const std::int64_t x = first % s.w, y = first / s.w % s.h, c = first / s.plane() % s.c,
                       n = first / s.perImage();
    std::ostringstream msg;
    msg << what << ": " << bad << " of " << actual.count() << " elements differ (shape "
        << s.toString() << ", tolerance " << absTol << " + " << relTol << "*|expected|); first at "
        << "index " << first << " (n " << n << ", c " << c << ", y " << y << ", x " << x
        << "): expected " << expected.data()[first] << ", actual " << actual.data()[first];
    return ::testing::AssertionFailure() << msg.str();
}

ReferenceConv referenceConv(core::Shape input, int filters, const core::WindowParams& params,
                            std::uint32_t seed, float bias) {
    ReferenceConv r;
    r.params = params;
    r.input = randomTensor(input, seed);
    r.weights =
        randomTensor({filters, input.c / params.groups, params.kernelH, params.kernelW}, seed + 1);
    r.bias.assign(std::size_t(filters), bias);
    const core::OutputSize out = core::outputSize(input.h, input.w, params);
    r.expected = core::Tensor(input.n, filters, out.h, out.w);
    core::convolveDirect(r.input, r.weights, r.bias, params, r.expected);
    return r;
}

std::vector<core::ConvMethod> fastMethods() {
    std::vector<core::ConvMethod> methods;
    for (const core::ConvMethodInfo& m : core::convMethods())
        if (m.id != core::ConvMethod::Direct) methods.push_back(m.id);
    return methods;
}

std::string sharedDataDir() {
    for (const char* candidate : {CONVSCOPE_SOURCE_DIR "/../shared/data", "../shared/data"}) {
        std::error_code ec;
        if (std::filesystem::is_directory(candidate, ec)) return candidate;
    }
    return {};
}

}  // namespace convscope::test
