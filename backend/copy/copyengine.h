// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "copy/copystore.h"
#include "net/httptypes.h"
#include "net/task.h"
#include "plan/plan.h"
#include "plan/plancredentials.h"
#include "registry/ratelimit.h"

#include <QMap>
#include <QSet>
#include <QStringList>

#include <atomic>
#include <functional>
#include <map>
#include <memory>

namespace ferry {

class NetworkService;
class RegistryClient;
struct Manifest;

struct CopyPlanOptions
{
    QStringList states; // matrix states of the target's cell: missing, partial, drifted (default: missing, partial)
    QStringList repositories; // globs over the target repository; empty: all
    bool referencedOnly = false; // only tags a cluster runs, pins or names (the last refs scan)
    int newest = 0; // then at most N per repository, newest first (0: all)
    QStringList tags; // only tags matching one of these globs; empty: all
    bool referrers = false; // also the chosen digests' cosign tags, tag-schema indexes and OCI referrers
    QString actor;
};

// Whether a row in this matrix state is something a copy brings to the target (missing,
// partial, drifted): the one rule by which the Images page and the terminal offer a copy.
bool isCopyableState(const QString &state);
// The plan options that copy one row (repository and tag given) or every row in a state (both
// empty): what the Images page and the terminal ask for.
CopyPlanOptions copyPlanFor(const QString &repository, const QString &tag, const QString &state);

struct CopyPlanResult
{
    QList<qint64> batches;
    int items = 0;
    int manifests = 0;
    int blobs = 0;
    qint64 bytes = 0;
    int pulls = 0; // what executing the batches costs at the sources, at most (shared manifests counted per tag)
    int planningPulls = 0; // manifest GETs planning itself made at the sources
    // Each source's pull budget as its last answer during planning gave it (Docker Hub's headers),
    // and the pulls the batches need there.
    QMap<QString, RateLimitReading> budgets;
    QMap<QString, int> pullsBySource;
    qint64 scan = 0; // the scan whose matrix was read
    QStringList notes;
    QStringList errors; // manifests that could not be read: those items were left out
};

struct CopyExecOptions
{
    bool dryRun = false;
    QString actor;
};

struct CopyTransferStats
{
    int blobsUploaded = 0;
    int blobsMounted = 0;
    int blobsPresent = 0; // already in the target repository: not sent
    qint64 bytesSent = 0;
    int manifestsPut = 0;
    int pulls = 0; // manifest GETs at the source
    int budgetPauses = 0;
};

struct CopyExecResult
{
    qint64 batch = 0;
    qint64 run = 0;
    QString refused; // the batch was not executed at all, and why
    bool stopped = false;
    QList<CopyItem> items;
    QMap<QString, int> counts; // by state
    CopyTransferStats transfer;

    QString countsText() const;
    bool hasFailures() const;
};

struct CopyProgress
{
    QString phase; // plan, copy, dry-run, paused
    int done = 0;
    int total = 0;
    qint64 bytes = 0;
    QString message;
};

// Which batches can be approved: a planned batch with items, unaltered since planning.
QString copyApprovalBlocker(const CopyBatch &batch);
// Which batches can be rejected: a planned or approved one (a rejection is final). Empty: it may.
QString copyRejectionBlocker(const CopyBatch &batch);
// Why a batch may not run: not approved, or approved as other content. Empty: it may.
QString copyExecutionBlocker(const CopyBatch &batch, bool dryRun);

// Copies what a target lacks from its source, by digest: planned from the matrix into batches
// the lead approves, executed item by item with a journal, resumable after a crash. Tasks as in
// the cleanup engine: they run on the calling thread, which runs an event loop.
class CopyEngine
{
public:
    CopyEngine(const Plan &plan, Store &store, NetworkService &network);
    ~CopyEngine();

    void setProgressHandler(std::function<void(const CopyProgress &)> handler) { m_progress = std::move(handler); }
    void cancel() { m_canceled = true; }

    Task<CopyPlanResult> plan(CopyPlanOptions options);
    Task<CopyExecResult> execute(qint64 batchId, CopyExecOptions options);
    // Every batch with items not settled (interrupted, planned or failed) that may run.
    Task<QList<CopyExecResult>> resume(CopyExecOptions options);

    QString approve(qint64 batchId, const QString &actor, const QString &comment, const QString &expectedHash = {});
    QString reject(qint64 batchId, const QString &actor, const QString &comment);

private:
    struct ItemShape
    {
        int manifests = 0;
        int pulls = 0;
        QMap<QString, qint64> blobs; // digest -> size
        QString error;
    };
    struct Transfer; // one item's copy: registries, repositories, stats
    // execute() without clearing a cancellation: resume runs several of these at once.
    Task<CopyExecResult> runBatch(qint64 batchId, CopyExecOptions options);
    // Takes the next of ids and runs it, until none is left (or the run is cancelled).
    Task<> batchWorker(QList<qint64> *ids, qsizetype *next, CopyExecOptions options, QList<CopyExecResult> *out);
    RegistryClient *client(const QString &registry);
    void report(const QString &phase, int done, int total, const QString &message);
    Task<ItemShape> readShape(const QString &registry, const QString &repository, const QString &digest);
    // The OCI referrers of the items' digests not among them: untagged items copied by digest.
    Task<QList<CopyItem>> referrersOf(const QString &sourceRegistry, const QList<CopyItem> &items);
    // Reads the item's manifests, counts what the target lacks, and appends it to the batch.
    Task<> addItem(CopyBatch *b, CopyItem item, QMap<QString, ItemShape> *shapes, QSet<QString> *batchBlobs, CopyPlanResult *out);
    Task<QString> headManifest(RegistryClient *c, const QString &repository, const QString &reference, int *status);
    Task<bool> blobInTarget(Transfer *t, const QString &digest);
    // The item's state and message after trying it.
    Task<std::pair<QString, QString>> copyItem(const CopyBatch &b, const CopyItem &item, bool dryRun, CopyTransferStats *stats);
    // A manifest and everything it names. The item's own manifest (depth 0) is read by the item's
    // reference (its tag: no HEAD first, the digest of the bytes says whether it moved) and left
    // for the caller to PUT by its tag; the caller holds its claim. Children are PUT by digest.
    Task<QString> copyManifest(Transfer *t, const QString &reference, const QString &digest, int depth);
    // Waits while another worker holds key (bounded: 20 minutes).
    Task<> waitUntilFree(const QString &key);
    // Waits until key is free, then holds it (release with a CopyClaim).
    Task<> claim(const QString &key);
    Task<QString> copyBlob(Transfer *t, const QString &digest, qint64 size);
    Task<QString> uploadBlob(Transfer *t, const QString &digest, qint64 size, QUrl location);
    // Reads the blob from the source and sends it to the upload (PATCHes for a large one; a small
    // one is left in finalBody for the closing PUT); verifies the digest. Empty, or what failed.
    Task<QString> streamBlob(Transfer *t, const QString &digest, qint64 size, QUrl *location, QByteArray *finalBody);
    Task<QString> putManifest(Transfer *t, const QString &reference, const QByteArray &raw, const QString &mediaType);
    Task<HttpResponse> send(RegistryClient *c, const HttpRequest &request, const QString &scope);
    // Waits while a source's pull budget is at the plan's floor (counting the pause); false when cancelled.
    // A pull it lets go is counted as in flight until releasePull() after the GET's answer. Before
    // the first reading, one HEAD of reference (free) takes it while the other workers wait.
    Task<bool> waitForBudget(RegistryClient *source, const PlanRegistry *registry, const QString &repository, const QString &reference,
                             int *pauses);
    void releasePull(const PlanRegistry *registry);

    const Plan &m_plan;
    Store &m_store;
    CopyStore m_copy;
    NetworkService &m_network;
    PlanClients m_clients;
    std::function<void(const CopyProgress &)> m_progress;
    std::atomic<bool> m_canceled{false};
    quint64 m_group = 0;
    qint64 m_bytes = 0; // sent in this engine's runs, for progress
    QSet<QString> m_inFlight; // blobs and manifests ("registry/repository@digest") a worker is copying now
    // Blobs ("registry/repository@digest") and manifests ("manifest " + the same) this engine
    // found, mounted or sent in the target: the next item sharing one (a base layer, an index's
    // child that is also an item) asks the registry nothing and writes nothing. Only for the engine's life:
    // a later run asks again (a blob may be collected meanwhile; the manifest's PUT would say so).
    QSet<QString> m_inTarget;
    QHash<QString, int> m_pullsInFlight; // manifest GETs asked of a budgeted source, not answered yet
    // Budgeted sources whose first reading was asked for (a HEAD): false while it is in flight,
    // true once answered.
    QHash<QString, bool> m_budgetProbed;
    bool m_streaming = false; // a large blob is being streamed: one at a time keeps memory bounded
};

} // namespace ferry
