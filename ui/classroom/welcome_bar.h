// WelcomeBar: the one line a first start shows above the views: what to try (Space plays the
// convolution, a click lights a cell up in every view) and the built-in lesson one click away.
// Closed with its × or by starting the lesson, and remembered as closed.
#pragma once

#include <QFrame>

namespace convscope::ui {

class WelcomeBar : public QFrame {
    Q_OBJECT
public:
    explicit WelcomeBar(QWidget* parent = nullptr);
    // False once the user has closed it (QSettings "welcome/dismissed").
    static bool wanted();

signals:
    void playRequested();
    void lessonRequested();

public slots:
    void dismiss();  // hides it for good
};

}  // namespace convscope::ui
