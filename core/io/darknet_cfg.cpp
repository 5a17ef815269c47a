#include "io/darknet_cfg.h"

#include <climits>
#include <cstring>
#include <map>
#include <sstream>
#include <vector>

#include "base/error.h"

namespace convscope::core::io {
namespace {

// Sizes, strides, pads, filter and group counts above this are refused: OpenCV computes every
// shape from them in 32-bit ints (2 * padding, filters * channels * size * size), and a real
// network's are far below (YOLOv4's widest layer has 1024 filters, its input is 608 wide).
constexpr std::int64_t kMaxParam = 65536;

// a * b for sizes that are each at most 2^62, saturating instead of overflowing.
std::int64_t times(std::int64_t a, std::int64_t b) {
    return b != 0 && a > INT64_MAX / b ? INT64_MAX : a * b;
}

struct Entry {
    std::string value;
    int line = 0;
};

struct Section {
    std::string type;
    int line = 0;
    std::map<std::string, Entry> params;
};

// OpenCV's escapeString: keeps the characters from '!' to 'z', so spaces, tabs, '{', '|', '}',
// '~' and every byte above 127 vanish (also inside names and values).
std::string escaped(const std::string& s) {
    std::string out;
    for (char ch : s)
        if (ch > ' ' && ch <= 'z') out += ch;
    return out;
}

// OpenCV's getParam<int>: `stringstream >> int` over the value, so "3x" is 3 and a value beyond
// int saturates. A value with no leading number (OpenCV silently reads 0) is refused here.
class Reader {
public:
    Reader(const Section& s, const std::string& path, int index)
        : m_s(s), m_path(path), m_index(index) {}

    std::int64_t integer(const char* key, std::int64_t fallback) const {
        const auto it = m_s.params.find(key);
        if (it == m_s.params.end()) return fallback;
        std::stringstream ss(it->second.value);
        int v = 0;
        ss >> v;
        if (ss.fail() && v == 0) fail(it->second.line, std::string(key) + " is '" + it->second.value +
                                                            "', not a whole number");
        return v;
    }
    // integer() from `least` to kMaxParam.
    std::int64_t bounded(const char* key, std::int64_t fallback, std::int64_t least) const {
        const std::int64_t v = integer(key, fallback);
        if (v < least || v > kMaxParam)
            fail(lineOf(key), std::string(key) + " is " + std::to_string(v) + "; it must be " +
                                  (v < least ? "at least " + std::to_string(least)
                                             : "at most " + std::to_string(kMaxParam)));
        return v;
    }
    std::string text(const char* key) const {
        const auto it = m_s.params.find(key);
        return it == m_s.params.end() ? std::string() : it->second.value;
    }
    // A comma-separated list of whole numbers (route's layers, yolo's mask). OpenCV reads an
    // empty item as an uninitialised int, so each must be a number here.
    std::vector<std::int64_t> integers(const char* key) const {
        std::vector<std::int64_t> out;
        std::stringstream all(text(key));
        for (std::string item; std::getline(all, item, ',');) {
            std::stringstream one(item);
            int v = 0;
            one >> v;
            if (one.fail())
                fail(lineOf(key), std::string(key) + " is '" + text(key) +
                                      "'; it must be whole numbers separated by commas");
            out.push_back(v);
        }
        return out;
    }
    int lineOf(const char* key) const {
        const auto it = m_s.params.find(key);
        return it == m_s.params.end() ? m_s.line : it->second.line;
    }
    // The item count of a comma-separated list, as OpenCV's getNumbers splits it.
    std::size_t count(const char* key) const {
        std::size_t n = 0;
        std::stringstream all(text(key));
        for (std::string item; std::getline(all, item, ',');) ++n;
        return n;
    }
    [[noreturn]] void fail(int line, const std::string& what) const {
        const std::string where = m_index < 0 ? "[" + m_s.type + "]"
                                              : "layer " + std::to_string(m_index) + ", [" + m_s.type + "]";
        throw Error(ErrorCategory::InvalidConfig,
                    "'" + m_path + "' line " + std::to_string(line) + " (" + where + "): " + what +
                        ". Fix the network description or use the one the weights came with");
    }

private:
    const Section& m_s;
    const std::string& m_path;
    int m_index;
};

// The sections as OpenCV's ReadDarknetFromCfgStream collects them: [net] entries apart, the
// layers keyed by their count (an entry before any section lands in layer -1, which OpenCV then
// refuses as an unknown type), a repeated key keeping its last value.
struct Cfg {
    Section net;
    std::map<int, Section> layers;
};

Cfg parse(const std::string& text) {
    Cfg cfg;
    cfg.net.type = "net";
    std::stringstream in(text);
    bool readNet = false;
    int counter = -1, lineNo = 0;
    for (std::string raw; std::getline(in, raw);) {
        ++lineNo;
        const std::string line = escaped(raw);
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line[0] == '[') {
            readNet = line == "[net]";
            if (readNet) {
                cfg.net.line = lineNo;
                continue;
            }
            const std::size_t close = line.find(']');
            if (close == std::string::npos) return cfg;  // OpenCV refuses it (CV_Assert)
            Section& s = cfg.layers[++counter];
            s.type = line.substr(1, close - 1);
            s.line = lineNo;
            continue;
        }
        const std::size_t eq = line.find('=');
        if (eq == std::string::npos) return cfg;  // OpenCV refuses it (CV_Assert)
        const std::string name = line.substr(0, eq), value = line.substr(eq + 1);
        if (name.empty() || value.empty()) continue;
        Section& s = readNet ? cfg.net : cfg.layers[counter];
        if (!readNet && s.line == 0) s.line = lineNo;
        s.params[name] = Entry{value, lineNo};
    }
    return cfg;
}

}  // namespace

DarknetInput checkDarknetModel(const std::string& cfgText, const std::string& cfgPath,
                                std::int64_t weightsBytes, const std::string& weightsHeader,
                                const std::string& weightsPath) {
    const Cfg cfg = parse(cfgText);
    const Reader net(cfg.net, cfgPath, -1);
    std::int64_t c = net.bounded("channels", 3, 1), w = net.bounded("width", 416, 1),
                 h = net.bounded("height", 416, 1);
    if (c * w * h > INT_MAX)
        net.fail(cfg.net.line, "the input would be " + std::to_string(c) + " x " + std::to_string(h) +
                                   " x " + std::to_string(w) +
                                   " values, more than OpenCV's reader counts");
    const DarknetInput input{int(c), int(h), int(w)};
    std::vector<std::int64_t> out(cfg.layers.size(), 0);  // OpenCV's out_channels_vec
    std::int64_t weights = 0;  // the floats ReadDarknetFromWeightsStream reads
    int k = -1;
    for (const auto& [key, section] : cfg.layers) {
        ++k;
        const Reader r(section, cfgPath, k);
        const std::string& type = section.type;
        auto layerIndex = [&](const char* name, std::int64_t i) {
            const std::int64_t at = i < 0 ? i + k : i;
            if (at < 0 || at >= k)
                r.fail(r.lineOf(name), std::string(name) + " refers to layer " + std::to_string(i) +
                                           (i < 0 ? " (" + std::to_string(at) + ")" : std::string()) +
                                           "; it must be an earlier layer, 0 to " +
                                           std::to_string(k - 1) + " or -1 to -" + std::to_string(k));
            return at;
        };
        auto window = [&](std::int64_t size, std::int64_t pad, std::int64_t stride) {
            const std::int64_t ow = (w - size + pad) / stride + 1, oh = (h - size + pad) / stride + 1;
            if (w - size + pad < 0 || h - size + pad < 0)
                r.fail(r.lineOf("size"), "size " + std::to_string(size) + " is larger than its " +
                                             std::to_string(w) + " x " + std::to_string(h) +
                                             " input with its padding");
            w = ow, h = oh;
        };
        if (type == "convolutional") {
            const std::int64_t size = r.bounded("size", -1, 1), filters = r.bounded("filters", -1, 1),
                               stride = r.bounded("stride", 1, 1), groups = r.bounded("groups", 1, 1);
            std::int64_t padding = r.bounded("padding", 0, 0);
            if (r.integer("pad", 0) != 0) padding = size / 2;
            if (c % groups != 0)
                r.fail(r.lineOf("groups"), "groups is " + std::to_string(groups) + " but its input has " +
                                               std::to_string(c) + " channels; it must divide them");
            window(size, 2 * padding, stride);
            const std::int64_t kernel = times(times(filters, c / groups), size * size);
            if (kernel > INT_MAX)
                r.fail(section.line, "its weights would be " + std::to_string(kernel) +
                                         " values, more than OpenCV's reader counts");
            weights += kernel + filters * (r.integer("batch_normalize", 0) == 1 ? 4 : 1);
            c = filters;
        } else if (type == "connected") {
            const std::int64_t output = r.bounded("output", 1, 1);
            if (k > 0 && w > 1) out[std::size_t(k - 1)] = c * w * h;
            const std::int64_t inputs = k == 0 ? c * w * h : out[std::size_t(k - 1)];
            if (times(inputs, output) > INT_MAX)
                r.fail(section.line, "its weights would be " + std::to_string(times(inputs, output)) +
                                         " values, more than OpenCV's reader counts");
            weights += inputs * output + output * (r.integer("batch_normalize", 0) == 1 ? 4 : 1);
            c = output, w = h = 1;
        } else if (type == "maxpool") {
            const std::int64_t size = r.bounded("size", 2, 1), stride = r.bounded("stride", 2, 1);
            window(size, r.bounded("padding", size - 1, 0), stride);
        } else if (type == "avgpool") {
            w = h = 1;
        } else if (type == "route") {
            if (r.text("layers").empty()) return input;  // OpenCV refuses it (CV_Assert)
            c = 0;
            for (const std::int64_t i : r.integers("layers")) c += out[std::size_t(layerIndex("layers", i))];
        } else if (type == "dropout" || type == "cost") {
            if (k == 0) r.fail(section.line, "it has no layer before it to pass on");
        } else if (type == "reorg") {
            const std::int64_t stride = r.bounded("stride", 2, 1);
            if (w / stride < 1 || h / stride < 1)
                r.fail(r.lineOf("stride"), "stride " + std::to_string(stride) + " is larger than its " +
                                               std::to_string(w) + " x " + std::to_string(h) + " input");
            c *= stride * stride, w /= stride, h /= stride;
        } else if (type == "shortcut" || type == "scale_channels") {
            if (r.text("from").empty()) return input;  // OpenCV refuses it (CV_Assert)
            const std::vector<std::int64_t> from = r.integers("from");
            layerIndex("from", from.front());
        } else if (type == "upsample") {
            const std::int64_t stride = r.bounded("stride", 1, 1);
            w *= stride, h *= stride;
        } else if (type == "yolo") {
            const std::int64_t num = r.integer("num", -1);
            if (r.integer("classes", -1) > 0 && num > 0 && std::size_t(num) * 2 == r.count("anchors") &&
                !r.text("mask").empty())
                for (const std::int64_t m : r.integers("mask"))
                    if (m < 0 || m >= num)
                        r.fail(r.lineOf("mask"), "mask names anchor " + std::to_string(m) +
                                                     "; there are " + std::to_string(num) +
                                                     " (num), so each must be 0 to " +
                                                     std::to_string(num - 1));
        } else if (type != "region" && type != "softmax") {
            return input;  // OpenCV refuses an unknown layer type here, before reading further
        }
        if (c > INT_MAX || w > kMaxParam || h > kMaxParam || c * w > INT_MAX / h)
            r.fail(section.line, "its output would be " + std::to_string(c) + " x " +
                                     std::to_string(h) + " x " + std::to_string(w) +
                                     " values, more than OpenCV's reader counts");
        out[std::size_t(k)] = c;
    }

    if (weightsBytes < 0) return input;
    // The header: major, minor, revision (int32 each), then the images seen, 64-bit from 0.2 on.
    if (weightsBytes < 16 || weightsHeader.size() < 8)
        throw Error(ErrorCategory::Io, "'" + weightsPath + "' is " + std::to_string(weightsBytes) +
                                           " bytes, too short for a Darknet weights file's "
                                           "header: it is cut short or not a .weights file");
    std::int32_t major = 0, minor = 0;
    std::memcpy(&major, weightsHeader.data(), 4);
    std::memcpy(&minor, weightsHeader.data() + 4, 4);
    const std::int64_t header = 12 + (std::int64_t(major) * 10 + minor >= 2 ? 8 : 4);
    const std::int64_t holds = (weightsBytes - header) / 4;
    if (holds < weights)
        throw Error(ErrorCategory::Io,
                    "'" + weightsPath + "' holds " + std::to_string(holds) + " weights but '" +
                        cfgPath + "' needs " + std::to_string(weights) +
                        ": the files do not belong together, or the weights file is cut short");
    return input;
}

}  // namespace convscope::core::io
