// The in-tree blocked GEMM against OpenBLAS's sgemm, the BLAS of the field, on every kernel
// variant this CPU runs: the conv layers' shapes (M filters x K = C·kh·kw x N pixels), edges of
// the register tile, and accumulation. Built only with OpenBLAS (CONVSCOPE_HAVE_OPENBLAS).
#include <gtest/gtest.h>

#include <cmath>

#include "base/isa.h"
#include "gemm/blocked_gemm.h"
#include "peers/blas_gemm.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::randomTensor;

namespace {

struct Product {
    int M, N, K;
};

class BlasGemm : public ::testing::TestWithParam<Isa> {
protected:
    void SetUp() override { setIsa(GetParam()); }
    void TearDown() override { setIsa(bestIsa()); }
};

TEST_P(BlasGemm, TheBlockedGemmAgreesWithOpenBlas) {
    // The article's product, AlexNet conv2 and conv3 (N = 27·27, 13·13), and tile edges.
    for (const Product p : {Product{256, 192, 1152}, Product{256, 729, 2400},
                            Product{384, 169, 2304}, Product{7, 17, 5}, Product{13, 3, 385}})
        for (const bool accumulate : {false, true}) {
            const Tensor A = randomTensor({1, 1, p.M, p.K}, 1), B = randomTensor({1, 1, p.K, p.N}, 2);
            Tensor ours = randomTensor({1, 1, p.M, p.N}, 3);
            Tensor blas = ours;
            blockedGemm(p.M, p.N, p.K, A.data(), p.K, B.data(), p.N, ours.data(), p.N, accumulate);
            peers::blasGemm(p.M, p.N, p.K, A.data(), p.K, B.data(), p.N, blas.data(), p.N,
                            accumulate, 1);
            double worst = 0;
            for (std::int64_t i = 0; i < ours.count(); ++i)
                worst = std::max(worst, double(std::fabs(ours.data()[i] - blas.data()[i])));
            // Both sum K products of values in [-1, 1] in float, in different orders.
            EXPECT_LE(worst, 2e-6 * p.K)
                << isaName(GetParam()) << " M " << p.M << " N " << p.N << " K " << p.K
                << (accumulate ? " +=" : " =") << " against " << peers::blasDescription();
        }
}

INSTANTIATE_TEST_SUITE_P(EveryVariant, BlasGemm, ::testing::ValuesIn(supportedIsas()),
                         [](const auto& info) {
                             std::string name(isaName(info.param));  // "avx2+fma": a gtest name
                             return name.substr(0, name.find('+'));  // takes [A-Za-z0-9_] only
                         });

}  // namespace
