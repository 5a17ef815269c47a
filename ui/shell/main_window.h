// The ConvScope main window: the three linked teaching views (TeachingLayout) of one
// TeachingController, the network tabs, the layer form, the whole image with its region of
// interest and full-size result, playback, remembered settings. It builds the layout and wires
// the parts: MainMenus (menus, shortcuts), SessionState (AppState in and out), ImageLoader and
// KernelLoader (files, off the GUI thread), ViewExporter (the exportable views).
#pragma once

#include <QImage>
#include <QMainWindow>
#include <QString>
#include <functional>
#include <memory>

#include "shell/app_state.h"
#include "shell/view_export.h"

class QLabel;
class QProgressBar;
class QTabWidget;
class QToolButton;

namespace convscope::ui {

class ConvolutionView;
class LessonBar;
struct AnimationSettings;
class PresentationMode;
class QuizPanel;
class LiveController;
class FcPanel;
class FiltersPanel;
class ModelPanel;
class NetworkController;
class ProfilePanel;
class ControlsPanel;
class GemmPanel;
class Im2colPanel;
class ImageLoader;
class ImageView;
class KernelLoader;
class MainMenus;
class SessionState;
class TeachingLayout;
class PlaybackBar;
class RoiView;
class TeachingController;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Loads an image file off the GUI thread; emits imageLoaded() when it is shown, or
    // imageLoadFailed() with the reason (also shown in the status bar; the current image is kept).
    void openImage(const QString& path);
    QSize imageSize() const;
    QString imageName() const;

    TeachingController* controller() const { return m_controller; }
    ConvolutionView* convolutionView() const { return m_conv; }
    Im2colPanel* im2colPanel() const { return m_im2col; }
    GemmPanel* gemmPanel() const { return m_gemm; }
    ControlsPanel* controlsPanel() const { return m_controls; }
    PlaybackBar* playbackBar() const { return m_playback; }
    NetworkController* network() const { return m_network; }
    ModelPanel* modelPanel() const { return m_modelPanel; }
    FiltersPanel* filtersPanel() const { return m_filters; }
    FcPanel* fcPanel() const { return m_fc; }
    ProfilePanel* profilePanel() const { return m_profile; }
    // The tabs of the central area, in order.
    enum Tab { ConvolutionTab, FiltersTab, FullyConnectedTab, ProfileTab, LiveTab };
    void showTab(Tab tab);
    Tab currentTab() const;
    // Parses a kernel file (.npy, CSV, JSON, image) off the GUI thread into the teaching view:
    // kernelLoaded() when it is in use, or kernelLoadFailed() with the reason (also in the status
    // bar; the current kernel is kept).
    void loadKernel(const QString& path);

    // The whole state (sessions, lesson steps) out and in. applyState checks everything first (the
    // image decodes, the region fits it, the layer fits the region, the step exists) and changes
    // nothing when something is wrong. A state whose image is the one on show is applied at once:
    // true, or false with the reason in `error`. A new image is decoded off the GUI thread first:
    // true, and stateApplied() or stateFailed(reason) follows. Both signals also follow an
    // immediate result.
    AppState captureState() const;
    bool applyState(const AppState& state, QString* error);
    // A session or lesson file (.json); an image otherwise. False with the reason for a state file
    // that cannot be used (shown in the status bar; the current state is kept); when its image
    // still decodes, true and stateApplied() or stateFailed() follows.
    bool openFile(const QString& path);
    bool saveSession(const QString& path, QString* error) const;
    // Renders the current state's teaching views step by step into a GIF or MP4, with a progress
    // dialog and Cancel. False with the reason (also in the status bar).
    bool exportAnimation(const AnimationSettings& settings, QString* error);
    LessonBar* lessonBar() const { return m_lesson; }
    PresentationMode* presentation() const { return m_presentation; }
    QuizPanel* quizPanel() const { return m_quiz; }
    LiveController* live() const { return m_live; }
    // Presentation mode on or off (F5), on the screen and zoom chosen in the View menu.
    void setPresentation(bool on);
    // Writes a view as PNG or SVG (by extension). False with the reason.
    bool exportViewTo(ExportableView view, const QString& path, QString* error) const;
    // Whether sessions embed the image (PNG) instead of referencing its file.
    void setEmbedImages(bool on);

signals:
    void imageLoaded();
    void imageLoadFailed(const QString& reason);
    void kernelLoaded();
    void kernelLoadFailed(const QString& reason);
    void stateApplied();
    void stateFailed(const QString& reason);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    friend class MainMenus;  // the menus trigger the panels' own actions
    void buildDocks();
    void buildStatusBar();
    void wire();
    void showStatus();
    void showImage(const QImage& image, const QString& name, const QString& path,
                   const QString& key);
    void applyStateThen(const AppState& state, std::function<void(bool, const QString&)> done);
    void useModelFilter(int row, int filter);
    void message(const QString& text, int timeoutMs);

    TeachingController* m_controller;
    NetworkController* m_network;
    QTabWidget* m_tabs = nullptr;
    TeachingLayout* m_teaching = nullptr;
    ModelPanel* m_modelPanel = nullptr;
    FiltersPanel* m_filters = nullptr;
    FcPanel* m_fc = nullptr;
    ProfilePanel* m_profile = nullptr;
    ConvolutionView* m_conv = nullptr;
    Im2colPanel* m_im2col = nullptr;
    GemmPanel* m_gemm = nullptr;
    ControlsPanel* m_controls = nullptr;
    PlaybackBar* m_playback = nullptr;
    RoiView* m_roiView = nullptr;
    ImageView* m_fullView = nullptr;
    QLabel* m_info = nullptr;
    QProgressBar* m_progress = nullptr;
    QToolButton* m_cancel = nullptr;
    qint64 m_networkImageKey = 0;
    LessonBar* m_lesson = nullptr;
    PresentationMode* m_presentation = nullptr;
    QuizPanel* m_quiz = nullptr;
    LiveController* m_live = nullptr;
    SessionState* m_session = nullptr;
    ImageLoader* m_images = nullptr;
    KernelLoader* m_kernels = nullptr;
    MainMenus* m_menus = nullptr;
    std::unique_ptr<ViewExporter> m_exporter;
};

}  // namespace convscope::ui
