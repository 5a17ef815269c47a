// NumPy .npy reading and writing: the header's dict literal parsed exactly, sizes checked before
// allocating.
#include "io/npy.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>

#include "base/error.h"
#include "base/limits.h"
#include "io/read_file.h"
#include "base/limits.h"

namespace convscope::core::io {

// The values are copied as bytes: .npy's '<f4' is the host's float only on a little-endian host.
static_assert(std::endian::native == std::endian::little, "the .npy reader assumes little-endian");

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& why) {
    throw Error(ErrorCategory::Io, "'" + path + "' " + why);
}

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicSize = 6;
// numpy writes headers of a few hundred bytes; a longer one is a corrupt length field.
constexpr std::uint32_t kMaxHeaderBytes = 1 << 20;

struct Header {
    std::string descr;
    std::optional<bool> fortranOrder;
    std::optional<std::vector<std::int64_t>> shape;
};

// The header's dict literal: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } with
// any spacing, keys in any order, a trailing comma allowed (Python's repr, as numpy writes it).
class HeaderParser {
public:
    HeaderParser(const std::string& text, const std::string& path) : m_s(text), m_path(path) {}

    Header parse() {
        Header h;
        expect('{');
        bool seenDescr = false;
        while (peek() != '}') {
            const std::string key = quoted();
            expect(':');
            if (key == "descr") {
                h.descr = quoted();
                seenDescr = true;
            } else if (key == "fortran_order") {
                h.fortranOrder = boolean();
            } else if (key == "shape") {
                h.shape = tuple();
            } else {
                bad("has an unknown key '" + key + "'");
            }
            if (peek() == ',') ++m_pos;
        }
        ++m_pos;
        skip();
        if (m_pos != m_s.size()) bad("has text after the closing '}'");
        if (!seenDescr || !h.fortranOrder || !h.shape)
            bad("lacks one of 'descr', 'fortran_order' and 'shape'");
        return h;
    }

private:
    [[noreturn]] void bad(const std::string& why) const {
        fail(m_path, "is not a valid .npy file: its header " + why + " (header: " + m_s +
                         "); write it with numpy.save");
    }
    void skip() {
        while (m_pos < m_s.size() && std::isspace(static_cast<unsigned char>(m_s[m_pos]))) ++m_pos;
    }
    char peek() {
        skip();
        if (m_pos >= m_s.size()) bad("ends too early");
        return m_s[m_pos];
    }
    void expect(char c) {
        if (peek() != c) bad(std::string("has '") + m_s[m_pos] + "' where '" + c + "' belongs");
        ++m_pos;
    }
    std::string quoted() {
        const char q = peek();
        if (q != '\'' && q != '"') bad("has an unquoted key or string");
        const std::size_t end = m_s.find(q, m_pos + 1);
        if (end == std::string::npos) bad("has an unterminated string");
        std::string out = m_s.substr(m_pos + 1, end - m_pos - 1);
        m_pos = end + 1;
        return out;
    }
    bool boolean() {
        peek();
        if (m_s.compare(m_pos, 4, "True") == 0) {
            m_pos += 4;
            return true;
        }
        if (m_s.compare(m_pos, 5, "False") == 0) {
            m_pos += 5;
            return false;
        }
        bad("has a 'fortran_order' that is neither True nor False");
    }
    std::vector<std::int64_t> tuple() {
        expect('(');
        std::vector<std::int64_t> dims;
        while (peek() != ')') {
            if (!std::isdigit(static_cast<unsigned char>(m_s[m_pos])))
                bad("has a shape entry that is not a whole number >= 0");
            std::int64_t v = 0;
            while (m_pos < m_s.size() && std::isdigit(static_cast<unsigned char>(m_s[m_pos]))) {
                const int digit = m_s[m_pos++] - '0';
                if (v > (std::numeric_limits<std::int64_t>::max() - digit) / 10)
                    bad("has a shape entry too large for 64 bits");
                v = v * 10 + digit;
            }
            if (peek() == 'L') ++m_pos;  // Python 2's long literal, in files numpy wrote then
            dims.push_back(v);
            if (peek() == ',')
                ++m_pos;
            else if (peek() != ')')
                bad("has a shape that is not a tuple of whole numbers");
        }
        ++m_pos;
        return dims;
    }

    const std::string& m_s;
    const std::string& m_path;
    std::size_t m_pos = 0;
};

std::uint32_t littleEndian(const unsigned char* p, int bytes) {
    std::uint32_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = v << 8 | p[i];
    return v;
}

}  // namespace

std::string npyShapeString(std::span<const std::int64_t> dims) {
    std::string s = "(";
    for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
    return s + (dims.size() == 1 ? ",)" : ")");
}

namespace {

// Reverses Fortran order (the first index fastest) into C order.
std::vector<float> fortranToC(const std::vector<float>& values,
                              const std::vector<std::int64_t>& dims) {
    std::vector<float> c(values.size());
    std::vector<std::int64_t> idx(dims.size(), 0);
    for (std::size_t f = 0; f < values.size(); ++f) {
        std::int64_t flat = 0;
        for (std::size_t a = 0; a < dims.size(); ++a) flat = flat * dims[a] + idx[a];
        c[std::size_t(flat)] = values[f];
        for (std::size_t a = 0; a < dims.size(); ++a) {  // increment, first axis fastest
            if (++idx[a] < dims[a]) break;
            idx[a] = 0;
        }
    }
    return c;
}

// The one decoder of both entry points. read(buffer, n) reads the next n bytes and returns false
// when the source has fewer; fileBytes is the source's whole size, known before reading.
template <class Read>
NpyArray decode(Read&& read, std::uintmax_t fileBytes, const std::string& path,
                const NpyReadOptions& options) {
    unsigned char preamble[12] = {};
    if (fileBytes < 10 || !read(reinterpret_cast<char*>(preamble), 10) ||
        std::memcmp(preamble, kMagic, kMagicSize) != 0)
        fail(path,
             "is not a NumPy .npy file (it does not start with \\x93NUMPY); "
             "write it with numpy.save");
    const int major = preamble[6], minor = preamble[7];
    std::uint32_t headerBytes = 0;
    std::uintmax_t dataStart = 0;
    if (major == 1) {
        headerBytes = littleEndian(preamble + 8, 2);
        dataStart = 10;
    } else if (major == 2 || major == 3) {
        if (!read(reinterpret_cast<char*>(preamble + 10), 2))
            fail(path, "is truncated inside its header");
        headerBytes = littleEndian(preamble + 8, 4);
        dataStart = 12;
    } else {
        fail(path, "is .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                       "; versions 1.0, 2.0 and 3.0 are read");
    }
    if (headerBytes > kMaxHeaderBytes || dataStart + headerBytes > fileBytes)
        fail(path, "is truncated inside its header: the header claims " +
                       std::to_string(headerBytes) + " bytes, the file has " +
                       std::to_string(fileBytes) + " bytes in all");
    std::string text(headerBytes, '\0');
    if (!read(text.data(), headerBytes)) fail(path, "could not be read");
    dataStart += headerBytes;
    const Header h = HeaderParser(text, path).parse();

    int width = 0;
    if (h.descr == "<f4")
        width = 4;
    else if (h.descr == "<f8")
        width = 8;
    else if (h.descr == ">f4" || h.descr == ">f8")
        fail(path, "holds big-endian '" + h.descr +
                       "' values; save it little-endian: numpy.save(f, a.astype('<f4'))");
    else
        fail(path, "holds '" + h.descr +
                       "' values; only float32 ('<f4') or float64 ('<f8') are read: "
                       "numpy.save(f, a.astype(numpy.float32))");
    if (*h.fortranOrder && !options.fortranOrder)
        fail(path,
             "is stored in Fortran order (fortran_order True); save it in C order: "
             "numpy.save(f, numpy.ascontiguousarray(a))");

    NpyArray out;
    out.dims = *h.shape;
    // The product saturates instead of overflowing: a corrupt shape still gets a clear message.
    constexpr std::int64_t kSaturated = std::numeric_limits<std::int64_t>::max();
    std::int64_t count = 1;
    for (std::int64_t d : out.dims)
        count = (d != 0 && count > kSaturated / d) ? kSaturated : count * d;
    const std::uintmax_t have = fileBytes - dataStart;
    const bool overflow = count == kSaturated || count > kSaturated / width;
    const std::uintmax_t need = overflow ? 0 : std::uintmax_t(count) * std::uintmax_t(width);
    if (overflow || need > have)
        fail(path, "is truncated: its shape " + npyShapeString(out.dims) + " of '" + h.descr +
                       "' needs " + (overflow ? "more than 2^63" : std::to_string(need)) +
                       " bytes of data, the file has " + std::to_string(have));
    if (need < have)
        fail(path, "has " + std::to_string(have - need) + " bytes after its data: its shape " +
                       npyShapeString(out.dims) + " needs " + std::to_string(need) +
                       " bytes, the file has " + std::to_string(have) +
                       "; it is not a single .npy array (a .npz or concatenated arrays?)");
    if (count > options.maxValues)
        throw Error(ErrorCategory::ResourceLimit,
                    "'" + path + "' holds " + std::to_string(count) + " values " +
                        npyShapeString(out.dims) + ", more than the " +
                        std::to_string(options.maxValues) + " " + options.limitName);

    out.values.resize(std::size_t(count));
    if (count == 0) return out;  // a shape with a 0: no data to read (and data() may be null)
    if (width == 4) {
        if (!read(reinterpret_cast<char*>(out.values.data()), std::size_t(need)))
            fail(path, "could not be read to its end");
    } else {
        std::vector<double> chunk(std::size_t(1) << 17);
        for (std::size_t done = 0; done < out.values.size();) {
            const std::size_t n = std::min(chunk.size(), out.values.size() - done);
            if (!read(reinterpret_cast<char*>(chunk.data()), n * 8))
                fail(path, "could not be read to its end");
            for (std::size_t i = 0; i < n; ++i) out.values[done + i] = float(chunk[i]);
            done += n;
        }
    }
    if (*h.fortranOrder && out.dims.size() > 1) out.values = fortranToC(out.values, out.dims);
    return out;
}

}  // namespace

NpyArray readNpy(const std::string& path, const NpyReadOptions& options) {
    return guardedParse(path, [&] {
        const std::uintmax_t fileBytes = std::uintmax_t(regularFileSize(path, "a .npy file"));
        std::ifstream in(path, std::ios::binary);
        if (!in) fail(path, "could not be opened for reading");
        auto read = [&in](char* out, std::size_t n) {
            in.read(out, std::streamsize(n));
            return in.gcount() == std::streamsize(n);
        };
        return decode(read, fileBytes, path, options);
    });
}

NpyArray parseNpyBytes(std::string_view bytes, const std::string& what,
                       const NpyReadOptions& options) {
    return guardedParse(what, [&] {
        std::size_t pos = 0;
        auto read = [&](char* out, std::size_t n) {
            if (n > bytes.size() - pos) return false;
            std::memcpy(out, bytes.data() + pos, n);
            pos += n;
            return true;
        };
        return decode(read, bytes.size(), what, options);
    });
}

void writeNpy(const std::string& path, std::span<const std::int64_t> dims,
              std::span<const float> values) {
    std::int64_t count = 1;
    for (std::int64_t d : dims) {
        if (d < 0 || (d != 0 && count > limits::kMaxNpyValues / d))
            throw Error(ErrorCategory::ShapeMismatch,
                        "cannot write '" + path + "': shape " + npyShapeString(dims) +
                            " has a negative dimension or more than " +
                            std::to_string(limits::kMaxNpyValues) + " values");
        count *= d;
    }
    if (std::size_t(count) != values.size())
        throw Error(ErrorCategory::ShapeMismatch,
                    "cannot write '" + path + "': shape " + npyShapeString(dims) + " holds " +
                        std::to_string(count) + " values, " + std::to_string(values.size()) +
                        " were given");

    std::string header =
        "{'descr': '<f4', 'fortran_order': False, 'shape': " + npyShapeString(dims) + ", }";
    // Version 1.0 has a 2-byte header length; only a shape of thousands of dims needs 2.0.
    const bool v2 = header.size() + 64 > 65535;
    const std::size_t preamble = v2 ? 12 : 10;
    while ((preamble + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';

    std::string head(kMagic, kMagicSize);
    head += char(v2 ? 2 : 1);
    head += char(0);
    for (int i = 0; i < (v2 ? 4 : 2); ++i) head += char((header.size() >> (8 * i)) & 0xff);
    head += header;

    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        fail(path, "could not be opened for writing; check the folder exists and is writable");
    out.write(head.data(), std::streamsize(head.size()));
    out.write(reinterpret_cast<const char*>(values.data()), std::streamsize(values.size_bytes()));
    out.close();
    if (!out) {
        std::error_code ec;
        std::filesystem::remove(path, ec);
        fail(path, "could not be written (is the disk full?)");
    }
}

}  // namespace convscope::core::io
