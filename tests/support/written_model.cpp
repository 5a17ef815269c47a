// The written test model.
#include "written_model.h"

#include <cmath>
#include <filesystem>

#include "caffe_writer.h"
#include "test_util.h"

namespace convscope::test {

namespace fs = std::filesystem;

const char* const kWrittenPrototxt = R"(name: "written"
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 13 dim: 11 } } }
layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
        convolution_param { num_output: 4 kernel_h: 3 kernel_w: 2 pad_h: 1 pad_w: 0 } }
layer { name: "relu1" type: "ReLU" bottom: "conv1" top: "conv1" }
ACTIVATION
layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1"
        pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
layer { name: "conv2" type: "Convolution" bottom: "pool1" top: "conv2"
        convolution_param { num_output: 6 kernel_size: 3 pad: 1 group: 2 } }
layer { name: "bn2" type: "BatchNorm" bottom: "conv2" top: "conv2" }
layer { name: "scale2" type: "Scale" bottom: "conv2" top: "conv2" scale_param { bias_term: true } }
layer { name: "norm2" type: "LRN" bottom: "conv2" top: "norm2" lrn_param { local_size: 3 alpha: 0.001 beta: 0.75 } }
layer { name: "ip1" type: "InnerProduct" bottom: "norm2" top: "ip1" inner_product_param { num_output: 5 } }
layer { name: "prob" type: "Softmax" bottom: "ip1" top: "prob" }
)";

namespace {

core::Tensor vec(std::vector<float> v) {
    core::Tensor t(int(v.size()), 1, 1, 1);
    std::copy(v.begin(), v.end(), t.data());
    return t;
}

}  // namespace

// Writes the test network; `activation` is an extra layer after relu1 (e.g. an unsupported one),
// `poison` puts a NaN in conv1's weights.
WrittenModel writeModel(const std::string& tag, const std::string& activation, bool poison) {
    const fs::path dir = fs::temp_directory_path() / ("convscope_" + tag);
    fs::create_directories(dir);
    WrittenModel m{(dir / "net.prototxt").string(), (dir / "net.caffemodel").string()};
    std::string proto = kWrittenPrototxt;
    proto.replace(proto.find("ACTIVATION"), 10, activation);
    convscope::test::writeFile(m.prototxt, proto);
    core::Tensor conv1 = randomTensor({4, 3, 3, 2}, 1);
    if (poison) conv1.data()[5] = NAN;
    const core::Tensor var = randomTensor({6, 1, 1, 1}, 6, 0.5f, 2.0f);
    const std::vector<convscope::test::CaffeLayerBlobs> blobs = {
        {"conv1", {conv1, randomTensor({4, 1, 1, 1}, 2)}, {4, 1}},
        {"conv2", {randomTensor({6, 2, 3, 3}, 3), randomTensor({6, 1, 1, 1}, 4)}, {4, 1}},
        {"bn2", {randomTensor({6, 1, 1, 1}, 5), var, vec({2.0f})}, {1, 1, 1}},
        {"scale2", {randomTensor({6, 1, 1, 1}, 7), randomTensor({6, 1, 1, 1}, 8)}, {1, 1}},
        {"ip1",
         {randomTensor({5, 210, 1, 1}, 9, -0.1f, 0.1f), randomTensor({5, 1, 1, 1}, 10)},
         {2, 1}},
    };
    convscope::test::writeFile(m.caffemodel, convscope::test::caffeModelBytes(blobs));
    return m;
}

WrittenModel writeCaffe(const std::string& dir, const std::string& prototxt,
                        const std::vector<CaffeLayerBlobs>& blobs) {
    fs::create_directories(dir);
    WrittenModel m{(fs::path(dir) / "net.prototxt").string(),
                   (fs::path(dir) / "net.caffemodel").string()};
    writeFile(m.prototxt, prototxt);
    writeFile(m.caffemodel, caffeModelBytes(blobs));
    return m;
}

WrittenModel writeRefusedLayerModel(const std::string& dir) {
    return writeCaffe(dir, R"(name: "refused"
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 9 dim: 7 } } }
layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
        convolution_param { num_output: 4 kernel_size: 3 bias_term: false } }
layer { name: "conv2" type: "Convolution" bottom: "conv1" top: "conv2"
        convolution_param { num_output: 5 kernel_size: 9 bias_term: false } }
layer { name: "conv3" type: "Convolution" bottom: "conv2" top: "conv3"
        convolution_param { num_output: 2 kernel_size: 1 bias_term: false } }
)",
                      {{"conv1", {randomTensor({4, 3, 3, 3}, 41)}, {4}},
                       {"conv2", {randomTensor({5, 4, 9, 9}, 42)}, {4}},
                       {"conv3", {randomTensor({2, 5, 1, 1}, 43)}, {4}}});
}

}  // namespace convscope::test
