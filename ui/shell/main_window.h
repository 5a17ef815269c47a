// The ConvScope main window: the three linked teaching views (convolution, im2col, GEMM) of one
// TeachingController, the layer form, the whole image with its region of interest and full-size
// result, playback, menus and shortcuts, remembered settings. It only wires widgets together.
#pragma once

#include <QImage>
#include <QMainWindow>
#include <QString>
#include <optional>

#include "jobs/job_tracker.h"
#include "shell/app_state.h"

class QAction;
class QLabel;
class QMenu;
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
class ImageView;
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
    // Loads a kernel file (.npy, CSV, JSON, image) into the teaching view; false with the reason
    // in the status bar when the file is not a kernel (the current kernel is kept).
    bool loadKernel(const QString& path);

    // The whole state (sessions, lesson steps) out and in. applyState checks everything first (the
    // image decodes, the region fits it, the layer fits the region, the step exists) and changes
    // nothing when something is wrong: false with the reason in `error`.
    AppState captureState() const;
    bool applyState(const AppState& state, QString* error);
    // A session or lesson file (.json); an image otherwise. False with the reason for a state file
    // that cannot be used (shown in the status bar; the current state is kept).
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
    // Writes a view as PNG or SVG (by extension): 0 convolution, 1 im2col, 2 GEMM, 3 filter
    // gallery, 4 feature maps, 5 fully connected, 6 profile chart. False with the reason.
    bool exportViewTo(int which, const QString& path, QString* error) const;
    // Whether sessions embed the image (PNG) instead of referencing its file.
    void setEmbedImages(bool on) { m_embedImages = on; }

signals:
    void imageLoaded();
    void imageLoadFailed(const QString& reason);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct LoadedImage {
        QImage image;
        QString error;
    };
    void createMenus();
    void chooseImage();
    void exportView(int which);
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void showStatus();
    void saveLayer() const;
    void restoreLayer();
    void chooseKernel();
    void chooseStateFile();
    void chooseSaveSession();
    void chooseSaveLesson();
    void showImage(const QImage& image, const QString& name, const QString& path,
                   const QString& key);
    void selectModelLayer(const QString& name);
    void useModelFilter(int row, int filter);

    TeachingController* m_controller;
    NetworkController* m_network;
    QTabWidget* m_tabs = nullptr;
    ModelPanel* m_modelPanel = nullptr;
    FiltersPanel* m_filters = nullptr;
    FcPanel* m_fc = nullptr;
    ProfilePanel* m_profile = nullptr;
    ConvolutionView* m_conv = nullptr;
    QLabel* m_formula = nullptr;
    Im2colPanel* m_im2col = nullptr;
    GemmPanel* m_gemm = nullptr;
    ControlsPanel* m_controls = nullptr;
    PlaybackBar* m_playback = nullptr;
    RoiView* m_roiView = nullptr;
    ImageView* m_fullView = nullptr;
    QLabel* m_info = nullptr;
    QProgressBar* m_progress = nullptr;
    QToolButton* m_cancel = nullptr;
    QMenu* m_recentMenu = nullptr;
    qint64 m_networkImageKey = 0;
    QString m_imagePath;  // the file the current image came from; empty for the built-in photo
    QString m_imageKey;   // identifies the current image's source (path, embedded bytes, built-in)
    QByteArray m_imagePng;  // the current image's bytes when it came from a state file
    bool m_embedImages = false;
    LessonBar* m_lesson = nullptr;
    PresentationMode* m_presentation = nullptr;
    QuizPanel* m_quiz = nullptr;
    LiveController* m_live = nullptr;
    QAction* m_presentAction = nullptr;
    // The network side of a state applied while its model was still loading.
    QString m_pendingModelLayer;
    std::optional<core::io::Preprocessing> m_pendingPreprocessing;
    JobTracker m_imageJobs;  // image decoding: the newest request wins
};

}  // namespace convscope::ui
