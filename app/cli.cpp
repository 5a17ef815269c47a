// Subcommands: parse options, call core, print a table or JSON. No engine logic lives here.
#include "cli.h"

#include <cstdio>
#include <iostream>
#include <new>
#include <stdexcept>

#include "arguments.h"
#include "error.h"
#include "im2col.h"
#include "io/image_io.h"
#include "io/matrix_image.h"
#include "io/opencv_reference.h"
#include "models.h"
#include "report.h"
#include "runtime.h"

namespace convscope::app {

namespace {

using namespace convscope::core;

const char* kUsage = R"(usage: convscope [SUBCOMMAND] [OPTIONS]

Without a subcommand, opens the ConvScope window.

Subcommands (each has --help):
  bench    time a network layer by layer (the classic per-layer breakdown)
  im2col   the im2col lowering of one conv layer: M, K, N, bytes, expansion
)";

const char* kBenchUsage = R"(usage: convscope bench [--net alexnet|lenet] [--batch N] [--threads T]
                       [--repeat R] [--warmup W] [--method im2col|direct]
                       [--col-limit MIB] [--compare opencv] [--seed S] [--json]

Runs the built-in network (seeded random weights) on a seeded random input and prints, per layer:
name, type, output shape, GEMM M x N x K, MFLOP, median ms, GFLOP/s, % of total, im2col ms,
GEMM ms and col-buffer MB, then the split by category (conv / fc / pool / norm / ...).

  --net NAME        alexnet (CaffeNet, 227x227x3; default) or lenet (28x28x1)
  --batch N         images per forward (1..1024, default 1)
  --threads T       engine threads (default: all cores)
  --repeat R        timed runs; times are medians (default 10)
  --warmup W        untimed runs after the first, cold one (default 2)
  --method M        im2col (im2col + GEMM, default) or direct (nested-loop reference)
  --col-limit MIB   largest im2col buffer before column tiling (default 512)
  --compare opencv  also run the same network in OpenCV dnn in this run, report its median time,
                    the time ratio and the largest output difference
  --seed S          input seed (default 7)
  --json            JSON instead of a table (fields: see README, "CLI reference")
)";

const char* kIm2colUsage =
    R"(usage: convscope im2col (--image FILE [--gray] | --shape CxHxW) --kernel KHxKW
                        [--stride S|SHxSW] [--pad P|T,B,L,R] [--dilation D|DHxDW]
                        [--groups G] [--filters M] [--json] [--out col.png] [--scale N]

Prints the im2col lowering of one conv layer: output size, the GEMM's M, K and N, the bytes of the
input and of the col matrix (K rows x N columns, Caffe layout), and the expansion factor. Nothing
large is allocated unless --out asks to render the matrix.

  --image FILE      an image (its channels and size are the input); --gray reads it as 1 channel
  --shape CxHxW     or just a shape, e.g. 3x227x227
  --kernel KHxKW    kernel size, e.g. 11x11 or 3
  --stride, --dilation   one value or HxW (default 1)
  --pad             one value for all sides, or top,bottom,left,right (default 0)
  --groups G        channel groups (default 1); --filters M output channels (default 96)
  --out FILE        render the col matrix (viridis colour map) to an image; --scale N enlarges
  --json            JSON instead of text (fields: see README, "CLI reference")
)";

// "P" or "T,B,L,R": one non-negative value for every side, or one per side.
std::vector<int> padding(const std::string& name, const std::string& text, std::size_t count) {
    std::vector<int> out;
    std::size_t pos = 0;
    while (true) {
        const std::size_t comma = text.find(',', pos);
        const std::string part =
            text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        try {
            std::size_t used = 0;
            const int v = std::stoi(part, &used);
            if (used != part.size() || v < 0) throw std::invalid_argument(part);
            out.push_back(v);
        } catch (const std::exception&) {
            throw std::invalid_argument("--" + name + " '" + text + "' must be whole numbers >= 0");
        }
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    if (out.size() == 1) out.assign(count, out[0]);
    if (out.size() != count)
        throw std::invalid_argument("--" + name + " '" + text + "' needs 1 or " +
                                    std::to_string(count) + " comma-separated values");
    return out;
}

int bench(const std::vector<std::string>& args) {
    const Arguments a(
        args, {"json", "help"},
        {"net", "batch", "threads", "repeat", "warmup", "method", "col-limit", "compare", "seed"});
    if (a.has("help")) {
        std::cout << kBenchUsage;
        return 0;
    }
    const std::string netName = a.text("net", "alexnet");
    std::unique_ptr<Network> net;
    if (netName == "alexnet")
        net = makeAlexNet();
    else if (netName == "lenet")
        net = makeLeNet();
    else
        throw std::invalid_argument("--net '" + netName +
                                    "' is not built in; choose alexnet or lenet");

    ProfileOptions options;
    options.batch = a.integer("batch", 1, 1, 1024);
    options.repeat = a.integer("repeat", 10, 1, 100000);
    options.warmup = a.integer("warmup", 2, 0, 10000);
    options.seed = std::uint32_t(a.integer("seed", 7, 0, 1 << 30));
    options.colMemoryLimit = std::int64_t(a.integer("col-limit", 512, 1, 1 << 20)) << 20;
    const std::string method = a.text("method", "im2col");
    if (method == "im2col")
        options.method = ConvMethod::Im2colGemm;
    else if (method == "direct")
        options.method = ConvMethod::Direct;
    else
        throw std::invalid_argument("--method '" + method + "' must be im2col or direct");
    const std::string peerName = a.text("compare", "");
    if (!peerName.empty() && peerName != "opencv")
        throw std::invalid_argument("--compare '" + peerName + "': the only peer is opencv");
    const int threads = a.integer("threads", hardwareThreads(), 1, 1024);
    setThreadCount(threads);

    ReportContext context;
    context.peakGflopsOneThread = measurePeakGflops(1);
    context.peakGflops = threads == 1 ? context.peakGflopsOneThread : measurePeakGflops(threads);
    const NetworkProfile profile = profileNetwork(*net, options);
    if (!peerName.empty()) {
        io::OpenCvNet::setThreads(threads);
        io::OpenCvNet peer(*net);
        Tensor input(net->inputShape(options.batch));
        fillUniform(input, options.seed, 0.0f, 1.0f);
        const io::OpenCvNet::Timing t = peer.time(input, options.warmup + 1, options.repeat);
        ForwardContext ctx;
        const Tensor& ours = net->forward(input, ctx);
        context.peerName = "opencv-dnn";
        context.peerTotalMs = t.totalMs;
        context.peerMaxAbsDiff = compare(ours.span(), peer.forward(input).span()).maxAbs;
    }
    std::cout << (a.has("json") ? profileJson(profile, context) : profileTable(profile, context));
    return 0;
}

int im2colCommand(const std::vector<std::string>& args) {
    const Arguments a(args, {"json", "help", "gray"},
                      {"image", "shape", "kernel", "stride", "pad", "dilation", "groups", "filters",
                       "out", "scale"});
    if (a.has("help")) {
        std::cout << kIm2colUsage;
        return 0;
    }
    if (a.has("image") == a.has("shape"))
        throw std::invalid_argument("give exactly one of --image FILE or --shape CxHxW");
    if (!a.has("kernel"))
        throw std::invalid_argument("--kernel KHxKW is required, e.g. --kernel 3x3");

    Tensor image;
    Shape input;
    if (a.has("image")) {
        io::ImageOptions io;
        io.channels = a.has("gray") ? 1 : 3;
        io.scale = 1.0f / 255;
        image = io::loadImage(a.text("image", ""), io);
        input = image.shape();
    } else {
        const std::vector<int> d = Arguments::dims("shape", a.text("shape", ""), 3);
        input = {1, d[0], d[1], d[2]};
    }
    WindowParams p;
    const std::vector<int> k = Arguments::dims("kernel", a.text("kernel", ""), 2);
    const std::vector<int> s = Arguments::dims("stride", a.text("stride", "1"), 2);
    const std::vector<int> d = Arguments::dims("dilation", a.text("dilation", "1"), 2);
    const std::vector<int> pad = padding("pad", a.text("pad", "0"), 4);
    p.kernelH = k[0], p.kernelW = k[1], p.strideH = s[0], p.strideW = s[1];
    p.dilationH = d[0], p.dilationW = d[1];
    p.padTop = pad[0], p.padBottom = pad[1], p.padLeft = pad[2], p.padRight = pad[3];
    p.groups = a.integer("groups", 1, 1, 1 << 20);

    Im2colReport report;
    report.input = input;
    report.params = p;
    report.outChannels = a.integer("filters", 96 / p.groups * p.groups, 1, 1 << 20);
    report.info = im2colInfo("im2col", input, p, report.outChannels);

    if (a.has("out")) {
        const Im2colInfo& info = report.info;
        const std::int64_t rows = std::int64_t(input.c) * p.kernelH * p.kernelW;
        if (rows * info.N > io::kMaxMatrixImageCells)
            throw Error(ErrorCategory::ResourceLimit,
                        "the col matrix has " + std::to_string(rows) + "x" +
                            std::to_string(info.N) +
                            " cells, too many to render; use a smaller input or a larger stride");
        if (image.empty()) {
            image = Tensor(input);
            fillUniform(image, 1, 0.0f, 1.0f);
        }
        Tensor col(1, 1, int(rows), info.N);
        im2col(image.data(), input.c, input.h, input.w, p, col.data());
        io::writeMatrixImage(a.text("out", ""), col.data(), int(rows), info.N,
                             a.integer("scale", 1, 1, 64));
    }
    std::cout << (a.has("json") ? im2colJson(report) : im2colTable(report));
    return 0;
}

}  // namespace

bool isCliInvocation(const std::vector<std::string>& args) {
    if (args.empty()) return false;
    const std::string& c = args[0];
    return c == "bench" || c == "im2col" || c == "--help" || c == "-h" || c == "help" ||
           c == "--version";
}

int runCli(const std::vector<std::string>& args) {
    const std::string command = args.empty() ? "" : args[0];
    const std::vector<std::string> rest(args.begin() + (args.empty() ? 0 : 1), args.end());
    try {
        if (command == "bench") return bench(rest);
        if (command == "im2col") return im2colCommand(rest);
        if (command == "--version") {
            std::cout << "convscope " << CONVSCOPE_VERSION << "\n";
            return 0;
        }
        std::cout << kUsage;
        return 0;
    } catch (const Error& e) {
        std::cerr << "convscope " << command << ": " << e.what() << "\n";
        return 2;
    } catch (const std::invalid_argument& e) {
        std::cerr << "convscope " << command << ": " << e.what() << "\n";
        return 2;
    } catch (const std::bad_alloc&) {
        std::cerr << "convscope " << command << ": out of memory; use a smaller input or batch\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "convscope " << command << ": unexpected error: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace convscope::app
