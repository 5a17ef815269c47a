// Architecture rule: the engine under core/ includes no Qt header (core must build without Qt).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

TEST(Architecture, CoreHasNoQtIncludes) {
    const std::regex qtInclude(R"(^\s*#\s*include\s*[<"](Q[A-Za-z]+|Qt[A-Za-z]*/))");
    int files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(CONVSCOPE_SOURCE_DIR "/core")) {
        const auto ext = entry.path().extension();
        if (ext != ".h" && ext != ".cpp") continue;
        ++files;
        std::ifstream in(entry.path());
        std::string line;
        for (int n = 1; std::getline(in, line); ++n)
            EXPECT_FALSE(std::regex_search(line, qtInclude)) << entry.path() << ":" << n << ": " << line;
    }
    EXPECT_GT(files, 20);
}
