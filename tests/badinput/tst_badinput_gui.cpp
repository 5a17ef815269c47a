// The bad-input files through the window's own entry points (offscreen): every image, model,
// kernel file, session and lesson of the manifest that badinput.py generates is opened the way
// File ▸ Open, Open Model and Load Kernel do. A refused file must give a message matching the
// manifest's pattern and leave the window's state as it was; a good one must open. The window
// never crashes, hangs or shows an unexpected internal error. The files' folder comes from
// CONVSCOPE_BADINPUT_DIR (the ctest fixture badinput_files writes it); without it the test skips.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStatusBar>
#include <QtTest>

#include "network/network_controller.h"
#include "shell/app_state.h"
#include "shell/main_window.h"

using namespace convscope;
using ui::MainWindow;

namespace {

constexpr int kWaitMs = 60000;

// The first of two signals to fire: 0 or 1, or -1 after kWaitMs.
int firstOf(QSignalSpy& a, QSignalSpy& b) {
    QElapsedTimer t;
    t.start();
    while (a.isEmpty() && b.isEmpty() && t.elapsed() < kWaitMs) QTest::qWait(20);
    return !a.isEmpty() ? 0 : !b.isEmpty() ? 1 : -1;
}

}  // namespace

class TestBadInputGui : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        m_dir = qEnvironmentVariable("CONVSCOPE_BADINPUT_DIR");
        QFile f(m_dir + QStringLiteral("/manifest.json"));
        if (m_dir.isEmpty() || !f.open(QIODevice::ReadOnly))
            QSKIP("no CONVSCOPE_BADINPUT_DIR/manifest.json (badinput.py generate DIR writes it)");
        m_entries = QJsonDocument::fromJson(f.readAll()).object().value("entries").toArray();
        QVERIFY(m_entries.size() > 100);
    }

    void everyFileOfTheManifest_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("config");
        QTest::addColumn<QString>("expect");
        QTest::addColumn<QString>("pattern");
        for (const QJsonValue& v : m_entries) {
            const QJsonObject e = v.toObject();
            const QString file = e.value("file").toString();
            const QString config = e.value("config").toString();
            QTest::newRow(qPrintable(e.value("kind").toString() + ": " + file +
                                     (config.isEmpty() ? QString() : " + " + config)))
                << e.value("kind").toString() << m_dir + '/' + file
                << (e.contains("config") ? m_dir + '/' + e.value("config").toString() : QString())
                << e.value("expect").toString() << e.value("message").toString();
        }
    }

    void everyFileOfTheManifest() {
        QFETCH(QString, kind);
        QFETCH(QString, file);
        QFETCH(QString, config);
        QFETCH(QString, expect);
        QFETCH(QString, pattern);
        const QRegularExpression re(pattern);
        QVERIFY2(re.isValid(), qPrintable(pattern));
        MainWindow w;
        const ui::AppState before = w.captureState();
        bool refused = false;
        QString message;
        if (kind == QLatin1String("kernel")) {
            QSignalSpy ok(&w, &MainWindow::kernelLoaded), failed(&w, &MainWindow::kernelLoadFailed);
            w.loadKernel(file);
            const int which = firstOf(ok, failed);
            QVERIFY2(which >= 0, "no answer in time");
            refused = which == 1;
            if (refused) message = failed.first().first().toString();
        } else if (kind == QLatin1String("model")) {
            ui::NetworkController* net = w.network();
            QSignalSpy ok(net, &ui::NetworkController::modelChanged),
                failed(net, &ui::NetworkController::modelFailed);
            net->openModel(file, config);
            const int which = firstOf(ok, failed);
            QVERIFY2(which >= 0, "no answer in time");
            // A model whose layer cannot run opens browsable, naming the problem.
            refused = which == 1 || !net->problem().isEmpty();
            message = which == 1 ? failed.first().first().toString() : net->problem();
        } else {  // image, session, lesson: File ▸ Open
            QSignalSpy imageOk(&w, &MainWindow::imageLoaded),
                imageFailed(&w, &MainWindow::imageLoadFailed),
                stateOk(&w, &MainWindow::stateApplied), stateFailed(&w, &MainWindow::stateFailed);
            const bool accepted = w.openFile(file);
            if (!accepted) {
                refused = true;
                message = w.statusBar()->currentMessage();
            } else {
                QElapsedTimer t;
                t.start();
                while (imageOk.isEmpty() && imageFailed.isEmpty() && stateOk.isEmpty() &&
                       stateFailed.isEmpty() && t.elapsed() < kWaitMs)
                    QTest::qWait(20);
                QVERIFY2(t.elapsed() < kWaitMs, "no answer in time");
                refused = !imageFailed.isEmpty() || !stateFailed.isEmpty();
                if (!imageFailed.isEmpty()) message = imageFailed.first().first().toString();
                if (!stateFailed.isEmpty()) message = stateFailed.first().first().toString();
                // A truncated image opens with a warning in the status bar: the file is named.
                if (!refused && kind == QLatin1String("image") && expect != QLatin1String("ok")) {
                    const QString shown = w.statusBar()->currentMessage();
                    QVERIFY2(re.match(shown).hasMatch(),
                             qPrintable("opened without a warning matching " + pattern + ": '" +
                                        shown + "'"));
                    return;
                }
            }
        }
        QVERIFY2(!message.contains(QStringLiteral("unexpected error")), qPrintable(message));
        if (expect == QLatin1String("ok")) {
            QVERIFY2(!refused, qPrintable("refused a good file: " + message));
            return;
        }
        if (expect == QLatin1String("refuse")) QVERIFY2(refused, "a bad file was accepted");
        if (refused) {
            QVERIFY2(re.match(message).hasMatch(),
                     qPrintable("message '" + message + "' does not match " + pattern));
            if (kind != QLatin1String("model"))  // a browsable model replaces the last one
                QVERIFY2(w.captureState() == before, "a refused file changed the state");
        }
    }

private:
    QString m_dir;
    QJsonArray m_entries;
};

QTEST_MAIN(TestBadInputGui)
#include "tst_badinput_gui.moc"
