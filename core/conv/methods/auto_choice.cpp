// `--method auto`: the candidates timed on the layer's shape, the fastest remembered.
#include "conv/methods/auto_choice.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <tuple>

#include "base/runtime.h"
#include "base/timing.h"
#include "conv/methods/method.h"

namespace convscope::core {

namespace {

// Each candidate: one warm run (caches, page faults of its scratch), then timed runs until 5 or
// until kTimingBudgetMs has passed; its best run counts (the least disturbed by a shared
// machine). A layer slower than the budget is timed once.
constexpr int kMaxTimedRuns = 5;
constexpr double kTimingBudgetMs = 40;

// What a choice depends on: the layer's geometry, the input's c x h x w, the kernel variant and
// the thread count (not the weights' values, nor the batch: timed on one image).
using ChoiceKey = std::tuple<int, int, int, int, int, int, int, int, int, int, int, int, int, int,
                             int, int, int, int, bool>;

ChoiceKey keyOf(const ConvLayerData& layer, const Shape& in) {
    const WindowParams& p = layer.params;
    return {p.kernelH, p.kernelW, p.strideH, p.strideW, p.padTop,    p.padBottom,
            p.padLeft, p.padRight, p.dilationH, p.dilationW, p.groups, layer.outChannels(),
            int(in.c), int(in.h), int(in.w), int(activeIsa()), threadCount(), layer.weights.c(),
            layer.bias.empty()};
}

// autoCandidates for a layer that is depthwise (weights.c() == 1) or not.
std::vector<ConvMethod> candidatesFor(bool depthwise) {
    std::vector<ConvMethod> out;
    for (const ConvMethodInfo& m : convMethods()) {
        if (m.id == ConvMethod::Direct || m.chooses) continue;
        if (m.id == ConvMethod::Depthwise && !depthwise) continue;
        out.push_back(m.id);
    }
    return out;
}

std::mutex g_mutex;
std::map<ChoiceKey, std::shared_ptr<const ConvMethodChoice>>& choices() {
    static std::map<ChoiceKey, std::shared_ptr<const ConvMethodChoice>> c;
    return c;
}
std::string g_file;  // setConvMethodChoiceFile's; guarded by g_mutex

// The CPU a file's line was timed on: /proc/cpuinfo's first model name, family and model, spaces
// as '_' ("AMD_EPYC_f25m17": a virtual machine may name only the vendor, and a Zen 3 and a Zen 4
// differ by model).
const std::string& cpuTag() {
    static const std::string tag = [] {
        std::ifstream info("/proc/cpuinfo");
        std::string line, name, family, model;
        const auto value = [&line] {
            const std::size_t from = line.find_first_not_of(" \t", line.find(':') + 1);
            return from == std::string::npos ? std::string() : line.substr(from);
        };
        while (std::getline(info, line) && !(name.size() && family.size() && model.size())) {
            if (line.find(':') == std::string::npos) continue;
            if (name.empty() && line.rfind("model name", 0) == 0) name = value();
            else if (family.empty() && line.rfind("cpu family", 0) == 0) family = value();
            else if (model.empty() && line.rfind("model", 0) == 0 &&
                     std::isspace(static_cast<unsigned char>(line[5])))
                model = value();
        }
        name += " f" + family + "m" + model;
        std::string tag;
        for (char ch : name)
            if (!std::isspace(static_cast<unsigned char>(ch)))
                tag += ch;
            else if (!tag.empty() && tag.back() != '_')
                tag += '_';
        while (!tag.empty() && tag.back() == '_') tag.pop_back();
        return tag.empty() ? std::string("unknown-cpu") : tag;
    }();
    return tag;
}

// One line of the file: "v2 CPU <19 key numbers> <method time>... end" (fastest first). The
// version also stands for the kernels' speed: bump it when a kernel change makes old choices
// wrong (they are timed again; lines of another version are ignored).
constexpr const char* kFileVersion = "v2";

std::string fileLine(const ChoiceKey& key, const ConvMethodChoice& c) {
    std::ostringstream line;
    line << kFileVersion << ' ' << cpuTag();
    std::apply([&](auto... v) { ((line << ' ' << int(v)), ...); }, key);
    for (const MethodTime& t : c.times) line << ' ' << methodInfo(t.method).name << ' ' << t.ms;
    line << " end";  // a line cut short (a full disk, a killed process) has none
    return line.str();
}

// The choice a line holds, when it is a whole one of this CPU; nothing otherwise.
std::optional<std::pair<ChoiceKey, ConvMethodChoice>> parseLine(const std::string& text) {
    std::istringstream line(text);
    std::string version, cpu;
    if (!(line >> version >> cpu) || version != kFileVersion || cpu != cpuTag()) return {};
    std::array<int, std::tuple_size_v<ChoiceKey>> v{};
    for (int& x : v)
        if (!(line >> x)) return {};
    ChoiceKey key = std::apply([](auto... x) { return ChoiceKey{x...}; }, v);
    std::get<18>(key) = v[18] != 0;
    ConvMethodChoice c;
    const int isa = std::get<15>(key);
    if (isa < int(Isa::Generic) || isa > int(Isa::Avx512)) return {};
    c.isa = Isa(isa);
    c.threads = std::get<16>(key);
    if (!cpuSupports(c.isa) || c.threads < 1) return {};
    std::string name, rest;
    double ms = 0;
    bool ended = false;
    while (line >> name) {
        if (name == "end") {
            ended = !(line >> rest);  // nothing after the marker
            break;
        }
        const std::optional<ConvMethod> m = convMethodFromName(name);
        if (!m || !(line >> ms) || !std::isfinite(ms) || ms < 0) return {};
        c.times.push_back({*m, ms});
    }
    // Every candidate of such a layer once (weights.c() is key 17), in any order.
    std::vector<ConvMethod> got, want = candidatesFor(std::get<17>(key) == 1);
    for (const MethodTime& t : c.times) got.push_back(t.method);
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    if (!ended || got != want) return {};
    c.method = c.times.front().method;
    return std::make_pair(key, std::move(c));
}

double timeCandidate(const ConvLayerData& layer, ConvMethod method, const Tensor& input,
                     Tensor& output, const std::function<bool()>& cancelled) {
    const ConvMethodInfo& info = methodInfo(method);
    const std::unique_ptr<PreparedWeights> prepared = info.prepare ? info.prepare(layer) : nullptr;
    ForwardContext ctx;
    ctx.convMethod = method;
    ctx.cancelled = cancelled;
    const auto once = [&] {
        ctx.throwIfCancelled();
        ctx.conv = {};
        const Stopwatch watch;
        info.run(layer, prepared.get(), input, output, ctx);
        return watch.ms();
    };
    const double warm = once();
    if (warm >= kTimingBudgetMs) return warm;
    double best = once(), spent = best;
    for (int run = 1; run < kMaxTimedRuns && spent < kTimingBudgetMs; ++run) {
        const double ms = once();
        best = std::min(best, ms);
        spent += ms;
    }
    return best;
}

}  // namespace

std::string ConvMethodChoice::why() const {
    char head[160];
    std::snprintf(head, sizeof head, "fastest of %d timed at set-up (1 image, %d thread%s, %s): ",
                  int(times.size()), threads, threads == 1 ? "" : "s",
                  std::string(isaName(isa)).c_str());
    std::string s = head;
    for (std::size_t i = 0; i < times.size(); ++i) {
        char t[64];
        std::snprintf(t, sizeof t, i == 0 ? "%s %.3g ms" : ", %s %.3g", toString(times[i].method),
                      times[i].ms);
        s += t;
    }
    return s;
}

std::vector<ConvMethod> autoCandidates(const ConvLayerData& layer) {
    return candidatesFor(layer.depthwise());
}

std::shared_ptr<const ConvMethodChoice> chooseConvMethod(const ConvLayerData& layer,
                                                         const Shape& input,
                                                         const std::function<bool()>& cancelled) {
    const Shape one{1, input.c, input.h, input.w};
    const ChoiceKey key = keyOf(layer, one);
    {
        const std::lock_guard lock(g_mutex);
        if (auto it = choices().find(key); it != choices().end()) return it->second;
    }
    auto choice = std::make_shared<ConvMethodChoice>();
    choice->isa = activeIsa();
    choice->threads = threadCount();
    {
        const Tensor in = [&] {  // numbers in [0, 1) (a normal float's speed is its value's)
            Tensor t(one);
            float* d = t.data();
            for (std::int64_t i = 0; i < t.count(); ++i) d[i] = float((i * 7919) % 1000) / 1000.0f;
            return t;
        }();
        const OutputSize o = outputSize(one.h, one.w, layer.params);
        Tensor out(1, layer.outChannels(), o.h, o.w);
        for (ConvMethod m : autoCandidates(layer))
            choice->times.push_back({m, timeCandidate(layer, m, in, out, cancelled)});
    }
    std::stable_sort(choice->times.begin(), choice->times.end(),
                     [](const MethodTime& a, const MethodTime& b) { return a.ms < b.ms; });
    choice->method = choice->times.front().method;
    const std::lock_guard lock(g_mutex);
    // Another thread may have timed the same layer meanwhile: the first one stays.
    const auto [it, added] = choices().emplace(key, std::move(choice));
    if (added && !g_file.empty()) {
        std::ofstream file(g_file, std::ios::app);
        file << fileLine(key, *it->second) << '\n';
    }
    return it->second;
}

void forgetConvMethodChoices() {
    const std::lock_guard lock(g_mutex);
    choices().clear();
}

void setConvMethodChoiceFile(const std::string& path) {
    const std::lock_guard lock(g_mutex);
    g_file = path;
    if (path.empty()) return;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    std::ifstream file(path);
    // A line longer than any choice's is not one.
    constexpr std::size_t kMaxLine = 4096;
    for (std::string line; std::getline(file, line);)
        if (line.size() <= kMaxLine)
            if (auto parsed = parseLine(line))
                choices().emplace(parsed->first,
                                  std::make_shared<const ConvMethodChoice>(std::move(parsed->second)));
}

std::string defaultConvMethodChoiceFile() {
    if (const char* env = std::getenv("CONVSCOPE_METHOD_CACHE"))
        return std::string(env) == "off" ? std::string() : std::string(env);
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    if (xdg && *xdg) return std::string(xdg) + "/convscope/conv-methods.txt";
    const char* home = std::getenv("HOME");
    if (home && *home) return std::string(home) + "/.cache/convscope/conv-methods.txt";
    return {};
}

}  // namespace convscope::core
