// Command-line option parsing for the headless subcommands: --name value / --flag, with errors
// that name the option and the expected form.
#pragma once

#include <array>
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
    double number(const std::string& name, double fallback) const;

    // "AxB" (or "A" meaning AxA) into two positive integers; for --kernel 11x11, --shape 3x224x224.
    static std::vector<int> dims(const std::string& name, const std::string& text,
                                 std::size_t count);

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
