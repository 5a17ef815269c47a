// The lesson bar above the views: a lesson's title, "step i of N", the step's caption in large
// type, Previous / Next; and the teacher's tools to record a lesson from the app (add the current
// state as a step, edit its caption, move it, delete it, save the lesson). It holds the lesson;
// MainWindow captures and applies the states (captureState / applyRequested).
#pragma once

#include <QWidget>
#include <functional>

#include "shell/app_state.h"

class QLabel;
class QPushButton;
class QToolButton;

namespace convscope::ui {

class LessonBar : public QWidget {
    Q_OBJECT
public:
    explicit LessonBar(QWidget* parent = nullptr);

    // How to read the app's current state (for "add step").
    void setCapture(std::function<AppState()> capture) { m_capture = std::move(capture); }

    const Lesson& lesson() const { return m_lesson; }
    int current() const { return m_current; }
    bool active() const { return !m_lesson.steps.empty(); }
    bool modified() const { return m_modified; }
    void setLesson(Lesson lesson);  // shows step 1 (applyRequested)
    void close();

public slots:
    bool next();      // false at the last step
    bool previous();  // false at the first
    void goTo(int step);
    void addCurrentState();  // then asks for the caption
    // The same without asking: inserts the current state after the current step.
    void addStep(const QString& caption);
    void setCaption(const QString& caption);  // of the current step
    void editCaption();
    void moveCurrent(int delta);
    void deleteCurrent();

signals:
    void applyRequested(const AppState& state);
    void saveRequested();
    void closed();

protected:
    void changeEvent(QEvent* event) override;

private:
    void refresh();
    Lesson m_lesson;
    int m_current = -1;
    bool m_modified = false;
    std::function<AppState()> m_capture;
    QLabel* m_title;
    QLabel* m_position;
    QLabel* m_caption;
    QPushButton* m_previous;
    QPushButton* m_next;
    QToolButton* m_record;
};

}  // namespace convscope::ui
