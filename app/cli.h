// The headless subcommands of `convscope` (bench, im2col). Start at runCli().
#pragma once

#include <string>
#include <vector>

namespace convscope::app {

// True if argv[1] names a subcommand (or --help / --version), i.e. the GUI should not start.
bool isCliInvocation(const std::vector<std::string>& args);

// Runs the subcommand in args[0] with the rest as its options. Returns the process exit code:
// 0 success, 2 bad arguments or bad input (one-line reason on stderr), 1 unexpected failure.
int runCli(const std::vector<std::string>& args);

}  // namespace convscope::app
