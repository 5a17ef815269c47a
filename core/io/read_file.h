// Reading a user's file, the one way every reader in core/io does it: the path checked (missing,
// a folder), the size checked against the reader's limit before a byte is read, and any failure
// inside a parser turned into a core::Error naming the file. Start at readFile().
#pragma once

#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>

#include "base/error.h"

namespace convscope::core::io {

// The size of a regular file. Throws Error(Io): "'p' does not exist", "'p' is a folder, not
// <kind>", "'p' is not a regular file".
std::int64_t regularFileSize(const std::string& path, const char* kind);

// The whole file, at most maxBytes. kind names what the file should be ("an image", "a kernel
// file") for messages. Throws as regularFileSize, Error(ResourceLimit) above maxBytes (naming the
// limit), Error(Io) when it cannot be read.
std::string readFile(const std::string& path, std::int64_t maxBytes, const char* kind);

// Runs parse() and lets only core::Error out: a parser's std::out_of_range, length_error or any
// other std::exception becomes Error(Io) "'path' could not be read: ...", std::bad_alloc becomes
// Error(ResourceLimit). Every reader's public entry point wraps its work in it, so a caller (the
// GUI, the CLI) needs to know only core::Error.
template <class Parse>
auto guardedParse(const std::string& path, Parse&& parse) -> decltype(parse()) {
    try {
        return parse();
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw Error(ErrorCategory::ResourceLimit,
                    "'" + path + "' needs more memory than this machine has to read it");
    } catch (const std::exception& e) {
        throw Error(ErrorCategory::Io, "'" + path + "' could not be read (" +
                                           std::string(e.what()) +
                                           "); the file is corrupt or not in the expected format");
    }
}

}  // namespace convscope::core::io
