// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferryctl lag and watch: how far the replicas are behind, measured from outside.
#include "cli/cliregistry.h"
#include "cli/commands.h"
#include "cli/interruption.h"
#include "core/workspace.h"
#include "lag/lag.h"
#include "net/networkservice.h"
#include "parse/duration.h"
#include "plan/plan.h"
#include "report/report.h"
#include "scan/scanner.h"
#include "store/store.h"

#include "cli/commandtable.h"
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimer>

#include <unistd.h>

namespace ferry::cli {

namespace {

constexpr int ExitBreach = 5;
constexpr int ExitInterrupted = 130;

QString iso(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}

QJsonObject statsJson(const LagStats &s)
{
    return QJsonObject{{QStringLiteral("count"), s.count}, {QStringLiteral("p50"), s.p50}, {QStringLiteral("p90"), s.p90},
                       {QStringLiteral("p99"), s.p99},     {QStringLiteral("max"), s.max}, {QStringLiteral("breaches"), s.breaches}};
}

QJsonObject sampleJson(const LagSample &s)
{
    return QJsonObject{{QStringLiteral("repository"), s.repository},
                       {QStringLiteral("digest"), s.digest},
                       {QStringLiteral("tags"), QJsonArray::fromStringList(s.tags)},
                       {QStringLiteral("targetSeen"), iso(s.targetSeen)},
                       {QStringLiteral("replicaSeen"), iso(s.replicaSeen)},
                       {QStringLiteral("lagSeconds"), s.lagSeconds},
                       {QStringLiteral("registryLagSeconds"), s.registryLagSeconds}};
}

QJsonObject reportJson(const LagReport &r)
{
    QJsonArray replicas;
    for (const ReplicaLag &rl : r.replicas) {
        QJsonObject byRepo;
        for (auto it = rl.byRepository.begin(); it != rl.byRepository.end(); ++it)
            byRepo.insert(it.key(), statsJson(it.value()));
        QJsonArray inFlight, breaches, samples;
        for (const InFlight &f : rl.inFlight)
            inFlight.append(QJsonObject{{QStringLiteral("repository"), f.repository},
                                        {QStringLiteral("digest"), f.digest},
                                        {QStringLiteral("tags"), QJsonArray::fromStringList(f.tags)},
                                        {QStringLiteral("targetSeen"), iso(f.targetSeen)},
                                        {QStringLiteral("ageSeconds"), f.ageSeconds},
                                        {QStringLiteral("breach"), f.breach}});
        for (const LagSample &s : rl.breaches)
            breaches.append(sampleJson(s));
        for (const LagSample &s : rl.samples)
            samples.append(sampleJson(s));
        replicas.append(QJsonObject{{QStringLiteral("replica"), rl.replica},
                                    {QStringLiteral("target"), rl.target},
                                    {QStringLiteral("sloSeconds"), rl.sloSeconds},
                                    {QStringLiteral("resolutionSeconds"), rl.resolutionSeconds},
                                    {QStringLiteral("timeSource"), rl.timeSource},
                                    {QStringLiteral("lag"), statsJson(rl.stats)},
                                    {QStringLiteral("byRepository"), byRepo},
                                    {QStringLiteral("inFlight"), inFlight},
                                    {QStringLiteral("breaches"), breaches},
                                    {QStringLiteral("samples"), samples},
                                    {QStringLiteral("drifted"), rl.drifted},
                                    {QStringLiteral("notMeasurable"), rl.predates}});
    }
    return QJsonObject{{QStringLiteral("generatedAt"), iso(r.generatedAt)},
                       {QStringLiteral("since"), iso(r.since)},
                       {QStringLiteral("replicas"), replicas}};
}

} // namespace

QString lagSummaryLine(const ReplicaLag &rl)
{
    QString line = QStringLiteral("%1: lag ").arg(rl.replica) + lagSummaryParts(rl).join(QStringLiteral(", "));
    line +=
        QStringLiteral("; resolution %1").arg(rl.resolutionSeconds > 0 ? durationText(rl.resolutionSeconds) : QStringLiteral("one scan"));
    return line;
}

int runLag(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral(
        "Replication lag of every replica: when the target first had a digest, when the replica first answered with it.\n"
        "Figures use Ferry's scan times (known to within the scan interval, shown as resolution).\n"
        "Exit codes: 0 ok, 2 usage, 4 no replica known, 5 with --fail-on-breach: an arrival or an item in flight beyond the SLO."));
    p.addOption({QStringLiteral("db"), QStringLiteral("The history database, a file or a postgresql:// URL."), QStringLiteral("file")});
    p.addOption({QStringLiteral("plan"), QStringLiteral("The plan (its database is next to it)."), QStringLiteral("file")});
    p.addOption({QStringLiteral("replica"), QStringLiteral("Only this replica."), QStringLiteral("name")});
    p.addOption({QStringLiteral("since"), QStringLiteral("Arrivals since an age (24h, 7d) or an ISO time."), QStringLiteral("time")});
    p.addOption({QStringLiteral("format"), QStringLiteral("table, json or csv."), QStringLiteral("format"), QStringLiteral("table")});
    p.addOption({QStringLiteral("fail-on-breach"), QStringLiteral("Exit 5 when anything is beyond its replica's SLO (for cron).")});
    if (const int rc = parseCommand(p, QStringLiteral("lag"), args, out, err); rc >= 0)
        return rc;
    QString error;
    const auto since = parseSince(p.value(QStringLiteral("since")), &error);
    if (!since) {
        err << "ferryctl lag: " << error << Qt::endl;
        return ExitUsage;
    }
    Workspace workspace;
    if (const int rc = openParsedSession(p, workspace, QStringLiteral("lag"), {}, err); rc >= 0)
        return rc;
    Store &store = *workspace.store();
    const LagReport report = computeLag(store, *since, p.value(QStringLiteral("replica")));
    if (!report.error.isEmpty()) {
        err << "ferryctl lag: " << report.error << Qt::endl;
        return ExitRegistry;
    }
    const QString format = p.value(QStringLiteral("format"));
    if (format == u"json") {
        out << QJsonDocument(reportJson(report)).toJson(QJsonDocument::Indented);
    } else if (format == u"csv") {
        out << "replica,repository,digest,tags,state,target_seen,replica_seen,lag_seconds,breach,registry_lag_seconds\n";
        for (const ReplicaLag &rl : report.replicas) {
            for (const LagSample &s : rl.samples)
                out << csvField(rl.replica) << ',' << csvField(s.repository) << ',' << s.digest << ',' << csvField(s.tags.join(u' '))
                    << ",arrived," << iso(s.targetSeen) << ',' << iso(s.replicaSeen) << ',' << s.lagSeconds << ','
                    << (s.lagSeconds > rl.sloSeconds ? "true" : "false") << ','
                    << (s.registryLagSeconds >= 0 ? QString::number(s.registryLagSeconds) : QString()) << '\n';
            for (const InFlight &f : rl.inFlight)
                out << csvField(rl.replica) << ',' << csvField(f.repository) << ',' << f.digest << ',' << csvField(f.tags.join(u' '))
                    << ",in-flight," << iso(f.targetSeen) << ",," << f.ageSeconds << ',' << (f.breach ? "true" : "false") << ",\n";
        }
    } else if (format == u"table") {
        for (const ReplicaLag &rl : report.replicas) {
            out << "Replica " << rl.replica << " of " << rl.target << ", SLO " << durationText(rl.sloSeconds) << ", resolution "
                << (rl.resolutionSeconds > 0 ? durationText(rl.resolutionSeconds) : QStringLiteral("one scan so far"))
                << "; times: " << rl.timeSource << '\n';
            out << "  arrivals" << (report.since.isValid() ? QStringLiteral(" since %1").arg(iso(report.since)) : QString()) << ": "
                << rl.stats.count;
            if (rl.stats.count)
                out << "  p50 " << durationText(rl.stats.p50) << "  p90 " << durationText(rl.stats.p90) << "  p99 "
                    << durationText(rl.stats.p99) << "  max " << durationText(rl.stats.max) << "  beyond SLO " << rl.stats.breaches;
            out << '\n';
            const int inFlightBreaches = rl.inFlightBreaches;
            out << "  in flight: " << rl.inFlightCount
                << (rl.inFlight.isEmpty() ? QString() : QStringLiteral(", %1 beyond the SLO").arg(inFlightBreaches)) << '\n';
            for (qsizetype i = 0; i < rl.inFlight.size() && i < 10; ++i) {
                const InFlight &f = rl.inFlight[i];
                out << "    " << durationText(f.ageSeconds).rightJustified(7) << "  " << f.repository << ':'
                    << (f.tags.isEmpty() ? f.digest.left(19) : f.tags.join(u',')) << (f.breach ? "  BREACH" : "") << '\n';
            }
            if (const qsizetype shown = qMin<qsizetype>(10, rl.inFlight.size()); rl.inFlightCount > shown)
                out << "    ... " << (rl.inFlightCount - shown) << " more (--format json lists " << rl.inFlight.size() << ")\n";
            if (!rl.breaches.isEmpty()) {
                out << "  arrivals beyond the SLO:\n";
                for (qsizetype i = 0; i < rl.breaches.size() && i < 10; ++i) {
                    const LagSample &s = rl.breaches[i];
                    out << "    " << durationText(s.lagSeconds).rightJustified(7) << "  " << s.repository << ':'
                        << (s.tags.isEmpty() ? s.digest.left(19) : s.tags.join(u',')) << "  arrived " << iso(s.replicaSeen) << '\n';
                }
                if (const qsizetype shown = qMin<qsizetype>(10, rl.breaches.size()); rl.stats.breaches > shown)
                    out << "    ... " << (rl.stats.breaches - shown) << " more (--format json lists " << rl.breaches.size() << ")\n";
            }
            if (rl.byRepository.size() > 1) {
                out << "  per repository (p50 / p90 / max, arrivals):\n";
                for (auto it = rl.byRepository.begin(); it != rl.byRepository.end(); ++it)
                    out << "    " << it.key().leftJustified(36) << ' ' << durationText(it->p50) << " / " << durationText(it->p90) << " / "
                        << durationText(it->max) << ", " << it->count
                        << (it->breaches ? QStringLiteral(", %1 beyond SLO").arg(it->breaches) : QString()) << '\n';
            }
            if (rl.drifted)
                out << "  drifted (another digest, not lag): " << rl.drifted << '\n';
            if (rl.predates)
                out << "  not measurable (both held it when Ferry first looked): " << rl.predates << '\n';
        }
    } else {
        err << "ferryctl lag: --format is table, json or csv" << Qt::endl;
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("fail-on-breach")) && beyondSlo(report) > 0) {
        err << "ferryctl lag: " << beyondSlo(report) << " item(s) beyond the SLO" << Qt::endl;
        return ExitBreach;
    }
    return ExitOk;
}

namespace {

// --interval, --full-every and --max-scans; false (with the message written) on a bad one.
bool watchOptionsFrom(const CommandParser &p, qint64 *intervalMs, int *fullEvery, int *maxScans, QTextStream &err)
{
    const auto interval = parseDurationMs(p.value(QStringLiteral("interval")));
    if (!interval) {
        err << "ferryctl watch: --interval takes " << durationGrammar() << Qt::endl;
        return false;
    }
    *intervalMs = qMax<qint64>(100, *interval);
    bool ok = false;
    *fullEvery = p.value(QStringLiteral("full-every")).toInt(&ok);
    if (!ok || *fullEvery < 1) {
        err << "ferryctl watch: --full-every takes a positive number" << Qt::endl;
        return false;
    }
    *maxScans = p.isSet(QStringLiteral("max-scans")) ? p.value(QStringLiteral("max-scans")).toInt() : -1;
    return true;
}

// watch --plain: one line per round.
void printRound(QTextStream &out, int round, bool full, const ScanSummary &s, const LagReport &report)
{
    QStringList parts;
    for (const ReplicaLag &rl : report.replicas)
        parts << lagSummaryLine(rl);
    out << iso(QDateTime::currentDateTimeUtc()) << " round " << round << (full ? " full" : " quick") << " scan " << s.scanId
        << (s.interrupted    ? " interrupted"
                : s.complete ? " complete"
                             : " INCOMPLETE")
        << " in " << QString::number(s.elapsedMs / 1000.0, 'f', 1) << "s, " << s.requests << " requests, " << s.errors.size() << " errors";
    if (!s.errors.isEmpty())
        out << " (" << s.errors.first().left(160) << ')';
    out << "; " << (parts.isEmpty() ? QStringLiteral("no replica") : parts.join(QStringLiteral("; "))) << Qt::endl;
}

} // namespace

int runWatch(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(
        QStringLiteral("Rescans on a schedule and measures replication lag. Every round lists the targets and replicas; every\n"
                       "--full-every rounds also the sources and legacy registries and rewrites the matrix.\n"
                       "On a terminal it opens the terminal dashboard (ferryctl tui: pages 1-5, s scan now, q quit) with its rounds;\n"
                       "otherwise, or with --plain, it prints one line per round. Exit codes: 0 done, 2 usage, 130 interrupted."));
    p.addOption({QStringLiteral("plan"), QStringLiteral("The migration plan (YAML)."), QStringLiteral("file")});
    p.addOption({QStringLiteral("db"),
                 QStringLiteral("The history database, a file or a postgresql:// URL (default: the plan's store, else next to the plan)."),
                 QStringLiteral("file")});
    p.addOption({QStringLiteral("interval"), QStringLiteral("Time between rounds: 30s, 5m, 1h (default 5m)."), QStringLiteral("duration"),
                 QStringLiteral("5m")});
    p.addOption({QStringLiteral("full-every"), QStringLiteral("A full scan every N rounds (default 12)."), QStringLiteral("n"),
                 QStringLiteral("12")});
    p.addOption({QStringLiteral("max-scans"), QStringLiteral("Stop after N rounds (default: run until stopped)."), QStringLiteral("n")});
    p.addOption({QStringLiteral("plain"), QStringLiteral("One line per round, no full-screen view.")});
    p.addOption(
        {QStringLiteral("collector"),
         QStringLiteral("This collector's name in a shared store (default: the host's name). Collectors never list one registry at once."),
         QStringLiteral("name")});
    if (const int rc = parseCommand(p, QStringLiteral("watch"), args, out, err); rc >= 0)
        return rc;
    qint64 intervalMs = 0;
    int fullEvery = 0, maxScans = -1;
    if (!watchOptionsFrom(p, &intervalMs, &fullEvery, &maxScans, err))
        return ExitUsage;
    // The plan is read once; an edit of its file between rounds is read again and used from
    // the next round on.
    Workspace workspace;
    if (const int rc = openParsedSession(p, workspace, QStringLiteral("watch"), {PlanNeed::Required}, err); rc >= 0)
        return rc;
    const std::shared_ptr<const Plan> plan = workspace.plan();
    QStringList quick = plan->namesWithRole(RegistryRole::Target) + plan->namesWithRole(RegistryRole::Replica);
    Store &store = *workspace.store();
    if (!p.isSet(QStringLiteral("plain")) && ::isatty(STDOUT_FILENO) && ::isatty(STDIN_FILENO))
        return runWatchView(workspace, intervalMs, fullEvery, maxScans,
                            p.value(QStringLiteral("collector"))); // the TUI, its rounds on this schedule

    int round = 0;
    ScanJob *scanner = nullptr;
    QTimer next;
    next.setSingleShot(true);
    StopSignal stop;

    std::function<void()> startRound = [&] {
        if (scanner || StopSignal::requested())
            return;
        ++round;
        ScanOptions options;
        options.collector = p.value(QStringLiteral("collector"));
        const bool full = (round - 1) % fullEvery == 0;
        if (!full) {
            options.registries = quick;
            options.writeMatrix = false;
        }
        QString error;
        scanner = workspace.startScan(options, &error);
        QObject::connect(scanner, &ScanJob::finished, scanner, [&, full](const ScanSummary &s) {
            scanner->deleteLater();
            scanner = nullptr;
            const LagReport report = computeLag(store, QDateTime::currentDateTimeUtc().addDays(-1));
            printRound(out, round, full, s, report);
            if (StopSignal::requested() || (maxScans > 0 && round >= maxScans)) {
                QCoreApplication::exit(0);
                return;
            }
            next.start(int(qMin<qint64>(intervalMs, std::numeric_limits<int>::max())));
        });
    };
    QObject::connect(&next, &QTimer::timeout, &next, [&] { startRound(); });
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &poll, [&] {
        if (StopSignal::requested()) {
            poll.stop();
            next.stop();
            if (scanner)
                scanner->cancel(); // finished() then exits
            else
                QCoreApplication::exit(0);
        }
    });
    poll.start(100);
    QTimer::singleShot(0, &next, [&] { startRound(); });
    QCoreApplication::exec();
    delete scanner;
    // A signal counts however the loop ended: a round that finished just after it came
    // exits through the round's own path, before the poll timer sees it.
    return StopSignal::requested() ? ExitInterrupted : ExitOk;
}

} // namespace ferry::cli
