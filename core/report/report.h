// Reports shared by the CLI and the GUI's exports: the per-layer profile and the im2col figures as
// a text table and as JSON (the field names are documented in README.md, "CLI reference").
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "conv/im2col.h"
#include "measure/bench_run.h"
#include "measure/profile.h"

namespace convscope::core {

// Extra context printed with a profile: the machine's peak and an optional peer's time.
struct ReportContext {
    double peakGflopsOneThread = 0;  // FMA-loop peak on one thread; 0 = not measured
    double peakGflops = 0;           // on the profile's thread count
    std::string peerName;            // kOpenCvPeerName; empty = no peer
    double peerTotalMs = 0;
    double peerMaxAbsDiff = -1;   // largest |ours - peer| over the network output; < 0 = not run
    double readBandwidthGBs = 0;  // measured memory read bandwidth; 0 = not measured
    // The peer's own per-layer times (OpenCV's getPerfProfile), by layer name; fused layers 0.
    std::vector<std::pair<std::string, double>> peerLayerMs;
    // The peer's time for a layer name, or a negative number when it has none.
    double peerMs(const std::string& layer) const;
};

std::string profileTable(const NetworkProfile& profile, const ReportContext& context);
std::string profileJson(const NetworkProfile& profile, const ReportContext& context);
// One row per layer with the JSON's per-layer fields (a spreadsheet's view of the same data).
std::string profileCsv(const NetworkProfile& profile, const ReportContext& context);

// The method ladder: the same network profiled once per conv method (`convscope bench --methods`).
std::string methodsTable(const std::vector<NetworkProfile>& profiles, const ReportContext& context);
std::string methodsJson(const std::vector<NetworkProfile>& profiles, const ReportContext& context);

// A bench run's roofs and peer as the reports read them.
ReportContext reportContext(const BenchResult& run);
// A bench run as `convscope bench` prints it: the profile (profileTable / profileJson), or with the
// ladder methodsTable / methodsJson followed by the peer's line (JSON: a `peer` object).
std::string benchTable(const BenchResult& run);
std::string benchJson(const BenchResult& run);

struct Im2colReport {
    Shape input;  // one image
    WindowParams params;
    int outChannels = 0;
    Im2colInfo info;
};
std::string im2colTable(const Im2colReport& report);
std::string im2colJson(const Im2colReport& report);

// "1.5 MiB", "2.88 GiB"
std::string formatBytes(double bytes);

}  // namespace convscope::core
