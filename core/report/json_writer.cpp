// JsonWriter: indentation, separators and string escaping.
#include "report/json_writer.h"

#include <cmath>
#include <cstdio>

namespace convscope::core {

void JsonWriter::indent() {
    m_out << '\n';
    for (std::size_t i = 0; i < m_first.size(); ++i) m_out << "  ";
}

void JsonWriter::separate() {
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first.empty()) {
        if (!m_first.back()) m_out << ',';
        m_first.back() = false;
        indent();
    }
}

JsonWriter& JsonWriter::beginObject() {
    separate();
    m_out << '{';
    m_first.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
    const bool empty = m_first.back();
    m_first.pop_back();
    if (!empty) indent();
    m_out << bracket;
    return *this;
}

JsonWriter& JsonWriter::endObject() {
    return close('}');
}

JsonWriter& JsonWriter::beginArray() {
    separate();
    m_out << '[';
    m_first.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::endArray() {
    return close(']');
}

JsonWriter& JsonWriter::array(std::initializer_list<std::int64_t> values) {
    separate();
    m_out << '[';
    const char* sep = "";
    for (const std::int64_t v : values) {
        m_out << sep << v;
        sep = ", ";
    }
    m_out << ']';
    return *this;
}

JsonWriter& JsonWriter::key(const std::string& k) {
    value(k);
    m_out << ": ";
    m_afterKey = true;
    return *this;
}

JsonWriter& JsonWriter::value(const std::string& v) {
    separate();
    m_out << '"';
    for (const char ch : v) {
        switch (ch) {
            case '"':
                m_out << "\\\"";
                break;
            case '\\':
                m_out << "\\\\";
                break;
            case '\n':
                m_out << "\\n";
                break;
            case '\t':
                m_out << "\\t";
                break;
            case '\r':
                m_out << "\\r";
                break;
            default:
                if (static_cast<unsigned char>(ch) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", ch);
                    m_out << buf;
                } else {
                    m_out << ch;
                }
        }
    }
    m_out << '"';
    return *this;
}

JsonWriter& JsonWriter::value(double v) {
    separate();
    if (!std::isfinite(v)) {
        m_out << "null";  // JSON has no NaN or infinity
    } else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6g", v);
        m_out << buf;
    }
    return *this;
}

JsonWriter& JsonWriter::value(std::int64_t v) {
    separate();
    m_out << v;
    return *this;
}

JsonWriter& JsonWriter::value(bool v) {
    separate();
    m_out << (v ? "true" : "false");
    return *this;
}

}  // namespace convscope::core
