// WelcomeBar's line, buttons and remembered dismissal.
#include "classroom/welcome_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QToolButton>

namespace convscope::ui {

namespace {
const QString kDismissed = QStringLiteral("welcome/dismissed");
}

WelcomeBar::WelcomeBar(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("welcome"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, p.color(QPalette::Highlight).lighter(185));
    setPalette(p);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    auto* text = new QLabel(tr("<b>Try this:</b> press <b>Space</b> to watch the kernel slide "
                               "step by step, click any cell to light it up in all three views, "
                               "or follow the built-in lesson."),
                            this);
    text->setWordWrap(true);
    layout->addWidget(text, 1);
    auto* play = new QPushButton(tr("▶ Play"), this);
    play->setToolTip(tr("Play the convolution step by step (Space)"));
    connect(play, &QPushButton::clicked, this, &WelcomeBar::playRequested);
    layout->addWidget(play);
    auto* lesson = new QPushButton(tr("Start the Lesson"), this);
    lesson->setObjectName(QStringLiteral("welcomeLesson"));
    lesson->setToolTip(tr("The built-in lesson, step by step (Ctrl+L)"));
    connect(lesson, &QPushButton::clicked, this, [this] {
        emit lessonRequested();
        dismiss();
    });
    layout->addWidget(lesson);
    auto* close = new QToolButton(this);
    close->setObjectName(QStringLiteral("welcomeClose"));
    close->setText(QStringLiteral("×"));
    close->setToolTip(tr("Close this hint (it does not come back)"));
    close->setAutoRaise(true);
    connect(close, &QToolButton::clicked, this, &WelcomeBar::dismiss);
    layout->addWidget(close);
}

bool WelcomeBar::wanted() {
    return !QSettings().value(kDismissed, false).toBool();
}

void WelcomeBar::dismiss() {
    QSettings().setValue(kDismissed, true);
    hide();
}

}  // namespace convscope::ui
