// The in-tree blocked GEMM against a double-precision triple loop over shapes that hit every edge:
// sizes around the register tile (MR x NR) and the cache blocks (MC, KC, NC), leading dimensions
// larger than the width, and accumulation.
#include <gtest/gtest.h>

#include <cmath>

#include "gemm/blocked_gemm.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::randomTensor;

namespace {
// How the product is called: A packed as it goes with a stored B (read in place when its rows
// are short), or a pre-packed A with B from a packing callback or stored.
enum class Way { Stored, PrePackedCallback, PrePackedStored };
const char* toString(Way w) {
    return w == Way::Stored              ? ""
           : w == Way::PrePackedCallback ? "pre-packed A, callback B, "
                                         : "pre-packed A, stored B, ";
}

void check(int M, int N, int K, bool accumulate, Way way = Way::Stored) {
    const int lda = K + 3, ldb = N + 5, ldc = N + 7;
    const Tensor A = randomTensor({1, 1, M, lda}, 1), B = randomTensor({1, 1, K, ldb}, 2);
    Tensor C = randomTensor({1, 1, M, ldc}, 3);
    const Tensor before = C;
    if (way == Way::PrePackedCallback) {
        const PackedA packed(M, K, A.data(), lda);
        blockedGemm(
            packed, N,
            [&](int k0, int kc, int n0, int nc, float* dst) {
                packRowMajorB(B.data(), ldb, k0, kc, n0, nc, dst);
            },
            C.data(), ldc, accumulate);
    } else if (way == Way::PrePackedStored) {
        const PackedA packed(M, K, A.data(), lda);
        blockedGemm(packed, N, B.data(), ldb, C.data(), ldc, accumulate);
    } else {
        blockedGemm(M, N, K, A.data(), lda, B.data(), ldb, C.data(), ldc, accumulate);
    }
    int bad = 0;
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < ldc; ++j) {
            double expected = before.data()[i * ldc + j];
            if (j < N) {
                double sum = accumulate ? expected : 0.0;
                for (int k = 0; k < K; ++k)
                    sum += double(A.data()[i * lda + k]) * B.data()[k * ldb + j];
                expected = sum;
            }
            const double actual = C.data()[i * ldc + j];
            if (std::fabs(actual - expected) > 1e-4 * (1 + std::sqrt(double(K))) && bad++ == 0)
                ADD_FAILURE() << toString(way) << "M " << M << " N " << N << " K " << K
                              << (accumulate ? " +=" : " =") << ": C[" << i << "][" << j
                              << "] expected " << expected << ", actual " << actual
                              << (j >= N ? " (past N: must be untouched)" : "");
        }
}
}  // namespace

TEST(BlockedGemm, EdgesOfEveryBlock) {
    const BlockedGemmShape s = blockedGemmShape();
    for (int M : {1, s.MR - 1, s.MR, s.MR + 1, s.MC + 5})
        for (int N : {1, s.NR - 1, s.NR + 3, 2 * s.NR})
            for (int K : {1, 7, s.KC, s.KC + 1}) check(M, N, K, false);
}

TEST(BlockedGemm, AcrossTheNcBlockAndAccumulating) {
    const BlockedGemmShape s = blockedGemmShape();
    check(37, s.NC + 29, 100, false);
    check(s.MR * 3, s.NR * 4 + 1, s.KC * 2 + 3, true);
}

TEST(BlockedGemm, TheArticlesGemm) {
    check(256, 192, 1152, false);  // "Why GEMM is at the heart of deep learning"
}

TEST(BlockedGemm, PrePackedAGivesTheSameProducts) {
    const BlockedGemmShape s = blockedGemmShape();
    for (int M : {1, s.MR + 1, s.MC + 5})
        for (int K : {7, s.KC + 1, 2 * s.KC + 3})
            for (Way way : {Way::PrePackedCallback, Way::PrePackedStored})
                check(M, s.NR + 3, K, false, way);
    for (Way way : {Way::PrePackedCallback, Way::PrePackedStored})
        check(s.MR * 3, s.NR * 2, s.KC + 9, true, way);
    // Rows too long to read in place: packed even when stored.
    check(s.MR + 1, 1500, 40, true, Way::PrePackedStored);
}
