// libFuzzer harness: the OpenCV-dnn import path of core/io/model_import.h. The first byte picks
// the format (byte % 3: 'c' Caffe, 'd' Darknet, 't' TensorFlow) and, with bit 0 of byte / 3 (set
// in 'c' and 'd'), an 8x8 input size, so that files declaring none are built into a network too;
// the rest is two files split at fuzz::kSplit: prototxt | caffemodel, cfg | weights, pb [| pbtxt].
#include <cstdlib>

#include "base/error.h"
#include "fuzz_util.h"
#include "io/model_import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace convscope::core::io;
    if (size == 0) return 0;
    auto& scratch = convscope::fuzz::Scratch::get();
    const auto [first, second] = convscope::fuzz::splitInput(convscope::fuzz::bytesOf(data + 1, size - 1));
    std::string model, config;
    switch (data[0] % 3) {
        case 0:
            config = scratch.write("net.prototxt", first);
            model = scratch.write("net.caffemodel", second);
            break;
        case 1:
            config = scratch.write("net.cfg", first);
            model = scratch.write("net.weights", second);
            break;
        default:
            model = scratch.write("graph.pb", first);
            if (!second.empty()) config = scratch.write("graph.pbtxt", second);
            break;
    }
    try {
        const int side = (data[0] / 3) % 2 == 1 ? 8 : 0;
        const ImportedModel m = importModel(model, config, side, side);
        if (!m.runnable() && m.problem.empty()) std::abort();
        for (const ModelLayer& l : m.layers)
            if (m.runnable() && l.engineIndex >= m.network->size()) std::abort();
    } catch (const convscope::core::Error&) {
    }
    return 0;
}
