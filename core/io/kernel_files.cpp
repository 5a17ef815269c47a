// Kernel file loaders: .npy, CSV, JSON, images.
#include "io/kernel_files.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <sstream>

#include "base/error.h"
#include "base/limits.h"
#include "io/image_io.h"
#include "io/npy.h"
#include "io/read_file.h"

namespace convscope::core::io {

namespace {

[[noreturn]] void bad(const std::string& what, const std::string& why) {
    throw Error(ErrorCategory::InvalidConfig, "'" + what + "' " + why);
}

// dims (2, 3 or 4, outermost first) -> M x C x KH x KW, checking sizes.
Shape kernelShape(const std::vector<std::int64_t>& dims, const std::string& what) {
    if (dims.size() < 2 || dims.size() > 4)
        bad(what, "has " + std::to_string(dims.size()) +
                      " dimensions; a kernel is KHxKW, CxKHxKW or MxCxKHxKW");
    std::int64_t d[4] = {1, 1, 1, 1};
    std::copy(dims.begin(), dims.end(), d + (4 - dims.size()));
    std::int64_t count = 1;
    for (std::int64_t v : d) {
        if (v < 1) bad(what, "has an empty dimension");
        // Both factors stay at most 2^22 before the product: it cannot overflow.
        if (v > limits::kMaxKernelWeights || count * v > limits::kMaxKernelWeights)
            bad(what, "holds more than " + std::to_string(limits::kMaxKernelWeights) +
                          " weights, the limit for a teaching kernel (convscope --help lists the limits)");
        count *= v;
    }
    if (d[2] > limits::kMaxKernelSide || d[3] > limits::kMaxKernelSide)
        bad(what, "is a " + std::to_string(d[2]) + "x" + std::to_string(d[3]) +
                      " kernel; the largest side is " + std::to_string(limits::kMaxKernelSide) +
                      " (resize or crop it)");
    return {int(d[0]), int(d[1]), int(d[2]), int(d[3])};
}

void checkFinite(const Tensor& t, const std::string& what) {
    const float* p = t.data();
    for (std::int64_t i = 0; i < t.count(); ++i)
        if (!std::isfinite(p[i]))
            bad(what, "has a NaN or infinite value at flat index " + std::to_string(i) +
                          "; every weight must be a finite number");
}

std::string lowerExtension(const std::string& path) {
    std::string e = std::filesystem::path(path).extension().string();
    for (char& ch : e) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return e;
}

// --- JSON: nested arrays read straight into their dims and numbers -----------------------------
// No tree of values: the memory is the numbers' (at most kMaxKernelWeights of them) whatever the
// file holds, and a file with more is refused as soon as it passes the limit.
struct NestedArray {
    std::vector<std::int64_t> dims;  // -1 until the first list at that depth has closed
    std::vector<float> values;       // row-major
    std::size_t leafDepth = 0;       // the depth numbers sit at (0: none seen yet)
};

class JsonReader {
public:
    JsonReader(const std::string& text, const std::string& what) : m_s(text), m_what(what) {}

    // The document: a nested array (into weights), or an object whose "weights" and "bias" are
    // nested arrays; other keys are skipped.
    void document(NestedArray& weights, NestedArray& bias, bool& hasWeights, bool& hasBias) {
        if (peek() == '{') {
            ++m_pos;
            hasWeights = hasBias = false;
            if (peek() == '}') {
                ++m_pos;
            } else {
                for (;;) {
                    if (peek() != '"') fail("expected a key in quotes");
                    const std::string key = string();
                    if (peek() != ':') fail("expected ':' after \"" + key + "\"");
                    ++m_pos;
                    if (key == "weights" || key == "bias") {
                        NestedArray& into = key == "weights" ? weights : bias;
                        (key == "weights" ? hasWeights : hasBias) = true;
                        into = {};
                        if (peek() != '[') bad(m_what, "has a \"" + key + "\" that is not a list");
                        array(into, 0);
                    } else {
                        skipValue(0);
                    }
                    const char n = peek();
                    ++m_pos;
                    if (n == '}') break;
                    if (n != ',') fail("expected ',' or '}'");
                }
            }
        } else if (peek() == '[') {
            hasWeights = true;
            array(weights, 0);
        } else {
            bad(m_what, "is not a kernel: JSON kernels are a nested list of numbers or "
                        "{\"weights\": [...], \"bias\": [...]}");
        }
        skip();
        if (m_pos != m_s.size()) fail("unexpected text after the end");
    }

private:
    static constexpr int kMaxDepth = 16;

    [[noreturn]] void fail(const std::string& why) const {
        bad(m_what,
            "is not valid kernel JSON at character " + std::to_string(m_pos + 1) + ": " + why);
    }
    void skip() {
        while (m_pos < m_s.size() && std::isspace(static_cast<unsigned char>(m_s[m_pos]))) ++m_pos;
    }
    char peek() {
        skip();
        return m_pos < m_s.size() ? m_s[m_pos] : '\0';
    }
    std::string string() {
        ++m_pos;  // opening quote
        std::string out;
        while (m_pos < m_s.size() && m_s[m_pos] != '"') {
            if (m_s[m_pos] == '\\') ++m_pos;
            if (m_pos < m_s.size()) out += m_s[m_pos++];
        }
        if (m_pos >= m_s.size()) fail("a string is not closed");
        ++m_pos;
        return out;
    }
    double number() {
        const char* begin = m_s.c_str() + m_pos;
        char* end = nullptr;
        const double v = std::strtod(begin, &end);
        if (end == begin) fail("a number cannot be read");
        m_pos += std::size_t(end - begin);
        return v;
    }
    bool isNumberStart(char c) const {
        return c == '-' || c == '+' || c == '.' || std::isdigit(static_cast<unsigned char>(c));
    }
    // '[' ... ']' at `depth`, its numbers appended to out.values.
    void array(NestedArray& out, std::size_t depth) {
        if (depth >= std::size_t(kMaxDepth)) fail("nested too deeply");
        if (out.leafDepth && depth >= out.leafDepth)
            bad(m_what, "is ragged: a list where a number was expected");
        if (depth == out.dims.size()) out.dims.push_back(-1);
        ++m_pos;  // '['
        std::int64_t items = 0;
        if (peek() == ']') bad(m_what, "has an empty list");
        for (;;) {
            const char c = peek();
            if (c == '[') {
                array(out, depth + 1);
            } else if (isNumberStart(c)) {
                if (!out.leafDepth) out.leafDepth = depth + 1;
                if (out.leafDepth != depth + 1)
                    bad(m_what, "is ragged: a number where a list was expected");
                const double v = number();
                if (std::int64_t(out.values.size()) >= limits::kMaxKernelWeights)
                    bad(m_what, "holds more than " + std::to_string(limits::kMaxKernelWeights) +
                                    " weights, the limit for a teaching kernel (convscope --help lists the limits)");
                out.values.push_back(float(v));
            } else if (m_s.compare(m_pos, 3, "NaN") == 0) {
                fail("NaN is not a number a kernel can hold");
            } else {
                fail(c ? std::string("unexpected '") + c + "' in a list of numbers"
                       : "unexpected end of the file");
            }
            ++items;
            const char n = peek();
            ++m_pos;
            if (n == ']') break;
            if (n != ',') fail("expected ',' or ']'");
        }
        if (out.dims[depth] < 0) {
            out.dims[depth] = items;
        } else if (out.dims[depth] != items) {
            bad(m_what, "is ragged: lists at depth " + std::to_string(depth + 1) + " have " +
                            std::to_string(out.dims[depth]) + " and " + std::to_string(items) +
                            " entries");
        }
    }
    void skipValue(int depth) {
        if (depth >= kMaxDepth) fail("nested too deeply");
        const char c = peek();
        if (c == '[' || c == '{') {
            const char close = c == '[' ? ']' : '}';
            ++m_pos;
            if (peek() == close) {
                ++m_pos;
                return;
            }
            for (;;) {
                if (c == '{') {
                    if (peek() != '"') fail("expected a key in quotes");
                    string();
                    if (peek() != ':') fail("expected ':'");
                    ++m_pos;
                }
                skipValue(depth + 1);
                const char n = peek();
                ++m_pos;
                if (n == close) return;
                if (n != ',') fail(std::string("expected ',' or '") + close + "'");
            }
        } else if (c == '"') {
            string();
        } else if (isNumberStart(c)) {
            number();
        } else if (m_s.compare(m_pos, 4, "true") == 0 || m_s.compare(m_pos, 4, "null") == 0) {
            m_pos += 4;
        } else if (m_s.compare(m_pos, 5, "false") == 0) {
            m_pos += 5;
        } else {
            fail(c ? std::string("unexpected '") + c + "'" : "unexpected end of the file");
        }
    }

    const std::string& m_s;
    const std::string& m_what;
    std::size_t m_pos = 0;
};

KernelFile fromValues(const std::vector<std::int64_t>& dims, const std::vector<float>& values,
                      const std::string& what, const char* format) {
    KernelFile k;
    k.format = format;
    k.weights = Tensor(kernelShape(dims, what));
    std::copy(values.begin(), values.end(), k.weights.data());
    checkFinite(k.weights, what);
    return k;
}

}  // namespace

KernelFile parseNpy(const std::string& b, const std::string& what) {
    NpyReadOptions options;
    options.fortranOrder = true;
    options.maxValues = limits::kMaxKernelWeights;
    options.limitName = "a teaching kernel may hold";
    const NpyArray a = parseNpyBytes(b, what, options);
    return fromValues(a.dims, a.values, what, "npy");
}

KernelFile parseKernelCsv(const std::string& text, const std::string& what) {
    std::vector<std::vector<std::vector<float>>> channels(1);
    std::istringstream in(text);
    std::string line;
    int lineNo = 0;
    std::int64_t count = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (const std::size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
        for (char& ch : line)
            if (ch == ',' || ch == ';' || ch == '\t' || ch == '\r') ch = ' ';
        std::istringstream cells(line);
        std::vector<float> row;
        std::string cell;
        while (cells >> cell) {
            char* end = nullptr;
            const double v = std::strtod(cell.c_str(), &end);
            if (end != cell.c_str() + cell.size())
                bad(what, "line " + std::to_string(lineNo) + ": '" + cell + "' is not a number");
            if (++count > limits::kMaxKernelWeights)
                bad(what, "holds more than " + std::to_string(limits::kMaxKernelWeights) +
                              " weights, the limit for a teaching kernel (convscope --help lists the limits)");
            row.push_back(float(v));
        }
        if (row.empty()) {
            if (!channels.back().empty()) channels.emplace_back();
            continue;
        }
        if (!channels.back().empty() && channels.back().front().size() != row.size())
            bad(what, "line " + std::to_string(lineNo) + " has " + std::to_string(row.size()) +
                          " values, the rows above have " +
                          std::to_string(channels.back().front().size()) +
                          "; every row of a kernel needs the same count");
        channels.back().push_back(std::move(row));
    }
    if (channels.back().empty()) channels.pop_back();
    if (channels.empty()) bad(what, "holds no numbers");
    const std::size_t kh = channels.front().size(), kw = channels.front().front().size();
    std::vector<float> values;
    for (std::size_t c = 0; c < channels.size(); ++c) {
        if (channels[c].size() != kh || channels[c].front().size() != kw)
            bad(what, "channel " + std::to_string(c + 1) + " is " +
                          std::to_string(channels[c].size()) + "x" +
                          std::to_string(channels[c].front().size()) + ", channel 1 is " +
                          std::to_string(kh) + "x" + std::to_string(kw));
        for (const auto& row : channels[c]) values.insert(values.end(), row.begin(), row.end());
    }
    return fromValues({std::int64_t(channels.size()), std::int64_t(kh), std::int64_t(kw)}, values,
                      what, "csv");
}

KernelFile parseKernelJson(const std::string& text, const std::string& what) {
    NestedArray weights, bias;
    bool hasWeights = false, hasBias = false;
    JsonReader(text, what).document(weights, bias, hasWeights, hasBias);
    if (!hasWeights) bad(what, "has no \"weights\" field (a nested list of numbers)");
    KernelFile k = fromValues(weights.dims, weights.values, what, "json");
    if (hasBias) {
        if (bias.dims.size() != 1 || bias.dims[0] != k.weights.n())
            bad(what, "has a bias of " + std::to_string(bias.values.size()) + " values for " +
                          std::to_string(k.weights.n()) + " filters");
        for (float v : bias.values)
            if (!std::isfinite(v)) bad(what, "has a NaN or infinite bias");
        k.bias = bias.values;
    }
    return k;
}

KernelFile loadKernelImage(const std::string& path, bool color) {
    ImageOptions o;
    o.channels = color ? 3 : 1;
    o.swapRB = true;  // R, G, B: the teaching view's channel order
    o.scale = 1.0f / 255;
    // A kernel's sides are checked on the header first: a 40-byte WebP declaring 1779 x 15471
    // pixels took 6 s to decode (under ASan) only to be refused as a kernel after.
    if (const ImageHeader h = guardedParse(path, [&] { return readImageFileHeader(path); });
        h.known() && (h.width > limits::kMaxKernelSide || h.height > limits::kMaxKernelSide))
        bad(path, "declares " + std::to_string(h.width) + " x " + std::to_string(h.height) +
                      " pixels; a kernel image is at most " +
                      std::to_string(limits::kMaxKernelSide) + " x " +
                      std::to_string(limits::kMaxKernelSide) + " (resize or crop it)");
    Tensor t = loadImage(path, o);
    const Shape s = kernelShape({t.c(), t.h(), t.w()}, path);
    KernelFile k;
    k.format = "image";
    k.weights = Tensor(s);
    double mean = 0;
    for (std::int64_t i = 0; i < t.count(); ++i) mean += t.data()[i];
    mean /= double(t.count());
    for (std::int64_t i = 0; i < t.count(); ++i) k.weights.data()[i] = float(t.data()[i] - mean);
    return k;
}

void checkKernelRange(const Tensor& weights, const std::vector<float>& bias, double maxInput,
                      const std::string& what) {
    const std::int64_t per = weights.n() > 0 ? weights.count() / weights.n() : 0;
    for (int m = 0; m < weights.n(); ++m) {
        double bound = 0;
        for (std::int64_t i = 0; i < per; ++i) bound += std::fabs(double(weights.data()[m * per + i]));
        bound *= maxInput;
        if (std::size_t(m) < bias.size()) bound += std::fabs(double(bias[std::size_t(m)]));
        if (!(bound <= double(std::numeric_limits<float>::max())))
            bad(what, "has weights so large that filter " + std::to_string(m) +
                          " would overflow float on pixels up to " + std::to_string(std::lround(maxInput)) +
                          " (the sum of |w| times the pixel is above 3.4e38); scale the weights down");
    }
}

KernelFile loadKernelFile(const std::string& path) {
    return guardedParse(path, [&] {
        const std::string ext = lowerExtension(path);
        auto bytes = [&] { return readFile(path, limits::kMaxKernelFileBytes, "a kernel file"); };
        KernelFile k = ext == ".npy"                      ? parseNpy(bytes(), path)
                       : ext == ".csv" || ext == ".txt" ? parseKernelCsv(bytes(), path)
                       : ext == ".json"                   ? parseKernelJson(bytes(), path)
                                                          : loadKernelImage(path, true);
        checkKernelRange(k.weights, k.bias, kMaxPixelValue, path);
        return k;
    });
}

}  // namespace convscope::core::io
