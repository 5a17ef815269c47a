// Quiz: questions on a convolution's geometry, generated from a seed (a class gets the same
// questions), answered from the engine's own formulas (outputExtent, ConvStepper), each with its
// worked answer. Kinds: the output size; the input cells a step's window covers; the im2col
// matrix's K and N; its size in bytes; the GEMM's M, N, K.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "conv/conv_geometry.h"

namespace convscope::core {

enum class QuestionKind { OutputSize, CoveredCells, Im2colShape, Im2colBytes, GemmShape };
constexpr int kQuestionKinds = 5;
const char* toString(QuestionKind kind);

// A conv layer over one C x H x W input.
struct QuizConfig {
    int channels = 3, height = 8, width = 8;
    WindowParams params = WindowParams::square(3, 1, 1);
    int filters = 4;
};

struct QuizAnswer {
    std::vector<long long> numbers;          // in the order the question names them
    std::vector<std::pair<int, int>> cells;  // (row, column) in padded input coordinates
};

struct Question {
    QuestionKind kind = QuestionKind::OutputSize;
    QuizConfig config;
    int step = 0;                     // CoveredCells: the step asked about
    std::string text;                 // the question
    std::vector<std::string> fields;  // names of the numbers asked for ("height", "width")
    QuizAnswer expected;
    std::string worked;  // the worked answer, with the formula and the numbers
};

// Padded input coordinates: the top-left input pixel is (padTop, padLeft).
std::vector<std::pair<int, int>> coveredCells(const QuizConfig& config, int step);

Question makeQuestion(QuestionKind kind, const QuizConfig& config, int step = 0);
// Order does not matter for cells; numbers must match exactly.
bool isCorrect(const Question& question, const QuizAnswer& answer);

class Quiz {
public:
    explicit Quiz(std::uint32_t seed) : m_seed(seed), m_rng(seed) {}
    std::uint32_t seed() const { return m_seed; }
    // A random valid configuration and question kind (the same sequence for the same seed).
    Question next();
    // A question on a given configuration (the one on screen).
    Question about(QuestionKind kind, const QuizConfig& config, int step = 0) const {
        return makeQuestion(kind, config, step);
    }
    // Checks an answer and keeps the score.
    bool answer(const Question& question, const QuizAnswer& answer);
    int asked() const { return m_asked; }
    int correct() const { return m_correct; }

private:
    QuizConfig randomConfig();
    std::uint32_t m_seed;
    std::mt19937 m_rng;
    int m_asked = 0, m_correct = 0;
};

}  // namespace convscope::core
