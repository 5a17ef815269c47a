// Writes the fuzz harnesses' seed corpora from the repository's own files and, when it exists,
// ../shared/data, so no model or test input is committed twice:
//   make_seeds SOURCE_DIR SHARED_DATA_DIR OUT_DIR   ->  OUT_DIR/<harness>/<seed>
// A seed of a harness that takes a selector byte (kernel_files, model_import, image) starts with
// it; two-file inputs are joined with fuzz::kSplit. The hand-made text seeds are committed in
// tests/fuzz/seeds/<harness>/ and used beside these.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "io/npy.h"
#include "written_model.h"

namespace fs = std::filesystem;

namespace {

// Inputs above this are left out: libFuzzer's mutations slow down with the largest seed, and
// the smaller files exercise the same readers.
constexpr std::uintmax_t kMaxSeedBytes = 2u << 20;

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class Writer {
public:
    explicit Writer(fs::path out) : m_out(std::move(out)) {}
    void add(const std::string& harness, const std::string& name, const std::string& bytes) {
        if (bytes.size() > kMaxSeedBytes) {
            std::printf("make_seeds: %s/%s is %zu bytes, above %ju: left out\n", harness.c_str(),
                        name.c_str(), bytes.size(), kMaxSeedBytes);
            return;
        }
        const fs::path dir = m_out / harness;
        fs::create_directories(dir);
        std::ofstream(dir / name, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
        ++m_counts[harness];
    }
    void report() const {
        for (const auto& [h, n] : m_counts) std::printf("make_seeds: %s: %d seeds\n", h.c_str(), n);
    }

private:
    fs::path m_out;
    std::map<std::string, int> m_counts;
};

std::vector<fs::path> filesIn(const fs::path& dir, const std::string& ext) {
    std::vector<fs::path> out;
    if (!fs::is_directory(dir)) return out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && (ext.empty() || e.path().extension() == ext))
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::string joined(char selector, const std::string& a, const std::string& b) {
    return std::string(1, selector) + a + std::string(convscope::fuzz::kSplit) + b;
}

std::string npyBytes(const fs::path& tmp, std::vector<std::int64_t> dims, std::vector<float> v) {
    convscope::core::io::writeNpy(tmp.string(), dims, v);
    return readAll(tmp);
}

std::vector<float> ramp(std::size_t n) {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = float(i % 7) - 3.0f;
    return v;
}

void addLE(std::string& s, const void* p, std::size_t n) { s.append(static_cast<const char*>(p), n); }

// A Darknet net (conv with batch norm, max pool, 1x1 conv) and weights for it: the header
// (major 0, minor 2, revision 0, 64-bit images seen) and per conv its biases, [scales, means,
// variances], weights.
void addDarknet(Writer& w) {
    const std::string cfg =
        "[net]\nwidth=8\nheight=8\nchannels=3\n\n"
        "[convolutional]\nbatch_normalize=1\nfilters=2\nsize=3\nstride=1\npad=1\nactivation=leaky\n\n"
        "[maxpool]\nsize=2\nstride=2\n\n"
        "[convolutional]\nfilters=4\nsize=1\nstride=1\npad=0\nactivation=linear\n";
    std::string weights;
    const std::int32_t header[3] = {0, 2, 0};
    const std::int64_t seen = 0;
    addLE(weights, header, sizeof header);
    addLE(weights, &seen, sizeof seen);
    auto floats = [&](std::size_t n, float base) {
        for (std::size_t i = 0; i < n; ++i) {
            const float v = base + 0.01f * float(i % 5);
            addLE(weights, &v, sizeof v);
        }
    };
    floats(2, 0.1f);       // conv1 biases
    floats(2, 1.0f);       // scales
    floats(2, 0.0f);       // rolling means
    floats(2, 1.0f);       // rolling variances
    floats(2 * 3 * 9, -0.05f);
    floats(4, 0.2f);       // conv2 biases
    floats(4 * 2, 0.3f);   // 4 x 2 x 1 x 1
    w.add("model_import", "darknet_tiny", joined('d', cfg, weights));  // at 8x8 (fuzz_model_import)
    w.add("model_import", "darknet_tiny_no_size", joined(char('d' - 3), cfg, weights));
}

// Protocol buffer wire format, for a TensorFlow GraphDef written by hand.
struct Proto {
    std::string b;
    void varint(std::uint64_t v) {
        while (v >= 0x80) b.push_back(char(v | 0x80)), v >>= 7;
        b.push_back(char(v));
    }
    Proto& num(int field, std::uint64_t v) { varint(std::uint64_t(field) << 3); varint(v); return *this; }
    Proto& bytes(int field, const std::string& s) {
        varint(std::uint64_t(field) << 3 | 2);
        varint(s.size());
        b += s;
        return *this;
    }
    Proto& msg(int field, const Proto& p) { return bytes(field, p.b); }
};

Proto attr(const std::string& key, const Proto& value) { return Proto().bytes(1, key).msg(2, value); }

// input (Placeholder 1x8x8x3) -> Conv2D with a 3x3x3x2 Const (HWIO), SAME -> BiasAdd -> Relu.
void addTensorFlow(Writer& w) {
    const int kDtFloat = 1;
    Proto shape;
    for (int d : {1, 8, 8, 3}) shape.msg(2, Proto().num(1, std::uint64_t(d)));
    Proto input = Proto().bytes(1, "input").bytes(2, "Placeholder");
    input.msg(5, attr("dtype", Proto().num(6, kDtFloat))).msg(5, attr("shape", Proto().msg(7, shape)));

    auto constant = [&](const std::string& name, std::vector<int> dims) {
        Proto tshape;
        std::size_t n = 1;
        for (int d : dims) tshape.msg(2, Proto().num(1, std::uint64_t(d))), n *= std::size_t(d);
        std::string content;
        for (float v : ramp(n)) addLE(content, &v, sizeof v);
        Proto tensor = Proto().num(1, kDtFloat).msg(2, tshape).bytes(4, content);
        return Proto().bytes(1, name).bytes(2, "Const")
            .msg(5, attr("dtype", Proto().num(6, kDtFloat))).msg(5, attr("value", Proto().msg(8, tensor)));
    };
    Proto strides;
    for (int s : {1, 1, 1, 1}) strides.num(3, std::uint64_t(s));
    Proto conv = Proto().bytes(1, "conv").bytes(2, "Conv2D").bytes(3, "input").bytes(3, "weights");
    conv.msg(5, attr("T", Proto().num(6, kDtFloat)))
        .msg(5, attr("strides", Proto().msg(1, strides)))
        .msg(5, attr("padding", Proto().bytes(2, "SAME")))
        .msg(5, attr("data_format", Proto().bytes(2, "NHWC")));
    Proto bias = Proto().bytes(1, "bias_add").bytes(2, "BiasAdd").bytes(3, "conv").bytes(3, "bias");
    bias.msg(5, attr("T", Proto().num(6, kDtFloat)));
    Proto relu = Proto().bytes(1, "relu").bytes(2, "Relu").bytes(3, "bias_add");
    relu.msg(5, attr("T", Proto().num(6, kDtFloat)));

    Proto graph;
    graph.msg(1, input).msg(1, constant("weights", {3, 3, 3, 2})).msg(1, constant("bias", {2}))
        .msg(1, conv).msg(1, bias).msg(1, relu);
    w.add("model_import", "tensorflow_conv_relu", "t" + graph.b);
    w.add("model_import", "tensorflow_conv_relu_8x8", char('t' + 3) + graph.b);
}

void addCaffe(Writer& w, const std::string& name, const convscope::test::WrittenModel& m) {
    w.add("model_import", name, joined('c', readAll(m.prototxt), readAll(m.caffemodel)));
}

void addImage(Writer& w, const fs::path& p) {
    const std::string bytes = readAll(p);
    w.add("image", "file_" + p.filename().string(), std::string(1, '\0') + bytes);
}

// Small re-encodings of one photo in every format OpenCV writes here: each decoder, cheaply.
void addImageFormats(Writer& w, const fs::path& photo) {
    const cv::Mat full = cv::imread(photo.string(), cv::IMREAD_COLOR);
    if (full.empty()) return;
    cv::Mat small, gray;
    cv::resize(full, small, cv::Size(16, 11), 0, 0, cv::INTER_AREA);
    cv::cvtColor(small, gray, cv::COLOR_BGR2GRAY);
    const char* formats[] = {".png", ".jpg", ".bmp", ".ppm", ".pgm", ".pbm", ".tiff", ".webp",
                             ".jp2", ".hdr", ".pfm", ".sr", ".exr", ".pxm"};
    for (const char* ext : formats) {
        for (const auto& [img, tag] : {std::pair{small, "color"}, std::pair{gray, "gray"}}) {
            std::vector<unsigned char> buf;
            try {
                cv::Mat src = img;
                if (std::strcmp(ext, ".hdr") == 0 || std::strcmp(ext, ".pfm") == 0 ||
                    std::strcmp(ext, ".exr") == 0)
                    img.convertTo(src, CV_32F, 1.0 / 255);
                if (!cv::imencode(ext, src, buf)) continue;
            } catch (const cv::Exception&) {
                continue;  // a codec this OpenCV lacks
            }
            const std::string bytes(buf.begin(), buf.end());
            const std::string name = std::string(tag) + ext;
            // Selectors (fuzz_image.cpp: reader byte % 3, option bits byte / 3): 0 loadImage in
            // colour, 3 gray, 6 resized to 7x5, 18 cropped and resized, 1 decodeImage, 2 the image as a
            // gray kernel, 5 as a colour one.
            for (const auto& [selector, what] :
                 {std::pair{0, "load"}, std::pair{3, "load_gray"}, std::pair{6, "load_resized"},
                  std::pair{18, "load_crop_resized"}, std::pair{1, "decode"},
                  std::pair{2, "kernel_gray"}, std::pair{5, "kernel_color"}})
                w.add("image", std::string(what) + "_" + name, std::string(1, char(selector)) + bytes);
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: make_seeds SOURCE_DIR SHARED_DATA_DIR OUT_DIR\n");
        return 2;
    }
    const fs::path src(argv[1]), shared(argv[2]), out(argv[3]);
    fs::remove_all(out);
    fs::create_directories(out);
    Writer w(out);
    const fs::path tmp = out / "tmp";
    fs::create_directories(tmp);

    // .npy: the CLI tests' tensors (float32, Fortran order, int64, rank 3 ...) and a few written
    // here (a 0-d array, a vector, kernels of every accepted rank).
    for (const fs::path& p : filesIn(src / "tests/cli/data", ".npy")) {
        const std::string bytes = readAll(p);
        w.add("npy", p.filename().string(), bytes);
        w.add("kernel_files", "npy_" + p.filename().string(), "n" + bytes);
    }
    const std::vector<std::pair<std::string, std::vector<std::int64_t>>> shapes = {
        {"scalar", {}}, {"vector", {5}}, {"k3x3", {3, 3}}, {"k3x5x5", {3, 5, 5}},
        {"k2x3x3x3", {2, 3, 3, 3}}, {"empty", {0, 3}}};
    for (const auto& [name, dims] : shapes) {
        std::size_t n = 1;
        for (std::int64_t d : dims) n *= std::size_t(d);
        const std::string bytes = npyBytes(tmp / "a.npy", dims, ramp(n));
        w.add("npy", name + ".npy", bytes);
        w.add("kernel_files", "npy_" + name + ".npy", "n" + bytes);
    }

    // Sessions and lessons: the shipped lessons (the hand-made sessions are committed).
    for (const fs::path& p : filesIn(src / "resources/lessons", ".json"))
        w.add("state_file", p.filename().string(), readAll(p));

    // ONNX: the CLI tests' tiny models, the shared trained ones, the ONNX backend node models.
    for (const fs::path& p : filesIn(src / "tests/cli/data", ".onnx"))
        w.add("onnx_import", p.filename().string(), readAll(p));
    const fs::path nodes = "/usr/share/libonnx-testdata/data/node";
    if (fs::is_directory(nodes)) {
        for (const auto& e : fs::directory_iterator(nodes))
            if (fs::is_regular_file(e.path() / "model.onnx"))
                w.add("onnx_import", "node_" + e.path().filename().string(),
                      readAll(e.path() / "model.onnx"));
    } else {
        std::printf("make_seeds: %s is not here (libonnx-testdata): no node-test seeds\n",
                    nodes.c_str());
    }

    // Caffe, Darknet, TensorFlow: the test's written Caffe nets, and nets written here.
    addCaffe(w, "caffe_written", convscope::test::writeModel("fuzz_seed"));
    addCaffe(w, "caffe_refused", convscope::test::writeRefusedLayerModel((tmp / "refused").string()));
    addCaffe(w, "caffe_unsupported", convscope::test::writeModel("fuzz_seed_unsupported",
        R"(layer { name: "odd" type: "TanH" bottom: "conv1" top: "conv1" })"));
    addDarknet(w);
    addTensorFlow(w);

    // Images: the built-in photo, small copies of it in every format, and the shared images.
    addImage(w, src / "resources/chelsea.png");
    addImageFormats(w, src / "resources/chelsea.png");

    if (fs::is_directory(shared)) {
        for (const fs::path& p : filesIn(shared / "images", "")) addImage(w, p);
        for (const fs::path& p : filesIn(shared / "test_inputs", "")) addImage(w, p);
        for (const char* dir : {"mnist8_onnx", "lenet_mnist_caffe", "cifar10_quick_caffe"})
            for (const fs::path& p : filesIn(shared / "models" / dir, ".onnx"))
                w.add("onnx_import", "shared_" + p.filename().string(), readAll(p));
        const std::pair<const char*, const char*> caffe[] = {
            {"lenet_mnist_caffe/lenet.prototxt", "lenet_mnist_caffe/lenet_iter_10000.caffemodel"},
            {"cifar10_quick_caffe/cifar10_quick.prototxt",
             "cifar10_quick_caffe/cifar10_quick_iter_5000.caffemodel"}};
        for (const auto& [proto, weights] : caffe)
            if (fs::is_regular_file(shared / "models" / proto))
                w.add("model_import", "shared_" + fs::path(proto).stem().string(),
                      joined('c', readAll(shared / "models" / proto), readAll(shared / "models" / weights)));
    } else {
        std::printf("make_seeds: %s is not here: seeds from the repository only (no shared "
                    "models or images)\n", shared.string().c_str());
    }
    fs::remove_all(tmp);
    w.report();
    return 0;
}
