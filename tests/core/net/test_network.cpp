// Network: shape inference of the built-in AlexNet, graph errors, batching, cancellation, profile.
#include <gtest/gtest.h>

#include <cmath>

#include "layers/activation.h"
#include "layers/shape_ops.h"
#include "measure/profile.h"
#include "measure/roofs.h"
#include "net/models.h"
#include "report/profile_chart.h"
#include "report/report.h"
#include "test_util.h"

using namespace convscope::core;
using convscope::test::randomTensor;
using convscope::test::tensorsClose;

TEST(AlexNet, ShapesFlopsAndParameters) {
    auto net = makeAlexNet();
    const std::vector<Shape> shapes = net->inferShapes(1);
    auto shapeOf = [&](const char* name) { return shapes[std::size_t(net->indexOf(name))]; };
    EXPECT_EQ(shapeOf("conv1"), (Shape{1, 96, 55, 55}));
    EXPECT_EQ(shapeOf("pool1"), (Shape{1, 96, 27, 27}));
    EXPECT_EQ(shapeOf("conv2"), (Shape{1, 256, 27, 27}));
    EXPECT_EQ(shapeOf("pool2"), (Shape{1, 256, 13, 13}));
    EXPECT_EQ(shapeOf("conv5"), (Shape{1, 256, 13, 13}));
    EXPECT_EQ(shapeOf("pool5"), (Shape{1, 256, 6, 6}));
    EXPECT_EQ(shapeOf("fc8"), (Shape::of({1, 1000})));
    std::int64_t flops = 0, weights = 0;
    for (int i = 0; i < net->size(); ++i) {
        flops += net->layer(i).flops(net->inputShapes(i, shapes, 1));
        weights += net->layer(i).weightBytes();
    }
    // CaffeNet: 724M multiply-adds in conv+fc, 60.97M parameters.
    EXPECT_NEAR(double(flops) / 2e6, 727, 5);
    EXPECT_EQ(weights / 4, 60965224);
    const GemmShape g = net->layer(net->indexOf("conv2"))
                            .gemmShape(net->inputShapes(net->indexOf("conv2"), shapes, 1));
    EXPECT_EQ(g.M, 128);
    EXPECT_EQ(g.K, 1200);
    EXPECT_EQ(g.N, 729);
    EXPECT_EQ(g.groups, 2);
}

TEST(Network, BatchOfFourEqualsFourSingleRuns) {
    auto net = makeAlexNet(3);
    const Tensor batch = randomTensor(net->inputShape(4), 21, 0, 1);
    ForwardContext ctx;
    const Tensor all = net->forward(batch, ctx);
    for (int b = 0; b < 4; ++b) {
        Tensor one(net->inputShape(1));
        std::copy_n(batch.image(b), one.count(), one.data());
        const Tensor single = net->forward(one, ctx);
        Tensor slice(single.shape());
        std::copy_n(all.image(b), slice.count(), slice.data());
        EXPECT_TRUE(tensorsClose(slice, single, 1e-6, 1e-4, "AlexNet image " + std::to_string(b)));
    }
}

TEST(Network, ConvLayerAloneComputesWhatItComputesInTheNet) {
    auto net = makeAlexNet(5);
    const Tensor input = randomTensor(net->inputShape(1), 22, 0, 1);
    ForwardContext ctx;
    net->forward(input, ctx);
    const int i = net->indexOf("conv3");
    auto alone = convLayerAlone(*net, "conv3");
    ASSERT_EQ(alone->size(), 1);
    EXPECT_EQ(alone->inputShape(1), (Shape{1, 256, 13, 13}));
    const Tensor out = alone->forward(net->blob(i - 1), ctx);
    EXPECT_TRUE(tensorsClose(out, net->blob(i), 0, 0, "conv3 alone"));
    try {
        convLayerAlone(*net, "pool1");
        FAIL() << "pool1 accepted as a conv layer";
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::InvalidConfig);
        EXPECT_NE(
            std::string(e.what()).find("its conv layers are conv1, conv2, conv3, conv4, conv5"),
            std::string::npos)
            << e.what();
    }
}

TEST(Network, DagWithConcatAndAdd) {
    Network net("dag");
    net.setInput("data", 2, 4, 4);
    net.add(std::make_unique<ReluLayer>("a"), {"data"});
    net.add(std::make_unique<ReluLayer>("b"), {"data"});
    net.add(std::make_unique<ConcatLayer>("cat"), {"a", "b"});
    net.add(std::make_unique<AddLayer>("sum"), {"cat", "cat"});
    const Tensor in = randomTensor(net.inputShape(1), 1);
    ForwardContext ctx;
    const Tensor& out = net.forward(in, ctx);
    ASSERT_EQ(out.shape(), (Shape{1, 4, 4, 4}));
    EXPECT_FLOAT_EQ(out.at(0, 3, 1, 1), 2 * std::max(0.0f, in.at(0, 1, 1, 1)));
}

TEST(Network, GraphErrorsNameTheLayer) {
    Network net("n");
    net.setInput("data", 1, 4, 4);
    net.add(std::make_unique<ReluLayer>("relu"));
    try {
        net.add(std::make_unique<ReluLayer>("relu"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::InvalidConfig);
        EXPECT_NE(std::string(e.what()).find("'relu' already exists"), std::string::npos);
    }
    try {
        net.add(std::make_unique<ReluLayer>("r2"), {"nowhere"});
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("reads blob 'nowhere'"), std::string::npos);
    }
}

// Found by the bad-input suite: `bench --batch 1024` allocated until the allocator failed.
TEST(Network, MemoryIsEstimatedAndCheckedBeforeAForwardAllocates) {
    Network net("n");
    net.setInput("data", 3, 8, 8);
    net.add(std::make_unique<ReluLayer>("relu"));
    const std::int64_t blob = 3 * 8 * 8 * std::int64_t(sizeof(float));
    EXPECT_EQ(net.memoryBytes(1, 0), 2 * blob);             // the input and relu's blob
    EXPECT_EQ(net.memoryBytes(5, 1000), 10 * blob + 1000);  // scaled by the batch, plus scratch
    // Far above any machine's budget (64 GiB at most): refused, naming the network and batch.
    Network big("big");
    big.setInput("data", 3, 4096, 4096);
    big.add(std::make_unique<ReluLayer>("relu"));
    try {
        big.checkMemory(1024);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::ResourceLimit);
        EXPECT_NE(std::string(e.what()).find("network 'big' at batch 1024 needs"),
                  std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("use a smaller batch"), std::string::npos);
    }
    // forward() runs the check before it allocates anything for a new shape.
    const Tensor small(1, 3, 8, 8);
    ForwardContext ctx;
    EXPECT_NO_THROW(net.forward(small, ctx));
}

TEST(Network, TheFirstLayerThatStopsBeingFiniteIsNamed) {
    Network net("n");
    net.setInput("data", 1, 2, 2);
    net.add(std::make_unique<ReluLayer>("relu"));
    net.add(std::make_unique<ReluLayer>("relu2"));
    Tensor in(1, 1, 2, 2);
    in.fill(1.0f);
    ForwardContext ctx;
    net.forward(in, ctx);
    EXPECT_EQ(net.firstNonFiniteBlob(), -1);
    in.data()[3] = INFINITY;
    net.forward(in, ctx);
    EXPECT_EQ(net.firstNonFiniteBlob(), 0);
    EXPECT_EQ(countNonFinite(net.blob(1).span()), 1);
}

TEST(Network, WrongInputShapeSaysWhatToResizeTo) {
    auto net = makeLeNet();
    const Tensor in(1, 1, 32, 32);
    ForwardContext ctx;
    try {
        net->forward(in, ctx);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::ShapeMismatch);
        EXPECT_NE(std::string(e.what()).find("resize the image to 28x28"), std::string::npos)
            << e.what();
    }
}

TEST(Network, CancelBetweenLayers) {
    auto net = makeLeNet();
    const Tensor in = randomTensor(net->inputShape(1), 1);
    ForwardContext ctx;
    int layersRun = 0;
    ctx.cancelled = [&layersRun] { return layersRun >= 3; };
    try {
        net->forward(in, ctx, [&](int, double, const ForwardContext&) { ++layersRun; });
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.category(), ErrorCategory::Cancelled);
    }
    EXPECT_EQ(layersRun, 3);
}

TEST(Profile, ReportsEveryLayerWithSaneFigures) {
    auto net = makeLeNet();
    ProfileOptions options;
    options.repeat = 3;
    options.batch = 2;
    options.method = ConvMethod::Im2colGemm;  // the figures below are im2col's
    int progressCalls = 0;
    options.progress = [&](int done, int total) {
        ++progressCalls;
        EXPECT_LE(done, total);
    };
    const NetworkProfile p = profileNetwork(*net, options);
    EXPECT_EQ(progressCalls, 1 + options.warmup + options.repeat);
    ASSERT_EQ(int(p.layers.size()), net->size());
    const LayerProfile& conv2 = p.layers[2];
    EXPECT_EQ(conv2.name, "conv2");
    EXPECT_EQ(conv2.category, LayerCategory::Conv);
    EXPECT_EQ(conv2.gemm.M, 50);
    EXPECT_EQ(conv2.gemm.K, 500);
    EXPECT_EQ(conv2.gemm.N, 64);
    EXPECT_EQ(conv2.colBytes, 500 * 64 * 2 * 4);  // both images in one GEMM
    EXPECT_EQ(conv2.method, "im2col+gemm");
    EXPECT_EQ(conv2.methodWhy, "");     // told the method, not chosen
    EXPECT_EQ(p.layers[4].method, "");  // not a conv
    EXPECT_GT(conv2.medianMs, 0);
    EXPECT_LE(conv2.minMs, conv2.medianMs);
    EXPECT_GE(conv2.maxMs, conv2.medianMs);
    EXPECT_GT(p.categoryMs(LayerCategory::Conv), 0);
    EXPECT_EQ(p.layers[4].gemm.N, 2);  // fc at batch 2: N = batch
}

TEST(Profile, ReadBandwidthIsPlausible) {
    const double gbs = measureReadBandwidth(1, std::size_t(64) << 20);
    EXPECT_GT(gbs, 0.5);
    EXPECT_LT(gbs, 5000.0);
}

TEST(Profile, PeakMeasurementIsPlausible) {
    const double peak = measurePeakGflops(1, 0.05);
    EXPECT_GT(peak, 1.0);
    EXPECT_LT(peak, 2000.0);
}

TEST(Profile, CsvHasOneRowPerLayerWithThePeerColumn) {
    auto net = makeLeNet();
    ProfileOptions options;
    options.repeat = 2;
    const NetworkProfile p = profileNetwork(*net, options);
    ReportContext ctx;
    ctx.peerLayerMs = {{"conv1", 0.25}, {"ip1", 0.5}};
    const std::string csv = profileCsv(p, ctx);
    std::vector<std::string> lines;
    for (std::size_t start = 0, end; (end = csv.find('\n', start)) != std::string::npos;
         start = end + 1)
        lines.push_back(csv.substr(start, end - start));
    ASSERT_EQ(int(lines.size()), 1 + net->size());
    EXPECT_EQ(lines[0].rfind("name,type,category,", 0), 0u);
    EXPECT_NE(lines[0].find(",peer_ms"), std::string::npos);
    const auto columns = [](const std::string& l) { return std::count(l.begin(), l.end(), ','); };
    for (const std::string& l : lines) EXPECT_EQ(columns(l), columns(lines[0])) << l;
    EXPECT_EQ(lines[1].rfind("conv1,Convolution,conv,", 0), 0u) << lines[1];
    EXPECT_EQ(lines[1].substr(lines[1].rfind(',') + 1), "0.25");
    EXPECT_EQ(lines[2].back(), ',');  // pool1: no peer time
    // The same per-layer peer time in the JSON.
    EXPECT_NE(profileJson(p, ctx).find("\"peer_ms\": 0.5"), std::string::npos);
}

TEST(ProfileChart, RowsAddUpToTheProfile) {
    auto net = makeLeNet();
    ProfileOptions options;
    options.repeat = 3;
    options.method = ConvMethod::Im2colGemm;  // its GEMM series
    const NetworkProfile p = profileNetwork(*net, options);
    ReportContext ctx;
    ctx.peakGflops = 100;
    ctx.peerName = "OpenCV dnn";
    ctx.peerLayerMs = {{"conv2", 0.125}};
    const ChartData time = profileChart(p, ctx, ProfileChartKind::LayerTime);
    ASSERT_EQ(int(time.rows.size()), net->size());
    for (std::size_t i = 0; i < time.rows.size(); ++i) {
        double stack = 0;
        for (double s : time.rows[i].segments) {
            EXPECT_GE(s, 0);
            stack += s;
        }
        EXPECT_NEAR(stack, p.layers[i].medianMs, 1e-9) << time.rows[i].label;
    }
    EXPECT_EQ(time.rows[2].label, "conv2");
    EXPECT_EQ(time.rows[2].companion, 0.125);
    EXPECT_TRUE(std::isnan(time.rows[0].companion));
    EXPECT_GT(time.rows[2].segments[1], 0);  // conv2's GEMM
    EXPECT_EQ(time.series[1], "GEMM");
    // A direct method has no GEMM: its conv time is in that series, labelled for what it is.
    options.method = ConvMethod::DirectSimd;
    const NetworkProfile direct = profileNetwork(*net, options);
    const ChartData directTime = profileChart(direct, ctx, ProfileChartKind::LayerTime);
    EXPECT_EQ(directTime.series[1], "direct conv");
    // Auto mixes the two, and the table names each conv's method.
    options.method = ConvMethod::Auto;
    const NetworkProfile mixed = profileNetwork(*net, options);
    EXPECT_EQ(profileChart(mixed, ctx, ProfileChartKind::LayerTime).series[1],
              "GEMM or direct conv");
    const std::string table = profileTable(mixed, ctx);
    EXPECT_NE(table.find("auto: each conv's method timed at set-up"), std::string::npos) << table;
    EXPECT_NE(table.find("conv2    fastest of"), std::string::npos) << table;
    EXPECT_NE(profileJson(mixed, ctx).find("\"method_why\": \"fastest of"), std::string::npos);
    EXPECT_GT(directTime.rows[2].segments[1], 0);
    EXPECT_EQ(directTime.rows[2].segments[0], 0);  // no im2col

    const ChartData cats = profileChart(p, ctx, ProfileChartKind::Categories);
    double total = 0;
    for (const ChartRow& r : cats.rows) total += r.segments[0];
    EXPECT_NEAR(total, p.layerSumMs(), 1e-9);
    EXPECT_NE(cats.note.find("conv + fc take"), std::string::npos);

    const ChartData tp = profileChart(p, ctx, ProfileChartKind::Throughput);
    EXPECT_EQ(tp.reference, 100);
    for (const ChartRow& r : tp.rows) EXPECT_GT(r.segments[0], 0) << r.label;
    EXPECT_GE(tp.maxValue(), 100);

    const ChartData var = profileChart(p, ctx, ProfileChartKind::Variation);
    for (const ChartRow& r : var.rows) {
        EXPECT_LE(r.whiskerLo, r.segments[0]);
        EXPECT_GE(r.whiskerHi, r.segments[0]);
    }

    // One interrupted run (400x its median) is named as the busy machine, not as a spread.
    NetworkProfile busy = p;
    busy.layers[0].maxMs = 400 * busy.layers[0].medianMs + 1;
    const ChartData noisy = profileChart(busy, ctx, ProfileChartKind::Variation);
    EXPECT_NE(noisy.rows[0].valueText.find("the machine was busy"), std::string::npos)
        << noisy.rows[0].valueText;
    EXPECT_EQ(noisy.rows[0].valueText.find("spread"), std::string::npos);
    EXPECT_NE(noisy.note.find("another program used the CPU"), std::string::npos) << noisy.note;
}
