// Trained models into the engine: ONNX through the native importer on the official ONNX library
// (onnx_import.h); Caffe prototxt + caffemodel, TensorFlow pb and Darknet cfg + weights through
// OpenCV 4.6's dnn module, whose layer objects (parameters and weights) are mapped onto core
// layers. Start at importModel().
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "conv/conv_geometry.h"
#include "io/image_io.h"
#include "net/network.h"

namespace convscope::core::io {

// How an image becomes the network input: resize (after an optional centre crop to the target
// aspect ratio), channel order, (pixel - mean) * scale. Remembered per model by the GUI.
// One layer (ONNX: node) of the file, and what the engine made of it.
struct ModelLayer {
    std::string name, type;  // the file's layer or node name and type
    bool supported = true;
    std::string note;      // why unsupported; or how it was mapped ("folded into ...", "identity")
    int engineIndex = -1;  // index in ImportedModel::network, or -1
};

// The weights of one conv layer, kept even when the model cannot run (the filter gallery).
struct ConvFilters {
    std::string layer;
    WindowParams params;
    Tensor weights;  // M x C/groups x kh x kw
};

struct ImportedModel {
    std::string modelPath, configPath;
    std::string format;  // "onnx", "caffe", "tensorflow", "darknet"
    int inputChannels = 0;
    int declaredHeight = 0, declaredWidth = 0;  // 0 when the file does not declare a size
    std::vector<ModelLayer> layers;
    std::vector<ConvFilters> convs;
    std::unique_ptr<Network> network;  // null when a layer is unsupported or the size unknown
    std::vector<int> outputs;  // ONNX: the engine layer of each graph output (the last is last)
    std::string problem;  // why network is null: one line naming the layer, type and what works

    bool runnable() const { return network != nullptr; }
};

// Reads the model. width/height (both > 0) set the input size; otherwise the declared size is
// used. Throws Error(Io) for a missing, truncated or corrupt file (or a prototxt whose weights are
// missing), Error(InvalidConfig) for NaN or infinite weights, Error(ShapeMismatch) when the layers
// do not fit the input size. An unsupported layer, or one whose parameters are impossible (a
// kernel larger than the padded input at this size, groups that do not divide), does not throw:
// the result lists every layer and all conv filters, with network == nullptr and `problem` set.
// foldBatchNorm (ONNX): a BatchNorm that alone follows a conv is folded into its weights (see
// OnnxOptions in onnx_import.h); the model lists it with a note saying so.
ImportedModel importModel(const std::string& model, const std::string& config = {}, int width = 0,
                          int height = 0, bool foldBatchNorm = false);

// A network built in code (the built-in AlexNet and LeNet) seen as a model: every layer supported,
// the conv filters listed, format "built-in".
ImportedModel wrapNetwork(std::unique_ptr<Network> network);

// The names of the layer types the importer maps, for messages and the README.
const char* supportedLayerTypes();

}  // namespace convscope::core::io
