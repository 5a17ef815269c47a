// A minimal streaming JSON writer (objects, arrays, numbers, strings) for reports; no parsing.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

namespace convscope::core {

class JsonWriter {
public:
    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(const std::string& k);
    JsonWriter& value(const std::string& v);
    JsonWriter& value(const char* v) { return value(std::string(v)); }
    JsonWriter& value(double v);
    JsonWriter& value(std::int64_t v);
    JsonWriter& value(int v) { return value(std::int64_t(v)); }
    JsonWriter& value(bool v);
    // A short array of numbers on one line: [3, 227, 227].
    JsonWriter& array(std::initializer_list<std::int64_t> values);
    template <class T>
    JsonWriter& field(const std::string& k, const T& v) {
        key(k);
        return value(v);
    }
    std::string str() const { return m_out.str(); }

private:
    void separate();
    JsonWriter& close(char bracket);
    void indent();
    std::ostringstream m_out;
    std::vector<bool> m_first;  // per open container: no element written yet
    bool m_afterKey = false;
};

}  // namespace convscope::core
