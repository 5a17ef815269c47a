// The shot subcommand's option parsing.
#include "shot_command.h"

#include <algorithm>
#include <iostream>
#include <set>
#include <stdexcept>

#include "arguments.h"
#include "base/error.h"
#include "base/limits.h"
#include "headless/shot.h"
#include "shell/app_state.h"

namespace convscope::app {

namespace {
const char* kShotUsage =
    R"(usage: convscope shot --out F.png [--view conv|im2col|gemm|all] [--image I] [--roi X,Y,W,H]
                      [--kernel KHxKW] [--stride S|SHxSW] [--pad P] [--same] [--dilation D]
                      [--groups G] [--filters M] [--gray] [--preset N] [--step N] [--filter M]
                      [--size WxH]
       convscope shot --out F.png --view filters|features|fc|profile [--model F [--config F]]
                      [--layer NAME] [--model-filter M] [--image I] [--scale S] [--mean A,B,C]
                      [--swap-rb] [--crop] [--labels L]
                      [--threads T] [--batch B] [--repeat R] [--method M] [--opencv]
                      [--chart time|categories|throughput|first|variation|ladder] [--size WxH]
       convscope shot --out F.png --view quiz [--seed N] [--size WxH]

Renders a teaching view headless with the same code as the window (offscreen platform): the
convolution view, the im2col matrix, the GEMM, or all three side by side (default). Defaults: the
built-in photo's 32x32 region at (136, 86), a 3x3 RGB Sobel kernel, stride 1, pad 1, step 0,
1400x800 pixels.

The network views run a model (default: the built-in AlexNet; --model alexnet|lenet|FILE) on the
image: the Model panel with the filter gallery (filters), the gallery with the feature maps
(features), an fc layer as GEMV/GEMM with its measured batch timing (fc), or the timing profile
(profile; --method M the conv method as in `convscope bench`; --opencv times OpenCV dnn
beside it; --chart ladder runs every conv method).
)";

constexpr int kDefaultFrames = 48;

const char* kRenderUsage =
    R"(usage: convscope render --out F.gif|F.mp4 [--view conv|im2col|gemm|all] [--steps A..B]
                        [--fps N] [--size WxH] [--session FILE [--lesson-step N]]
                        [the teaching options of `convscope shot`: --image --roi --kernel
                         --stride --pad --same --dilation --groups --filters --gray --preset
                         --filter]

Renders the teaching views step by step into an animated GIF or an MP4 (the format from the
extension), with the window's own code on the offscreen platform. --session takes a session or a
lesson file (its step --lesson-step, default 1) instead of the options. Defaults: steps 0..47 (or
all, when fewer), 4 frames per second, 1200x640.
)";

// The teaching options shared by shot and render.
const std::set<std::string> kTeachingFlags = {"same", "gray"};
const std::set<std::string> kTeachingOptions = {"image",    "roi",    "kernel",  "stride", "pad",
                                                "dilation", "groups", "filters", "preset", "step",
                                                "filter",   "size",   "view"};

void parseTeaching(const Arguments& a, ui::ShotRequest& r, const char* defaultSize) {
    r.view = QString::fromStdString(a.text("view", "all"));
    r.image = QString::fromStdString(a.text("image", ""));
    if (a.has("roi")) {
        // Each value below the largest image's pixel count: x + w cannot overflow.
        const std::vector<int> v =
            Arguments::list("roi", a.text("roi", ""), 4, 0, int(core::limits::kMaxImagePixels));
        r.roi = QRect(v[0], v[1], v[2], v[3]);
    }
    const std::vector<int> k = Arguments::dims("kernel", a.text("kernel", "3"), 2);
    const std::vector<int> s = Arguments::dims("stride", a.text("stride", "1"), 2);
    const std::vector<int> d = Arguments::dims("dilation", a.text("dilation", "1"), 2);
    const int pad = a.integer("pad", 1, 0, 10);
    core::WindowParams& p = r.layer.params;
    p = core::WindowParams::square(1, 1, pad);
    p.kernelH = k[0], p.kernelW = k[1], p.strideH = s[0], p.strideW = s[1], p.dilationH = d[0],
    p.dilationW = d[1];
    p.groups = a.integer("groups", 1, 1, 64);
    r.layer.filters = a.integer("filters", 1, 1, 64);
    r.layer.rgb = !a.has("gray");
    r.layer.samePadding = a.has("same");
    r.layer.preset = a.integer("preset", int(core::KernelPreset::SobelX), 0,
                               int(core::kernelPresets().size()) - 1);
    r.step = a.integer("step", 0, 0, 1 << 30);
    r.filter = a.integer("filter", 0, 0, 63);
    const std::vector<int> size =
        Arguments::dims("size", a.text("size", defaultSize), 2, core::limits::kMinRenderSide,
                        core::limits::kMaxRenderSide);
    r.size = QSize(size[0], size[1]);
}

std::set<std::string> joined(std::set<std::string> a, const std::set<std::string>& b) {
    a.insert(b.begin(), b.end());
    return a;
}

}  // namespace

int runShot(const std::vector<std::string>& args) {
    const Arguments a(args, joined(kTeachingFlags, {"help", "opencv", "swap-rb", "crop"}),
                      joined(kTeachingOptions,
                             {"out", "model", "config", "layer", "model-filter", "labels", "scale",
                              "mean", "threads", "batch", "repeat", "chart", "seed", "method"}));
    if (a.has("help")) {
        std::cout << kShotUsage;
        return 0;
    }
    if (!a.has("out")) throw std::invalid_argument("--out FILE.png is required");
    ui::ShotRequest r;
    parseTeaching(a, r, "1400x800");
    r.model = QString::fromStdString(a.text("model", ""));
    r.config = QString::fromStdString(a.text("config", ""));
    if (r.model.isEmpty() && !r.config.isEmpty())
        throw std::invalid_argument("--config is the network description of a --model; give "
                                    "--model too (e.g. --model net.caffemodel --config net.prototxt)");
    r.modelLayer = QString::fromStdString(a.text("layer", ""));
    r.modelFilter = a.integer("model-filter", -1, -1, 1 << 20);
    r.labels = QString::fromStdString(a.text("labels", ""));
    r.preprocessing = preprocessingOptions(a);
    r.threads = a.integer("threads", 0, 0, 1024);
    r.batch = a.integer("batch", 1, 1, 256);
    r.repeat = a.integer("repeat", 5, 1, 1000);
    r.opencv = a.has("opencv");
    r.method = Arguments::convMethod(
        a.text("method", std::string(core::methodInfo(core::kDefaultConvMethod).name)));
    r.chart = QString::fromStdString(a.text("chart", ""));
    r.seed = a.integer("seed", 1, 1, 999999);
    QString error;
    const QString out = QString::fromStdString(a.text("out", ""));
    // .svg: the same views as a vector drawing (text and cells stay sharp on slides).
    if (out.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) r.svgOut = out;
    const QImage image = ui::renderShot(r, &error);
    if (image.isNull()) {
        std::cerr << "convscope shot: " << error.toStdString() << "\n";
        return 2;
    }
    if (!r.svgOut.isEmpty()) {
        std::cout << "wrote " << a.text("out", "") << " (SVG, " << image.width() << "x"
                  << image.height() << ")\n";
        return 0;
    }
    if (!image.save(out)) {
        std::cerr << "convscope shot: could not write '" << a.text("out", "") << "'\n";
        return 2;
    }
    std::cout << "wrote " << a.text("out", "") << " (" << image.width() << "x" << image.height()
              << ")\n";
    return 0;
}

int runRender(const std::vector<std::string>& args) {
    const Arguments a(args, joined(kTeachingFlags, {"help"}),
                      joined(kTeachingOptions, {"out", "steps", "fps", "session", "lesson-step"}));
    if (a.has("help")) {
        std::cout << kRenderUsage;
        return 0;
    }
    if (!a.has("out")) throw std::invalid_argument("--out FILE.gif or FILE.mp4 is required");
    ui::ShotRequest r;
    parseTeaching(a, r, "1200x640");
    if (a.has("session")) {
        // A session, or one step of a lesson; --view/--size still apply.
        ui::Lesson lesson;
        bool isLesson = false;
        QString error;
        if (!ui::readStateFile(QString::fromStdString(a.text("session", "")), lesson, isLesson,
                               &error))
            throw std::invalid_argument("--session '" + a.text("session", "") +
                                        "': " + error.toStdString());
        const int step = a.integer("lesson-step", 1, 1, int(lesson.steps.size()));
        const ui::ShotRequest state = ui::requestFromState(lesson.steps[std::size_t(step - 1)]);
        const QString view = r.view;
        const QSize size = r.size;
        r = state;
        r.view = view;
        r.size = size;
    }
    const double fps = a.number("fps", 4);
    QString error;
    ui::TeachingScene scene;
    if (!scene.build(r, &error)) {
        std::cerr << "convscope render: " << error.toStdString() << "\n";
        return 2;
    }
    const int last = scene.steps() - 1;
    int from = 0, to = std::min(last, kDefaultFrames - 1);
    if (a.has("steps")) {
        const std::string text = a.text("steps", "");
        const std::size_t dots = text.find("..");
        if (dots == std::string::npos)
            throw std::invalid_argument("--steps '" + text + "' must be A..B, e.g. 0..63");
        from = int(Arguments::wholeNumber("steps", text.substr(0, dots), 0, 1 << 30));
        to = int(Arguments::wholeNumber("steps", text.substr(dots + 2), 0, 1 << 30));
        if (from < 0 || to < from || to > last)
            throw std::invalid_argument("--steps " + text + " must lie within 0.." +
                                        std::to_string(last) + " for this layer");
    }
    const std::string out = a.text("out", "");
    const QSize size = scene.frame(from).size();
    if (!ui::exportAnimation(scene, from, to, fps, QString::fromStdString(out), {}, &error)) {
        std::cerr << "convscope render: " << error.toStdString() << "\n";
        return 2;
    }
    std::cout << "wrote " << out << " (" << (to - from + 1) << " frames, steps " << from << ".."
              << to << ", " << size.width() << "x" << size.height() << ", " << fps << " fps)\n";
    return 0;
}

}  // namespace convscope::app
