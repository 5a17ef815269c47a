// KernelLoader: core's kernel-file parser on a worker.
#include "shell/kernel_loader.h"

#include <optional>

#include "base/error.h"

namespace convscope::ui {

KernelLoader::KernelLoader(QObject* parent) : QObject(parent) {}

void KernelLoader::load(const QString& path, std::function<void(core::io::KernelFile)> done,
                        std::function<void(QString)> failed) {
    struct Result {
        std::optional<core::io::KernelFile> file;
        QString error;
    };
    m_jobs.start(
        [p = path.toStdString()](const JobControl&) {
            Result r;
            try {
                r.file = core::io::loadKernelFile(p);
            } catch (const core::Error& e) {
                r.error = QString::fromStdString(e.what());
            }
            return r;
        },
        [done = std::move(done), failed = std::move(failed)](Result r) {
            if (r.file)
                done(std::move(*r.file));
            else
                failed(r.error);
        },
        QThreadPool::globalInstance());  // file parsing, not engine work
}

}  // namespace convscope::ui
