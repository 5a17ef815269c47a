// Kernel file loaders: .npy, CSV, JSON, images.
#include "io/kernel_files.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "base/limits.h"
#include "io/image_io.h"

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
        count *= v;
        if (count > limits::kMaxKernelWeights) bad(what, "holds more weights than a teaching kernel may");
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

std::string readAll(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error(ErrorCategory::Io, "'" + path + "' does not exist or is not a file");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    if (!in.good() && !in.eof()) throw Error(ErrorCategory::Io, "'" + path + "' could not be read");
    return s.str();
}

std::string lowerExtension(const std::string& path) {
    std::string e = std::filesystem::path(path).extension().string();
    for (char& ch : e) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return e;
}

// --- a small JSON reader: numbers, arrays, objects with string keys (enough for kernels) -------
struct JsonValue {
    enum Kind { Number, Array, Object, Other } kind = Other;
    double number = 0;
    std::vector<JsonValue> items;
    std::vector<std::pair<std::string, JsonValue>> fields;
};

class JsonReader {
public:
    JsonReader(const std::string& text, const std::string& what) : m_s(text), m_what(what) {}
    JsonValue document() {
        JsonValue v = value(0);
        skip();
        if (m_pos != m_s.size()) fail("unexpected text after the end");
        return v;
    }

private:
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
    JsonValue value(int depth) {
        if (depth > 16) fail("nested too deeply");
        JsonValue v;
        const char c = peek();
        if (c == '[') {
            v.kind = JsonValue::Array;
            ++m_pos;
            if (peek() == ']') {
                ++m_pos;
                return v;
            }
            for (;;) {
                v.items.push_back(value(depth + 1));
                const char n = peek();
                ++m_pos;
                if (n == ']') break;
                if (n != ',') fail("expected ',' or ']'");
            }
        } else if (c == '{') {
            v.kind = JsonValue::Object;
            ++m_pos;
            if (peek() == '}') {
                ++m_pos;
                return v;
            }
            for (;;) {
                if (peek() != '"') fail("expected a key in quotes");
                std::string key = string();
                if (peek() != ':') fail("expected ':' after \"" + key + "\"");
                ++m_pos;
                v.fields.emplace_back(std::move(key), value(depth + 1));
                const char n = peek();
                ++m_pos;
                if (n == '}') break;
                if (n != ',') fail("expected ',' or '}'");
            }
        } else if (c == '"') {
            string();
        } else if (c == '-' || c == '+' || c == '.' ||
                   std::isdigit(static_cast<unsigned char>(c))) {
            const char* begin = m_s.c_str() + m_pos;
            char* end = nullptr;
            v.number = std::strtod(begin, &end);
            if (end == begin) fail("a number cannot be read");
            v.kind = JsonValue::Number;
            m_pos += std::size_t(end - begin);
        } else if (m_s.compare(m_pos, 4, "true") == 0 || m_s.compare(m_pos, 4, "null") == 0) {
            m_pos += 4;
        } else if (m_s.compare(m_pos, 5, "false") == 0) {
            m_pos += 5;
        } else if (m_s.compare(m_pos, 3, "NaN") == 0) {
            fail("NaN is not a number a kernel can hold");
        } else {
            fail(c ? std::string("unexpected '") + c + "'" : "unexpected end of the file");
        }
        return v;
    }
    const std::string& m_s;
    const std::string& m_what;
    std::size_t m_pos = 0;
};

// The dims of a rectangular nested array, and its numbers in row-major order.
void flatten(const JsonValue& v, std::size_t depth, std::vector<std::int64_t>& dims,
             std::vector<float>& out, const std::string& what) {
    if (v.kind == JsonValue::Number) {
        if (depth != dims.size()) bad(what, "is ragged: a number where a list was expected");
        out.push_back(float(v.number));
        return;
    }
    if (v.kind != JsonValue::Array) bad(what, "holds something other than numbers and lists");
    if (depth == dims.size()) {
        if (!out.empty()) bad(what, "is ragged: a list where a number was expected");
        dims.resize(depth + 1);  // (not push_back: GCC 12 warns falsely through the recursion)
        dims[depth] = std::int64_t(v.items.size());
    } else if (dims[depth] != std::int64_t(v.items.size())) {
        bad(what, "is ragged: lists at depth " + std::to_string(depth + 1) + " have " +
                      std::to_string(dims[depth]) + " and " + std::to_string(v.items.size()) +
                      " entries");
    }
    if (v.items.empty()) bad(what, "has an empty list");
    for (const JsonValue& item : v.items) flatten(item, depth + 1, dims, out, what);
}

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
    if (b.size() < 10 || b.compare(0, 6, "\x93NUMPY") != 0)
        bad(what, "is not a NumPy .npy file (no \\x93NUMPY magic); save it with numpy.save");
    const int major = static_cast<unsigned char>(b[6]);
    std::size_t headerLen = 0, offset = 0;
    if (major == 1) {
        headerLen = std::size_t(static_cast<unsigned char>(b[8])) |
                    std::size_t(static_cast<unsigned char>(b[9])) << 8;
        offset = 10;
    } else if (major == 2 || major == 3) {
        if (b.size() < 12) bad(what, "is truncated inside its header");
        for (int i = 0; i < 4; ++i)
            headerLen |= std::size_t(static_cast<unsigned char>(b[8 + std::size_t(i)])) << (8 * i);
        offset = 12;
    } else {
        bad(what, "is .npy format version " + std::to_string(major) + "; versions 1-3 are read");
    }
    if (offset + headerLen > b.size()) bad(what, "is truncated inside its header");
    const std::string header = b.substr(offset, headerLen);
    auto valueOf = [&](const std::string& key) {
        const std::size_t k = header.find("'" + key + "'");
        if (k == std::string::npos) bad(what, "has no '" + key + "' in its header");
        std::size_t v = header.find(':', k);
        if (v == std::string::npos) bad(what, "has a malformed header");
        ++v;
        while (v < header.size() && header[v] == ' ') ++v;
        return v;
    };
    std::size_t d = valueOf("descr");
    const std::size_t dEnd = header.find('\'', d + 1);
    const std::string descr = header.substr(d + 1, dEnd - d - 1);
    int width = 0;
    if (descr == "<f4" || descr == "|f4" || descr == "=f4")
        width = 4;
    else if (descr == "<f8" || descr == "|f8" || descr == "=f8")
        width = 8;
    else
        bad(what, "holds '" + descr +
                      "' values; save float32 or float64 (little-endian): "
                      "numpy.save(f, a.astype(numpy.float32))");
    const bool fortran = header.compare(valueOf("fortran_order"), 4, "True") == 0;
    std::size_t s = valueOf("shape");
    const std::size_t sEnd = header.find(')', s);
    if (header[s] != '(' || sEnd == std::string::npos) bad(what, "has a malformed shape");
    std::vector<std::int64_t> dims;
    std::stringstream shape(header.substr(s + 1, sEnd - s - 1));
    std::string part;
    while (std::getline(shape, part, ',')) {
        part.erase(std::remove(part.begin(), part.end(), ' '), part.end());
        if (part.empty()) continue;
        try {
            dims.push_back(std::stoll(part));
        } catch (const std::exception&) {
            bad(what, "has a malformed shape");
        }
    }
    const Shape k = kernelShape(dims, what);
    const std::size_t count = std::size_t(k.count());
    const std::size_t data = offset + headerLen;
    if (b.size() < data + count * std::size_t(width))
        bad(what, "is truncated: its shape needs " + std::to_string(count * std::size_t(width)) +
                      " bytes of data, it has " + std::to_string(b.size() - data));
    std::vector<float> values(count);
    for (std::size_t i = 0; i < count; ++i) {
        if (width == 4) {
            float f;
            std::memcpy(&f, b.data() + data + i * 4, 4);
            values[i] = f;
        } else {
            double f;
            std::memcpy(&f, b.data() + data + i * 8, 8);
            values[i] = float(f);
        }
    }
    if (fortran && dims.size() > 1) {
        // Fortran order: the first index varies fastest. Reorder to C order.
        std::vector<float> c(count);
        std::vector<std::int64_t> idx(dims.size(), 0);
        for (std::size_t f = 0; f < count; ++f) {
            std::int64_t flat = 0;
            for (std::size_t a = 0; a < dims.size(); ++a) flat = flat * dims[a] + idx[a];
            c[std::size_t(flat)] = values[f];
            for (std::size_t a = 0; a < dims.size(); ++a) {  // increment, first axis fastest
                if (++idx[a] < dims[a]) break;
                idx[a] = 0;
            }
        }
        values.swap(c);
    }
    return fromValues(dims, values, what, "npy");
}

KernelFile parseKernelCsv(const std::string& text, const std::string& what) {
    std::vector<std::vector<std::vector<float>>> channels(1);
    std::istringstream in(text);
    std::string line;
    int lineNo = 0;
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
    const JsonValue doc = JsonReader(text, what).document();
    const JsonValue* weights = &doc;
    const JsonValue* bias = nullptr;
    if (doc.kind == JsonValue::Object) {
        weights = nullptr;
        for (const auto& [key, value] : doc.fields) {
            if (key == "weights") weights = &value;
            if (key == "bias") bias = &value;
        }
        if (!weights) bad(what, "has no \"weights\" field (a nested list of numbers)");
    }
    std::vector<std::int64_t> dims;
    std::vector<float> values;
    flatten(*weights, 0, dims, values, what);
    KernelFile k = fromValues(dims, values, what, "json");
    if (bias) {
        std::vector<std::int64_t> bdims;
        flatten(*bias, 0, bdims, k.bias, what);
        if (bdims.size() != 1 || bdims[0] != k.weights.n())
            bad(what, "has a bias of " + std::to_string(k.bias.size()) + " values for " +
                          std::to_string(k.weights.n()) + " filters");
        for (float v : k.bias)
            if (!std::isfinite(v)) bad(what, "has a NaN or infinite bias");
    }
    return k;
}

KernelFile loadKernelImage(const std::string& path, bool color) {
    ImageOptions o;
    o.channels = color ? 3 : 1;
    o.swapRB = true;  // R, G, B: the teaching view's channel order
    o.scale = 1.0f / 255;
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

KernelFile loadKernelFile(const std::string& path) {
    const std::string ext = lowerExtension(path);
    if (ext == ".npy") return parseNpy(readAll(path), path);
    if (ext == ".csv" || ext == ".txt") return parseKernelCsv(readAll(path), path);
    if (ext == ".json") return parseKernelJson(readAll(path), path);
    return loadKernelImage(path, true);
}

}  // namespace convscope::core::io
