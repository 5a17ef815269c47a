// The engine thread.
#include "jobs/engine_pool.h"

namespace convscope::ui {

QThreadPool* enginePool() {
    static QThreadPool* pool = [] {
        auto* p = new QThreadPool;  // lives until exit: threads must not outlive their pool
        p->setMaxThreadCount(1);
        p->setExpiryTimeout(-1);
        return p;
    }();
    return pool;
}

}  // namespace convscope::ui
