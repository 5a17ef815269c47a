// Shared by the libFuzzer harnesses (tests/fuzz/README.md): a per-process scratch folder for the
// readers that take a path, the split of one input into two files, and the one rule every harness
// checks: the io layer throws core::Error and nothing else.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>

namespace convscope::fuzz {

// A folder of this process's own (/dev/shm when there is one: no disk writes per input), removed
// when the process exits normally. A crashed run leaves it behind, with the input that crashed it.
class Scratch {
public:
    static Scratch& get() {
        static Scratch s;
        return s;
    }
    // Writes the bytes to <folder>/<name> (replacing it) and returns its path.
    std::string write(const std::string& name, std::string_view bytes) {
        const std::string path = (m_dir / name).string();
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), std::streamsize(bytes.size()));
        return path;
    }
    std::string path(const std::string& name) const { return (m_dir / name).string(); }

private:
    Scratch() {
        namespace fs = std::filesystem;
        const fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm")
                                                            : fs::temp_directory_path();
        m_dir = base / ("convscope-fuzz-" + std::to_string(::getpid()));
        fs::create_directories(m_dir);
    }
    ~Scratch() {
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
    std::filesystem::path m_dir;
};

// The line that separates the two files of a two-file input (a prototxt and its caffemodel, a
// Darknet cfg and its weights). Seeds are written with it (make_seeds.cpp); without it the whole
// input is the first file and the second is empty.
constexpr std::string_view kSplit = "\n#--convscope-fuzz-split--\n";

inline std::pair<std::string_view, std::string_view> splitInput(std::string_view in) {
    const std::size_t at = in.find(kSplit);
    if (at == std::string_view::npos) return {in, {}};
    return {in.substr(0, at), in.substr(at + kSplit.size())};
}

inline std::string_view bytesOf(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

}  // namespace convscope::fuzz
