// LessonBar: navigation, caption, recording tools.
#include "classroom/lesson_bar.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace convscope::ui {

LessonBar::LessonBar(QWidget* parent) : QWidget(parent) {
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, QColor(255, 250, 225));
    pal.setColor(QPalette::WindowText, QColor(20, 20, 20));
    setPalette(pal);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    auto* text = new QVBoxLayout;
    m_title = new QLabel(this);
    m_position = new QLabel(this);
    auto* head = new QHBoxLayout;
    head->addWidget(m_title);
    head->addStretch(1);
    head->addWidget(m_position);
    text->addLayout(head);
    m_caption = new QLabel(this);
    m_caption->setWordWrap(true);
    m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_caption->setAccessibleName(tr("Lesson caption"));
    text->addWidget(m_caption);
    layout->addLayout(text, 1);
    m_previous = new QPushButton(tr("◀ Previous"), this);
    m_previous->setToolTip(tr("The previous step of the lesson (Page Up)"));
    m_next = new QPushButton(tr("Next ▶"), this);
    m_next->setToolTip(tr("The next step of the lesson (Page Down)"));
    m_record = new QToolButton(this);
    m_record->setText(tr("Edit"));
    m_record->setToolTip(
        tr("Record a lesson: add the current state as a step, edit the caption, "
           "reorder, delete, save"));
    m_record->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(m_record);
    menu->addAction(tr("Add Current State as Step"), this, &LessonBar::addCurrentState);
    menu->addAction(tr("Edit Caption…"), this, &LessonBar::editCaption);
    menu->addAction(tr("Move Step Earlier"), this, [this] { moveCurrent(-1); });
    menu->addAction(tr("Move Step Later"), this, [this] { moveCurrent(1); });
    menu->addAction(tr("Delete Step"), this, &LessonBar::deleteCurrent);
    menu->addSeparator();
    menu->addAction(tr("Save Lesson…"), this, &LessonBar::saveRequested);
    menu->addAction(tr("Close Lesson"), this, &LessonBar::close);
    m_record->setMenu(menu);
    auto* close = new QToolButton(this);
    close->setText(QStringLiteral("✕"));
    close->setToolTip(tr("Close the lesson"));
    connect(close, &QToolButton::clicked, this, &LessonBar::close);
    layout->addWidget(m_previous);
    layout->addWidget(m_next);
    layout->addWidget(m_record);
    layout->addWidget(close);
    connect(m_previous, &QPushButton::clicked, this, &LessonBar::previous);
    connect(m_next, &QPushButton::clicked, this, &LessonBar::next);
    hide();
}

void LessonBar::setLesson(Lesson lesson) {
    m_lesson = std::move(lesson);
    m_modified = false;
    m_current = -1;
    setVisible(true);
    if (m_lesson.steps.empty())
        refresh();
    else
        goTo(0);
}

void LessonBar::close() {
    m_lesson = {};
    m_current = -1;
    m_modified = false;
    hide();
    emit closed();
}

bool LessonBar::next() {
    if (m_current + 1 >= int(m_lesson.steps.size())) return false;
    goTo(m_current + 1);
    return true;
}

bool LessonBar::previous() {
    if (m_current <= 0) return false;
    goTo(m_current - 1);
    return true;
}

void LessonBar::goTo(int step) {
    if (step < 0 || step >= int(m_lesson.steps.size())) return;
    m_current = step;
    refresh();
    emit applyRequested(m_lesson.steps[std::size_t(step)]);
}

void LessonBar::addCurrentState() {
    addStep(tr("(a caption: one or two sentences)"));
    editCaption();
}

void LessonBar::setCaption(const QString& caption) {
    if (m_current < 0) return;
    m_lesson.steps[std::size_t(m_current)].caption = caption;
    m_modified = true;
    refresh();
}

void LessonBar::addStep(const QString& caption) {
    if (!m_capture) return;
    AppState s = m_capture();
    s.caption = caption;
    if (m_lesson.title.isEmpty()) m_lesson.title = tr("New lesson");
    m_lesson.steps.insert(m_lesson.steps.begin() + (m_current + 1), s);
    ++m_current;
    m_modified = true;
    setVisible(true);
    refresh();
}

void LessonBar::editCaption() {
    if (m_current < 0) return;
    AppState& s = m_lesson.steps[std::size_t(m_current)];
    bool ok = false;
    const QString text =
        QInputDialog::getMultiLineText(this, tr("Caption of step %1").arg(m_current + 1),
                                       tr("One or two sentences:"), s.caption, &ok);
    if (ok) setCaption(text.trimmed());
}

void LessonBar::moveCurrent(int delta) {
    const int to = m_current + delta;
    if (m_current < 0 || to < 0 || to >= int(m_lesson.steps.size())) return;
    std::swap(m_lesson.steps[std::size_t(m_current)], m_lesson.steps[std::size_t(to)]);
    m_current = to;
    m_modified = true;
    refresh();
}

void LessonBar::deleteCurrent() {
    if (m_current < 0) return;
    m_lesson.steps.erase(m_lesson.steps.begin() + m_current);
    m_modified = true;
    if (m_lesson.steps.empty()) {
        m_current = -1;
        refresh();
        return;
    }
    goTo(std::min(m_current, int(m_lesson.steps.size()) - 1));
}

void LessonBar::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) refresh();  // presentation mode's larger type
}

void LessonBar::refresh() {
    const int n = int(m_lesson.steps.size());
    m_title->setText(
        QStringLiteral("<b>%1</b>%2")
            .arg(m_lesson.title.toHtmlEscaped(), m_modified ? tr(" (modified)") : QString()));
    m_position->setText(n ? tr("step %1 of %2").arg(m_current + 1).arg(n) : tr("no steps yet"));
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 1.3);
    m_caption->setFont(f);
    m_caption->setText(m_current >= 0 ? m_lesson.steps[std::size_t(m_current)].caption
                                      : tr("Edit ▸ Add Current State as Step records the app as "
                                           "it is now."));
    m_previous->setEnabled(m_current > 0);
    m_next->setEnabled(m_current + 1 < n);
}

}  // namespace convscope::ui
