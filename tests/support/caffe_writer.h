// Writes small Caffe models for tests: a prototxt and a binary .caffemodel (protobuf wire format,
// NetParameter with one LayerParameter per layer holding its blobs), so model import is covered
// without ../shared/data.
#pragma once

#include <string>
#include <vector>

#include "base/tensor.h"

namespace convscope::test {

struct CaffeLayerBlobs {
    std::string layer;
    std::vector<core::Tensor> blobs;  // shapes written with their rank: see `ranks`
    std::vector<int> ranks;           // 4 for conv weights, 2 for fc weights, 1 for vectors
};

// Serialises a NetParameter containing only layer names and blobs (OpenCV matches them to the
// prototxt by name).
std::string caffeModelBytes(const std::vector<CaffeLayerBlobs>& layers);

void writeFile(const std::string& path, const std::string& bytes);

}  // namespace convscope::test
