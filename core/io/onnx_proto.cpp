// Protobuf wire-format decoding for the subset of onnx.proto used by the node tests.
#include "io/onnx_proto.h"

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "base/error.h"

namespace convscope::core::io::onnx {

namespace {

class Reader {
public:
    Reader(const char* p, std::size_t n) : m_p(p), m_end(p + n) {}
    bool done() const { return m_p >= m_end; }

    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            need(1);
            const auto byte = std::uint8_t(*m_p++);
            v |= std::uint64_t(byte & 0x7f) << shift;
            if (!(byte & 0x80)) return v;
        }
        throw std::runtime_error("malformed varint");
    }
    // Reads a tag; returns field number and sets wire type.
    int tag(int& wire) {
        const std::uint64_t t = varint();
        wire = int(t & 7);
        return int(t >> 3);
    }
    std::string bytes() {
        const std::uint64_t n = varint();
        need(n);
        std::string s(m_p, std::size_t(n));
        m_p += n;
        return s;
    }
    float fixed32() {
        need(4);
        float f;
        std::memcpy(&f, m_p, 4);
        m_p += 4;
        return f;
    }
    void skip(int wire) {
        switch (wire) {
            case 0:
                varint();
                break;
            case 1:
                need(8);
                m_p += 8;
                break;
            case 2:
                bytes();
                break;
            case 5:
                need(4);
                m_p += 4;
                break;
            default:
                throw std::runtime_error("unsupported wire type " + std::to_string(wire));
        }
    }

private:
    void need(std::uint64_t n) const {
        if (std::uint64_t(m_end - m_p) < n) throw std::runtime_error("truncated protobuf");
    }
    const char* m_p;
    const char* m_end;
};

// Repeated scalars come packed (wire 2) or one per tag.
template <class F>
void repeated(Reader& r, int wire, F&& readOne) {
    if (wire == 2) {
        const std::string packed = r.bytes();
        Reader inner(packed.data(), packed.size());
        while (!inner.done()) readOne(inner);
    } else {
        readOne(r);
    }
}

TensorData parseTensor(const std::string& buf) {
    TensorData t;
    std::string raw;
    std::vector<double> doubles;
    Reader r(buf.data(), buf.size());
    while (!r.done()) {
        int wire;
        const int field = r.tag(wire);
        if (field == 1)
            repeated(r, wire, [&](Reader& x) { t.dims.push_back(std::int64_t(x.varint())); });
        else if (field == 2)
            t.dataType = int(r.varint());
        else if (field == 4)
            repeated(r, wire, [&](Reader& x) { t.values.push_back(x.fixed32()); });
        else if (field == 8)
            t.name = r.bytes();
        else if (field == 9)
            raw = r.bytes();
        else
            r.skip(wire);
    }
    if (!raw.empty()) {
        if (t.dataType == 1) {
            t.values.resize(raw.size() / 4);
            std::memcpy(t.values.data(), raw.data(), t.values.size() * 4);
        } else if (t.dataType == 2) {
            t.values.assign(reinterpret_cast<const unsigned char*>(raw.data()),
                            reinterpret_cast<const unsigned char*>(raw.data()) + raw.size());
        } else if (t.dataType == 11) {
            doubles.resize(raw.size() / 8);
            std::memcpy(doubles.data(), raw.data(), doubles.size() * 8);
            t.values.assign(doubles.begin(), doubles.end());
        }
    }
    return t;
}

Attribute parseAttribute(const std::string& buf) {
    Attribute a;
    Reader r(buf.data(), buf.size());
    while (!r.done()) {
        int wire;
        const int field = r.tag(wire);
        if (field == 1)
            a.name = r.bytes();
        else if (field == 2)
            a.f = r.fixed32();
        else if (field == 3)
            a.i = std::int64_t(r.varint());
        else if (field == 4)
            a.s = r.bytes();
        else if (field == 7)
            repeated(r, wire, [&](Reader& x) { a.floats.push_back(x.fixed32()); });
        else if (field == 8)
            repeated(r, wire, [&](Reader& x) { a.ints.push_back(std::int64_t(x.varint())); });
        else
            r.skip(wire);
    }
    return a;
}

Node parseNode(const std::string& buf) {
    Node n;
    Reader r(buf.data(), buf.size());
    while (!r.done()) {
        int wire;
        const int field = r.tag(wire);
        if (field == 1)
            n.inputs.push_back(r.bytes());
        else if (field == 2)
            n.outputs.push_back(r.bytes());
        else if (field == 3)
            n.name = r.bytes();
        else if (field == 4)
            n.opType = r.bytes();
        else if (field == 5) {
            Attribute a = parseAttribute(r.bytes());
            n.attributes[a.name] = std::move(a);
        } else
            r.skip(wire);
    }
    return n;
}

ValueInfo parseValueInfo(const std::string& buf) {
    ValueInfo v;
    Reader r(buf.data(), buf.size());
    while (!r.done()) {
        int wire;
        const int field = r.tag(wire);
        if (field == 1) {
            v.name = r.bytes();
        } else if (field == 2) {  // TypeProto
            const std::string type = r.bytes();
            Reader t(type.data(), type.size());
            while (!t.done()) {
                int tw;
                if (t.tag(tw) != 1) {  // tensor_type
                    t.skip(tw);
                    continue;
                }
                const std::string tensor = t.bytes();
                Reader tt(tensor.data(), tensor.size());
                while (!tt.done()) {
                    int w2;
                    if (tt.tag(w2) != 2) {  // shape
                        tt.skip(w2);
                        continue;
                    }
                    const std::string shape = tt.bytes();
                    Reader sh(shape.data(), shape.size());
                    while (!sh.done()) {
                        int w3;
                        if (sh.tag(w3) != 1) {  // dim
                            sh.skip(w3);
                            continue;
                        }
                        const std::string dim = sh.bytes();
                        Reader d(dim.data(), dim.size());
                        std::int64_t value = -1;
                        while (!d.done()) {
                            int w4;
                            if (d.tag(w4) == 1)
                                value = std::int64_t(d.varint());
                            else
                                d.skip(w4);
                        }
                        v.dims.push_back(value);
                    }
                }
            }
        } else {
            r.skip(wire);
        }
    }
    return v;
}

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error(ErrorCategory::Io, "cannot open '" + path + "'");
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

}  // namespace

std::int64_t Node::i(const std::string& a, std::int64_t fallback) const {
    const auto it = attributes.find(a);
    return it == attributes.end() ? fallback : it->second.i;
}
float Node::f(const std::string& a, float fallback) const {
    const auto it = attributes.find(a);
    return it == attributes.end() ? fallback : it->second.f;
}
std::string Node::s(const std::string& a, const std::string& fallback) const {
    const auto it = attributes.find(a);
    return it == attributes.end() ? fallback : it->second.s;
}
std::vector<std::int64_t> Node::ints(const std::string& a) const {
    const auto it = attributes.find(a);
    return it == attributes.end() ? std::vector<std::int64_t>{} : it->second.ints;
}

namespace {
template <class F>
auto withFileName(const std::string& path, F&& parse) {
    try {
        return parse();
    } catch (const std::runtime_error& e) {
        if (dynamic_cast<const Error*>(&e)) throw;
        throw Error(ErrorCategory::Io,
                    "'" + path + "' is not a valid ONNX protobuf file (" + e.what() + ")");
    }
}
}  // namespace

Model readModel(const std::string& path) {
    const std::string buf = slurp(path);
    return withFileName(path, [&] { return parseModel(buf); });
}

TensorData readTensor(const std::string& path) {
    const std::string buf = slurp(path);
    return withFileName(path, [&] { return parseTensor(buf); });
}

Model parseModel(const std::string& buf) {
    Model m;
    Reader r(buf.data(), buf.size());
    while (!r.done()) {
        int wire;
        const int field = r.tag(wire);
        if (field == 7) {
            const std::string graph = r.bytes();
            Reader g(graph.data(), graph.size());
            while (!g.done()) {
                int gw;
                const int gf = g.tag(gw);
                if (gf == 1)
                    m.nodes.push_back(parseNode(g.bytes()));
                else if (gf == 5)
                    m.initializers.push_back(parseTensor(g.bytes()));
                else if (gf == 11)
                    m.inputs.push_back(parseValueInfo(g.bytes()));
                else
                    g.skip(gw);
            }
        } else if (field == 8) {
            const std::string opset = r.bytes();
            Reader o(opset.data(), opset.size());
            std::string domain;
            std::int64_t version = 0;
            while (!o.done()) {
                int ow;
                const int of = o.tag(ow);
                if (of == 1)
                    domain = o.bytes();
                else if (of == 2)
                    version = std::int64_t(o.varint());
                else
                    o.skip(ow);
            }
            if (domain.empty() || domain == "ai.onnx") m.opset = version;
        } else {
            r.skip(wire);
        }
    }
    return m;
}

}  // namespace convscope::core::io::onnx
