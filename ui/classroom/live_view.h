// Live input: a camera (device index) or a video file through core/io/video_source.h, with the
// teaching view's current kernel run on every frame, off the GUI thread, and the frame and its
// output shown side by side with the frame rate. LiveController owns the capture thread (its own
// std::thread, not the shared pool it would otherwise hold for minutes); LivePanel is the tab.
#pragma once

#include <QImage>
#include <QObject>
#include <QWidget>
#include <atomic>
#include <mutex>
#include <thread>

#include "base/tensor.h"
#include "conv/conv_geometry.h"
#include "render/color_map.h"

class QLabel;
class QLineEdit;
class QPushButton;

namespace convscope::ui {

class ImageView;
class TeachingController;

class LiveController : public QObject {
    Q_OBJECT
public:
    explicit LiveController(TeachingController* teaching, QObject* parent = nullptr);
    ~LiveController() override;

    bool running() const { return m_thread.joinable(); }
    // The newest frame, its output (the current filter's map, colour-mapped) and the measured
    // rates. Read on the GUI thread after frameReady.
    QImage frame() const;
    QImage output() const;
    double fps() const { return m_fps; }
    double convMs() const { return m_convMs; }

public slots:
    // Opens the source in the capture thread: started() then frameReady() per frame, or failed().
    void start(const QString& source);
    void stop();

signals:
    void started();
    void frameReady();
    void failed(const QString& message);
    void stopped();

private:
    struct Kernel {
        core::Tensor weights;
        std::vector<float> bias;
        core::WindowParams params;
        bool rgb = true;
        int filter = 0;
        core::ColorMapKind map = core::ColorMapKind::Diverging;
    };
    void snapshotKernel();
    void loop(std::string source);

    TeachingController* m_teaching;
    mutable std::mutex m_mutex;  // guards m_kernel, m_frame, m_output
    Kernel m_kernel;
    QImage m_frame, m_output;
    std::thread m_thread;
    std::atomic_bool m_stop{false};
    std::atomic_bool m_pending{false};  // a frame waits for the GUI: newer ones are dropped
    std::atomic<double> m_fps{0}, m_convMs{0};
};

class LivePanel : public QWidget {
    Q_OBJECT
public:
    LivePanel(LiveController* live, TeachingController* teaching, QWidget* parent = nullptr);

signals:
    // "Use This Frame": the frame becomes the teaching views' image.
    void frameChosen(const QImage& frame);

private:
    LiveController* m_live;
    TeachingController* m_teaching;
    QLineEdit* m_source;
    QPushButton* m_start;
    QPushButton* m_use;
    ImageView* m_frameView;
    ImageView* m_outputView;
    QLabel* m_status;
};

}  // namespace convscope::ui
