// The main() of the kernel test suites (blocked GEMM, convolution, layers): CTest runs each suite
// once per kernel variant with CONVSCOPE_ISA set (tests/CMakeLists.txt). A variant this CPU cannot
// run is skipped (exit 77) rather than silently replaced by the best one.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "base/isa.h"

int main(int argc, char** argv) {
    using namespace convscope::core;
    if (const char* wanted = std::getenv("CONVSCOPE_ISA"); wanted && *wanted) {
        const auto isa = parseIsa(wanted);
        if (!isa) {
            std::fprintf(stderr, "CONVSCOPE_ISA=%s names no kernel variant\n", wanted);
            return 2;
        }
        if (!cpuSupports(*isa)) {
            std::printf("SKIPPED: this CPU cannot run the %s kernels (best: %s)\n",
                        std::string(isaName(*isa)).c_str(),
                        std::string(isaName(bestIsa())).c_str());
            return 77;
        }
    }
    std::printf("%s\n", kernelsLine().c_str());
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
