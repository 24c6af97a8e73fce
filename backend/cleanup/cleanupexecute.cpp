// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Executing approved batches: what blocks a run, the live re-checks before each DELETE, the
// journal, one executor per batch across machines, and resume.

#include "cleanup/cleanupengine.h"
#include "cleanup/cleanupreply.h"
#include "registry/registryclient.h"
#include "store/clienttables.h"

#include <QElapsedTimer>

namespace ferry {

using cleanupreply::reply;

namespace {

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

QString batchExecutionBlocker(const CleanupBatch &b, bool dryRun, qint64 maxListingAgeSeconds)
{
    // An incomplete listing first: approving it would not help, planning again will.
    if (!b.listingComplete)
        return QStringLiteral("batch %1 was planned from an incomplete listing (%2); plan again when the registry lists completely")
            .arg(b.id)
            .arg(b.listingNote);
    BatchFacts facts = batchFacts(b);
    facts.recomputedHash = b.recomputedHash(); // loaded with its items, or an empty batch
    if (const QString why = batchExecutionBlocker(cleanupBatchKind(), facts, dryRun); !why.isEmpty())
        return why;
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

Task<ClusterHolds> CleanupEngine::latestClusterHolds(const CleanupBatch &b, RepositorySnapshot *snap, ClusterHolds current)
{
    const std::optional<RefsScanInfo> last = ClientTables(m_store).lastRefsScan();
    if (!last || last->id == current.scan)
        co_return current;
    ClusterHolds holds = ClusterHolds::from(ClientTables(m_store).referenceHolds(b.registry, b.repository, last->id));
    holds.scan = last->id;
    QSet<QString> toRead;
    for (auto it = holds.digests.cbegin(); it != holds.digests.cend(); ++it)
        toRead.insert(it.key());
    co_await readManifests(snap, toRead);
    co_return holds;
}

Task<std::pair<QString, QString>> CleanupEngine::verdictBeforeDelete(const CleanupBatch &b, const CleanupItem &item,
                                                                     RepositorySnapshot *snap, ClusterHolds *clusters)
{
    // 2. Does a cluster run, pin or name it now? The latest refs scan, asked again.
    *clusters = co_await latestClusterHolds(b, snap, *clusters);
    const QHash<QString, QString> held = clusterHeldDigests(*snap, *clusters);
    if (const auto usedBy = held.constFind(item.digest); usedBy != held.cend())
        co_return std::pair{itemstate::Kept,
                            QStringLiteral("%1 (refs scan %2); nothing sent").arg(clusterHoldReason(*usedBy)).arg(clusters->scan)};
    // 3. The same checks as at planning, on the fresh listing.
    QString why = recheckItem(item, *snap, m_plan.cleanup);
    // 4. Live reads right before the DELETE: its tags, its parents, the target.
    if (why.isEmpty())
        why = co_await liveRecheck(b, item, *snap);
    co_return std::pair{why.isEmpty() ? QString() : itemstate::Skipped, why};
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
CleanupExecResult CleanupEngine::stopRun(CleanupExecResult *result, BatchExecution &exec, const QList<CleanupItem *> &work,
                                         const QString &why)
{
    result->stopped = true;
    exec.stop(why);
    for (CleanupItem *i : work)
        result->items.append(*i);
    return *result;
}

// The batch, if nothing blocks it, with its run begun and audited (BatchExecution, the rule of
// every kind); else nullopt and why in result->refused.
std::optional<CleanupBatch> CleanupEngine::startRun(qint64 batchId, BatchExecution &exec, CleanupExecResult *result)
{
    auto loaded = m_cleanup.batch(batchId);
    if (!loaded) {
        result->refused = QStringLiteral("there is no batch %1").arg(batchId);
        return std::nullopt;
    }
    if (!exec.begin(executionBlocker(*loaded, exec.dryRun()), loaded->hash)) {
        result->refused = exec.refused();
        return std::nullopt;
    }
    result->run = exec.run();
    if (!loaded->refsOverride.isEmpty())
        m_cleanup.journalNote(result->run, batchId,
                              QStringLiteral("approved by %1 without a fresh refs scan (%2); each item is still checked against the "
                                             "latest refs scan right before its DELETE")
                                  .arg(loaded->decidedBy, loaded->refsOverride));
    return loaded;
}

// What the deletions of one run share: they run one at a time, in the batch's order.
struct CleanupEngine::DeleteRun
{
    const CleanupBatch *batch = nullptr;
    qint64 run = 0;
    bool dry = false;
    QSet<QString> digests; // every digest the batch deletes: the listing reads them
    RepositorySnapshot snap; // the repository as last listed, with what this run deleted
    QElapsedTimer snapAge;
    ClusterHolds clusters;

    void gone(const QString &digest)
    {
        snap.deleted.insert(digest);
        snap.absent.insert(digest);
    }
};

// One item, as the operations' item runner asks for it: still there? a cluster using it? the
// planning checks on a fresh listing, the live reads, then the claim and the DELETE.
Task<ItemStep> CleanupEngine::deleteStep(DeleteRun *r, CleanupItem &item)
{
    const CleanupBatch &b = *r->batch;
    if (r->snapAge.elapsed() > m_plan.cleanup.recheckWindowSeconds * 1000) {
        r->snapAge.restart();
        if (!co_await rereadSnapshot(b, r->digests, &r->snap))
            co_return ItemStep::stopped(
                QStringLiteral("cannot re-verify %1/%2: %3").arg(b.registry, b.repository, r->snap.incompleteReason));
        r->clusters.scan = -1; // the held indexes' manifests are read into the new listing again
    }
    const bool wasSending = item.state == itemstate::Sending;
    const QString what = QStringLiteral("%1/%2@%3").arg(b.registry, b.repository, item.digest);
    // 1. Is it still there?
    int status = 0;
    const QString head = co_await headDigest(b.registry, b.repository, item.digest, &status);
    ItemStep s;
    if (status == 404) {
        s.state = wasSending ? itemstate::Deleted : itemstate::AlreadyAbsent;
        s.message = wasSending ? QStringLiteral("the DELETE was in flight when the previous run stopped; the digest is gone")
                               : QStringLiteral("already absent; nothing sent");
        s.http = 404;
        r->gone(item.digest);
        co_return s;
    }
    if (status != 200) {
        s.state = itemstate::Failed;
        s.message = QStringLiteral("cannot re-read the digest before deleting: %1").arg(head);
        co_return s;
    }
    // 2.-4. The clusters, the planning checks, the live reads: kept or skipped, nothing is sent.
    std::tie(s.state, s.message) = co_await verdictBeforeDelete(b, item, &r->snap, &r->clusters);
    if (!s.state.isEmpty())
        co_return s;
    if (r->dry) {
        s.state = itemstate::WouldDelete;
        s.message = QStringLiteral("would delete %1 and its tags %2")
                        .arg(what, item.tags.isEmpty() ? QStringLiteral("(none)") : item.tags.join(QStringLiteral(", ")));
        r->gone(item.digest);
        co_return s;
    }
    // 5. The journal says "sending" before the request leaves, in the transaction that finds the
    // batch still approved and the item not yet final.
    if (!m_cleanup.claimForDelete(r->run, b.id, item.seq, b.hash, QStringLiteral("DELETE %1").arg(what)))
        co_return ItemStep::stopped(QStringLiteral("%1 not sent: %2").arg(item.digest.left(19), m_cleanup.lastError()));
    item.state = itemstate::Sending;
    const DeleteResult del = co_await reply(client(b.registry)->deleteManifest(b.repository, item.digest, m_group));
    if (del.httpStatus < 0)
        co_return ItemStep::stopped(QStringLiteral("no answer to the DELETE of %1 (%2); resume finds out whether it was deleted")
                                        .arg(item.digest.left(19), del.message));
    s.state = stateFor(del.outcome);
    s.message =
        del.outcome == DeleteOutcome::Deleted ? QStringLiteral("deleted; the registry answered %1").arg(del.httpStatus) : del.message;
    s.http = del.httpStatus;
    if (del.outcome == DeleteOutcome::Deleted || del.outcome == DeleteOutcome::AlreadyAbsent)
        r->gone(item.digest);
    co_return s;
}

Task<CleanupExecResult> CleanupEngine::execute(qint64 batchId, CleanupExecOptions options)
{
    CleanupExecResult result;
    result.batch = batchId;
    const bool dry = options.dryRun;
    const QString phase = dry ? QStringLiteral("dry-run") : QStringLiteral("execute");
    // One executor per batch: the lock first, then the batch is read.
    BatchExecution exec(m_cleanup, batchId, dry, options.actor);
    if (!exec.hold()) {
        result.refused = exec.refused();
        co_return result;
    }
    std::optional<CleanupBatch> loaded = startRun(batchId, exec, &result);
    if (!loaded)
        co_return result;
    CleanupBatch &b = *loaded;

    DeleteRun r;
    r.batch = &b;
    r.run = result.run;
    r.dry = dry;
    r.clusters.scan = -1; // not read yet
    QList<CleanupItem *> work;
    for (CleanupItem &i : b.items) {
        if (i.action != u"delete")
            continue;
        r.digests.insert(i.digest);
        work.append(&i);
    }
    report(phase, 0, work.size(), QStringLiteral("re-reading %1/%2").arg(b.registry, b.repository));
    r.snap = co_await readSnapshot(b.registry, b.repository, r.digests, false);
    r.snapAge.start();
    if (!r.snap.complete)
        co_return stopRun(&result, exec, work,
                          QStringLiteral("cannot re-verify %1/%2: %3").arg(b.registry, b.repository, r.snap.incompleteReason));

    // One at a time, paced: a registry's deletions are the slow, careful kind of work.
    ItemRun<CleanupItem> items;
    items.paceMs = options.paceMs;
    items.settled = [](CleanupItem &i) { return itemstate::isFinal(i.state); }; // accounted for by an earlier run
    items.canceled = [this] { return m_canceled.load(); };
    items.canceledWhy = [](const ItemRunTotals &t) {
        return QStringLiteral("stopped by the operator after %1 of %2 items").arg(t.done).arg(t.total);
    };
    items.step = [this, &r](CleanupItem &i) { return deleteStep(&r, i); };
    items.record = [&](CleanupItem &i, const ItemStep &s) { return m_cleanup.record(result.run, dry, batchId, i, s); };
    items.progress = [&](const CleanupItem &i, const ItemStep *s, const ItemRunTotals &t) {
        if (s)
            report(phase, t.done, t.total, QStringLiteral("%1 %2: %3").arg(s->state, i.digest.left(19), s->message));
    };
    const ItemRunTotals totals = co_await runItems(work, std::move(items));
    result.counts = totals.counts;
    if (totals.stopped)
        co_return stopRun(&result, exec, work, totals.stopWhy);
    for (CleanupItem *i : work)
        result.items.append(*i);
    exec.finish(result.counts, true); // every item reached a final state
    co_return result;
}

Task<QList<CleanupExecResult>> CleanupEngine::resume(CleanupExecOptions options)
{
    QList<qint64> batches = BatchExecution::endInterruptedRuns(m_cleanup);
    for (const CleanupBatch &b : m_cleanup.batches())
        if (b.status == batchstatus::Executing && !batches.contains(b.id))
            batches << b.id;
    QList<CleanupExecResult> out;
    for (qint64 id : std::as_const(batches)) {
        if (m_canceled)
            break;
        m_cleanup.audit(batchActor(options.actor), QStringLiteral("resume"), id, {});
        CleanupExecOptions o = options;
        o.dryRun = false;
        out << co_await execute(id, o);
    }
    co_return out;
}

} // namespace ferry
