// Text and JSON renderings of NetworkProfile and Im2colReport.
#include "report/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/json_writer.h"

namespace convscope::core {

namespace {

std::int64_t fcWeightBytes(const NetworkProfile& p) {
    std::int64_t b = 0;
    for (const LayerProfile& l : p.layers)
        if (l.category == LayerCategory::FullyConnected) b += l.weightBytes;
    return b;
}

std::string format(const char* fmt, auto... args) {
    char buf[512];
    std::snprintf(buf, sizeof buf, fmt, args...);
    return buf;
}

std::string gemmText(const GemmShape& g) {
    if (g.M == 0) return "-";
    std::string s = std::to_string(g.M) + "x" + std::to_string(g.N) + "x" + std::to_string(g.K);
    if (g.groups > 1) s += " (x" + std::to_string(g.groups) + ")";
    return s;
}

constexpr LayerCategory kCategories[] = {LayerCategory::Conv,       LayerCategory::FullyConnected,
                                         LayerCategory::Pool,       LayerCategory::Norm,
                                         LayerCategory::Activation, LayerCategory::Other};

// The `peer` object when there is a peer; `ratio` (ours / theirs) when oursMs > 0.
void writePeer(JsonWriter& j, const ReportContext& ctx, double oursMs) {
    if (ctx.peerName.empty()) return;
    j.key("peer").beginObject();
    j.field("name", ctx.peerName).field("median_ms", ctx.peerTotalMs);
    if (oursMs > 0) j.field("ratio", ctx.peerTotalMs > 0 ? oursMs / ctx.peerTotalMs : 0.0);
    j.field("max_abs_diff", ctx.peerMaxAbsDiff);
    j.endObject();
}

}  // namespace

std::string formatBytes(double bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024 && u < 4) {
        bytes /= 1024;
        ++u;
    }
    return u == 0 ? format("%.0f B", bytes) : format("%.3g %s", bytes, units[u]);
}

std::string profileTable(const NetworkProfile& p, const ReportContext& ctx) {
    std::string out = format(
        "%s, batch %d, %d thread(s), %s, kernels %s, median of %d run(s) after %d "
        "warm-up\n",
        p.network.c_str(), p.batch, p.threads, toString(p.method),
        std::string(isaName(p.isa)).c_str(), p.repeat, p.warmup);
    // The direct methods count their whole convolution where the GEMM would be (ConvStats); auto
    // mixes both, and says per layer which method ran.
    const bool chooses = methodInfo(p.method).chooses;
    out += format("%-8s %-12s %-16s %-22s %9s %9s %8s %6s %6s %9s %9s %9s%s\n", "layer", "type",
                  "output", "GEMM MxNxK", "MFLOP", "ms", "GFLOP/s", "%peak", "%time", "im2col ms",
                  chooses ? "GEMM/conv" : isDirect(p.method) ? "conv ms" : "GEMM ms", "col MB",
                  chooses ? "  method" : "");
    const double sum = p.layerSumMs();
    for (const LayerProfile& l : p.layers) {
        const bool gemm = l.gemm.M > 0;
        out += format(
            "%-8s %-12s %-16s %-22s %9.1f %9.3f %8.1f %6s %6.1f %9s %9s %9s%s\n", l.name.c_str(),
            l.type.c_str(), l.output.toString().c_str(), gemmText(l.gemm).c_str(),
            double(l.flops) / 1e6, l.medianMs, l.gflops(),
            ctx.peakGflops > 0 ? format("%.1f", 100 * l.gflops() / ctx.peakGflops).c_str() : "-",
            sum > 0 ? 100 * l.medianMs / sum : 0.0,
            l.category == LayerCategory::Conv ? format("%.3f", l.im2colMs).c_str() : "-",
            gemm ? format("%.3f", l.gemmMs).c_str() : "-",
            l.colBytes ? format("%.1f", double(l.colBytes) / 1e6).c_str() : "-",
            chooses ? ("  " + (l.method.empty() ? std::string("-") : l.method)).c_str() : "");
    }
    out += format(
        "total: %.3f ms median (min %.3f, max %.3f), first run %.3f ms, %.2f GFLOP, %.1f GFLOP/s\n",
        p.medianTotalMs, p.minTotalMs, p.maxTotalMs, p.firstTotalMs, double(p.totalFlops()) / 1e9,
        p.medianTotalMs > 0 ? double(p.totalFlops()) / (p.medianTotalMs * 1e6) : 0.0);
    if (chooses) {
        out += format("auto: each conv's method timed at set-up (%.0f ms, remembered by shape):\n",
                      p.prepareMs);
        // A layer of a shape already listed (a ResNet's repeated blocks) names that layer.
        std::vector<std::pair<std::string, std::string>> listed;  // why, the first layer's name
        for (const LayerProfile& l : p.layers) {
            if (l.methodWhy.empty()) continue;
            const auto same = std::find_if(listed.begin(), listed.end(),
                                           [&](const auto& w) { return w.first == l.methodWhy; });
            if (same != listed.end()) {
                out += format("  %-8s %s (the shape of %s)\n", l.name.c_str(), l.method.c_str(),
                              same->second.c_str());
            } else {
                out += format("  %-8s %s\n", l.name.c_str(), l.methodWhy.c_str());
                listed.emplace_back(l.methodWhy, l.name);
            }
        }
    }
    out += "by category:";
    for (LayerCategory c : kCategories) {
        const double ms = p.categoryMs(c);
        if (ms > 0)
            out += format(" %s %.3f ms (%.1f%%)", toString(c), ms, sum > 0 ? 100 * ms / sum : 0.0);
    }
    out += "\n";
    if (ctx.peakGflops > 0)
        out += format(
            "peak (FMA loop, %s): %.1f GFLOP/s on 1 thread, %.1f on %d; network at %.1f%% of "
            "it\n",
            std::string(isaName(p.isa)).c_str(), ctx.peakGflopsOneThread, ctx.peakGflops, p.threads,
            100.0 * double(p.totalFlops()) / (p.medianTotalMs * 1e6) / ctx.peakGflops);
    if (ctx.readBandwidthGBs > 0 && fcWeightBytes(p) > 0) {
        const double ms = p.categoryMs(LayerCategory::FullyConnected);
        const double bound = double(fcWeightBytes(p)) / (ctx.readBandwidthGBs * 1e6);
        out += format(
            "fc: %.3f ms for %.1f MB of weights = %.1f GB/s; memory reads %.1f GB/s, bound %.3f ms "
            "(fc at %.2fx the bound)\n",
            ms, double(fcWeightBytes(p)) / 1e6, double(fcWeightBytes(p)) / (ms * 1e6),
            ctx.readBandwidthGBs, bound, ms / bound);
    }
    if (!ctx.peerName.empty())
        out +=
            format("%s: %.3f ms median; convscope / %s = %.3f; max |difference| of outputs %.3g\n",
                   ctx.peerName.c_str(), ctx.peerTotalMs, ctx.peerName.c_str(),
                   p.medianTotalMs / ctx.peerTotalMs, ctx.peerMaxAbsDiff);
    return out;
}

std::string profileJson(const NetworkProfile& p, const ReportContext& ctx) {
    JsonWriter j;
    j.beginObject();
    j.field("network", p.network).field("batch", p.batch).field("threads", p.threads);
    j.field("method", toString(p.method)).field("warmup", p.warmup).field("repeat", p.repeat);
    j.field("kernels", std::string(isaName(p.isa)));
    j.key("total").beginObject();
    j.field("median_ms", p.medianTotalMs)
        .field("min_ms", p.minTotalMs)
        .field("max_ms", p.maxTotalMs);
    j.field("first_ms", p.firstTotalMs).field("prepare_ms", p.prepareMs);
    j.field("flops", p.totalFlops());
    j.field("gflops", p.medianTotalMs > 0 ? double(p.totalFlops()) / (p.medianTotalMs * 1e6) : 0.0);
    j.endObject();
    const double sum = p.layerSumMs();
    j.key("categories").beginObject();
    for (LayerCategory c : kCategories) {
        j.key(toString(c)).beginObject();
        j.field("ms", p.categoryMs(c))
            .field("percent", sum > 0 ? 100 * p.categoryMs(c) / sum : 0.0);
        j.endObject();
    }
    j.endObject();
    if (ctx.peakGflops > 0) {
        j.field("peak_gflops_1_thread", ctx.peakGflopsOneThread);
        j.field("peak_gflops", ctx.peakGflops);
    }
    if (ctx.readBandwidthGBs > 0 && fcWeightBytes(p) > 0) {
        const double ms = p.categoryMs(LayerCategory::FullyConnected);
        const double bound = double(fcWeightBytes(p)) / (ctx.readBandwidthGBs * 1e6);
        j.key("fc").beginObject().field("ms", ms).field("weight_bytes", fcWeightBytes(p));
        j.field("gbps", double(fcWeightBytes(p)) / (ms * 1e6))
            .field("read_bandwidth_gbps", ctx.readBandwidthGBs);
        j.field("bound_ms", bound).field("ratio_to_bound", ms / bound).endObject();
    }
    writePeer(j, ctx, p.medianTotalMs);
    j.key("layers").beginArray();
    for (const LayerProfile& l : p.layers) {
        j.beginObject();
        j.field("name", l.name).field("type", l.type).field("category", toString(l.category));
        j.field("params", l.params);
        j.key("output").array({l.output.n, l.output.c, l.output.h, l.output.w});
        j.key("gemm").beginObject();
        j.field("M", l.gemm.M)
            .field("N", l.gemm.N)
            .field("K", l.gemm.K)
            .field("groups", l.gemm.groups);
        j.endObject();
        j.field("flops", l.flops).field("weight_bytes", l.weightBytes);
        j.field("activation_bytes", l.activationBytes);
        j.field("first_ms", l.firstMs).field("median_ms", l.medianMs);
        j.field("min_ms", l.minMs).field("max_ms", l.maxMs).field("gflops", l.gflops());
        if (ctx.peakGflops > 0) j.field("percent_of_peak", 100 * l.gflops() / ctx.peakGflops);
        j.field("percent_of_total", sum > 0 ? 100 * l.medianMs / sum : 0.0);
        j.field("im2col_ms", l.im2colMs).field("gemm_ms", l.gemmMs);
        j.field("col_bytes", l.colBytes).field("tiles", l.tiles);
        if (!l.method.empty()) j.field("method", l.method);
        if (!l.methodWhy.empty()) j.field("method_why", l.methodWhy);
        if (const double peer = ctx.peerMs(l.name); peer >= 0) j.field("peer_ms", peer);
        j.endObject();
    }
    j.endArray();
    j.endObject();
    return j.str() + "\n";
}

double ReportContext::peerMs(const std::string& layer) const {
    for (const auto& [name, ms] : peerLayerMs)
        if (name == layer) return ms;
    return -1;
}

namespace {
// RFC 4180: quote a field that holds a comma, quote or line break; double the quotes.
std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char ch : text) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + "\"";
}
std::string csvNumber(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}
}  // namespace

std::string profileCsv(const NetworkProfile& p, const ReportContext& ctx) {
    const double sum = p.layerSumMs();
    const bool peer = !ctx.peerLayerMs.empty();
    std::string out =
        "name,type,category,params,output,gemm_M,gemm_N,gemm_K,groups,flops,weight_bytes,"
        "activation_bytes,first_ms,median_ms,min_ms,max_ms,gflops,percent_of_peak,"
        "percent_of_total,im2col_ms,gemm_ms,col_bytes,tiles";
    if (peer) out += ",peer_ms";
    out += "\n";
    for (const LayerProfile& l : p.layers) {
        const std::string cells[] = {
            csvField(l.name),
            csvField(l.type),
            toString(l.category),
            csvField(l.params),
            l.output.toString(),
            std::to_string(l.gemm.M),
            std::to_string(l.gemm.N),
            std::to_string(l.gemm.K),
            std::to_string(l.gemm.groups),
            std::to_string(l.flops),
            std::to_string(l.weightBytes),
            std::to_string(l.activationBytes),
            csvNumber(l.firstMs),
            csvNumber(l.medianMs),
            csvNumber(l.minMs),
            csvNumber(l.maxMs),
            csvNumber(l.gflops()),
            ctx.peakGflops > 0 ? csvNumber(100 * l.gflops() / ctx.peakGflops) : std::string(),
            csvNumber(sum > 0 ? 100 * l.medianMs / sum : 0.0),
            csvNumber(l.im2colMs),
            csvNumber(l.gemmMs),
            std::to_string(l.colBytes),
            std::to_string(l.tiles)};
        for (const std::string& c : cells) out += c + ",";
        out.pop_back();
        if (peer) {
            const double ms = ctx.peerMs(l.name);
            out += "," + (ms >= 0 ? csvNumber(ms) : std::string());
        }
        out += "\n";
    }
    return out;
}

namespace {
double convMs(const NetworkProfile& p) {
    return p.categoryMs(LayerCategory::Conv);
}
std::int64_t convFlops(const NetworkProfile& p) {
    std::int64_t f = 0;
    for (const LayerProfile& l : p.layers)
        if (l.category == LayerCategory::Conv) f += l.flops;
    return f;
}
std::int64_t maxColBytes(const NetworkProfile& p) {
    std::int64_t b = 0;
    for (const LayerProfile& l : p.layers) b = std::max(b, l.colBytes);
    return b;
}
}  // namespace

std::string methodsTable(const std::vector<NetworkProfile>& profiles, const ReportContext& ctx) {
    if (profiles.empty()) return {};
    const NetworkProfile& first = profiles.front();
    std::string out = format(
        "%s, batch %d, %d thread(s): conv layers by method (median ms, GFLOP/s%s)\n",
        first.network.c_str(), first.batch, first.threads, ctx.peakGflops > 0 ? ", % of peak" : "");
    out += format("%-10s", "layer");
    for (const NetworkProfile& p : profiles) out += format(" %26s", p.methodLabel.c_str());
    out += "\n";
    for (std::size_t i = 0; i < first.layers.size(); ++i) {
        if (first.layers[i].category != LayerCategory::Conv) continue;
        out += format("%-10s", first.layers[i].name.c_str());
        for (const NetworkProfile& p : profiles) {
            const LayerProfile& l = p.layers[i];
            if (!std::isfinite(l.medianMs))  // a rung that cannot run this layer
                out += format(" %9s %7s %7s", "-", "", "");
            else
                out += ctx.peakGflops > 0 ? format(" %9.3f %7.1f %6.1f%%", l.medianMs, l.gflops(),
                                                   100 * l.gflops() / ctx.peakGflops)
                                          : format(" %12.3f %13.1f", l.medianMs, l.gflops());
        }
        out += "\n";
    }
    out += format("%-10s", "conv total");
    for (const NetworkProfile& p : profiles)
        out += std::isfinite(convMs(p)) ? format(" %9.3f %7.1f %7s", convMs(p),
                                                 double(convFlops(p)) / (convMs(p) * 1e6), "")
                                        : format(" %9s %15s", "-", "");
    out += format("\n%-10s", "network");
    for (const NetworkProfile& p : profiles)
        out += std::isfinite(p.medianTotalMs) ? format(" %9.3f %15s", p.medianTotalMs, "")
                                              : format(" %9s %15s", "-", "");
    out += format("\n%-10s", "col MiB");
    for (const NetworkProfile& p : profiles)
        out += format(" %9.1f %15s", double(maxColBytes(p)) / (1 << 20), "");
    out += "\n";
    return out;
}

std::string methodsJson(const std::vector<NetworkProfile>& profiles, const ReportContext& ctx) {
    JsonWriter j;
    j.beginObject();
    if (!profiles.empty()) {
        j.field("network", profiles.front().network).field("batch", profiles.front().batch);
        j.field("threads", profiles.front().threads);
    }
    if (ctx.peakGflops > 0) j.field("peak_gflops", ctx.peakGflops);
    j.key("methods").beginArray();
    for (const NetworkProfile& p : profiles) {
        j.beginObject().field("method", p.methodLabel).field("network_ms", p.medianTotalMs);
        j.field("conv_ms", convMs(p))
            .field("conv_gflops", double(convFlops(p)) / (convMs(p) * 1e6));
        j.field("max_col_bytes", maxColBytes(p));
        j.key("layers").beginArray();
        for (const LayerProfile& l : p.layers) {
            if (l.category != LayerCategory::Conv) continue;
            j.beginObject()
                .field("name", l.name)
                .field("median_ms", l.medianMs)
                .field("gflops", l.gflops());
            if (ctx.peakGflops > 0) j.field("percent_of_peak", 100 * l.gflops() / ctx.peakGflops);
            j.field("col_bytes", l.colBytes).endObject();
        }
        j.endArray().endObject();
    }
    j.endArray();
    writePeer(j, ctx, -1);
    j.endObject();
    return j.str() + "\n";
}

ReportContext reportContext(const BenchResult& run) {
    ReportContext ctx;
    ctx.peakGflopsOneThread = run.roofs.peakGflopsOneThread;
    ctx.peakGflops = run.roofs.peakGflops;
    ctx.readBandwidthGBs = run.roofs.readBandwidthGBs;
    if (run.peer) {
        ctx.peerName = run.peer->name;
        ctx.peerTotalMs = run.peer->runs.medianMs;
        ctx.peerMaxAbsDiff = run.peer->maxAbsDiff;
        ctx.peerLayerMs = run.peer->layerMs;
    }
    return ctx;
}

std::string benchTable(const BenchResult& run) {
    const ReportContext ctx = reportContext(run);
    if (run.ladder.empty()) return profileTable(run.profile, ctx);
    std::string out = methodsTable(run.ladder, ctx);
    if (run.peer)
        out += format("%s: %.3f ms median (network); max |difference| of outputs %.3g\n",
                      ctx.peerName.c_str(), ctx.peerTotalMs, ctx.peerMaxAbsDiff);
    return out;
}

std::string benchJson(const BenchResult& run) {
    const ReportContext ctx = reportContext(run);
    return run.ladder.empty() ? profileJson(run.profile, ctx) : methodsJson(run.ladder, ctx);
}

std::string im2colTable(const Im2colReport& r) {
    const Im2colInfo& i = r.info;
    std::string out = format("input %dx%dx%d, kernel %s, %d filter(s)\n", r.input.c, r.input.h,
                             r.input.w, r.params.toString().c_str(), r.outChannels);
    out +=
        format("output %dx%d; GEMM per group: W (M=%d x K=%d) . col (K=%d x N=%d), %d group(s)\n",
               i.outH, i.outW, i.M, i.K, i.K, i.N, i.groups);
    out +=
        format("input %s, col matrix %s (%lld floats), expansion x%.2f\n",
               formatBytes(double(i.inputBytes)).c_str(), formatBytes(double(i.colBytes)).c_str(),
               static_cast<long long>(i.colBytes / 4), i.expansion());
    out += format("GEMM: %.3f MFLOP\n", double(i.flops()) / 1e6);
    if (const std::string note = depthwiseNote(i); !note.empty()) out += note + "\n";
    return out;
}

std::string im2colJson(const Im2colReport& r) {
    const Im2colInfo& i = r.info;
    JsonWriter j;
    j.beginObject();
    j.key("input").array({r.input.c, r.input.h, r.input.w});
    j.key("kernel").array({r.params.kernelH, r.params.kernelW});
    j.key("stride").array({r.params.strideH, r.params.strideW});
    j.key("pad").array({r.params.padTop, r.params.padBottom, r.params.padLeft, r.params.padRight});
    j.key("dilation").array({r.params.dilationH, r.params.dilationW});
    j.field("groups", i.groups);
    j.key("output").array({i.outH, i.outW});
    j.field("M", i.M).field("K", i.K).field("N", i.N);
    j.field("input_bytes", i.inputBytes).field("col_bytes", i.colBytes);
    j.field("expansion", i.expansion());
    j.field("flops", i.flops());
    j.endObject();
    return j.str() + "\n";
}

}  // namespace convscope::core
