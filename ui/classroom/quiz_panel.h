// The Quiz dock: questions on the current layer or on random ones from a seed (core/teach/quiz.h),
// an answer form (numbers, or cells clicked on the padded input grid), immediate feedback with the
// worked answer, and the score.
#pragma once

#include <QWidget>
#include <optional>

#include "teach/quiz.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QVBoxLayout;

namespace convscope::ui {

class TeachingController;

// The padded input of a quiz configuration as clickable cells; padding cells are shaded.
class QuizGrid : public QWidget {
    Q_OBJECT
public:
    explicit QuizGrid(QWidget* parent = nullptr);
    void setConfig(const core::QuizConfig& config);
    const std::vector<std::pair<int, int>>& chosen() const { return m_chosen; }
    void toggle(int row, int column);
    // After checking: the right cells are outlined.
    void reveal(const std::vector<std::pair<int, int>>& expected);
    QRect cellRect(int row, int column) const;
    QSize sizeHint() const override { return {320, 320}; }

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;  // arrows move, Space toggles
    bool event(QEvent* event) override;  // keeps those keys from the window's playback shortcuts

private:
    int cellSide() const;
    core::QuizConfig m_config;
    int m_rows = 0, m_columns = 0;
    std::vector<std::pair<int, int>> m_chosen, m_revealed;
    int m_cursorRow = 0, m_cursorColumn = 0;  // the keyboard's cell
};

class QuizPanel : public QWidget {
    Q_OBJECT
public:
    explicit QuizPanel(TeachingController* controller, QWidget* parent = nullptr);
    const std::optional<core::Question>& question() const { return m_question; }
    QuizGrid* grid() const { return m_grid; }
    const core::Quiz& quiz() const { return m_quiz; }
    // Fills the number fields (tests, and the keyboard path).
    void setNumbers(const std::vector<long long>& numbers);
    // Questions on the layer on screen (true) or random layers from the seed; one kind or any (-1).
    void setSource(bool onScreen);
    void setKind(int kind);

public slots:
    void newQuestion();
    bool check();  // true when right
    void restart(int seed);

private:
    void showQuestion();
    core::QuizConfig currentConfig() const;

    TeachingController* m_controller;
    core::Quiz m_quiz{1};
    std::optional<core::Question> m_question;
    bool m_checked = false;
    QSpinBox* m_seed;
    QComboBox* m_source;
    QComboBox* m_kind;
    QLabel* m_text;
    QVBoxLayout* m_fieldsBox;
    std::vector<QLineEdit*> m_fields;
    QuizGrid* m_grid;
    QPushButton* m_check;
    QLabel* m_feedback;
    QLabel* m_score;
};

}  // namespace convscope::ui
