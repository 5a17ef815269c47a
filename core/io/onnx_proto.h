// A minimal reader of ONNX protobuf files (ModelProto, TensorProto): the graph's declared inputs
// (OpenCV 4.6 does not expose them), and for the backend node tests the nodes' op types,
// attributes and float tensors. Wire format only; no libprotobuf.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace convscope::core::io::onnx {

struct TensorData {
    std::string name;
    std::vector<std::int64_t> dims;
    int dataType = 0;  // 1 = float, 2 = uint8, 7 = int64, 11 = double (onnx.proto's DataType)
    std::vector<float> values;  // converted from float, double or uint8; empty for other types
};

struct Attribute {
    std::string name;
    float f = 0;
    std::int64_t i = 0;
    std::string s;
    std::vector<float> floats;
    std::vector<std::int64_t> ints;
};

struct Node {
    std::string opType, name;
    std::vector<std::string> inputs, outputs;
    std::map<std::string, Attribute> attributes;

    bool has(const std::string& a) const { return attributes.count(a) > 0; }
    std::int64_t i(const std::string& a, std::int64_t fallback) const;
    float f(const std::string& a, float fallback) const;
    std::string s(const std::string& a, const std::string& fallback) const;
    std::vector<std::int64_t> ints(const std::string& a) const;
};

// A graph input: name and dims (-1 where symbolic, e.g. the batch "N").
struct ValueInfo {
    std::string name;
    std::vector<std::int64_t> dims;
};

struct Model {
    std::int64_t opset = 0;  // default-domain opset version
    std::vector<Node> nodes;
    std::vector<TensorData> initializers;
    std::vector<ValueInfo> inputs;  // as listed; older models also list their initializers here
};

// Throw Error(Io) naming the file for a file that is missing or not valid protobuf.
Model readModel(const std::string& path);
Model parseModel(const std::string& bytes);  // throws std::runtime_error when malformed
TensorData readTensor(const std::string& path);

}  // namespace convscope::core::io::onnx
