// PresentationMode: enter / leave / blank.
#include "classroom/presentation.h"

#include <QApplication>
#include <QDockWidget>
#include <QGuiApplication>
#include <QMainWindow>
#include <QMenuBar>
#include <QScreen>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QWindow>

#include "widgets/screen_fit.h"

namespace convscope::ui {

QPalette highContrastPalette() {
    QPalette p;
    const QColor black(0, 0, 0), white(255, 255, 255), yellow(255, 220, 0), gray(60, 60, 60);
    for (QPalette::ColorGroup g : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) {
        p.setColor(g, QPalette::Window, black);
        p.setColor(g, QPalette::WindowText,
                   g == QPalette::Disabled ? QColor(150, 150, 150) : white);
        p.setColor(g, QPalette::Base, black);
        p.setColor(g, QPalette::AlternateBase, gray);
        p.setColor(g, QPalette::Text, g == QPalette::Disabled ? QColor(150, 150, 150) : white);
        p.setColor(g, QPalette::Button, gray);
        p.setColor(g, QPalette::ButtonText, white);
        p.setColor(g, QPalette::Highlight, yellow);
        p.setColor(g, QPalette::HighlightedText, black);
        p.setColor(g, QPalette::ToolTipBase, black);
        p.setColor(g, QPalette::ToolTipText, white);
        p.setColor(g, QPalette::PlaceholderText, QColor(170, 170, 170));
        p.setColor(g, QPalette::Mid, QColor(160, 160, 160));
    }
    return p;
}

PresentationMode::PresentationMode(QMainWindow* window)
    : QObject(window), m_window(window), m_curtain(new QWidget(window)) {
    m_curtain->setAutoFillBackground(true);
    QPalette black;
    black.setColor(QPalette::Window, Qt::black);
    m_curtain->setPalette(black);
    m_curtain->setAccessibleName(tr("Blank screen: press B to show the demo again"));
    m_curtain->hide();
}

PresentationMode::~PresentationMode() = default;

QStringList PresentationMode::screenNames() {
    QStringList names;
    for (const QScreen* s : QGuiApplication::screens()) names << s->name();
    return names;
}

bool PresentationMode::blanked() const {
    return m_curtain->isVisible();
}

void PresentationMode::enter(const QString& screenName, double zoom) {
    if (m_active) return;
    m_active = true;
    m_zoom = zoom;
    m_geometry = m_window->saveGeometry();
    m_state = m_window->saveState();
    m_menuVisible = m_window->menuBar()->isVisible();
    m_statusVisible = m_window->statusBar()->isVisible();
    m_font = QApplication::font();
    m_palette = QApplication::palette();
    for (QDockWidget* d : m_window->findChildren<QDockWidget*>()) d->hide();
    m_window->menuBar()->hide();
    m_window->statusBar()->hide();
    QFont big = m_font;
    big.setPointSizeF(m_font.pointSizeF() * zoom);
    QApplication::setFont(big);
    QApplication::setPalette(highContrastPalette());
    QScreen* screen = m_window->screen();
    for (QScreen* s : QGuiApplication::screens())
        if (s->name() == screenName) screen = s;
    if (m_window->windowHandle() && screen) m_window->windowHandle()->setScreen(screen);
    // The whole screen even without a window manager to honour full-screen requests.
    if (screen) m_window->setGeometry(screen->geometry());
    m_window->showFullScreen();
    emit activeChanged(true);
}

void PresentationMode::leave() {
    if (!m_active) return;
    m_active = false;
    setBlank(false);
    QApplication::setFont(m_font);
    QApplication::setPalette(m_palette);
    m_window->showNormal();
    m_window->menuBar()->setVisible(m_menuVisible);
    m_window->statusBar()->setVisible(m_statusVisible);
    m_window->restoreState(m_state);
    // Once the normal font's layouts are in place: restored at once, the window kept the
    // presentation's minimum size (1703 px wide on a 1280x720 screen, and remembered so).
    QTimer::singleShot(0, m_window, [window = m_window, geometry = m_geometry] {
        window->restoreGeometry(geometry);
        fitToScreen(window);
    });
    emit activeChanged(false);
}

void PresentationMode::setBlank(bool on) {
    if (on) {
        m_curtain->setGeometry(m_window->rect());
        m_curtain->raise();
        m_curtain->show();
        m_curtain->setFocus();
    } else {
        m_curtain->hide();
    }
}

}  // namespace convscope::ui
