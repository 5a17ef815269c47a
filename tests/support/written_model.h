// Small Caffe models written by the tests (conv, ReLU, pool, grouped conv, BatchNorm + Scale,
// LRN, fc, softmax on a 3x13x11 input; any net by writeCaffe), so model import, the model panel and
// the CLI are covered without ../shared/data.
#pragma once

#include <string>
#include <vector>

#include "caffe_writer.h"

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

// Any Caffe net: `prototxt` as given, the blobs by caffe_writer, into `dir` (created) as
// net.prototxt and net.caffemodel.
WrittenModel writeCaffe(const std::string& dir, const std::string& prototxt,
                        const std::vector<CaffeLayerBlobs>& blobs);

// A 3x9x7 net whose conv2 (9x9 kernel) does not fit conv1's 7x5 output, then a 1x1 conv3: the
// import refuses conv2 and keeps all three layers' filters (the `filters` command draws them).
WrittenModel writeRefusedLayerModel(const std::string& dir);

}  // namespace convscope::test
