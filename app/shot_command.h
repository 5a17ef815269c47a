// `convscope shot`: parses the options and renders a teaching view headless (ui/headless/shot.h).
#pragma once

#include <string>
#include <vector>

namespace convscope::app {

// Needs a QApplication (main() creates one on the offscreen platform). Exit codes as runCli.
int runShot(const std::vector<std::string>& args);
// `convscope render`: the teaching views step by step into a GIF or MP4.
int runRender(const std::vector<std::string>& args);

}  // namespace convscope::app
