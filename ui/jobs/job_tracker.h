// JobTracker: every background job of the GUI goes through one of these (hotspot's JobTracker).
// Start with JobTracker::start(); the rest of this header is what a job and its owner may ask.
//
// One tracker is one lane of jobs of one kind (the full-size run, the feature maps, a model load):
//   - each start() gets the next request number; with LatestWins (the default) a newer start makes
//     every older request stale: its cancel flag is raised and its result is dropped unseen;
//   - cancel() raises the current request's flag; the job polls JobControl::cancelled() (hand
//     JobControl::cancelPredicate() to core's ForwardContext::cancelled) and its result, usually
//     "cancelled", is still delivered;
//   - results and JobControl::post() calls (progress) arrive on the tracker's (the GUI) thread,
//     and only while their request is current;
//   - the destructor cancels every job and waits for them, so no job outlives its owner.
// Jobs run on the engine thread (engine_pool.h) unless start() is given another pool.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <type_traits>
#include <utility>

#include "jobs/engine_pool.h"

namespace convscope::ui {

class JobTracker;

// What a running job sees of its request. Cheap to copy; safe to use from the worker thread.
class JobControl {
public:
    int request() const { return m_request; }
    // True once cancel() was called for this request or (LatestWins) a newer one started.
    bool cancelled() const;
    // The same, as a predicate for the engine (core::ForwardContext::cancelled and friends).
    std::function<bool()> cancelPredicate() const;
    // Runs `f` on the tracker's thread, unless the request is stale by then (progress, stages).
    void post(std::function<void()> f) const;

private:
    friend class JobTracker;
    struct Shared {
        std::atomic_int latest{0};  // the tracker's newest request
    };
    JobTracker* m_tracker = nullptr;
    int m_request = 0;
    bool m_latestWins = true;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::shared_ptr<const Shared> m_shared;
};

class JobTracker : public QObject {
    Q_OBJECT
public:
    enum class Policy {
        LatestWins,  // a newer request makes older ones stale (the usual case)
        KeepAll,     // every result is delivered (independent measurements)
    };
    explicit JobTracker(Policy policy = Policy::LatestWins, QObject* parent = nullptr);
    ~JobTracker() override;  // cancels every job and waits for them

    // Runs `work(const JobControl&)` on `pool` and hands its result to `done(Result)` on this
    // thread, unless the request is stale by then. Returns the request number.
    template <class Work, class Done>
    int start(Work work, Done done, QThreadPool* pool = enginePool()) {
        using Result = std::invoke_result_t<Work&, const JobControl&>;
        static_assert(!std::is_void_v<Result>, "a job returns its result");
        const JobControl control = begin();
        auto* watcher = new QFutureWatcher<Result>(this);
        connect(watcher, &QFutureWatcherBase::finished, this,
                [this, watcher, request = control.request(), done = std::move(done)]() mutable {
                    watcher->deleteLater();
                    if (!finish(request)) return;  // stale
                    done(watcher->result());
                });
        watcher->setFuture(QtConcurrent::run(
            pool, [work = std::move(work), control]() mutable { return work(control); }));
        return control.request();
    }

    // The newest request has not delivered yet (LatestWins); any job is running (KeepAll).
    bool running() const;
    int latestRequest() const { return m_shared->latest.load(); }
    bool isCurrent(int request) const;
    // Raises the newest request's cancel flag; its result is still delivered.
    void cancel();
    // Makes every request stale (their results are dropped) and raises their cancel flags.
    void invalidate();
    // Blocks until every job has ended (tests, destructors). Results still arrive as events.
    void waitForAll();

private:
    JobControl begin();
    bool finish(int request);  // bookkeeping; false when the result must be dropped

    Policy m_policy;
    std::shared_ptr<JobControl::Shared> m_shared = std::make_shared<JobControl::Shared>();
    std::map<int, std::shared_ptr<std::atomic_bool>> m_flags;  // every unfinished job's
    int m_done = 0;   // LatestWins: the newest request that delivered
    int m_floor = 0;  // requests up to this one were invalidated
};

}  // namespace convscope::ui
