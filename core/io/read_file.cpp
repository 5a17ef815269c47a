// File size and path checks shared by every reader.
#include "io/read_file.h"

#include <filesystem>
#include <fstream>

#include "base/limits.h"

namespace convscope::core::io {

std::int64_t regularFileSize(const std::string& path, const char* kind) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        throw Error(ErrorCategory::Io, "'" + path + "' does not exist; check the path");
    if (fs::is_directory(status))
        throw Error(ErrorCategory::Io,
                    "'" + path + "' is a folder, not " + kind + "; give the file inside it");
    if (!fs::is_regular_file(status))
        throw Error(ErrorCategory::Io, "'" + path + "' is not a regular file (a device or a " +
                                           "pipe?); give " + kind + " file");
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) throw Error(ErrorCategory::Io, "'" + path + "' could not be read: " + ec.message());
    return std::int64_t(size);
}

std::string readFile(const std::string& path, std::int64_t maxBytes, const char* kind) {
    const std::int64_t size = regularFileSize(path, kind);
    if (size > maxBytes)
        throw Error(ErrorCategory::ResourceLimit, "'" + path + "' is " + limits::bytesText(size) +
                                                      "; " + kind + " may be up to " +
                                                      limits::bytesText(maxBytes) +
                                                      " (see Limits in convscope --help)");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCategory::Io, "'" + path + "' could not be opened for reading");
    std::string bytes(std::size_t(size), '\0');
    in.read(bytes.data(), std::streamsize(size));
    if (in.gcount() != std::streamsize(size))
        throw Error(ErrorCategory::Io, "'" + path + "' could not be read to its end");
    return bytes;
}

}  // namespace convscope::core::io
