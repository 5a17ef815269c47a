// Chart data from a profile.
#include "report/profile_chart.h"

#include <algorithm>
#include <cstdio>

namespace convscope::core {

namespace {

std::string fixed(double v, int decimals) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string ms(double v) {
    return fixed(v, v < 1 ? 3 : 2) + " ms";
}

double convFcShare(const NetworkProfile& p) {
    const double sum = p.layerSumMs();
    return sum > 0 ? 100 *
                         (p.categoryMs(LayerCategory::Conv) +
                          p.categoryMs(LayerCategory::FullyConnected)) /
                         sum
                   : 0.0;
}

std::string header(const NetworkProfile& p) {
    return p.network + ", batch " + std::to_string(p.batch) + ", " + std::to_string(p.threads) +
           (p.threads == 1 ? " thread, " : " threads, ") +
           (p.methodLabel.empty() ? toString(p.method) : p.methodLabel) + ", median of " +
           std::to_string(p.repeat) + " runs";
}

}  // namespace

const char* toString(ProfileChartKind kind) {
    switch (kind) {
        case ProfileChartKind::LayerTime:
            return "Time per layer";
        case ProfileChartKind::Categories:
            return "Where the time goes";
        case ProfileChartKind::Throughput:
            return "GFLOP/s against the peak";
        case ProfileChartKind::FirstVsSteady:
            return "First run against steady state";
        case ProfileChartKind::Variation:
            return "Variation between runs";
        case ProfileChartKind::Ladder:
            return "Method ladder";
    }
    return "?";
}

double ChartData::maxValue() const {
    double m = reference;
    for (const ChartRow& r : rows) {
        double stack = 0;
        for (double s : r.segments) stack += s;
        m = std::max(m, stack);
        if (!std::isnan(r.companion)) m = std::max(m, r.companion);
        if (!std::isnan(r.whiskerHi)) m = std::max(m, r.whiskerHi);
    }
    return m;
}

ChartData profileChart(const NetworkProfile& p, const ReportContext& ctx, ProfileChartKind kind) {
    ChartData d;
    d.title = std::string(toString(kind)) + " — " + header(p);
    const double sum = p.layerSumMs();
    switch (kind) {
        case ProfileChartKind::LayerTime: {
            d.unit = "ms";
            // The direct methods count their whole convolution where the GEMM would be.
            d.series = {"im2col",
                        methodInfo(p.method).chooses ? "GEMM or direct conv"
                        : isDirect(p.method)         ? "direct conv"
                                                     : "GEMM",
                        "other"};
            if (!ctx.peerLayerMs.empty())
                d.companionLabel = ctx.peerName + " (its own profile; fused layers read 0)";
            for (const LayerProfile& l : p.layers) {
                ChartRow r;
                r.label = l.name;
                const double im2col = std::min(l.im2colMs, l.medianMs);
                const double gemm = std::min(l.gemmMs, l.medianMs - im2col);
                r.segments = {im2col, gemm, std::max(0.0, l.medianMs - im2col - gemm)};
                if (const double peer = ctx.peerMs(l.name); peer >= 0) r.companion = peer;
                r.valueText = ms(l.medianMs) +
                              (sum > 0 ? " (" + fixed(100 * l.medianMs / sum, 1) + "%)" : "");
                d.rows.push_back(r);
            }
            d.note = "total " + ms(p.medianTotalMs) + "; conv + fc " + fixed(convFcShare(p), 1) +
                     "% of the layer time";
            if (ctx.peerTotalMs > 0)
                d.note += "; " + ctx.peerName + " " + ms(ctx.peerTotalMs) + " (ours/theirs " +
                          fixed(p.medianTotalMs / ctx.peerTotalMs, 2) + ")";
            break;
        }
        case ProfileChartKind::Categories: {
            d.unit = "ms";
            d.series = {"time"};
            for (LayerCategory c :
                 {LayerCategory::Conv, LayerCategory::FullyConnected, LayerCategory::Pool,
                  LayerCategory::Norm, LayerCategory::Activation, LayerCategory::Other}) {
                ChartRow r;
                r.label = toString(c);
                const double v = p.categoryMs(c);
                r.segments = {v};
                r.valueText = ms(v) + " (" + fixed(sum > 0 ? 100 * v / sum : 0.0, 1) + "%)";
                d.rows.push_back(r);
            }
            d.note = "conv + fc take " + fixed(convFcShare(p), 1) +
                     "% of the time (the classic AlexNet chart says about 89%)";
            break;
        }
        case ProfileChartKind::Throughput: {
            d.unit = "GFLOP/s";
            d.series = {"GFLOP/s"};
            d.reference = ctx.peakGflops;
            if (ctx.peakGflops > 0)
                d.referenceLabel = "FMA peak " + fixed(ctx.peakGflops, 0) + " GFLOP/s (" +
                                   std::to_string(p.threads) +
                                   (p.threads == 1 ? " thread)" : " threads)");
            for (const LayerProfile& l : p.layers) {
                if (l.flops <= 0) continue;
                ChartRow r;
                r.label = l.name;
                r.segments = {l.gflops()};
                r.valueText =
                    fixed(l.gflops(), 1) +
                    (ctx.peakGflops > 0
                         ? " (" + fixed(100 * l.gflops() / ctx.peakGflops, 0) + "% of peak)"
                         : std::string());
                d.rows.push_back(r);
            }
            d.note = "conv layers are compute-bound GEMMs; fc at batch 1 is a GEMV bound by memory";
            break;
        }
        case ProfileChartKind::FirstVsSteady: {
            d.unit = "ms";
            d.series = {"steady (median)"};
            d.companionLabel = "first (cold) run";
            for (const LayerProfile& l : p.layers) {
                ChartRow r;
                r.label = l.name;
                r.segments = {l.medianMs};
                r.companion = l.firstMs;
                r.valueText = ms(l.medianMs) + " / first " + ms(l.firstMs);
                d.rows.push_back(r);
            }
            d.note = "first run " + ms(p.firstTotalMs) + ", steady " + ms(p.medianTotalMs) +
                     ": the first pays for page faults, cold caches and weight packing";
            break;
        }
        case ProfileChartKind::Ladder:
            d.note = "the ladder needs every rung: run it (ladderChart)";
            break;
        case ProfileChartKind::Variation: {
            d.unit = "ms";
            d.series = {"median"};
            // A run this many times its median was interrupted (another program had the core):
            // said in words, where a bare "spread 45423%" read as the layer's own variation.
            constexpr double kInterrupted = 3.0;
            int interrupted = 0;
            for (const LayerProfile& l : p.layers) {
                ChartRow r;
                r.label = l.name;
                r.segments = {l.medianMs};
                r.whiskerLo = l.minMs;
                r.whiskerHi = l.maxMs;
                if (l.medianMs > 0 && l.maxMs > kInterrupted * l.medianMs) {
                    ++interrupted;
                    r.valueText = ms(l.medianMs) + " (one run " + fixed(l.maxMs / l.medianMs, 0) +
                                  "x slower: the machine was busy then)";
                } else {
                    const double spread =
                        l.medianMs > 0 ? 100 * (l.maxMs - l.minMs) / l.medianMs : 0;
                    r.valueText = ms(l.medianMs) + " (spread " + fixed(spread, 0) + "%)";
                }
                d.rows.push_back(r);
            }
            d.note = "whiskers: fastest and slowest of " + std::to_string(p.repeat) +
                     " runs; whole net " + ms(p.minTotalMs) + " .. " + ms(p.maxTotalMs);
            if (interrupted > 0)
                d.note += "; " + std::to_string(interrupted) +
                          (interrupted == 1 ? " layer had a run" : " layers had runs") +
                          " over 3x the median: another program used the CPU then (the medians "
                          "are still this machine's speed; close other programs for tighter "
                          "figures)";
            break;
        }
    }
    return d;
}

ChartData ladderChart(const std::vector<NetworkProfile>& ladder, const ReportContext& ctx) {
    ChartData d;
    if (ladder.empty()) return d;
    const NetworkProfile& first = ladder.front();
    d.title = std::string(toString(ProfileChartKind::Ladder)) + " — " + first.network +
              ": every conv layer, batch " + std::to_string(first.batch) + ", " +
              std::to_string(first.threads) + (first.threads == 1 ? " thread" : " threads");
    d.unit = "ms (conv layers)";
    d.series = {"conv time"};
    d.logScale = true;
    struct Rung {
        double ms = 0;
        std::int64_t flops = 0, colBytes = 0;
        bool complete = true;
    };
    std::vector<Rung> rungs;
    double best = INFINITY;
    for (const NetworkProfile& p : ladder) {
        Rung r;
        for (const LayerProfile& l : p.layers) {
            if (l.category != LayerCategory::Conv) continue;
            if (!std::isfinite(l.medianMs)) {
                r.complete = false;
                continue;
            }
            r.ms += l.medianMs;
            r.flops += l.flops;
            r.colBytes = std::max(r.colBytes, l.colBytes);
        }
        if (r.complete) best = std::min(best, r.ms);
        rungs.push_back(r);
    }
    for (std::size_t i = 0; i < ladder.size(); ++i) {
        const Rung& r = rungs[i];
        ChartRow row;
        row.label =
            ladder[i].methodLabel.empty() ? toString(ladder[i].method) : ladder[i].methodLabel;
        row.segments = {r.ms};
        const double gflops = r.ms > 0 ? double(r.flops) / (r.ms * 1e6) : 0;
        row.valueText = ms(r.ms) + " · " + fixed(gflops, 1) + " GFLOP/s";
        if (ctx.peakGflops > 0)
            row.valueText += " (" + fixed(100 * gflops / ctx.peakGflops, 0) + "% of peak)";
        if (r.complete && std::isfinite(best))
            row.valueText += " · " + fixed(r.ms / best, 2) + "× the fastest";
        if (!r.complete) row.valueText += " · skips layers it cannot run";
        row.valueText += " · col " + fixed(double(r.colBytes) / (1 << 20), 1) + " MiB";
        d.rows.push_back(row);
    }
    d.note =
        "the same conv layers computed every way, each layer timed alone (warm); the direct "
        "loops run once in the forward, the rest are the median of " +
        std::to_string(ladder.back().repeat) + " runs; log scale";
    return d;
}

}  // namespace convscope::core
