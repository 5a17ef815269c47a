// LiveController's capture loop and LivePanel.
#include "classroom/live_view.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <chrono>

#include "base/error.h"
#include "io/video_source.h"
#include "jobs/engine_pool.h"
#include "layers/convolution.h"
#include "teaching/teaching_controller.h"
#include "widgets/image_view.h"

namespace convscope::ui {

LiveController::LiveController(TeachingController* teaching, QObject* parent)
    : QObject(parent), m_teaching(teaching) {
    connect(teaching, &TeachingController::changed, this, &LiveController::snapshotKernel);
    snapshotKernel();
}

LiveController::~LiveController() {
    stop();
}

void LiveController::snapshotKernel() {
    std::lock_guard lock(m_mutex);
    m_kernel.weights = m_teaching->weights();
    m_kernel.bias = m_teaching->bias();
    m_kernel.params = m_teaching->stepper().params();
    m_kernel.params.groups = m_teaching->layer().params.groups;
    m_kernel.rgb = m_teaching->layer().rgb;
    m_kernel.filter = m_teaching->filter();
    m_kernel.map = m_teaching->divergingMap();
}

QImage LiveController::frame() const {
    std::lock_guard lock(m_mutex);
    return m_frame;
}

QImage LiveController::output() const {
    std::lock_guard lock(m_mutex);
    return m_output;
}

void LiveController::start(const QString& source) {
    stop();
    m_stop = false;
    m_pending = false;

    m_fps = 0;
    m_thread = std::thread(&LiveController::loop, this, source.toStdString());
}

void LiveController::stop() {
    if (!m_thread.joinable()) return;
    m_stop = true;
    m_thread.join();
    emit stopped();
}

void LiveController::loop(std::string source) {
    auto post = [this](auto f) { QMetaObject::invokeMethod(this, f, Qt::QueuedConnection); };
    try {
        core::io::VideoSource video(source);
        post([this] { emit started(); });
        const double nominal = video.nominalFps();
        const auto period = std::chrono::duration<double>(
            video.isFile() && nominal > 0 ? 1.0 / std::min(nominal, 60.0) : 0.0);
        auto last = std::chrono::steady_clock::now();
        core::RgbImage rgb;
        while (!m_stop) {
            if (!video.read(rgb)) {
                post([this] { emit failed(tr("The camera stopped delivering frames.")); });
                return;
            }
            Kernel k;
            {
                std::lock_guard lock(m_mutex);
                k = m_kernel;
            }
            QImage frame(rgb.pixels.data(), rgb.width, rgb.height, rgb.width * 3,
                         QImage::Format_RGB888);
            frame = frame.convertToFormat(QImage::Format_RGB32);
            const core::Tensor in = imageToTensor(frame, k.rgb);
            const auto t0 = std::chrono::steady_clock::now();
            // The map on show only, by direct-simd (no col matrix), on the engine thread between
            // the other controllers' work (engine_pool.h says why).
            const int m = std::clamp(k.filter, 0, k.weights.n() - 1);
            core::Tensor out;
            std::exception_ptr failure;
            QtConcurrent::run(enginePool(), [&] {
                try {
                    core::ForwardContext ctx;
                    ctx.convMethod = core::ConvMethod::DirectSimd;
                    out = core::convolveOneFilter(in, k.params, k.weights, k.bias, m, ctx);
                } catch (...) {
                    failure = std::current_exception();
                }
            }).waitForFinished();
            if (failure) std::rethrow_exception(failure);
            m_convMs =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                    .count();
            const float* plane = out.image(0);
            const auto [lo, hi] = std::minmax_element(plane, plane + out.shape().plane());
            const QImage output = colorMapped(plane, out.w(), out.h(), k.map, *lo, *hi);
            const auto now = std::chrono::steady_clock::now();
            const double dt = std::chrono::duration<double>(now - last).count();
            last = now;
            if (dt > 0) m_fps = m_fps == 0 ? 1.0 / dt : 0.9 * m_fps + 0.1 / dt;

            if (!m_pending.exchange(true)) {  // else the GUI is behind: drop this frame
                {
                    std::lock_guard lock(m_mutex);
                    m_frame = frame;
                    m_output = output;
                }
                post([this] {
                    m_pending = false;
                    emit frameReady();
                });
            }
            // A file plays at its own rate; a camera paces itself.
            if (period.count() > 0) {
                const auto next =
                    now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(period);
                while (!m_stop && std::chrono::steady_clock::now() < next)
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        }
    } catch (const core::Error& e) {
        const QString message = QString::fromStdString(e.what());
        post([this, message] { emit failed(message); });
    }
}

LivePanel::LivePanel(LiveController* live, TeachingController* teaching, QWidget* parent)
    : QWidget(parent), m_live(live), m_teaching(teaching) {
    auto* layout = new QVBoxLayout(this);
    auto* bar = new QHBoxLayout;
    auto* label = new QLabel(tr("&Source:"), this);
    m_source = new QLineEdit(
        QSettings().value(QStringLiteral("live/source"), QStringLiteral("0")).toString(), this);
    m_source->setToolTip(tr("A camera index (0 is the first camera) or a video file"));
    label->setBuddy(m_source);
    m_start = new QPushButton(tr("Start"), this);
    m_start->setToolTip(tr("Run the current kernel on every frame"));
    m_use = new QPushButton(tr("Use This Frame"), this);
    m_use->setToolTip(
        tr("Freeze the current frame as the Convolution tab's image, to step "
           "through it"));
    m_use->setEnabled(false);
    bar->addWidget(label);
    bar->addWidget(m_source, 1);
    bar->addWidget(m_start);
    bar->addWidget(m_use);
    layout->addLayout(bar);
    auto* views = new QHBoxLayout;
    m_frameView = new ImageView(this);
    m_frameView->setAccessibleName(tr("Live frame"));
    m_outputView = new ImageView(this);
    m_outputView->setAccessibleName(tr("The current kernel's output on the live frame"));
    views->addWidget(m_frameView, 1);
    views->addWidget(m_outputView, 1);
    layout->addLayout(views, 1);
    m_status = new QLabel(tr("Stopped. The Convolution tab's kernel (and its filter, stride and "
                             "padding) runs on every frame."),
                          this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    connect(m_start, &QPushButton::clicked, this, [this] {
        if (m_live->running()) {
            m_live->stop();
            return;
        }
        QSettings().setValue(QStringLiteral("live/source"), m_source->text());
        m_status->setText(tr("Opening %1…").arg(m_source->text()));
        m_start->setText(tr("Stop"));
        m_live->start(m_source->text().trimmed());
    });
    connect(m_use, &QPushButton::clicked, this, [this] {
        const QImage f = m_live->frame();
        if (!f.isNull()) emit frameChosen(f);
    });
    connect(m_live, &LiveController::frameReady, this, [this] {
        m_frameView->setImage(m_live->frame());
        m_outputView->setImage(m_live->output());
        m_use->setEnabled(true);
        m_status->setText(tr("%1 frames/s · convolution %2 ms per frame · %3×%4 · kernel: %5")
                              .arg(m_live->fps(), 0, 'f', 1)
                              .arg(m_live->convMs(), 0, 'f', 1)
                              .arg(m_live->frame().width())
                              .arg(m_live->frame().height())
                              .arg(m_teaching->kernelSource()));
    });
    auto stopped = [this] { m_start->setText(tr("Start")); };
    connect(m_live, &LiveController::stopped, this, stopped);
    connect(m_live, &LiveController::failed, this, [this, stopped](const QString& m) {
        m_live->stop();
        stopped();
        m_status->setText(tr("Live input stopped: %1").arg(m));
    });
}

}  // namespace convscope::ui
