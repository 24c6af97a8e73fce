// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "clients/refjoin.h"

#include "store/clienttables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "store/store.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

namespace ferry {

QString refStateName(RefState s)
{
    switch (s) {
    case RefState::SwitchReady: return QStringLiteral("switch-ready");
    case RefState::Drifted: return QStringLiteral("drifted");
    case RefState::CopyFirst: return QStringLiteral("copy-first");
    case RefState::Switched: return QStringLiteral("switched");
    case RefState::MissingOnTarget: return QStringLiteral("missing-on-target");
    case RefState::NotScanned: return QStringLiteral("not-scanned");
    case RefState::NoTag: return QStringLiteral("no-tag");
    case RefState::OutsidePlan: return QStringLiteral("outside-plan");
    }
    return {};
}

Severity refStateSeverity(RefState s)
{
    switch (s) {
    case RefState::SwitchReady:
    case RefState::Switched: return Severity::Ok;
    case RefState::CopyFirst:
    case RefState::NotScanned:
    case RefState::NoTag: return Severity::Warning;
    case RefState::Drifted:
    case RefState::MissingOnTarget: return Severity::Error;
    case RefState::OutsidePlan: break;
    }
    return Severity::Muted;
}

QString refStateText(RefState s)
{
    switch (s) {
    case RefState::SwitchReady: return QStringLiteral("switch-ready");
    case RefState::Drifted: return QStringLiteral("drifted: do not switch");
    case RefState::CopyFirst: return QStringLiteral("copy first");
    case RefState::Switched: return QStringLiteral("switched");
    case RefState::MissingOnTarget: return QStringLiteral("missing on target: pulls fail");
    case RefState::NotScanned: return QStringLiteral("not scanned");
    case RefState::NoTag: return QStringLiteral("no tag: the chart decides");
    case RefState::OutsidePlan: return QStringLiteral("outside the plan");
    }
    return {};
}

const PlanRegistry *planRegistryForDomain(const Plan &plan, const QString &domain)
{
    const QString wanted = clientref::registryOf(domain);
    for (const PlanRegistry &r : plan.registries)
        if (!r.clientName.isEmpty() && clientref::registryOf(r.clientName) == wanted)
            return &r;
    for (const PlanRegistry &r : plan.registries) {
        const QString host = r.config.kind == u"dockerhub" ? QStringLiteral("docker.io") : r.config.baseUrl.authority();
        if (clientref::registryOf(host) == wanted)
            return &r;
    }
    return nullptr;
}

namespace {

// The plan's repositories per registry and its mappings, indexed once: a join asks for each
// of a few hundred thousand references.
class PlanIndex
{
public:
    explicit PlanIndex(const Plan &plan)
        : m_plan(plan)
    {
        for (const ImageSet &s : plan.images)
            if (s.kind == ImageSet::Kind::Mapping)
                m_mapped[s.sourceRegistry].insert(s.sourceRepository, {s.targetRegistry, s.targetRepository});
        m_target = plan.namesWithRole(RegistryRole::Target).value(0);
    }
    QPair<QString, QString> targetFor(const QString &registry, const QString &repository) const
    {
        const auto reg = m_mapped.constFind(registry);
        if (reg != m_mapped.cend())
            if (const auto it = reg->constFind(repository); it != reg->cend())
                return *it;
        return {m_target, repository};
    }
    bool carries(const QString &registry, const QString &repository)
    {
        auto it = m_carried.find(registry);
        if (it == m_carried.end()) {
            Carried c;
            for (const QString &name : m_plan.repositoriesIn(registry)) {
                if (name.contains(u'*'))
                    c.globs << repositoryGlobRegex(name);
                else
                    c.names.insert(name);
            }
            it = m_carried.insert(registry, c);
        }
        if (it->names.contains(repository))
            return true;
        for (const QRegularExpression &glob : std::as_const(it->globs))
            if (glob.match(repository).hasMatch())
                return true;
        return false;
    }

private:
    struct Carried
    {
        QSet<QString> names;
        QList<QRegularExpression> globs;
    };
    const Plan &m_plan;
    QString m_target;
    QHash<QString, QHash<QString, QPair<QString, QString>>> m_mapped;
    QHash<QString, Carried> m_carried;
};

// The registry that follows (replica, cache) or is the target.
bool isTargetSide(const Plan &plan, const PlanRegistry &r, QString *target)
{
    if (r.role == RegistryRole::Target) {
        *target = r.name;
        return true;
    }
    if ((r.role == RegistryRole::Replica || r.role == RegistryRole::Cache) && !r.of.isEmpty()) {
        const PlanRegistry *of = plan.registry(r.of);
        if (of && of->role == RegistryRole::Target) {
            *target = of->name;
            return true;
        }
    }
    return false;
}

class Joiner
{
public:
    Joiner(const Plan &plan, const Store *store)
        : m_plan(plan)
        , m_index(plan)
        , m_store(store)
    {
        for (const ClientSource &c : plan.clients)
            m_hostsDir.insert(c.cluster, c.hostsDir);
    }

    JoinedReference join(const ClientReference &ref)
    {
        JoinedReference j;
        j.ref = ref;
        where(j);
        const PlanRegistry *reg = planRegistryForDomain(m_plan, ref.ref.domain);
        if (!reg) {
            j.why = QStringLiteral("%1 is not a registry of the plan").arg(ref.ref.domain);
            return j;
        }
        j.planRegistry = reg->name;
        QString target;
        const bool onTarget = isTargetSide(m_plan, *reg, &target);
        if (onTarget) {
            j.targetRegistry = target;
            j.targetRepository = ref.ref.path;
        } else {
            const auto [t, repo] = m_index.targetFor(reg->name, ref.ref.path);
            j.targetRegistry = t;
            j.targetRepository = repo;
        }
        if (j.targetRegistry.isEmpty() || !m_index.carries(onTarget ? target : reg->name, ref.ref.path)) {
            j.why = QStringLiteral("the plan does not carry %1 in %2").arg(ref.ref.path, reg->name);
            j.targetRegistry.clear();
            j.targetRepository.clear();
            return j;
        }
        if (ref.ref.tag.isEmpty() && ref.ref.digest.isEmpty()) {
            j.state = RefState::NoTag;
            j.why = QStringLiteral("no tag or digest in the values: the chart's appVersion decides");
            return j;
        }
        lookUp(j, *reg, onTarget);
        return j;
    }

private:
    void where(JoinedReference &j)
    {
        const QString ns = j.ref.ref.domain;
        const QString key = j.ref.cluster + u'\n' + ns;
        auto cached = m_where.constFind(key);
        if (cached == m_where.cend()) {
            whereUncached(j);
            m_where.insert(key, {j.pullsFromHost, j.pullsFrom});
            return;
        }
        j.pullsFromHost = cached->first;
        j.pullsFrom = cached->second;
    }

    // The hosts directory is read once per cluster and namespace, not per reference.
    void whereUncached(JoinedReference &j)
    {
        const QString ns = j.ref.ref.domain;
        const QList<HostEntry> hosts = resolveHosts(ns, m_hostsDir.value(j.ref.cluster));
        for (const HostEntry &h : hosts) {
            if (!h.can(QStringLiteral("resolve")))
                continue;
            j.pullsFromHost = h.host;
            break;
        }
        if (j.pullsFromHost.isEmpty())
            j.pullsFromHost = clientref::defaultHost(ns);
        const PlanRegistry *r = planRegistryForDomain(m_plan, j.pullsFromHost);
        j.pullsFrom = r ? r->name : clientref::registryOf(j.pullsFromHost);
    }

    void lookUp(JoinedReference &j, const PlanRegistry &reg, bool onTarget)
    {
        const QString &digest = j.ref.ref.digest;
        if (!m_store) {
            j.state = RefState::NotScanned;
            j.why = QStringLiteral("no scan in the database yet");
            return;
        }
        if (!digest.isEmpty()) {
            // Pinned by digest: the tag does not matter, the target must hold that digest.
            j.sourceDigest = digest;
            const QHash<QString, Observation> tags = currentTags(j.targetRegistry, j.targetRepository);
            for (const Observation &o : tags)
                if (o.digest == digest) {
                    j.targetDigest = digest;
                    break;
                }
            j.state = !j.targetDigest.isEmpty() ? (onTarget ? RefState::Switched : RefState::SwitchReady)
                                                : (onTarget ? RefState::MissingOnTarget : RefState::CopyFirst);
            j.why = j.targetDigest.isEmpty() ? QStringLiteral("%1 does not hold %2").arg(j.targetRegistry, digest) : QString();
            return;
        }
        const std::optional<MatrixRow> row = MatrixTables(*m_store).matrixRow(j.targetRepository, j.ref.ref.tag);
        if (!row && onTarget) {
            // Not a row of the plan's matrix (its tag filter), but the target may still hold it.
            const auto tags = currentTags(j.targetRegistry, j.targetRepository);
            j.targetDigest = tags.value(j.ref.ref.tag).digest;
            j.sourceDigest = j.targetDigest;
            j.state = j.targetDigest.isEmpty() ? RefState::MissingOnTarget : RefState::Switched;
            return;
        }
        if (!row) {
            j.state = RefState::NotScanned;
            j.why =
                QStringLiteral("no scan has seen %1:%2 (or the plan's tag filter leaves it out)").arg(j.targetRepository, j.ref.ref.tag);
            return;
        }
        j.targetDigest = row->cells.value(j.targetRegistry).digest;
        if (onTarget) {
            j.state = j.targetDigest.isEmpty() ? RefState::MissingOnTarget : RefState::Switched;
            j.sourceDigest = j.targetDigest;
            return;
        }
        j.sourceDigest = !j.ref.runningDigest.isEmpty() ? j.ref.runningDigest : row->cells.value(reg.name).digest;
        if (j.targetDigest.isEmpty()) {
            j.state = RefState::CopyFirst;
            j.why = QStringLiteral("%1 does not hold %2:%3").arg(j.targetRegistry, j.targetRepository, j.ref.ref.tag);
        } else if (j.sourceDigest.isEmpty()) {
            j.state = RefState::NotScanned;
            j.why = QStringLiteral("%1's digest for this tag is unknown").arg(reg.name);
        } else if (j.sourceDigest == j.targetDigest) {
            j.state = RefState::SwitchReady;
        } else {
            j.state = RefState::Drifted;
            j.why = QStringLiteral("%1 %2 is %3, %4 holds %5")
                        .arg(j.ref.runningDigest.isEmpty() ? reg.name : QStringLiteral("the running image"), j.ref.ref.tag,
                             j.sourceDigest.left(19), j.targetRegistry, j.targetDigest.left(19));
        }
    }

    const QHash<QString, Observation> &currentTags(const QString &registry, const QString &repository)
    {
        const QString key = registry + u'\n' + repository;
        auto it = m_tags.find(key);
        if (it == m_tags.end())
            it = m_tags.insert(key, HistoryTables(*m_store).currentTags(registry, repository));
        return *it;
    }

    const Plan &m_plan;
    PlanIndex m_index;
    const Store *m_store;
    QHash<QString, QString> m_hostsDir;
    QHash<QString, QPair<QString, QString>> m_where; // cluster \n namespace -> (host, registry)
    QHash<QString, QHash<QString, Observation>> m_tags;
};

} // namespace

RefJoin joinReferences(const Plan &plan, const Inventory &inventory, const Store *store)
{
    RefJoin out;
    Joiner joiner(plan, store);
    out.references.reserve(inventory.references.size());
    for (const ClientReference &ref : inventory.references) {
        JoinedReference j = joiner.join(ref);
        QPair<int, int> &count = out.byCluster[j.ref.cluster][j.pullsFrom];
        ++count.first;
        if (j.state == RefState::SwitchReady || j.state == RefState::Switched)
            ++count.second;
        out.references.append(std::move(j));
    }
    return out;
}

QList<ReferenceHold> referenceHolds(const Plan &plan, const RefJoin &join)
{
    QList<ReferenceHold> out;
    QSet<QString> seen;
    for (const JoinedReference &j : join.references) {
        const ClientRef &ref = j.ref.ref;
        QList<QPair<QString, QString>> values; // kind, value
        if (!j.ref.runningDigest.isEmpty())
            values.append({QStringLiteral("runs"), j.ref.runningDigest});
        if (!ref.digest.isEmpty())
            values.append({QStringLiteral("pins"), ref.digest});
        if (!ref.tag.isEmpty())
            values.append({QStringLiteral("tag"), ref.tag});
        if (values.isEmpty())
            continue;
        // Where the cluster's copy can come from.
        QList<QPair<QString, QString>> places;
        auto add = [&](const QString &registry, const QString &repository) {
            if (!registry.isEmpty() && !repository.isEmpty() && plan.registry(registry) && !places.contains({registry, repository}))
                places.append({registry, repository});
        };
        QString target = j.targetRegistry, targetRepository = j.targetRepository;
        if (!j.planRegistry.isEmpty()) {
            add(j.planRegistry, ref.path);
            if (target.isEmpty()) {
                // Not carried by the plan's images, but the target's copy is still the one a switch pulls.
                QString side;
                if (const PlanRegistry *named = plan.registry(j.planRegistry); named && isTargetSide(plan, *named, &side))
                    target = side, targetRepository = ref.path;
                else
                    std::tie(target, targetRepository) = plan.targetFor(j.planRegistry, ref.path);
            }
        }
        if (const PlanRegistry *pulls = plan.registry(j.pullsFrom)) {
            QString side;
            add(pulls->name, isTargetSide(plan, *pulls, &side) && !targetRepository.isEmpty() ? targetRepository : ref.path);
        }
        if (!target.isEmpty()) {
            add(target, targetRepository);
            for (const RegistryRole role : {RegistryRole::Replica, RegistryRole::Cache})
                for (const QString &follower : plan.followersOf(target, role))
                    add(follower, targetRepository);
        }
        for (const auto &[registry, repository] : std::as_const(places)) {
            for (const auto &[kind, value] : std::as_const(values)) {
                const QString key = registry + u'\n' + repository + u'\n' + kind + u'\n' + value + u'\n' + j.ref.cluster;
                if (seen.contains(key))
                    continue;
                seen.insert(key);
                out.append(ReferenceHold{registry, repository, kind, value, j.ref.cluster, j.ref.file, j.ref.line});
            }
        }
    }
    return out;
}

} // namespace ferry
