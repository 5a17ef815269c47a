// displayName(): torch's exported node paths to module names.
#include "net/layer_names.h"

#include <cctype>
#include <vector>

namespace convscope::core {

namespace {

// torch names an op by its type, numbered from the second use in a module: "Relu", "Add_1".
bool isOpSegment(std::string_view s) {
    if (s.empty() || !std::isupper(static_cast<unsigned char>(s.front()))) return false;
    std::size_t i = 0;
    while (i < s.size() && std::isalnum(static_cast<unsigned char>(s[i]))) ++i;
    if (i == s.size()) return true;
    if (s[i] != '_' || i + 1 == s.size()) return false;
    for (++i; i < s.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return true;
}

std::string_view withoutOutputSuffix(std::string_view name) {
    const std::size_t at = name.rfind("_output_");
    if (at == std::string_view::npos || at + 8 == name.size()) return name;
    for (std::size_t i = at + 8; i < name.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(name[i]))) return name;
    return name.substr(0, at);
}

}  // namespace

std::string displayName(std::string_view full) {
    if (full.size() < 2 || full.front() != '/') return std::string(full);
    const std::string_view name = withoutOutputSuffix(full);
    std::vector<std::string_view> segments;
    for (std::size_t start = 1; start <= name.size();) {
        std::size_t end = name.find('/', start);
        if (end == std::string_view::npos) end = name.size();
        if (end > start) segments.push_back(name.substr(start, end - start));
        start = end + 1;
    }
    if (segments.empty()) return std::string(full);
    if (segments.size() > 1 && isOpSegment(segments.back())) segments.pop_back();
    std::vector<std::string_view> parts;
    for (std::string_view s : segments) {
        const bool extends = !parts.empty() && s.size() > parts.back().size() &&
                             s.substr(0, parts.back().size()) == parts.back() &&
                             s[parts.back().size()] == '.';
        if (extends)
            parts.back() = s;
        else
            parts.push_back(s);
    }
    std::string out;
    for (std::string_view p : parts) {
        if (!out.empty()) out += '.';
        out += p;
    }
    return out;
}

}  // namespace convscope::core
