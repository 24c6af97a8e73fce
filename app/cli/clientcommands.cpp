// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferryctl refs and hosts: the clients' side of the migration. Which images the clusters
// still pull from Docker Hub and the other sources, whether the target holds them with the
// same digest, and the containerd configuration that moves them.
#include "cli/cliregistry.h"
#include "cli/commands.h"
#include "clients/clientsview.h"
#include "clients/hostsplan.h"
#include "clients/inventory.h"
#include "clients/refjoin.h"
#include "core/workspace.h"
#include "plan/plan.h"
#include "report/report.h"
#include "store/clienttables.h"
#include "store/store.h"

#include "cli/commandtable.h"
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ferry::cli {

namespace {

constexpr int ExitFailOn = 5;

// What refs scan and refs status share: the plan, its database and the sources to read.
struct RefsInput
{
    Workspace workspace;
    Plan plan;
    QList<ClientSource> sources;
    bool haveStore = false;
};

void addSourceOptions(CommandParser &p)
{
    p.addOption(
        {QStringLiteral("plan"), QStringLiteral("The migration plan: its registries, mappings and `clients`."), QStringLiteral("file")});
    p.addOption({QStringLiteral("db"),
                 QStringLiteral("The history database, a file or a postgresql:// URL (default: the plan's store, else next to the plan)."),
                 QStringLiteral("file")});
    p.addOption({QStringLiteral("cluster"), QStringLiteral("Cluster name for the PATHs given (default: the directory's name)."),
                 QStringLiteral("name")});
    p.addOption({QStringLiteral("customer"), QStringLiteral("Customer for the PATHs given."), QStringLiteral("name")});
    p.addOption(
        {QStringLiteral("hosts-dir"), QStringLiteral("The containerd certs.d of the cluster of the PATHs given."), QStringLiteral("dir")});
    p.addOption({QStringLiteral("format"), QStringLiteral("table (default), json or csv."), QStringLiteral("format")});
    p.addPositionalArgument(QStringLiteral("PATH"),
                            QStringLiteral("Manifests: files or directories of YAML and JSON (besides the plan's)."),
                            QStringLiteral("[PATH...]"));
}

// Returns -1 to go on, or the exit code.
int readInput(const CommandParser &p, const QString &command, RefsInput *in, QTextStream &err)
{
    SessionRule rule; // refs scan records its burn-down in a store it is given; the others read the store where there is one
    rule.store = command == u"refs scan" && !dbPath(p).isEmpty() ? StoreNeed::Create : StoreNeed::IfExists;
    if (const int rc = openParsedSession(p, in->workspace, command, rule, err); rc >= 0)
        return rc;
    in->haveStore = in->workspace.store() != nullptr;
    if (in->workspace.plan()) {
        in->plan = *in->workspace.plan();
        in->sources = in->plan.clients;
    }
    if (!p.positionalArguments().isEmpty()) {
        ClientSource s;
        s.paths = p.positionalArguments();
        s.cluster = p.value(QStringLiteral("cluster"));
        if (s.cluster.isEmpty()) {
            // The directory's name: clusters/berlin, or the directory a file is in.
            const QFileInfo first(s.paths.first());
            s.cluster = first.isDir() ? QFileInfo(first.absoluteFilePath()).fileName() : first.absoluteDir().dirName();
        }
        s.customer = p.value(QStringLiteral("customer"));
        s.hostsDir = p.value(QStringLiteral("hosts-dir"));
        s.origin = QStringLiteral("command line");
        in->sources.append(s);
        in->plan.clients.append(s);
    }
    if (in->sources.isEmpty()) {
        err << "ferryctl " << command << ": nothing to read: give PATHs, or a --plan with `clients`" << Qt::endl;
        return ExitUsage;
    }
    const QString format = p.value(QStringLiteral("format"));
    if (!format.isEmpty() && format != u"table" && format != u"json" && format != u"csv") {
        err << "ferryctl " << command << ": --format is table, json or csv" << Qt::endl;
        return ExitUsage;
    }
    return -1;
}

QJsonObject referenceJson(const JoinedReference &j)
{
    return QJsonObject{{QStringLiteral("cluster"), j.ref.cluster},
                       {QStringLiteral("customer"), j.ref.customer},
                       {QStringLiteral("reference"), j.ref.ref.canonical()},
                       {QStringLiteral("written"), j.ref.written},
                       {QStringLiteral("namespace"), j.ref.ref.domain},
                       {QStringLiteral("implicitRegistry"), j.ref.ref.implicitDomain},
                       {QStringLiteral("registry"), j.pullsFrom},
                       {QStringLiteral("host"), j.pullsFromHost},
                       {QStringLiteral("planRegistry"), j.planRegistry},
                       {QStringLiteral("state"), refStateName(j.state)},
                       {QStringLiteral("target"), j.targetRegistry},
                       {QStringLiteral("targetRepository"), j.targetRepository},
                       {QStringLiteral("sourceDigest"), j.sourceDigest},
                       {QStringLiteral("targetDigest"), j.targetDigest},
                       {QStringLiteral("runningDigest"), j.ref.runningDigest},
                       {QStringLiteral("file"), j.ref.file},
                       {QStringLiteral("line"), j.ref.line},
                       {QStringLiteral("kind"), j.ref.kind},
                       {QStringLiteral("object"), j.ref.object},
                       {QStringLiteral("container"), j.ref.container},
                       {QStringLiteral("why"), j.why}};
}

QJsonObject byClusterJson(const RefJoin &join)
{
    QJsonObject clusters;
    for (auto c = join.byCluster.begin(); c != join.byCluster.end(); ++c) {
        QJsonObject regs;
        for (auto r = c->begin(); r != c->end(); ++r)
            regs.insert(r.key(), QJsonObject{{QStringLiteral("references"), r->first}, {QStringLiteral("ready"), r->second}});
        clusters.insert(c.key(), regs);
    }
    return clusters;
}

void printSummary(const RefJoin &join, QTextStream &out)
{
    out << QStringLiteral("%1 %2 %3 %4\n")
               .arg(QStringLiteral("CLUSTER").leftJustified(20), QStringLiteral("PULLS FROM").leftJustified(24),
                    QStringLiteral("REFS").rightJustified(7), QStringLiteral("READY").rightJustified(7));
    for (auto c = join.byCluster.begin(); c != join.byCluster.end(); ++c)
        for (auto r = c->begin(); r != c->end(); ++r)
            out << QStringLiteral("%1 %2 %3 %4\n")
                       .arg(c.key().leftJustified(20), r.key().leftJustified(24), QString::number(r->first).rightJustified(7),
                            QString::number(r->second).rightJustified(7));
    QMap<RefState, int> states;
    for (const JoinedReference &j : join.references)
        ++states[j.state];
    out << '\n';
    for (auto it = states.begin(); it != states.end(); ++it)
        out << "  " << refStateText(it.key()).leftJustified(32) << it.value() << '\n';
}

void printReferences(const RefJoin &join, const QString &format, const QStringList &warnings, QTextStream &out)
{
    if (format == u"json") {
        QJsonArray refs;
        for (const JoinedReference &j : join.references)
            refs.append(referenceJson(j));
        out << QJsonDocument(QJsonObject{{QStringLiteral("references"), refs},
                                         {QStringLiteral("byCluster"), byClusterJson(join)},
                                         {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)}})
                   .toJson(QJsonDocument::Indented);
        return;
    }
    if (format == u"csv") {
        out << "cluster,customer,reference,registry,state,target,target_repository,source_digest,target_digest,file,line,kind,object,"
               "container,why\n";
        for (const JoinedReference &j : join.references)
            out << csvField(j.ref.cluster) << ',' << csvField(j.ref.customer) << ',' << csvField(j.ref.ref.canonical()) << ','
                << csvField(j.pullsFrom) << ',' << refStateName(j.state) << ',' << csvField(j.targetRegistry) << ','
                << csvField(j.targetRepository) << ',' << j.sourceDigest << ',' << j.targetDigest << ',' << csvField(j.ref.file) << ','
                << j.ref.line << ',' << j.ref.kind << ',' << csvField(j.ref.object) << ',' << csvField(j.ref.container) << ','
                << csvField(j.why) << '\n';
        return;
    }
    for (const JoinedReference &j : join.references)
        out << QStringLiteral("%1 %2 %3 %4\n")
                   .arg(j.ref.cluster.leftJustified(14), j.pullsFrom.leftJustified(14), refStateText(j.state).leftJustified(30),
                        j.ref.ref.canonical())
            << QStringLiteral("%1 %2:%3 %4%5\n")
                   .arg(QString(14, u' '), j.ref.file)
                   .arg(j.ref.line)
                   .arg(j.ref.kind + u' ' + j.ref.object + (j.ref.container.isEmpty() ? QString() : u'/' + j.ref.container),
                        j.why.isEmpty() ? QString() : QStringLiteral(" (") + j.why + u')');
    out << '\n';
    printSummary(join, out);
}

bool pullsFromAny(const JoinedReference &j, const QStringList &registries)
{
    for (const QString &r : registries)
        if (j.pullsFrom == r || clientref::registryOf(j.pullsFromHost) == clientref::registryOf(r))
            return true;
    return false;
}

// refs scan with a store: the burn-down, and what the clusters run, pin and name (cleanup holds
// it back and re-checks it). Returns -1 to go on, or the exit code.
int recordRefsScan(RefsInput &in, const Inventory &inventory, const RefJoin &join, QTextStream &err)
{
    const RefsRecord r = recordReferences(*in.workspace.store(), in.plan, in.sources, inventory, join, QDateTime::currentDateTimeUtc());
    if (!r.error.isEmpty()) {
        err << "ferryctl refs scan: " << r.error << Qt::endl;
        return ExitStore;
    }
    if (!r.holdsRecorded)
        err << "ferryctl refs scan: what the clusters run is not recorded for cleanup: it is known only against a plan's "
               "registries (give --plan)"
            << Qt::endl;
    return -1;
}

int refsScanOrStatus(const QStringList &args, bool scan, QTextStream &out, QTextStream &err)
{
    const QString command = scan ? QStringLiteral("refs scan") : QStringLiteral("refs status");
    CommandParser p;
    p.setApplicationDescription(scan ? QStringLiteral("Reads the clients' manifests, joins every image reference to the sync matrix and "
                                                      "records the burn-down (references per cluster and registry) in the database.")
                                     : QStringLiteral("Every image reference of the clients: where it pulls from today (after the "
                                                      "cluster's containerd mirrors) and whether the target holds it with the same "
                                                      "digest. States: switch-ready, drifted, copy-first, switched, missing-on-target, "
                                                      "not-scanned, no-tag, outside-plan."));
    addSourceOptions(p);
    p.addOption({QStringLiteral("fail-on"),
                 QStringLiteral("Exit 5 when a reference still pulls from one of these registries (plan names or hosts, e.g. docker.io)."),
                 QStringLiteral("registries")});
    p.addOption({QStringLiteral("state"), QStringLiteral("Only references in these states (comma-separated)."), QStringLiteral("states")});
    if (const int rc = parseCommand(p, command, args, out, err); rc >= 0)
        return rc;
    RefsInput in;
    if (const int rc = readInput(p, command, &in, err); rc >= 0)
        return rc;
    const Inventory inventory = readInventory(in.sources);
    for (const QString &w : inventory.warnings)
        err << "ferryctl " << command << ": warning: " << w << Qt::endl;
    RefJoin join = joinReferences(in.plan, inventory, in.haveStore ? in.workspace.store() : nullptr);
    if (scan && !in.haveStore)
        err << "ferryctl refs scan: no database (give --plan or --db): the counts are printed, not recorded" << Qt::endl;
    if (scan && in.haveStore)
        if (const int rc = recordRefsScan(in, inventory, join, err); rc >= 0)
            return rc;
    const QStringList states = p.value(QStringLiteral("state")).split(u',', Qt::SkipEmptyParts);
    if (!states.isEmpty())
        join.references.removeIf([&](const JoinedReference &j) { return !states.contains(refStateName(j.state)); });
    const QString format = p.value(QStringLiteral("format")).isEmpty() ? QStringLiteral("table") : p.value(QStringLiteral("format"));
    if (scan && format == u"table") {
        out << inventory.references.size() << " references in " << inventory.files << " files, " << inventory.objects << " objects\n\n";
        printSummary(join, out);
    } else {
        printReferences(join, format, inventory.warnings, out);
    }
    out.flush();
    const QStringList failOn = p.value(QStringLiteral("fail-on")).split(u',', Qt::SkipEmptyParts);
    if (!failOn.isEmpty()) {
        int hits = 0;
        for (const JoinedReference &j : std::as_const(join.references))
            hits += pullsFromAny(j, failOn) ? 1 : 0;
        if (hits > 0) {
            err << "ferryctl " << command << ": " << hits << " references still pull from " << failOn.join(u',') << Qt::endl;
            return ExitFailOn;
        }
    }
    return ExitOk;
}

int refsDiff(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral("The burn-down: references per cluster and registry at the first and the last "
                                               "`refs scan` since --since (default: all)."));
    p.addOption({QStringLiteral("plan"), QStringLiteral("Use the database next to this plan."), QStringLiteral("file")});
    p.addOption({QStringLiteral("db"), QStringLiteral("The history database, a file or a postgresql:// URL."), QStringLiteral("file")});
    p.addOption({QStringLiteral("since"), QStringLiteral("An age (7d, 24h) or an ISO time."), QStringLiteral("when")});
    p.addOption({QStringLiteral("format"), QStringLiteral("table (default), json or csv."), QStringLiteral("format")});
    if (const int rc = parseCommand(p, QStringLiteral("refs diff"), args, out, err); rc >= 0)
        return rc;
    QString error;
    const auto since = parseSince(p.value(QStringLiteral("since")), &error);
    if (!since) {
        err << "ferryctl refs diff: " << error << Qt::endl;
        return ExitUsage;
    }
    Workspace workspace;
    SessionRule rule{PlanNeed::Optional, StoreNeed::Existing};
    rule.scanFirst = QStringLiteral("ferryctl refs scan");
    if (const int rc = openParsedSession(p, workspace, QStringLiteral("refs diff"), rule, err); rc >= 0)
        return rc;
    const QList<ClientCount> history = ClientTables(*workspace.store()).clientCountHistory(*since);
    if (history.isEmpty()) {
        err << "ferryctl refs diff: no refs scan in the database" << (since->isValid() ? QStringLiteral(" since then") : QString())
            << Qt::endl;
        return ExitNotFound;
    }
    const QDateTime first = history.first().at, last = history.last().at;
    QMap<QPair<QString, QString>, QPair<int, int>> change; // (cluster, registry) -> (then, now)
    for (const ClientCount &c : history) {
        if (c.at == first)
            change[{c.cluster, c.registry}].first = c.references;
        if (c.at == last)
            change[{c.cluster, c.registry}].second = c.references;
    }
    const QString format = p.value(QStringLiteral("format"));
    if (format == u"json") {
        QJsonArray rows;
        for (auto it = change.begin(); it != change.end(); ++it)
            rows.append(QJsonObject{{QStringLiteral("cluster"), it.key().first},
                                    {QStringLiteral("registry"), it.key().second},
                                    {QStringLiteral("then"), it->first},
                                    {QStringLiteral("now"), it->second}});
        out << QJsonDocument(QJsonObject{{QStringLiteral("from"), first.toString(Qt::ISODate)},
                                         {QStringLiteral("to"), last.toString(Qt::ISODate)},
                                         {QStringLiteral("counts"), rows}})
                   .toJson(QJsonDocument::Indented);
    } else if (format == u"csv") {
        out << "cluster,registry,then,now\n";
        for (auto it = change.begin(); it != change.end(); ++it)
            out << csvField(it.key().first) << ',' << csvField(it.key().second) << ',' << it->first << ',' << it->second << '\n';
    } else {
        out << "From " << first.toString(Qt::ISODate) << " to " << last.toString(Qt::ISODate) << "\n";
        for (auto it = change.begin(); it != change.end(); ++it) {
            const int d = it->second - it->first;
            out << QStringLiteral("%1 %2 %3 -> %4 (%5)\n")
                       .arg(it.key().first.leftJustified(20), it.key().second.leftJustified(24),
                            QString::number(it->first).rightJustified(6), QString::number(it->second).rightJustified(6),
                            d > 0 ? QStringLiteral("+%1").arg(d) : QString::number(d));
        }
    }
    out.flush();
    return ExitOk;
}

} // namespace

int runRefs(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString sub = args.value(0);
    if (sub == u"scan" || sub == u"status")
        return refsScanOrStatus(args.mid(1), sub == u"scan", out, err);
    if (sub == u"diff")
        return refsDiff(args.mid(1), out, err);
    (sub == u"--help" || sub == u"-h" ? out : err) << groupUsage(QStringLiteral("refs"));
    return sub == u"--help" || sub == u"-h" ? ExitOk : ExitUsage;
}

} // namespace ferry::cli
