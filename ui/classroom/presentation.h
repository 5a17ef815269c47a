// Presentation mode for a projector: the window full screen (on a chosen screen), menus, docks
// and status bar hidden, type scaled by a zoom factor, a high-contrast palette, and a black
// "blank" curtain (B). enter() remembers everything it changes and leave() puts it back.
// MainWindow maps the clicker keys onto it.
#pragma once

#include <QByteArray>
#include <QFont>
#include <QObject>
#include <QPalette>
#include <QString>

class QMainWindow;
class QWidget;

namespace convscope::ui {

class PresentationMode : public QObject {
    Q_OBJECT
public:
    explicit PresentationMode(QMainWindow* window);
    ~PresentationMode() override;

    bool active() const { return m_active; }
    bool blanked() const;
    double zoom() const { return m_zoom; }
    // Screen names as QGuiApplication lists them; the chosen one ("" = the window's own).
    static QStringList screenNames();

public slots:
    void enter(const QString& screen, double zoom);
    void leave();
    void setBlank(bool on);
    void toggleBlank() { setBlank(!blanked()); }

signals:
    void activeChanged(bool active);

private:
    QMainWindow* m_window;
    QWidget* m_curtain;
    bool m_active = false;
    double m_zoom = 1.5;
    QByteArray m_geometry, m_state;
    bool m_menuVisible = true, m_statusVisible = true;
    QFont m_font;
    QPalette m_palette;
};

// The high-contrast palette: white on black, yellow selection.
QPalette highContrastPalette();

}  // namespace convscope::ui
