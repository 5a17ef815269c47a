// Quiz: the same questions for the same seed, and every expected answer against the engine itself
// (a conv layer's output shape and GEMM shape, im2col's matrix, the stepper's windows).
#include <gtest/gtest.h>

#include <set>

#include "conv/im2col.h"
#include "layers/convolution.h"
#include "teach/quiz.h"
#include "test_util.h"

using namespace convscope::core;

TEST(Quiz, SameSeedSameQuestions) {
    Quiz a(42), b(42), c(43);
    bool differs = false;
    for (int i = 0; i < 20; ++i) {
        const Question qa = a.next(), qb = b.next(), qc = c.next();
        EXPECT_EQ(qa.text, qb.text);
        EXPECT_EQ(qa.expected.numbers, qb.expected.numbers);
        differs |= qa.text != qc.text;
    }
    EXPECT_TRUE(differs);
}

TEST(Quiz, ExpectedAnswersAreTheEngines) {
    Quiz quiz(7);
    std::set<QuestionKind> seen;
    for (int i = 0; i < 200; ++i) {
        const Question q = quiz.next();
        seen.insert(q.kind);
        const QuizConfig& c = q.config;
        const ConvolutionLayer conv(
            "q", c.params,
            Tensor(c.filters, c.channels / c.params.groups, c.params.kernelH, c.params.kernelW),
            {});
        const Shape in{1, c.channels, c.height, c.width};
        const Shape out = conv.outputShape(std::span<const Shape>(&in, 1));
        const GemmShape g = conv.gemmShape(std::span<const Shape>(&in, 1));
        switch (q.kind) {
            case QuestionKind::OutputSize:
                EXPECT_EQ(q.expected.numbers, (std::vector<long long>{out.h, out.w})) << q.text;
                break;
            case QuestionKind::Im2colShape:
                EXPECT_EQ(q.expected.numbers, (std::vector<long long>{g.K, g.N})) << q.text;
                break;
            case QuestionKind::Im2colBytes:
                EXPECT_EQ(q.expected.numbers[0], 4LL * g.groups * g.K * g.N) << q.text;
                break;
            case QuestionKind::GemmShape:
                EXPECT_EQ(q.expected.numbers, (std::vector<long long>{g.M, g.N, g.K})) << q.text;
                break;
            case QuestionKind::CoveredCells: {
                // im2col of a one-channel image whose pixels are numbered: the step's column holds
                // exactly the covered real pixels (padding reads 0).
                const int H = c.height, W = c.width;
                Tensor img(1, 1, H, W);
                for (int i = 0; i < H * W; ++i) img.data()[i] = float(i + 1);
                WindowParams p = c.params;
                p.groups = 1;
                const int K = p.kernelH * p.kernelW, N = out.h * out.w;
                std::vector<float> col(std::size_t(K) * std::size_t(N));
                im2col(img.data(), 1, H, W, p, col.data());
                std::set<std::pair<int, int>> fromEngine;
                for (int k = 0; k < K; ++k) {
                    const float v = col[std::size_t(k) * std::size_t(N) + std::size_t(q.step)];
                    if (v > 0) {
                        const int idx = int(v) - 1;
                        fromEngine.insert({idx / W + p.padTop, idx % W + p.padLeft});
                    }
                }
                std::set<std::pair<int, int>> realCells;
                for (const auto& cell : q.expected.cells)
                    if (cell.first >= p.padTop && cell.first < p.padTop + H &&
                        cell.second >= p.padLeft && cell.second < p.padLeft + W)
                        realCells.insert(cell);
                EXPECT_EQ(realCells, fromEngine) << q.text;
                EXPECT_EQ(int(q.expected.cells.size()), K) << q.text;  // distinct taps
                break;
            }
        }
        EXPECT_FALSE(q.worked.empty());
    }
    EXPECT_EQ(int(seen.size()), kQuestionKinds);
}

TEST(Quiz, CheckingAndScore) {
    QuizConfig c;
    c.channels = 3;
    c.height = 7;
    c.width = 9;
    c.params = WindowParams::square(3, 2, 1);
    c.filters = 8;
    Quiz quiz(1);
    const Question size = quiz.about(QuestionKind::OutputSize, c);
    EXPECT_EQ(size.expected.numbers, (std::vector<long long>{4, 5}));
    EXPECT_NE(size.worked.find("⌊(7 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 4"), std::string::npos)
        << size.worked;
    EXPECT_TRUE(quiz.answer(size, {{4, 5}, {}}));
    EXPECT_FALSE(quiz.answer(size, {{5, 4}, {}}));
    const Question cells = quiz.about(QuestionKind::CoveredCells, c, 6);  // row 1, column 1
    QuizAnswer a;
    for (int y = 2; y < 5; ++y)
        for (int x = 4; x >= 2; --x) a.cells.push_back({y, x});  // any order
    EXPECT_TRUE(quiz.answer(cells, a));
    a.cells.pop_back();
    EXPECT_FALSE(quiz.answer(cells, a));
    EXPECT_EQ(quiz.asked(), 4);
    EXPECT_EQ(quiz.correct(), 2);
    const Question gemm = quiz.about(QuestionKind::GemmShape, c);
    EXPECT_EQ(gemm.expected.numbers, (std::vector<long long>{8, 20, 27}));
}

// With groups, K is per group (the GEMM each group runs) and the col matrix holds every group's
// rows: its bytes are G·K·N·4, the figure the im2col panel shows beside the quiz.
TEST(Quiz, GroupedLayerAnswersKPerGroupAndBytesOfAllGroups) {
    Quiz quiz(3);
    QuizConfig c;
    c.channels = 6, c.height = 9, c.width = 7, c.filters = 8;
    c.params = WindowParams::square(3, 1, 1);
    c.params.groups = 2;
    const Im2colInfo info = im2colInfo("q", {1, 6, 9, 7}, c.params, 8);
    ASSERT_EQ(info.K, 27);
    ASSERT_EQ(info.N, 63);
    const Question shape = quiz.about(QuestionKind::Im2colShape, c);
    EXPECT_EQ(shape.expected.numbers, (std::vector<long long>{27, 63}));
    EXPECT_NE(shape.text.find("2 groups"), std::string::npos) << shape.text;
    const Question bytes = quiz.about(QuestionKind::Im2colBytes, c);
    EXPECT_EQ(bytes.expected.numbers, (std::vector<long long>{2 * 27 * 63 * 4}));
    EXPECT_EQ(bytes.expected.numbers[0], info.colBytes);
    EXPECT_NE(bytes.worked.find("G·K·N·4 = 2·27·63·4"), std::string::npos) << bytes.worked;
    const Question gemm = quiz.about(QuestionKind::GemmShape, c);
    EXPECT_EQ(gemm.expected.numbers, (std::vector<long long>{4, 63, 27}));
}
