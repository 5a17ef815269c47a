// A minimal reader of ONNX protobuf files (ModelProto, TensorProto): just what the backend node
// tests need (the node's op type, attributes, and float tensors). Wire format only; no libprotobuf.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace convscope::test::onnx {

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

struct Model {
    std::int64_t opset = 0;  // default-domain opset version
    std::vector<Node> nodes;
    std::vector<TensorData> initializers;
};

// Throw std::runtime_error on a file that is missing or not valid protobuf.
Model readModel(const std::string& path);
TensorData readTensor(const std::string& path);

}  // namespace convscope::test::onnx
