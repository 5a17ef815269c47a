// --method auto (conv/methods/auto_choice.h): the candidates it times, the choice it keeps (in the
// process and in its file), what a network run by it computes and reports, and that a damaged
// choice file costs only the memory.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <unistd.h>

#include "base/error.h"
#include "base/isa.h"
#include "base/runtime.h"
#include "conv/methods/auto_choice.h"
#include "conv/methods/method.h"
#include "layers/convolution.h"
#include "measure/profile.h"
#include "net/network.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::randomTensor;
using convscope::test::tensorsClose;

namespace {

WindowParams window(int k, int stride, int pad, int groups = 1) {
    WindowParams p = WindowParams::square(k, stride, pad);
    p.groups = groups;
    return p;
}

struct ConvData {
    Tensor weights;
    std::vector<float> bias;
    WindowParams params;
    ConvLayerData data() const { return {params, weights, bias}; }
};

ConvData layer(int filters, int channels, const WindowParams& p, std::uint32_t seed = 3) {
    return {randomTensor({filters, channels / p.groups, p.kernelH, p.kernelW}, seed),
            std::vector<float>(std::size_t(filters), 0.25f), p};
}

// A choice file of the test's own, removed after.
struct TempFile {
    // Of this process (two builds' tests may run at once) and removed first.
    std::string path = (std::filesystem::temp_directory_path() /
                        ("convscope_auto_" + std::to_string(getpid()) + "_" +
                         ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".txt"))
                           .string();
    TempFile() { std::filesystem::remove(path); }
    ~TempFile() {
        setConvMethodChoiceFile("");
        std::filesystem::remove(path);
    }
    std::vector<std::string> lines() const {
        std::ifstream f(path);
        std::vector<std::string> out;
        for (std::string l; std::getline(f, l);) out.push_back(l);
        return out;
    }
};

class AutoChoice : public ::testing::Test {
protected:
    void SetUp() override { forgetConvMethodChoices(); }
    void TearDown() override { forgetConvMethodChoices(); }
};

}  // namespace

TEST_F(AutoChoice, CandidatesAreEveryRealMethodAndDepthwiseOnlyForDepthwiseLayers) {
    const ConvData dense = layer(16, 8, window(3, 1, 1));
    const ConvData dw = layer(8, 8, window(3, 1, 1, 8));
    const std::vector<ConvMethod> a = autoCandidates(dense.data()), b = autoCandidates(dw.data());
    for (const std::vector<ConvMethod>* c : {&a, &b}) {
        EXPECT_EQ(std::count(c->begin(), c->end(), ConvMethod::Direct), 0);
        EXPECT_EQ(std::count(c->begin(), c->end(), ConvMethod::Auto), 0);
        for (ConvMethod m :
             {ConvMethod::Im2colGemm, ConvMethod::Im2colBlocked, ConvMethod::Implicit,
              ConvMethod::DirectSimd})
            EXPECT_EQ(std::count(c->begin(), c->end(), m), 1) << toString(m);
    }
    EXPECT_EQ(std::count(a.begin(), a.end(), ConvMethod::Depthwise), 0);
    EXPECT_EQ(std::count(b.begin(), b.end(), ConvMethod::Depthwise), 1);
}

TEST_F(AutoChoice, TheFastestIsChosenOnceAndRememberedByGeometryVariantAndThreads) {
    const ConvData l = layer(24, 6, window(3, 1, 1));
    const Shape in{2, 6, 15, 13};
    const auto first = chooseConvMethod(l.data(), in);
    ASSERT_EQ(first->times.size(), autoCandidates(l.data()).size());
    EXPECT_TRUE(std::is_sorted(
        first->times.begin(), first->times.end(),
        [](const MethodTime& x, const MethodTime& y) { return x.ms < y.ms; }));
    EXPECT_EQ(first->method, first->times.front().method);
    EXPECT_EQ(first->isa, activeIsa());
    EXPECT_EQ(first->threads, threadCount());
    for (const MethodTime& t : first->times) EXPECT_GT(t.ms, 0) << toString(t.method);
    EXPECT_NE(first->why().find(toString(first->method)), std::string::npos) << first->why();

    // The same geometry (another batch, other weights): the same choice, not timed again.
    const ConvData sameShape = layer(24, 6, window(3, 1, 1), 99);
    EXPECT_EQ(chooseConvMethod(sameShape.data(), Shape{7, 6, 15, 13}), first);
    // Another input size, another thread count: timed anew.
    EXPECT_NE(chooseConvMethod(l.data(), Shape{1, 6, 16, 13}), first);
    {
        const ThreadLimit one(1);
        if (threadCount() != first->threads) {
            EXPECT_NE(chooseConvMethod(l.data(), in), first);
        }
    }
    forgetConvMethodChoices();
    EXPECT_NE(chooseConvMethod(l.data(), in), first);
}

TEST_F(AutoChoice, CancelledTimingThrowsAndRemembersNothing) {
    const ConvData l = layer(8, 4, window(3, 1, 1));
    int polls = 0;
    const auto cancelAfterTwo = [&polls] { return ++polls > 2; };
    EXPECT_THROW(
        {
            try {
                chooseConvMethod(l.data(), Shape{1, 4, 9, 9}, cancelAfterTwo);
            } catch (const Error& e) {
                EXPECT_EQ(e.category(), ErrorCategory::Cancelled);
                throw;
            }
        },
        Error);
    polls = 0;
    const auto again = chooseConvMethod(l.data(), Shape{1, 4, 9, 9}, [&polls] {
        ++polls;
        return false;
    });
    EXPECT_GT(polls, 2) << "timed again: the cancelled choice was not kept";
    EXPECT_EQ(again->times.size(), autoCandidates(l.data()).size());
}

// A network run by auto: the reference's numbers, each conv by its chosen method (never "auto"),
// and the profile names the method and why.
TEST_F(AutoChoice, ANetworkRunByAutoMatchesTheReferenceAndReportsEachChoice) {
    Network net("auto net");
    net.setInput("data", 3, 19, 17);
    ConvData a = layer(16, 3, window(3, 1, 1), 5), b = layer(16, 16, window(3, 2, 1, 16), 6),
          c = layer(10, 16, window(1, 1, 0), 7);
    net.emplace<ConvolutionLayer>("conv1", a.params, a.weights, a.bias);
    net.emplace<ConvolutionLayer>("dw", b.params, b.weights, b.bias);
    net.emplace<ConvolutionLayer>("pw", c.params, c.weights, c.bias);
    const Tensor in = randomTensor(net.inputShape(2), 8);
    ForwardContext ref;
    ref.convMethod = ConvMethod::Direct;
    const Tensor expected = net.forward(in, ref);

    ForwardContext ctx;
    ctx.convMethod = ConvMethod::Auto;
    std::vector<ConvMethod> ran;
    const Tensor& out = net.forward(in, ctx, [&](int, double, const ForwardContext& c) {
        ran.push_back(c.conv.method);
        ASSERT_NE(c.conv.choice, nullptr);
        EXPECT_EQ(c.conv.choice->method, c.conv.method);
    });
    EXPECT_TRUE(tensorsClose(out, expected, 1e-4, 1e-4, "auto"));
    ASSERT_EQ(ran.size(), 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_NE(ran[std::size_t(i)], ConvMethod::Auto);
        const auto& conv = dynamic_cast<const ConvolutionLayer&>(net.layer(i));
        EXPECT_TRUE(conv.isPreparedFor(ConvMethod::Auto)) << conv.name();
        ASSERT_NE(conv.autoChoice(), nullptr);
        EXPECT_EQ(conv.autoChoice()->method, ran[std::size_t(i)]);
    }

    ProfileOptions o;
    o.method = ConvMethod::Auto;
    o.repeat = 1;
    o.warmup = 0;
    const NetworkProfile p = profileNetwork(net, o);
    for (int i = 0; i < 3; ++i) {
        const LayerProfile& l = p.layers[std::size_t(i)];
        EXPECT_EQ(l.method, toString(ran[std::size_t(i)])) << l.name;
        EXPECT_NE(l.methodWhy.find("fastest of"), std::string::npos) << l.methodWhy;
    }
    EXPECT_GE(p.prepareMs, 0);
}

TEST_F(AutoChoice, TheChoiceFileKeepsChoicesAcrossProcessesAndIgnoresWhatIsNotOne) {
    const TempFile file;
    const ConvData l = layer(12, 5, window(3, 1, 1));
    const Shape in{1, 5, 11, 10};
    setConvMethodChoiceFile(file.path);
    const auto timed = chooseConvMethod(l.data(), in);
    ASSERT_EQ(file.lines().size(), 1u);
    chooseConvMethod(l.data(), in);  // remembered: not written twice
    ASSERT_EQ(file.lines().size(), 1u);
    const std::string line = file.lines()[0];

    // A new process: read back, the same choice and times, without timing.
    forgetConvMethodChoices();
    setConvMethodChoiceFile(file.path);
    int polls = 0;
    const auto read = chooseConvMethod(l.data(), in, [&polls] { return ++polls, false; });
    EXPECT_EQ(polls, 0) << "read from the file, not timed";
    EXPECT_EQ(read->method, timed->method);
    ASSERT_EQ(read->times.size(), timed->times.size());
    for (std::size_t i = 0; i < read->times.size(); ++i) {
        EXPECT_EQ(read->times[i].method, timed->times[i].method);
        EXPECT_NEAR(read->times[i].ms, timed->times[i].ms, 1e-4 * timed->times[i].ms);
    }

    // Damaged lines: each is ignored, none stops the rest from being read.
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string w; fields >> w;) f.push_back(w);
    const auto with = [&f](std::size_t i, const std::string& v) {
        std::vector<std::string> g = f;
        g[i] = v;
        std::string s;
        for (const std::string& w : g) s += (s.empty() ? "" : " ") + w;
        return s;
    };
    const std::string damaged[] = {
        "",
        "garbage",
        with(0, "v0"),                                   // another format
        with(1, "Some_Other_CPU_f6m85"),                 // another machine
        with(2, "x"),                                    // not a number
        with(17, "9"),                                   // no such kernel variant
        with(18, "0"),                                   // zero threads
        with(21, "auto"),                                // auto is no candidate
        with(21, "fft"),                                 // not a method
        with(21, "direct"),                              // the reference is no candidate
        with(23, f[21]),                                 // a method twice
        with(22, "nan"),                                 // not a time
        with(22, "-1"),                                  // a negative time
        line.substr(0, line.size() / 2),                 // cut short
        line.substr(0, line.size() - 6),                 // cut in the last time
        line.substr(0, line.find(f[25]) - 1) + " end",   // a candidate missing
        line + " blocked",                               // after the end marker
        std::string(100000, '7'),                        // a very long line
        std::string("v1 ") + std::string(3000, ' ') + "\x01\xff",
    };
    {
        std::ofstream out(file.path, std::ios::trunc);
        for (const std::string& d : damaged) out << d << "\n";
        out << line << "\n";
    }
    forgetConvMethodChoices();
    setConvMethodChoiceFile(file.path);
    polls = 0;
    EXPECT_EQ(chooseConvMethod(l.data(), in, [&polls] { return ++polls, false; })->method,
              timed->method);
    EXPECT_EQ(polls, 0) << "the whole line after the damaged ones was read";

    // A file that cannot be written: choices still made, kept in the process.
    forgetConvMethodChoices();
    setConvMethodChoiceFile("/proc/convscope-cannot-write/conv-methods.txt");
    const auto unwritten = chooseConvMethod(l.data(), in);
    EXPECT_EQ(chooseConvMethod(l.data(), in), unwritten);
}

TEST_F(AutoChoice, TheDefaultFileFollowsTheEnvironment) {
    struct Restore {  // the environment as it was
        std::vector<std::pair<std::string, std::optional<std::string>>> vars;
        Restore() {
            for (const char* v : {"CONVSCOPE_METHOD_CACHE", "XDG_CACHE_HOME", "HOME"})
                vars.emplace_back(v, std::getenv(v) ? std::optional<std::string>(std::getenv(v))
                                                    : std::nullopt);
        }
        ~Restore() {
            for (const auto& [name, value] : vars)
                value ? setenv(name.c_str(), value->c_str(), 1) : unsetenv(name.c_str());
        }
    } restore;
    setenv("CONVSCOPE_METHOD_CACHE", "off", 1);
    EXPECT_EQ(defaultConvMethodChoiceFile(), "");
    setenv("CONVSCOPE_METHOD_CACHE", "/tmp/x.txt", 1);
    EXPECT_EQ(defaultConvMethodChoiceFile(), "/tmp/x.txt");
    unsetenv("CONVSCOPE_METHOD_CACHE");
    setenv("XDG_CACHE_HOME", "/tmp/cache", 1);
    EXPECT_EQ(defaultConvMethodChoiceFile(), "/tmp/cache/convscope/conv-methods.txt");
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/home/someone", 1);
    EXPECT_EQ(defaultConvMethodChoiceFile(), "/home/someone/.cache/convscope/conv-methods.txt");
}
