// Subcommands: parse options, call core, print a table or JSON. No engine logic lives here.
#include "cli.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <new>
#include <sstream>
#include <stdexcept>

#include "arguments.h"
#include "base/error.h"
#include "base/limits.h"
#include "base/runtime.h"
#include "conv/im2col.h"
#include "conv/methods/registry.h"
#include "io/image_io.h"
#include "io/matrix_image.h"
#include "io/model_import.h"
#include "io/npy.h"
#include "layers/convolution.h"
#include "measure/bench_run.h"
#include "net/classify.h"
#include "net/models.h"
#include "peers/opencv_reference.h"
#include "render/filter_grid.h"
#include "report/json_writer.h"
#include "report/report.h"

namespace convscope::app {

namespace {

using namespace convscope::core;

const char* kUsage = R"(usage: convscope [SUBCOMMAND] [OPTIONS]

Without a subcommand, opens the ConvScope window.

Subcommands (each has --help):
  run      classify an image with a trained model (ONNX, Caffe, TensorFlow, Darknet) in the
           engine, or run it on a .npy tensor; --compare opencv checks every output against
           OpenCV dnn
  filters  draw a model's learned conv filters as a grid of tiles (PNG)
  bench    time a network layer by layer (the classic per-layer breakdown)
  im2col   the im2col lowering of one conv layer: M, K, N, bytes, expansion
  shot     render a teaching view (convolution, im2col, GEMM) to a PNG, headless
  render   export an animation of a teaching view (GIF or MP4), headless

Options for every mode, anywhere on the line:
  --isa NAME   the kernels' instruction set: avx512, avx2 or generic (default: the best this
               CPU runs; also CONVSCOPE_ISA=NAME). `convscope --version` prints the one in use.
)";

// The conv methods' lines come from the registry (conv/methods/registry.h).
std::string methodChoices() {
    std::string s;
    for (const core::ConvMethodInfo& m : core::convMethods())
        s += (s.empty() ? "" : "|") + std::string(m.name);
    return s;
}
// One entry per method, "name: summary", wrapped at 96 columns under the option's text.
std::string methodHelp() {
    const std::string indent(20, ' ');
    std::string s;
    for (const core::ConvMethodInfo& m : core::convMethods()) {
        std::string line = indent + std::string(m.name) + ":";
        std::istringstream words{std::string(m.summary)};
        for (std::string word; words >> word;) {
            if (line.size() + 1 + word.size() > 96) {
                s += line + "\n";
                line = indent + "  ";
            } else {
                line += " ";
            }
            line += word;
        }
        s += line + "\n";
    }
    return s;
}

std::string benchUsage() {
    return R"(usage: convscope bench [--net alexnet|lenet | --model F [--config F] [--size WxH]]
                       [--batch N] [--threads T] [--repeat R] [--warmup W]
                       [--method )" +
           methodChoices() + R"(]
                       [--methods [--layer NAME]] [--col-limit MIB] [--compare opencv]
                       [--seed S] [--json]

Runs a network (built in with seeded random weights, or a trained model file) on a seeded random
input and prints, per layer:
name, type, output shape, GEMM M x N x K, MFLOP, median ms, GFLOP/s, % of total, im2col ms,
GEMM ms and col-buffer MB, then the split by category (conv / fc / pool / norm / ...).

  --net NAME        alexnet (CaffeNet, 227x227x3; default) or lenet (28x28x1)
  --model F         a model file instead (see `convscope run --help`); --config F its second
                    file; --size WxH the input size when the file declares none
  --batch N         images per forward (1..1024, default 1)
  --threads T       engine threads (default: all cores)
  --repeat R        timed runs; times are medians (default 10)
  --warmup W        untimed runs after the first, cold one (default 2; OpenCV dnn gets the
                    same cold run, warm-up and repeat)
  --method M        how convolutions run (default )" +
           std::string(methodInfo(kDefaultConvMethod).name) + R"():
)" + methodHelp() +
           R"(  --methods         the ladder: every method in one run, per conv layer (ms, GFLOP/s, % of
                    peak) and the col memory each needs
  --layer NAME      with --methods: that conv layer alone, on its input shape
  --col-limit MIB   largest im2col buffer before column tiling (default 512)
  --compare opencv  also run the same network in OpenCV dnn in this run, report its median time,
                    the time ratio and the largest output difference
  --seed S          input seed (default 7)
  --json            JSON instead of a table (fields: see README, "CLI reference")
)";
}

const char* kIm2colUsage =
    R"(usage: convscope im2col (--image FILE [--gray] | --shape CxHxW) --kernel KHxKW
                        [--stride S|SHxSW] [--pad P|T,B,L,R] [--dilation D|DHxDW]
                        [--groups G] [--filters M] [--json] [--out col.png] [--scale N]

Prints the im2col lowering of one conv layer: output size, the GEMM's M, K and N per group, the
bytes of the input and of the whole col matrix (G x K rows x N columns, Caffe layout), and the
expansion factor. Nothing large is allocated unless --out asks to render the matrix.

  --image FILE      an image (its channels and size are the input), channels R,G,B in [0,1] as
                    in the teaching views; --gray reads it as 1 channel
  --shape CxHxW     or just a shape, e.g. 3x227x227
  --kernel KHxKW    kernel size, e.g. 11x11 or 3
  --stride, --dilation   one value or HxW (default 1)
  --pad             one value for all sides, or top,bottom,left,right (default 0)
  --groups G        channel groups (default 1); --filters M output channels (default 96)
  --out FILE        render the col matrix (viridis colour map) to an image; --scale N enlarges
  --json            JSON instead of text (fields: see README, "CLI reference")
)";

const char* kRunUsage =
    R"(usage: convscope run --model F [--config F] --image I [--size WxH] [--scale S]
                     [--mean A,B,C] [--swap-rb] [--crop] [--labels L] [--top K]
                     [--compare opencv] [--per-layer] [--threads T] [--method M] [--fold-bn]
                     [--json]
       convscope run --model F [--config F] --input-npy X.npy [--output-npy Y.npy]
                     [--labels L] [--top K] [--compare opencv] [--per-layer] [--threads T]
                     [--method M] [--fold-bn] [--json]

Runs a trained model on one image in the engine and prints the top-K classes; or on a given
input tensor, written out as .npy, to compare the engine with another framework.

  --model F         ONNX (.onnx), Caffe (.caffemodel, with --config net.prototxt), TensorFlow
                    (.pb, optional --config .pbtxt) or Darknet (.weights with --config .cfg)
  --image I         any image OpenCV reads; gray models read it as gray
  --size WxH        input size (default: what the model declares)
  --scale S         multiply after subtracting the mean (e.g. 0.00390625 for LeNet)
  --mean A,B,C      per-channel mean, in the model's channel order (default 0)
  --swap-rb         the model takes R,G,B (OpenCV reads B,G,R)
  --crop            centre-crop to the input's aspect ratio before resizing
  --input-npy X     instead of --image: a float32 (or float64) N x C x H x W .npy array in C
                    order, the network input as it is (no preprocessing); its H and W set the
                    input size, N > 1 runs a batch
  --output-npy Y    write the output as float32 .npy (of an --image run too): N x C for a
                    vector output (C x 1 x 1 in the engine), else N x C x H x W
  --labels L        one class name per line
  --top K           how many classes to print (default 5; per image of a batch)
  --compare opencv  run the same file and input in OpenCV dnn: largest absolute and relative
                    difference of the output; --per-layer: of every layer's output too
  --method M        how convolutions run: auto (default: per layer the fastest method, timed
                    once per layer shape on this machine and remembered), or one method for
                    every layer (`convscope bench --help` lists them)
  --fold-bn         ONNX: fold each BatchNormalization that alone follows a Conv into its
                    weights (inference engines do; the listing says which were folded)
  --json            JSON instead of text
)";

const char* kFiltersUsage =
    R"(usage: convscope filters --model F [--config F] [--layer NAME] --out grid.png [--scale N]
                         [--norm per-filter|global] [--swap-rb] [--json]

Draws a conv layer's learned filters (default: the first conv layer) as a grid: one RGB tile per
filter when it has 3 input channels, else a row of grayscale tiles per filter (one per channel);
groups side by side; nearest-neighbour enlargement by --scale (default 8).

  --norm            per-filter (default: each tile uses its full range) or global (one scale)
  --swap-rb         the model takes R,G,B; by default channel 0 is blue (OpenCV's order)
  --json            print the layer, its shape and the grid geometry as JSON
)";

// The model of --model/--config, sized by --size, else by width x height when both are > 0, else
// as the file declares.
io::ImportedModel loadModel(const Arguments& a, int width = 0, int height = 0) {
    if (!a.has("model")) throw std::invalid_argument("--model FILE is required");
    int w = width, h = height;
    if (a.has("size")) {
        const std::vector<int> d = Arguments::dims("size", a.text("size", ""), 2);
        w = d[0], h = d[1];
        if (w <= 0 || h <= 0) throw std::invalid_argument("--size must be positive, e.g. 28x28");
    }
    return io::importModel(a.text("model", ""), a.text("config", ""), w, h, a.has("fold-bn"));
}

// The imported network, or an error naming what stops it from running.
Network& runnable(io::ImportedModel& model) {
    if (!model.runnable())
        throw Error(ErrorCategory::InvalidConfig,
                    "'" + model.modelPath + "' cannot run in the engine: " + model.problem);
    return *model.network;
}

// --input-npy: an N x C x H x W array (or N x ... for a model whose input is not an image),
// checked so the model's own error never has to explain it.
Tensor npyInput(const std::string& path) {
    io::NpyArray a = io::readNpy(path);
    const std::string shape = io::npyShapeString(a.dims);
    if (a.dims.empty() || a.dims.size() > std::size_t(Shape::kMaxRank))
        throw Error(ErrorCategory::ShapeMismatch,
                    "'" + path + "' has shape " + shape + " (" + std::to_string(a.dims.size()) +
                        "-D); --input-npy takes N x C x H x W (NCHW), e.g. numpy.save(f, x[None]) "
                        "for one C x H x W image");
    for (std::int64_t d : a.dims)
        if (d < 1 || d > (1 << 20))
            throw Error(ErrorCategory::ShapeMismatch,
                        "'" + path + "' has shape " + shape +
                            "; every dimension of an input must be from 1 to 1048576");
    if (a.dims[0] > limits::kMaxBatch)
        throw Error(ErrorCategory::ResourceLimit,
                    "'" + path + "' holds a batch of " + std::to_string(a.dims[0]) +
                        " images; at most " + std::to_string(limits::kMaxBatch) + " run at once");
    Tensor t(Shape::of(a.dims));
    std::copy(a.values.begin(), a.values.end(), t.data());
    return t;
}

// The output as a framework shapes it: its own rank (an ONNX graph's), except that a 4-D vector
// output (C x 1 x 1, a Caffe net's) is N x C.
std::vector<std::int64_t> outputDims(const Shape& s) {
    if (s.rank != 4) return s.dims();
    if (s.h == 1 && s.w == 1) return {s.n, s.c};
    return {s.n, s.c, s.h, s.w};
}

int run(const std::vector<std::string>& args) {
    const Arguments a(args, {"json", "help", "swap-rb", "crop", "per-layer", "fold-bn"},
                      {"model", "config", "image", "size", "scale", "mean", "labels", "top",
                       "compare", "threads", "input-npy", "output-npy", "method"});
    if (a.has("help")) {
        std::cout << kRunUsage;
        return 0;
    }
    const bool fromNpy = a.has("input-npy");
    if (fromNpy && a.has("image"))
        throw std::invalid_argument("give either --image or --input-npy, not both");
    if (!fromNpy && !a.has("image"))
        throw std::invalid_argument("--image FILE is required (or --input-npy X.npy)");
    if (fromNpy)
        for (const char* option : {"size", "scale", "mean", "swap-rb", "crop"})
            if (a.has(option))
                throw std::invalid_argument(
                    std::string("--") + option +
                    " prepares an --image; an --input-npy tensor is the network input as it is "
                    "(its H and W set the size)");
    const std::string peerName = a.text("compare", "");
    if (!peerName.empty() && peerName != "opencv")
        throw std::invalid_argument("--compare '" + peerName + "': the only peer is opencv");
    setThreadCount(a.integer("threads", hardwareThreads(), 1, 1024));
    const io::Preprocessing preprocessing =
        preprocessingOptions(a);  // its errors before any reading
    const int k = a.integer("top", 5, 1, 100000);
    const ConvMethod method = Arguments::convMethod(
        a.text("method", std::string(core::methodInfo(core::kDefaultConvMethod).name)));

    Tensor input;
    if (fromNpy) input = npyInput(a.text("input-npy", ""));
    const bool image = !fromNpy || input.shape().rank == 4;
    io::ImportedModel model = fromNpy && image ? loadModel(a, input.w(), input.h()) : loadModel(a);
    Network& net = runnable(model);
    const Shape in = net.inputShape(1);
    if (fromNpy && !image && in.rank == 4)
        throw Error(ErrorCategory::ShapeMismatch,
                    "'" + a.text("input-npy", "") + "' has shape " + input.shape().toString() +
                        " (" + std::to_string(input.shape().rank) +
                        "-D); --input-npy takes N x C x H x W (NCHW) for this model, e.g. "
                        "numpy.save(f, x[None]) for one C x H x W image");
    if (fromNpy && !image) {
        const Shape wanted = net.inputShape(input.n());
        if (input.shape().dims() != wanted.dims())
            throw Error(ErrorCategory::ShapeMismatch,
                        "'" + a.text("input-npy", "") + "' has shape " + input.shape().toString() +
                            "; '" + model.modelPath + "' takes " + wanted.toString() +
                            " (the first dimension is the batch)");
    } else if (fromNpy) {
        if (input.c() != in.c)
            throw Error(ErrorCategory::ShapeMismatch,
                        "'" + a.text("input-npy", "") + "' has " + std::to_string(input.c()) +
                            (input.c() == 1 ? " channel" : " channels") + " (shape " +
                            input.shape().toString() + "); '" + model.modelPath + "' takes " +
                            std::to_string(in.c) + " (N x " + std::to_string(in.c) + " x H x W)");
    } else {
        io::ImageOptions pre;
        pre.channels = in.c;
        static_cast<io::Preprocessing&>(pre) = preprocessing;
        pre.width = in.w;
        pre.height = in.h;
        if (in.c != 1 && in.c != 3)
            throw Error(ErrorCategory::InvalidConfig,
                        "the model takes " + std::to_string(in.c) +
                            " channels; images give 1 or 3 (give a tensor with --input-npy)");
        std::string warning;
        input = io::loadImage(a.text("image", ""), pre, &warning);
        if (!warning.empty()) std::cerr << "convscope run: warning: " << warning << "\n";
    }
    // NaN or infinite numbers in, or out: refused, with where they came from (exit 2), never
    // printed as a result.
    if (const std::int64_t bad = countNonFinite(input.span()))
        throw Error(ErrorCategory::InvalidConfig,
                    fromNpy ? "'" + a.text("input-npy", "") + "' holds " + std::to_string(bad) +
                                  " NaN or infinite values; the input must be finite numbers"
                            : "the preprocessed image holds " + std::to_string(bad) +
                                  " infinite values: --scale and --mean overflow float on its "
                                  "pixels; use a scale such as 0.0039 (1/255)");
    ForwardContext ctx;
    ctx.convMethod = method;
    const Tensor& output = net.forward(input, ctx);
    // A non-finite output is refused, naming the first layer that produced such values.
    if (const int layer = countNonFinite(output.span()) > 0 ? net.firstNonFiniteBlob() : -1;
        layer >= 0)
        throw Error(ErrorCategory::InvalidConfig,
                    "the output is not finite: layer '" + net.layer(layer).name() + "' (" +
                        net.layer(layer).type() + ") produced " +
                        std::to_string(countNonFinite(net.blob(layer).span())) +
                        " NaN or infinite values, so the weights or the input overflow float; "
                        "scale the input (--scale) or check the model's weights");
    if (a.has("output-npy")) {
        const std::vector<std::int64_t> dims = outputDims(output.shape());
        io::writeNpy(a.text("output-npy", ""), dims, output.span());
    }

    std::vector<std::string> labels;
    if (a.has("labels")) {
        labels = readLabels(a.text("labels", ""));
        checkLabels(labels, std::size_t(output.shape().perImage()), a.text("labels", ""));
    }
    // Top-K per image of the batch: each image's scores are one C x H x W slice of the output.
    std::vector<std::vector<Prediction>> tops;
    for (int i = 0; i < output.n(); ++i)
        tops.push_back(topK({output.image(i), std::size_t(output.shape().perImage())}, k, labels));
    const std::vector<Prediction>& top = tops.front();

    struct LayerDiff {
        std::string name;
        Difference d;
    };
    std::vector<LayerDiff> diffs;
    Difference outputDiff;
    if (!peerName.empty()) {
        io::OpenCvNet peer(model.modelPath, model.configPath);
        outputDiff = compare(output.span(), peer.forward(input).span());
        if (a.has("per-layer")) {
            peer.setFusion(false);  // fused layers overwrite intermediate outputs
            for (const io::ModelLayer& l : model.layers)
                if (l.engineIndex >= 0)
                    diffs.push_back({l.name, compare(net.blob(l.engineIndex).span(),
                                                     peer.forward(input, l.name).span())});
        }
    }

    auto writeTop = [](JsonWriter& j, const std::vector<Prediction>& predictions) {
        j.beginArray();
        for (const Prediction& p : predictions) {
            j.beginObject().field("index", p.index).field("score", double(p.score));
            if (!p.label.empty()) j.field("label", p.label);
            j.endObject();
        }
        j.endArray();
    };
    const Shape& out = output.shape();
    if (a.has("json")) {
        JsonWriter j;
        j.beginObject();
        j.field("model", model.modelPath).field("format", model.format);
        j.key("input").array({in.c, in.h, in.w});
        if (fromNpy) j.field("input_npy", a.text("input-npy", "")).field("batch", input.n());
        j.key("output").array({out.n, out.c, out.h, out.w});
        if (a.has("output-npy")) j.field("output_npy", a.text("output-npy", ""));
        j.key("top");
        writeTop(j, top);
        if (tops.size() > 1) {
            j.key("top_by_image").beginArray();
            for (const std::vector<Prediction>& t : tops) writeTop(j, t);
            j.endArray();
        }
        if (!peerName.empty()) {
            j.key("compare").beginObject().field("peer", "opencv-dnn");
            j.field("max_abs_diff", outputDiff.maxAbs).field("max_rel_diff", outputDiff.maxRel);
            j.key("layers").beginArray();
            for (const LayerDiff& d : diffs)
                j.beginObject()
                    .field("name", d.name)
                    .field("max_abs_diff", d.d.maxAbs)
                    .field("max_rel_diff", d.d.maxRel)
                    .endObject();
            j.endArray().endObject();
        }
        j.endObject();
        std::cout << j.str() << "\n";
        return 0;
    }
    std::printf("%s (%s), input %s\n", model.modelPath.c_str(), model.format.c_str(),
                (fromNpy ? input.shape() : in).toString().c_str());
    if (a.has("output-npy")) {
        std::printf("wrote %s: output %s\n", a.text("output-npy", "").c_str(),
                    io::npyShapeString(outputDims(out)).c_str());
    } else {
        for (std::size_t b = 0; b < tops.size(); ++b) {
            if (tops.size() > 1) std::printf("image %zu:\n", b);
            for (std::size_t i = 0; i < tops[b].size(); ++i)
                std::printf("%2zu. class %d%s%s  %.6g\n", i + 1, tops[b][i].index,
                            tops[b][i].label.empty() ? "" : " ", tops[b][i].label.c_str(),
                            double(tops[b][i].score));
        }
    }
    if (!peerName.empty()) {
        std::printf("opencv-dnn: output max |difference| %.3g, relative %.3g\n", outputDiff.maxAbs,
                    outputDiff.maxRel);
        for (const LayerDiff& d : diffs)
            std::printf("  %-28s max |difference| %.3g, relative %.3g\n", d.name.c_str(),
                        d.d.maxAbs, d.d.maxRel);
    }
    return 0;
}

int filters(const std::vector<std::string>& args) {
    const Arguments a(args, {"json", "help", "swap-rb"},
                      {"model", "config", "layer", "out", "scale", "norm", "size"});
    if (a.has("help")) {
        std::cout << kFiltersUsage;
        return 0;
    }
    if (!a.has("out")) throw std::invalid_argument("--out FILE.png is required");
    const io::ImportedModel model = loadModel(a);
    if (model.convs.empty())
        throw Error(ErrorCategory::InvalidConfig,
                    "'" + model.modelPath + "' has no convolution layer" +
                        (model.problem.empty() ? std::string() : " it can show: " + model.problem));
    // The filters are the file's weights, shown even when a later layer cannot run; say so.
    if (!model.problem.empty()) std::cerr << "warning: " << model.problem << "\n";
    const std::string wanted = a.text("layer", model.convs.front().layer);
    const auto it = std::find_if(model.convs.begin(), model.convs.end(),
                                 [&](const io::ConvFilters& c) { return c.layer == wanted; });
    if (it == model.convs.end()) {
        std::string names;
        for (const io::ConvFilters& c : model.convs) names += (names.empty() ? "" : ", ") + c.layer;
        throw std::invalid_argument(
            "--layer '" + wanted + "' is not a conv layer of the model; its conv layers: " + names);
    }
    FilterGridOptions options;
    options.scale = a.integer("scale", 8, 1, 64);
    const std::string norm = a.text("norm", "per-filter");
    if (norm == "global")
        options.norm = FilterNorm::Global;
    else if (norm != "per-filter")
        throw std::invalid_argument("--norm must be per-filter or global");
    options.inputIsBgr = !a.has("swap-rb");
    FilterGridLayout layout;
    const RgbImage grid = renderFilterGrid(it->weights, it->params.groups, options, &layout);
    io::writeRgbImage(a.text("out", ""), grid);
    const Shape& w = it->weights.shape();
    if (a.has("json")) {
        JsonWriter j;
        j.beginObject().field("layer", it->layer).key("weights").array({w.n, w.c, w.h, w.w});
        j.field("groups", it->params.groups).field("rgb", layout.rgb);
        j.field("width", layout.width)
            .field("height", layout.height)
            .field("out", a.text("out", ""));
        j.endObject();
        std::cout << j.str() << "\n";
    } else {
        std::printf(
            "%s: %d filters %dx%dx%d%s -> %s (%dx%d, %s)\n", it->layer.c_str(), w.n, w.c, w.h, w.w,
            it->params.groups > 1 ? (" in " + std::to_string(it->params.groups) + " groups").c_str()
                                  : "",
            a.text("out", "").c_str(), layout.width, layout.height,
            layout.rgb             ? "RGB tiles"
            : layout.tilePerFilter ? "gray tiles"
                                   : "a row of gray tiles per filter");
    }
    return 0;
}

int bench(const std::vector<std::string>& args) {
    const Arguments a(args, {"json", "help", "methods"},
                      {"net", "model", "config", "size", "batch", "threads", "repeat", "warmup",
                       "method", "col-limit", "compare", "seed", "layer"});
    if (a.has("help")) {
        std::cout << benchUsage();
        return 0;
    }
    const std::string netName = a.text("net", "alexnet");
    std::unique_ptr<Network> net;
    io::ImportedModel model;
    if (a.has("model") && a.has("net"))
        throw std::invalid_argument("give either --net or --model, not both");
    if (a.has("model")) {
        model = loadModel(a);
        runnable(model);
        net = std::move(model.network);
    } else if (netName == "alexnet")
        net = makeAlexNet();
    else if (netName == "lenet")
        net = makeLeNet();
    else
        throw std::invalid_argument("--net '" + netName +
                                    "' is not built in; choose alexnet or lenet");
    if (a.has("layer")) {
        if (!a.has("methods"))
            throw std::invalid_argument("--layer goes with --methods (the ladder of one layer)");
        net = convLayerAlone(*net, a.text("layer", ""));
    }

    BenchOptions options;
    options.profile.batch = a.integer("batch", 1, 1, limits::kMaxBatch);
    options.profile.repeat = a.integer("repeat", 10, 1, 100000);
    options.profile.warmup = a.integer("warmup", kDefaultWarmup, 0, 10000);
    options.profile.seed = std::uint32_t(a.integer("seed", 7, 0, 1 << 30));
    options.profile.colMemoryLimit = std::int64_t(a.integer("col-limit", 512, 1, 1 << 20)) << 20;
    options.profile.method = Arguments::convMethod(
        a.text("method", std::string(core::methodInfo(core::kDefaultConvMethod).name)));
    options.ladder = a.has("methods");
    const std::string peerName = a.text("compare", "");
    if (!peerName.empty() && peerName != "opencv")
        throw std::invalid_argument("--compare '" + peerName + "': the only peer is opencv");
    options.compareOpenCv = !peerName.empty();
    if (!a.has("layer")) {  // one layer alone: the peer is built from it
        options.peerModel = model.modelPath;
        options.peerConfig = model.configPath;
    }
    setThreadCount(a.integer("threads", hardwareThreads(), 1, 1024));

    // Before the batch's input is made: a batch that does not fit is refused in no time.
    net->checkMemory(options.profile.batch, options.profile.colMemoryLimit);
    const BenchResult result = runBench(*net, options);
    std::cout << (a.has("json") ? benchJson(result) : benchTable(result));
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
        io.swapRB = true;  // R, G, B in [0, 1]: the teaching views' channels, row for row
        std::string warning;
        image = io::loadImage(a.text("image", ""), io, &warning);
        if (!warning.empty()) std::cerr << "convscope im2col: warning: " << warning << "\n";
        input = image.shape();
    } else {
        const std::vector<int> d = Arguments::dims("shape", a.text("shape", ""), 3);
        input = {1, d[0], d[1], d[2]};
    }
    WindowParams p;
    const std::vector<int> k = Arguments::dims("kernel", a.text("kernel", ""), 2);
    const std::vector<int> s = Arguments::dims("stride", a.text("stride", "1"), 2);
    const std::vector<int> d = Arguments::dims("dilation", a.text("dilation", "1"), 2);
    const std::vector<int> pad = Arguments::list("pad", a.text("pad", "0"), 4, 0, 1 << 20, true);
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
        if (rows * info.N > limits::kMaxMatrixImageCells)
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

namespace {

// Every subcommand, in the order of the usage text; shot and render run in main.cpp (they need a
// QApplication), the rest in runCli().
constexpr const char* kSubcommands[] = {"run", "filters", "bench", "im2col", "shot", "render"};

bool isSubcommand(const std::string& word) {
    return std::find(std::begin(kSubcommands), std::end(kSubcommands), word) !=
           std::end(kSubcommands);
}

std::size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// Qt's own command-line options that take a value (QGuiApplication, QApplication).
bool qtOptionWithValue(const std::string& a) {
    for (const char* o : {"-platform", "-platformpluginpath", "-platformtheme", "-plugin",
                          "-qwindowgeometry", "-qwindowicon", "-qwindowtitle", "-display",
                          "-geometry", "-style", "-stylesheet", "-session", "-qmljsdebugger"})
        if (a == o || a == std::string("-") + o) return true;
    return false;
}

}  // namespace

bool isCliInvocation(const std::vector<std::string>& args) {
    if (args.empty()) return false;
    const std::string& c = args[0];
    return (isSubcommand(c) && c != "shot" && c != "render") || c == "--help" || c == "-h" ||
           c == "help" || c == "--version";
}

int checkWindowArguments(const std::vector<std::string>& args) {
    int files = 0;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--present") continue;
        if (qtOptionWithValue(a)) {
            ++i;
            continue;
        }
        if (a.size() > 1 && a[0] == '-' && a[1] != '-') continue;  // Qt's flags (-reverse, ...)
        if (a.rfind("--", 0) == 0) {
            std::cerr << "convscope: unknown option '" << a
                      << "'; the window takes [--present] [FILE] (see convscope --help)\n";
            return 2;
        }
        std::error_code ec;
        const std::filesystem::path path(a);
        if (std::filesystem::is_regular_file(path, ec)) {
            if (++files > 1) {
                std::cerr << "convscope: give one file to open, not several ('" << a << "')\n";
                return 2;
            }
            continue;
        }
        if (std::filesystem::is_directory(path, ec)) {
            std::cerr << "convscope: '" << a
                      << "' is a folder; give a session, lesson or image file to open\n";
            return 2;
        }
        // Not a file: a word without a folder or an extension is a mistyped subcommand.
        if (i == 0 && a.find('/') == std::string::npos && a.find('.') == std::string::npos) {
            const char* nearest = kSubcommands[0];
            for (const char* c : kSubcommands)
                if (editDistance(a, c) < editDistance(a, nearest)) nearest = c;
            std::cerr << "convscope: '" << a << "' is not a subcommand"
                      << (editDistance(a, nearest) <= 2
                              ? std::string("; did you mean '") + nearest + "'?"
                              : std::string(""))
                      << ". The subcommands: run, filters, bench, im2col, shot, render (see "
                         "convscope --help)\n";
            return 2;
        }
        std::cerr << "convscope: '" << a
                  << "' does not exist; give a session (.json), lesson or image file to open\n";
        return 2;
    }
    return 0;
}

int guarded(const std::string& command, const std::function<int()>& body) {
    const std::string prefix = "convscope" + (command.empty() ? "" : " " + command) + ": ";
    try {
        return body();
    } catch (const Error& e) {
        std::cerr << prefix << e.what() << "\n";
        return 2;
    } catch (const std::invalid_argument& e) {
        std::cerr << prefix << e.what() << "\n";
        return 2;
    } catch (const std::bad_alloc&) {
        std::cerr << prefix << "out of memory; use a smaller input, size or batch\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << prefix << "unexpected error: " << e.what() << "\n";
        return 1;
    }
}

int runCli(const std::vector<std::string>& args) {
    const std::string command = args.empty() ? "" : args[0];
    const std::vector<std::string> rest(args.begin() + (args.empty() ? 0 : 1), args.end());
    return guarded(command, [&] {
        if (command == "run") return run(rest);
        if (command == "filters") return filters(rest);
        if (command == "bench") return bench(rest);
        if (command == "im2col") return im2colCommand(rest);
        if (command == "--version") {
            std::cout << "convscope " << CONVSCOPE_VERSION << "\n" << kernelsLine() << "\n";
            std::cout << "kernel variants this CPU runs:";
            for (Isa isa : supportedIsas()) std::cout << " " << isaName(isa);
            std::cout << " (force one with --isa NAME or CONVSCOPE_ISA=NAME)\n";
            return 0;
        }
        std::cout << kUsage << "\n" << limits::limitsHelp();
        return 0;
    });
}

}  // namespace convscope::app
