// The native ONNX importer, on the official ONNX library (onnx.proto's types, onnx::checker,
// onnx::shape_inference, the version converter): an ONNX graph becomes an engine Network, node by
// node, one registry of operators (onnxOperators()). Constant subgraphs (Shape -> Gather -> Concat
// -> Reshape) are folded at import; a batch dimension read by Shape stays symbolic. Start at
// importOnnx().
#pragma once

#include <map>
#include <string>
#include <vector>

#include "io/model_import.h"

namespace convscope::core::io {

struct OnnxOptions {
    int width = 0, height = 0;  // both > 0: the image input's size instead of the declared one
    // One shape per graph input (in order), dimension 0 the batch; replaces the declared shapes
    // (the backend node tests, tensors given on the command line). Empty: the declared shapes.
    std::vector<Shape> inputShapes;
    // Graph inputs whose values are given (input name -> a TensorProto .pb file): they become
    // constants, as initializers would (the node tests feed a Reshape's shape this way).
    std::map<std::string, std::string> constantInputs;
    // Folds each BatchNormalization that alone reads a Conv's output into that conv's weights and
    // bias (what inference engines do). Off by default: the views keep the file's layers. The
    // folded BatchNorm stays listed with a note; the filter gallery keeps the file's weights.
    bool foldBatchNorm = false;
};

// A TensorProto file (.pb, as the ONNX backend tests keep inputs and outputs) as float32.
struct OnnxTensor {
    std::string name;
    Tensor tensor;
    bool integer = false;  // the file's values were integers (int64, int32, uint8, bool ...)
};
// Throws Error(Io) for a missing, corrupt or truncated file or an unsupported data type.
OnnxTensor readOnnxTensor(const std::string& path);

// Reads and maps an ONNX model. Throws Error(Io) for a missing, truncated or corrupt file, one
// that fails onnx::checker, keeps tensors in external data files, or uses an opset outside 7..17
// that the version converter cannot bring into that range; Error(InvalidConfig) for NaN or
// infinite weights. A node the engine cannot run does not throw: it is listed unsupported with
// the reason, `problem` names it, network is null, and every conv's filters are still listed.
ImportedModel importOnnx(const std::string& path, const OnnxOptions& options = {});

// The ONNX operator types the importer maps, comma-separated (for messages and the README).
std::string onnxOperators();

}  // namespace convscope::core::io
