// The machine-dependent limit (memoryBudget) and the limits' texts.
#include "base/limits.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "base/error.h"

namespace convscope::core::limits {

namespace {

std::int64_t physicalMemory() {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? std::int64_t(pages) * page : 8 * kGiB;
}

std::int64_t readBudget() {
    if (const char* env = std::getenv("CONVSCOPE_MEMORY_MIB")) {
        char* end = nullptr;
        const long long mib = std::strtoll(env, &end, 10);
        if (end != env && *end == '\0' && mib > 0 && mib < (std::int64_t(1) << 40))
            return mib * kMiB;
    }
    return std::min(physicalMemory() / 4 * 3, 64 * kGiB);
}

}  // namespace

std::int64_t memoryBudget() {
    static const std::int64_t budget = readBudget();
    return budget;
}

std::string bytesText(std::int64_t bytes) {
    char text[32];
    if (bytes >= kGiB)
        std::snprintf(text, sizeof text, "%.1f GiB", double(bytes) / double(kGiB));
    else if (bytes >= kMiB)
        std::snprintf(text, sizeof text, "%.0f MiB", double(bytes) / double(kMiB));
    else if (bytes >= 1024)
        std::snprintf(text, sizeof text, "%.0f KiB", double(bytes) / 1024);
    else
        std::snprintf(text, sizeof text, "%lld bytes", static_cast<long long>(bytes));
    return text;
}

void checkMemory(std::int64_t bytes, const std::string& what, const std::string& fix) {
    if (bytes <= memoryBudget()) return;
    const bool fromEnv = std::getenv("CONVSCOPE_MEMORY_MIB") != nullptr;
    throw Error(ErrorCategory::ResourceLimit,
                what + " needs " + bytesText(bytes) + "; the limit on this machine is " +
                    bytesText(memoryBudget()) +
                    (fromEnv ? " (CONVSCOPE_MEMORY_MIB)" : " (3/4 of its memory)") + ": " + fix);
}

std::string limitsHelp() {
    const std::string pixels = std::to_string(kMaxImagePixels / 1000000);
    return "Limits (refused with exit 2 before anything is allocated):\n"
           "  images        " +
           pixels + " Mpixel (e.g. 8192x8192), files up to " + bytesText(kMaxImageFileBytes) +
           "\n" + "  kernel files  sides up to " + std::to_string(kMaxKernelSide) + ", " +
           std::to_string(kMaxKernelWeights) + " weights, text files up to " +
           bytesText(kMaxKernelFileBytes) + "\n" + "  sessions and lessons  " +
           bytesText(kMaxStateFileBytes) + "\n" + "  renders (--size)      " +
           std::to_string(kMinRenderSide) + " to " + std::to_string(kMaxRenderSide) +
           " pixels a side\n" + "  batch         " + std::to_string(kMaxBatch) +
           " images per forward\n" + "  memory        one run may use " +
           bytesText(memoryBudget()) +
           " here (3/4 of this machine's memory; CONVSCOPE_MEMORY_MIB=N sets it)\n";
}

}  // namespace convscope::core::limits
