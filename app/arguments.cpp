// Arguments: strict parsing (every problem names the option).
#include "arguments.h"

#include <charconv>
#include <cmath>
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

std::int64_t Arguments::wholeNumber(const std::string& name, const std::string& text,
                                    std::int64_t min, std::int64_t max) {
    std::int64_t v = 0;
    const char* last = text.data() + text.size();
    const auto [end, ec] = std::from_chars(text.data(), last, v);
    if (text.empty() || ec != std::errc() || end != last || v < min || v > max)
        throw std::invalid_argument("--" + name + " must be a whole number from " +
                                    std::to_string(min) + " to " + std::to_string(max) + ", got '" +
                                    text + "'");
    return v;
}

double Arguments::finiteNumber(const std::string& name, const std::string& text) {
    double v = 0;
    const char* first = text.data() + (text.rfind('+', 0) == 0 ? 1 : 0);
    const char* last = text.data() + text.size();
    const auto [end, ec] = std::from_chars(first, last, v);
    if (first == last || ec != std::errc() || end != last || !std::isfinite(v))
        throw std::invalid_argument(
            "--" + name + " must be a finite number (e.g. 0.5 or 1e-3), got '" + text + "'");
    return v;
}

int Arguments::integer(const std::string& name, int fallback, int min, int max) const {
    const auto it = m_values.find(name);
    return it == m_values.end() ? fallback : int(wholeNumber(name, it->second, min, max));
}

double Arguments::number(const std::string& name, double fallback) const {
    const auto it = m_values.find(name);
    return it == m_values.end() ? fallback : finiteNumber(name, it->second);
}

namespace {

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t pos = 0;
    for (;;) {
        const std::size_t next = text.find(separator, pos);
        parts.push_back(
            text.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
        if (next == std::string::npos) return parts;
        pos = next + 1;
    }
}

}  // namespace

namespace {

// The parts of text between separators, each a whole number in min..max; `form` describes the
// whole text for the message ("2 whole numbers joined by 'x'").
std::vector<int> wholeNumbers(const std::string& name, const std::string& text, char separator,
                              int min, int max, const std::string& form) {
    std::vector<int> out;
    for (const std::string& part : split(text, separator)) {
        try {
            out.push_back(int(Arguments::wholeNumber(name, part, min, max)));
        } catch (const std::invalid_argument&) {
            throw std::invalid_argument("--" + name + " '" + text + "' must be " + form +
                                        ", each from " + std::to_string(min) + " to " +
                                        std::to_string(max));
        }
    }
    return out;
}

}  // namespace

std::vector<int> Arguments::dims(const std::string& name, const std::string& text,
                                 std::size_t count, int min, int max) {
    std::vector<int> out = wholeNumbers(name, text, 'x', min, max,
                                        std::to_string(count) + " whole numbers joined by 'x'");
    if (out.size() == 1 && count == 2) out.push_back(out[0]);
    if (out.size() != count)
        throw std::invalid_argument("--" + name + " '" + text + "' must have " +
                                    std::to_string(count) + " dimensions joined by 'x'");
    return out;
}

std::vector<int> Arguments::list(const std::string& name, const std::string& text,
                                 std::size_t count, int min, int max, bool oneForAll) {
    std::vector<int> out = wholeNumbers(
        name, text, ',', min, max,
        (oneForAll ? "1 or " : "") + std::to_string(count) + " whole numbers separated by commas");
    if (oneForAll && out.size() == 1) out.assign(count, out[0]);
    if (out.size() != count)
        throw std::invalid_argument("--" + name + " '" + text + "' needs " +
                                    (oneForAll ? "1 or " : "") + std::to_string(count) +
                                    " comma-separated values");
    return out;
}

core::ConvMethod Arguments::convMethod(const std::string& text) {
    const std::optional<core::ConvMethod> method = core::convMethodFromName(text);
    if (!method)
        throw std::invalid_argument("--method '" + text + "' must be " + core::convMethodNames());
    return *method;
}

std::array<float, 3> Arguments::meanTriple(const std::string& text) {
    const std::vector<std::string> parts = split(text, ',');
    if (parts.size() != 1 && parts.size() != 3)
        throw std::invalid_argument("--mean '" + text +
                                    "' must be one number or three, e.g. 104,117,123");
    std::array<float, 3> mean{0, 0, 0};
    for (std::size_t i = 0; i < parts.size(); ++i) {
        try {
            mean[i] = float(finiteNumber("mean", parts[i]));
        } catch (const std::invalid_argument&) {
            throw std::invalid_argument("--mean '" + text +
                                        "' must be one to three finite numbers, e.g. 104,117,123");
        }
    }
    if (parts.size() == 1) mean.fill(mean[0]);
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
