// CPU feature detection and the choice of kernel variant (isa.h).
#include "base/isa.h"

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <mutex>

#include "base/error.h"

namespace convscope::core {

namespace {

std::atomic<int> g_active{-1};  // an Isa once chosen
std::mutex g_mutex;             // guards the first choice and the warning
std::string g_warning;

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The first choice: CONVSCOPE_ISA when it names a variant this CPU runs.
Isa chooseAtStart() {
    const char* env = std::getenv("CONVSCOPE_ISA");
    if (!env || !*env) return bestIsa();
    const std::optional<Isa> wanted = parseIsa(env);
    if (!wanted) {
        g_warning = "CONVSCOPE_ISA=" + std::string(env) +
                    " is not a kernel variant (avx512, avx2, generic); using " +
                    std::string(isaName(bestIsa()));
        return bestIsa();
    }
    if (!cpuSupports(*wanted)) {
        g_warning = "CONVSCOPE_ISA=" + std::string(env) + ": this CPU runs at most " +
                    std::string(isaName(bestIsa())) + "; using it";
        return bestIsa();
    }
    return *wanted;
}

}  // namespace

namespace {

// What is known of each variant, in the order of the enum: one place for the names.
struct IsaFacts {
    std::string_view name, shortName, level, description;
    int lanes;
};
constexpr IsaFacts kFacts[] = {
    {"generic", "generic", "x86-64",
     "baseline x86-64 (SSE2): plain loops the compiler vectorises, 4 floats", 4},
    {"avx2+fma", "avx2", "x86-64-v3", "AVX2 + FMA (x86-64-v3): 16 ymm registers of 8 floats", 8},
    {"avx512", "avx512", "x86-64-v4", "AVX-512 (x86-64-v4): 32 zmm registers of 16 floats, FMA",
     16},
};
const IsaFacts& facts(Isa isa) {
    return kFacts[static_cast<int>(isa)];
}

}  // namespace

std::string_view isaName(Isa isa) {
    return facts(isa).name;
}

std::string_view isaDescription(Isa isa) {
    return facts(isa).description;
}

int isaFloatLanes(Isa isa) {
    return facts(isa).lanes;
}

std::optional<Isa> parseIsa(std::string_view text) {
    const std::string s = lower(text);
    for (Isa isa : kIsas) {
        const IsaFacts& f = facts(isa);
        if (s == f.name || s == f.shortName || s == f.level) return isa;
    }
    return std::nullopt;
}

bool cpuSupports(Isa isa) {
    // (A switch: __builtin_cpu_supports takes only a literal.) libgcc's table checks the CPUID bits
    // and, for AVX and AVX-512, that the OS saves the registers (XGETBV); the level names cover
    // every feature -march=x86-64-vN may emit.
    __builtin_cpu_init();
#if defined(__clang__) && __clang_major__ < 19
    // Clang before 19 (the fuzz build, Debian's clang 14) knows no level names: the features
    // compiler-rt can test (it too checks XGETBV). F16C, LZCNT and MOVBE, also in x86-64-v3, it
    // cannot, but every CPU with AVX2 + BMI2 + FMA has them (Haswell and Zen on).
    const bool v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
                    __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("fma");
    switch (isa) {
        case Isa::Avx512:
            return v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                   __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
                   __builtin_cpu_supports("avx512vl");
        case Isa::Avx2:
            return v3;
        case Isa::Generic:
            break;
    }
#else
    switch (isa) {
        case Isa::Avx512:
            return __builtin_cpu_supports("x86-64-v4");
        case Isa::Avx2:
            return __builtin_cpu_supports("x86-64-v3");
        case Isa::Generic:
            break;
    }
#endif
    return true;
}

Isa bestIsa() {
    for (Isa isa : kIsas)
        if (cpuSupports(isa)) return isa;
    return Isa::Generic;
}

std::vector<Isa> supportedIsas() {
    std::vector<Isa> out;
    for (Isa isa : kIsas)
        if (cpuSupports(isa)) out.push_back(isa);
    return out;
}

Isa activeIsa() {
    const int active = g_active.load(std::memory_order_acquire);
    if (active >= 0) return Isa(active);
    std::lock_guard lock(g_mutex);
    if (g_active.load() < 0) g_active.store(int(chooseAtStart()), std::memory_order_release);
    return Isa(g_active.load());
}

void setIsa(Isa isa) {
    if (!cpuSupports(isa))
        throw Error(ErrorCategory::InvalidConfig,
                    "this CPU cannot run the " + std::string(isaName(isa)) +
                        " kernels; the best it runs is " + std::string(isaName(bestIsa())) +
                        " (choose that or a lower one: avx2, generic)");
    std::lock_guard lock(g_mutex);
    g_active.store(int(isa), std::memory_order_release);
}

void requirePackedForActiveIsa(Isa packedFor, std::string_view what) {
    if (packedFor != activeIsa())
        throw Error(ErrorCategory::InvalidConfig,
                    std::string(what) + " were packed for the " + std::string(isaName(packedFor)) +
                        " kernels but the " + std::string(isaName(activeIsa())) +
                        " ones are active: pack them again after changing the kernel variant");
}

std::string isaWarning() {
    activeIsa();
    std::lock_guard lock(g_mutex);
    return g_warning;
}

std::string kernelsLine() {
    const Isa active = activeIsa(), best = bestIsa();
    std::string line = "kernels: " + std::string(isaName(active));
    if (active != best) line += " (forced; best on this CPU: " + std::string(isaName(best)) + ")";
    return line;
}

}  // namespace convscope::core
