// libFuzzer harness: image loading (core/io/image_io.h, and kernel_files.h's image-as-kernel).
// The first byte picks the reader (byte % 3: 0 loadImage on a file, 1 decodeImage in memory, 2
// loadKernelImage) and its options (the bits of byte / 3: 1 gray (a colour kernel for
// loadKernelImage), 2 resize to 7x5, 4 crop, 8 swapRB, 16 mean and scale); the rest is the file.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "base/error.h"
#include "fuzz_util.h"
#include "io/image_io.h"
#include "io/kernel_files.h"

namespace {

// A 1 x channels x H x W tensor, as documented.
void checkShape(const convscope::core::Tensor& t, int channels) {
    const convscope::core::Shape s = t.shape();
    if (s.n == 1 && s.c == channels && s.h >= 1 && s.w >= 1) return;
    std::fprintf(stderr, "asked for %d channels, got a %s tensor\n", channels, s.toString().c_str());
    std::abort();
}

void checkFinite(const convscope::core::Tensor& t) {
    for (float v : t.span())
        if (!std::isfinite(v)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace convscope::core::io;
    // A memory budget of 512 MiB (read once, at the first check): a 40-byte WebP may declare an
    // allowed 8192 x 8192 image, whose decoding takes 2-6 s under ASan and trips -timeout=10 on a
    // loaded machine (the hour-long run's "timeouts"). Refused by the budget, such inputs stay
    // fast and the fuzzer keeps exploring the parsers; full-size decoding is the bad-input
    // suite's (tests/badinput) and the image tests' to check.
    static const bool budget = [] { return setenv("CONVSCOPE_MEMORY_MIB", "512", 0) == 0; }();
    (void)budget;
    if (size == 0) return 0;
    const int mode = data[0] % 3, bits = data[0] / 3;
    const std::string_view file = convscope::fuzz::bytesOf(data + 1, size - 1);
    ImageOptions options;
    options.channels = bits & 1 ? 1 : 3;
    if (bits & 2) options.width = 7, options.height = 5;  // small: the resize path, kept cheap
    options.crop = bits & 4;
    options.swapRB = bits & 8;
    if (bits & 16) options.mean = {100.0f, 110.0f, 120.0f}, options.scale = 1.0f / 64;
    try {
        if (mode == 0) {
            const std::string path = convscope::fuzz::Scratch::get().write("image", file);
            const convscope::core::Tensor t = loadImage(path, options);
            checkShape(t, options.channels);
            checkFinite(t);
        } else if (mode == 1) {
            const convscope::core::Tensor t =
                decodeImage(data + 1, size - 1, options, "fuzz image");
            checkShape(t, options.channels);
            checkFinite(t);
        } else {
            const std::string path = convscope::fuzz::Scratch::get().write("kernel.png", file);
            const KernelFile k = loadKernelImage(path, bits & 1);
            if (k.weights.shape().n != 1) std::abort();
            checkFinite(k.weights);
        }
    } catch (const convscope::core::Error&) {
    }
    return 0;
}
