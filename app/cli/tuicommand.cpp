// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "cli/cliregistry.h"
#include "cli/commands.h"
#include "core/pages.h"
#include "tui/tuiapp.h"

#include "cli/commandtable.h"

#include <unistd.h>

namespace ferry::cli {

int runTui(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral(
        "The dashboard in a terminal: Overview, Images, Replication, Cleanup, Registries, Clients, Charts and Copies, switched with 1-8.\n"
        "s scans, q quits; each page lists its keys at the bottom. Colour follows the terminal (256, 16) and\n"
        "NO_COLOR; a locale that is not UTF-8 gets ASCII. Exit codes: 0 done, 2 usage, 7 store, 130 interrupted."));
    p.addOption({QStringLiteral("plan"), QStringLiteral("The migration plan (YAML); without it, the store's figures only."),
                 QStringLiteral("file")});
    p.addOption(
        {QStringLiteral("db"), QStringLiteral("The history database (default: the plan's store, or FERRY_DB)."), QStringLiteral("file")});
    p.addOption({QStringLiteral("page"), QStringLiteral("Open on a page: ") + pages::spelled() + u'.', QStringLiteral("page")});
    p.addOption({QStringLiteral("mouse"), QStringLiteral("Take the mouse: click a tab or a row, scroll with the wheel.")});
    p.addOption({QStringLiteral("collector"),
                 QStringLiteral("This collector's name in a shared store, for the scans s runs (default: the host's name)."),
                 QStringLiteral("name")});
    if (const int rc = parseCommand(p, QStringLiteral("tui"), args, out, err); rc >= 0)
        return rc;
    if (!::isatty(STDIN_FILENO) || !::isatty(STDOUT_FILENO)) {
        err << "ferryctl tui: needs a terminal; for scripts, use status, lag or report" << Qt::endl;
        return ExitUsage;
    }
    std::optional<int> page = 0;
    if (p.isSet(QStringLiteral("page")) && !(page = tui::App::pageNamed(p.value(QStringLiteral("page"))))) {
        err << "ferryctl tui: --page: one of " << pages::spelled() << Qt::endl;
        return ExitUsage;
    }
    Workspace workspace;
    if (const int rc = openParsedSession(p, workspace, QStringLiteral("tui"), {}, err); rc >= 0)
        return rc;
    tui::App app(workspace);
    app.setPage(*page);
    app.setCollector(p.value(QStringLiteral("collector")));
    return app.exec(p.isSet(QStringLiteral("mouse")));
}

int runWatchView(Workspace &workspace, qint64 intervalMs, int fullEvery, int maxScans, const QString &collector)
{
    tui::App app(workspace);
    app.setSchedule({intervalMs, fullEvery, maxScans});
    app.setCollector(collector);
    return app.exec(false);
}

} // namespace ferry::cli
