// PlaybackBar: buttons, slider, speed, timer.
#include "teaching/playback_bar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

#include "teaching/teaching_controller.h"

namespace convscope::ui {

namespace {
constexpr int kSpeeds[] = {1, 2, 4, 8, 15, 30, 60};
}

PlaybackBar::PlaybackBar(TeachingController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_timer(new QTimer(this)) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    auto button = [this, layout](QStyle::StandardPixmap icon, const QString& tip) {
        auto* b = new QToolButton(this);
        b->setIcon(style()->standardIcon(icon));
        b->setToolTip(tip);
        b->setAutoRaise(true);
        layout->addWidget(b);
        return b;
    };
    m_first = button(QStyle::SP_MediaSkipBackward, tr("First step (Home)"));
    m_back = button(QStyle::SP_MediaSeekBackward, tr("Step back (Left)"));
    m_play = button(QStyle::SP_MediaPlay, tr("Play / pause (Space)"));
    m_forward = button(QStyle::SP_MediaSeekForward, tr("Step forward (Right)"));
    m_last = button(QStyle::SP_MediaSkipForward, tr("Last step (End)"));
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setToolTip(tr("Scrub through the steps: one step per output position."));
    layout->addWidget(m_slider, 1);
    m_label = new QLabel(this);
    m_label->setMinimumWidth(200);
    layout->addWidget(m_label);
    m_speed = new QComboBox(this);
    for (int s : kSpeeds) m_speed->addItem(tr("%1 steps/s").arg(s), s);
    m_speed->setCurrentIndex(2);
    m_speed->setToolTip(tr("Playback speed (+ / − to change)"));
    layout->addWidget(m_speed);

    connect(m_first, &QToolButton::clicked, this, [this] { m_controller->setStep(0); });
    connect(m_back, &QToolButton::clicked, this, [this] { m_controller->stepBy(-1); });
    connect(m_forward, &QToolButton::clicked, this, [this] { m_controller->stepBy(1); });
    connect(m_last, &QToolButton::clicked, this,
            [this] { m_controller->setStep(m_controller->stepper().steps() - 1); });
    connect(m_play, &QToolButton::clicked, this, &PlaybackBar::togglePlay);
    connect(m_slider, &QSlider::valueChanged, m_controller, &TeachingController::setStep);
    connect(m_speed, &QComboBox::currentIndexChanged, this,
            [this] { m_timer->setInterval(1000 / stepsPerSecond()); });
    m_timer->setInterval(1000 / stepsPerSecond());
    connect(m_timer, &QTimer::timeout, this, [this] { m_controller->stepBy(1); });
    connect(controller, &TeachingController::stepChanged, this, &PlaybackBar::sync);
    connect(controller, &TeachingController::changed, this, &PlaybackBar::sync);
    sync();
}

bool PlaybackBar::playing() const {
    return m_timer->isActive();
}
int PlaybackBar::stepsPerSecond() const {
    return m_speed->currentData().toInt();
}

void PlaybackBar::togglePlay() {
    if (m_timer->isActive())
        m_timer->stop();
    else
        m_timer->start();
    m_play->setIcon(
        style()->standardIcon(m_timer->isActive() ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

void PlaybackBar::faster() {
    m_speed->setCurrentIndex(std::min(m_speed->currentIndex() + 1, m_speed->count() - 1));
}
void PlaybackBar::slower() {
    m_speed->setCurrentIndex(std::max(m_speed->currentIndex() - 1, 0));
}

void PlaybackBar::sync() {
    const auto& s = m_controller->stepper();
    const int step = m_controller->step();
    const QSignalBlocker block(m_slider);
    m_slider->setRange(0, std::max(0, s.steps() - 1));
    m_slider->setValue(step);
    if (s.steps() > 0)
        m_label->setText(tr("step %1 / %2 → output (%3, %4)")
                             .arg(step + 1)
                             .arg(s.steps())
                             .arg(s.outY(step))
                             .arg(s.outX(step)));
}

}  // namespace convscope::ui
