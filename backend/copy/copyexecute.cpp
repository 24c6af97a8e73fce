// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Copy execution: item by item, each journaled before it starts and when it ends; the tag is
// written last and only over the digest the review showed, then verified by HEAD.

#include "copy/copyengine.h"
#include "copy/copytransfer.h"
#include "ops/batchexecution.h"
#include "ops/itemrunner.h"

#include "cleanup/cleanupstore.h"
#include "plan/plancredentials.h"
#include "registry/registryclient.h"

#include <vector>

namespace ferry {

namespace {
constexpr int kItemWorkers = 8; // items of a batch in flight at once
constexpr int kBatchWorkers = 4; // batches resume runs at once
} // namespace

QString CopyExecResult::countsText() const
{
    QStringList parts;
    for (auto it = counts.begin(); it != counts.end(); ++it)
        parts << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
    return parts.join(QStringLiteral(", "));
}

bool CopyExecResult::hasFailures() const
{
    return counts.value(copystate::Failed) > 0 || counts.value(copystate::Refused) > 0;
}

CopyEngine::CopyEngine(const Plan &plan, Store &store, NetworkService &network)
    : m_plan(plan)
    , m_store(store)
    , m_copy(store)
    , m_network(network)
    , m_clients(plan, network)
    , m_group(RegistryClient::newGroup())
{ }

CopyEngine::~CopyEngine() = default;

RegistryClient *CopyEngine::client(const QString &registry)
{
    return m_clients.client(registry);
}

void CopyEngine::report(const QString &phase, int done, int total, const QString &message)
{
    if (m_progress)
        m_progress(CopyProgress{phase, done, total, m_bytes, message});
}

Task<HttpResponse> CopyEngine::send(RegistryClient *c, const HttpRequest &request, const QString &scope)
{
    // Everything the request needs is handed over before the first suspension.
    QFuture<HttpResponse> future = c->send(request, scope, m_group);
    HttpResponse fallback;
    fallback.error = NetError::Canceled;
    fallback.errorString = QStringLiteral("the request was abandoned");
    HttpResponse response = co_await awaitFuture(std::move(future), std::move(fallback));
    co_return response;
}

Task<QString> CopyEngine::headManifest(RegistryClient *c, const QString &repository, const QString &reference, int *status)
{
    const auto fallback = Result<ManifestHead>::failure(RegistryError::make(RegistryError::Kind::Canceled, QStringLiteral("abandoned")));
    const Result<ManifestHead> r = co_await awaitFuture(c->headManifest(repository, reference, m_group), fallback);
    if (r.ok()) {
        *status = 200;
        co_return r.value.digest;
    }
    *status = r.error.kind == RegistryError::Kind::NotFound ? 404 : (r.error.httpStatus ? r.error.httpStatus : -1);
    co_return *status == 404 ? QString() : r.error.toString();
}

QString CopyEngine::approve(qint64 batchId, const QString &actor, const QString &comment, const QString &expectedHash)
{
    const auto b = m_copy.batch(batchId);
    if (!b)
        return QStringLiteral("no copy batch %1").arg(batchId);
    if (const QString why = copyApprovalBlocker(*b); !why.isEmpty())
        return why;
    if (!expectedHash.isEmpty() && expectedHash != b->hash)
        return QStringLiteral("copy batch %1 holds %2, not the %3 you reviewed; show it again").arg(batchId).arg(b->hash, expectedHash);
    const QString who = batchActor(actor);
    if (!m_copy.decide(batchId, batchstatus::Approved, who, b->hash, comment, {batchstatus::Planned}))
        return m_copy.lastError();
    m_copy.audit(who, QStringLiteral("approve"), batchId,
                 QStringLiteral("hash %1%2").arg(b->hash, comment.isEmpty() ? QString() : QStringLiteral(": ") + comment));
    return {};
}

QString CopyEngine::reject(qint64 batchId, const QString &actor, const QString &comment)
{
    const auto b = m_copy.batch(batchId);
    if (!b)
        return QStringLiteral("no copy batch %1").arg(batchId);
    if (const QString why = copyRejectionBlocker(*b); !why.isEmpty())
        return why;
    const QString who = batchActor(actor);
    if (!m_copy.decide(batchId, batchstatus::Rejected, who, b->hash, comment, {batchstatus::Planned, batchstatus::Approved}))
        return m_copy.lastError();
    m_copy.audit(who, QStringLiteral("reject"), batchId, comment);
    return {};
}

// Whether the target's tag may be written: absent, or the digest the review showed.
static QString tagGuard(const CopyItem &item, int status, const QString &digest)
{
    if (status == 404)
        return {};
    if (status != 200)
        return digest; // an error text
    if (digest == item.replaces)
        return {};
    return item.replaces.isEmpty()
        ? QStringLiteral("the target's tag %1 appeared since planning, at %2; not overwritten (plan again)").arg(item.tag, digest)
        : QStringLiteral("the target's tag %1 is %2 now, not the %3 the review showed; not overwritten (plan again)")
              .arg(item.tag, digest, item.replaces);
}

Task<std::pair<QString, QString>> CopyEngine::copyItem(const CopyBatch &b, const CopyItem &item, bool dryRun, CopyTransferStats *stats)
{
    Transfer t;
    t.source = client(b.sourceRegistry);
    t.target = client(b.targetRegistry);
    t.sourcePlan = m_plan.registry(b.sourceRegistry);
    t.targetRegistry = b.targetRegistry;
    t.sourceRepository = item.sourceRepository;
    t.repository = b.repository;
    t.stats = stats;
    if (!t.source || !t.target || !t.sourcePlan)
        co_return std::pair{copystate::Failed,
                            QStringLiteral("the plan no longer names %1 and %2").arg(b.sourceRegistry, b.targetRegistry)};

    // A referrer has no tag: it is read, checked and written by its digest.
    const QString ref = item.tag.isEmpty() ? item.digest : item.tag;
    int status = 0;
    if (dryRun) {
        // A HEAD, which no budget counts, says whether the source moved; a real run reads the
        // tag's bytes instead and sees it from their digest.
        const QString now = co_await headManifest(t.source, item.sourceRepository, ref, &status);
        if (status == 404)
            co_return std::pair{copystate::Moved,
                                QStringLiteral("the source no longer has %1 %2; nothing copied").arg(item.sourceRepository, ref)};
        if (status != 200)
            co_return std::pair{copystate::Failed, QStringLiteral("the source's tag could not be read: %1").arg(now)};
        if (now != item.digest)
            co_return std::pair{
                copystate::Moved,
                QStringLiteral("the source's %1 moved to %2 since approval (approved %3); nothing copied").arg(item.tag, now, item.digest)};
    }
    const QString held = co_await headManifest(t.target, b.repository, ref, &status);
    if (status == 200 && held == item.digest)
        co_return std::pair{copystate::AlreadyPresent, QStringLiteral("the target's %1 already has %2").arg(item.tag, item.digest)};
    if (const QString why = tagGuard(item, status, held); !why.isEmpty())
        co_return std::pair{status == 200 ? copystate::Refused : copystate::Failed, why};
    if (dryRun)
        co_return std::pair{copystate::WouldCopy,
                            QStringLiteral("would copy %1 (%2 manifests, %3 blobs) to %4:%5")
                                .arg(item.digest)
                                .arg(item.manifests)
                                .arg(item.blobs)
                                .arg(b.repository, item.tag)};

    // The item's manifest is this worker's until its tag is written: an item of the same digest
    // (2.0.0 and latest) waits, then only writes its own tag.
    const QString key = t.manifestKey(item.digest);
    co_await claim(key);
    const CopyClaim claimed(&m_inFlight, key);
    if (const QString err = co_await copyManifest(&t, ref, item.digest, 0); !err.isEmpty())
        co_return std::pair{t.moved ? copystate::Moved : (m_canceled ? copystate::Copying : copystate::Failed), err};
    // The tag last, and only over what the review showed (another writer may have been quicker).
    // A PUT by tag writes the manifest and the tag at once; the registry takes it only with
    // everything it names present.
    const QString before = co_await headManifest(t.target, b.repository, ref, &status);
    if (!(status == 200 && before == item.digest)) {
        if (const QString why = tagGuard(item, status, before); !why.isEmpty())
            co_return std::pair{status == 200 ? copystate::Refused : copystate::Failed, why};
        if (const QString err = co_await putManifest(&t, ref, t.topRaw, t.topType); !err.isEmpty())
            co_return std::pair{copystate::Failed, err};
    }
    m_inTarget.insert(key);
    const QString after = co_await headManifest(t.target, b.repository, ref, &status);
    if (status != 200 || after != item.digest)
        co_return std::pair{copystate::Failed,
                            QStringLiteral("after the copy the target's %1 answers %2, not %3")
                                .arg(item.tag, status == 200 ? after : QStringLiteral("HTTP %1").arg(status), item.digest)};
    co_return std::pair{copystate::Copied, QStringLiteral("%1:%2 is %3 (verified)").arg(b.repository, item.tag, item.digest)};
}

Task<CopyExecResult> CopyEngine::execute(qint64 batchId, CopyExecOptions options)
{
    m_canceled = false;
    CopyExecResult result = co_await runBatch(batchId, options);
    co_return result;
}

Task<CopyExecResult> CopyEngine::runBatch(qint64 batchId, CopyExecOptions options)
{
    CopyExecResult result;
    result.batch = batchId;
    // One executor per batch: the lock first, then the batch is read; the status, the run and the
    // audit lines as for every kind (BatchExecution).
    BatchExecution exec(m_copy, batchId, options.dryRun, options.actor);
    if (!exec.hold()) {
        result.refused = exec.refused();
        co_return result;
    }
    auto loaded = m_copy.batch(batchId);
    if (!loaded) {
        result.refused = QStringLiteral("no copy batch %1").arg(batchId);
        co_return result;
    }
    CopyBatch b = std::move(*loaded);
    if (!exec.begin(copyExecutionBlocker(b, options.dryRun), b.hash)) {
        result.refused = exec.refused();
        co_return result;
    }
    result.run = exec.run();
    const QString actor = exec.actor(), phase = options.dryRun ? QStringLiteral("dry-run") : QStringLiteral("copy");
    // Items run side by side (each its own HEADs, GETs and uploads); the registries' sessions cap
    // what is in flight, and the journal is written on this thread, one entry at a time.
    QList<CopyItem *> work;
    for (CopyItem &i : b.items)
        work << &i;
    ItemRun<CopyItem> items;
    items.workers = kItemWorkers;
    items.settled = [&result](CopyItem &i) {
        if (!copystate::isSettled(i.state))
            return false;
        result.items << i;
        return true;
    };
    items.canceled = [this] { return m_canceled.load(); };
    items.canceledWhy = [](const ItemRunTotals &) { return QStringLiteral("stopped by the operator"); };
    items.step = [&, dry = options.dryRun](CopyItem &i) -> Task<ItemStep> {
        if (!dry)
            m_copy.journal(result.run, false, b.id, i.seq, copystate::Copying, 0, QStringLiteral("started by %1").arg(actor));
        const std::pair<QString, QString> outcome = co_await copyItem(b, i, dry, &result.transfer);
        if (outcome.first == copystate::Copying) // cancelled in the middle: resume finishes it
            co_return ItemStep::stopped(QStringLiteral("stopped by the operator"));
        ItemStep s;
        s.state = outcome.first;
        s.message = outcome.second;
        co_return s;
    };
    items.record = [&, dry = options.dryRun](CopyItem &i, const ItemStep &s) {
        if (!m_copy.journal(result.run, dry, b.id, i.seq, s.state, 0, s.message))
            return QStringLiteral("cannot write the journal: %1; nothing more is copied").arg(m_copy.lastError());
        i.state = s.state;
        i.message = s.message;
        result.items << i;
        return QString();
    };
    items.progress = [&](const CopyItem &i, const ItemStep *s, const ItemRunTotals &t) {
        report(phase, t.done, t.total,
               s ? QStringLiteral("%1:%2 %3").arg(b.repository, i.tag, s->state) : QStringLiteral("%1:%2").arg(b.repository, i.tag));
    };
    const ItemRunTotals totals = co_await runItems(work, std::move(items));
    result.counts = totals.counts;
    result.stopped = totals.stopped;
    std::sort(result.items.begin(), result.items.end(), [](const CopyItem &x, const CopyItem &y) { return x.seq < y.seq; });
    const bool allFinal =
        std::all_of(b.items.begin(), b.items.end(), [&](const CopyItem &i) { return options.dryRun || copystate::isFinal(i.state); });
    if (result.stopped)
        exec.stop(QStringLiteral("%1: %2").arg(totals.stopWhy, result.countsText())); // resume goes on with it
    else
        exec.finish(result.counts, allFinal); // failed items keep it executing: resume tries them again
    co_return result;
}

Task<> CopyEngine::batchWorker(QList<qint64> *ids, qsizetype *next, CopyExecOptions options, QList<CopyExecResult> *out)
{
    while (*next < ids->size() && !m_canceled) {
        const qint64 id = ids->at((*next)++);
        CopyExecResult r = co_await runBatch(id, options);
        out->append(std::move(r));
    }
}

Task<QList<CopyExecResult>> CopyEngine::resume(CopyExecOptions options)
{
    m_canceled = false;
    QList<qint64> ids = BatchExecution::endInterruptedRuns(m_copy); // their batches first
    for (const CopyBatch &listed : m_copy.batches()) {
        if (ids.contains(listed.id))
            continue;
        if (!batchIsUnderway(listed.status))
            continue;
        const auto b = m_copy.batch(listed.id);
        if (b && std::any_of(b->items.begin(), b->items.end(), [](const CopyItem &i) { return !copystate::isSettled(i.state); }))
            ids << listed.id;
    }
    // A few batches side by side (each with its own item workers): small batches keep the pipes full.
    QList<CopyExecResult> out;
    qsizetype next = 0;
    std::vector<Task<>> batches;
    for (qsizetype i = 0; i < qMin<qsizetype>(kBatchWorkers, ids.size()); ++i)
        batches.push_back(batchWorker(&ids, &next, options, &out));
    co_await whenAll(std::move(batches));
    std::sort(out.begin(), out.end(), [](const CopyExecResult &x, const CopyExecResult &y) { return x.batch < y.batch; });
    co_return out;
}

} // namespace ferry
