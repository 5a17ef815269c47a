// The instruction sets the engine's hand-vectorised kernels are built for, and the one that runs.
// Start at activeIsa(): chosen once from the CPU, overridable for tests and for teaching.
//
// Every file in core/kernels/ is compiled once per ISA below, each copy inside its own namespace
// (convscope::core::avx512, ::avx2, ::generic; see kernels/kernels.h). The rest of the engine is
// built for baseline x86-64 and calls a kernel through the copy of the active ISA, so one binary
// runs on any x86-64 CPU and uses AVX-512 where there is one.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace convscope::core {

// Ascending: a CPU that runs one runs every lower one.
enum class Isa {
    Generic,  // baseline x86-64 (SSE2); plain loops the compiler vectorises
    Avx2,     // x86-64-v3: AVX2 + FMA (+ BMI1/2, F16C, LZCNT, MOVBE), 16 ymm registers
    Avx512,   // x86-64-v4: v3 + AVX-512 F/BW/CD/DQ/VL, 32 zmm registers
};

// The registry of kernel variants, best first. CLI help, the GUI and the tests read it.
inline constexpr std::array<Isa, 3> kIsas = {Isa::Avx512, Isa::Avx2, Isa::Generic};

// "avx512", "avx2+fma", "generic": what `--version`, bench and the Profile tab print.
std::string_view isaName(Isa isa);
// One line on what the variant uses ("AVX-512: 32 zmm registers of 16 floats").
std::string_view isaDescription(Isa isa);
// Floats per vector register the variant's kernels use (16, 8, 4).
int isaFloatLanes(Isa isa);
// Accepts the names above, the short forms "avx512", "avx2", "generic" and the levels
// "x86-64-v4", "x86-64-v3", "x86-64" (case-insensitive).
std::optional<Isa> parseIsa(std::string_view text);

// Whether this CPU (and its OS, which must save the wider registers) can run the variant.
bool cpuSupports(Isa isa);
// The best variant this CPU runs.
Isa bestIsa();
// Every variant this CPU runs, best first (what the tests compare against the reference).
std::vector<Isa> supportedIsas();

// The variant every kernel call uses. On first use: CONVSCOPE_ISA from the environment when it
// names a variant this CPU runs, else bestIsa() (see isaWarning()).
Isa activeIsa();
// Forces a variant (--isa, tests, "the same layer on AVX2 and AVX-512"). Throws
// Error(InvalidConfig) naming the CPU's best variant when this CPU cannot run it. Not for use
// while kernels run on other threads: call it at start-up or between runs. Packed weights record
// the variant they were packed for and are repacked when it changes.
void setIsa(Isa isa);

// Data laid out for one variant's kernels (packed weights) only fits those: throws
// Error(InvalidConfig) naming `what` when `packedFor` is not the active variant.
void requirePackedForActiveIsa(Isa packedFor, std::string_view what);

// Why CONVSCOPE_ISA was ignored ("CONVSCOPE_ISA=avx512: this CPU runs at most avx2+fma; using
// avx2+fma"), or empty. The CLI and the GUI print it once at start.
std::string isaWarning();

// "kernels: avx2+fma (best on this CPU: avx512)": the line --version, bench and the GUI show.
std::string kernelsLine();

}  // namespace convscope::core
