// libFuzzer harness: core/io/npy.h's readNpy on the input as a file. What it reads must be
// consistent (product(dims) values) and survive writeNpy -> readNpy unchanged.
#include <cstdlib>
#include <cstring>

#include "base/error.h"
#include "fuzz_util.h"
#include "io/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace convscope::core::io;
    auto& scratch = convscope::fuzz::Scratch::get();
    const std::string path = scratch.write("input.npy", convscope::fuzz::bytesOf(data, size));
    try {
        const NpyArray a = readNpy(path);
        // The product of the dims, saturating: (2^40, 2^40, 0) holds no values and is valid.
        std::int64_t count = 1;
        bool zero = false;
        for (std::int64_t d : a.dims) {
            if (d < 0) std::abort();
            zero = zero || d == 0;
            if (!zero && __builtin_mul_overflow(count, d, &count)) count = -1;
        }
        if ((zero ? 0 : count) != std::int64_t(a.values.size())) std::abort();
        const std::string again = scratch.path("again.npy");
        writeNpy(again, a.dims, a.values);
        const NpyArray b = readNpy(again);
        // Bitwise: NaN payloads and -0 must survive too.
        if (b.dims != a.dims || b.values.size() != a.values.size() ||
            (!a.values.empty() &&
             std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(float)) != 0))
            std::abort();
    } catch (const convscope::core::Error&) {
    }
    return 0;
}
