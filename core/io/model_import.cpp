// Model import: ONNX files go to the native importer (onnx_import.h); for the other formats OpenCV
// dnn reads the file and each of its layer objects is mapped onto a core layer.
#include "io/model_import.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/dnn.hpp>
#include <opencv2/dnn/all_layers.hpp>
#include <sstream>

#include "base/limits.h"
#include "io/darknet_cfg.h"
#include "io/onnx_import.h"
#include "io/read_file.h"
#include "layers/activation.h"
#include "layers/convolution.h"
#include "layers/deconvolution.h"
#include "layers/fully_connected.h"
#include "layers/normalization.h"
#include "layers/pooling.h"
#include "layers/shape_ops.h"

namespace convscope::core::io {

namespace {

constexpr const char* kSupported =
    "Convolution, Deconvolution (ConvTranspose), InnerProduct, Pooling (max, average, global), LRN "
    "(across channels), ReLU "
    "(leaky too), Softmax, Flatten, Reshape (to one vector per image), Concat, BatchNorm, Scale, "
    "Eltwise (sum), Dropout, Identity, Split, Const (as a bias)";

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string extensionOf(const std::string& path) {
    return lower(std::filesystem::path(path).extension().string());
}

std::string formatOf(const std::string& model, const std::string& config) {
    for (const std::string& p : {model, config}) {
        const std::string e = extensionOf(p);
        if (e == ".onnx") return "onnx";
        if (e == ".caffemodel" || e == ".prototxt") return "caffe";
        if (e == ".pb" || e == ".pbtxt") return "tensorflow";
        if (e == ".cfg" || e == ".weights") return "darknet";
    }
    return "unknown";
}

std::string firstLine(const std::string& s) {
    const std::size_t nl = s.find('\n');
    std::string line = s.substr(0, nl);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    return line;
}

std::vector<float> valuesOf(const cv::Mat& m) {
    cv::Mat f;
    if (m.depth() == CV_32F && m.isContinuous())
        f = m;
    else
        m.convertTo(f, CV_32F);
    if (!f.isContinuous()) f = f.clone();
    return std::vector<float>(f.ptr<float>(), f.ptr<float>() + f.total());
}

// NaN or infinite weights: the file is corrupt and importModel throws, unlike a layer whose
// parameters are impossible, which is refused while the rest stays browsable (Importer::visit).
struct CorruptWeights : Error {
    using Error::Error;
};

void checkFinite(const std::string& layer, const std::vector<float>& values, const char* what) {
    const auto bad =
        std::count_if(values.begin(), values.end(), [](float v) { return !std::isfinite(v); });
    if (bad)
        throw CorruptWeights(
            ErrorCategory::InvalidConfig,
            "layer '" + layer + "' has " + std::to_string(bad) + " NaN or infinite " + what +
                " of " + std::to_string(values.size()) +
                "; the model file is corrupt or was saved from a diverged training run");
}

// A layer's weight blob as a tensor of `shape` (same element count), checked for NaN/inf.
Tensor weightsOf(const std::string& layer, const cv::Mat& blob, Shape shape) {
    const std::vector<float> values = valuesOf(blob);
    checkFinite(layer, values, "weights");
    Tensor t(shape);
    std::copy(values.begin(), values.end(), t.data());
    return t;
}

// The second blob (the bias) if the layer has one, checked for NaN/inf.
std::vector<float> biasOf(const std::string& layer, const cv::dnn::Layer& l) {
    std::vector<float> bias;
    if (l.blobs.size() > 1) bias = valuesOf(l.blobs[1]);
    checkFinite(layer, bias, "biases");
    return bias;
}

// The input size a Caffe prototxt declares: input_param { shape { dim ... } }, input_shape, or
// four input_dim lines. Only the first input is read; its batch (the first dim) is not used.
// Returns false when none is declared; sets `problem` when one is but a size is 0 or too large.
bool caffeDeclaredInput(const std::string& text, int& c, int& h, int& w, std::string& problem) {
    std::size_t pos = text.find("input_param");
    if (pos == std::string::npos) pos = text.find("input_shape");
    if (pos == std::string::npos) pos = text.find("input_dim");
    if (pos == std::string::npos) return false;
    // The next four "dim: N" (or "input_dim: N") values. No std::regex: GCC 12 warns inside it.
    std::vector<long long> dims;
    while (dims.size() < 4 && (pos = text.find("dim", pos)) != std::string::npos) {
        const bool wordStart = pos == 0 || !std::isalnum(static_cast<unsigned char>(text[pos - 1]));
        std::size_t i = pos + 3;
        pos = i;
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (!wordStart || i >= text.size() || text[i] != ':') continue;
        ++i;
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        std::size_t digits = i;
        while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
            ++digits;
        if (digits == i) return false;
        dims.push_back(digits - i > 18 ? std::numeric_limits<long long>::max()
                                       : std::stoll(text.substr(i, digits - i)));
        pos = digits;
    }
    if (dims.size() != 4) return false;
    for (std::size_t k = 1; k < 4; ++k) {
        if (dims[k] >= 1 && dims[k] <= limits::kMaxDimension) continue;
        problem = "the network description declares the input " + std::to_string(dims[1]) + "x" +
                  std::to_string(dims[2]) + "x" + std::to_string(dims[3]) +
                  " (channels x height x width); each size must be from 1 to " +
                  std::to_string(limits::kMaxDimension) +
                  ": fix its input shape or give the size (--size WxH)";
        return false;
    }
    c = int(dims[1]), h = int(dims[2]), w = int(dims[3]);
    return true;
}

// The parameters of one layer as its prototxt writes them ("kernel_size: 0", inside
// convolution_param { ... }), read from the text: OpenCV keeps them private once it has read the
// file. For messages and for the two values OpenCV derives from the weights instead (group,
// num_output). Empty when the layer is not found; comments and strings are not parsed beyond that.
class CaffeLayerText {
public:
    CaffeLayerText() = default;
    CaffeLayerText(const std::string& prototxt, const std::string& layer) {
        const std::string key = "\"" + layer + "\"";
        for (std::size_t pos = prototxt.find(key); pos != std::string::npos;
             pos = prototxt.find(key, pos + 1)) {
            // name: "layer", not bottom: or top:
            std::size_t b = pos;
            while (b > 0 && (std::isspace(static_cast<unsigned char>(prototxt[b - 1])) ||
                             prototxt[b - 1] == ':'))
                --b;
            if (b < 4 || prototxt.compare(b - 4, 4, "name") != 0) continue;
            std::size_t open = std::string::npos;
            for (std::size_t i = b, depth = 0; i-- > 0;) {
                if (prototxt[i] == '}') ++depth;
                if (prototxt[i] == '{' && depth-- == 0) {
                    open = i;
                    break;
                }
            }
            if (open == std::string::npos) continue;
            std::size_t close = open, depth = 0;
            for (; close < prototxt.size(); ++close) {
                if (prototxt[close] == '{') ++depth;
                if (prototxt[close] == '}' && --depth == 0) break;
            }
            read(prototxt.substr(open + 1, close - open - 1));
            return;
        }
    }

    // "kernel_size 0, stride 1, pad 1" (the layer's own numbers and words, not name/type/bottom/top).
    std::string summary() const {
        std::string out;
        for (const auto& [k, v] : m_items) out += (out.empty() ? "" : ", ") + k + " " + v;
        return out;
    }
    const std::string& type() const { return m_type; }  // "InnerProduct"; empty when unknown
    // The first value of `key` as a whole number, or -1 when absent or not one.
    long long integer(const std::string& key) const {
        for (const auto& [k, v] : m_items) {
            if (k != key) continue;
            if (v.empty() || v.size() > 18 ||
                !std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
                return -1;
            return std::stoll(v);
        }
        return -1;
    }

private:
    void read(const std::string& block) {
        std::size_t i = 0;
        auto word = [&](std::size_t from) {
            std::size_t e = from;
            while (e < block.size() && (std::isalnum(static_cast<unsigned char>(block[e])) ||
                                        block[e] == '_' || block[e] == '.' || block[e] == '-' ||
                                        block[e] == '+'))
                ++e;
            return e;
        };
        while (i < block.size()) {
            if (block[i] == '#') {
                while (i < block.size() && block[i] != '\n') ++i;
                continue;
            }
            const std::size_t e = word(i);
            if (e == i) {
                ++i;
                continue;
            }
            std::string key = block.substr(i, e - i);
            std::size_t j = e;
            while (j < block.size() && std::isspace(static_cast<unsigned char>(block[j]))) ++j;
            if (j < block.size() && block[j] == ':') {
                ++j;
                while (j < block.size() && std::isspace(static_cast<unsigned char>(block[j]))) ++j;
                if (j < block.size() && block[j] == '"') {  // a string: skipped, but the type
                    const std::size_t q = block.find('"', j + 1);
                    if (key == "type" && q != std::string::npos && m_type.empty())
                        m_type = block.substr(j + 1, q - j - 1);
                    i = q == std::string::npos ? block.size() : q + 1;
                    continue;
                }
                const std::size_t ve = word(j);
                if (key != "name" && key != "type" && key != "bottom" && key != "top" && ve > j)
                    m_items.emplace_back(std::move(key), block.substr(j, ve - j));
                i = ve > j ? ve : j;
                continue;
            }
            i = e;
        }
    }

    std::vector<std::pair<std::string, std::string>> m_items;
    std::string m_type;
};

// What a layer OpenCV could not create (Net::getLayer builds layers lazily and asserts on their
// parameters: an unknown type, a PReLU or BatchNorm without its blobs, num_output not divisible by
// group) says to the user.
std::string createFailure(const std::string& layer, const cv::Exception& e,
                          const CaffeLayerText& params) {
    const std::string given = params.summary();
    return "layer '" + layer + "' cannot be created (OpenCV: " + firstLine(e.err) + ")" +
           (given.empty() ? std::string() : "; its parameters: " + given) +
           ". Check its type and parameters in the network description; supported types: " +
           kSupported;
}

// A network description far larger than any real one (GoogLeNet's is 40 KB).
constexpr std::int64_t kMaxPrototxtBytes = 64 * limits::kMiB;

// What OpenCV's refusal to read a model says to the user: which file, and why, in words.
std::string readFailure(const std::string& model, const std::string& config,
                        const std::string& prototxt, const cv::Exception& e) {
    const std::string err = firstLine(e.err);
    if (err.find("ReadProtoFromTextFile") != std::string::npos)
        return "the network description '" + prototxt +
               "' could not be parsed: it has a syntax error or is not a Caffe prototxt (" + err +
               ")";
    if (err.find("ReadProtoFromBinaryFile") != std::string::npos)
        return "the weights file '" + model +
               "' could not be parsed: it is cut short, damaged or not a .caffemodel (" + err + ")";
    if (err.find("data_size") != std::string::npos)
        return "the weights file '" + model +
               "' is damaged: a blob holds fewer or more values than its shape declares (" + err +
               ")";
    return "could not read model '" + model + "'" +
           (config.empty() ? "" : " with '" + config + "'") +
           ": OpenCV does not read it as a model (" + err + ")";
}

// EltwiseLayer keeps its operation private, so ask the layer: run it on (1,0), (0,1) and (2,3).
std::string probeEltwise(const cv::Ptr<cv::dnn::Layer>& layer) {
    auto apply = [&](float a, float b) {
        const int dims[4] = {1, 1, 1, 1};
        std::vector<cv::Mat> ins{cv::Mat(4, dims, CV_32F, cv::Scalar(a)),
                                 cv::Mat(4, dims, CV_32F, cv::Scalar(b))};
        std::vector<cv::Mat> outs{cv::Mat(4, dims, CV_32F, cv::Scalar(0))}, internals;
        std::vector<cv::dnn::MatShape> inShapes{{1, 1, 1, 1}, {1, 1, 1, 1}}, outShapes,
            internalShapes;
        layer->getMemoryShapes(inShapes, 1, outShapes, internalShapes);  // sets the channel count
        layer->finalize(cv::_InputArray(ins), cv::_OutputArray(outs));
        layer->forward(ins, outs, internals);
        return outs[0].ptr<float>()[0];
    };
    try {
        const float f10 = apply(1, 0), f01 = apply(0, 1), f23 = apply(2, 3);
        if (f10 == 1 && f01 == 1 && f23 == 5) return "sum";
        if (f10 == 0 && f01 == 0 && f23 == 6) return "prod";
        if (f10 == 1 && f01 == 1 && f23 == 3) return "max";
        return "weighted sum";
    } catch (const cv::Exception&) {
        return "unknown";
    }
}

class Importer {
public:
    Importer(ImportedModel& model, cv::dnn::Net& net) : m_model(model), m_net(net) {}

    void run(bool buildNetwork) {
        m_building = buildNetwork;
        for (const cv::String& name : m_net.getLayerNames()) visit(name);
        if (m_building && m_model.network->size() == 0)
            stop("the model has no layers the engine runs");
        if (!m_building) m_model.network.reset();
    }

private:
    struct Blob {
        std::string engineName;  // empty: a constant
        int channels = 0;        // 0 when unknown (after a flatten without sizes)
        cv::Mat constant;
    };

    void stop(const std::string& problem) {
        if (m_model.problem.empty()) m_model.problem = problem;
        m_building = false;
    }

    void visit(const std::string& name) {
        const int id = m_net.getLayerId(name);
        cv::Ptr<cv::dnn::Layer> layer;
        try {
            layer = m_net.getLayer(id);  // OpenCV creates the layer here, and asserts on its params
        } catch (const cv::Exception& e) {
            const CaffeLayerText given(m_prototxt, name);
            ModelLayer info;
            info.name = name;
            info.type = given.type().empty() ? "?" : given.type();
            info.supported = false;
            info.note = "OpenCV cannot create it: " + firstLine(e.err);
            m_model.layers.push_back(info);
            stop(createFailure(name, e, given));
            m_blobs[name] = Blob{};
            return;
        }
        ModelLayer info;
        info.name = name;
        info.type = layer->type;
        std::vector<std::string> inputNames;
        try {
            for (const cv::Ptr<cv::dnn::Layer>& in : m_net.getLayerInputs(id))
                inputNames.push_back(in->name);
        } catch (const cv::Exception&) {  // an input OpenCV could not create, reported already
            info.supported = false;
            info.note = "reads the output of a layer OpenCV could not create";
            m_model.layers.push_back(info);
            m_blobs[name] = Blob{};
            return;
        }
        m_model.layers.push_back(info);
        try {
            map(m_model.layers.back(), layer, inputNames);
        } catch (const Unsupported& u) {
            ModelLayer& l = m_model.layers.back();
            l.supported = false;
            l.note = u.reason;
            stop("layer '" + name + "' of type " + layer->type + " is not supported: " + u.reason +
                 ". Supported: " + kSupported);
            m_blobs[name] = Blob{};  // consumers cannot run either
        } catch (const CorruptWeights&) {
            throw;
        } catch (const Error& e) {
            // Impossible parameters (the layer's constructor or its shape at this input size):
            // the layer is refused, and the model stays browsable, its conv filters included
            // (they were kept before the layer was built).
            if (e.category() != ErrorCategory::InvalidConfig) throw;
            ModelLayer& l = m_model.layers.back();
            l.supported = false;
            l.note = e.what();
            stop("layer '" + name + "' of type " + layer->type + " cannot run: " + e.what());
            m_blobs[name] = Blob{};
        }
    }

    struct Unsupported {
        std::string reason;
    };

    const Blob& input(const std::string& name) const {
        const auto it = m_blobs.find(name);
        if (name == "_input") return m_inputBlob;
        if (it == m_blobs.end()) throw Unsupported{"reads '" + name + "', which has no output"};
        return it->second;
    }

    // Adds the layer to the engine network (while building) and records its output blob.
    void add(ModelLayer& info, std::unique_ptr<Layer> layer, const std::vector<std::string>& inputs,
             int channels) {
        if (m_building) {
            std::vector<std::string> blobs;
            for (const std::string& in : inputs) {
                const Blob& b = input(in);
                if (b.engineName.empty()) {
                    stop("layer '" + info.name +
                         "' reads the output of a layer that could not be mapped");
                    break;
                }
                blobs.push_back(b.engineName);
            }
            if (m_building) {
                m_model.network->add(std::move(layer), blobs);
                info.engineIndex = m_model.network->size() - 1;
                m_shapes = m_model.network->inferShapes(1);
            }
        }
        m_blobs[info.name] = Blob{info.name, channels, {}};
    }

    void alias(ModelLayer& info, const std::string& from, const std::string& note) {
        m_blobs[info.name] = input(from);
        info.note = note;
    }

    Shape shapeOf(const std::string& name) const {
        if (name == "_input") return m_model.network->inputShape(1);
        const int idx = m_model.network->indexOf(input(name).engineName);
        return idx < 0 ? Shape{} : m_shapes[std::size_t(idx)];
    }

    // The window OpenCV read, each value narrowed to int only once it fits (a kernel_size of 2^32
    // would become 0), then checked (zero kernel, stride or dilation): Error(InvalidConfig).
    static WindowParams window(const std::string& layer, const std::vector<std::size_t>& kernel,
                               const std::vector<std::size_t>& strides,
                               const std::vector<std::size_t>& begin,
                               const std::vector<std::size_t>& end,
                               const std::vector<std::size_t>& dilations) {
        if (kernel.size() != 2)
            throw Unsupported{std::to_string(kernel.size()) + "-D kernels (only 2-D)"};
        auto narrow = [&layer](std::size_t v, const char* what) {
            if (v > std::size_t(limits::kMaxDimension))
                throw Error(ErrorCategory::InvalidConfig,
                            "layer '" + layer + "': " + what + " " + std::to_string(v) +
                                " is beyond the engine's range (at most " +
                                std::to_string(limits::kMaxDimension) + ")");
            return int(v);
        };
        WindowParams p;
        p.kernelH = narrow(kernel[0], "kernel_size"), p.kernelW = narrow(kernel[1], "kernel_size");
        if (strides.size() == 2)
            p.strideH = narrow(strides[0], "stride"), p.strideW = narrow(strides[1], "stride");
        if (begin.size() == 2)
            p.padTop = narrow(begin[0], "pad"), p.padLeft = narrow(begin[1], "pad");
        if (end.size() == 2)
            p.padBottom = narrow(end[0], "pad"), p.padRight = narrow(end[1], "pad");
        if (dilations.size() == 2)
            p.dilationH = narrow(dilations[0], "dilation"),
            p.dilationW = narrow(dilations[1], "dilation");
        checkWindow(layer, p);
        return p;
    }

    void applyPadMode(WindowParams& p, const std::string& mode, const std::string& in) const {
        if (mode.empty()) return;
        if (mode == "VALID") {
            p.padTop = p.padBottom = p.padLeft = p.padRight = 0;
        } else if (mode == "SAME") {
            if (!m_building) return;  // needs the input size; only the network needs it
            const Shape s = shapeOf(in);
            applySamePadding(p, s.h, s.w, true);
        } else {
            throw Unsupported{"padding mode '" + mode + "'"};
        }
    }

    void map(ModelLayer& info, const cv::Ptr<cv::dnn::Layer>& layer,
             const std::vector<std::string>& inputs) {
        const std::string& type = layer->type;
        const std::string& name = info.name;
        auto one = [&] {
            if (inputs.size() != 1)
                throw Unsupported{std::to_string(inputs.size()) + " inputs (expects 1)"};
            return inputs[0];
        };
        if (auto conv = layer.dynamicCast<cv::dnn::BaseConvolutionLayer>();
            conv && type == "Convolution") {
            const std::string in = one();
            if (layer->blobs.empty())
                throw Unsupported{
                    "weights come from another layer's output (only constant weights)"};
            const cv::Mat& w = layer->blobs[0];
            if (w.dims != 4)
                throw Unsupported{"weights of " + std::to_string(w.dims) + " dimensions"};
            WindowParams p = window(name, conv->kernel_size, conv->strides, conv->pads_begin,
                                    conv->pads_end, conv->dilations);
            const int M = w.size[0], Cg = w.size[1];
            const int inC = input(in).channels;
            p.groups = inC > 0 && inC % Cg == 0 ? inC / Cg : 1;
            // OpenCV derives both from the weights; the prototxt's own values must agree.
            const CaffeLayerText given(m_prototxt, name);
            if (const long long numOutput = given.integer("num_output");
                numOutput >= 0 && numOutput != M)
                throw Error(ErrorCategory::InvalidConfig,
                            "layer '" + name + "': num_output " + std::to_string(numOutput) +
                                " but its weights hold " + std::to_string(M) +
                                " filters; the prototxt does not belong to this caffemodel");
            if (const long long group = given.integer("group"); group > 0 && inC > 0) {
                if (inC % group != 0 || M % group != 0)
                    throw Error(ErrorCategory::InvalidConfig,
                                "layer '" + name + "': group " + std::to_string(group) +
                                    " must divide its " + std::to_string(inC) +
                                    " input channels and its " + std::to_string(M) +
                                    " outputs; use a group that divides both");
                p.groups = int(group);
            }
            Tensor weights = weightsOf(name, w, {M, Cg, w.size[2], w.size[3]});
            std::vector<float> bias = biasOf(name, *layer);
            m_model.convs.push_back({name, p, weights});
            applyPadMode(p, conv->padMode, in);
            m_model.convs.back().params = p;
            add(info,
                std::make_unique<ConvolutionLayer>(name, p, std::move(weights), std::move(bias)),
                {in}, M);
        } else if (auto deconv = layer.dynamicCast<cv::dnn::BaseConvolutionLayer>();
                   deconv && type == "Deconvolution") {
            const std::string in = one();
            if (layer->blobs.empty())
                throw Unsupported{
                    "weights come from another layer's output (only constant weights)"};
            // Blob 0 as Caffe and ONNX store it, Cin x Cout/groups x kh x kw; OpenCV's groups
            // are numOutput / blob 0's second dimension.
            const cv::Mat& w = layer->blobs[0];
            if (w.dims != 4)
                throw Unsupported{"weights of " + std::to_string(w.dims) + " dimensions"};
            if (!deconv->padMode.empty())
                throw Unsupported{"padding mode '" + deconv->padMode + "' on a deconvolution"};
            WindowParams p = window(name, deconv->kernel_size, deconv->strides, deconv->pads_begin,
                                    deconv->pads_end, deconv->dilations);
            const int Cog = w.size[1], outC = deconv->numOutput;
            p.groups = outC > 0 && outC % Cog == 0 ? outC / Cog : 1;
            const std::vector<std::size_t>& adjust = deconv->adjust_pads;  // output padding
            if (p.dilationH != 1 || p.dilationW != 1)
                info.note =
                    "dilated: the engine applies the dilation as Caffe does; OpenCV 4.6's "
                    "deconvolution ignores it, so the two differ";
            Tensor weights = weightsOf(name, w, {w.size[0], Cog, w.size[2], w.size[3]});
            std::vector<float> bias = biasOf(name, *layer);
            add(info,
                std::make_unique<DeconvolutionLayer>(name, p, std::move(weights), std::move(bias),
                                                     adjust.size() == 2 ? int(adjust[0]) : 0,
                                                     adjust.size() == 2 ? int(adjust[1]) : 0),
                {in}, Cog * p.groups);
        } else if (type == "InnerProduct") {
            const std::string in = one();
            auto fc = layer.dynamicCast<cv::dnn::InnerProductLayer>();
            if (fc && fc->axis != 1)
                throw Unsupported{"axis " + std::to_string(fc->axis) + " (only 1)"};
            if (layer->blobs.empty())
                throw Unsupported{"weights from another layer (only constant)"};
            const cv::Mat& w = layer->blobs[0];
            const int M = w.size[0];
            const int K = int(w.total() / std::size_t(M));
            Tensor weights = weightsOf(name, w, {M, K, 1, 1});
            std::vector<float> bias = biasOf(name, *layer);
            add(info,
                std::make_unique<FullyConnectedLayer>(name, std::move(weights), std::move(bias)),
                {in}, M);
        } else if (auto pool = layer.dynamicCast<cv::dnn::PoolingLayer>();
                   pool && type == "Pooling") {
            const std::string in = one();
            // OpenCV's pooling types: 0 max, 1 average (then stochastic, sum, ROI, PSROI).
            if (pool->type != 0 && pool->type != 1)
                throw Unsupported{"pooling type " + std::to_string(pool->type)};
            const PoolMethod method = pool->type == 0 ? PoolMethod::Max : PoolMethod::Average;
            const bool global = pool->globalPooling &&
                                std::all_of(pool->isGlobalPooling.begin(),
                                            pool->isGlobalPooling.end(), [](bool b) { return b; });
            if (pool->globalPooling && !global)
                throw Unsupported{"global pooling over one axis only"};
            std::unique_ptr<Layer> engineLayer;
            if (global) {
                engineLayer = PoolingLayer::global(name, method);
            } else {
                WindowParams p =
                    window(name, pool->kernel_size, pool->strides, pool->pads_begin, pool->pads_end, {});
                p.ceilMode = pool->ceilMode;
                applyPadMode(p, pool->padMode, in);
                engineLayer =
                    std::make_unique<PoolingLayer>(name, method, p, pool->avePoolPaddedArea);
            }
            add(info, std::move(engineLayer), {in}, input(in).channels);
        } else if (auto lrn = layer.dynamicCast<cv::dnn::LRNLayer>(); lrn && type == "LRN") {
            const std::string in = one();
            if (lrn->type != 0) throw Unsupported{"within-channel LRN (only across channels)"};
            // Our alpha is divided by size, as Caffe and ONNX do; OpenCV's normBySize=false means
            // not.
            const float alpha = lrn->normBySize ? lrn->alpha : lrn->alpha * float(lrn->size);
            add(info, std::make_unique<LrnLayer>(name, lrn->size, alpha, lrn->beta, lrn->bias),
                {in}, input(in).channels);
        } else if (auto relu = layer.dynamicCast<cv::dnn::ReLULayer>(); relu && type == "ReLU") {
            const std::string in = one();
            add(info, std::make_unique<ReluLayer>(name, relu->negativeSlope), {in},
                input(in).channels);
        } else if (auto softmax = layer.dynamicCast<cv::dnn::SoftmaxLayer>();
                   softmax && type == "Softmax") {
            const std::string in = one();
            if (softmax->logSoftMax) throw Unsupported{"log-softmax"};
            add(info, std::make_unique<SoftmaxLayer>(name, 1), {in}, input(in).channels);
        } else if (type == "Flatten") {
            const std::string in = one();
            add(info, std::make_unique<FlattenLayer>(name, 1), {in}, 0);
        } else if (auto reshape = layer.dynamicCast<cv::dnn::ReshapeLayer>();
                   reshape && type == "Reshape") {
            const std::string in = one();
            const cv::dnn::MatShape& d = reshape->newShapeDesc;
            // Only the reshape that makes one vector per image: [-1 or 0 or N, K] or [N, -1].
            const bool toVector = d.size() == 2 && (d[0] <= 0 || d[1] <= 0 || m_building);
            if (!toVector)
                throw Unsupported{"a reshape to " + std::to_string(d.size()) + " dimensions"};
            if (m_building) {
                const Shape s = shapeOf(in);
                const bool ok = (d[1] == -1 && (d[0] == 0 || d[0] == s.n || d[0] == -1)) ||
                                (d[1] == s.perImage() && (d[0] <= 0 || d[0] == s.n));
                if (!ok)
                    throw Unsupported{"a reshape of " + s.toString() + " that is not a flatten"};
            }
            add(info, std::make_unique<FlattenLayer>(name, 1), {in}, 0);
        } else if (auto concat = layer.dynamicCast<cv::dnn::ConcatLayer>();
                   concat && type == "Concat") {
            if (concat->padding) throw Unsupported{"concat with padding"};
            int channels = 0;
            for (const std::string& in : inputs) channels += input(in).channels;
            add(info, std::make_unique<ConcatLayer>(name, concat->axis), inputs,
                concat->axis == 1 ? channels : 0);
        } else if (auto bn = layer.dynamicCast<cv::dnn::BatchNormLayer>();
                   bn && type == "BatchNorm") {
            const std::string in = one();
            const std::vector<cv::Mat>& b = layer->blobs;
            if (b.size() < 2) throw Unsupported{"batch norm without mean and variance"};
            // OpenCV's layout: mean, variance, [Caffe's moving-average factor], [scale], [shift].
            float factor = 1;
            if (!bn->hasWeights && !bn->hasBias && b.size() == 3) {
                factor = b[2].ptr<float>()[0];
                factor = factor == 0 ? 0 : 1 / factor;
            }
            std::vector<float> mean = valuesOf(b[0]), var = valuesOf(b[1]), scale, shift;
            for (float& v : mean) v *= factor;
            for (float& v : var) v *= factor;
            const std::size_t last = b.size() - 1;
            if (bn->hasBias) shift = valuesOf(b[last]);
            if (bn->hasWeights) scale = valuesOf(b[last - (bn->hasBias ? 1 : 0)]);
            for (const auto* v : {&mean, &var, &scale, &shift}) checkFinite(name, *v, "statistics");
            add(info, std::make_unique<BatchNormLayer>(name, mean, var, scale, shift, bn->epsilon),
                {in}, int(mean.size()));
        } else if (auto sc = layer.dynamicCast<cv::dnn::ScaleLayer>(); sc && type == "Scale") {
            const std::string in = one();
            const std::vector<cv::Mat>& b = layer->blobs;
            if (b.empty() || b.size() > 2)
                throw Unsupported{"a scale taken from another layer's output"};
            std::vector<float> scale, shift;
            if (b.size() == 2) {
                scale = valuesOf(b[0]);
                shift = valuesOf(b[1]);
            } else if (sc->hasBias) {
                shift = valuesOf(b[0]);  // ONNX Add of a constant
            } else {
                scale = valuesOf(b[0]);  // ONNX Mul by a constant
            }
            checkFinite(name, scale, "scales");
            checkFinite(name, shift, "shifts");
            const int channels = int(std::max(scale.size(), shift.size()));
            add(info, std::make_unique<ScaleLayer>(name, std::move(scale), std::move(shift)), {in},
                channels);
        } else if (type == "Eltwise") {
            const std::string op = probeEltwise(layer);
            if (op != "sum") throw Unsupported{"element-wise " + op + " (only sum)"};
            std::vector<std::string> variable;
            const cv::Mat* constant = nullptr;
            for (const std::string& in : inputs) {
                if (input(in).constant.empty())
                    variable.push_back(in);
                else
                    constant = &m_blobs.at(in).constant;
            }
            if (constant) {
                if (variable.size() != 1) throw Unsupported{"a sum of several constants"};
                std::vector<float> bias = valuesOf(*constant);
                const int channels = input(variable[0]).channels;
                if (bias.size() == 1 && channels > 0) bias.assign(std::size_t(channels), bias[0]);
                if (channels > 0 && int(bias.size()) != channels)
                    throw Unsupported{"adding a constant of " + std::to_string(bias.size()) +
                                      " values that is not one per channel"};
                checkFinite(name, bias, "constants");
                info.note = "constant added as a per-channel bias";
                add(info, std::make_unique<ScaleLayer>(name, std::vector<float>{}, std::move(bias)),
                    variable, channels);
            } else {
                add(info, std::make_unique<AddLayer>(name), inputs, input(inputs[0]).channels);
            }
        } else if (type == "Const") {
            if (layer->blobs.size() != 1) throw Unsupported{"a constant without one value blob"};
            m_blobs[name] = Blob{"", 0, layer->blobs[0]};
            info.note = "constant";
        } else if (type == "Dropout") {
            const std::string in = one();
            add(info, std::make_unique<DropoutLayer>(name), {in}, input(in).channels);
        } else if (type == "Identity" || type == "Split") {
            alias(info, one(), "identity: reads '" + one() + "'");
        } else {
            throw Unsupported{"the engine has no " + type + " layer"};
        }
    }

    ImportedModel& m_model;
    cv::dnn::Net& m_net;
    std::string m_prototxt;  // the network description's text (Caffe), for CaffeLayerText
    bool m_building = false;
    Blob m_inputBlob;
    std::map<std::string, Blob> m_blobs;
    std::vector<Shape> m_shapes;

public:
    void setInput(int channels) { m_inputBlob = Blob{"data", channels, {}}; }
    void setPrototxt(std::string text) { m_prototxt = std::move(text); }
};

}  // namespace

const char* supportedLayerTypes() {
    return kSupported;
}

ImportedModel importModel(const std::string& model, const std::string& config, int width,
                          int height, bool foldBatchNorm) {
    std::error_code ec;
    for (const std::string& p : {model, config})
        if (!p.empty() && !std::filesystem::is_regular_file(p, ec))
            throw Error(ErrorCategory::Io, "'" + p + "' does not exist or is not a file");
    ImportedModel result;
    result.modelPath = model;
    result.configPath = config;
    result.format = formatOf(model, config);
    if (result.format == "caffe" && extensionOf(model) == ".prototxt" && config.empty())
        throw Error(ErrorCategory::Io,
                    "'" + model +
                        "' is a Caffe network description without weights; give the "
                        ".caffemodel too (--model weights.caffemodel --config " +
                        model + ")");

    if (result.format == "onnx") {
        OnnxOptions options;
        options.width = width;
        options.height = height;
        options.foldBatchNorm = foldBatchNorm;
        return importOnnx(model, options);
    }

    const bool caffe = result.format == "caffe";
    if (caffe && config.empty())
        throw Error(ErrorCategory::Io,
                    "'" + model +
                        "' holds Caffe weights without the network description; give the "
                        "prototxt too (--model " + model + " --config net.prototxt)");
    // Missing files, folders and empty files, named before OpenCV's "Can't open".
    for (const std::string& f : {model, config}) {
        if (f.empty()) continue;
        if (regularFileSize(f, "a model file") == 0)
            throw Error(ErrorCategory::Io, "'" + f + "' is empty (0 bytes); the file was not "
                                                     "written completely: copy or export it again");
    }
    const std::string prototxt = !caffe ? std::string()
                                 : extensionOf(model) == ".prototxt" ? model
                                                                     : config;
    const std::string prototxtText =
        caffe ? readFile(prototxt, kMaxPrototxtBytes, "a Caffe network description") : "";

    DarknetInput darknet;
    if (result.format == "darknet") {
        // OpenCV's Darknet reader trusts the cfg's numbers (a zero divides, an index reads out
        // of bounds): checked first, with the weights file's length.
        const bool cfgFirst = extensionOf(model) == ".cfg";
        const std::string cfg = cfgFirst ? model : config, weights = cfgFirst ? config : model;
        if (!cfg.empty() && extensionOf(cfg) == ".cfg") {
            const std::string text = readFile(cfg, kMaxPrototxtBytes, "a Darknet network description");
            std::int64_t weightsBytes = -1;
            std::string header;
            if (!weights.empty()) {
                weightsBytes = regularFileSize(weights, "a Darknet weights file");
                std::ifstream in(weights, std::ios::binary);
                header.resize(8);
                if (!in.read(header.data(), 8)) header.clear();
            }
            darknet = checkDarknetModel(text, cfg, weightsBytes, header, weights);
        }
    }

    cv::dnn::Net net;
    try {
        net = cv::dnn::readNet(model, config);
    } catch (const cv::Exception& e) {
        throw Error(ErrorCategory::Io, readFailure(model, config, prototxt, e));
    } catch (const std::exception& e) {  // OpenCV's readers use std::vector::at, std::stoi
        throw Error(ErrorCategory::Io, "could not read model '" + model + "'" +
                                           (config.empty() ? "" : " with '" + config + "'") +
                                           ": it is corrupt or not a model (" + e.what() + ")");
    }
    if (net.empty())
        throw Error(ErrorCategory::Io,
                    "'" + (caffe ? prototxt : model) + "' declares no layers" +
                        (caffe ? " (an empty or wrong network description for '" + model + "')"
                               : std::string()));

    // Before any layer is created: OpenCV creates a layer on the first access to it or to a
    // layer reading it, and its InnerProduct divides the weights' count by num_output there
    // (SIGFPE on 0; found by fuzz_model_import).
    if (caffe)
        for (const cv::String& name : net.getLayerNames())
            if (const CaffeLayerText given(prototxtText, name);
                given.type() == "InnerProduct" && given.integer("num_output") == 0)
                throw Error(ErrorCategory::InvalidConfig,
                            "'" + prototxt + "': layer '" + name +
                                "' (InnerProduct) has num_output 0; it must be the number of "
                                "outputs, at least 1. Fix the network description");

    int c = 0, h = 0, w = 0;
    std::string inputProblem;
    if (caffe) caffeDeclaredInput(prototxtText, c, h, w, inputProblem);
    if (result.format == "darknet") c = darknet.channels, h = darknet.height, w = darknet.width;
    result.declaredHeight = h;
    result.declaredWidth = w;
    if (c <= 0) {
        // Undeclared: the first convolution's weights tell the channel count.
        for (const cv::String& name : net.getLayerNames()) {
            cv::Ptr<cv::dnn::Layer> l;
            try {
                l = net.getLayer(net.getLayerId(name));
            } catch (const cv::Exception&) {
                continue;  // reported by the Importer, which visits every layer
            }
            if (l->type == "Convolution" && !l->blobs.empty() && l->blobs[0].dims == 4) {
                c = l->blobs[0].size[1];
                break;
            }
            if (l->type == "Deconvolution" && !l->blobs.empty() && l->blobs[0].dims == 4) {
                c = l->blobs[0].size[0];  // Cin x Cout/groups x kh x kw
                break;
            }
        }
    }
    result.inputChannels = c;
    if (width > 0 && height > 0) w = width, h = height;

    Importer importer(result, net);
    importer.setInput(c);
    importer.setPrototxt(prototxtText);
    const bool sized = c > 0 && h > 0 && w > 0;
    if (sized) {
        result.network = std::make_unique<Network>(std::filesystem::path(model).stem().string());
        result.network->setInput("data", c, h, w);
    } else {
        result.problem = !inputProblem.empty()
                             ? inputProblem
                             : "the input size is unknown: the file declares none; give it (--size WxH)";
    }
    try {
        importer.run(sized);
    } catch (const Error& e) {
        if (e.category() != ErrorCategory::ShapeMismatch) throw;
        std::string hint;
        if (result.declaredWidth > 0 && (result.declaredWidth != w || result.declaredHeight != h))
            hint = "; the model declares " + std::to_string(result.declaredWidth) + "x" +
                   std::to_string(result.declaredHeight) + " inputs";
        throw Error(e.category(), std::string(e.what()) + " (input " + std::to_string(c) + "x" +
                                      std::to_string(h) + "x" + std::to_string(w) + hint + ")");
    }
    return result;
}

ImportedModel wrapNetwork(std::unique_ptr<Network> network) {
    ImportedModel result;
    result.format = "built-in";
    result.modelPath = network->name();
    const Shape in = network->inputShape(1);
    result.inputChannels = in.c;
    result.declaredHeight = in.h;
    result.declaredWidth = in.w;
    for (int i = 0; i < network->size(); ++i) {
        const Layer& layer = network->layer(i);
        result.layers.push_back({layer.name(), layer.type(), true, {}, i});
        if (const auto* conv = dynamic_cast<const ConvolutionLayer*>(&layer))
            result.convs.push_back({layer.name(), conv->params(), conv->weights()});
    }
    result.network = std::move(network);
    return result;
}

}  // namespace convscope::core::io
