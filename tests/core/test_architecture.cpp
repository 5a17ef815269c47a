// Architecture rule: the engine under core/ includes no Qt header (core must build without Qt).
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>

namespace {
// True for '#include <QWidget>', '# include "QtCore/qglobal.h"' and the like.
bool includesQt(const std::string& line) {
    std::size_t i = line.find_first_not_of(" \t");
    if (i == std::string::npos || line[i] != '#') return false;
    i = line.find_first_not_of(" \t", i + 1);
    if (i == std::string::npos || line.compare(i, 7, "include") != 0) return false;
    i = line.find_first_not_of(" \t", i + 7);
    if (i == std::string::npos || (line[i] != '<' && line[i] != '"') || i + 2 >= line.size())
        return false;
    return line[i + 1] == 'Q' &&
           (std::isupper(static_cast<unsigned char>(line[i + 2])) || line[i + 2] == 't');
}
}  // namespace

TEST(Architecture, DetectorRecognisesQtIncludes) {
    EXPECT_TRUE(includesQt("#include <QWidget>"));
    EXPECT_TRUE(includesQt("  #  include \"QtCore/qglobal.h\""));
    EXPECT_FALSE(includesQt("#include <queue>"));
    EXPECT_FALSE(includesQt("// #include <QWidget> is forbidden here"));
}

TEST(Architecture, CoreHasNoQtIncludes) {
    int files = 0;
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(CONVSCOPE_SOURCE_DIR "/core")) {
        const auto ext = entry.path().extension();
        if (ext != ".h" && ext != ".cpp") continue;
        ++files;
        std::ifstream in(entry.path());
        std::string line;
        for (int n = 1; std::getline(in, line); ++n)
            EXPECT_FALSE(includesQt(line)) << entry.path() << ":" << n << ": " << line;
    }
    EXPECT_GT(files, 20);
}

// Includes name the room from the source root ("conv/im2col.h"), never a relative path: a moved
// file keeps its includes, and a reader sees at once which concern a header belongs to.
TEST(Architecture, IncludesNameTheRoomNotARelativePath) {
    int files = 0;
    for (const char* root : {"/core", "/ui", "/app"}) {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(
                 std::string(CONVSCOPE_SOURCE_DIR) + root)) {
            const auto ext = entry.path().extension();
            if (ext != ".h" && ext != ".cpp") continue;
            ++files;
            std::ifstream in(entry.path());
            std::string line;
            for (int n = 1; std::getline(in, line); ++n)
                EXPECT_EQ(line.find("#include \"../"), std::string::npos)
                    << entry.path() << ":" << n << ": " << line;
        }
    }
    EXPECT_GT(files, 100);
}
