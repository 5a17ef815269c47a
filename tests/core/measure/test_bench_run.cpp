// One bench run (measure/bench_run.h) on a small hand-built net: the engine and OpenCV dnn get the
// same input and the same cold run, warm-up and repeat; the ladder; cancel; the reports; the fc
// study.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "base/runtime.h"
#include "layers/activation.h"
#include "layers/convolution.h"
#include "layers/fully_connected.h"
#include "measure/bench_run.h"
#include "measure/method_ladder.h"
#include "net/network.h"
#include "peers/opencv_reference.h"
#include "report/report.h"
#include "test_util.h"

using namespace convscope::core;

namespace {

// input 3x9x7 -> conv 5 3x3 pad 1 -> relu -> fc 4 (on the 5x9x7 map)
std::unique_ptr<Network> smallNet() {
    auto net = std::make_unique<Network>("small");
    net->setInput("data", 3, 9, 7);
    net->emplace<ConvolutionLayer>("conv", WindowParams::square(3, 1, 1),
                                   convscope::test::randomTensor({5, 3, 3, 3}, 1),
                                   std::vector<float>{0.1f, -0.2f, 0.3f, 0.0f, 0.05f});
    net->emplace<ReluLayer>("relu");
    net->emplace<FullyConnectedLayer>("fc", convscope::test::randomTensor({4, 5 * 9 * 7, 1, 1}, 2),
                                      std::vector<float>{0.5f, 0.0f, -0.5f, 1.0f});
    return net;
}

// Roofs already known: the tests need not spend 0.4 s measuring them.
BenchOptions quick() {
    BenchOptions o;
    o.profile.warmup = 1;
    o.profile.repeat = 3;
    o.profile.seed = 11;
    o.measureBandwidth = false;
    o.knownRoofs.peakGflopsOneThread = o.knownRoofs.peakGflops = 100;
    return o;
}

}  // namespace

TEST(BenchRun, EngineAndPeerGetTheSameInputAndRuns) {
    auto net = smallNet();
    const ThreadLimit one(1);
    BenchOptions o = quick();
    o.compareOpenCv = true;
    int lastDone = -1, lastTotal = 0;
    o.progress = [&](int done, int total, const std::string&) {
        EXPECT_GE(done, lastDone);
        lastDone = done;
        lastTotal = total;
    };
    const BenchResult r = runBench(*net, o);
    EXPECT_EQ(lastDone, lastTotal);
    EXPECT_EQ(r.roofs.peakGflops, 100);  // known, not measured again
    EXPECT_EQ(r.profile.warmup, 1);
    EXPECT_EQ(r.profile.repeat, 3);
    ASSERT_TRUE(r.peer.has_value());
    EXPECT_EQ(r.peer->name, "opencv-dnn");
    // The engine's cold run and warm-up are the peer's warm-up; the same timed runs.
    EXPECT_EQ(r.peer->runs.warmup, 1 + r.profile.warmup);
    EXPECT_EQ(r.peer->runs.repeat, r.profile.repeat);
    EXPECT_EQ(r.peer->runs.ms.size(), 3u);
    EXPECT_GT(r.peer->runs.medianMs, 0);
    EXPECT_GE(r.peer->maxAbsDiff, 0);
    EXPECT_LT(r.peer->maxAbsDiff, 1e-4);

    // The same input: the engine's last output is the net on profileInput(seed), and so is the
    // peer's; another seed gives another output (the check above would catch a different input).
    const Tensor input = profileInput(*net, 1, 11);
    io::OpenCvNet peer(*net);
    const Tensor theirs = peer.forward(input);
    EXPECT_TRUE(convscope::test::tensorsClose(net->blob(net->size() - 1), theirs, 1e-5, 1e-4,
                                              "engine's last forward vs OpenCV on the input"));
    const Tensor other = peer.forward(profileInput(*net, 1, 12));
    EXPECT_GT(compare(other.span(), theirs.span()).maxAbs, 1e-3);
    for (float v : input.span()) {
        EXPECT_GE(v, 0.0f);
        EXPECT_LT(v, 1.0f);
    }
}

TEST(BenchRun, ReportsComeFromOneResult) {
    auto net = smallNet();
    BenchOptions o = quick();
    o.compareOpenCv = true;
    const BenchResult r = runBench(*net, o);
    const std::string json = benchJson(r), table = benchTable(r);
    EXPECT_NE(json.find("\"peer\""), std::string::npos);
    EXPECT_NE(json.find("\"opencv-dnn\""), std::string::npos);
    EXPECT_NE(json.find("\"peer_ms\""), std::string::npos);  // OpenCV's per-layer profile
    EXPECT_NE(table.find("convscope / opencv-dnn"), std::string::npos);
    const ReportContext ctx = reportContext(r);
    EXPECT_EQ(ctx.peerTotalMs, r.peer->runs.medianMs);
    EXPECT_EQ(ctx.peakGflops, 100);
}

TEST(BenchRun, LadderKeepsTheDefaultPathAsTheProfile) {
    auto net = smallNet();
    BenchOptions o = quick();
    o.ladder = true;
    o.compareOpenCv = true;
    const BenchResult r = runBench(*net, o);
    EXPECT_EQ(r.ladder.size(), io::ladderRungs().size());
    EXPECT_EQ(r.profile.methodLabel, toString(ConvMethod::Im2colGemm));
    ASSERT_TRUE(r.peer.has_value());
    EXPECT_LT(r.peer->maxAbsDiff, 1e-4);
    const std::string json = benchJson(r);
    EXPECT_NE(json.find("\"methods\""), std::string::npos);
    EXPECT_NE(json.find("\"peer\""), std::string::npos);
}

TEST(BenchRun, BandwidthIsMeasuredWhenAsked) {
    auto net = smallNet();
    BenchOptions o = quick();
    o.knownRoofs.readBandwidthGBs = 12.5;
    o.measureBandwidth = true;
    EXPECT_EQ(runBench(*net, o).roofs.readBandwidthGBs, 12.5);  // known: kept
    o.measureBandwidth = false;
    o.knownRoofs = {};
    o.profile.repeat = 1;
    const BenchResult r = runBench(*net, o);
    EXPECT_GT(r.roofs.peakGflops, 0);
    EXPECT_EQ(r.roofs.readBandwidthGBs, 0);
}

TEST(BenchRun, Cancels) {
    auto net = smallNet();
    for (int after : {0, 2, 5}) {
        BenchOptions o = quick();
        o.compareOpenCv = true;
        o.profile.repeat = 1000;
        int polls = 0;
        o.profile.cancelled = [&] { return ++polls > after; };
        convscope::test::expectError([&] { runBench(*net, o); }, ErrorCategory::Cancelled,
                                     "cancelled");
    }
}

TEST(BenchRun, FcStudyAgreesWithTheConvolution) {
    auto net = smallNet();
    const FcStudy s = studyFcLayer(*net, 2);
    EXPECT_EQ(s.layer, "fc");
    EXPECT_EQ(s.inputs, 5 * 9 * 7);
    EXPECT_EQ(s.outputs, 4);
    EXPECT_EQ(s.inputMap, (Shape{1, 5, 9, 7}));
    ASSERT_EQ(s.batches.size(), std::size(kFcStudyBatches));
    for (std::size_t i = 0; i < s.batches.size(); ++i) {
        EXPECT_EQ(s.batches[i].batch, kFcStudyBatches[i]);
        EXPECT_GT(s.batches[i].ms, 0);
    }
    EXPECT_GE(s.convMaxAbsDiff, 0);
    EXPECT_LT(s.convMaxAbsDiff, 1e-4);
    convscope::test::expectError([&] { studyFcLayer(*net, 0); }, ErrorCategory::InvalidConfig,
                                 "not a fully-connected layer");
}
