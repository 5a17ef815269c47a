// JobTracker's bookkeeping: request numbers, cancel flags, stale results.
#include "jobs/job_tracker.h"

namespace convscope::ui {

bool JobControl::cancelled() const {
    return m_cancel->load() || (m_latestWins && m_shared->latest.load() != m_request);
}

std::function<bool()> JobControl::cancelPredicate() const {
    return [control = *this] { return control.cancelled(); };
}

void JobControl::post(std::function<void()> f) const {
    // The tracker waits for its jobs before it goes, so it is alive here; a call still queued
    // when it is destroyed is dropped with it.
    JobTracker* tracker = m_tracker;
    QMetaObject::invokeMethod(
        tracker,
        [tracker, request = m_request, f = std::move(f)] {
            if (tracker->isCurrent(request)) f();
        },
        Qt::QueuedConnection);
}

JobTracker::JobTracker(Policy policy, QObject* parent) : QObject(parent), m_policy(policy) {}

JobTracker::~JobTracker() {
    for (auto& [request, flag] : m_flags) *flag = true;
    waitForAll();
}

JobControl JobTracker::begin() {
    if (m_policy == Policy::LatestWins) cancel();  // the newest request wins
    JobControl c;
    c.m_tracker = this;
    c.m_request = m_shared->latest.load() + 1;
    c.m_latestWins = m_policy == Policy::LatestWins;
    c.m_cancel = std::make_shared<std::atomic_bool>(false);
    c.m_shared = m_shared;
    m_flags[c.m_request] = c.m_cancel;
    m_shared->latest = c.m_request;
    return c;
}

bool JobTracker::finish(int request) {
    m_flags.erase(request);
    if (!isCurrent(request)) return false;
    if (m_policy == Policy::LatestWins) m_done = request;
    return true;
}

bool JobTracker::isCurrent(int request) const {
    if (request <= m_floor) return false;
    return m_policy == Policy::KeepAll || request == m_shared->latest.load();
}

bool JobTracker::running() const {
    if (m_policy == Policy::KeepAll) return !m_flags.empty();
    const int latest = m_shared->latest.load();
    return latest > m_done && latest > m_floor;
}

void JobTracker::cancel() {
    const auto it = m_flags.find(m_shared->latest.load());
    if (it != m_flags.end()) *it->second = true;
}

void JobTracker::invalidate() {
    for (auto& [request, flag] : m_flags) *flag = true;
    // A number no job holds: queued jobs see themselves superseded, running() turns false.
    m_floor = ++m_shared->latest;
}

void JobTracker::waitForAll() {
    for (auto* watcher : findChildren<QFutureWatcherBase*>()) watcher->waitForFinished();
}

}  // namespace convscope::ui
