// The native ONNX importer: load and check the ModelProto, fix the input shapes, infer shapes,
// then map each node through the operator registry (kOperators) onto engine layers, folding every
// node whose inputs are all constants by running its layer at import.
#include "io/onnx_import.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "base/limits.h"
#include "layers/activation.h"
#include "layers/convolution.h"
#include "layers/deconvolution.h"
#include "layers/elementwise.h"
#include "layers/fully_connected.h"
#include "layers/matmul.h"
#include "layers/normalization.h"
#include "layers/pooling.h"
#include "layers/resize.h"
#include "layers/shape_ops.h"
#include "layers/tensor_ops.h"

namespace convscope::core::io {

namespace {

namespace pb = ::onnx;

constexpr int kMinOpset = 7, kMaxOpset = 17;

// Why a node cannot be mapped; it becomes ModelLayer::note and ImportedModel::problem.
struct Unsupported {
    std::string reason;
    bool invalid = false;  // the operator is mapped but this node's settings are impossible
};

// A value known at import: an initializer, a Constant node, or a folded subgraph. Integer values
// (shapes, indices) keep their int64; `batch` marks elements equal to the batch size (read by
// Shape from a runtime tensor), which stay symbolic when they reach a Reshape.
struct Const {
    std::vector<std::int64_t> dims;
    bool integer = false;
    std::vector<float> f;
    std::vector<std::int64_t> i;
    std::vector<bool> batch;

    std::int64_t count() const { return integer ? std::int64_t(i.size()) : std::int64_t(f.size()); }
    double at(std::int64_t k) const { return integer ? double(i[std::size_t(k)]) : f[std::size_t(k)]; }
    std::vector<std::int64_t> ints() const {
        if (integer) return i;
        std::vector<std::int64_t> out;
        for (float v : f) out.push_back(std::int64_t(v));
        return out;
    }
    std::vector<float> floats() const {
        if (!integer) return f;
        return std::vector<float>(i.begin(), i.end());
    }
    Tensor tensor() const {
        Tensor t(Shape::of(dims));
        if (integer) std::copy(i.begin(), i.end(), t.data());
        else std::copy(f.begin(), f.end(), t.data());
        return t;
    }
};

std::string dimsText(const std::vector<std::int64_t>& d) {
    std::string s = "[";
    for (std::size_t k = 0; k < d.size(); ++k) s += (k ? ", " : "") + std::to_string(d[k]);
    return s + "]";
}

const char* typeName(int t) {
    switch (t) {
        case pb::TensorProto::FLOAT: return "float32";
        case pb::TensorProto::UINT8: return "uint8";
        case pb::TensorProto::INT8: return "int8";
        case pb::TensorProto::INT32: return "int32";
        case pb::TensorProto::INT64: return "int64";
        case pb::TensorProto::BOOL: return "bool";
        case pb::TensorProto::FLOAT16: return "float16";
        case pb::TensorProto::DOUBLE: return "float64";
        default: return "another type";
    }
}

float halfToFloat(std::uint16_t h) {
    const std::uint32_t sign = std::uint32_t(h & 0x8000) << 16, exp = (h >> 10) & 0x1f,
                        mant = h & 0x3ff;
    std::uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {  // subnormal: normalise
            int e = -1;
            std::uint32_t m = mant;
            do {
                ++e;
                m <<= 1;
            } while (!(m & 0x400));
            bits = sign | std::uint32_t(127 - 15 - e) << 23 | (m & 0x3ff) << 13;
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | mant << 13;
    } else {
        bits = sign | (exp + 127 - 15) << 23 | mant << 13;
    }
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

// A TensorProto's values, its declared dims checked against the data it holds (a file whose dims
// promise more than its bytes is refused, not read past its end).
Const readTensor(const pb::TensorProto& t) {
    const std::string name = t.name().empty() ? std::string("(unnamed)") : t.name();
    if (t.data_location() == pb::TensorProto::EXTERNAL)
        throw Error(ErrorCategory::Io,
                    "tensor '" + name +
                        "' is stored in an external data file; ConvScope reads self-contained "
                        ".onnx files: re-save the model with onnx.save_model(model, path, "
                        "save_as_external_data=False) (models under 2 GB)");
    Const c;
    std::int64_t count = 1;
    for (std::int64_t d : t.dims()) {
        if (d < 0 || d > limits::kMaxTensorValues || (d && count > limits::kMaxTensorValues / d))
            throw Error(ErrorCategory::Io, "tensor '" + name + "' has impossible dims " +
                                               dimsText({t.dims().begin(), t.dims().end()}) +
                                               "; the file is corrupt");
        count *= d;
        c.dims.push_back(d);
    }
    const int type = t.data_type();
    std::size_t elem = 0;
    switch (type) {
        case pb::TensorProto::FLOAT:
        case pb::TensorProto::INT32:
        case pb::TensorProto::UINT32: elem = 4; break;
        case pb::TensorProto::INT64:
        case pb::TensorProto::UINT64:
        case pb::TensorProto::DOUBLE: elem = 8; break;
        case pb::TensorProto::FLOAT16:
        case pb::TensorProto::INT16:
        case pb::TensorProto::UINT16: elem = 2; break;
        case pb::TensorProto::UINT8:
        case pb::TensorProto::INT8:
        case pb::TensorProto::BOOL: elem = 1; break;
        default:
            throw Unsupported{"tensor '" + name + "' is of data type " + std::to_string(type) +
                              " (" + typeName(type) + "); the engine reads float and integer ones"};
    }
    const bool raw = t.has_raw_data();
    std::int64_t held = 0;
    if (raw) {
        held = std::int64_t(t.raw_data().size() / elem);
        if (t.raw_data().size() % elem) held = -1;
    } else {
        switch (type) {
            case pb::TensorProto::FLOAT: held = t.float_data_size(); break;
            case pb::TensorProto::INT64: held = t.int64_data_size(); break;
            case pb::TensorProto::DOUBLE: held = t.double_data_size(); break;
            case pb::TensorProto::UINT32:
            case pb::TensorProto::UINT64: held = t.uint64_data_size(); break;
            default: held = t.int32_data_size(); break;  // int32, int16, int8, uint8, bool, float16
        }
    }
    if (held != count)
        throw Error(ErrorCategory::Io, "tensor '" + name + "' declares dims " +
                                           dimsText(c.dims) + " (" + std::to_string(count) +
                                           " values) but holds " + std::to_string(held) +
                                           "; the file is truncated or corrupt");
    const char* bytes = raw ? t.raw_data().data() : nullptr;
    auto rawAt = [&](std::int64_t k, auto v) {
        std::memcpy(&v, bytes + std::size_t(k) * sizeof v, sizeof v);
        return v;
    };
    c.integer = type != pb::TensorProto::FLOAT && type != pb::TensorProto::DOUBLE &&
                type != pb::TensorProto::FLOAT16;
    if (c.integer) c.i.resize(std::size_t(count));
    else c.f.resize(std::size_t(count));
    for (std::int64_t k = 0; k < count; ++k) {
        const std::size_t s = std::size_t(k);
        switch (type) {
            case pb::TensorProto::FLOAT: c.f[s] = raw ? rawAt(k, float{}) : t.float_data(int(k)); break;
            case pb::TensorProto::DOUBLE:
                c.f[s] = float(raw ? rawAt(k, double{}) : t.double_data(int(k)));
                break;
            case pb::TensorProto::FLOAT16:
                c.f[s] = halfToFloat(raw ? rawAt(k, std::uint16_t{}) : std::uint16_t(t.int32_data(int(k))));
                break;
            case pb::TensorProto::INT64: c.i[s] = raw ? rawAt(k, std::int64_t{}) : t.int64_data(int(k)); break;
            case pb::TensorProto::INT32: c.i[s] = raw ? rawAt(k, std::int32_t{}) : t.int32_data(int(k)); break;
            case pb::TensorProto::INT8: c.i[s] = raw ? rawAt(k, std::int8_t{}) : t.int32_data(int(k)); break;
            case pb::TensorProto::INT16: c.i[s] = raw ? rawAt(k, std::int16_t{}) : t.int32_data(int(k)); break;
            case pb::TensorProto::UINT16: c.i[s] = raw ? rawAt(k, std::uint16_t{}) : t.int32_data(int(k)); break;
            case pb::TensorProto::UINT32: c.i[s] = raw ? rawAt(k, std::uint32_t{}) : std::int64_t(t.uint64_data(int(k))); break;
            case pb::TensorProto::UINT64: c.i[s] = std::int64_t(raw ? rawAt(k, std::uint64_t{}) : t.uint64_data(int(k))); break;
            default: c.i[s] = raw ? rawAt(k, std::uint8_t{}) : t.int32_data(int(k)); break;
        }
    }
    if (!c.integer) {
        const auto bad = std::count_if(c.f.begin(), c.f.end(), [](float v) { return !std::isfinite(v); });
        if (bad)
            throw Error(ErrorCategory::InvalidConfig,
                        "tensor '" + name + "' has " + std::to_string(bad) +
                            " NaN or infinite values of " + std::to_string(count) +
                            "; the model file is corrupt or was saved from a diverged training run");
    }
    c.batch.assign(c.integer ? std::size_t(count) : 0, false);
    return c;
}

Const fromTensor(const Tensor& t, bool integer) {
    Const c;
    c.dims = t.shape().dims();
    c.integer = integer;
    if (integer) {
        for (float v : t.span()) c.i.push_back(std::int64_t(std::llround(v)));
        c.batch.assign(c.i.size(), false);
    } else {
        c.f.assign(t.span().begin(), t.span().end());
    }
    return c;
}

// A node's attributes by name.
class Attributes {
public:
    explicit Attributes(const pb::NodeProto& n) {
        for (const pb::AttributeProto& a : n.attribute()) m_map[a.name()] = &a;
    }
    bool has(const std::string& a) const { return m_map.count(a) > 0; }
    std::int64_t i(const std::string& a, std::int64_t fallback) const {
        const auto* p = get(a);
        return p ? p->i() : fallback;
    }
    float f(const std::string& a, float fallback) const {
        const auto* p = get(a);
        return p ? p->f() : fallback;
    }
    std::string s(const std::string& a, const std::string& fallback) const {
        const auto* p = get(a);
        return p ? p->s() : fallback;
    }
    std::vector<std::int64_t> ints(const std::string& a) const {
        const auto* p = get(a);
        return p ? std::vector<std::int64_t>(p->ints().begin(), p->ints().end())
                 : std::vector<std::int64_t>{};
    }
    std::vector<float> floats(const std::string& a) const {
        const auto* p = get(a);
        return p ? std::vector<float>(p->floats().begin(), p->floats().end()) : std::vector<float>{};
    }
    const pb::AttributeProto* get(const std::string& a) const {
        const auto it = m_map.find(a);
        return it == m_map.end() ? nullptr : it->second;
    }

private:
    std::map<std::string, const pb::AttributeProto*> m_map;
};

class Importer;
using Handler = void (Importer::*)();

struct Operator {
    const char* op;
    Handler handler;
};

class Importer {
public:
    Importer(ImportedModel& model, const pb::GraphProto& graph, int opset,
             std::map<std::string, std::vector<std::int64_t>> inferred, bool foldBatchNorm)
        : m_model(model), m_graph(graph), m_opset(opset), m_inferred(std::move(inferred)),
          m_foldBatchNorm(foldBatchNorm) {
        for (const pb::NodeProto& n : graph.node())
            for (const std::string& in : n.input()) m_consumers[in].push_back(&n);
        for (const pb::ValueInfoProto& v : graph.output()) m_graphOutputs.insert(v.name());
    }

    void addConstant(const std::string& name, Const c) { m_values[name].constant = std::move(c); }
    void addInput(const std::string& name) {
        m_values[name].blob = name;
        m_used.insert(name);
    }

    void run();

private:
    struct Value {
        std::string blob;  // engine blob; empty for a constant
        std::optional<Const> constant;
    };

    // ---- the node being mapped ----
    const pb::NodeProto* m_node = nullptr;
    std::optional<Attributes> m_attrs;
    ModelLayer* m_info = nullptr;

    const Attributes& attr() const { return *m_attrs; }
    int inputs() const { return m_node->input_size(); }
    bool has(int k) const { return k < m_node->input_size() && !m_node->input(k).empty(); }
    const Value& value(int k) const {
        const std::string& name = m_node->input(k);
        const auto it = m_values.find(name);
        if (it == m_values.end()) throw Unsupported{"reads '" + name + "', which nothing produces"};
        if (!it->second.constant && it->second.blob.empty())
            throw Unsupported{"reads '" + name + "', the output of a node that could not be mapped"};
        return it->second;
    }
    bool isConst(int k) const { return has(k) && value(k).constant.has_value(); }
    const Const& constant(int k, const char* what) const {
        if (!has(k)) throw Unsupported{std::string("its ") + what + " input is missing"};
        const Value& v = value(k);
        if (!v.constant)
            throw Unsupported{std::string("its ") + what + " ('" + m_node->input(k) +
                              "') is computed at run time; the engine needs it as a constant"};
        return *v.constant;
    }
    std::optional<Const> optionalConstant(int k, const char* what) const {
        if (!has(k)) return std::nullopt;
        return constant(k, what);
    }
    Shape shapeOf(int k) const {
        const Value& v = value(k);
        if (v.constant) return Shape::of(v.constant->dims);
        return m_shapes.at(v.blob);
    }
    std::string out(int k = 0) const { return m_node->output(k); }

    std::string layerName(const std::string& suffix = {}) {
        // Named after the node's first output, as OpenCV names its layers (outputs are unique in a
        // graph; node names need not be), so the two can be compared layer by layer.
        std::string base = m_node->output_size() ? m_node->output(0) : std::string();
        if (base.empty()) base = m_node->name().empty() ? m_node->op_type() : m_node->name();
        base += suffix;
        std::string name = base;
        for (int k = 2; m_used.count(name); ++k) name = base + "#" + std::to_string(k);
        m_used.insert(name);
        return name;
    }

    // Adds `layer` reading the node's inputs `data` (indices into the node's inputs) and records it
    // as output `output`. When every data input is a constant, runs the layer now instead (folding).
    void emit(std::unique_ptr<Layer> layer, const std::vector<int>& data, const std::string& output) {
        std::vector<const Value*> ins;
        for (int k : data) ins.push_back(&value(k));
        emitValues(std::move(layer), ins, output);
    }

    void emitValues(std::unique_ptr<Layer> layer, const std::vector<const Value*>& ins,
                    const std::string& output) {
        const bool allConst =
            !ins.empty() && std::all_of(ins.begin(), ins.end(), [](const Value* v) { return bool(v->constant); });
        if (allConst) return fold(*layer, ins, output);
        std::vector<std::string> blobs;
        std::vector<Shape> shapes;
        for (const Value* v : ins) {
            if (v->constant) {
                blobs.push_back(materialize(*v->constant));
            } else {
                blobs.push_back(v->blob);
            }
            shapes.push_back(m_shapes.at(blobs.back()));
        }
        Shape shape;
        try {
            shape = layer->outputShape(shapes);
        } catch (const Error& e) {
            throw Unsupported{e.what(), true};
        }
        checkInferred(output, shape);
        const std::string name = layer->name();
        if (m_model.network) {
            m_model.network->add(std::move(layer), blobs);
            m_info->engineIndex = m_model.network->size() - 1;
        }
        m_shapes[name] = shape;
        m_values[output] = Value{name, std::nullopt};
    }

    // A constant read where a runtime input is needed (Concat of a constant): a Constant layer.
    std::string materialize(const Const& c) {
        const std::string name = layerName("/constant");
        Tensor t = c.tensor();
        const Shape s = t.shape();
        if (m_model.network) m_model.network->add(std::make_unique<ConstantLayer>(name, std::move(t)));
        m_shapes[name] = s;
        return name;
    }

    void fold(const Layer& layer, const std::vector<const Value*>& ins, const std::string& output) {
        std::vector<Tensor> tensors;
        std::vector<Shape> shapes;
        bool integer = true;
        for (const Value* v : ins) {
            const Const& c = *v->constant;
            if (c.integer)
                for (std::int64_t x : c.i)
                    if (std::llabs(x) > (1 << 24))
                        throw Unsupported{"folding integers beyond 2^24 (" + std::to_string(x) + ")"};
            integer = integer && c.integer;
            tensors.push_back(c.tensor());
            shapes.push_back(tensors.back().shape());
        }
        Tensor result;
        try {
            result = Tensor(layer.outputShape(shapes));
            std::vector<const Tensor*> ptrs;
            for (const Tensor& t : tensors) ptrs.push_back(&t);
            ForwardContext ctx;
            layer.forward(ptrs, result, ctx);
        } catch (const Error& e) {
            throw Unsupported{e.what(), true};
        }
        Const c = fromTensor(result, integer);
        if (integer && std::string(layer.type()) == "Div") {
            // Integer division truncates toward zero.
            for (std::size_t k = 0; k < c.i.size(); ++k) c.i[k] = std::int64_t(std::trunc(result.data()[k]));
        }
        // Batch marks move with the data through the layers that only move data.
        const std::string type = layer.type();
        static const std::set<std::string> moves{"Reshape",   "Squeeze", "Unsqueeze", "Transpose",
                                                 "Slice",     "Gather",  "Concat",    "Flatten",
                                                 "Identity"};
        if (integer && moves.count(type)) {
            std::vector<Tensor> marks;
            std::vector<const Tensor*> ptrs;
            for (const Value* v : ins) {
                Tensor m(Shape::of(v->constant->dims));
                for (std::size_t k = 0; k < v->constant->batch.size(); ++k)
                    m.data()[k] = v->constant->batch[k] ? 1.0f : 0.0f;
                marks.push_back(std::move(m));
            }
            for (const Tensor& t : marks) ptrs.push_back(&t);
            Tensor flags(result.shape());
            ForwardContext ctx;
            layer.forward(ptrs, flags, ctx);
            for (std::size_t k = 0; k < c.batch.size(); ++k) c.batch[k] = flags.data()[k] != 0;
        }
        m_info->note = "folded at import: a constant " + dimsText(c.dims);
        m_values[output] = Value{{}, std::move(c)};
    }

    void alias(int k, const std::string& output, const std::string& note) {
        m_values[output] = value(k);
        m_info->note = note;
    }

    void checkInferred(const std::string& output, const Shape& engine) const {
        const auto it = m_inferred.find(output);
        if (it == m_inferred.end()) return;
        if (it->second != engine.dims())
            throw Unsupported{"the engine computes its output as " + engine.toString() +
                              " but ONNX shape inference gives " + dimsText(it->second) +
                              "; please report this model"};
    }

    // A window attribute (strides, dilations, pads) of `count` values as ints; empty when absent.
    // checkWindowAttributes() has bounded every value to int before the import started.
    std::vector<int> axisInts(const char* name, std::size_t count) const {
        const std::vector<std::int64_t> v = attr().ints(name);
        if (!v.empty() && v.size() != count)
            throw Unsupported{std::string(name) + " for other than 2 spatial axes"};
        return std::vector<int>(v.begin(), v.end());
    }

    WindowParams window(const Shape& in, int kernelH, int kernelW, bool conv) const {
        WindowParams p;
        p.kernelH = kernelH;
        p.kernelW = kernelW;
        const std::vector<int> strides = axisInts("strides", 2), dil = axisInts("dilations", 2),
                               pads = axisInts("pads", 4);
        if (!strides.empty()) p.strideH = strides[0], p.strideW = strides[1];
        if (!dil.empty()) p.dilationH = dil[0], p.dilationW = dil[1];
        // ONNX order: all begins, then all ends.
        if (!pads.empty())
            p.padTop = pads[0], p.padLeft = pads[1], p.padBottom = pads[2], p.padRight = pads[3];
        // Zero strides, negative pads and the like, named before SAME padding divides by them.
        try {
            checkWindow(out(), p);
        } catch (const Error& e) {
            throw Unsupported{e.what(), true};
        }
        const std::string autoPad = attr().s("auto_pad", "NOTSET");
        if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
            applySamePadding(p, in.h, in.w, autoPad == "SAME_UPPER");
        } else if (autoPad == "VALID") {
            p.padTop = p.padBottom = p.padLeft = p.padRight = 0;
        } else if (autoPad != "NOTSET" && !autoPad.empty()) {
            throw Unsupported{"auto_pad " + autoPad};
        }
        if (!conv) p.ceilMode = attr().i("ceil_mode", 0) != 0;
        return p;
    }

    // A kernel_shape attribute must agree with the weights' spatial dims (ONNX infers it from them).
    void checkKernelShape(const Const& w) const {
        const std::vector<std::int64_t> k = attr().ints("kernel_shape");
        if (!k.empty() && (k.size() != 2 || k[0] != w.dims[2] || k[1] != w.dims[3]))
            throw Unsupported{"kernel_shape " + dimsText(k) + " does not match the weights' " +
                                  std::to_string(w.dims[2]) + "x" + std::to_string(w.dims[3]) +
                                  " kernel",
                              true};
    }

    void expectRank4(int k, const char* what) const {
        const Shape s = shapeOf(k);
        if (s.rank != 4)
            throw Unsupported{std::string(what) + " of a rank-" + std::to_string(s.rank) +
                              " input " + s.toString() + " (only 2-D images, NCHW)"};
    }

    // ---- operators ----

    void conv() {
        expectRank4(0, "convolution");
        const Const& w = constant(1, "weight");
        if (w.dims.size() != 4) throw Unsupported{"weights of rank " + std::to_string(w.dims.size())};
        checkKernelShape(w);
        WindowParams p = window(shapeOf(0), int(w.dims[2]), int(w.dims[3]), true);
        const std::int64_t group = attr().i("group", 1), inC = shapeOf(0).c, M = w.dims[0];
        if (group < 1 || inC % group != 0 || M % group != 0 || w.dims[1] * group != inC)
            throw Unsupported{"group " + std::to_string(group) + " must divide its " +
                                  std::to_string(inC) + " input channels and its " +
                                  std::to_string(M) + " outputs, with weights of " +
                                  std::to_string(inC) + "/group channels (they have " +
                                  std::to_string(w.dims[1]) + ")",
                              true};
        p.groups = int(group);
        Tensor weights = w.tensor();
        std::vector<float> bias;
        if (has(2)) bias = constant(2, "bias").floats();
        const std::string name = layerName();
        m_model.convs.push_back({name, p, weights});
        if (const pb::NodeProto* bn = foldableBatchNorm()) {
            // w'[m] = w[m] * s, b'[m] = (b[m] - mean) * s + shift, s = scale / sqrt(var + eps).
            const Attributes a(*bn);
            const float eps = a.f("epsilon", 1e-5f);
            const std::vector<float> scale = m_values.at(bn->input(1)).constant->floats(),
                                     shift = m_values.at(bn->input(2)).constant->floats(),
                                     mean = m_values.at(bn->input(3)).constant->floats(),
                                     var = m_values.at(bn->input(4)).constant->floats();
            const int M = weights.n();
            if (int(scale.size()) == M && int(shift.size()) == M && int(mean.size()) == M &&
                int(var.size()) == M) {
                bias.resize(std::size_t(M), 0.0f);
                const std::int64_t per = weights.count() / M;
                for (int m = 0; m < M; ++m) {
                    const std::size_t k = std::size_t(m);
                    const float f = scale[k] / std::sqrt(var[k] + eps);
                    for (std::int64_t i = 0; i < per; ++i) weights.data()[m * per + i] *= f;
                    bias[k] = (bias[k] - mean[k]) * f + shift[k];
                }
                m_foldedInto[bn->output(0)] = name;
                m_info->note = "BatchNorm '" + (bn->name().empty() ? bn->output(0) : bn->name()) +
                               "' folded into these weights (Fold BatchNorm)";
            }
        }
        std::unique_ptr<Layer> layer;
        try {
            layer = std::make_unique<ConvolutionLayer>(name, p, std::move(weights), std::move(bias));
        } catch (const Error& e) {
            throw Unsupported{e.what(), true};
        }
        emit(std::move(layer), {0}, out());
    }

    // ConvTranspose onto DeconvolutionLayer. output_shape and auto_pad SAME_* become pads: total =
    // stride·(in-1) + output_padding + dilation·(k-1) + 1 - wanted (SAME_UPPER puts the odd pixel
    // at the end); a negative total becomes output padding.
    void convTranspose() {
        expectRank4(0, "transposed convolution");
        const Shape x = shapeOf(0);
        const Const& w = constant(1, "weight");
        if (w.dims.size() != 4) throw Unsupported{"weights of rank " + std::to_string(w.dims.size())};
        checkKernelShape(w);
        WindowParams p = window(x, int(w.dims[2]), int(w.dims[3]), true);
        p.groups = int(attr().i("group", 1));
        const std::string autoPad = attr().s("auto_pad", "NOTSET");
        if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER")  // window() padded as for a conv
            p.padTop = p.padBottom = p.padLeft = p.padRight = 0;
        std::vector<std::int64_t> op = attr().ints("output_padding");
        int opH = op.size() == 2 ? int(op[0]) : 0, opW = op.size() == 2 ? int(op[1]) : 0;
        std::vector<std::int64_t> outShape = attr().ints("output_shape");
        if (outShape.size() == 4) outShape.erase(outShape.begin(), outShape.begin() + 2);
        if (outShape.empty() && (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER"))
            outShape = {std::int64_t(x.h) * p.strideH, std::int64_t(x.w) * p.strideW};
        if (!outShape.empty()) {
            if (outShape.size() != 2) throw Unsupported{"output_shape of other than 2 spatial axes"};
            const bool upper = autoPad != "SAME_LOWER";
            auto axis = [upper](int in, int k, int st, int d, std::int64_t wanted, int& begin,
                                int& end, int& outPad) {
                const std::int64_t total = std::int64_t(st) * (in - 1) + outPad +
                                           std::int64_t(d) * (k - 1) + 1 - wanted;
                if (total < 0) {
                    begin = end = 0;
                    outPad -= int(total);
                } else {
                    begin = int(upper ? total / 2 : total - total / 2);
                    end = int(total) - begin;
                }
            };
            axis(x.h, p.kernelH, p.strideH, p.dilationH, outShape[0], p.padTop, p.padBottom, opH);
            axis(x.w, p.kernelW, p.strideW, p.dilationW, outShape[1], p.padLeft, p.padRight, opW);
        }
        std::vector<float> bias;
        if (has(2)) bias = constant(2, "bias").floats();
        std::unique_ptr<Layer> layer;
        try {
            layer = std::make_unique<DeconvolutionLayer>(layerName(), p, w.tensor(), std::move(bias),
                                                         opH, opW);
        } catch (const Error& e) {
            throw Unsupported{e.what(), true};
        }
        emit(std::move(layer), {0}, out());
    }

    void pool() {
        expectRank4(0, "pooling");
        const bool max = m_node->op_type() == "MaxPool";
        if (max && m_node->output_size() > 1 && !m_node->output(1).empty())
            throw Unsupported{"the indices output of MaxPool"};
        const std::vector<std::int64_t> k = attr().ints("kernel_shape");
        if (k.size() != 2) throw Unsupported{"a kernel over " + std::to_string(k.size()) + " axes (only 2)"};
        WindowParams p = window(shapeOf(0), int(k[0]), int(k[1]), false);
        if (p.dilationH != 1 || p.dilationW != 1) throw Unsupported{"dilated pooling"};
        const bool countPad = attr().i("count_include_pad", 0) != 0;
        emit(std::make_unique<PoolingLayer>(layerName(), max ? PoolMethod::Max : PoolMethod::Average,
                                            p, countPad),
             {0}, out());
    }

    void globalPool() {
        expectRank4(0, "global pooling");
        const bool max = m_node->op_type() == "GlobalMaxPool";
        emit(PoolingLayer::global(layerName(), max ? PoolMethod::Max : PoolMethod::Average), {0},
             out());
    }

    // With foldBatchNorm: the inference BatchNormalization that is the only reader of this Conv's
    // output (and not a graph output), its statistics constant; else null.
    const pb::NodeProto* foldableBatchNorm() const {
        if (!m_foldBatchNorm || m_graphOutputs.count(out())) return nullptr;
        const auto it = m_consumers.find(out());
        if (it == m_consumers.end() || it->second.size() != 1) return nullptr;
        const pb::NodeProto* bn = it->second[0];
        if (bn->op_type() != "BatchNormalization" || bn->input_size() < 5 || bn->output_size() > 1)
            return nullptr;
        if (Attributes(*bn).i("training_mode", 0)) return nullptr;
        for (int k = 1; k < 5; ++k) {
            const auto v = m_values.find(bn->input(k));
            if (v == m_values.end() || !v->second.constant) return nullptr;
        }
        return bn;
    }

    void batchNorm() {
        if (const auto f = m_foldedInto.find(out()); f != m_foldedInto.end())
            return alias(0, out(), "folded into conv '" + f->second + "' (Fold BatchNorm)");
        if (m_node->output_size() > 1 && !m_node->output(1).empty())
            throw Unsupported{"training mode (running statistics as outputs)"};
        if (attr().i("training_mode", 0)) throw Unsupported{"training mode"};
        const std::vector<float> scale = constant(1, "scale").floats(),
                                 shift = constant(2, "bias").floats(),
                                 mean = constant(3, "mean").floats(),
                                 var = constant(4, "variance").floats();
        emit(std::make_unique<BatchNormLayer>(layerName(), mean, var, scale, shift,
                                              attr().f("epsilon", 1e-5f)),
             {0}, out());
    }

    void gemm() {
        if (attr().i("transA", 0)) throw Unsupported{"transA = 1"};
        const Shape a = shapeOf(0);
        if (a.rank != 2) throw Unsupported{"an input of rank " + std::to_string(a.rank) + " (Gemm takes 2)"};
        if (!isConst(1)) {
            // Both operands at run time: the MatMul it is.
            if (attr().i("transB", 0) || has(2)) throw Unsupported{"a run-time B with transB or C"};
            emit(std::make_unique<MatMulLayer>(layerName()), {0, 1}, out());
            return;
        }
        const Const& b = constant(1, "B");
        if (b.dims.size() != 2) throw Unsupported{"B of rank " + std::to_string(b.dims.size())};
        const bool transB = attr().i("transB", 0) != 0;
        const int M = int(transB ? b.dims[0] : b.dims[1]), K = int(transB ? b.dims[1] : b.dims[0]);
        const float alpha = attr().f("alpha", 1), beta = attr().f("beta", 1);
        Tensor w(Shape{M, K, 1, 1});
        const std::vector<float> converted = b.integer ? b.floats() : std::vector<float>{};
        const std::vector<float>& bv = b.integer ? converted : b.f;
        for (int m = 0; m < M; ++m)
            for (int k = 0; k < K; ++k)
                w.data()[std::int64_t(m) * K + k] =
                    alpha * bv[std::size_t(transB ? std::int64_t(m) * K + k : std::int64_t(k) * M + m)];
        std::vector<float> bias;
        bool runtimeC = false;
        if (has(2)) {
            if (isConst(2) && (constant(2, "C").count() == M || constant(2, "C").count() == 1)) {
                bias = constant(2, "C").floats();
                if (bias.size() == 1) bias.assign(std::size_t(M), bias[0]);
                for (float& v : bias) v *= beta;
            } else {
                runtimeC = true;
            }
        }
        if (!runtimeC) {
            emit(std::make_unique<FullyConnectedLayer>(layerName(), std::move(w), std::move(bias)),
                 {0}, out());
            return;
        }
        if (beta != 1) throw Unsupported{"beta != 1 with a C that is not one bias per output"};
        const std::string mid = out() + "/gemm";
        emit(std::make_unique<FullyConnectedLayer>(layerName(), std::move(w), std::vector<float>{}),
             {0}, mid);
        const Value gemmOut = m_values.at(mid);
        emitValues(std::make_unique<BinaryLayer>(layerName("/add_c"), BinaryOp::Add),
                   {&gemmOut, &value(2)}, out());
    }

    void matmul() {
        if (isConst(1) && !isConst(0)) {
            emit(std::make_unique<MatMulLayer>(layerName(), constant(1, "B").tensor()), {0}, out());
            return;
        }
        emit(std::make_unique<MatMulLayer>(layerName()), {0, 1}, out());
    }

    void relu() {
        const float slope = m_node->op_type() == "LeakyRelu" ? attr().f("alpha", 0.01f) : 0.0f;
        emit(std::make_unique<ReluLayer>(layerName(), slope), {0}, out());
    }

    void unary() {
        static const std::map<std::string, UnaryOp> ops{
            {"Sigmoid", UnaryOp::Sigmoid}, {"HardSigmoid", UnaryOp::HardSigmoid},
            {"HardSwish", UnaryOp::HardSwish}, {"Tanh", UnaryOp::Tanh}, {"Erf", UnaryOp::Erf},
            {"Elu", UnaryOp::Elu}, {"Softplus", UnaryOp::Softplus}, {"Exp", UnaryOp::Exp},
            {"Log", UnaryOp::Log}, {"Sqrt", UnaryOp::Sqrt}, {"Neg", UnaryOp::Neg},
            {"Abs", UnaryOp::Abs}, {"Reciprocal", UnaryOp::Reciprocal},
            {"Floor", UnaryOp::Floor}, {"Ceil", UnaryOp::Ceil}};
        const UnaryOp op = ops.at(m_node->op_type());
        float a = 0, b = 0;
        if (op == UnaryOp::HardSigmoid) a = attr().f("alpha", 0.2f), b = attr().f("beta", 0.5f);
        if (op == UnaryOp::Elu) a = attr().f("alpha", 1.0f);
        emit(std::make_unique<UnaryLayer>(layerName(), op, a, b), {0}, out());
    }

    void clip() {
        float lo = -FLT_MAX, hi = FLT_MAX;
        if (m_opset < 11) {
            lo = attr().f("min", lo);
            hi = attr().f("max", hi);
        } else {
            if (has(1)) lo = float(constant(1, "min").at(0));
            if (has(2)) hi = float(constant(2, "max").at(0));
        }
        std::unique_ptr<Layer> layer;
        try {
            layer = std::make_unique<UnaryLayer>(layerName(), UnaryOp::Clip, lo, hi);
        } catch (const Error& e) {
            throw Unsupported{e.what(), true};
        }
        emit(std::move(layer), {0}, out());
    }

    void binary() {
        static const std::map<std::string, BinaryOp> ops{
            {"Add", BinaryOp::Add}, {"Sub", BinaryOp::Sub}, {"Mul", BinaryOp::Mul},
            {"Div", BinaryOp::Div}, {"Pow", BinaryOp::Pow}, {"PRelu", BinaryOp::PRelu},
            {"Max", BinaryOp::Max}, {"Min", BinaryOp::Min}, {"Sum", BinaryOp::Add}};
        const BinaryOp op = ops.at(m_node->op_type());
        if (inputs() == 1) return alias(0, out(), "identity: one operand");
        // Variadic Sum/Max/Min: a chain of two-input layers.
        Value acc = value(0);
        for (int k = 1; k < inputs(); ++k) {
            const std::string target = k + 1 == inputs() ? out() : out() + "/" + std::to_string(k);
            const std::string name = layerName(k + 1 == inputs() ? "" : "/" + std::to_string(k));
            const Value& rhs = value(k);
            std::unique_ptr<Layer> layer;
            std::vector<const Value*> ins;
            try {
                if (!acc.constant && rhs.constant) {
                    layer = std::make_unique<BinaryLayer>(name, op, rhs.constant->tensor(), false);
                    ins = {&acc};
                } else if (acc.constant && !rhs.constant && op != BinaryOp::PRelu) {
                    layer = std::make_unique<BinaryLayer>(name, op, acc.constant->tensor(), true);
                    ins = {&rhs};
                } else {
                    layer = std::make_unique<BinaryLayer>(name, op);
                    ins = {&acc, &rhs};
                }
            } catch (const Error& e) {
                throw Unsupported{e.what(), true};
            }
            emitValues(std::move(layer), ins, target);
            acc = m_values.at(target);
        }
    }

    void softmax() {
        if (m_node->op_type() == "LogSoftmax") throw Unsupported{"log-softmax"};
        const bool coerce = m_opset < 13;
        const int axis = int(attr().i("axis", coerce ? 1 : -1));
        emit(std::make_unique<SoftmaxLayer>(layerName(), axis, coerce), {0}, out());
    }

    void lrn() {
        emit(std::make_unique<LrnLayer>(layerName(), int(attr().i("size", 1)),
                                        attr().f("alpha", 1e-4f), attr().f("beta", 0.75f),
                                        attr().f("bias", 1.0f)),
             {0}, out());
    }

    void identity() {
        if (m_node->op_type() == "Dropout") {
            if (m_node->output_size() > 1 && !m_node->output(1).empty())
                throw Unsupported{"the mask output of Dropout (training)"};
            if (has(2) && constant(2, "training_mode").at(0) != 0)
                throw Unsupported{"Dropout in training mode"};
        }
        alias(0, out(), "identity: reads '" + m_node->input(0) + "'");
    }

    void flatten() {
        emit(std::make_unique<FlattenLayer>(layerName(), int(attr().i("axis", 1))), {0}, out());
    }

    void reshape() {
        std::vector<std::int64_t> target;
        std::vector<bool> batch;
        if (m_opset < 5) {
            target = attr().ints("shape");
            batch.assign(target.size(), false);
        } else {
            const Const& s = constant(1, "shape");
            target = s.ints();
            batch = s.batch;
            batch.resize(target.size(), false);
        }
        const bool allowZero = attr().i("allowzero", 0) != 0;
        for (std::size_t k = 0; k < target.size(); ++k) {
            if (batch[k]) target[k] = ReshapeLayer::kBatch;
            else if (allowZero && target[k] == 0) throw Unsupported{"allowzero with a 0 in the shape"};
        }
        emit(std::make_unique<ReshapeLayer>(layerName(), ReshapeLayer::Kind::Reshape, target), {0},
             out());
    }

    std::vector<std::int64_t> axesInput(int k, const char* attrName = "axes") const {
        if (has(k)) return constant(k, "axes").ints();
        return attr().ints(attrName);
    }

    void squeeze() {
        const bool un = m_node->op_type() == "Unsqueeze";
        const std::vector<std::int64_t> axes = m_opset < 13 ? attr().ints("axes") : axesInput(1);
        if (un && axes.empty()) throw Unsupported{"Unsqueeze without axes"};
        emit(std::make_unique<ReshapeLayer>(layerName(),
                                            un ? ReshapeLayer::Kind::Unsqueeze
                                               : ReshapeLayer::Kind::Squeeze,
                                            axes),
             {0}, out());
    }

    void transpose() {
        std::vector<int> perm;
        for (std::int64_t p : attr().ints("perm")) perm.push_back(int(p));
        std::unique_ptr<Layer> layer;
        try {
            layer = std::make_unique<TransposeLayer>(layerName(), perm);
        } catch (const Error& e) {
            throw Unsupported{e.what(), true};
        }
        emit(std::move(layer), {0}, out());
    }

    void concat() {
        std::vector<int> data;
        for (int k = 0; k < inputs(); ++k)
            if (has(k)) data.push_back(k);
        // Empty tensors (a Concat of a shape with nothing) add nothing.
        std::vector<int> kept;
        for (int k : data)
            if (!(isConst(k) && value(k).constant->count() == 0)) kept.push_back(k);
        if (kept.size() == 1) return alias(kept[0], out(), "identity: one non-empty input");
        emit(std::make_unique<ConcatLayer>(layerName(), int(attr().i("axis", 0))), kept, out());
    }

    void split() {
        const Shape in = shapeOf(0);
        const int axis = int(attr().i("axis", 0));
        const int ax = axis < 0 ? axis + in.rank : axis;
        if (ax < 0 || ax >= in.rank) throw Unsupported{"axis " + std::to_string(axis) + " outside " + in.toString()};
        std::vector<std::int64_t> parts = m_opset < 13 ? attr().ints("split") : axesInput(1, "split");
        const int outputs = m_node->output_size();
        if (parts.empty()) {
            if (in.dim(ax) % outputs)
                throw Unsupported{"an axis of " + std::to_string(in.dim(ax)) + " split into " +
                                  std::to_string(outputs) + " equal parts"};
            parts.assign(std::size_t(outputs), in.dim(ax) / outputs);
        }
        if (int(parts.size()) != outputs) throw Unsupported{"split sizes and outputs differ in number"};
        std::int64_t start = 0;
        for (int k = 0; k < outputs; ++k) {
            const std::int64_t end = start + parts[std::size_t(k)];
            if (!m_node->output(k).empty())
                emit(std::make_unique<SliceLayer>(layerName("/" + std::to_string(k)),
                                                  std::vector<std::int64_t>{start},
                                                  std::vector<std::int64_t>{end},
                                                  std::vector<std::int64_t>{ax},
                                                  std::vector<std::int64_t>{1}),
                     {0}, out(k));
            start = end;
        }
    }

    void slice() {
        std::vector<std::int64_t> starts, ends, axes, steps;
        if (m_opset < 10) {
            starts = attr().ints("starts");
            ends = attr().ints("ends");
            axes = attr().ints("axes");
        } else {
            starts = constant(1, "starts").ints();
            ends = constant(2, "ends").ints();
            if (has(3)) axes = constant(3, "axes").ints();
            if (has(4)) steps = constant(4, "steps").ints();
        }
        std::unique_ptr<Layer> layer;
        try {
            layer = std::make_unique<SliceLayer>(layerName(), starts, ends, axes, steps);
        } catch (const Error& e) {
            throw Unsupported{e.what(), true};
        }
        emit(std::move(layer), {0}, out());
    }

    void gather() {
        const Const& idx = constant(1, "indices");
        emit(std::make_unique<GatherLayer>(layerName(), int(attr().i("axis", 0)), idx.ints(), idx.dims),
             {0}, out());
    }

    void pad() {
        std::vector<std::int64_t> pads;
        float v = 0;
        if (m_opset < 11) {
            pads = attr().ints("pads");
            if (pads.empty()) pads = attr().ints("paddings");
            v = attr().f("value", 0);
        } else {
            pads = constant(1, "pads").ints();
            if (has(2)) v = float(constant(2, "constant_value").at(0));
            if (has(3)) throw Unsupported{"the axes input of Pad"};
        }
        const std::string mode = attr().s("mode", "constant");
        PadMode m = PadMode::Constant;
        if (mode == "reflect") m = PadMode::Reflect;
        else if (mode == "edge") m = PadMode::Edge;
        else if (mode != "constant") throw Unsupported{"pad mode " + mode};
        emit(std::make_unique<PadLayer>(layerName(), m, pads, v), {0}, out());
    }

    void reduce() {
        static const std::map<std::string, ReduceOp> ops{
            {"ReduceMean", ReduceOp::Mean}, {"ReduceSum", ReduceOp::Sum},
            {"ReduceMax", ReduceOp::Max}, {"ReduceMin", ReduceOp::Min},
            {"ReduceSumSquare", ReduceOp::SumSquare}, {"ReduceL2", ReduceOp::L2}};
        const std::string& type = m_node->op_type();
        const bool axesAsInput = type == "ReduceSum" ? m_opset >= 13 : m_opset >= 18;
        const std::vector<std::int64_t> axes = axesAsInput ? axesInput(1) : attr().ints("axes");
        if (axes.empty() && attr().i("noop_with_empty_axes", 0))
            return alias(0, out(), "identity: no axes");
        emit(std::make_unique<ReduceLayer>(layerName(), ops.at(type), axes,
                                           attr().i("keepdims", 1) != 0),
             {0}, out());
    }

    void layerNorm() {
        std::vector<float> scale = constant(1, "scale").floats(), bias;
        if (has(2)) bias = constant(2, "bias").floats();
        const int axis = int(attr().i("axis", -1));
        const Shape in = shapeOf(0);
        const int ax = axis < 0 ? axis + in.rank : axis;
        std::int64_t len = 1;
        for (int i = std::max(ax, 0); i < in.rank; ++i) len *= in.dim(i);
        // Scale and bias may broadcast (a single value): spread them over the normalised length.
        for (auto* v : {&scale, &bias})
            if (v->size() == 1 && len > 1) v->assign(std::size_t(len), (*v)[0]);
        const float eps = attr().f("epsilon", 1e-5f);
        using Output = LayerNormLayer::Output;
        // The optional outputs (each row's mean and 1/deviation), each its own layer.
        for (int k = 1; k < std::min(m_node->output_size(), 3); ++k)
            if (!m_node->output(k).empty())
                emit(std::make_unique<LayerNormLayer>(layerName(k == 1 ? "/mean" : "/inv_std_dev"),
                                                      axis, eps, scale, bias,
                                                      k == 1 ? Output::Mean : Output::InvStdDev),
                     {0}, out(k));
        if (!m_node->output(0).empty())
            emit(std::make_unique<LayerNormLayer>(layerName(), axis, eps, std::move(scale),
                                                  std::move(bias)),
                 {0}, out());
    }

    void resize() {
        const std::string& type = m_node->op_type();
        ResizeParams p;
        const std::string mode = attr().s("mode", "nearest");
        if (mode == "nearest") p.mode = ResizeMode::Nearest;
        else if (mode == "linear" || mode == "bilinear") p.mode = ResizeMode::Linear;
        else throw Unsupported{"mode " + mode + " (nearest and linear only)"};
        std::vector<float> scales;
        std::vector<std::int64_t> sizes;
        if (type == "Upsample" || m_opset < 11) {
            // Upsample and opset-10 Resize: asymmetric coordinates, nearest rounds down.
            p.coordinates = ResizeCoordinates::Asymmetric;
            p.rounding = ResizeRounding::Floor;
            if (type == "Upsample" && m_opset < 9) scales = attr().floats("scales");
            else scales = constant(1, "scales").floats();
        } else {
            static const std::map<std::string, ResizeCoordinates> coords{
                {"half_pixel", ResizeCoordinates::HalfPixel},
                {"pytorch_half_pixel", ResizeCoordinates::PytorchHalfPixel},
                {"align_corners", ResizeCoordinates::AlignCorners},
                {"asymmetric", ResizeCoordinates::Asymmetric}};
            static const std::map<std::string, ResizeRounding> rounding{
                {"round_prefer_floor", ResizeRounding::RoundPreferFloor},
                {"round_prefer_ceil", ResizeRounding::RoundPreferCeil},
                {"floor", ResizeRounding::Floor}, {"ceil", ResizeRounding::Ceil}};
            const std::string c = attr().s("coordinate_transformation_mode", "half_pixel");
            const std::string r = attr().s("nearest_mode", "round_prefer_floor");
            if (!coords.count(c)) throw Unsupported{"coordinate_transformation_mode " + c};
            if (!rounding.count(r)) throw Unsupported{"nearest_mode " + r};
            p.coordinates = coords.at(c);
            p.rounding = rounding.at(r);
            if (has(2)) scales = constant(2, "scales").floats();
            if (has(3)) sizes = constant(3, "sizes").ints();
            if (attr().i("exclude_outside", 0)) throw Unsupported{"exclude_outside"};
        }
        if (!sizes.empty()) {
            const Shape in = shapeOf(0);
            if (sizes.size() != 4 || sizes[0] != in.n || sizes[1] != in.c)
                throw Unsupported{"resizing other than the two spatial axes"};
            p.outH = int(sizes[2]), p.outW = int(sizes[3]);
        } else {
            if (scales.size() != 4 || scales[0] != 1 || scales[1] != 1)
                throw Unsupported{"scales that resize other than the two spatial axes"};
            p.scaleH = scales[2], p.scaleW = scales[3];
        }
        std::unique_ptr<Layer> layer;
        try {
            layer = std::make_unique<ResizeLayer>(layerName(), p);
        } catch (const Error& e) {
            throw Unsupported{e.what(), true};
        }
        emit(std::move(layer), {0}, out());
    }

    // ---- import-time values ----

    void constantNode() {
        Const c;
        if (const auto* t = attr().get("value")) {
            c = readTensor(t->t());
        } else if (attr().has("value_float")) {
            c.f = {attr().f("value_float", 0)};
        } else if (attr().has("value_floats")) {
            c.f = attr().floats("value_floats");
            c.dims = {std::int64_t(c.f.size())};
        } else if (attr().has("value_int")) {
            c.integer = true;
            c.i = {attr().i("value_int", 0)};
        } else if (attr().has("value_ints")) {
            c.integer = true;
            c.i = attr().ints("value_ints");
            c.dims = {std::int64_t(c.i.size())};
        } else {
            throw Unsupported{"a Constant without a value tensor"};
        }
        c.batch.assign(c.integer ? c.i.size() : 0, false);
        m_info->note = "constant " + dimsText(c.dims);
        m_values[out()] = Value{{}, std::move(c)};
    }

    void shape() {
        const Shape s = shapeOf(0);
        Const c;
        c.integer = true;
        std::int64_t start = attr().i("start", 0), end = attr().i("end", s.rank);
        if (start < 0) start += s.rank;
        if (end < 0) end += s.rank;
        start = std::clamp<std::int64_t>(start, 0, s.rank);
        end = std::clamp<std::int64_t>(end, start, s.rank);
        for (std::int64_t k = start; k < end; ++k) {
            c.i.push_back(s.dim(int(k)));
            // The first dimension of a run-time tensor is the batch.
            c.batch.push_back(k == 0 && !value(0).constant);
        }
        c.dims = {std::int64_t(c.i.size())};
        m_info->note = "folded at import: the shape " + s.toString();
        m_values[out()] = Value{{}, std::move(c)};
    }

    void cast() {
        const std::int64_t to = attr().i("to", pb::TensorProto::FLOAT);
        const bool toFloat = to == pb::TensorProto::FLOAT || to == pb::TensorProto::DOUBLE;
        if (to != pb::TensorProto::FLOAT && !(to >= 2 && to <= 7) && to != pb::TensorProto::DOUBLE &&
            to != pb::TensorProto::BOOL)
            throw Unsupported{std::string("a cast to ") + typeName(int(to))};
        if (!isConst(0)) {
            if (to != pb::TensorProto::FLOAT) throw Unsupported{std::string("a cast of run-time values to ") + typeName(int(to)) + " (the engine computes in float32)"};
            return alias(0, out(), "identity: a cast to float");
        }
        Const c = *value(0).constant;
        if (toFloat && c.integer) {
            c.f = c.floats();
            c.i.clear();
            c.batch.clear();
            c.integer = false;
        } else if (!toFloat && !c.integer) {
            for (float v : c.f) c.i.push_back(std::int64_t(v));
            c.f.clear();
            c.integer = true;
            c.batch.assign(c.i.size(), false);
        }
        m_info->note = "folded at import";
        m_values[out()] = Value{{}, std::move(c)};
    }

    void constantOfShape() {
        const std::vector<std::int64_t> dims = constant(0, "shape").ints();
        Const v;
        if (const auto* t = attr().get("value")) v = readTensor(t->t());
        else v.f = {0.0f};
        Const c;
        c.dims = dims;
        c.integer = v.integer;
        std::int64_t n = 1;
        for (std::int64_t d : dims) n *= d;
        if (n > (1 << 24)) throw Unsupported{"a constant of " + std::to_string(n) + " values"};
        if (c.integer) c.i.assign(std::size_t(n), v.i.empty() ? 0 : v.i[0]), c.batch.assign(std::size_t(n), false);
        else c.f.assign(std::size_t(n), v.f.empty() ? 0.0f : v.f[0]);
        m_info->note = "folded at import: a constant " + dimsText(dims);
        m_values[out()] = Value{{}, std::move(c)};
    }

    void range() {
        const Const &a = constant(0, "start"), &b = constant(1, "limit"), &d = constant(2, "delta");
        Const c;
        c.integer = a.integer;
        const double start = a.at(0), limit = b.at(0), delta = d.at(0);
        if (delta == 0) throw Unsupported{"a Range with delta 0"};
        const std::int64_t n = std::max<std::int64_t>(0, std::int64_t(std::ceil((limit - start) / delta)));
        if (n > (1 << 24)) throw Unsupported{"a Range of " + std::to_string(n) + " values"};
        for (std::int64_t k = 0; k < n; ++k) {
            if (c.integer) c.i.push_back(std::int64_t(start + double(k) * delta));
            else c.f.push_back(float(start + double(k) * delta));
        }
        c.dims = {n};
        c.batch.assign(c.i.size(), false);
        m_info->note = "folded at import";
        m_values[out()] = Value{{}, std::move(c)};
    }

    void unsupported() { throw Unsupported{"the engine has no " + m_node->op_type() + " layer"}; }

    ImportedModel& m_model;
    const pb::GraphProto& m_graph;
    int m_opset;
    std::map<std::string, std::vector<std::int64_t>> m_inferred;
    std::map<std::string, Value> m_values;
    std::map<std::string, Shape> m_shapes;  // engine blob -> shape at batch 1
    std::set<std::string> m_used;
    bool m_failed = false;
    bool m_foldBatchNorm;
    std::map<std::string, std::vector<const pb::NodeProto*>> m_consumers;  // value -> readers
    std::set<std::string> m_graphOutputs;
    std::map<std::string, std::string> m_foldedInto;  // BatchNorm output -> the conv it went into

public:
    static const std::vector<Operator>& operators();
    void setShape(const std::string& blob, Shape s) { m_shapes[blob] = s; }
};

const std::vector<Operator>& Importer::operators() {
    static const std::vector<Operator> ops{
        {"Conv", &Importer::conv},
        {"ConvTranspose", &Importer::convTranspose},
        {"MaxPool", &Importer::pool},
        {"AveragePool", &Importer::pool},
        {"GlobalAveragePool", &Importer::globalPool},
        {"GlobalMaxPool", &Importer::globalPool},
        {"BatchNormalization", &Importer::batchNorm},
        {"Gemm", &Importer::gemm},
        {"MatMul", &Importer::matmul},
        {"Relu", &Importer::relu},
        {"LeakyRelu", &Importer::relu},
        {"Clip", &Importer::clip},
        {"Sigmoid", &Importer::unary},
        {"HardSigmoid", &Importer::unary},
        {"HardSwish", &Importer::unary},
        {"Tanh", &Importer::unary},
        {"Erf", &Importer::unary},
        {"Elu", &Importer::unary},
        {"Softplus", &Importer::unary},
        {"Exp", &Importer::unary},
        {"Log", &Importer::unary},
        {"Sqrt", &Importer::unary},
        {"Neg", &Importer::unary},
        {"Abs", &Importer::unary},
        {"Reciprocal", &Importer::unary},
        {"Floor", &Importer::unary},
        {"Ceil", &Importer::unary},
        {"Add", &Importer::binary},
        {"Sub", &Importer::binary},
        {"Mul", &Importer::binary},
        {"Div", &Importer::binary},
        {"Pow", &Importer::binary},
        {"PRelu", &Importer::binary},
        {"Max", &Importer::binary},
        {"Min", &Importer::binary},
        {"Sum", &Importer::binary},
        {"Softmax", &Importer::softmax},
        {"LRN", &Importer::lrn},
        {"LayerNormalization", &Importer::layerNorm},
        {"Flatten", &Importer::flatten},
        {"Reshape", &Importer::reshape},
        {"Squeeze", &Importer::squeeze},
        {"Unsqueeze", &Importer::squeeze},
        {"Transpose", &Importer::transpose},
        {"Concat", &Importer::concat},
        {"Split", &Importer::split},
        {"Slice", &Importer::slice},
        {"Gather", &Importer::gather},
        {"Pad", &Importer::pad},
        {"ReduceMean", &Importer::reduce},
        {"ReduceSum", &Importer::reduce},
        {"ReduceMax", &Importer::reduce},
        {"ReduceMin", &Importer::reduce},
        {"ReduceSumSquare", &Importer::reduce},
        {"ReduceL2", &Importer::reduce},
        {"Resize", &Importer::resize},
        {"Upsample", &Importer::resize},
        {"Dropout", &Importer::identity},
        {"Identity", &Importer::identity},
        {"Constant", &Importer::constantNode},
        {"Shape", &Importer::shape},
        {"Cast", &Importer::cast},
        {"ConstantOfShape", &Importer::constantOfShape},
        {"Range", &Importer::range},
    };
    return ops;
}

void Importer::run() {
    std::map<std::string, Handler> handlers;
    for (const Operator& op : operators()) handlers[op.op] = op.handler;
    for (const pb::NodeProto& node : m_graph.node()) {
        m_node = &node;
        m_attrs.emplace(node);
        ModelLayer info;
        // The node's name as the file gives it (OpenCV's too), else its first output.
        info.name = !node.name().empty() ? node.name()
                    : node.output_size() && !node.output(0).empty() ? node.output(0)
                                                                    : node.op_type();
        info.type = node.op_type();
        m_model.layers.push_back(info);
        m_info = &m_model.layers.back();
        try {
            const auto it = handlers.find(node.op_type());
            if (!node.domain().empty() && node.domain() != "ai.onnx")
                throw Unsupported{"operators of the domain '" + node.domain() + "'"};
            if (it == handlers.end()) unsupported();
            (this->*(it->second))();
        } catch (const Unsupported& u) {
            m_info->supported = false;
            m_info->note = u.reason;
            if (m_model.problem.empty())
                m_model.problem =
                    "node '" + info.name + "' (" + node.op_type() + ") " +
                    (u.invalid ? "is invalid: " + u.reason + "; the model file is corrupt or was "
                                                             "exported wrongly"
                               : "cannot run: " + u.reason + ". The engine maps: " + onnxOperators());
            m_failed = true;
            m_model.network.reset();
            for (const std::string& o : node.output()) m_values[o] = Value{};
        }
    }
    if (m_failed || !m_model.network) return;
    // The graph's outputs, each an engine layer; the last one ends the network.
    for (int k = 0; k < m_graph.output_size(); ++k) {
        const std::string& name = m_graph.output(k).name();
        const auto it = m_values.find(name);
        if (it == m_values.end()) {
            m_model.problem = "the graph output '" + name + "' is produced by no node";
            m_model.network.reset();
            return;
        }
        std::string blob = it->second.blob;
        if (it->second.constant || blob == name || m_model.network->indexOf(blob) < 0 ||
            k + 1 == m_graph.output_size()) {
            // Make each output its own layer (a graph input or constant as output; the last
            // output must be the network's last blob).
            const bool isLast = m_model.network && m_model.network->size() > 0 &&
                                m_model.network->layer(m_model.network->size() - 1).name() == blob;
            if (it->second.constant || m_model.network->indexOf(blob) < 0 || !isLast) {
                ModelLayer info{name + "/output", "Identity", true, "the graph output '" + name + "'", -1};
                m_model.layers.push_back(info);
                m_info = &m_model.layers.back();
                pb::NodeProto fake;
                fake.set_name(name + "/output");
                fake.add_output(name + "/output");
                m_node = &fake;
                const Value v = it->second;
                try {
                    if (v.constant) {
                        blob = materialize(*v.constant);
                    } else {
                        auto layer = std::make_unique<ReshapeLayer>(layerName(), ReshapeLayer::Kind::Identity,
                                                                    std::vector<std::int64_t>{});
                        const std::string lname = layer->name();
                        m_model.network->add(std::move(layer), {v.blob});
                        m_shapes[lname] = m_shapes.at(v.blob);
                        blob = lname;
                    }
                } catch (const Error& e) {
                    m_model.problem = e.what();
                    m_model.network.reset();
                    return;
                }
                m_info->engineIndex = m_model.network->indexOf(blob);
                m_node = nullptr;
            }
        }
        m_model.outputs.push_back(m_model.network->indexOf(blob));
    }
}

std::string firstLine(const std::string& s) {
    std::string line = s.substr(0, s.find('\n'));
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    return line;
}

int defaultOpset(const pb::ModelProto& m) {
    for (const pb::OperatorSetIdProto& o : m.opset_import())
        if (o.domain().empty() || o.domain() == "ai.onnx") return int(o.version());
    return 0;
}

}  // namespace

OnnxTensor readOnnxTensor(const std::string& path) {
    pb::TensorProto t;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCategory::Io, "'" + path + "' does not exist or cannot be read");
    if (!t.ParseFromIstream(&in))
        throw Error(ErrorCategory::Io, "'" + path + "' is not a TensorProto file");
    Const c;
    try {
        c = readTensor(t);
    } catch (const Unsupported& u) {
        throw Error(ErrorCategory::Io, "'" + path + "': " + u.reason);
    }
    return {t.name(), c.tensor(), c.integer};
}

std::string onnxOperators() {
    std::string s;
    for (const Operator& op : Importer::operators()) s += (s.empty() ? "" : ", ") + std::string(op.op);
    return s;
}

namespace {

void checkModel(const pb::ModelProto& model, const std::string& path) {
    try {
        pb::checker::check_model(model);
    } catch (const std::exception& e) {
        throw Error(ErrorCategory::Io, "'" + path + "' is not a valid ONNX model (onnx::checker: " +
                                           firstLine(e.what()) + ")");
    }
}

// Every output of the main graph is a graph input, an initializer or a node's output. The checker
// lets an undefined one through, and ONNX's IR converter (the version converter's first step)
// then dereferences null.
void checkGraphOutputs(const pb::GraphProto& graph, const std::string& path) {
    std::set<std::string> defined;
    for (const pb::ValueInfoProto& v : graph.input()) defined.insert(v.name());
    for (const pb::TensorProto& t : graph.initializer()) defined.insert(t.name());
    for (const pb::NodeProto& node : graph.node())
        for (const std::string& out : node.output()) defined.insert(out);
    for (const pb::ValueInfoProto& v : graph.output())
        if (!defined.count(v.name()))
            throw Error(ErrorCategory::Io,
                        "'" + path + "' is not a valid ONNX model: the graph output '" + v.name() +
                            "' is produced by no node, input or initializer. The model file is "
                            "corrupt or was exported wrongly");
}

// The window attributes of every conv and pooling node: kernel_shape, strides and dilations at
// least 1, pads not negative, all within the engine's int range. The checker does not look at
// values, and ONNX's shape inference divides by them.
void checkWindowAttributes(const pb::GraphProto& graph, const std::string& path) {
    static const std::set<std::string> windowed = {"Conv",        "ConvTranspose", "MaxPool",
                                                   "AveragePool", "LpPool",        "ConvInteger",
                                                   "QLinearConv", "MaxUnpool"};
    for (const pb::NodeProto& node : graph.node()) {
        if (!windowed.count(node.op_type())) continue;
        for (const pb::AttributeProto& a : node.attribute()) {
            const bool pads = a.name() == "pads";
            if (!pads && a.name() != "strides" && a.name() != "dilations" &&
                a.name() != "kernel_shape")
                continue;
            const std::vector<std::int64_t> v(a.ints().begin(), a.ints().end());
            const std::int64_t least = pads ? 0 : 1;
            for (const std::int64_t x : v) {
                if (x >= least && x <= limits::kMaxDimension) continue;
                const std::string name = node.name().empty()
                                              ? (node.output_size() ? node.output(0) : node.op_type())
                                              : node.name();
                throw Error(ErrorCategory::InvalidConfig,
                            "'" + path + "': node '" + name + "' (" + node.op_type() + ") has " +
                                a.name() + " " + dimsText(v) + "; each must be " +
                                (x < least ? (pads ? std::string("0 or more") : "at least 1")
                                           : "at most " + std::to_string(limits::kMaxDimension)) +
                                ". The model file is corrupt or was exported wrongly");
            }
        }
    }
}

// The shapes known before any inference: graph inputs with a shape, initializers, Constant
// nodes' values. A dimension without a value is -1.
using DeclaredShapes = std::map<std::string, std::vector<std::int64_t>>;
DeclaredShapes declaredShapes(const pb::GraphProto& graph) {
    DeclaredShapes known;
    for (const pb::ValueInfoProto& v : graph.input()) {
        if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) continue;
        std::vector<std::int64_t> d;
        for (const auto& dim : v.type().tensor_type().shape().dim())
            d.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
        known[v.name()] = d;
    }
    for (const pb::TensorProto& t : graph.initializer())
        known[t.name()] = {t.dims().begin(), t.dims().end()};
    for (const pb::NodeProto& node : graph.node()) {
        if (node.op_type() != "Constant" || node.output_size() != 1) continue;
        for (const pb::AttributeProto& a : node.attribute())
            if (a.name() == "value" && a.has_t()) known[node.output(0)] = {a.t().dims().begin(), a.t().dims().end()};
    }
    return known;
}

// The weights input of a convolution node (QLinearConv's comes after x's scale and zero point).
int convWeightsInput(const pb::NodeProto& node) {
    if (node.op_type() == "Conv" || node.op_type() == "ConvTranspose" || node.op_type() == "ConvInteger")
        return 1;
    if (node.op_type() == "QLinearConv") return 3;
    return -1;
}

// A convolution's weights have the input's rank, at least 3 (filters x channels x kernel). The
// checker does not look at ranks, and ONNX 1.12's shape inference reads the kernel's sides from
// the weights past their end (a SEGV) when they have fewer axes than the input, or more.
void checkConvWeightRanks(const pb::GraphProto& graph, const DeclaredShapes& known,
                          const std::string& path) {
    auto rank = [&](const std::string& name) -> std::int64_t {
        const auto it = known.find(name);
        return it == known.end() ? -1 : std::int64_t(it->second.size());
    };
    for (const pb::NodeProto& node : graph.node()) {
        const int wi = convWeightsInput(node);
        if (wi < 0 || node.input_size() <= wi) continue;
        const std::int64_t x = rank(node.input(0)), w = rank(node.input(wi));
        if (w < 0 || (w >= 3 && (x < 0 || x == w))) continue;
        const std::string name = node.name().empty()
                                     ? (node.output_size() ? node.output(0) : node.op_type())
                                     : node.name();
        throw Error(ErrorCategory::InvalidConfig,
                    "'" + path + "': node '" + name + "' (" + node.op_type() + ") has weights '" +
                        node.input(wi) + "' of shape " + dimsText(known.at(node.input(wi))) +
                        (w < 3 ? "; a convolution's weights have at least 3 axes (filters, "
                                 "channels, kernel)"
                               : " for an input of " + std::to_string(x) +
                                     " axes; the weights must have as many") +
                        ". The model file is corrupt or was exported wrongly");
    }
}

// Makes the copy given to ONNX's shape inference safe for its convolutions: each gets its
// kernel_shape from its weights (so inference never reads the weights' axes against the
// input's), and a convolution whose weights' shape is not known before inference (computed
// weights) is left out, with everything computed from it uninferred.
void prepareConvsForInference(pb::GraphProto& graph, const DeclaredShapes& known) {
    pb::GraphProto kept;
    for (pb::NodeProto& node : *graph.mutable_node()) {
        const int wi = convWeightsInput(node);
        if (wi >= 0 && node.input_size() > wi) {
            const auto it = known.find(node.input(wi));
            if (it == known.end() || it->second.size() < 3 ||
                std::count(it->second.begin() + 2, it->second.end(), -1))
                continue;
            const bool has = std::any_of(node.attribute().begin(), node.attribute().end(),
                                         [](const pb::AttributeProto& a) { return a.name() == "kernel_shape"; });
            if (!has) {
                pb::AttributeProto* a = node.add_attribute();
                a->set_name("kernel_shape");
                a->set_type(pb::AttributeProto::INTS);
                for (std::size_t k = 2; k < it->second.size(); ++k) a->add_ints(it->second[k]);
            }
        }
        *kept.add_node() = std::move(node);
    }
    graph.mutable_node()->Swap(kept.mutable_node());
}

}  // namespace

ImportedModel importOnnx(const std::string& path, const OnnxOptions& options) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error(ErrorCategory::Io, "'" + path + "' does not exist or is not a file");
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) throw Error(ErrorCategory::Io, "cannot read the size of '" + path + "'");
    if (size >= (std::uintmax_t(2) << 30))
        throw Error(ErrorCategory::Io, "'" + path + "' is " + std::to_string(size >> 20) +
                                           " MiB; an ONNX file holds at most 2 GiB (larger models "
                                           "keep external data, which ConvScope does not read)");
    pb::ModelProto model;
    {
        // Parsed from the stream: a copy of a 500 MB file in memory first would double the peak.
        std::ifstream in(path, std::ios::binary);
        if (!in) throw Error(ErrorCategory::Io, "cannot read '" + path + "'");
        if (!model.ParseFromIstream(&in))
            throw Error(ErrorCategory::Io, "'" + path +
                                               "' is not an ONNX model: it does not parse as an "
                                               "ONNX ModelProto (truncated, corrupt or another format)");
    }
    if (!model.has_graph() || model.graph().node_size() == 0)
        throw Error(ErrorCategory::Io, "'" + path + "' holds no graph (no nodes)");

    // Before the checker, which would only say the data file is missing.
    for (const pb::TensorProto& t : model.graph().initializer())
        if (t.data_location() == pb::TensorProto::EXTERNAL) readTensor(t);  // throws the message

    int opset = defaultOpset(model);
    if (opset == 0) opset = 1;
    if (opset > kMaxOpset)
        throw Error(ErrorCategory::Io, "'" + path + "' uses ONNX opset " + std::to_string(opset) +
                                           "; ConvScope reads opsets " + std::to_string(kMinOpset) +
                                           " to " + std::to_string(kMaxOpset) +
                                           " (re-export with opset_version=17 or lower)");
    // The checker first: the version converter dereferences null on some graphs it refuses.
    checkModel(model, path);
    checkGraphOutputs(model.graph(), path);
    if (opset < kMinOpset) {
        try {
            model = pb::version_conversion::ConvertVersion(model, kMinOpset);
        } catch (const std::exception& e) {
            throw Error(ErrorCategory::Io,
                        "'" + path + "' uses ONNX opset " + std::to_string(opset) +
                            ", which the ONNX version converter could not bring to " +
                            std::to_string(kMinOpset) + ": " + firstLine(e.what()));
        }
        opset = defaultOpset(model);
        checkModel(model, path);
    }
    // Before ONNX's shape inference, which divides by strides (SIGFPE on a stride of 0).
    checkWindowAttributes(model.graph(), path);
    const DeclaredShapes declared = declaredShapes(model.graph());
    checkConvWeightRanks(model.graph(), declared, path);

    ImportedModel result;
    result.modelPath = path;
    result.format = "onnx";
    const pb::GraphProto& g = model.graph();
    std::set<std::string> initializers;
    for (const pb::TensorProto& t : g.initializer()) initializers.insert(t.name());

    // The graph's runtime inputs and their shapes: declared, with the batch (and any unknown
    // dimension) filled in, or given.
    std::vector<const pb::ValueInfoProto*> inputs;
    for (const pb::ValueInfoProto& v : g.input())
        if (!initializers.count(v.name())) inputs.push_back(&v);
    if (inputs.empty()) throw Error(ErrorCategory::Io, "'" + path + "' has no graph input");
    std::vector<Shape> shapes;
    bool unknown = false;
    std::string badInput;  // a declared size of 0 or less, named when the size stays unknown
    // Inputs given as constants leave the list of run-time inputs.
    std::map<std::string, Const> givenConstants;
    for (const auto& [name, file] : options.constantInputs) {
        pb::TensorProto t;
        std::ifstream in(file, std::ios::binary);
        if (!in || !t.ParseFromIstream(&in))
            throw Error(ErrorCategory::Io, "'" + file + "' is not a TensorProto file");
        try {
            givenConstants[name] = readTensor(t);
        } catch (const Unsupported& u) {
            throw Error(ErrorCategory::Io, "'" + file + "': " + u.reason);
        }
    }
    inputs.erase(std::remove_if(inputs.begin(), inputs.end(),
                                [&](const pb::ValueInfoProto* v) { return givenConstants.count(v->name()) > 0; }),
                 inputs.end());
    if (inputs.empty()) throw Error(ErrorCategory::Io, "'" + path + "' has no run-time input left");
    if (!options.inputShapes.empty() && options.inputShapes.size() != inputs.size())
        throw Error(ErrorCategory::InvalidConfig,
                    "'" + path + "' has " + std::to_string(inputs.size()) + " run-time inputs; " +
                        std::to_string(options.inputShapes.size()) + " shapes were given");
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        const pb::ValueInfoProto& v = *inputs[k];
        if (!v.type().has_tensor_type())
            throw Error(ErrorCategory::Io, "input '" + v.name() + "' of '" + path +
                                               "' is a sequence, map or optional; the engine "
                                               "takes tensors");
        if (v.type().has_tensor_type() && v.type().tensor_type().elem_type() != pb::TensorProto::FLOAT &&
            options.inputShapes.empty())
            throw Error(ErrorCategory::Io, "input '" + v.name() + "' of '" + path + "' is " +
                                               typeName(v.type().tensor_type().elem_type()) +
                                               "; the engine takes float32 inputs");
        std::vector<std::int64_t> dims;
        for (const pb::TensorShapeProto::Dimension& d : v.type().tensor_type().shape().dim()) {
            dims.push_back(d.has_dim_value() && d.dim_value() > 0 ? d.dim_value() : -1);
            if (d.has_dim_value() && d.dim_value() <= 0 && badInput.empty())
                badInput = "input '" + v.name() + "' declares a dimension of " +
                           std::to_string(d.dim_value()) + " (every size must be at least 1)";
        }
        if (k == 0 && dims.size() == 4) {
            result.inputChannels = dims[1] > 0 ? int(dims[1]) : 0;
            result.declaredHeight = dims[2] > 0 ? int(dims[2]) : 0;
            result.declaredWidth = dims[3] > 0 ? int(dims[3]) : 0;
            if (options.width > 0 && options.height > 0) dims[2] = options.height, dims[3] = options.width;
        }
        if (!options.inputShapes.empty()) {
            shapes.push_back(options.inputShapes[k]);
            continue;
        }
        if (!dims.empty() && dims[0] < 0) dims[0] = 1;
        if (std::count(dims.begin(), dims.end(), -1)) unknown = true;
        for (std::int64_t& d : dims) d = std::max<std::int64_t>(d, 1);
        shapes.push_back(Shape::of(dims));
    }
    if (!options.inputShapes.empty() && shapes[0].rank == 4) {
        result.inputChannels = shapes[0].c;
        result.declaredHeight = shapes[0].h;
        result.declaredWidth = shapes[0].w;
    }

    // Concrete input shapes into the model, then ONNX's own shape inference as a cross-check.
    std::map<std::string, std::vector<std::int64_t>> inferred;
    {
        // A copy without the weights' bytes (inference reads their dims and types; a 500 MB VGG
        // would be copied whole otherwise). Small tensors stay: data propagation reads shapes.
        pb::ModelProto sized;
        *sized.mutable_opset_import() = model.opset_import();
        sized.set_ir_version(model.ir_version());
        pb::GraphProto* graph = sized.mutable_graph();
        *graph->mutable_node() = g.node();
        *graph->mutable_input() = g.input();
        *graph->mutable_output() = g.output();
        for (const pb::TensorProto& t : g.initializer()) {
            pb::TensorProto* c = graph->add_initializer();
            if (t.raw_data().size() + std::size_t(t.float_data_size()) * 4 > 4096) {
                *c->mutable_dims() = t.dims();
                c->set_data_type(t.data_type());
                c->set_name(t.name());
            } else {
                *c = t;
            }
        }
        prepareConvsForInference(*graph, declared);  // the copy's inputs are not sized yet
        std::size_t k = 0;
        for (pb::ValueInfoProto& v : *sized.mutable_graph()->mutable_input()) {
            if (initializers.count(v.name()) || givenConstants.count(v.name())) continue;
            pb::TensorShapeProto* s = v.mutable_type()->mutable_tensor_type()->mutable_shape();
            s->clear_dim();
            for (std::int64_t d : shapes[k].dims()) s->add_dim()->set_dim_value(d);
            ++k;
        }
        try {
            pb::ShapeInferenceOptions o{false, 0, true};
            pb::shape_inference::InferShapes(sized, pb::OpSchemaRegistry::Instance(), o);
            for (const pb::ValueInfoProto& v : sized.graph().value_info()) {
                if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) continue;
                std::vector<std::int64_t> d;
                bool known = true;
                for (const auto& dim : v.type().tensor_type().shape().dim()) {
                    known = known && dim.has_dim_value();
                    d.push_back(dim.dim_value());
                }
                if (known) inferred[v.name()] = d;
            }
        } catch (const std::exception&) {
            // Inference is a cross-check only; the engine computes every shape itself.
        }
    }

    if (!unknown) {
        result.network = std::make_unique<Network>(std::filesystem::path(path).stem().string());
    } else {
        result.problem = badInput.empty()
                             ? "the input size is unknown: the file declares none; give it (--size WxH)"
                             : badInput + "; give the input size (--size WxH)";
    }
    Importer importer(result, g, opset, std::move(inferred), options.foldBatchNorm);
    for (pb::TensorProto& t : *model.mutable_graph()->mutable_initializer()) {
        try {
            importer.addConstant(t.name(), readTensor(t));
        } catch (const Unsupported& u) {
            throw Error(ErrorCategory::Io, "'" + path + "': " + u.reason);
        }
        // Read: the proto's copy of the weights is not needed again.
        t.clear_raw_data();
        t.clear_float_data();
    }
    for (auto& [name, c] : givenConstants) importer.addConstant(name, std::move(c));
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        if (result.network) result.network->addInput(inputs[k]->name(), shapes[k]);
        importer.addInput(inputs[k]->name());
        importer.setShape(inputs[k]->name(), shapes[k]);
    }
    importer.run();
    return result;
}

}  // namespace convscope::core::io
