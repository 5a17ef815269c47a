// convscope_bench: Google Benchmark harness comparing the engine with OpenCV dnn in the same run.
// Pairs to read together: AlexNet/ConvScope vs AlexNet/OpenCV (whole forward),
// Conv/<layer>/ConvScope vs Conv/<layer>/OpenCV (each AlexNet conv alone), and the 256x1152x192
// GEMM of "Why GEMM is at the heart of deep learning"; Dw_<method>/<layer>: MobileNet-v2 depthwise
// layers by every conv method; Conv_oneDNN, Conv_XNNPACK, Dw_oneDNN, Dw_XNNPACK: the same layers
// by the outside libraries built in; Pool_ConvScope vs Pool_OpenCV: the zoo's max pools. Counters:
// GFLOP/s (for pools, taps compared per second). Threads:
// CONVSCOPE_THREADS (default all cores).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <functional>

#include "base/isa.h"
#include "base/runtime.h"
#include "gemm/blocked_gemm.h"
#include "gemm/gemm.h"
#include "layers/convolution.h"
#include "layers/pooling.h"
#include "measure/roofs.h"
#include "net/models.h"
#include "net/network.h"
#include "peers/opencv_reference.h"
#if defined(CONVSCOPE_HAVE_OPENBLAS)
#include "peers/blas_gemm.h"
#endif
#if defined(CONVSCOPE_HAVE_ONEDNN)
#include "peers/onednn_conv.h"
#endif
#if defined(CONVSCOPE_HAVE_XNNPACK)
#include "peers/xnnpack_conv.h"
#endif

using namespace convscope::core;

namespace {

int threads() {
    const char* env = std::getenv("CONVSCOPE_THREADS");
    return env ? std::atoi(env) : hardwareThreads();
}

struct AlexNetFixture {
    std::unique_ptr<Network> net = makeAlexNet();
    Tensor input{net->inputShape(1)};
    std::int64_t flops = 0;
    AlexNetFixture() {
        fillUniform(input, 7, 0, 1);
        const auto shapes = net->inferShapes(1);
        for (int i = 0; i < net->size(); ++i)
            flops += net->layer(i).flops(net->inputShapes(i, shapes, 1));
    }
};

AlexNetFixture& alexnet() {
    static AlexNetFixture f;
    return f;
}

void setFlops(benchmark::State& state, std::int64_t flops) {
    state.counters["GFLOP/s"] = benchmark::Counter(double(flops) * double(state.iterations()) / 1e9,
                                                   benchmark::Counter::kIsRate);
}

void AlexNet_ConvScope(benchmark::State& state) {
    setThreadCount(threads());
    AlexNetFixture& f = alexnet();
    ForwardContext ctx;
    for (auto _ : state) benchmark::DoNotOptimize(f.net->forward(f.input, ctx).data());
    setFlops(state, f.flops);
}

void AlexNet_OpenCV(benchmark::State& state) {
    io::OpenCvNet::setThreads(threads());
    AlexNetFixture& f = alexnet();
    io::OpenCvNet peer(*f.net);
    for (auto _ : state) benchmark::DoNotOptimize(peer.forward(f.input).data());
    setFlops(state, f.flops);
}

// One AlexNet conv layer on its real input shape, alone in a network.
std::unique_ptr<Network> singleConv(const std::string& name, Shape& inShape, std::int64_t& flops) {
    auto net = convLayerAlone(*alexnet().net, name);
    inShape = net->inputShape(1);
    flops = net->layer(0).flops(std::span<const Shape>(&inShape, 1));
    return net;
}

void convWith(benchmark::State& state, const std::string& name, ConvMethod method) {
    setThreadCount(threads());
    Shape in;
    std::int64_t flops = 0;
    auto net = singleConv(name, in, flops);
    Tensor input(in);
    fillUniform(input, 3);
    ForwardContext ctx;
    ctx.convMethod = method;
    net->prepare(method);
    for (auto _ : state) benchmark::DoNotOptimize(net->forward(input, ctx).data());
    setFlops(state, flops);
}

// MobileNet-v2's depthwise layers (3x3, pad 1, groups = channels), each alone in a network.
struct DepthwiseShape {
    const char* name;
    int channels, size, stride;
};
constexpr DepthwiseShape kDepthwiseShapes[] = {
    {"dw32x112s1", 32, 112, 1}, {"dw144x56s2", 144, 56, 2}, {"dw576x14s1", 576, 14, 1}};

std::unique_ptr<Network> depthwiseNet(const DepthwiseShape& d) {
    WindowParams p = WindowParams::square(3);
    p.strideH = p.strideW = d.stride;
    p.padTop = p.padBottom = p.padLeft = p.padRight = 1;
    p.groups = d.channels;
    Tensor w(d.channels, 1, 3, 3);
    fillUniform(w, 5);
    auto net = std::make_unique<Network>(d.name);
    net->setInput("data", d.channels, d.size, d.size);
    net->add(std::make_unique<ConvolutionLayer>(d.name, p, std::move(w),
                                                std::vector<float>(std::size_t(d.channels), 0.1f)));
    return net;
}

void depthwiseWith(benchmark::State& state, const DepthwiseShape& d, ConvMethod method) {
    setThreadCount(threads());
    const std::unique_ptr<Network> net = depthwiseNet(d);
    const Shape in = net->inputShape(1);
    Tensor input(in);
    fillUniform(input, 3);
    ForwardContext ctx;
    ctx.convMethod = method;
    net->prepare(method);
    for (auto _ : state) benchmark::DoNotOptimize(net->forward(input, ctx).data());
    setFlops(state, net->layer(0).flops(std::span<const Shape>(&in, 1)));
}

// The max pools of the zoo's networks (SqueezeNet's and GoogLeNet's 3x3/2 ceil, ResNet's 3x3/2
// pad 1, AlexNet's 3x3/2): Pool_ConvScope/<name> against Pool_OpenCV/<name>.
struct PoolShape {
    const char* name;
    int channels, size, kernel, stride, pad;
    bool ceil;
};
constexpr PoolShape kPoolShapes[] = {{"max64x111k3s2ceil", 64, 111, 3, 2, 0, true},
                                     {"max64x112k3s2p1", 64, 112, 3, 2, 1, false},
                                     {"max192x27k3s2", 192, 27, 3, 2, 0, false},
                                     {"max480x28k3s1p1", 480, 28, 3, 1, 1, false}};

std::unique_ptr<Network> poolNet(const PoolShape& d) {
    WindowParams p = WindowParams::square(d.kernel, d.stride, d.pad);
    p.ceilMode = d.ceil;
    auto net = std::make_unique<Network>(d.name);
    net->setInput("data", d.channels, d.size, d.size);
    net->add(std::make_unique<PoolingLayer>(d.name, PoolMethod::Max, p, false));
    return net;
}

void poolWith(benchmark::State& state, const PoolShape& d, bool opencv) {
    setThreadCount(threads());
    io::OpenCvNet::setThreads(threads());
    const std::unique_ptr<Network> net = poolNet(d);
    const Shape in = net->inputShape(1);
    Tensor input(in);
    fillUniform(input, 3);
    ForwardContext ctx;
    if (opencv) {
        io::OpenCvNet peer(*net);
        for (auto _ : state) benchmark::DoNotOptimize(peer.forward(input).data());
    } else {
        for (auto _ : state) benchmark::DoNotOptimize(net->forward(input, ctx).data());
    }
    setFlops(state, net->layer(0).flops(std::span<const Shape>(&in, 1)));
}

// The conv layer of a one-layer network run by an outside library (oneDNN, XNNPACK): its
// primitive alone per iteration, the data already in its layouts.
template <class Peer>
void convByPeer(benchmark::State& state, const Network& net) {
    setThreadCount(threads());
    const auto& conv = dynamic_cast<const ConvolutionLayer&>(net.layer(0));
    const Shape in = net.inputShape(1);
    Peer peer(in, conv.params(), conv.weights(), conv.bias());
    for (auto _ : state) benchmark::DoNotOptimize(peer.timeMs(0, 1));
    setFlops(state, conv.flops(std::span<const Shape>(&in, 1)));
}

// Registers <prefix>_<peer>/<name> for every outside conv library built in.
void registerConvPeers(const std::string& prefix, const std::string& name,
                       const std::function<std::unique_ptr<Network>()>& make) {
    const auto add = [&](const char* peer, auto run) {
        benchmark::RegisterBenchmark((prefix + "_" + peer + "/" + name).c_str(),
                                     [make, run](benchmark::State& state) { run(state, *make()); })
            ->Unit(benchmark::kMillisecond);
    };
#if defined(CONVSCOPE_HAVE_ONEDNN)
    add("oneDNN", convByPeer<peers::OneDnnConv>);
#endif
#if defined(CONVSCOPE_HAVE_XNNPACK)
    add("XNNPACK", convByPeer<peers::XnnpackConv>);
#endif
    (void)add;
}

void Conv_OpenCV(benchmark::State& state, const std::string& name) {
    io::OpenCvNet::setThreads(threads());
    Shape in;
    std::int64_t flops = 0;
    auto net = singleConv(name, in, flops);
    io::OpenCvNet peer(*net);
    Tensor input(in);
    fillUniform(input, 3);
    for (auto _ : state) benchmark::DoNotOptimize(peer.forward(input).data());
    setFlops(state, flops);
}

void Gemm_256x1152x192(benchmark::State& state) {
    setThreadCount(int(state.range(0)));
    const int M = 256, N = 1152, K = 192;
    Tensor a(1, 1, M, K), b(1, 1, K, N), c(1, 1, M, N);
    fillUniform(a, 1);
    fillUniform(b, 2);
    for (auto _ : state) {
        gemm(M, N, K, a.data(), K, b.data(), N, c.data(), N);
        benchmark::DoNotOptimize(c.data());
    }
    setFlops(state, 2ll * M * N * K);
    setThreadCount(threads());
}

// fc6 of AlexNet (4096 x 9216, 151 MB of weights): a GEMV at batch 1, and the same product forced
// through the general GEMM with N = 1 (the cblas_sgemm trap), then batches: N = batch.
struct Fc6 {
    Tensor w{4096, 9216, 1, 1};
    Fc6() { fillUniform(w, 1, -0.01f, 0.01f); }
};
Fc6& fc6() {
    static Fc6 f;
    return f;
}

void Fc6_Gemv(benchmark::State& state) {
    setThreadCount(threads());
    Tensor x(1, 9216, 1, 1), y(1, 4096, 1, 1);
    fillUniform(x, 2);
    for (auto _ : state) {
        gemv(4096, 9216, fc6().w.data(), 9216, x.data(), y.data());
        benchmark::DoNotOptimize(y.data());
    }
    state.counters["GB/s"] = benchmark::Counter(
        double(fc6().w.bytes()) * double(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}

void Fc6_GemmN1(benchmark::State& state) {
    setThreadCount(threads());
    Tensor x(1, 9216, 1, 1), y(1, 4096, 1, 1);
    fillUniform(x, 2);
    for (auto _ : state) {
        gemm(4096, 1, 9216, fc6().w.data(), 9216, x.data(), 1, y.data(), 1);
        benchmark::DoNotOptimize(y.data());
    }
    state.counters["GB/s"] = benchmark::Counter(
        double(fc6().w.bytes()) * double(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}

// fc6 at batch B through the GEMM (Eigen) and through the batched GEMV the layer uses for
// small batches.
void fc6Batch(benchmark::State& state, bool batched) {
    setThreadCount(threads());
    const int B = int(state.range(0));
    Tensor x(B, 9216, 1, 1), y(B, 4096, 1, 1);
    fillUniform(x, 2);
    for (auto _ : state) {
        if (batched)
            batchGemv(B, 4096, 9216, x.data(), fc6().w.data(), y.data());
        else
            gemmTransB(B, 4096, 9216, x.data(), fc6().w.data(), y.data());
        benchmark::DoNotOptimize(y.data());
    }
    state.counters["images/s"] =
        benchmark::Counter(double(B) * double(state.iterations()), benchmark::Counter::kIsRate);
}
void Fc6_Batch(benchmark::State& state) {
    fc6Batch(state, false);
}
void Fc6_BatchGemv(benchmark::State& state) {
    fc6Batch(state, true);
}

// The same GEMM through the in-tree blocked GEMM, with W packed once (as a conv layer does).
void Gemm_256x1152x192_BlockedPackedW(benchmark::State& state) {
    setThreadCount(int(state.range(0)));
    const int M = 256, N = 192, K = 1152;
    Tensor a(1, 1, M, K), b(1, 1, K, N), c(1, 1, M, N);
    fillUniform(a, 1);
    fillUniform(b, 2);
    const PackedA packed(M, K, a.data(), K);
    for (auto _ : state) {
        blockedGemm(packed, N, b.data(), N, c.data(), N);
        benchmark::DoNotOptimize(c.data());
    }
    setFlops(state, 2ll * M * N * K);
    setThreadCount(threads());
}

#if defined(CONVSCOPE_HAVE_OPENBLAS)
// The same product by OpenBLAS, the blocked GEMM's peer (OPENBLAS_CORETYPE=Haswell: its AVX2
// kernels, to set beside CONVSCOPE_ISA=avx2).
void Gemm_256x1152x192_OpenBLAS(benchmark::State& state) {
    const int M = 256, N = 192, K = 1152;
    Tensor a(1, 1, M, K), b(1, 1, K, N), c(1, 1, M, N);
    fillUniform(a, 1);
    fillUniform(b, 2);
    for (auto _ : state) {
        peers::blasGemm(M, N, K, a.data(), K, b.data(), N, c.data(), N, false, int(state.range(0)));
        benchmark::DoNotOptimize(c.data());
    }
    setFlops(state, 2ll * M * N * K);
}
#endif

void FmaPeak(benchmark::State& state) {
    double peak = 0;
    for (auto _ : state) peak = measurePeakGflops(int(state.range(0)), 0.1);
    state.counters["GFLOP/s"] = peak;
}

}  // namespace

BENCHMARK(FmaPeak)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(AlexNet_ConvScope)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(AlexNet_OpenCV)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(Fc6_Gemv)->Unit(benchmark::kMillisecond);
BENCHMARK(Fc6_GemmN1)->Unit(benchmark::kMillisecond);
BENCHMARK(Fc6_Batch)->Arg(1)->Arg(8)->Arg(32)->Arg(64)->Unit(benchmark::kMillisecond);
BENCHMARK(Fc6_BatchGemv)->Arg(2)->Arg(8)->Arg(16)->Arg(32)->Arg(64)->Unit(benchmark::kMillisecond);
BENCHMARK(Gemm_256x1152x192_BlockedPackedW)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);
#if defined(CONVSCOPE_HAVE_OPENBLAS)
BENCHMARK(Gemm_256x1152x192_OpenBLAS)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);
#endif
BENCHMARK(Gemm_256x1152x192)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

// The context names the kernel variant (CONVSCOPE_ISA=avx2 forces a lower one, cpu/isa.h).
int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::AddCustomContext(
        "kernels", std::string(convscope::core::isaName(convscope::core::activeIsa())));
#if defined(CONVSCOPE_HAVE_OPENBLAS)
    benchmark::AddCustomContext("blas", convscope::core::peers::blasDescription());
#endif
    // AlexNet's conv layers alone, by every conv method of the registry (not the direct loops: a
    // second per layer) and by OpenCV dnn: Conv_<method>/convN.
    using namespace convscope::core;
    for (const char* layer : {"conv1", "conv2", "conv3", "conv4", "conv5"}) {
        for (const ConvMethodInfo& m : convMethods()) {
            if (m.id == ConvMethod::Direct) continue;
            benchmark::RegisterBenchmark(
                ("Conv_" + std::string(m.name) + "/" + layer).c_str(),
                [method = m.id, name = std::string(layer)](benchmark::State& state) {
                    convWith(state, name, method);
                })
                ->Unit(benchmark::kMillisecond);
        }
        benchmark::RegisterBenchmark(
            ("Conv_OpenCV/" + std::string(layer)).c_str(),
            [name = std::string(layer)](benchmark::State& state) { Conv_OpenCV(state, name); })
            ->Unit(benchmark::kMillisecond);
        registerConvPeers("Conv", layer, [name = std::string(layer)] {
            Shape in;
            std::int64_t flops = 0;
            return singleConv(name, in, flops);
        });
    }
    // MobileNet-v2's depthwise layers by every method (the direct loops too: they are small):
    // Dw_<method>/<layer>.
    for (const DepthwiseShape& d : kDepthwiseShapes)
        for (const ConvMethodInfo& m : convMethods())
            benchmark::RegisterBenchmark(
                ("Dw_" + std::string(m.name) + "/" + d.name).c_str(),
                [method = m.id, &d](benchmark::State& state) { depthwiseWith(state, d, method); })
                ->Unit(benchmark::kMillisecond);
    for (const DepthwiseShape& d : kDepthwiseShapes)
        registerConvPeers("Dw", d.name, [&d] { return depthwiseNet(d); });
    for (const PoolShape& d : kPoolShapes)
        for (const bool opencv : {false, true})
            benchmark::RegisterBenchmark(
                ((opencv ? "Pool_OpenCV/" : "Pool_ConvScope/") + std::string(d.name)).c_str(),
                [opencv, &d](benchmark::State& state) { poolWith(state, d, opencv); })
                ->Unit(benchmark::kMillisecond);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
