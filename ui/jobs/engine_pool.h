// The one thread that runs the engine in the background, for every controller. OpenMP gives each
// thread that starts parallel regions its own team of workers; with several such threads (a
// thread pool's, a worker's, the GUI's) there are more OpenMP threads than cores, and libgomp
// then lets idle workers sleep after a few spins. Waking them costs milliseconds on some machines
// (measured here: LeNet's fc layer at 5–20 ms per call instead of 0.01 ms). So all engine work in
// the GUI runs on this single persistent thread: one team, the same figures as the CLI, and a
// profile is never disturbed by other engine work (which waits its turn). Quick work on the GUI
// thread runs there under core::ThreadLimit(1), which starts no team.
#pragma once

#include <QThreadPool>

namespace convscope::ui {

// A pool of exactly one thread that never expires (its OpenMP team lives as long as the app).
QThreadPool* enginePool();

}  // namespace convscope::ui
