// The headless subcommands of `convscope` (bench, im2col). Start at runCli().
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace convscope::app {

// True if argv[1] names a subcommand (or --help / --version), i.e. the GUI should not start.
bool isCliInvocation(const std::vector<std::string>& args);

// The window's command line, checked before any window opens: [--present] [FILE] and Qt's own
// options (-platform NAME, -style NAME, ...). A word that is neither an option nor an existing
// file is taken as a mistyped subcommand (the nearest one is suggested); a FILE that does not
// exist or is a directory is an error too. Returns 0 when the window may start, else prints the
// reason and returns 2.
int checkWindowArguments(const std::vector<std::string>& args);

// The exit-code contract of every subcommand in one place: runs body(), turns its exceptions into
// "convscope COMMAND: reason" on stderr and exit 2 (bad arguments or input, out of memory) or 1
// (an unexpected failure).
int guarded(const std::string& command, const std::function<int()>& body);

// Runs the subcommand in args[0] with the rest as its options. Returns the process exit code:
// 0 success, 2 bad arguments or bad input (one-line reason on stderr), 1 unexpected failure.
int runCli(const std::vector<std::string>& args);

}  // namespace convscope::app
