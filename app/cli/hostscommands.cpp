// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferryctl hosts: containerd's hosts.toml for the plan. generate writes it, lint finds what
// breaks clusters, explain says which hosts containerd tries for a reference.
#include "cli/cliregistry.h"
#include "cli/commands.h"
#include "clients/hostsplan.h"
#include "clients/inventory.h"
#include "clients/refjoin.h"
#include "core/workspace.h"
#include "plan/plan.h"
#include "store/store.h"

#include "cli/commandtable.h"
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace ferry::cli {

namespace {

constexpr int ExitFindings = 5;

// --plan (optional unless required) and, when haveStore is given, its database if there is one.
int openPlan(const CommandParser &p, const QString &command, bool required, Workspace *ws, bool *haveStore, QTextStream &err)
{
    const SessionRule rule{required ? PlanNeed::Required : PlanNeed::Optional, haveStore ? StoreNeed::IfExists : StoreNeed::None};
    const int rc = openParsedSession(p, *ws, command, rule, err);
    if (haveStore)
        *haveStore = ws->store() != nullptr;
    return rc;
}

int generate(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral("Writes DIR/<namespace>/hosts.toml for each upstream namespace of the plan (its source and "
                                               "legacy registries): the target's caches first, then the target. Point containerd's "
                                               "config_path (or ctr --hosts-dir) at DIR."));
    p.addOption({QStringLiteral("plan"), QStringLiteral("The migration plan."), QStringLiteral("file")});
    p.addOption(
        {{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("The certs.d directory to write."), QStringLiteral("dir")});
    if (const int rc = parseCommand(p, QStringLiteral("hosts generate"), args, out, err); rc >= 0)
        return rc;
    Workspace ws; // generate reads the plan only
    if (const int rc = openPlan(p, QStringLiteral("hosts generate"), true, &ws, nullptr, err); rc >= 0)
        return rc;
    const QString dir = p.value(QStringLiteral("output"));
    if (dir.isEmpty()) {
        err << "ferryctl hosts generate: -o DIR is required" << Qt::endl;
        return ExitUsage;
    }
    const QList<GeneratedHosts> generated = generateHosts(*ws.plan());
    if (generated.isEmpty()) {
        err << "ferryctl hosts generate: the plan has no target, or no source or legacy registry to mirror" << Qt::endl;
        return ExitUsage;
    }
    for (const GeneratedHosts &g : generated) {
        const QString sub = QDir(dir).filePath(g.directory);
        QSaveFile f(QDir(sub).filePath(QStringLiteral("hosts.toml")));
        if (!QDir().mkpath(sub) || !f.open(QIODevice::WriteOnly) || f.write(g.toml.toUtf8()) < 0 || !f.commit()) {
            err << "ferryctl hosts generate: cannot write " << f.fileName() << ": " << f.errorString() << Qt::endl;
            return ExitStore;
        }
        out << f.fileName() << '\n';
        for (const QString &n : g.notes)
            err << "ferryctl hosts generate: note: " << n << Qt::endl;
    }
    out.flush();
    return ExitOk;
}

int lint(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral("Finds what breaks clusters in a containerd certs.d directory: files containerd drops "
                                               "(duplicate tables, unknown capabilities), unknown keys, push on a mirror, no fallback "
                                               "to a registry that holds the images, plain-HTTP hosts, missing CA files, and (with "
                                               "--plan and its clients and database) hosts that lack tags the clusters reference.\n"
                                               "Exit codes: 0 no error (warnings allowed), 5 errors found, 2 usage."));
    p.addOption({QStringLiteral("plan"), QStringLiteral("The migration plan."), QStringLiteral("file")});
    p.addOption({QStringLiteral("db"),
                 QStringLiteral("The history database, a file or a postgresql:// URL (default: the plan's store, else next to the plan)."),
                 QStringLiteral("file")});
    p.addOption({QStringLiteral("format"), QStringLiteral("table (default) or json."), QStringLiteral("format")});
    p.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("The certs.d directory."));
    if (const int rc = parseCommand(p, QStringLiteral("hosts lint"), args, out, err); rc >= 0)
        return rc;
    if (p.positionalArguments().size() != 1) {
        err << "ferryctl hosts lint: give one DIR" << Qt::endl;
        return ExitUsage;
    }
    Workspace ws;
    bool haveStore = false;
    if (const int rc = openPlan(p, QStringLiteral("hosts lint"), false, &ws, &haveStore, err); rc >= 0)
        return rc;
    const Plan *plan = ws.plan().get();
    std::optional<RefJoin> join;
    if (plan && haveStore && !plan->clients.isEmpty())
        join = joinReferences(*plan, readInventory(plan->clients), ws.store());
    const QList<HostsFinding> findings =
        lintHostsDir(p.positionalArguments().first(), plan, join ? &*join : nullptr, haveStore ? ws.store() : nullptr);
    int errors = 0;
    QJsonArray json;
    for (const HostsFinding &f : findings) {
        errors += f.severity == HostsFinding::Severity::Error ? 1 : 0;
        if (p.value(QStringLiteral("format")) == u"json")
            json.append(QJsonObject{{QStringLiteral("severity"), severityName(f.severity)},
                                    {QStringLiteral("file"), f.file},
                                    {QStringLiteral("line"), f.line},
                                    {QStringLiteral("code"), f.code},
                                    {QStringLiteral("message"), f.message}});
        else
            out << f.file << ':' << f.line << ": " << severityName(f.severity) << " [" << f.code << "] " << f.message << '\n';
    }
    if (p.value(QStringLiteral("format")) == u"json")
        out << QJsonDocument(QJsonObject{{QStringLiteral("findings"), json}}).toJson(QJsonDocument::Indented);
    else
        out << findings.size() << " findings, " << errors << " errors\n";
    out.flush();
    return errors > 0 ? ExitFindings : ExitOk;
}

int explain(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral("The hosts containerd tries for REF with this certs.d, in order, the URL it asks each, "
                                               "and what each holds for REF (from the database of --plan's scans)."));
    p.addOption(
        {QStringLiteral("hosts-dir"), QStringLiteral("The certs.d directory (none: containerd's default host)."), QStringLiteral("dir")});
    p.addOption({QStringLiteral("plan"), QStringLiteral("The migration plan."), QStringLiteral("file")});
    p.addOption({QStringLiteral("db"),
                 QStringLiteral("The history database, a file or a postgresql:// URL (default: the plan's store, else next to the plan)."),
                 QStringLiteral("file")});
    p.addOption(
        {QStringLiteral("json"), QStringLiteral("Print JSON (keys: reference, source, hosts[url, host, capabilities, registry, holds]).")});
    p.addPositionalArgument(QStringLiteral("REF"), QStringLiteral("An image reference as a manifest writes it (nginx, quay.io/x/y:1)."));
    if (const int rc = parseCommand(p, QStringLiteral("hosts explain"), args, out, err); rc >= 0)
        return rc;
    if (p.positionalArguments().size() != 1) {
        err << "ferryctl hosts explain: give one REF" << Qt::endl;
        return ExitUsage;
    }
    QString error;
    const auto ref = ClientRef::parse(p.positionalArguments().first(), &error);
    if (!ref) {
        err << "ferryctl hosts explain: " << error << Qt::endl;
        return ExitUsage;
    }
    Workspace ws;
    bool haveStore = false;
    if (const int rc = openPlan(p, QStringLiteral("hosts explain"), false, &ws, &haveStore, err); rc >= 0)
        return rc;
    const Explanation e = explainReference(*ref, p.value(QStringLiteral("hosts-dir")), ws.plan().get(), haveStore ? ws.store() : nullptr);
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray hosts;
        for (const ExplainedHost &h : e.hosts)
            hosts.append(QJsonObject{{QStringLiteral("url"), h.url},
                                     {QStringLiteral("host"), h.host.host},
                                     {QStringLiteral("capabilities"), QJsonArray::fromStringList(h.host.capabilities)},
                                     {QStringLiteral("server"), h.host.isServer},
                                     {QStringLiteral("registry"), h.planRegistry},
                                     {QStringLiteral("holds"), h.holds}});
        out << QJsonDocument(QJsonObject{{QStringLiteral("reference"), e.ref.canonical()},
                                         {QStringLiteral("namespace"), e.ref.domain},
                                         {QStringLiteral("source"), e.source},
                                         {QStringLiteral("hosts"), hosts}})
                   .toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    out << "Reference: " << e.ref.canonical() << (e.ref.implicitDomain ? "  (no registry written: docker.io)" : "") << '\n'
        << "Namespace: " << e.ref.domain << '\n'
        << "Config:    " << (e.source.isEmpty() ? QStringLiteral("none (containerd's default host)") : e.source) << '\n';
    int i = 0;
    for (const ExplainedHost &h : e.hosts) {
        out << QStringLiteral("%1. %2  [%3]%4\n")
                   .arg(++i)
                   .arg(h.url, h.host.capabilities.join(u','), h.host.isServer ? QStringLiteral("  server") : QString());
        out << "   " << (h.planRegistry.isEmpty() ? QStringLiteral("not a registry of the plan") : h.planRegistry) << ": " << h.holds
            << '\n';
    }
    out.flush();
    return ExitOk;
}

} // namespace

int runHosts(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString sub = args.value(0);
    if (sub == u"generate")
        return generate(args.mid(1), out, err);
    if (sub == u"lint")
        return lint(args.mid(1), out, err);
    if (sub == u"explain")
        return explain(args.mid(1), out, err);
    (sub == u"--help" || sub == u"-h" ? out : err) << groupUsage(QStringLiteral("hosts"));
    return sub == u"--help" || sub == u"-h" ? ExitOk : ExitUsage;
}

} // namespace ferry::cli
