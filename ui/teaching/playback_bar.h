// Playback of the steps: first / back / play-pause / forward / last, a scrub slider and a speed.
// A timer on the GUI thread advances the controller's step over data already computed.
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;
class QTimer;
class QToolButton;

namespace convscope::ui {

class TeachingController;

class PlaybackBar : public QWidget {
    Q_OBJECT
public:
    explicit PlaybackBar(TeachingController* controller, QWidget* parent = nullptr);
    bool playing() const;
    int stepsPerSecond() const;

public slots:
    void togglePlay();
    void faster();
    void slower();

private:
    void sync();
    TeachingController* m_controller;
    QToolButton *m_first, *m_back, *m_play, *m_forward, *m_last;
    QSlider* m_slider;
    QComboBox* m_speed;
    QLabel* m_label;
    QTimer* m_timer;
};

}  // namespace convscope::ui
