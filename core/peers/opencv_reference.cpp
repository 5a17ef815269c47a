// Translation of core layers into OpenCV dnn LayerParams (Caffe-style parameter names).
#include "peers/opencv_reference.h"

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "layers/activation.h"
#include "layers/convolution.h"
#include "layers/deconvolution.h"
#include "layers/fully_connected.h"
#include "layers/normalization.h"
#include "layers/pooling.h"
#include "layers/shape_ops.h"

namespace convscope::core::io {

namespace {

cv::Mat toMat(const Tensor& t) {
    const int dims[4] = {t.n(), t.c(), t.h(), t.w()};
    cv::Mat m(4, dims, CV_32F);
    std::copy(t.data(), t.data() + t.count(), m.ptr<float>());
    return m;
}

cv::Mat rowMat(const std::vector<float>& v) {
    cv::Mat m(1, int(v.size()), CV_32F);
    std::copy(v.begin(), v.end(), m.ptr<float>());
    return m;
}

Tensor fromMat(const cv::Mat& m) {
    Shape s{1, 1, 1, 1};
    int* dims[4] = {&s.n, &s.c, &s.h, &s.w};
    for (int i = 0; i < std::min(m.dims, 4); ++i) *dims[i] = m.size[i];
    Tensor t(s);
    if (t.count() != std::int64_t(m.total()))
        throw Error(ErrorCategory::ShapeMismatch, "OpenCV output has an unexpected shape");
    std::copy(m.ptr<float>(), m.ptr<float>() + m.total(), t.data());
    return t;
}

void setWindow(cv::dnn::LayerParams& lp, const WindowParams& p) {
    lp.set("kernel_h", p.kernelH);
    lp.set("kernel_w", p.kernelW);
    lp.set("stride_h", p.strideH);
    lp.set("stride_w", p.strideW);
    lp.set("pad_t", p.padTop);
    lp.set("pad_b", p.padBottom);
    lp.set("pad_l", p.padLeft);
    lp.set("pad_r", p.padRight);
}

cv::dnn::LayerParams translate(const Layer& layer) {
    cv::dnn::LayerParams lp;
    lp.name = layer.name();
    if (auto* conv = dynamic_cast<const ConvolutionLayer*>(&layer)) {
        lp.type = "Convolution";
        setWindow(lp, conv->params());
        lp.set("dilation_h", conv->params().dilationH);
        lp.set("dilation_w", conv->params().dilationW);
        lp.set("num_output", conv->outChannels());
        lp.set("group", conv->params().groups);
        lp.set("bias_term", !conv->bias().empty());
        lp.blobs.push_back(toMat(conv->weights()));
        if (!conv->bias().empty()) lp.blobs.push_back(rowMat(conv->bias()));
    } else if (auto* deconv = dynamic_cast<const DeconvolutionLayer*>(&layer)) {
        const WindowParams& p = deconv->params();
        // OpenCV 4.6's deconvolution ignores dilation and refuses asymmetric padding.
        if (p.dilationH != 1 || p.dilationW != 1)
            throw Error(ErrorCategory::InvalidConfig,
                        "layer '" + layer.name() + "': OpenCV has no dilated deconvolution");
        if (p.padTop != p.padBottom || p.padLeft != p.padRight)
            throw Error(ErrorCategory::InvalidConfig,
                        "layer '" + layer.name() +
                            "': OpenCV's deconvolution needs equal padding "
                            "at both ends of an axis");
        lp.type = "Deconvolution";
        setWindow(lp, p);
        lp.set("adj_h", deconv->outputPaddingH());
        lp.set("adj_w", deconv->outputPaddingW());
        lp.set("num_output", deconv->outChannels());
        lp.set("group", p.groups);
        lp.set("bias_term", !deconv->bias().empty());
        lp.blobs.push_back(toMat(deconv->weights()));  // Cin x Cout/groups x kh x kw, as Caffe
        if (!deconv->bias().empty()) lp.blobs.push_back(rowMat(deconv->bias()));
    } else if (auto* fc = dynamic_cast<const FullyConnectedLayer*>(&layer)) {
        lp.type = "InnerProduct";
        lp.set("num_output", fc->outputs());
        lp.set("bias_term", !fc->bias().empty());
        lp.set("axis", 1);
        cv::Mat w(fc->outputs(), fc->inputs(), CV_32F);
        std::copy(fc->weights().data(), fc->weights().data() + fc->weights().count(),
                  w.ptr<float>());
        lp.blobs.push_back(w);
        if (!fc->bias().empty()) lp.blobs.push_back(rowMat(fc->bias()));
    } else if (auto* pool = dynamic_cast<const PoolingLayer*>(&layer)) {
        lp.type = "Pooling";
        lp.set("pool", pool->method() == PoolMethod::Max ? "max" : "ave");
        if (pool->isGlobal()) {
            lp.set("global_pooling", true);
        } else {
            if (pool->params().dilationH != 1 || pool->params().dilationW != 1)
                throw Error(ErrorCategory::InvalidConfig,
                            "layer '" + layer.name() + "': OpenCV has no dilated pooling");
            setWindow(lp, pool->params());
            lp.set("ceil_mode", pool->params().ceilMode);
            lp.set("ave_pool_padded_area", pool->countIncludePad());
        }
    } else if (auto* lrn = dynamic_cast<const LrnLayer*>(&layer)) {
        lp.type = "LRN";
        lp.set("local_size", lrn->size());
        lp.set("alpha", lrn->alpha());
        lp.set("beta", lrn->beta());
        lp.set("bias", lrn->k());
        lp.set("norm_region", "ACROSS_CHANNELS");
    } else if (auto* scale = dynamic_cast<const ScaleLayer*>(&layer)) {
        // BatchNorm is already folded to y = a*x + b: OpenCV's Scale layer computes exactly that.
        lp.type = "Scale";
        lp.set("bias_term", true);
        lp.set("axis", 1);
        lp.blobs.push_back(rowMat(scale->scale()));
        lp.blobs.push_back(rowMat(scale->shift()));
    } else if (auto* relu = dynamic_cast<const ReluLayer*>(&layer)) {
        lp.type = "ReLU";
        if (relu->negativeSlope() != 0.0f) lp.set("negative_slope", relu->negativeSlope());
    } else if (dynamic_cast<const DropoutLayer*>(&layer)) {
        lp.type = "Dropout";
    } else if (dynamic_cast<const SoftmaxLayer*>(&layer)) {
        lp.type = "Softmax";
        lp.set("axis", 1);
    } else if (dynamic_cast<const FlattenLayer*>(&layer)) {
        lp.type = "Flatten";
    } else if (dynamic_cast<const ConcatLayer*>(&layer)) {
        lp.type = "Concat";
        lp.set("axis", 1);
    } else if (dynamic_cast<const AddLayer*>(&layer)) {
        lp.type = "Eltwise";
        lp.set("operation", "sum");
    } else {
        throw Error(ErrorCategory::InvalidConfig, "layer '" + layer.name() + "' of type " +
                                                      layer.type() + " has no OpenCV translation");
    }
    return lp;
}

}  // namespace

struct OpenCvNet::Impl {
    cv::dnn::Net net;
    std::string lastLayer;
};

OpenCvNet::OpenCvNet(const Network& net) : m_impl(std::make_unique<Impl>()) {
    cv::dnn::Net& cvNet = m_impl->net;
    cvNet.setInputsNames({net.inputName()});
    std::vector<int> ids;
    for (int i = 0; i < net.size(); ++i) {
        cv::dnn::LayerParams lp = translate(net.layer(i));
        const int id = cvNet.addLayer(lp.name, lp.type, lp);
        const std::vector<int>& inputs = net.inputsOf(i);
        for (std::size_t k = 0; k < inputs.size(); ++k)
            cvNet.connect(inputs[k] < 0 ? 0 : ids[std::size_t(inputs[k])], 0, id, int(k));
        ids.push_back(id);
    }
    m_impl->lastLayer = net.layer(net.size() - 1).name();
    cvNet.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    cvNet.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
}

OpenCvNet::OpenCvNet(const std::string& model, const std::string& config)
    : m_impl(std::make_unique<Impl>()) {
    try {
        m_impl->net = cv::dnn::readNet(model, config);
        const std::vector<cv::String> outputs = m_impl->net.getUnconnectedOutLayersNames();
        if (outputs.empty()) throw Error(ErrorCategory::Io, "'" + model + "' has no output layer");
        m_impl->lastLayer = outputs.front();
    } catch (const cv::Exception& e) {
        throw Error(ErrorCategory::Io, "OpenCV could not read '" + model + "': " + e.err);
    }
    m_impl->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    m_impl->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
}

OpenCvNet::~OpenCvNet() = default;
OpenCvNet::OpenCvNet(OpenCvNet&&) noexcept = default;

void OpenCvNet::setThreads(int threads) {
    cv::setNumThreads(threads);
}

void OpenCvNet::setFusion(bool enabled) {
    m_impl->net.enableFusion(enabled);
}

Tensor OpenCvNet::forward(const Tensor& input) {
    return forward(input, m_impl->lastLayer);
}

Tensor OpenCvNet::forward(const Tensor& input, const std::string& layer) {
    try {
        m_impl->net.setInput(toMat(input));
        // OpenCV 4.6 names an ONNX node's layer "onnx_node!<node name>".
        if (m_impl->net.getLayerId(layer) < 0 && m_impl->net.getLayerId("onnx_node!" + layer) >= 0)
            return fromMat(m_impl->net.forward("onnx_node!" + layer));
        return fromMat(m_impl->net.forward(layer));
    } catch (const cv::Exception& e) {
        throw Error(ErrorCategory::InvalidConfig, "OpenCV dnn failed at '" + layer + "': " + e.err);
    }
}

OpenCvNet::Timing OpenCvNet::time(const Tensor& input, int warmup, int repeat,
                                  const std::function<bool()>& cancelled) {
    Timing timing;
    try {
        // Set once: every forward copies the input blob into the net's first layer anyway.
        m_impl->net.setInput(toMat(input));
        timing.runs = timeRuns(
            warmup, repeat, [&](int) { m_impl->net.forward(m_impl->lastLayer); }, cancelled);
        std::vector<double> layerTicks;
        m_impl->net.getPerfProfile(layerTicks);
        const std::vector<cv::String> names = m_impl->net.getLayerNames();
        for (std::size_t i = 0; i < layerTicks.size() && i < names.size(); ++i)
            timing.layerMs.emplace_back(names[i], layerTicks[i] * 1e3 / cv::getTickFrequency());
    } catch (const cv::Exception& e) {
        throw Error(ErrorCategory::InvalidConfig, std::string("OpenCV dnn failed: ") + e.err);
    }
    timing.totalMs = timing.runs.medianMs;
    return timing;
}

}  // namespace convscope::core::io
