// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferryctl charts catalog, releases and retire.
#include "charts/chartretire.h"
#include "cli/cliregistry.h"
#include "cli/commands.h"
#include "core/workspace.h"
#include "report/report.h"
#include "store/charttables.h"

#include "cli/commandtable.h"
#include "store/store.h"
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ferry::cli {

namespace {

constexpr int ExitFailOn = 5;
constexpr int ExitBatchBlocked = 6;

QJsonArray list(const QStringList &l)
{
    return QJsonArray::fromStringList(l);
}

} // namespace

int chartsCatalog(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral("The App Catalog: per chart, the last N versions (the plan's catalog, default 5) as "
                                               "the catalog will show them from OCI, next to what the HTTP index shows today. "
                                               "Versions the switch would lose from the catalog are named."));
    p.addOption({QStringLiteral("plan"), QStringLiteral("The migration plan."), QStringLiteral("file")});
    p.addOption({QStringLiteral("db"), QStringLiteral("The history database, a file or a postgresql:// URL."), QStringLiteral("file")});
    p.addOption({QStringLiteral("repository"), QStringLiteral("Only this chart repository."), QStringLiteral("name")});
    p.addOption({QStringLiteral("size"), QStringLiteral("Versions per chart (default: the plan's catalog, else 5)."), QStringLiteral("n")});
    p.addOption({QStringLiteral("format"), QStringLiteral("table (default) or json."), QStringLiteral("format")});
    if (const int rc = parseCommand(p, QStringLiteral("charts catalog"), args, out, err); rc >= 0)
        return rc;
    Workspace ws;
    if (const int rc = openChartsWorkspace(p, QStringLiteral("charts catalog"), &ws, false, err); rc >= 0)
        return rc;
    const QMap<QString, ChartScanRecord> latest = ChartTables(*ws.store()).latestChartScans();
    QJsonArray repos;
    const bool json = p.value(QStringLiteral("format")) == u"json";
    for (const ChartScanRecord &scan : latest) {
        if (p.isSet(QStringLiteral("repository")) && scan.repository != p.value(QStringLiteral("repository")))
            continue;
        int size = 5;
        if (ws.plan())
            if (const ChartRepository *r = ws.plan()->chartRepository(scan.repository))
                size = r->catalogSize;
        if (p.isSet(QStringLiteral("size")))
            size = qMax(1, p.value(QStringLiteral("size")).toInt());
        const QList<CatalogEntry> catalog = appCatalog(ChartTables(*ws.store()).chartVersions(scan.id), size);
        QJsonArray charts;
        if (!json)
            out << scan.repository << " (last " << size << " per chart)\n";
        for (const CatalogEntry &e : catalog) {
            if (json) {
                charts.append(QJsonObject{{QStringLiteral("chart"), e.chart},
                                          {QStringLiteral("oci"), list(e.oci)},
                                          {QStringLiteral("http"), list(e.http)},
                                          {QStringLiteral("lostOnSwitch"), list(e.lostOnSwitch)}});
                continue;
            }
            out << "  " << e.chart.leftJustified(28) << ' ' << (e.oci.isEmpty() ? QStringLiteral("(nothing in OCI)") : e.oci.join(u' '));
            if (!e.lostOnSwitch.isEmpty())
                out << "   lost on switch: " << e.lostOnSwitch.join(u' ');
            out << '\n';
        }
        repos.append(
            QJsonObject{{QStringLiteral("name"), scan.repository}, {QStringLiteral("size"), size}, {QStringLiteral("charts"), charts}});
    }
    if (json)
        out << QJsonDocument(QJsonObject{{QStringLiteral("repositories"), repos}}).toJson(QJsonDocument::Indented);
    if (latest.isEmpty()) {
        err << "ferryctl charts catalog: no charts scan in the database" << Qt::endl;
        return ExitNotFound;
    }
    return ExitOk;
}

int chartsReleases(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral("Flux HelmReleases in the clients' files (the plan's `clients` and PATHs): the "
                                               "HelmRepository or OCIRepository each resolves its chart from, and whether that is "
                                               "still an HTTP repository (via http) or OCI."));
    p.addOption({QStringLiteral("plan"), QStringLiteral("The migration plan: its `clients` and `charts`."), QStringLiteral("file")});
    p.addOption({QStringLiteral("db"), QStringLiteral("The history database (for the versions' states)."), QStringLiteral("file")});
    p.addOption({QStringLiteral("cluster"), QStringLiteral("Cluster name for the PATHs given."), QStringLiteral("name")});
    p.addOption({QStringLiteral("format"), QStringLiteral("table (default), json or csv."), QStringLiteral("format")});
    p.addOption({QStringLiteral("fail-on-http"), QStringLiteral("Exit 5 when a release still resolves its chart over HTTP.")});
    p.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Flux objects: files or directories of YAML."),
                            QStringLiteral("[PATH...]"));
    if (const int rc = parseCommand(p, QStringLiteral("charts releases"), args, out, err); rc >= 0)
        return rc;
    Workspace ws; // the versions' states come from the store where there is one
    if (const int rc = openParsedSession(p, ws, QStringLiteral("charts releases"), {PlanNeed::Optional, StoreNeed::IfExists}, err); rc >= 0)
        return rc;
    Plan plan;
    QList<ClientSource> sources;
    if (ws.plan()) {
        plan = *ws.plan();
        sources = plan.clients;
    }
    if (!p.positionalArguments().isEmpty()) {
        ClientSource s;
        s.paths = p.positionalArguments();
        s.cluster = p.value(QStringLiteral("cluster"));
        if (s.cluster.isEmpty())
            s.cluster = QStringLiteral("files");
        sources.append(s);
    }
    if (sources.isEmpty()) {
        err << "ferryctl charts releases: give --plan with `clients`, or PATHs" << Qt::endl;
        return ExitUsage;
    }
    QMap<QString, QList<ChartVersionRow>> latestRows;
    if (ws.store())
        for (const ChartScanRecord &s : ChartTables(*ws.store()).latestChartScans())
            latestRows.insert(s.repository, ChartTables(*ws.store()).chartVersions(s.id));
    const Inventory inventory = readInventory(sources);
    for (const QString &w : inventory.warnings)
        err << "ferryctl charts releases: warning: " << w << Qt::endl;
    const QList<ReleaseSource> releases = releaseSources(inventory, plan, latestRows);
    const QString format = p.value(QStringLiteral("format"));
    int http = 0;
    QJsonArray json;
    if (format == u"csv")
        out << "cluster,release,chart,version,source_kind,source,via,url,repository,state,file,line\n";
    for (const ReleaseSource &r : releases) {
        http += r.via == u"http" ? 1 : 0;
        if (format == u"json")
            json.append(QJsonObject{{QStringLiteral("cluster"), r.release.cluster},
                                    {QStringLiteral("release"), r.release.object},
                                    {QStringLiteral("chart"), r.release.chart},
                                    {QStringLiteral("version"), r.release.version},
                                    {QStringLiteral("sourceKind"), r.release.sourceKind},
                                    {QStringLiteral("source"), r.release.source},
                                    {QStringLiteral("via"), r.via},
                                    {QStringLiteral("url"), r.url},
                                    {QStringLiteral("repository"), r.repository},
                                    {QStringLiteral("state"), r.state},
                                    {QStringLiteral("file"), r.release.file},
                                    {QStringLiteral("line"), r.release.line}});
        else if (format == u"csv")
            out << csvField(r.release.cluster) << ',' << csvField(r.release.object) << ',' << csvField(r.release.chart) << ','
                << csvField(r.release.version) << ',' << r.release.sourceKind << ',' << csvField(r.release.source) << ',' << r.via << ','
                << csvField(r.url) << ',' << csvField(r.repository) << ',' << r.state << ',' << csvField(r.release.file) << ','
                << r.release.line << '\n';
        else
            out << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                       .arg(r.release.cluster.leftJustified(12), r.release.object.leftJustified(32),
                            QString(r.release.chart + u' ' + r.release.version).leftJustified(32), r.via.leftJustified(8), r.url,
                            r.state.isEmpty() ? QString() : QStringLiteral("(%1)").arg(r.state));
    }
    if (format == u"json")
        out << QJsonDocument(QJsonObject{{QStringLiteral("releases"), json}}).toJson(QJsonDocument::Indented);
    else if (format != u"csv")
        out << '\n' << releases.size() << " releases, " << http << " still resolve charts over HTTP\n";
    out.flush();
    if (p.isSet(QStringLiteral("fail-on-http")) && http > 0) {
        err << "ferryctl charts releases: " << http << " releases still resolve charts over HTTP" << Qt::endl;
        return ExitFailOn;
    }
    return ExitOk;
}

int chartsRetire(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral(
        "Retires an HTTP chart repository (cleanup policy kind http-chart-repository).\n"
        "  retire plan REPOSITORY: batches of the files to remove, from the last charts scan, only when every version the index "
        "holds is in OCI with the same content digest; review and approve them with ferryctl cleanup review/approve.\n"
        "  retire execute --batch N: both sides read again; each file DELETEd through the plan's delete-api, or exported "
        "(--export FILE) for removal by hand."));
    p.addOption({QStringLiteral("plan"), QStringLiteral("The migration plan."), QStringLiteral("file")});
    p.addOption({QStringLiteral("db"), QStringLiteral("The history database, a file or a postgresql:// URL."), QStringLiteral("file")});
    p.addOption({QStringLiteral("batch"), QStringLiteral("execute: the approved batch."), QStringLiteral("id")});
    p.addOption({QStringLiteral("dry-run"), QStringLiteral("execute: verify and say what would happen; nothing is removed.")});
    p.addOption({QStringLiteral("export"), QStringLiteral("execute: write the files as CSV (chart,version,url,digest,state)."),
                 QStringLiteral("file")});
    p.addOption({QStringLiteral("as"), QStringLiteral("Who runs it, for the audit log (default: $USER)."), QStringLiteral("name")});
    p.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("plan or execute"), QStringLiteral("plan|execute"));
    p.addPositionalArgument(QStringLiteral("REPOSITORY"), QStringLiteral("plan: the chart repository"), QStringLiteral("[REPOSITORY]"));
    if (const int rc = parseCommand(p, QStringLiteral("charts retire"), args, out, err); rc >= 0)
        return rc;
    const QString action = p.positionalArguments().value(0);
    Workspace ws;
    if (const int rc = openChartsWorkspace(p, QStringLiteral("charts retire"), &ws, true, err); rc >= 0)
        return rc;
    if (action == u"plan") {
        const ChartRetirePlan r = planChartRetirement(*ws.plan(), *ws.store(), p.positionalArguments().value(1));
        if (!r.error.isEmpty()) {
            err << "ferryctl charts retire plan: " << r.error << Qt::endl;
            return ExitUsage;
        }
        if (r.batches.isEmpty()) {
            err << "ferryctl charts retire plan: " << p.positionalArguments().value(1) << " cannot be retired yet:" << Qt::endl;
            for (const QString &b : r.retirement.blockers)
                err << "  " << b << Qt::endl;
            return ExitBatchBlocked;
        }
        for (qint64 id : r.batches)
            out << "batch " << id << " planned\n";
        out << r.retirement.files.size() << " files verified in OCI; review with ferryctl cleanup show BATCH, approve with "
            << "ferryctl cleanup approve BATCH --as NAME\n";
        return ExitOk;
    }
    if (action != u"execute" || !p.isSet(QStringLiteral("batch"))) {
        err << "ferryctl charts retire: give plan REPOSITORY, or execute --batch N" << Qt::endl;
        return ExitUsage;
    }
    const qint64 batchId = p.value(QStringLiteral("batch")).toLongLong();
    const auto batch = CleanupStore(*ws.store()).batch(batchId);
    const ChartRepository *repo = batch ? ws.plan()->chartRepository(batch->registry) : nullptr;
    if (!repo) {
        err << "ferryctl charts retire execute: batch " << batchId << " does not retire a chart repository of this plan" << Qt::endl;
        return ExitNotFound;
    }
    QStringList errors;
    const ChartScanInput in = chartScanInput(*ws.plan(), *repo, ws.registryConfigs(&errors), &errors);
    const bool dry = p.isSet(QStringLiteral("dry-run"));
    const ChartRetireRun run =
        executeChartRetirement(*ws.plan(), *ws.store(), ws.network(), in, batchId, dry, batchActor(p.value(QStringLiteral("as"))));
    if (!run.refused.isEmpty()) {
        err << "ferryctl charts retire execute: " << run.refused << Qt::endl;
        return ExitBatchBlocked;
    }
    for (const CleanupItem &i : run.items)
        out << QStringLiteral("%1 %2 %3\n").arg(i.state.leftJustified(14), i.tags.value(0).leftJustified(40), i.outcome);
    QStringList parts;
    for (auto it = run.counts.cbegin(); it != run.counts.cend(); ++it)
        parts << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
    out << "batch " << batchId << (dry ? " (dry run): " : ": ") << parts.join(QStringLiteral(", ")) << '\n';
    if (p.isSet(QStringLiteral("export"))) {
        QFile f(p.value(QStringLiteral("export")));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            err << "ferryctl charts retire execute: cannot write " << f.fileName() << ": " << f.errorString() << Qt::endl;
            return ExitUsage;
        }
        QTextStream csv(&f);
        csv << "chart,version,url,digest,state\n";
        for (const CleanupItem &i : run.items) {
            const auto [chart, version] = retireItemChart(i);
            csv << csvField(chart) << ',' << csvField(version) << ',' << csvField(retireItemUrl(i)) << ',' << i.digest << ',' << i.state
                << '\n';
        }
    }
    const bool failed = run.counts.value(itemstate::Failed) > 0;
    return failed ? ExitRegistry : ExitOk;
}

} // namespace ferry::cli
