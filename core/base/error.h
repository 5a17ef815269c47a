// The engine's single exception type. Start here to see how errors are categorised; every
// validation in core throws convscope::core::Error with one of these categories.
#pragma once

#include <stdexcept>
#include <string>

namespace convscope::core {

enum class ErrorCategory {
    InvalidConfig,  // a parameter is impossible (zero stride, kernel larger than padded input, ...)
    ShapeMismatch,  // tensors or layers do not fit together
    Io,             // a file could not be read or parsed
    ResourceLimit,  // a buffer would exceed a memory limit
    Cancelled,      // the caller asked to stop
};

const char* toString(ErrorCategory category);

// Thrown for every user-facing failure. what() is a complete one-line message: it names the layer
// or file, shows the numbers, and says how to fix it.
class Error : public std::runtime_error {
public:
    Error(ErrorCategory category, const std::string& message)
        : std::runtime_error(message), m_category(category) {}
    ErrorCategory category() const { return m_category; }

private:
    ErrorCategory m_category;
};

}  // namespace convscope::core
