// libFuzzer harness: the native ONNX importer (core/io/onnx_import.h) on the input as a .onnx
// file. It throws core::Error or returns a model whose listing is consistent.
#include <cstdlib>

#include "base/error.h"
#include "fuzz_util.h"
#include "io/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace convscope::core::io;
    const std::string path =
        convscope::fuzz::Scratch::get().write("model.onnx", convscope::fuzz::bytesOf(data, size));
    try {
        OnnxOptions options;
        options.foldBatchNorm = size % 2 == 1;  // both import paths, from the same seeds
        const ImportedModel m = importOnnx(path, options);
        if (m.format != "onnx") std::abort();
        if (!m.runnable() && m.problem.empty()) std::abort();  // a refusal names the layer
        for (const ModelLayer& l : m.layers)
            if (m.runnable() && l.engineIndex >= m.network->size()) std::abort();
    } catch (const convscope::core::Error&) {
    }
    return 0;
}
