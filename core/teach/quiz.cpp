// Quiz questions and answers.
#include "teach/quiz.h"

#include <algorithm>
#include <set>

#include "base/error.h"
#include "teach/conv_stepper.h"

namespace convscope::core {

namespace {

std::string dims(const QuizConfig& c) {
    const WindowParams& p = c.params;
    std::string s = "A " + std::to_string(c.channels) + "×" + std::to_string(c.height) + "×" +
                    std::to_string(c.width) + " input, " + std::to_string(c.filters) + " kernel" +
                    (c.filters > 1 ? "s" : "") + " of " + std::to_string(p.kernelH) + "×" +
                    std::to_string(p.kernelW) + ", stride " + std::to_string(p.strideH) +
                    ", padding " + std::to_string(p.padTop);
    if (p.dilationH > 1) s += ", dilation " + std::to_string(p.dilationH);
    return s + ".";
}

std::string extentWorked(const char* axis, int in, int k, int s, int pad, int d, int out) {
    return std::string(axis) + " = ⌊(" + std::to_string(in) + " + 2·" + std::to_string(pad) +
           " − " + std::to_string(d) + "·(" + std::to_string(k) + " − 1) − 1) / " +
           std::to_string(s) + "⌋ + 1 = " + std::to_string(out);
}

}  // namespace

const char* toString(QuestionKind kind) {
    switch (kind) {
        case QuestionKind::OutputSize:
            return "output size";
        case QuestionKind::CoveredCells:
            return "window";
        case QuestionKind::Im2colShape:
            return "im2col shape";
        case QuestionKind::Im2colBytes:
            return "im2col memory";
        case QuestionKind::GemmShape:
            return "GEMM shape";
    }
    return "?";
}

std::vector<std::pair<int, int>> coveredCells(const QuizConfig& c, int step) {
    const ConvStepper s(c.channels, c.height, c.width, c.params, c.filters);
    std::set<std::pair<int, int>> cells;
    for (const Tap& t : s.window(step))
        cells.insert({t.y + c.params.padTop, t.x + c.params.padLeft});
    return {cells.begin(), cells.end()};
}

Question makeQuestion(QuestionKind kind, const QuizConfig& c, int step) {
    const ConvStepper s(c.channels, c.height, c.width, c.params, c.filters);  // validates
    const WindowParams& p = c.params;
    // Per group, as the GEMM each group runs (conv/im2col.h); the col matrix holds all G groups.
    const Im2colInfo info = s.info();
    const long long K = info.K, N = info.N, M = info.M, G = info.groups;
    const std::string perGroup = G > 1 ? " per group" : "";
    Question q;
    q.kind = kind;
    q.config = c;
    const std::string oh = extentWorked("height", c.height, p.kernelH, p.strideH, p.padTop,
                                        p.dilationH, s.outHeight());
    const std::string ow =
        extentWorked("width", c.width, p.kernelW, p.strideW, p.padLeft, p.dilationW, s.outWidth());
    switch (kind) {
        case QuestionKind::OutputSize:
            q.text = dims(c) + " What is the output's height and width?";
            q.fields = {"height", "width"};
            q.expected.numbers = {s.outHeight(), s.outWidth()};
            q.worked = oh + "; " + ow + ".";
            break;
        case QuestionKind::CoveredCells: {
            q.step = std::clamp(step, 0, s.steps() - 1);
            const int y = s.outY(q.step), x = s.outX(q.step);
            q.text = dims(c) + " Which cells of the padded input does the window of output row " +
                     std::to_string(y) + ", column " + std::to_string(x) + " cover? Click them.";
            q.expected.cells = coveredCells(c, q.step);
            q.worked = "The window starts at padded row " + std::to_string(y) + "·" +
                       std::to_string(p.strideH) + " = " + std::to_string(y * p.strideH) +
                       ", column " + std::to_string(x) + "·" + std::to_string(p.strideW) + " = " +
                       std::to_string(x * p.strideW) + " and takes " + std::to_string(p.kernelH) +
                       "×" + std::to_string(p.kernelW) + " cells" +
                       (p.dilationH > 1 ? ", every " + std::to_string(p.dilationH) + "th" : "") +
                       ": " + std::to_string(q.expected.cells.size()) + " cells.";
            break;
        }
        case QuestionKind::Im2colShape:
            q.text = dims(c) +
                     (G > 1 ? " Each of the " + std::to_string(G) +
                                  " groups' parts of the im2col matrix has K rows and N columns."
                            : std::string(" The im2col matrix has K rows and N columns.")) +
                     " What are K and N?";
            q.fields = {"K", "N"};
            q.expected.numbers = {K, N};
            q.worked = std::string(G > 1 ? "K = (C/G)·kh·kw = " : "K = C·kh·kw = ") +
                       std::to_string(c.channels / p.groups) + "·" + std::to_string(p.kernelH) +
                       "·" + std::to_string(p.kernelW) + " = " + std::to_string(K) +
                       " (one row per weight of a kernel); N = " + oh + " times " + ow + " = " +
                       std::to_string(N) + " (one column per output).";
            break;
        case QuestionKind::Im2colBytes:
            q.text = dims(c) + " How many bytes does its im2col matrix take in float32?";
            q.fields = {"bytes"};
            q.expected.numbers = {info.colBytes};
            q.worked = (G > 1 ? "G·K·N·4 = " + std::to_string(G) + "·" : std::string("K·N·4 = ")) +
                       std::to_string(K) + "·" + std::to_string(N) +
                       "·4 = " + std::to_string(info.colBytes) + " bytes, against " +
                       std::to_string(info.inputBytes) + " for the input itself.";
            break;
        case QuestionKind::GemmShape:
            q.text = dims(c) +
                     (G > 1 ? " Each of its " + std::to_string(G) + " groups is one GEMM"
                            : std::string(" The layer is one GEMM")) +
                     " W (M×K) · col (K×N). What are M, N and K?";
            q.fields = {"M", "N", "K"};
            q.expected.numbers = {M, N, K};
            q.worked = "M = the number of kernels" + perGroup + " = " + std::to_string(M) +
                       "; N = outputs = " + std::to_string(N) +
                       "; K = weights per kernel = " + std::to_string(K) + ".";
            break;
    }
    return q;
}

bool isCorrect(const Question& q, const QuizAnswer& a) {
    if (q.kind == QuestionKind::CoveredCells) {
        std::vector<std::pair<int, int>> cells = a.cells;
        std::sort(cells.begin(), cells.end());
        cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
        return cells == q.expected.cells;
    }
    return a.numbers == q.expected.numbers;
}

QuizConfig Quiz::randomConfig() {
    auto pick = [this](std::initializer_list<int> values) {
        std::uniform_int_distribution<std::size_t> d(0, values.size() - 1);
        return *(values.begin() + d(m_rng));
    };
    for (;;) {
        QuizConfig c;
        c.channels = pick({1, 3});
        c.height = pick({5, 6, 7, 8, 9, 10, 11, 12});
        c.width = pick({5, 6, 7, 8, 9, 10, 11, 12});
        const int k = pick({1, 2, 3, 3, 3, 5});
        c.params = WindowParams::square(k, pick({1, 1, 2, 2, 3}), pick({0, 0, 1, 1, 2}),
                                        pick({1, 1, 1, 2}));
        c.filters = pick({1, 2, 4, 8, 16});
        // The engine runs padding >= kernel (windows of pure padding output the bias), but a
        // question about such a window has nothing to count: the quiz draws again.
        if (c.params.padTop >= c.params.effectiveKernelH()) continue;  // square: one check
        try {
            validate("quiz", c.params, c.channels, c.height, c.width, c.filters);
            ConvStepper(c.channels, c.height, c.width, c.params, c.filters);
            return c;
        } catch (const Error&) {
            // An impossible draw (kernel larger than the input): draw again.
        }
    }
}

Question Quiz::next() {
    const QuizConfig c = randomConfig();
    const auto kind =
        QuestionKind(std::uniform_int_distribution<int>(0, kQuestionKinds - 1)(m_rng));
    const ConvStepper s(c.channels, c.height, c.width, c.params, c.filters);
    const int step = std::uniform_int_distribution<int>(0, s.steps() - 1)(m_rng);
    return makeQuestion(kind, c, step);
}

bool Quiz::answer(const Question& q, const QuizAnswer& a) {
    const bool ok = isCorrect(q, a);
    ++m_asked;
    if (ok) ++m_correct;
    return ok;
}

}  // namespace convscope::core
