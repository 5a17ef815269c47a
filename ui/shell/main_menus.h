// MainMenus: the window's menus and actions, with their shortcuts and tips (File, Playback,
// Lesson, Profile, View, Help), the recent-files list, and the presentation-mode keys. Menu
// shortcuts are also added to the window so they work while presentation mode hides the menu bar.
#pragma once

#include <QObject>

#include "shell/view_export.h"

class QAction;
class QMenu;

namespace convscope::ui {

class MainWindow;

class MainMenus : public QObject {
    Q_OBJECT
public:
    // Builds the menus into `window`'s menu bar (after its panels exist).
    explicit MainMenus(MainWindow* window);
    // Puts a file at the top of File ▸ Open Recent (at most 8, remembered in QSettings).
    void addRecent(const QString& path);
    QAction* presentationAction() const { return m_presentAction; }

    // The actions' file dialogs, then the window's functions.
    void chooseImage();
    void chooseKernel();
    void chooseStateFile();
    void chooseSaveSession();
    void chooseSaveLesson();
    void exportView(ExportableView view);

private:
    void rebuildRecentMenu();
    void addShortcutsToWindow();

    MainWindow* m_window;
    QMenu* m_recentMenu = nullptr;
    QAction* m_presentAction = nullptr;
};

}  // namespace convscope::ui
