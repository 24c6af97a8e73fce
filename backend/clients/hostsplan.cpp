// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "clients/hostsplan.h"

#include "store/historytables.h"
#include "store/store.h"

#include <QDir>
#include <QFileInfo>
#include <QMap>
#include <QSet>

namespace ferry {

namespace {

QString namespaceOf(const PlanRegistry &r)
{
    if (!r.clientName.isEmpty())
        return clientref::registryOf(r.clientName);
    return r.config.kind == u"dockerhub" ? QStringLiteral("docker.io") : clientref::registryOf(r.config.baseUrl.authority());
}

QString quoted(const QString &s)
{
    QString out = s;
    out.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
    return u'"' + out + u'"';
}

// The prefix under which the target holds every mapped repository of a source, and the
// mappings that do not fit it.
QString targetPrefix(const Plan &plan, const PlanRegistry &source, QStringList *misfits)
{
    QMap<QString, QStringList> byPrefix;
    for (const ImageSet &s : plan.images) {
        if (s.kind != ImageSet::Kind::Mapping || s.sourceRegistry != source.name)
            continue;
        QString prefix = QStringLiteral("\x01"); // no prefix fits
        if (s.targetRepository == s.sourceRepository)
            prefix.clear();
        else if (s.targetRepository.endsWith(u'/' + s.sourceRepository))
            prefix = s.targetRepository.chopped(s.sourceRepository.size() + 1);
        byPrefix[prefix] << s.sourceRepository + QStringLiteral(" -> ") + s.targetRepository;
    }
    QString best;
    qsizetype bestCount = -1;
    for (auto it = byPrefix.begin(); it != byPrefix.end(); ++it)
        if (it.key() != u"\x01" && it->size() > bestCount) {
            best = it.key();
            bestCount = it->size();
        }
    for (auto it = byPrefix.begin(); it != byPrefix.end(); ++it)
        if (it.key() != best)
            *misfits << *it;
    return best;
}

QString hostUrl(const PlanRegistry &r, const QString &prefix)
{
    QString url = r.config.baseUrl.scheme() + QStringLiteral("://") + r.config.baseUrl.authority();
    if (!prefix.isEmpty())
        url += QStringLiteral("/v2/") + prefix;
    return url;
}

} // namespace

QList<GeneratedHosts> generateHosts(const Plan &plan)
{
    QList<GeneratedHosts> out;
    const QStringList targets = plan.namesWithRole(RegistryRole::Target);
    const PlanRegistry *target = targets.isEmpty() ? nullptr : plan.registry(targets.first());
    if (!target)
        return out;
    QSet<QString> done;
    for (const PlanRegistry &r : plan.registries) {
        if (r.role != RegistryRole::Source && r.role != RegistryRole::Legacy)
            continue;
        const QString ns = namespaceOf(r);
        if (ns.isEmpty() || done.contains(ns))
            continue;
        done.insert(ns);
        GeneratedHosts g;
        g.ns = ns;
        g.directory = directoriesForNamespace(ns).first();
        QStringList misfits;
        const QString prefix = r.role == RegistryRole::Source ? targetPrefix(plan, r, &misfits) : QString();
        if (!misfits.isEmpty())
            g.notes << QStringLiteral("%1: these mappings do not keep the name under '%2/' in %3, and containerd keeps a "
                                      "reference's path, so their clients must change the reference itself: %4")
                           .arg(ns, prefix.isEmpty() ? QStringLiteral("(no prefix)") : prefix, target->name,
                                misfits.join(QStringLiteral("; ")));
        QString toml;
        toml += QStringLiteral("# Written by Ferry from plan '%1' for %2: the caches first, then %3 (the target).\n"
                               "# Nothing here falls back to %4 itself.\n")
                    .arg(plan.name, ns, target->name, clientref::defaultHost(ns));
        toml += QStringLiteral("server = %1\n").arg(quoted(hostUrl(*target, prefix)));
        toml += QStringLiteral("capabilities = [\"pull\", \"resolve\"]\n");
        if (!target->config.caFile.isEmpty())
            toml += QStringLiteral("ca = %1\n").arg(quoted(QFileInfo(target->config.caFile).absoluteFilePath()));
        if (!prefix.isEmpty())
            toml += QStringLiteral("override_path = true\n");
        for (const PlanRegistry &c : plan.registries) {
            if (c.role != RegistryRole::Cache || (c.of != target->name && c.of != r.name))
                continue;
            const QString cachePrefix = c.of == target->name ? prefix : QString();
            toml += QStringLiteral("\n[host.%1]\n").arg(quoted(hostUrl(c, cachePrefix)));
            toml += QStringLiteral("  capabilities = [\"pull\", \"resolve\"]\n");
            if (!c.config.caFile.isEmpty())
                toml += QStringLiteral("  ca = %1\n").arg(quoted(QFileInfo(c.config.caFile).absoluteFilePath()));
            if (!cachePrefix.isEmpty())
                toml += QStringLiteral("  override_path = true\n");
        }
        if (!toml.contains(u"[host."))
            g.notes << QStringLiteral("%1: the plan has no cache of %2; containerd 1.6 drops a hosts.toml without a [host] table, "
                                      "so the target is written as a host as well")
                           .arg(ns, target->name),
                toml += QStringLiteral("\n[host.%1]\n  capabilities = [\"pull\", \"resolve\"]\n%2")
                            .arg(quoted(hostUrl(*target, prefix)),
                                 (target->config.caFile.isEmpty()
                                      ? QString()
                                      : QStringLiteral("  ca = %1\n").arg(quoted(QFileInfo(target->config.caFile).absoluteFilePath()))) +
                                     (prefix.isEmpty() ? QString() : QStringLiteral("  override_path = true\n")));
        g.toml = toml;
        out.append(g);
    }
    return out;
}

namespace {

const PlanRegistry *registryAtHost(const Plan *plan, const QString &host)
{
    if (!plan)
        return nullptr;
    for (const PlanRegistry &r : plan->registries)
        if (r.config.baseUrl.authority() == host)
            return &r;
    return nullptr;
}

// The repository a host holds for a reference's path: its path after /v2 is a prefix.
QString repositoryAt(const HostEntry &h, const QString &path)
{
    QString p = h.path;
    if (p.startsWith(u"/v2"))
        p = p.mid(3);
    while (p.startsWith(u'/'))
        p.remove(0, 1);
    return p.isEmpty() ? path : p + u'/' + path;
}

void addFinding(QList<HostsFinding> &out, HostsFinding::Severity s, const QString &file, int line, const QString &code, const QString &msg)
{
    out.append(HostsFinding{s, file, line, code, msg});
}

} // namespace

QList<HostsFinding> lintHostsDir(const QString &dir, const Plan *plan, const RefJoin *join, const Store *store)
{
    using S = HostsFinding::Severity;
    QList<HostsFinding> out;
    if (!QFileInfo(dir).isDir()) {
        addFinding(out, S::Error, dir, 0, QStringLiteral("no-directory"), QStringLiteral("not a directory"));
        return out;
    }
    const QList<HostsFile> files = readHostsDir(dir);
    for (const HostsFile &f : files) {
        if (f.rejected) {
            addFinding(out, S::Error, f.file, f.rejectLine, QStringLiteral("rejected"),
                       QStringLiteral("containerd cannot use this file (%1) and drops all of it: pulls of %2 go to %3 instead")
                           .arg(f.rejectReason, f.ns, clientref::defaultHost(f.ns)));
            continue;
        }
        out += f.findings;
        bool reachesHolder = false;
        for (const HostEntry &h : f.hosts) {
            const PlanRegistry *r = registryAtHost(plan, h.host);
            if (!h.isServer && h.can(QStringLiteral("push")))
                addFinding(
                    out, S::Warning, f.file, h.line, QStringLiteral("push-on-mirror"),
                    QStringLiteral("%1 may receive pushes%2: a mirror should have capabilities = [\"pull\", \"resolve\"]")
                        .arg(h.url, h.capabilitiesWritten ? QString() : QStringLiteral(" (no capabilities: containerd allows all three)")));
            if (h.scheme == u"http" && (!r || !r->config.insecure))
                addFinding(out, S::Warning, f.file, h.line, QStringLiteral("http-host"),
                           QStringLiteral("%1 is plain HTTP and %2")
                               .arg(h.url,
                                    r ? QStringLiteral("the plan's registry there is not marked insecure")
                                      : QStringLiteral("no registry of the plan is there")));
            for (const QString &ca : h.ca)
                if (!QFileInfo(ca).isFile()) // ca = "" names the directory itself, which containerd cannot read either
                    addFinding(out, S::Error, f.file, h.line, QStringLiteral("ca-missing"),
                               QStringLiteral("CA file %1 is not a file: containerd fails every pull through %2").arg(ca, h.host));
            if (r && (r->role == RegistryRole::Target || r->role == RegistryRole::Replica || r->role == RegistryRole::Legacy))
                reachesHolder = true;
            if (h.isServer && f.server.isEmpty())
                addFinding(out, plan ? S::Error : S::Warning, f.file, 1, QStringLiteral("no-server"),
                           QStringLiteral("no server: after its mirrors containerd goes to %1 itself").arg(h.host));
        }
        if (plan && !reachesHolder)
            addFinding(
                out, S::Error, f.file, f.serverLine, QStringLiteral("no-fallback"),
                QStringLiteral("no host of %1 is the plan's target or one of its replicas: when the caches miss, nothing holds the images")
                    .arg(f.ns));
        if (!join || !store)
            continue;
        QSet<QString> reported;
        for (const JoinedReference &j : join->references) {
            if (j.ref.ref.domain != f.ns || j.ref.ref.tag.isEmpty() || !j.ref.ref.digest.isEmpty())
                continue;
            const QString key = j.ref.ref.path + u':' + j.ref.ref.tag;
            if (reported.contains(key))
                continue;
            reported.insert(key);
            // containerd goes down the list on a miss: a host that lacks the tag costs a
            // request; no host that holds it (and no cache to fetch it) fails the pull.
            bool served = false;
            QList<const HostEntry *> lacking;
            for (const HostEntry &h : f.hosts) {
                const PlanRegistry *r = registryAtHost(plan, h.host);
                if (!r)
                    continue;
                if (r->role == RegistryRole::Cache ||
                    HistoryTables(*store).currentTags(r->name, repositoryAt(h, j.ref.ref.path)).contains(j.ref.ref.tag))
                    served = true;
                else
                    lacking << &h;
            }
            for (const HostEntry *h : std::as_const(lacking))
                addFinding(out, served ? S::Warning : S::Error, f.file, h->line, QStringLiteral("host-lacks-tag"),
                           QStringLiteral("%1 (%2) does not hold %3:%4, which cluster %5 references (%6:%7)%8")
                               .arg(h->host, registryAtHost(plan, h->host)->name, repositoryAt(*h, j.ref.ref.path), j.ref.ref.tag,
                                    j.ref.cluster, j.ref.file)
                               .arg(j.ref.line)
                               .arg(served ? QString() : QStringLiteral(": no host of %1 serves it, the pull fails").arg(f.ns)));
        }
    }
    return out;
}

Explanation explainReference(const ClientRef &ref, const QString &hostsDir, const Plan *plan, const Store *store)
{
    Explanation e;
    e.ref = ref;
    e.repositoryPath = ref.path;
    const QList<HostEntry> hosts = resolveHosts(ref.domain, hostsDir, &e.source);
    for (const HostEntry &h : hosts) {
        if (!h.can(QStringLiteral("resolve")) && !h.can(QStringLiteral("pull")))
            continue;
        ExplainedHost x;
        x.host = h;
        x.url = h.manifestUrl(ref.path, ref.digest.isEmpty() ? ref.tag : ref.digest, ref.domain);
        const PlanRegistry *r = registryAtHost(plan, h.host);
        if (!r && plan && h.host == clientref::defaultHost(ref.domain))
            r = planRegistryForDomain(*plan, ref.domain);
        x.holds = QStringLiteral("unknown");
        if (r) {
            x.planRegistry = r->name;
            if (store) {
                const auto tags = HistoryTables(*store).currentTags(r->name, repositoryAt(h, ref.path));
                if (!ref.digest.isEmpty()) {
                    x.holds = QStringLiteral("absent");
                    for (const Observation &o : tags)
                        if (o.digest == ref.digest)
                            x.holds = o.digest;
                } else {
                    x.holds = tags.contains(ref.tag) ? tags.value(ref.tag).digest : QStringLiteral("absent");
                }
                if (r->role == RegistryRole::Cache && x.holds == u"absent")
                    x.holds = QStringLiteral("absent (a cache fetches it on the first pull)");
            }
        }
        e.hosts.append(x);
    }
    return e;
}

} // namespace ferry
