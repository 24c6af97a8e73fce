// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferryctl charts: the RFC's stage 3. Per chart and version, what the HTTP Helm repository's
// index and the OCI registry hold; the App Catalog as it will read from OCI; which Flux
// releases still resolve charts over HTTP; and retiring the HTTP repository as approved batches.
#include "charts/chartretire.h"
#include "charts/chartscan.h"
#include "cli/cliregistry.h"
#include "cli/commands.h"
#include "clients/inventory.h"
#include "core/workspace.h"
#include "report/report.h"
#include "store/charttables.h"
#include "store/store.h"

#include "cli/commandtable.h"
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ferry::cli {

// Opens the plan (when given) and the database; -1 to go on, or the exit code.
int openChartsWorkspace(const CommandParser &p, const QString &command, Workspace *ws, bool needPlan, QTextStream &err)
{
    SessionRule rule;
    rule.plan = needPlan ? PlanNeed::Required : PlanNeed::Optional;
    rule.store = needPlan ? StoreNeed::Create : StoreNeed::Existing;
    rule.planFor = QStringLiteral("the chart repositories are the plan's `charts`");
    rule.scanFirst = QStringLiteral("ferryctl charts scan");
    return openParsedSession(p, *ws, command, rule, err);
}

namespace {

constexpr int ExitFailOn = 5;

void addCommonOptions(CommandParser &p, bool withFormat = true)
{
    p.addOption({QStringLiteral("plan"), QStringLiteral("The migration plan, with its `charts`."), QStringLiteral("file")});
    p.addOption({QStringLiteral("db"),
                 QStringLiteral("The history database, a file or a postgresql:// URL (default: the plan's store, else next to the plan)."),
                 QStringLiteral("file")});
    p.addOption({QStringLiteral("repository"), QStringLiteral("Only this chart repository of the plan."), QStringLiteral("name")});
    if (withFormat)
        p.addOption({QStringLiteral("format"), QStringLiteral("table (default), json or csv."), QStringLiteral("format")});
}

QString formatOf(const CommandParser &p)
{
    return p.value(QStringLiteral("format")).isEmpty() ? QStringLiteral("table") : p.value(QStringLiteral("format"));
}

QJsonObject versionJson(const ChartVersionRow &r)
{
    return QJsonObject{{QStringLiteral("chart"), r.chart},
                       {QStringLiteral("version"), r.version},
                       {QStringLiteral("state"), r.state},
                       {QStringLiteral("httpDigest"), r.httpDigest},
                       {QStringLiteral("ociDigest"), r.ociDigest},
                       {QStringLiteral("manifestDigest"), r.manifestDigest},
                       {QStringLiteral("appVersion"), r.appVersion},
                       {QStringLiteral("created"), r.created.isValid() ? r.created.toString(Qt::ISODate) : QString()},
                       {QStringLiteral("deprecated"), r.deprecated},
                       {QStringLiteral("url"), r.url},
                       {QStringLiteral("reason"), r.reason},
                       {QStringLiteral("replicas"), [&] {
                            QJsonObject o;
                            for (auto it = r.replicas.cbegin(); it != r.replicas.cend(); ++it)
                                o.insert(it.key(), it.value());
                            return o;
                        }()}};
}

// "china=same;other=missing", for CSV.
QString replicasText(const ChartVersionRow &r)
{
    QStringList parts;
    for (auto it = r.replicas.cbegin(); it != r.replicas.cend(); ++it)
        parts << it.key() + u'=' + it.value();
    return parts.join(u';');
}

QJsonObject countsJson(const QMap<QString, int> &counts)
{
    QJsonObject o;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QString countsLine(const QMap<QString, int> &counts)
{
    QStringList parts;
    for (const QString &s : chartstate::all())
        if (counts.value(s) > 0)
            parts << QStringLiteral("%1 %2").arg(counts.value(s)).arg(s);
    return parts.isEmpty() ? QStringLiteral("no versions") : parts.join(QStringLiteral(", "));
}

int chartsScan(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral("Reads every chart repository of the plan: the HTTP index.yaml and, for each chart, "
                                               "the OCI repository's tags, manifests and chart configs; records the chart matrix."));
    addCommonOptions(p);
    if (const int rc = parseCommand(p, QStringLiteral("charts scan"), args, out, err); rc >= 0)
        return rc;
    Workspace ws;
    if (const int rc = openChartsWorkspace(p, QStringLiteral("charts scan"), &ws, true, err); rc >= 0)
        return rc;
    const QString only = p.value(QStringLiteral("repository"));
    int rc = ExitOk;
    QJsonArray json;
    const bool table = formatOf(p) == u"table";
    QStringList errors;
    const QMap<QString, RegistryConfig> configs = ws.registryConfigs(&errors);
    for (const QString &e : std::as_const(errors))
        err << "ferryctl charts scan: warning: " << e << Qt::endl;
    for (const ChartRepository &repo : ws.plan()->charts) {
        if (!only.isEmpty() && repo.name != only)
            continue;
        // One repository at a time, so that each is said as soon as it is recorded.
        const QList<ChartsScanOutcome> outcomes =
            scanAndRecordCharts(*ws.plan(), configs, ws.network(), *ws.store(), repo.name,
                                [&](const QString &name, const QString &what, qint64 done, qint64 total) {
                                    if (table && total > 0)
                                        err << "  " << name << ": " << what << " (" << done + 1 << "/" << total << ")" << Qt::endl;
                                });
        for (const ChartsScanOutcome &o : outcomes) {
            for (const QString &w : o.warnings)
                err << "ferryctl charts scan: " << o.repository << ": warning: " << w << Qt::endl;
            if (!o.storeError.isEmpty()) {
                err << "ferryctl charts scan: cannot record: " << o.storeError << Qt::endl;
                return ExitStore;
            }
            if (!o.error.isEmpty())
                err << "ferryctl charts scan: " << o.repository << ": " << o.error << Qt::endl;
            // The OCI side read only in part: its versions are unknown, and the scan says so (exit 4).
            for (const QString &why : o.partial)
                err << "ferryctl charts scan: " << o.repository << ": " << why << Qt::endl;
            if (o.failed())
                rc = ExitRegistry;
            if (table)
                out << o.repository.leftJustified(24) << ' ' << countsLine(o.counts) << '\n';
            json.append(QJsonObject{{QStringLiteral("name"), o.repository},
                                    {QStringLiteral("scan"), o.scan},
                                    {QStringLiteral("error"), o.error},
                                    {QStringLiteral("counts"), countsJson(o.counts)}});
        }
    }
    if (formatOf(p) == u"json")
        out << QJsonDocument(QJsonObject{{QStringLiteral("repositories"), json}}).toJson(QJsonDocument::Indented);
    if (json.isEmpty()) {
        err << "ferryctl charts scan: the plan has no chart repository" << (only.isEmpty() ? QString() : QStringLiteral(" named ") + only)
            << Qt::endl;
        return ExitNotFound;
    }
    return rc;
}

int chartsStatus(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral("The chart matrix of the last charts scan: per chart and version, same, missing-in-oci, "
                                               "only-in-oci, different-content, deprecated or unknown; and whether the HTTP "
                                               "repository could be retired."));
    addCommonOptions(p);
    p.addOption({QStringLiteral("state"), QStringLiteral("Only versions in these states (comma-separated)."), QStringLiteral("states")});
    p.addOption({QStringLiteral("fail-on"), QStringLiteral("Exit 5 when a version is in one of these states (comma-separated)."),
                 QStringLiteral("states")});
    if (const int rc = parseCommand(p, QStringLiteral("charts status"), args, out, err); rc >= 0)
        return rc;
    Workspace ws;
    if (const int rc = openChartsWorkspace(p, QStringLiteral("charts status"), &ws, false, err); rc >= 0)
        return rc;
    const QMap<QString, ChartScanRecord> latest = ChartTables(*ws.store()).latestChartScans();
    const QString only = p.value(QStringLiteral("repository"));
    const QStringList states = p.value(QStringLiteral("state")).split(u',', Qt::SkipEmptyParts);
    const QStringList failOn = p.value(QStringLiteral("fail-on")).split(u',', Qt::SkipEmptyParts);
    const QString format = formatOf(p);
    QJsonArray repos;
    int hits = 0;
    if (format == u"csv")
        out << "repository,chart,version,state,http_digest,oci_digest,manifest_digest,app_version,created,deprecated,url,reason,replicas\n";
    for (const ChartScanRecord &scan : latest) {
        if (!only.isEmpty() && scan.repository != only)
            continue;
        QList<ChartVersionRow> rows = ChartTables(*ws.store()).chartVersions(scan.id);
        const QMap<QString, int> counts = chartStateCounts(rows);
        const ChartRetirement retire = planRetirement(scan, rows);
        for (const QString &s : failOn)
            hits += counts.value(s);
        if (!states.isEmpty())
            rows.removeIf([&](const ChartVersionRow &r) { return !states.contains(r.state); });
        if (format == u"json") {
            QJsonArray versions;
            for (const ChartVersionRow &r : std::as_const(rows))
                versions.append(versionJson(r));
            repos.append(QJsonObject{{QStringLiteral("name"), scan.repository},
                                     {QStringLiteral("indexUrl"), scan.indexUrl},
                                     {QStringLiteral("scannedAt"), scan.at.toString(Qt::ISODate)},
                                     {QStringLiteral("error"), scan.error},
                                     {QStringLiteral("counts"), countsJson(counts)},
                                     {QStringLiteral("retireReady"), retire.ready()},
                                     {QStringLiteral("retireBlockers"), QJsonArray::fromStringList(retire.blockers)},
                                     {QStringLiteral("versions"), versions}});
        } else if (format == u"csv") {
            for (const ChartVersionRow &r : std::as_const(rows))
                out << csvField(scan.repository) << ',' << csvField(r.chart) << ',' << csvField(r.version) << ',' << r.state << ','
                    << r.httpDigest << ',' << r.ociDigest << ',' << r.manifestDigest << ',' << csvField(r.appVersion) << ','
                    << (r.created.isValid() ? r.created.toString(Qt::ISODate) : QString()) << ',' << (r.deprecated ? "true" : "false")
                    << ',' << csvField(r.url) << ',' << csvField(r.reason) << ',' << csvField(replicasText(r)) << '\n';
        } else {
            out << scan.repository << "  " << scan.indexUrl << "  scanned " << scan.at.toString(Qt::ISODate) << '\n';
            if (!scan.error.isEmpty())
                out << "  error: " << scan.error << '\n';
            for (const ChartVersionRow &r : std::as_const(rows))
                out << QStringLiteral("  %1 %2 %3 %4\n")
                           .arg(r.state.leftJustified(18), r.chart.leftJustified(28), r.version.leftJustified(16), r.reason);
            out << "  " << countsLine(counts) << '\n'
                << "  retire: "
                << (retire.ready() ? QStringLiteral("ready, %1 files verified in OCI").arg(retire.files.size()) : QStringLiteral("not yet"))
                << '\n';
            for (const QString &b : retire.blockers)
                out << "    " << b << '\n';
            out << '\n';
        }
    }
    if (format == u"json")
        out << QJsonDocument(QJsonObject{{QStringLiteral("repositories"), repos}}).toJson(QJsonDocument::Indented);
    out.flush();
    if (latest.isEmpty()) {
        err << "ferryctl charts status: no charts scan in the database; run ferryctl charts scan" << Qt::endl;
        return ExitNotFound;
    }
    if (hits > 0) {
        err << "ferryctl charts status: " << hits << " versions are " << failOn.join(u',') << Qt::endl;
        return ExitFailOn;
    }
    return ExitOk;
}

int chartsDiff(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral("What changed in the chart matrix: the last charts scan of each repository against the "
                                               "first since --since (default: the one before it)."));
    addCommonOptions(p);
    p.addOption({QStringLiteral("since"), QStringLiteral("An age (7d, 24h) or an ISO time."), QStringLiteral("when")});
    if (const int rc = parseCommand(p, QStringLiteral("charts diff"), args, out, err); rc >= 0)
        return rc;
    QString error;
    const auto since = parseSince(p.value(QStringLiteral("since")), &error);
    if (!since) {
        err << "ferryctl charts diff: " << error << Qt::endl;
        return ExitUsage;
    }
    Workspace ws;
    if (const int rc = openChartsWorkspace(p, QStringLiteral("charts diff"), &ws, false, err); rc >= 0)
        return rc;
    const QString format = formatOf(p);
    QJsonArray changes;
    if (format == u"csv")
        out << "repository,chart,version,before,after\n";
    const QMap<QString, ChartScanRecord> latest = ChartTables(*ws.store()).latestChartScans();
    for (const ChartScanRecord &last : latest) {
        if (p.isSet(QStringLiteral("repository")) && last.repository != p.value(QStringLiteral("repository")))
            continue;
        const QList<ChartScanRecord> scans = ChartTables(*ws.store()).chartScans(last.repository);
        const ChartScanRecord *first = nullptr;
        if (since->isValid()) {
            for (const ChartScanRecord &s : scans)
                if (s.at >= *since && !first)
                    first = &s;
        } else if (scans.size() >= 2) {
            first = &scans.at(scans.size() - 2);
        }
        const QList<ChartVersionRow> before = first ? ChartTables(*ws.store()).chartVersions(first->id) : QList<ChartVersionRow>{};
        const QList<ChartChange> diff = diffChartScans(before, ChartTables(*ws.store()).chartVersions(last.id));
        if (format == u"table")
            out << last.repository << ": " << (first ? first->at.toString(Qt::ISODate) : QStringLiteral("nothing")) << " -> "
                << last.at.toString(Qt::ISODate) << ", " << diff.size() << " changes\n";
        for (const ChartChange &c : diff) {
            if (format == u"json")
                changes.append(QJsonObject{{QStringLiteral("repository"), last.repository},
                                           {QStringLiteral("chart"), c.chart},
                                           {QStringLiteral("version"), c.version},
                                           {QStringLiteral("before"), c.before},
                                           {QStringLiteral("after"), c.after}});
            else if (format == u"csv")
                out << csvField(last.repository) << ',' << csvField(c.chart) << ',' << csvField(c.version) << ',' << c.before << ','
                    << c.after << '\n';
            else
                out << QStringLiteral("  %1 %2 %3 -> %4\n")
                           .arg(c.chart.leftJustified(28), c.version.leftJustified(16),
                                (c.before.isEmpty() ? QStringLiteral("(none)") : c.before).rightJustified(18),
                                c.after.isEmpty() ? QStringLiteral("(gone)") : c.after);
        }
    }
    if (format == u"json")
        out << QJsonDocument(QJsonObject{{QStringLiteral("changes"), changes}}).toJson(QJsonDocument::Indented);
    out.flush();
    if (latest.isEmpty()) {
        err << "ferryctl charts diff: no charts scan in the database" << Qt::endl;
        return ExitNotFound;
    }
    return ExitOk;
}

} // namespace

int chartsCatalog(const QStringList &args, QTextStream &out, QTextStream &err);
int chartsReleases(const QStringList &args, QTextStream &out, QTextStream &err);
int chartsRetire(const QStringList &args, QTextStream &out, QTextStream &err);

int runCharts(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString sub = args.value(0);
    if (sub == u"scan")
        return chartsScan(args.mid(1), out, err);
    if (sub == u"status")
        return chartsStatus(args.mid(1), out, err);
    if (sub == u"diff")
        return chartsDiff(args.mid(1), out, err);
    if (sub == u"catalog")
        return chartsCatalog(args.mid(1), out, err);
    if (sub == u"releases")
        return chartsReleases(args.mid(1), out, err);
    if (sub == u"retire")
        return chartsRetire(args.mid(1), out, err);
    (sub == u"--help" || sub == u"-h" ? out : err) << groupUsage(QStringLiteral("charts"));
    return sub == u"--help" || sub == u"-h" ? ExitOk : ExitUsage;
}

} // namespace ferry::cli
