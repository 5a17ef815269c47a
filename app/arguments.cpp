// Arguments: strict parsing (every problem names the option).
#include "arguments.h"

#include <charconv>
#include <sstream>
#include <stdexcept>

#include "base/isa.h"

namespace convscope::app {

Arguments::Arguments(const std::vector<std::string>& args, const std::set<std::string>& flags,
                     const std::set<std::string>& options) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument '" + a + "'");
        const std::string name = a.substr(2);
        if (flags.count(name)) {
            m_values[name] = "";
        } else if (options.count(name)) {
            if (i + 1 >= args.size()) throw std::invalid_argument("--" + name + " needs a value");
            m_values[name] = args[++i];
        } else {
            throw std::invalid_argument("unknown option '" + a + "' (see --help)");
        }
    }
}

std::string Arguments::text(const std::string& name, const std::string& fallback) const {
    const auto it = m_values.find(name);
    return it == m_values.end() ? fallback : it->second;
}

int Arguments::integer(const std::string& name, int fallback, int min, int max) const {
    const auto it = m_values.find(name);
    if (it == m_values.end()) return fallback;
    int v = 0;
    const std::string& s = it->second;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < min || v > max)
        throw std::invalid_argument("--" + name + " must be a whole number from " +
                                    std::to_string(min) + " to " + std::to_string(max) + ", got '" +
                                    s + "'");
    return v;
}

double Arguments::number(const std::string& name, double fallback) const {
    const auto it = m_values.find(name);
    if (it == m_values.end()) return fallback;
    try {
        std::size_t used = 0;
        const double v = std::stod(it->second, &used);
        if (used == it->second.size()) return v;
    } catch (const std::exception&) {
    }
    throw std::invalid_argument("--" + name + " must be a number, got '" + it->second + "'");
}

std::vector<int> Arguments::dims(const std::string& name, const std::string& text,
                                 std::size_t count) {
    std::vector<int> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t x = text.find('x', pos);
        const std::string part =
            text.substr(pos, x == std::string::npos ? std::string::npos : x - pos);
        int v = 0;
        const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
        if (part.empty() || ec != std::errc() || end != part.data() + part.size() || v < 0)
            throw std::invalid_argument("--" + name + " '" + text + "' must be " +
                                        std::to_string(count) + " whole numbers joined by 'x'");
        out.push_back(v);
        if (x == std::string::npos) break;
        pos = x + 1;
    }
    if (out.size() == 1 && count == 2) out.push_back(out[0]);
    if (out.size() != count)
        throw std::invalid_argument("--" + name + " '" + text + "' must have " +
                                    std::to_string(count) + " dimensions joined by 'x'");
    return out;
}

core::ConvMethod Arguments::convMethod(const std::string& text) {
    const std::optional<core::ConvMethod> method = core::convMethodFromName(text);
    if (!method)
        throw std::invalid_argument("--method '" + text + "' must be " + core::convMethodNames());
    return *method;
}

std::array<float, 3> Arguments::meanTriple(const std::string& text) {
    std::array<float, 3> mean{0, 0, 0};
    std::stringstream in(text);
    std::string part;
    for (std::size_t i = 0; std::getline(in, part, ','); ++i) {
        try {
            std::size_t used = 0;
            if (i >= 3) throw std::invalid_argument(part);
            mean[i] = std::stof(part, &used);
            if (used != part.size()) throw std::invalid_argument(part);
        } catch (const std::exception&) {
            throw std::invalid_argument("--mean '" + text +
                                        "' must be one to three numbers, e.g. 104,117,123");
        }
        if (i == 0) mean.fill(mean[0]);
    }
    return mean;
}

void applyGlobalOptions(std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size();) {
        std::string value;
        if (args[i] == "--isa") {
            if (i + 1 >= args.size())
                throw std::invalid_argument("--isa needs a value: avx512, avx2 or generic");
            value = args[i + 1];
            args.erase(args.begin() + std::ptrdiff_t(i), args.begin() + std::ptrdiff_t(i) + 2);
        } else if (args[i].rfind("--isa=", 0) == 0) {
            value = args[i].substr(6);
            args.erase(args.begin() + std::ptrdiff_t(i));
        } else {
            ++i;
            continue;
        }
        const std::optional<core::Isa> isa = core::parseIsa(value);
        if (!isa)
            throw std::invalid_argument("--isa must be avx512, avx2 or generic, got '" + value +
                                        "'");
        core::setIsa(*isa);
    }
}

core::io::Preprocessing preprocessingOptions(const Arguments& a) {
    core::io::Preprocessing pre;
    pre.scale = float(a.number("scale", 1.0));
    pre.mean = Arguments::meanTriple(a.text("mean", "0"));
    pre.swapRB = a.has("swap-rb");
    pre.crop = a.has("crop");
    return pre;
}

}  // namespace convscope::app
