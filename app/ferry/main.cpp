// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "cleanuppage.h"
#include "cli/commands.h"
#include "cli/commandtable.h"
#include "copypage.h"
#include "core/stopsignal.h"
#include "gui/launch.h"
#include "gui/mainwindow.h"
#include "gui/welcomepage.h"

#include <QApplication>
#include <QTextStream>

#include <cstring>

namespace {

// ferry --tui [--plan FILE] [--db FILE] [--page P]: the same dashboard in the terminal, with
// no display needed (a QCoreApplication: no platform plugin is loaded).
bool wantsTerminal(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--tui") == 0)
            return true;
    return false;
}

int runInTerminal(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ferry"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FERRY_VERSION));
    QStringList args = QCoreApplication::arguments().mid(1);
    args.removeAll(QStringLiteral("--tui"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    return ferry::cli::runTui(args, out, err);
}

} // namespace

int main(int argc, char *argv[])
{
    if (wantsTerminal(argc, argv))
        return runInTerminal(argc, argv);
    QApplication app(argc, argv);
    QGuiApplication::setDesktopFileName(QStringLiteral("dev.ferry.Ferry")); // Wayland: the launcher's icon and name
    QApplication::setApplicationName(QStringLiteral("Ferry"));
    QApplication::setOrganizationName(QStringLiteral("ferry"));
    QApplication::setOrganizationDomain(QStringLiteral("io.github.ferry"));
    QApplication::setApplicationVersion(QStringLiteral(FERRY_VERSION));
    ferry::cli::CommandParser parser;
    ferry::cli::addFerryOptions(parser); // also what the man page and completions are written from
    parser.process(app);
    const bool demo = parser.isSet(QStringLiteral("demo"));
    const ferry::Launch launch =
        ferry::resolveLaunch(parser.value(QStringLiteral("plan")), parser.positionalArguments(), parser.value(QStringLiteral("db")), demo);
    ferry::MainWindow window(launch.plan, launch.db);
    window.resize(1280, 800);
    window.show();
    if (demo)
        window.welcomePage()->startDemo(parser.value(QStringLiteral("demo-workdir")));
    if (parser.value(QStringLiteral("page")) == u"images")
        window.showImages(parser.value(QStringLiteral("state")));
    else if (parser.isSet(QStringLiteral("page")))
        window.showPage(parser.value(QStringLiteral("page")));
    if (parser.isSet(QStringLiteral("batch")) && parser.value(QStringLiteral("page")) == u"copies") {
        window.copyPage()->selectBatch(parser.value(QStringLiteral("batch")).toLongLong());
    } else if (parser.isSet(QStringLiteral("batch"))) {
        window.showPage(QStringLiteral("cleanup"));
        window.cleanupPage()->selectBatch(parser.value(QStringLiteral("batch")).toLongLong());
    }
    // SIGINT and SIGTERM (a logout, a service manager, kill) end the session as closing the window
    // does: the window's destructor stops the demo and its registries, a scan keeps what it read.
    ferry::StopSignal stopSignal;
    stopSignal.watch(&app, [&window] {
        window.close();
        QCoreApplication::quit();
    });
    return app.exec();
}
