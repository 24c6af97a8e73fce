// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "cleanup/cleanupengine.h"
#include "cleanup/cleanupreply.h"
#include "store/clienttables.h"
#include "store/historytables.h"

#include "parse/manifest.h"
#include "plan/plancredentials.h"
#include "registry/providers.h"
#include "registry/registryclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace ferry {

using cleanupreply::reply;

CleanupEngine::CleanupEngine(const Plan &plan, Store &store, NetworkService &network)
    : m_plan(plan)
    , m_store(store)
    , m_cleanup(store)
    , m_network(network)
    , m_clients(plan, network)
    , m_group(RegistryClient::newGroup())
{ }

CleanupEngine::~CleanupEngine() = default;

RegistryClient *CleanupEngine::client(const QString &registry)
{
    return m_clients.client(registry);
}

TagDetailsProvider *CleanupEngine::provider(const QString &registry)
{
    auto it = m_providers.find(registry);
    if (it != m_providers.end())
        return it->second.get();
    RegistryClient *c = client(registry);
    if (!c)
        return nullptr;
    auto p = TagDetailsProvider::create(*c);
    TagDetailsProvider *raw = p.get();
    m_providers[registry] = std::move(p);
    return raw;
}

void CleanupEngine::report(const QString &phase, int done, int total, const QString &message)
{
    if (m_progress)
        m_progress(CleanupProgress{phase, done, total, message});
}

Task<QString> CleanupEngine::headDigest(const QString &registry, const QString &repository, const QString &reference, int *status)
{
    RegistryClient *c = client(registry);
    if (!c) {
        *status = -1;
        co_return QStringLiteral("registry %1 is not in the plan").arg(registry);
    }
    const Result<ManifestHead> h = co_await reply(c->headManifest(repository, reference, m_group));
    if (h.ok()) {
        *status = 200;
        co_return h.value.digest;
    }
    *status = h.error.kind == RegistryError::Kind::NotFound ? 404 : -1;
    co_return h.error.toString();
}

Task<> CleanupEngine::readManifests(RepositorySnapshot *snap, const QSet<QString> &digests)
{
    RegistryClient *c = client(snap->registry);
    QList<QPair<QString, QFuture<Result<ManifestFetch>>>> pending;
    for (const QString &d : digests)
        if (!snap->manifests.value(d).read)
            pending.append({d, c->getManifest(snap->repository, d, m_group)});
    for (auto &[digest, future] : pending) {
        const Result<ManifestFetch> r = co_await reply(future);
        ManifestFacts &f = snap->manifests[digest];
        if (!r.ok()) {
            if (r.error.kind == RegistryError::Kind::NotFound) {
                snap->manifests.remove(digest);
                snap->untaggedSince.remove(digest);
                snap->absent.insert(digest);
                continue;
            }
            f.readError = r.error.toString();
            continue;
        }
        const Manifest &m = r.value.manifest;
        f.read = true;
        f.readError.clear();
        f.mediaType = m.mediaType;
        f.size = m.rawSize + m.contentSize;
        f.children.clear();
        for (const Descriptor &child : m.children)
            f.children << child.digest;
        f.subject = m.subject ? m.subject->digest : QString();
    }
    // Subjects named by a referrer or a signature tag: present or proven absent.
    static const QRegularExpression sigTag(QStringLiteral("^sha256-([0-9a-f]{64})(?:\\.(sig|att|sbom))?$"));
    QSet<QString> subjects;
    for (auto it = snap->manifests.begin(); it != snap->manifests.end(); ++it)
        if (!it->subject.isEmpty())
            subjects.insert(it->subject);
    for (const TagRecord &t : std::as_const(snap->tags)) {
        const auto m = sigTag.match(t.name);
        if (m.hasMatch())
            subjects.insert(QStringLiteral("sha256:") + m.captured(1));
    }
    for (const QString &s : std::as_const(subjects)) {
        if (snap->holds(s) || snap->absent.contains(s))
            continue;
        int status = 0;
        co_await headDigest(snap->registry, snap->repository, s, &status);
        if (status == 200)
            snap->present.insert(s);
        else if (status == 404)
            snap->absent.insert(s);
    }
}

Task<RepositorySnapshot> CleanupEngine::readSnapshot(const QString &registry, const QString &repository, const QSet<QString> &digests,
                                                     bool useHistory)
{
    RepositorySnapshot snap;
    snap.registry = registry;
    snap.repository = repository;
    snap.listedAt = QDateTime::currentDateTimeUtc();
    TagDetailsProvider *p = provider(registry);
    if (!p) {
        snap.incompleteReason = QStringLiteral("registry %1 is not in the plan").arg(registry);
        co_return snap;
    }
    const Result<TagDetails> details = co_await reply(p->listTagDetails(repository, m_group));
    if (!details.ok()) {
        if (details.error.kind != RegistryError::Kind::NotFound) {
            snap.incompleteReason = details.error.toString();
            co_return snap;
        }
        snap.complete = true; // no such repository: nothing to clean
        co_return snap;
    }
    snap.tags = details.value.tags;
    snap.complete = details.value.complete;
    snap.incompleteReason = details.value.incompleteReason;
    if (!details.value.errors.isEmpty() && snap.incompleteReason.isEmpty())
        snap.incompleteReason = details.value.errors.join(QStringLiteral("; "));

    // Untagged manifests: the provider's list where it has one, else Ferry's history.
    const Result<ManifestDetails> listed = co_await reply(p->listManifests(repository, m_group));
    if (listed.ok()) {
        for (const ManifestRecord &m : listed.value.manifests) {
            ManifestFacts &f = snap.manifests[m.digest];
            f.mediaType = m.mediaType;
            f.size = m.size;
            f.deleteEnabled = m.deleteEnabled;
            f.writeEnabled = m.writeEnabled;
            f.updated = m.updated;
            if (m.tags.isEmpty()) {
                snap.untaggedSince.insert(m.digest, m.updated.isValid() ? m.updated : m.created);
                snap.untaggedAgeSource.insert(m.digest, QStringLiteral("registry's last update time"));
            }
        }
        if (!listed.value.complete) {
            snap.complete = false;
            snap.incompleteReason = QStringLiteral("manifest listing: %1").arg(listed.value.incompleteReason);
        }
    } else if (listed.error.kind != RegistryError::Kind::Unsupported) {
        snap.complete = false;
        snap.incompleteReason = QStringLiteral("manifest listing: %1").arg(listed.error.toString());
    }
    QSet<QString> toRead = digests;
    if (useHistory) {
        const QHash<QString, Observation> current = HistoryTables(m_store).currentTags(registry, repository);
        for (const TagRecord &t : std::as_const(snap.tags)) {
            const Observation o = current.value(t.name);
            if (o.digest == t.digest)
                snap.firstSeen.insert(t.name, o.firstSeen);
        }
        if (!listed.ok()) {
            const QHash<QString, QDateTime> history = HistoryTables(m_store).untaggedDigests(registry, repository);
            for (auto it = history.begin(); it != history.end(); ++it) {
                if (!snap.tagsOf(it.key()).isEmpty())
                    continue;
                int status = 0;
                co_await headDigest(registry, repository, it.key(), &status);
                if (status == 200) {
                    snap.untaggedSince.insert(it.key(), it.value());
                    snap.untaggedAgeSource.insert(it.key(), QStringLiteral("untagged since (Ferry's history)"));
                    toRead.insert(it.key());
                } else if (status == 404) {
                    snap.absent.insert(it.key());
                }
            }
        }
    }
    for (const TagRecord &t : std::as_const(snap.tags))
        if (!t.digest.isEmpty() && (mediatype::isIndexType(t.mediaType) || t.mediaType.isEmpty()))
            toRead.insert(t.digest);
    for (auto it = snap.manifests.begin(); it != snap.manifests.end(); ++it)
        if (mediatype::isIndexType(it->mediaType) || it->mediaType.isEmpty())
            toRead.insert(it.key());
    co_await readManifests(&snap, toRead);
    co_return snap;
}

Task<CleanupEngine::Coverage> CleanupEngine::coverage(const QList<CleanupPolicy> &policies, CleanupPlanResult *out)
{
    CleanupPlanResult &result = *out;
    QMap<QString, QMap<QString, QList<CleanupPolicy>>> work;
    QHash<QString, QStringList> catalogs;
    for (const CleanupPolicy &p : std::as_const(policies)) {
        if (p.kind == CleanupPolicy::Kind::HttpChartRepository) {
            result.notes << QStringLiteral("policy %1: an HTTP chart repository is planned by `ferryctl charts retire plan %2`")
                                .arg(p.name, p.registry);
            continue;
        }
        const QStringList patterns = p.repositoryGlob.isEmpty() ? m_plan.repositoriesIn(p.registry) : QStringList{p.repositoryGlob};
        if (patterns.isEmpty())
            result.notes << QStringLiteral("policy %1: the plan names no repositories in %2; give the policy a repositories glob")
                                .arg(p.name, p.registry);
        for (const QString &pattern : patterns) {
            if (!pattern.contains(u'*')) {
                work[p.registry][pattern].append(p);
                continue;
            }
            if (!catalogs.contains(p.registry)) {
                const Result<Listing> cat = co_await reply(client(p.registry)->catalog(m_group));
                if (!cat.ok()) {
                    result.errors
                        << QStringLiteral("%1: cannot list repositories for %2: %3").arg(p.registry, pattern, cat.error.toString());
                    catalogs.insert(p.registry, {});
                    continue;
                }
                if (!cat.value.complete)
                    result.errors << QStringLiteral(
                                         "%1: the repository catalog is incomplete (%2); repositories beyond it were not considered")
                                         .arg(p.registry, cat.value.incompleteReason);
                catalogs.insert(p.registry, cat.value.names);
            }
            for (const QString &repo : catalogs.value(p.registry))
                if (repositoryGlobMatches(pattern, repo))
                    work[p.registry][repo].append(p);
        }
    }
    co_return work;
}

// For legacy policies: where the target (and, if asked, its replicas) do not hold a candidate.
Task<VerifyResults> CleanupEngine::verifyLegacy(const QString &registry, const QString &repository, const QList<CleanupPolicy> &pols,
                                                const QSet<QString> &candidates, QStringList *verifyTargets)
{
    VerifyResults verify;
    const bool legacy = std::any_of(pols.begin(), pols.end(), [](const CleanupPolicy &p) { return p.kind == CleanupPolicy::Kind::Legacy; });
    if (legacy && !candidates.isEmpty()) {
        const auto [targetReg, targetRepo] = m_plan.targetFor(registry, repository);
        QStringList regs{targetReg};
        if (std::any_of(pols.begin(), pols.end(),
                        [](const CleanupPolicy &p) { return p.kind == CleanupPolicy::Kind::Legacy && p.verifyReplicas; }))
            regs += m_plan.followersOf(targetReg, RegistryRole::Replica);
        for (const QString &r : std::as_const(regs))
            *verifyTargets << r + u'/' + targetRepo;
        for (const QString &d : candidates) {
            QStringList missing;
            for (const QString &r : std::as_const(regs)) {
                int status = 0;
                const QString got = co_await headDigest(r, targetRepo, d, &status);
                if (status == 404)
                    missing << QStringLiteral("%1/%2 does not hold it").arg(r, targetRepo);
                else if (status != 200)
                    missing << QStringLiteral("%1/%2 could not be checked: %3").arg(r, targetRepo, got);
            }
            verify.insert(d, missing.join(QStringLiteral("; ")));
        }
    }
    co_return verify;
}

// The delete items in batches of cleanup.batch-size; the first batch also carries the items
// held back, so that the lead sees why.
void CleanupEngine::storeBatches(const QString &registry, const QString &repository, const QList<CleanupPolicy> &pols,
                                 const RepositorySnapshot &snap, const QList<CleanupItem> &deletes, const QList<CleanupItem> &keeps,
                                 const QDateTime &now, CleanupPlanResult *out)
{
    const CleanupConfig &cfg = m_plan.cleanup;
    QStringList names;
    for (const CleanupPolicy &p : pols)
        names << p.name;
    for (int start = 0; start == 0 || start < deletes.size(); start += cfg.batchSize) {
        CleanupBatch b;
        b.createdAt = now;
        b.plan = m_plan.path;
        b.registry = registry;
        b.repository = repository;
        b.policies = names.join(QStringLiteral(", "));
        b.listedAt = snap.listedAt;
        b.listingComplete = snap.complete;
        b.listingNote = snap.incompleteReason;
        b.refsScan = out->refsScan;
        b.refsAt = out->refsAt;
        b.refsRequired = !m_plan.clients.isEmpty();
        b.refsMaxAgeSeconds = cfg.refsMaxAgeSeconds;
        b.items = deletes.mid(start, cfg.batchSize);
        if (start == 0)
            b.items += keeps;
        for (int i = 0; i < b.items.size(); ++i)
            b.items[i].seq = i + 1;
        b.hash = batchHash(b.content());
        if (!m_cleanup.addBatch(&b)) {
            out->errors << QStringLiteral("cannot store a batch: %1").arg(m_cleanup.lastError());
            continue;
        }
        m_cleanup.audit(batchActor({}), QStringLiteral("plan"), b.id,
                        QStringLiteral("%1/%2: %3 to delete, %4 held back, hash %5")
                            .arg(b.registry, b.repository)
                            .arg(b.items.size() - (start == 0 ? keeps.size() : 0))
                            .arg(start == 0 ? keeps.size() : 0)
                            .arg(b.hash));
        out->batches << b.id;
        if (deletes.isEmpty())
            break;
    }
}

Task<CleanupPlanResult> CleanupEngine::plan(QStringList onlyPolicies)
{
    CleanupPlanResult result;
    const CleanupConfig &cfg = m_plan.cleanup;
    QList<CleanupPolicy> policies;
    for (const CleanupPolicy &p : cfg.policies)
        if (onlyPolicies.isEmpty() || onlyPolicies.contains(p.name))
            policies << p;
    if (policies.isEmpty()) {
        result.errors << (cfg.policies.isEmpty()
                              ? QStringLiteral("the plan has no cleanup policies (plan key cleanup.policies)")
                              : QStringLiteral("no cleanup policy is named %1").arg(onlyPolicies.join(QStringLiteral(", "))));
        co_return result;
    }
    // What the clusters run, pin and name (the last refs scan): never proposed.
    const std::optional<RefsScanInfo> refs = ClientTables(m_store).lastRefsScan();
    if (refs) {
        result.refsScan = refs->id;
        result.refsAt = refs->at;
    }
    {
        CleanupBatch probe;
        probe.id = 0;
        probe.refsRequired = !m_plan.clients.isEmpty();
        probe.refsScan = result.refsScan;
        probe.refsMaxAgeSeconds = cfg.refsMaxAgeSeconds;
        result.refsStale = refsStaleness(probe, refs, QDateTime::currentDateTimeUtc());
        if (!result.refsStale.isEmpty() && !refs)
            result.refsStale = QStringLiteral("the plan names clusters (clients) but the database has no refs scan: what they run and pin "
                                              "is unknown, so nothing is held back for them; run ferryctl refs scan --plan PLAN first");
        else if (!result.refsStale.isEmpty())
            result.refsStale += QStringLiteral("; run ferryctl refs scan --plan PLAN and plan again");
    }
    const Coverage work = co_await coverage(policies, &result);
    int total = 0;
    for (const auto &repos : std::as_const(work))
        total += repos.size();
    int done = 0;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto reg = work.begin(); reg != work.end() && !m_canceled; ++reg) {
        for (auto repo = reg->begin(); repo != reg->end() && !m_canceled; ++repo) {
            report(QStringLiteral("plan"), done, total, QStringLiteral("reading %1/%2").arg(reg.key(), repo.key()));
            const QList<CleanupPolicy> &pols = repo.value();
            RepositorySnapshot snap = co_await readSnapshot(reg.key(), repo.key(), {}, true);
            const QSet<QString> candidates = candidateDigests(snap, pols, cfg, now);
            ClusterHolds clusters =
                refs ? ClusterHolds::from(ClientTables(m_store).referenceHolds(reg.key(), repo.key(), refs->id)) : ClusterHolds{};
            clusters.scan = result.refsScan;
            // The manifests of what the clusters run and pin too: an index's children stay with it.
            QSet<QString> toRead = candidates;
            if (!candidates.isEmpty())
                for (auto h = clusters.digests.cbegin(); h != clusters.digests.cend(); ++h)
                    toRead.insert(h.key());
            co_await readManifests(&snap, toRead);
            // Legacy content is deletable only where the target (and replicas) hold it.
            QStringList verifyTargets;
            const VerifyResults verify = co_await verifyLegacy(reg.key(), repo.key(), pols, candidates, &verifyTargets);
            const QList<CleanupItem> items = evaluateCleanup(snap, pols, cfg, now, verify, verifyTargets, clusters);
            for (const CleanupItem &i : items)
                if (i.action != u"delete" && heldForACluster(i))
                    ++result.clusterHeld;
            ++done;
            if (!snap.complete)
                result.errors << QStringLiteral("%1/%2: the listing is incomplete (%3); its batch cannot be executed")
                                     .arg(reg.key(), repo.key(), snap.incompleteReason);
            if (items.isEmpty()) {
                if (snap.complete)
                    result.notes << QStringLiteral("%1/%2: nothing to clean").arg(reg.key(), repo.key());
                continue;
            }
            QList<CleanupItem> deletes, keeps;
            for (const CleanupItem &i : items)
                (i.action == u"delete" ? deletes : keeps).append(i);
            storeBatches(reg.key(), repo.key(), pols, snap, deletes, keeps, now, &result);
            result.deleteItems += deletes.size();
            result.keepItems += keeps.size();
        }
    }
    report(QStringLiteral("plan"), done, total, QStringLiteral("planned %1 batches").arg(result.batches.size()));
    co_return result;
}

} // namespace ferry
