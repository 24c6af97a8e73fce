// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QStringList>
#include <QTextStream>

namespace ferry {
class NetworkService;
class Workspace;
struct ReplicaLag;
} // namespace ferry

namespace ferry::cli {

class CommandParser;

// Each command takes its arguments (without the program and command names) and returns
// the process exit code. Output goes to out, diagnostics to err.
int runInspect(const QStringList &args, NetworkService &network, QTextStream &out, QTextStream &err);
int runTags(const QStringList &args, NetworkService &network, QTextStream &out, QTextStream &err);
int runScan(const QStringList &args, QTextStream &out, QTextStream &err);
int runStatus(const QStringList &args, QTextStream &out, QTextStream &err);
int runDiff(const QStringList &args, QTextStream &out, QTextStream &err);
int runCleanup(const QStringList &args, QTextStream &out, QTextStream &err);
int runCopy(const QStringList &args, QTextStream &out, QTextStream &err);
int runBatch(const QStringList &args, QTextStream &out, QTextStream &err);
int runLag(const QStringList &args, QTextStream &out, QTextStream &err);
int runReport(const QStringList &args, QTextStream &out, QTextStream &err);
int runWatch(const QStringList &args, QTextStream &out, QTextStream &err);
int runTui(const QStringList &args, QTextStream &out, QTextStream &err);
int runRefs(const QStringList &args, QTextStream &out, QTextStream &err);
int runHosts(const QStringList &args, QTextStream &out, QTextStream &err);
int runCharts(const QStringList &args, QTextStream &out, QTextStream &err);
int runDemo(const QStringList &args, QTextStream &out, QTextStream &err);
// The charts commands' plan (when --plan is given, or needed) and database; -1 to go on, or the exit code.
int openChartsWorkspace(const CommandParser &p, const QString &command, Workspace *ws, bool needPlan, QTextStream &err);
// watch's live mode: the TUI on a workspace with a plan and a database, its rounds on this schedule.
int runWatchView(Workspace &workspace, qint64 intervalMs, int fullEvery, int maxScans, const QString &collector);
// One line for a replica: percentiles, breaches, in flight, resolution.
QString lagSummaryLine(const ReplicaLag &rl);

// ferryctl's dispatcher: argv[1] picks the command.
int runFerryctl(const QStringList &arguments, QTextStream &out, QTextStream &err);

} // namespace ferry::cli
