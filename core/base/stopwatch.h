// Stopwatch: wall time since construction (steady clock), for the per-phase timings a forward
// records (ConvStats). Whole-run timing with warm-up and median is base/timing.h's.
#pragma once

#include <chrono>

namespace convscope::core {

class Stopwatch {
public:
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    }

private:
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

}  // namespace convscope::core
