// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferryctl scan, status and diff: the sync matrix without a window.
#include "cli/cliregistry.h"
#include "cli/commands.h"
#include "cli/interruption.h"
#include "core/compactmatrix.h"
#include "core/workspace.h"
#include "net/networkservice.h"
#include "parse/duration.h"
#include "plan/plan.h"
#include "report/report.h"
#include "scan/scanner.h"
#include "store/figuretables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "store/store.h"

#include "cli/commandtable.h"
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTimer>

namespace ferry::cli {

namespace {

QString isoTime(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}

QString shortDigest(const QString &d)
{
    return d.isEmpty() ? QStringLiteral("-") : d.mid(d.indexOf(u':') + 1, 12);
}

void writeStatusJson(const QList<MatrixRow> &shown, const QStringList &registries, QTextStream &out)
{
    QJsonArray arr;
    for (const MatrixRow &r : std::as_const(shown)) {
        QJsonObject regs;
        for (const QString &name : std::as_const(registries)) {
            if (!r.cells.contains(name))
                continue;
            const MatrixCell &c = r.cells[name];
            QJsonObject cell{
                {QStringLiteral("digest"), c.digest.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(c.digest)},
                {QStringLiteral("state"), c.state},
                {QStringLiteral("firstSeen"), c.firstSeen.isValid() ? QJsonValue(isoTime(c.firstSeen)) : QJsonValue(QJsonValue::Null)},
                {QStringLiteral("lastSeen"), c.lastSeen.isValid() ? QJsonValue(isoTime(c.lastSeen)) : QJsonValue(QJsonValue::Null)}};
            if (!c.reason.isEmpty())
                cell.insert(QStringLiteral("reason"), c.reason);
            if (!c.mediaType.isEmpty())
                cell.insert(QStringLiteral("mediaType"), c.mediaType);
            regs.insert(name, cell);
        }
        QJsonObject row{{QStringLiteral("repository"), r.repository},
                        {QStringLiteral("tag"), r.tag},
                        {QStringLiteral("state"), r.state},
                        {QStringLiteral("inPlan"), r.inPlan},
                        {QStringLiteral("registries"), regs}};
        if (!r.reason.isEmpty())
            row.insert(QStringLiteral("reason"), r.reason);
        arr.append(row);
    }
    out << QJsonDocument(arr).toJson(QJsonDocument::Indented);
}

void writeStatusCsv(const QList<MatrixRow> &shown, const QStringList &registries, QTextStream &out)
{
    out << "repository,tag,state,registry,cell_state,digest,first_seen,last_seen,reason\n";
    for (const MatrixRow &r : std::as_const(shown))
        for (const QString &name : std::as_const(registries)) {
            if (!r.cells.contains(name))
                continue;
            const MatrixCell &c = r.cells[name];
            out << csvField(r.repository) << ',' << csvField(r.tag) << ',' << r.state << ',' << csvField(name) << ',' << c.state << ','
                << c.digest << ',' << isoTime(c.firstSeen) << ',' << isoTime(c.lastSeen) << ',' << csvField(c.reason) << '\n';
        }
    out.flush();
}

// A table sized to its content, digests shortened to 12 hex digits.
void writeStatusTable(const QList<MatrixRow> &shown, const QStringList &registries, QTextStream &out)
{
    int repoW = 10, tagW = 3;
    for (const MatrixRow &r : std::as_const(shown)) {
        repoW = qMax(repoW, int(r.repository.size()));
        tagW = qMax(tagW, int(qMin<qsizetype>(r.tag.size(), 40)));
    }
    out << QStringLiteral("REPOSITORY").leftJustified(repoW) << "  " << QStringLiteral("TAG").leftJustified(tagW) << "  "
        << QStringLiteral("STATE").leftJustified(11);
    for (const QString &name : std::as_const(registries))
        out << "  " << name.toUpper().leftJustified(26);
    out << '\n';
    for (const MatrixRow &r : std::as_const(shown)) {
        out << r.repository.leftJustified(repoW) << "  " << r.tag.left(40).leftJustified(tagW) << "  " << r.state.leftJustified(11);
        for (const QString &name : std::as_const(registries)) {
            const MatrixCell c = r.cells.value(name);
            const QString text = r.cells.contains(name) ? shortDigest(c.digest) + u' ' + c.state : QStringLiteral("");
            out << "  " << text.leftJustified(26);
        }
        out << '\n';
    }
}

// The scan's options from its command line; false (with the message written) on a bad one.
bool scanOptionsFrom(const CommandParser &p, ScanOptions *options, QStringList *failOn, QTextStream &err)
{
    options->collector = p.value(QStringLiteral("collector"));
    if (p.isSet(QStringLiteral("only"))) {
        options->only = QRegularExpression(p.value(QStringLiteral("only")));
        if (!options->only.isValid()) {
            err << "ferryctl scan: --only: " << options->only.errorString() << Qt::endl;
            return false;
        }
    }
    if (p.isSet(QStringLiteral("jobs"))) {
        bool ok = false;
        options->maxParallelListings = p.value(QStringLiteral("jobs")).toInt(&ok);
        if (!ok || options->maxParallelListings < 1) {
            err << "ferryctl scan: --jobs takes a positive number" << Qt::endl;
            return false;
        }
    }
    if (p.isSet(QStringLiteral("check-caches"))) {
        const QString v = p.value(QStringLiteral("check-caches"));
        bool ok = false;
        const int n = v.toInt(&ok);
        if (v != u"all" && (!ok || n < 1)) {
            err << "ferryctl scan: --check-caches takes 'all' or a positive number" << Qt::endl;
            return false;
        }
        options->checkCaches = true;
        options->cacheSample = v == u"all" ? -1 : n;
    }
    if (p.isSet(QStringLiteral("fail-on"))) {
        *failOn = p.value(QStringLiteral("fail-on")).split(u',', Qt::SkipEmptyParts);
        for (const QString &s : std::as_const(*failOn)) {
            if (!state::rowStates().contains(s)) {
                err << "ferryctl scan: --fail-on: unknown state '" << s << "' (states: " << state::rowStates().join(u',') << ")"
                    << Qt::endl;
                return false;
            }
        }
    }
    return true;
}

// Runs one scan of the workspace's plan to its end (a job on its own thread), with a
// progress line on a terminal; SIGINT or SIGTERM stop it and keep what was read.
ScanSummary runScanJob(Workspace &workspace, const ScanOptions &options, QTextStream &err)
{
    QString error;
    std::unique_ptr<ScanJob> job(workspace.startScan(options, &error));
    if (!job) {
        ScanSummary failed;
        failed.storeFailed = true;
        failed.errors << error;
        return failed;
    }
    ProgressLine line(err);
    QObject::connect(job.get(), &ScanJob::progress, job.get(), [&](const ScanProgress &pr) {
        line.show(QStringLiteral("[scan] %1/%2 listings, %3 requests, %4 req/s, %5 errors")
                      .arg(pr.listingsDone)
                      .arg(pr.listingsTotal)
                      .arg(pr.requests)
                      .arg(qRound(pr.requestsPerSecond))
                      .arg(pr.errors));
    });
    ScanSummary summary;
    bool done = false;
    QObject::connect(job.get(), &ScanJob::finished, job.get(), [&](const ScanSummary &s) {
        summary = s;
        done = true;
        QCoreApplication::exit(0);
    });
    StopSignal stop;
    stop.watch(job.get(), [&] {
        if (line.isTerminal())
            err << "\n";
        err << "ferryctl scan: interrupted; stopping and keeping what was read" << Qt::endl;
        job->cancel();
    });
    if (!done)
        QCoreApplication::exec();
    line.clear();
    return summary;
}

} // namespace

int runScan(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(
        QStringLiteral("Scans every registry of the plan and records the sync matrix.\n"
                       "Exit codes: 0 complete, 2 usage or plan error, 4 incomplete (a registry failed; its cells are unknown),\n"
                       "5 rows in a --fail-on state, 130 interrupted (what was read is kept)."));
    p.addOption({QStringLiteral("plan"), QStringLiteral("The migration plan (YAML)."), QStringLiteral("file")});
    p.addOption({QStringLiteral("db"),
                 QStringLiteral("The history database, a file or a postgresql:// URL (default: the plan's store, else next to the plan)."),
                 QStringLiteral("file")});
    p.addOption({QStringLiteral("only"), QStringLiteral("Scan only target repositories matching <regex>."), QStringLiteral("regex")});
    p.addOption({QStringLiteral("jobs"), QStringLiteral("Repositories listed in parallel (default 8)."), QStringLiteral("n")});
    p.addOption(
        {QStringLiteral("check-caches"),
         QStringLiteral("Also read pull-through caches: 'all', or the first <n> repositories (a HEAD makes a cache fetch from upstream)."),
         QStringLiteral("all|n")});
    p.addOption({QStringLiteral("fail-on"), QStringLiteral("Exit 5 when rows are in any of these states, e.g. missing,drifted,lagging."),
                 QStringLiteral("states")});
    p.addOption(
        {QStringLiteral("collector"),
         QStringLiteral("This collector's name in a shared store (default: the host's name). Collectors never list one registry at once."),
         QStringLiteral("name")});
    if (const int rc = parseCommand(p, QStringLiteral("scan"), args, out, err); rc >= 0)
        return rc;
    ScanOptions options;
    QStringList failOn;
    if (!scanOptionsFrom(p, &options, &failOn, err))
        return ExitUsage;
    Workspace workspace;
    if (const int rc = openParsedSession(p, workspace, QStringLiteral("scan"), {PlanNeed::Required}, err); rc >= 0)
        return rc;

    const ScanSummary summary = runScanJob(workspace, options, err);

    out << "Scan " << summary.scanId
        << (summary.interrupted    ? " INTERRUPTED"
                : summary.complete ? " complete"
                                   : " INCOMPLETE")
        << ": " << summary.rows << " rows, " << summary.requests << " requests in " << QString::number(summary.elapsedMs / 1000.0, 'f', 1)
        << " s\n";
    for (const QString &s : state::rowStates())
        if (summary.rowsByState.value(s) > 0)
            out << "  " << s.leftJustified(12) << summary.rowsByState.value(s) << '\n';
    out.flush();
    const int shown = 20;
    for (int i = 0; i < qMin(shown, int(summary.errors.size())); ++i)
        err << "ferryctl scan: " << summary.errors.at(i) << Qt::endl;
    if (summary.errors.size() > shown)
        err << "ferryctl scan: … and " << summary.errors.size() - shown << " more errors (ferryctl status --state unknown)" << Qt::endl;
    if (summary.interrupted)
        return 130;
    int failing = 0;
    for (const QString &s : std::as_const(failOn))
        failing += summary.rowsByState.value(s);
    if (failing > 0) {
        err << "ferryctl scan: " << failing << " rows in " << failOn.join(u',') << Qt::endl;
        return 5;
    }
    return summary.complete ? ExitOk : ExitRegistry;
}

int runStatus(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral("Prints the sync matrix of the last scans."));
    p.addOption({QStringLiteral("db"), QStringLiteral("The history database, a file or a postgresql:// URL."), QStringLiteral("file")});
    p.addOption({QStringLiteral("plan"), QStringLiteral("Use the database next to this plan."), QStringLiteral("file")});
    p.addOption({QStringLiteral("state"),
                 QStringLiteral("Only rows in these states (comma-separated); with --registry, that registry's cell state."),
                 QStringLiteral("states")});
    p.addOption({QStringLiteral("registry"), QStringLiteral("Only this registry's column."), QStringLiteral("name")});
    p.addOption({QStringLiteral("repository"),
                 QStringLiteral("Only repositories matching this glob (giantswarm/*, team/app); may be repeated."),
                 QStringLiteral("glob")});
    p.addOption({QStringLiteral("format"), QStringLiteral("table (default), json or csv."), QStringLiteral("format")});
    if (const int rc = parseCommand(p, QStringLiteral("status"), args, out, err); rc >= 0)
        return rc;
    const QString format = p.value(QStringLiteral("format")).isEmpty() ? QStringLiteral("table") : p.value(QStringLiteral("format"));
    if (format != u"table" && format != u"json" && format != u"csv") {
        err << "ferryctl status: --format is table, json or csv" << Qt::endl;
        return ExitUsage;
    }
    Workspace workspace;
    if (const int rc = openParsedSession(p, workspace, QStringLiteral("status"), {PlanNeed::Optional, StoreNeed::Existing}, err); rc >= 0)
        return rc;
    Store &store = *workspace.store();
    const QStringList states = p.value(QStringLiteral("state")).split(u',', Qt::SkipEmptyParts);
    const QString onlyRegistry = p.value(QStringLiteral("registry"));
    const QStringList globs = p.values(QStringLiteral("repository"));
    QList<MatrixRow> rows = MatrixTables(store).matrix();
    if (!globs.isEmpty())
        rows.removeIf([&](const MatrixRow &r) {
            return std::none_of(globs.begin(), globs.end(), [&](const QString &g) { return repositoryGlobMatches(g, r.repository); });
        });
    QSet<QString> inMatrix;
    for (const MatrixRow &r : std::as_const(rows))
        for (auto it = r.cells.constBegin(); it != r.cells.constEnd(); ++it)
            inMatrix.insert(it.key());
    const QStringList registries = columnsInOrder(registryColumnOrder(workspace.plan().get(), FigureTables(store).registries()),
                                                  QStringList(inMatrix.begin(), inMatrix.end()));
    if (!onlyRegistry.isEmpty()) {
        if (!registries.contains(onlyRegistry)) {
            err << "ferryctl status: no registry '" << onlyRegistry << "' in the matrix (known: " << registries.join(QStringLiteral(", "))
                << ")" << Qt::endl;
            return ExitUsage;
        }
    }
    const QStringList columns = onlyRegistry.isEmpty() ? registries : QStringList{onlyRegistry};
    QList<MatrixRow> shown;
    for (const MatrixRow &r : std::as_const(rows)) {
        if (!onlyRegistry.isEmpty() && !r.cells.contains(onlyRegistry))
            continue;
        const QString s = onlyRegistry.isEmpty() ? r.state : r.cells.value(onlyRegistry).state;
        if (!states.isEmpty() && !states.contains(s))
            continue;
        shown.append(r);
    }

    if (format == u"json") {
        writeStatusJson(shown, columns, out);
        return ExitOk;
    }
    if (format == u"csv") {
        writeStatusCsv(shown, columns, out);
        return ExitOk;
    }
    writeStatusTable(shown, columns, out);
    QMap<QString, int> counts;
    for (const MatrixRow &r : std::as_const(shown))
        ++counts[r.state];
    out << shown.size() << " rows";
    for (auto it = counts.constBegin(); it != counts.constEnd(); ++it)
        out << ", " << it.value() << ' ' << it.key();
    out << '\n';
    if (const auto last = HistoryTables(store).lastScan())
        out << "last scan " << last->id << " at " << isoTime(last->startedAt)
            << (last->complete          ? " (complete)"
                    : last->interrupted ? " (interrupted)"
                                        : " (incomplete)")
            << '\n';
    out.flush();
    return ExitOk;
}

int runDiff(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral("What appeared, moved and vanished since a scan or a time (default: in the last scan)."));
    p.addOption({QStringLiteral("db"), QStringLiteral("The history database, a file or a postgresql:// URL."), QStringLiteral("file")});
    p.addOption({QStringLiteral("plan"), QStringLiteral("Use the database next to this plan."), QStringLiteral("file")});
    p.addOption({QStringLiteral("since"), QStringLiteral("A scan number, an ISO 8601 time, or an age like 24h or 7d."),
                 QStringLiteral("scan|time")});
    p.addOption({QStringLiteral("format"), QStringLiteral("text (default) or json."), QStringLiteral("format")});
    if (const int rc = parseCommand(p, QStringLiteral("diff"), args, out, err); rc >= 0)
        return rc;
    Workspace workspace;
    if (const int rc = openParsedSession(p, workspace, QStringLiteral("diff"), {PlanNeed::Optional, StoreNeed::Existing}, err); rc >= 0)
        return rc;
    Store &store = *workspace.store();
    QList<Change> changes;
    const QString since = p.value(QStringLiteral("since"));
    bool isNumber = false;
    const qint64 scanId = since.toLongLong(&isNumber);
    if (since.isEmpty()) {
        const auto last = HistoryTables(store).lastScan();
        changes = last ? HistoryTables(store).changesSince(last->id - 1) : QList<Change>();
    } else if (isNumber) {
        changes = HistoryTables(store).changesSince(scanId);
    } else {
        // An age or a time, as every --since reads it.
        QString why;
        const auto t = parseSince(since, &why);
        if (!t) {
            err << "ferryctl diff: --since takes a scan number, an ISO 8601 time or an age (" << durationGrammar() << ")" << Qt::endl;
            return ExitUsage;
        }
        changes = HistoryTables(store).changesSince(*t);
    }
    if (p.value(QStringLiteral("format")) == u"json") {
        QJsonArray arr;
        for (const Change &c : std::as_const(changes))
            arr.append(
                QJsonObject{{QStringLiteral("scan"), c.scan},
                            {QStringLiteral("at"), isoTime(c.at)},
                            {QStringLiteral("registry"), c.registry},
                            {QStringLiteral("repository"), c.repository},
                            {QStringLiteral("tag"), c.tag},
                            {QStringLiteral("change"), c.kind},
                            {QStringLiteral("oldDigest"), c.oldDigest.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(c.oldDigest)},
                            {QStringLiteral("newDigest"), c.newDigest.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(c.newDigest)}});
        out << QJsonDocument(arr).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    for (const Change &c : std::as_const(changes)) {
        out << c.kind.leftJustified(9) << ' ' << c.registry << ' ' << c.repository << ':' << c.tag;
        if (c.kind == u"moved")
            out << "  " << shortDigest(c.oldDigest) << " -> " << shortDigest(c.newDigest);
        else
            out << "  " << shortDigest(c.kind == u"vanished" ? c.oldDigest : c.newDigest);
        out << '\n';
    }
    out << changes.size() << " changes\n";
    out.flush();
    return ExitOk;
}

} // namespace ferry::cli
