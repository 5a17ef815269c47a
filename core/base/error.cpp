// ErrorCategory names, as shown by the CLI and the GUI.
#include "base/error.h"

namespace convscope::core {

const char* toString(ErrorCategory category) {
    switch (category) {
        case ErrorCategory::InvalidConfig:
            return "invalid configuration";
        case ErrorCategory::ShapeMismatch:
            return "shape mismatch";
        case ErrorCategory::Io:
            return "I/O error";
        case ErrorCategory::ResourceLimit:
            return "resource limit";
        case ErrorCategory::Cancelled:
            return "cancelled";
    }
    return "error";
}

}  // namespace convscope::core
