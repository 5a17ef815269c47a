// The machine's roofs, measured: the FMA peak (the compute ceiling of a roofline) and the read
// bandwidth from memory (the ceiling of an fc layer at batch 1). Start at measureRoofs().
#pragma once

#include <cstddef>

namespace convscope::core {

struct MachineRoofs {
    double peakGflopsOneThread = 0;  // FMA-loop peak on one thread; 0 = not measured
    double peakGflops = 0;           // on `threads` threads
    double readBandwidthGBs = 0;     // on `threads` threads; 0 = not measured
};

// Measures what `known` does not already hold (a field > 0 is kept): the peak on 1 and on
// `threads` threads (0.2 s each; one measurement when threads == 1) and, with `bandwidth`, the
// read bandwidth (about 0.5 s and a 1 GiB buffer).
MachineRoofs measureRoofs(int threads, bool bandwidth, MachineRoofs known = {});

// Sustained read bandwidth from memory in GB/s: `threads` threads summing disjoint parts of a
// `bytes`-sized buffer, four streams each (as the rows of a GEMV), best of four passes. The bound
// of an fc layer at batch 1, which reads every weight once. The default 1 GiB is larger than any
// cache here (this host reports a 480 MiB L3, which can hold AlexNet's 234 MB of fc weights).
double measureReadBandwidth(int threads, std::size_t bytes = std::size_t(1) << 30);

// Peak single-precision GFLOP/s of `threads` threads running independent FMA chains at once, with
// the active kernel variant's widest vectors (the machine's roofline ceiling). Takes about
// `seconds`.
double measurePeakGflops(int threads, double seconds = 0.2);

}  // namespace convscope::core
