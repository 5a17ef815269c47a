// convscope: with a subcommand, the headless CLI (cli.h); without, the GUI (ui/main_window.h).
#include <QApplication>
#include <string>
#include <vector>

#include "cli.h"
#include "main_window.h"

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (convscope::app::isCliInvocation(args)) return convscope::app::runCli(args);

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ConvScope"));
    QApplication::setApplicationName(QStringLiteral("ConvScope"));
    QApplication::setApplicationVersion(QStringLiteral(CONVSCOPE_VERSION));
    convscope::ui::MainWindow window;
    window.show();
    return app.exec();
}
