// Command-line option parsing for the headless subcommands: --name value / --flag, with errors
// that name the option and the expected form.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "io/image_io.h"
#include "layers/layer.h"

namespace convscope::app {

class Arguments {
public:
    // `flags` take no value; `options` take one. Throws std::invalid_argument for an unknown
    // option, a missing value or a stray positional argument.
    Arguments(const std::vector<std::string>& args, const std::set<std::string>& flags,
              const std::set<std::string>& options);

    bool has(const std::string& name) const { return m_values.count(name) > 0; }
    std::string text(const std::string& name, const std::string& fallback) const;
    int integer(const std::string& name, int fallback, int min, int max) const;
    // A finite number (not nan or inf), the whole text.
    double number(const std::string& name, double fallback) const;

    // The one strict reading of a number in an option: the whole text, in min..max, overflow
    // checked ("1e9" is not a whole number; "2147483648" is out of range, not -2147483648).
    // Throws std::invalid_argument naming the option and the range.
    static std::int64_t wholeNumber(const std::string& name, const std::string& text,
                                    std::int64_t min, std::int64_t max);
    static double finiteNumber(const std::string& name, const std::string& text);

    // "AxB" (or "A" meaning AxA when count is 2) into whole numbers in min..max; for --kernel
    // 11x11, --shape 3x224x224, --size 800x500.
    static std::vector<int> dims(const std::string& name, const std::string& text,
                                 std::size_t count, int min = 0,
                                 int max = std::numeric_limits<int>::max());
    // "A,B,C,D": exactly `count` whole numbers in min..max separated by commas (--roi, --pad);
    // with `oneForAll`, a single value stands for all of them.
    static std::vector<int> list(const std::string& name, const std::string& text,
                                 std::size_t count, int min, int max, bool oneForAll = false);

    // --mean: one to three numbers ("104,117,123"; one number is used for all channels).
    static std::array<float, 3> meanTriple(const std::string& text);

    // --method: a conv method's name (core::convMethodFromName).
    static core::ConvMethod convMethod(const std::string& text);

private:
    std::map<std::string, std::string> m_values;
};

// Takes the options every mode of convscope accepts, wherever they stand (`--isa NAME`: the kernel
// variant, cpu/isa.h), out of args and applies them. Throws std::invalid_argument or core::Error
// naming the option.
void applyGlobalOptions(std::vector<std::string>& args);

// --scale, --mean, --swap-rb and --crop (`convscope run` and `convscope shot`).
core::io::Preprocessing preprocessingOptions(const Arguments& a);

}  // namespace convscope::app
