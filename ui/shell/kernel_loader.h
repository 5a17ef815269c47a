// Kernel files (.npy, CSV, JSON, an image as a template) parsed off the GUI thread for the window.
#pragma once

#include <QObject>
#include <QString>
#include <functional>

#include "io/kernel_files.h"
#include "jobs/job_tracker.h"

namespace convscope::ui {

class KernelLoader : public QObject {
    Q_OBJECT
public:
    explicit KernelLoader(QObject* parent = nullptr);
    // Parses `path` on Qt's pool; on the GUI thread `done(file)` or `failed(reason)` follows
    // (reason: the parser's message naming the file and the problem). A newer load() makes an
    // older one stale.
    void load(const QString& path, std::function<void(core::io::KernelFile)> done,
              std::function<void(QString)> failed);
    bool busy() const { return m_jobs.running(); }

private:
    JobTracker m_jobs;
};

}  // namespace convscope::ui
