// convscope: with a subcommand, the headless CLI (cli.h); without, the GUI
// (ui/shell/main_window.h).
#include <QApplication>
#include <QIcon>
#include <iostream>
#include <string>
#include <vector>

#include "arguments.h"
#include "base/isa.h"
#include "base/runtime.h"
#include "cli.h"
#include "conv/methods/auto_choice.h"
#include "shell/main_window.h"
#include "shot_command.h"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        convscope::app::applyGlobalOptions(args);
    } catch (const std::exception& e) {
        std::cerr << "convscope: " << e.what() << "\n";
        return 2;
    }
    if (const std::string warning = convscope::core::isaWarning(); !warning.empty())
        std::cerr << "convscope: " << warning << "\n";
    // --method auto's choices, kept per machine (conv/methods/auto_choice.h).
    convscope::core::setConvMethodChoiceFile(convscope::core::defaultConvMethodChoiceFile());
    if (convscope::app::isCliInvocation(args)) return convscope::app::runCli(args);
    if (!args.empty() && (args[0] == "shot" || args[0] == "render")) {
        // Headless: render with the window's code on Qt's offscreen platform.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
        QApplication app(argc, argv);
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        return convscope::app::guarded(args[0], [&] {
            return args[0] == "shot" ? convscope::app::runShot(rest)
                                     : convscope::app::runRender(rest);
        });
    }
    if (const int code = convscope::app::checkWindowArguments(args)) return code;
    convscope::core::setThreadCount(0);

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ConvScope"));
    QApplication::setApplicationName(QStringLiteral("ConvScope"));
    QApplication::setApplicationVersion(QStringLiteral(CONVSCOPE_VERSION));
    // The installed desktop entry and icon (packaging/): the id ties the window to them.
    QApplication::setDesktopFileName(QStringLiteral("io.github.convscope.ConvScope"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/io.github.convscope.ConvScope.svg")));
    convscope::ui::MainWindow window;
    window.show();
    // `convscope [--present] [FILE]` (checked above; Qt took its own options out of argv): a
    // session, a lesson or an image, opened as File > Open would; --present starts in
    // presentation mode.
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--present")
            window.setPresentation(true);
        else
            window.openFile(QString::fromLocal8Bit(argv[i]));
    }
    return app.exec();
}
