// JobTracker on its own: stale results are dropped, cancel reaches the job, progress arrives on
// the GUI thread, KeepAll delivers every result, and the destructor waits for running jobs.
#include <QSignalSpy>
#include <QThread>
#include <QtTest>
#include <atomic>
#include <chrono>
#include <thread>

#include "jobs/job_tracker.h"

using convscope::ui::JobControl;
using convscope::ui::JobTracker;

namespace {
// Spins until `flag` is set (or 10 s pass), so a test controls when a job ends.
void waitUntil(const std::atomic_bool& flag) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!flag && std::chrono::steady_clock::now() < end)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}
}  // namespace

class TestJobTracker : public QObject {
    Q_OBJECT
private slots:
    void newerRequestsMakeOlderOnesStale() {
        JobTracker jobs;
        std::atomic_bool release{false}, firstSawCancel{false};
        QList<int> delivered;
        const int first = jobs.start(
            [&](const JobControl& job) {
                waitUntil(release);
                firstSawCancel = job.cancelled();
                return 1;
            },
            [&](int v) { delivered << v; });
        const int second =
            jobs.start([](const JobControl&) { return 2; }, [&](int v) { delivered << v; });
        QVERIFY(second > first);
        QVERIFY(!jobs.isCurrent(first));
        QVERIFY(jobs.running());
        release = true;
        QTRY_VERIFY_WITH_TIMEOUT(!jobs.running(), 10000);
        QCoreApplication::processEvents();  // let a (wrong) stale delivery show up
        QCOMPARE(delivered, QList<int>{2});
        QVERIFY(firstSawCancel);  // a superseded job reads as cancelled
    }

    void invalidateDropsEverything() {
        JobTracker jobs;
        std::atomic_bool release{false};
        bool delivered = false;
        jobs.start(
            [&](const JobControl& job) {
                waitUntil(release);
                return job.cancelled();
            },
            [&](bool) { delivered = true; });
        jobs.invalidate();
        QVERIFY(!jobs.running());
        release = true;
        jobs.waitForAll();
        QTest::qWait(50);
        QVERIFY(!delivered);
    }

    void cancelReachesTheJobAndItsResultArrives() {
        JobTracker jobs;
        std::atomic_bool started{false};
        QString result;
        jobs.start(
            [&](const JobControl& job) {
                started = true;
                const auto cancelled = job.cancelPredicate();  // as core's ForwardContext takes it
                const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
                while (!cancelled() && std::chrono::steady_clock::now() < end)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                return cancelled() ? QStringLiteral("cancelled") : QStringLiteral("timed out");
            },
            [&](QString r) { result = r; });
        waitUntil(started);
        jobs.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(result, QStringLiteral("cancelled"), 10000);
        QVERIFY(!jobs.running());
    }

    void progressArrivesOnTheGuiThread() {
        JobTracker jobs;
        QList<int> progress;
        bool onGuiThread = true;
        bool done = false;
        jobs.start(
            [&](const JobControl& job) {
                for (int i = 1; i <= 3; ++i)
                    job.post([&, i] {
                        onGuiThread = onGuiThread && QThread::currentThread() == qApp->thread();
                        progress << i;
                    });
                return 0;
            },
            [&](int) { done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
        QCOMPARE(progress, (QList<int>{1, 2, 3}));  // posted before the result: delivered first
        QVERIFY(onGuiThread);
    }

    void staleProgressIsDropped() {
        JobTracker jobs;
        std::atomic_bool release{false};
        int progress = 0;
        jobs.start(
            [&](const JobControl& job) {
                waitUntil(release);
                job.post([&] { ++progress; });
                return 0;
            },
            [](int) {});
        jobs.start([](const JobControl&) { return 0; }, [](int) {});
        release = true;
        jobs.waitForAll();
        QTest::qWait(50);
        QCOMPARE(progress, 0);
    }

    void keepAllDeliversEveryResult() {
        JobTracker jobs(JobTracker::Policy::KeepAll);
        QList<int> delivered;
        for (int i = 0; i < 3; ++i)
            jobs.start([i](const JobControl& job) { return job.cancelled() ? -1 : i; },
                       [&](int v) { delivered << v; });
        QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 3, 10000);
        std::sort(delivered.begin(), delivered.end());
        QCOMPARE(delivered, (QList<int>{0, 1, 2}));
    }

    void destructionCancelsAndWaits() {
        auto finished = std::make_shared<std::atomic_bool>(false);
        auto sawCancel = std::make_shared<std::atomic_bool>(false);
        std::atomic_bool started{false};
        {
            JobTracker jobs;
            jobs.start(
                [&started, finished, sawCancel](const JobControl& job) {
                    started = true;
                    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
                    while (!job.cancelled() && std::chrono::steady_clock::now() < end)
                        std::this_thread::sleep_for(std::chrono::milliseconds(1));
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                    *sawCancel = job.cancelled();
                    *finished = true;
                    return 0;
                },
                [](int) { QFAIL("a destroyed tracker delivers nothing"); });
            waitUntil(started);
        }
        QVERIFY(*finished);  // the destructor returned only after the job ended
        QVERIFY(*sawCancel);
        QTest::qWait(20);
    }
};

QTEST_MAIN(TestJobTracker)
#include "tst_job_tracker.moc"
