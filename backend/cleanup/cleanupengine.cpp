// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "cleanup/cleanupengine.h"

#include "plan/plancredentials.h"
#include "registry/manifest.h"
#include "registry/providers.h"
#include "registry/registryclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace ferry {

namespace {

const QString kAbandoned = QStringLiteral("the request was abandoned: Ferry's network threads stopped first");

// A registry reply, awaited; a reply that never comes (the network service went away)
// reads as a cancelled request.
template<typename T>
FutureAwaiter<Result<T>> reply(QFuture<Result<T>> f)
{
    return awaitFuture(std::move(f), Result<T>::failure(RegistryError::make(RegistryError::Kind::Canceled, kAbandoned)));
}

// A DELETE whose answer never came: httpStatus -1, so that the run stops with the item
// still journaled as sending, and resume finds out what happened.
FutureAwaiter<DeleteResult> reply(QFuture<DeleteResult> f)
{
    return awaitFuture(std::move(f), DeleteResult{DeleteOutcome::Failed, -1, kAbandoned});
}

QString summaryJson(const QMap<QString, int> &counts)
{
    QJsonObject o;
    for (auto it = counts.begin(); it != counts.end(); ++it)
        o.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QString stateFor(DeleteOutcome o)
{
    switch (o) {
    case DeleteOutcome::Deleted: return itemstate::Deleted;
    case DeleteOutcome::AlreadyAbsent: return itemstate::AlreadyAbsent;
    case DeleteOutcome::Refused: return itemstate::Refused;
    case DeleteOutcome::NotPermitted: return itemstate::NotPermitted;
    case DeleteOutcome::Failed: return itemstate::Failed;
    }
    return itemstate::Failed;
}

} // namespace

CleanupEngine::CleanupEngine(const Plan &plan, Store &store, NetworkService &network)
    : m_plan(plan)
    , m_store(store)
    , m_cleanup(store)
    , m_network(network)
    , m_group(RegistryClient::newGroup())
{ }

CleanupEngine::~CleanupEngine() = default;

RegistryClient *CleanupEngine::client(const QString &registry)
{
    auto it = m_clients.find(registry);
    if (it != m_clients.end())
        return it->second.get();
    const PlanRegistry *r = m_plan.registry(registry);
    if (!r)
        return nullptr;
    QStringList errors;
    auto c = std::make_unique<RegistryClient>(m_network, clientConfig(*r, &errors));
    RegistryClient *raw = c.get();
    m_clients[registry] = std::move(c);
    return raw;
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
        const QHash<QString, Observation> current = m_store.currentTags(registry, repository);
        for (const TagRecord &t : std::as_const(snap.tags)) {
            const Observation o = current.value(t.name);
            if (o.digest == t.digest)
                snap.firstSeen.insert(t.name, o.firstSeen);
        }
        if (!listed.ok()) {
            const QHash<QString, QDateTime> history = m_store.untaggedDigests(registry, repository);
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
        m_cleanup.audit(cleanupActor({}), QStringLiteral("plan"), b.id,
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
            co_await readManifests(&snap, candidates);
            // Legacy content is deletable only where the target (and replicas) hold it.
            QStringList verifyTargets;
            const VerifyResults verify = co_await verifyLegacy(reg.key(), repo.key(), pols, candidates, &verifyTargets);
            const QList<CleanupItem> items = evaluateCleanup(snap, pols, cfg, now, verify, verifyTargets);
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

QString batchExecutionBlocker(const CleanupBatch &b, bool dryRun, qint64 maxListingAgeSeconds)
{
    const QString recomputed = b.recomputedHash();
    if (recomputed != b.hash)
        return QStringLiteral("batch %1 was altered after planning: its items hash to %2, the batch was planned as %3")
            .arg(b.id)
            .arg(recomputed, b.hash);
    if (!b.listingComplete)
        return QStringLiteral("batch %1 was planned from an incomplete listing (%2); plan again when the registry lists completely")
            .arg(b.id)
            .arg(b.listingNote);
    if (!dryRun) {
        if (b.status == batchstatus::Planned)
            return QStringLiteral("batch %1 is not approved (ferryctl cleanup approve %1 --as NAME)").arg(b.id);
        if (b.status != batchstatus::Approved && b.status != batchstatus::Executing)
            return QStringLiteral("batch %1 is %2, not approved").arg(b.id).arg(b.status);
        if (b.decidedHash != b.hash)
            return QStringLiteral("batch %1 was approved as %2 but holds %3").arg(b.id).arg(b.decidedHash, b.hash);
    } else if (b.status == batchstatus::Rejected || b.status == batchstatus::Superseded) {
        return QStringLiteral("batch %1 is %2").arg(b.id).arg(b.status);
    }
    const qint64 age = b.listedAt.secsTo(QDateTime::currentDateTimeUtc());
    if (age > maxListingAgeSeconds)
        return QStringLiteral("batch %1 was planned from a listing %2 minutes old, beyond cleanup.max-listing-age (%3 minutes); plan again")
            .arg(b.id)
            .arg(age / 60)
            .arg(maxListingAgeSeconds / 60);
    return {};
}

QString CleanupEngine::executionBlocker(const CleanupBatch &b, bool dryRun) const
{
    if (QString why = batchExecutionBlocker(b, dryRun, m_plan.cleanup.maxListingAgeSeconds); !why.isEmpty())
        return why;
    if (m_plan.chartRepository(b.registry))
        return QStringLiteral("batch %1 retires the HTTP chart repository %2: run ferryctl charts retire execute --batch %1")
            .arg(b.id)
            .arg(b.registry);
    const PlanRegistry *r = m_plan.registry(b.registry);
    if (!r)
        return QStringLiteral("registry %1 of batch %2 is not in the plan %3").arg(b.registry).arg(b.id).arg(m_plan.path);
    if (r->role == RegistryRole::Cache)
        return QStringLiteral("%1 is a pull-through cache; Ferry never deletes from a cache").arg(b.registry);
    if (r->config.kind == u"dockerhub")
        return QStringLiteral("%1 is Docker Hub, whose registry API does not delete").arg(b.registry);
    return {};
}

// Why the item must not be deleted now, from live reads: a tag moved or gone, a parent
// index still present, the target no longer holding the digest. Empty: go ahead.
Task<QString> CleanupEngine::liveRecheck(const CleanupBatch &b, const CleanupItem &item, const RepositorySnapshot &snap)
{
    QString why;
    for (const QString &tag : std::as_const(item.tags)) {
        if (!why.isEmpty())
            break;
        int s = 0;
        const QString d = co_await headDigest(b.registry, b.repository, tag, &s);
        if (s == 404)
            why = QStringLiteral("tag '%1' is gone since approval").arg(tag);
        else if (s != 200)
            why = QStringLiteral("cannot re-read tag '%1': %2").arg(tag, d);
        else if (d != item.digest)
            why = QStringLiteral("tag '%1' moved to %2 since approval").arg(tag, d);
    }
    for (const QString &parent : std::as_const(item.parents)) {
        if (!why.isEmpty() || snap.deleted.contains(parent))
            continue;
        int s = 0;
        co_await headDigest(b.registry, b.repository, parent, &s);
        if (s != 404)
            why = QStringLiteral("its index %1 is still present").arg(parent.left(19));
    }
    for (const QString &where : std::as_const(item.verifyIn)) {
        if (!why.isEmpty())
            break;
        const QString reg = where.section(u'/', 0, 0), repo = where.section(u'/', 1);
        int s = 0;
        const QString d = co_await headDigest(reg, repo, item.digest, &s);
        if (s != 200)
            why = QStringLiteral("%1 no longer holds the digest (%2)").arg(where, s == 404 ? QStringLiteral("404") : d);
    }
    co_return why;
}

// A fresh listing once the recheck window has passed; what this run deleted stays deleted
// (a registry may list a digest for a while after its DELETE). False: the listing failed.
Task<bool> CleanupEngine::rereadSnapshot(const CleanupBatch &b, const QSet<QString> &digests, RepositorySnapshot *snap)
{
    const QSet<QString> deleted = snap->deleted;
    *snap = co_await readSnapshot(b.registry, b.repository, digests, false);
    snap->deleted = deleted;
    snap->absent += deleted;
    co_return snap->complete;
}

// The run ends before its last item: the journal and the audit say why; resume goes on.
CleanupExecResult CleanupEngine::stopRun(CleanupExecResult *result, const QString &actor, const QList<CleanupItem *> &work,
                                         const QString &why)
{
    result->stopped = true;
    m_cleanup.finishRun(result->run, QStringLiteral("stopped"), why);
    m_cleanup.audit(actor, QStringLiteral("run stopped"), result->batch, why);
    for (CleanupItem *i : work)
        result->items.append(*i);
    return *result;
}

// The batch, if nothing blocks it, with its run begun and audited; else nullopt and why in
// result->refused.
std::optional<CleanupBatch> CleanupEngine::startRun(qint64 batchId, bool dry, const QString &actor, CleanupExecResult *result)
{
    auto loaded = m_cleanup.batch(batchId);
    if (!loaded) {
        result->refused = QStringLiteral("there is no batch %1").arg(batchId);
        return std::nullopt;
    }
    result->refused = executionBlocker(*loaded, dry);
    if (!result->refused.isEmpty()) {
        m_cleanup.audit(actor, dry ? QStringLiteral("dry-run refused") : QStringLiteral("execute refused"), batchId, result->refused);
        return std::nullopt;
    }
    result->run = m_cleanup.beginRun(batchId, dry, actor);
    m_cleanup.audit(actor, dry ? QStringLiteral("dry-run") : QStringLiteral("execute"), batchId,
                    QStringLiteral("run %1, hash %2").arg(result->run).arg(loaded->hash));
    if (!dry)
        m_cleanup.setStatus(batchId, batchstatus::Executing);
    return loaded;
}

Task<CleanupExecResult> CleanupEngine::execute(qint64 batchId, CleanupExecOptions options)
{
    CleanupExecResult result;
    result.batch = batchId;
    const QString actor = cleanupActor(options.actor);
    const bool dry = options.dryRun;
    const QString phase = dry ? QStringLiteral("dry-run") : QStringLiteral("execute");
    std::optional<CleanupBatch> loaded = startRun(batchId, dry, actor, &result);
    if (!loaded)
        co_return result;
    CleanupBatch &b = *loaded;

    QSet<QString> digests;
    QList<CleanupItem *> work;
    for (CleanupItem &i : b.items) {
        if (i.action != u"delete")
            continue;
        digests.insert(i.digest);
        work.append(&i);
    }
    const CleanupConfig &cfg = m_plan.cleanup;
    report(phase, 0, work.size(), QStringLiteral("re-reading %1/%2").arg(b.registry, b.repository));
    RepositorySnapshot snap = co_await readSnapshot(b.registry, b.repository, digests, false);
    QElapsedTimer snapAge;
    snapAge.start();
    auto finishStopped = [&](const QString &why) { return stopRun(&result, actor, work, why); };
    if (!snap.complete)
        co_return finishStopped(QStringLiteral("cannot re-verify %1/%2: %3").arg(b.registry, b.repository, snap.incompleteReason));

    RegistryClient *c = client(b.registry);
    int done = 0;
    for (CleanupItem *item : std::as_const(work)) {
        if (m_canceled)
            co_return finishStopped(QStringLiteral("stopped by the operator after %1 of %2 items").arg(done).arg(work.size()));
        ++done;
        auto record = [&](const QString &state, int http, const QString &message) {
            if (!m_cleanup.journal(result.run, dry, batchId, item->seq, state, http, message))
                return false;
            item->state = state;
            item->outcome = message;
            item->httpStatus = http;
            return true;
        };
        if (itemstate::isFinal(item->state)) {
            result.counts[item->state]++;
            continue; // accounted for by an earlier run
        }
        if (snapAge.elapsed() > cfg.recheckWindowSeconds * 1000) {
            snapAge.restart();
            if (!co_await rereadSnapshot(b, digests, &snap))
                co_return finishStopped(QStringLiteral("cannot re-verify %1/%2: %3").arg(b.registry, b.repository, snap.incompleteReason));
        }
        const bool wasSending = item->state == itemstate::Sending;
        const QString what = QStringLiteral("%1/%2@%3").arg(b.registry, b.repository, item->digest);
        auto gone = [&] {
            snap.deleted.insert(item->digest);
            snap.absent.insert(item->digest);
        };
        // 1. Is it still there?
        int status = 0;
        const QString head = co_await headDigest(b.registry, b.repository, item->digest, &status);
        QString state, message;
        int http = 0;
        if (status == 404) {
            state = wasSending ? itemstate::Deleted : itemstate::AlreadyAbsent;
            message = wasSending ? QStringLiteral("the DELETE was in flight when the previous run stopped; the digest is gone")
                                 : QStringLiteral("already absent; nothing sent");
            http = 404;
            gone();
        } else if (status != 200) {
            state = itemstate::Failed;
            message = QStringLiteral("cannot re-read the digest before deleting: %1").arg(head);
        } else {
            // 2. The same checks as at planning, on the fresh listing.
            QString why = recheckItem(*item, snap, cfg);
            // 3. Live reads right before the DELETE: its tags, its parents, the target.
            if (why.isEmpty())
                why = co_await liveRecheck(b, *item, snap);
            if (!why.isEmpty()) {
                state = itemstate::Skipped;
                message = why;
            } else if (dry) {
                state = itemstate::WouldDelete;
                message = QStringLiteral("would delete %1 and its tags %2")
                              .arg(what, item->tags.isEmpty() ? QStringLiteral("(none)") : item->tags.join(QStringLiteral(", ")));
                gone();
            } else {
                // 4. The journal says "sending" before the request leaves.
                if (!record(itemstate::Sending, 0, QStringLiteral("DELETE %1").arg(what)))
                    co_return finishStopped(
                        QStringLiteral("cannot write the journal: %1; nothing more is deleted").arg(m_cleanup.lastError()));
                const DeleteResult del = co_await reply(c->deleteManifest(b.repository, item->digest, m_group));
                if (del.httpStatus < 0)
                    co_return finishStopped(QStringLiteral("no answer to the DELETE of %1 (%2); resume finds out whether it was deleted")
                                                .arg(item->digest.left(19), del.message));
                state = stateFor(del.outcome);
                message = del.outcome == DeleteOutcome::Deleted ? QStringLiteral("deleted; the registry answered %1").arg(del.httpStatus)
                                                                : del.message;
                http = del.httpStatus;
                if (del.outcome == DeleteOutcome::Deleted || del.outcome == DeleteOutcome::AlreadyAbsent)
                    gone();
            }
        }
        if (!record(state, http, message))
            co_return finishStopped(QStringLiteral("cannot write the journal: %1; nothing more is deleted").arg(m_cleanup.lastError()));
        result.counts[state]++;
        report(phase, done, work.size(), QStringLiteral("%1 %2: %3").arg(state, item->digest.left(19), message));
        if (options.paceMs > 0 && done < work.size())
            co_await pause(options.paceMs);
    }
    for (CleanupItem *i : work)
        result.items.append(*i);
    m_cleanup.finishRun(result.run, QStringLiteral("finished"), summaryJson(result.counts));
    if (!dry)
        m_cleanup.setStatus(batchId, batchstatus::Executed);
    m_cleanup.audit(actor, dry ? QStringLiteral("dry-run finished") : QStringLiteral("execute finished"), batchId,
                    summaryJson(result.counts));
    co_return result;
}

Task<QList<CleanupExecResult>> CleanupEngine::resume(CleanupExecOptions options)
{
    QList<qint64> batches;
    for (const CleanupRun &r : m_cleanup.runs()) {
        if (r.dryRun || r.status != u"running")
            continue;
        m_cleanup.finishRun(r.id, QStringLiteral("interrupted"), QStringLiteral("the process ended during the run; resumed"));
        if (!batches.contains(r.batch))
            batches << r.batch;
    }
    for (const CleanupBatch &b : m_cleanup.batches())
        if (b.status == batchstatus::Executing && !batches.contains(b.id))
            batches << b.id;
    QList<CleanupExecResult> out;
    for (qint64 id : std::as_const(batches)) {
        if (m_canceled)
            break;
        m_cleanup.audit(cleanupActor(options.actor), QStringLiteral("resume"), id, {});
        CleanupExecOptions o = options;
        o.dryRun = false;
        out << co_await execute(id, o);
    }
    co_return out;
}

} // namespace ferry
