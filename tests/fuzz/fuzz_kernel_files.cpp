// libFuzzer harness: the kernel-file parsers of core/io/kernel_files.h. The first byte picks the
// parser ('c' CSV, 'j' JSON, 'n' .npy: byte % 3), the rest is the file. A parse either throws
// core::Error or returns a kernel whose shape, bias and values agree.
#include <cmath>
#include <cstdlib>

#include "base/error.h"
#include "base/limits.h"
#include "fuzz_util.h"
#include "io/kernel_files.h"

namespace {

using convscope::core::io::KernelFile;

void check(const KernelFile& k) {
    const convscope::core::Shape s = k.weights.shape();
    const bool sane = s.n >= 1 && s.c >= 1 && s.h >= 1 && s.w >= 1 &&
                      s.h <= convscope::core::limits::kMaxKernelSide &&
                      s.w <= convscope::core::limits::kMaxKernelSide &&
                      k.weights.count() <= convscope::core::limits::kMaxKernelWeights &&
                      (k.bias.empty() || k.bias.size() == std::size_t(s.n));
    if (!sane) std::abort();
    for (float v : k.weights.span())
        if (!std::isfinite(v)) std::abort();  // the parsers refuse NaN and infinite values
    for (float v : k.bias)
        if (!std::isfinite(v)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string text(convscope::fuzz::bytesOf(data + 1, size - 1));
    try {
        switch (data[0] % 3) {
            case 0: check(convscope::core::io::parseKernelCsv(text, "fuzz.csv")); break;
            case 1: check(convscope::core::io::parseKernelJson(text, "fuzz.json")); break;
            default: check(convscope::core::io::parseNpy(text, "fuzz.npy")); break;
        }
    } catch (const convscope::core::Error&) {
        // A refused file: the documented outcome. Any other exception escapes and is a finding.
    }
    return 0;
}
