// The timing charts' data: what each bar of the GUI's profile chart is, computed from a
// NetworkProfile without any painting (the widget only draws it; tests check the numbers).
// Horizontal bars, one row per layer or category; each row has stacked segments and optionally a
// slim companion bar (the peer's time, or the first run) and a whisker (min..max of the runs).
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "measure/profile.h"
#include "report/report.h"

namespace convscope::core {

enum class ProfileChartKind {
    LayerTime,      // ms per layer, stacked im2col / GEMM / other; the peer's time beside
    Categories,     // ms per category (conv, fc, pool, norm, activation, other), with shares
    Throughput,     // GFLOP/s per layer against the measured FMA peak (roofline-style)
    FirstVsSteady,  // the cold first run beside the median of the timed runs
    Variation,      // median with a min..max whisker over the timed runs
    Ladder,         // the method ladder: all conv layers' time per method (ladderChart)
};
const char* toString(ProfileChartKind kind);

struct ChartRow {
    std::string label;
    std::vector<double> segments;  // stacked, one per ChartData::series entry (0 allowed)
    double companion = NAN;        // a slim bar beside (ChartData::companionLabel); NaN = none
    double whiskerLo = NAN, whiskerHi = NAN;
    std::string valueText;  // printed after the bar
};

struct ChartData {
    std::string title;
    std::string unit;                 // of the value axis: "ms", "GFLOP/s"
    std::vector<std::string> series;  // names of the stacked segments
    std::string companionLabel;       // empty: no companion bars
    std::vector<ChartRow> rows;
    double reference = 0;  // a vertical line (the peak); 0 = none
    std::string referenceLabel;
    std::string note;         // one line under the title
    bool logScale = false;    // the value axis in decades (the ladder spans 1000x)
    double maxValue() const;  // the axis end: largest stack, companion, whisker or reference
};

// kind must not be Ladder (it needs every rung: ladderChart).
ChartData profileChart(const NetworkProfile& profile, const ReportContext& context,
                       ProfileChartKind kind);

// One row per rung: the conv layers' total time, GFLOP/s, % of peak, ratio to the fastest rung
// and the col memory it needed. Rungs that cannot run every conv layer are marked.
ChartData ladderChart(const std::vector<NetworkProfile>& ladder, const ReportContext& context);

}  // namespace convscope::core
