// QuizGrid and QuizPanel.
#include "classroom/quiz_panel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>

#include "base/error.h"
#include "teaching/teaching_controller.h"

namespace convscope::ui {

// --- QuizGrid
// --------------------------------------------------------------------------------------

QuizGrid::QuizGrid(QWidget* parent) : QWidget(parent) {
    setMinimumSize(160, 160);
    setFocusPolicy(Qt::StrongFocus);
    setToolTip(
        tr("The padded input (shaded: padding). Click the cells the window covers, or move "
           "with the arrow keys and press Space."));
    setAccessibleName(tr("Padded input cells"));
}

void QuizGrid::setConfig(const core::QuizConfig& c) {
    m_config = c;
    m_rows = c.height + c.params.padTop + c.params.padBottom;
    m_columns = c.width + c.params.padLeft + c.params.padRight;
    m_cursorRow = m_cursorColumn = 0;
    m_chosen.clear();
    m_revealed.clear();
    update();
}

int QuizGrid::cellSide() const {
    if (m_rows == 0 || m_columns == 0) return 1;
    return std::max(4, std::min((width() - 2) / m_columns, (height() - 2) / m_rows));
}

QRect QuizGrid::cellRect(int r, int c) const {
    const int s = cellSide();
    return QRect(1 + c * s, 1 + r * s, s, s);
}

void QuizGrid::toggle(int r, int c) {
    if (r < 0 || c < 0 || r >= m_rows || c >= m_columns) return;
    const auto cell = std::make_pair(r, c);
    const auto it = std::find(m_chosen.begin(), m_chosen.end(), cell);
    if (it == m_chosen.end())
        m_chosen.push_back(cell);
    else
        m_chosen.erase(it);
    update();
}

void QuizGrid::reveal(const std::vector<std::pair<int, int>>& expected) {
    m_revealed = expected;
    update();
}

void QuizGrid::mousePressEvent(QMouseEvent* e) {
    const int s = cellSide();
    const QPoint p = e->position().toPoint() - QPoint(1, 1);
    if (p.x() < 0 || p.y() < 0) return;
    toggle(p.y() / s, p.x() / s);
}

bool QuizGrid::event(QEvent* e) {
    if (e->type() == QEvent::ShortcutOverride) {
        const int key = static_cast<QKeyEvent*>(e)->key();
        if (key == Qt::Key_Left || key == Qt::Key_Right || key == Qt::Key_Up ||
            key == Qt::Key_Down || key == Qt::Key_Space) {
            e->accept();
            return true;
        }
    }
    return QWidget::event(e);
}

void QuizGrid::keyPressEvent(QKeyEvent* e) {
    switch (e->key()) {
        case Qt::Key_Left:
            m_cursorColumn = std::max(0, m_cursorColumn - 1);
            break;
        case Qt::Key_Right:
            m_cursorColumn = std::min(m_columns - 1, m_cursorColumn + 1);
            break;
        case Qt::Key_Up:
            m_cursorRow = std::max(0, m_cursorRow - 1);
            break;
        case Qt::Key_Down:
            m_cursorRow = std::min(m_rows - 1, m_cursorRow + 1);
            break;
        case Qt::Key_Space:
            toggle(m_cursorRow, m_cursorColumn);
            break;
        default:
            QWidget::keyPressEvent(e);
            return;
    }
    setAccessibleDescription(
        tr("Cell row %1, column %2 of the padded input%3")
            .arg(m_cursorRow)
            .arg(m_cursorColumn)
            .arg(std::find(m_chosen.begin(), m_chosen.end(),
                           std::make_pair(m_cursorRow, m_cursorColumn)) != m_chosen.end()
                     ? tr(", chosen")
                     : QString()));
    update();
}

void QuizGrid::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    const core::WindowParams& w = m_config.params;
    for (int r = 0; r < m_rows; ++r)
        for (int c = 0; c < m_columns; ++c) {
            const bool pad = r < w.padTop || r >= w.padTop + m_config.height || c < w.padLeft ||
                             c >= w.padLeft + m_config.width;
            const QRect cell = cellRect(r, c);
            const bool chosen =
                std::find(m_chosen.begin(), m_chosen.end(), std::make_pair(r, c)) != m_chosen.end();
            p.fillRect(cell, chosen ? QColor(0, 114, 178)
                             : pad  ? QColor(215, 215, 215)
                                    : QColor(250, 250, 250));
            p.setPen(QColor(170, 170, 170));
            p.drawRect(cell.adjusted(0, 0, -1, -1));
        }
    p.setPen(QPen(QColor(230, 159, 0), 3));
    for (const auto& [r, c] : m_revealed) p.drawRect(cellRect(r, c).adjusted(2, 2, -3, -3));
    if (hasFocus() && m_rows > 0) {
        p.setPen(QPen(palette().color(QPalette::Highlight), 2, Qt::DashLine));
        p.drawRect(cellRect(m_cursorRow, m_cursorColumn).adjusted(0, 0, -1, -1));
    }
}

// --- QuizPanel
// -------------------------------------------------------------------------------------

QuizPanel::QuizPanel(TeachingController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller) {
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_seed = new QSpinBox(this);
    m_seed->setRange(1, 999999);
    m_seed->setValue(QSettings().value(QStringLiteral("quiz/seed"), 1).toInt());
    m_seed->setToolTip(tr("The same seed gives the whole class the same questions"));
    form->addRow(tr("&Seed:"), m_seed);
    m_source = new QComboBox(this);
    m_source->addItem(tr("Random layers (from the seed)"));
    m_source->addItem(tr("The layer on screen"));
    form->addRow(tr("&Questions on:"), m_source);
    m_kind = new QComboBox(this);
    m_kind->addItem(tr("Any kind"), -1);
    for (int k = 0; k < core::kQuestionKinds; ++k)
        m_kind->addItem(QString::fromUtf8(core::toString(core::QuestionKind(k))), k);
    form->addRow(tr("&Kind:"), m_kind);
    layout->addLayout(form);
    auto* newButton = new QPushButton(tr("New Question"), this);
    newButton->setToolTip(tr("Ask another question"));
    layout->addWidget(newButton);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    QFont big = m_text->font();
    big.setPointSizeF(big.pointSizeF() * 1.15);
    m_text->setFont(big);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_text);
    m_fieldsBox = new QVBoxLayout;
    layout->addLayout(m_fieldsBox);
    m_grid = new QuizGrid(this);
    layout->addWidget(m_grid, 1);
    m_check = new QPushButton(tr("Check"), this);
    m_check->setToolTip(tr("Check the answer (Enter)"));
    m_check->setDefault(true);
    layout->addWidget(m_check);
    m_feedback = new QLabel(this);
    m_feedback->setWordWrap(true);
    m_feedback->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_feedback);
    m_score = new QLabel(this);
    layout->addWidget(m_score);
    layout->addStretch(0);

    connect(newButton, &QPushButton::clicked, this, &QuizPanel::newQuestion);
    connect(m_check, &QPushButton::clicked, this, &QuizPanel::check);
    connect(m_seed, &QSpinBox::editingFinished, this, [this] { restart(m_seed->value()); });
    restart(m_seed->value());
}

void QuizPanel::restart(int seed) {
    m_seed->setValue(seed);
    QSettings().setValue(QStringLiteral("quiz/seed"), seed);
    m_quiz = core::Quiz(std::uint32_t(seed));
    newQuestion();
}

core::QuizConfig QuizPanel::currentConfig() const {
    core::QuizConfig c;
    const core::ConvStepper& s = m_controller->stepper();
    c.channels = s.channels();
    c.height = s.height();
    c.width = s.width();
    c.params = s.params();  // "same" padding already resolved
    c.filters = s.filters();
    return c;
}

void QuizPanel::newQuestion() {
    const int kind = m_kind->currentData().toInt();
    try {
        if (m_source->currentIndex() == 1 && m_controller->stepper().steps() > 0) {
            const core::QuestionKind k =
                kind >= 0 ? core::QuestionKind(kind)
                          : core::QuestionKind((m_quiz.asked() + 1) % core::kQuestionKinds);
            m_question = m_quiz.about(
                k, currentConfig(),
                std::min(m_controller->step() + 1, m_controller->stepper().steps() - 1));
        } else {
            // Draw until the kind matches (the sequence stays the seed's).
            do {
                m_question = m_quiz.next();
            } while (kind >= 0 && int(m_question->kind) != kind);
        }
    } catch (const core::Error& e) {
        m_question.reset();
        m_text->setText(QString::fromStdString(e.what()));
        return;
    }
    showQuestion();
}

void QuizPanel::showQuestion() {
    m_checked = false;
    const core::Question& q = *m_question;
    m_text->setText(QString::fromStdString(q.text));
    for (QLineEdit* f : m_fields) delete f->parentWidget();  // the row: label and field
    m_fields.clear();
    for (const std::string& name : q.fields) {
        auto* row = new QWidget(this);
        auto* h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        auto* label = new QLabel(QString::fromStdString(name) + QStringLiteral(":"), row);
        auto* edit = new QLineEdit(row);
        edit->setValidator(
            new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{0,12}")), edit));
        edit->setAccessibleName(QString::fromStdString(name));
        label->setBuddy(edit);
        connect(edit, &QLineEdit::returnPressed, this, &QuizPanel::check);
        h->addWidget(label);
        h->addWidget(edit, 1);
        m_fieldsBox->addWidget(row);
        m_fields.push_back(edit);
    }
    const bool cells = q.kind == core::QuestionKind::CoveredCells;
    m_grid->setVisible(cells);
    if (cells) m_grid->setConfig(q.config);
    if (!m_fields.empty()) m_fields.front()->setFocus();
    m_feedback->clear();
    m_score->setText(tr("Score: %1 of %2 (seed %3)")
                         .arg(m_quiz.correct())
                         .arg(m_quiz.asked())
                         .arg(m_quiz.seed()));
}

void QuizPanel::setSource(bool onScreen) {
    m_source->setCurrentIndex(onScreen ? 1 : 0);
}

void QuizPanel::setKind(int kind) {
    m_kind->setCurrentIndex(std::max(0, m_kind->findData(kind)));
}

void QuizPanel::setNumbers(const std::vector<long long>& numbers) {
    for (std::size_t i = 0; i < numbers.size() && i < m_fields.size(); ++i)
        m_fields[i]->setText(QString::number(numbers[i]));
}

bool QuizPanel::check() {
    if (!m_question || m_checked) return false;
    core::QuizAnswer a;
    for (QLineEdit* f : m_fields) a.numbers.push_back(f->text().toLongLong());
    a.cells = m_grid->chosen();
    m_checked = true;
    const bool ok = m_quiz.answer(*m_question, a);
    if (m_question->kind == core::QuestionKind::CoveredCells)
        m_grid->reveal(m_question->expected.cells);
    QString expected;
    for (long long n : m_question->expected.numbers)
        expected += (expected.isEmpty() ? QString() : QStringLiteral(", ")) + QString::number(n);
    m_feedback->setText(
        (ok ? tr("<b style='color:#007a3d'>Right.</b> ")
            : tr("<b style='color:#b00020'>Not quite.</b> %1")
                  .arg(expected.isEmpty() ? tr("The right cells are outlined. ")
                                          : tr("The answer is %1. ").arg(expected))) +
        QString::fromStdString(m_question->worked).toHtmlEscaped());
    m_score->setText(tr("Score: %1 of %2 (seed %3)")
                         .arg(m_quiz.correct())
                         .arg(m_quiz.asked())
                         .arg(m_quiz.seed()));
    return ok;
}

}  // namespace convscope::ui
