// A small Caffe model written by the tests (conv, ReLU, pool, grouped conv, BatchNorm + Scale,
// LRN, fc, softmax on a 3x13x11 input), so model import and the model panel are covered without
// ../shared/data.
#pragma once

#include <string>

namespace convscope::test {

// The prototxt, with the placeholder ACTIVATION where writeModel() inserts its extra layer.
extern const char* const kWrittenPrototxt;

struct WrittenModel {
    std::string prototxt, caffemodel;
};

// Writes the network into a temporary folder named after `tag`; `activation` is an extra layer
// after relu1 (e.g. an unsupported one), `poison` puts a NaN in conv1's weights.
WrittenModel writeModel(const std::string& tag, const std::string& activation = {},
                        bool poison = false);

}  // namespace convscope::test
