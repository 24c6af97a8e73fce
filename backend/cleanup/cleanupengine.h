// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "cleanup/cleanupstore.h"
#include "net/task.h"
#include "ops/batchexecution.h"
#include "ops/itemrunner.h"
#include "plan/plan.h"
#include "plan/plancredentials.h"

#include <QMap>
#include <QStringList>

#include <atomic>
#include <functional>
#include <map>
#include <memory>

namespace ferry {

class NetworkService;
class RegistryClient;
class TagDetailsProvider;

struct CleanupProgress
{
    QString phase; // "plan", "execute", "dry-run"
    int done = 0;
    int total = 0;
    QString message; // the last thing that happened, for a status line
};

struct CleanupPlanResult
{
    QList<qint64> batches;
    int deleteItems = 0;
    int keepItems = 0;
    QStringList notes; // repositories with nothing to do, policies that matched nothing
    QStringList errors; // what could not be read; batches from those listings are blocked
    // What the clusters run and pin, as planning asked it: the refs scan read (0: none), and
    // why approval will want an override when it is missing or stale (empty: fresh or no clients).
    qint64 refsScan = 0;
    QDateTime refsAt;
    QString refsStale;
    int clusterHeld = 0; // candidates held back because a cluster runs, pins or names them
};

struct CleanupExecOptions
{
    bool dryRun = false;
    QString actor;
    int paceMs = 0; // pause between deletions, to be gentle with a registry
};

struct CleanupExecResult
{
    qint64 batch = 0;
    qint64 run = 0;
    QString refused; // the batch was not executed at all, and why
    bool stopped = false; // cancelled or cut short; resume finishes it
    QList<CleanupItem> items; // delete items with their state after this run
    QMap<QString, int> counts; // by state

    // "4 deleted, 1 skipped", the way every face reports a run; empty when nothing was counted.
    QString countsText() const;
    // Items failed, refused or not permitted: the run went badly, whatever else it did.
    bool hasFailures() const;
};

// The cleanup engine that the CLI and the GUI share. plan, execute and resume are Tasks:
// they run on the calling thread, which must run an event loop, and suspend while a
// registry answers (registry requests run on the network threads), so no thread waits
// on a reply. The store must have been opened by that thread; the engine and its Tasks
// live there. cancel() may be called from any thread: a run stops between items, never
// in the middle of one.
// What forbids running a batch whatever it deletes from: items altered since planning, an
// incomplete listing, no approval or an approval of other content, a listing too old.
// Empty: it may run. The engine and the chart retirement both ask it.
QString batchExecutionBlocker(const CleanupBatch &batch, bool dryRun, qint64 maxListingAgeSeconds);

// The one rule of which batches can be approved, for every face: only a planned batch with
// something to delete, unaltered, from a complete listing. A rejection is final (plan again to
// propose it anew). Empty: it may be approved (a stale refs scan aside, see refsStaleness).
QString approvalBlocker(const CleanupBatch &batch);

// Why approving this batch needs an explicit override (--without-fresh-refs): the plan has
// clients, and no refs scan was asked when it was planned, or the last refs scan is missing or
// older than cleanup.refs-max-age. Empty: what the clusters run is known and fresh.
QString refsStaleness(const CleanupBatch &batch, const std::optional<RefsScanInfo> &lastRefsScan, const QDateTime &now);

class CleanupEngine
{
public:
    CleanupEngine(const Plan &plan, Store &store, NetworkService &network);
    ~CleanupEngine();

    void setProgressHandler(std::function<void(const CleanupProgress &)> handler) { m_progress = std::move(handler); }
    void cancel() { m_canceled = true; }

    // Reads the registries the policies name and writes batches to the store.
    Task<CleanupPlanResult> plan(QStringList onlyPolicies = {});
    // Executes one batch (or dry-runs it: the same path, only the DELETE is skipped).
    Task<CleanupExecResult> execute(qint64 batchId, CleanupExecOptions options);
    // Finishes every real run that did not end (a crash, SIGKILL, a power cut).
    Task<QList<CleanupExecResult>> resume(CleanupExecOptions options);

    // Approval and review. Each returns an empty string on success, else why not.
    // withoutFreshRefs approves although refsStaleness() says no; the override is recorded with
    // the approval and shown in the review, the journal and the reports.
    QString approve(qint64 batchId, const QString &actor, const QString &comment, const QString &expectedHash = {},
                    bool withoutFreshRefs = false);
    QString reject(qint64 batchId, const QString &actor, const QString &comment);
    // A new batch without the given delete items (and anything that depended on them);
    // the old one is superseded.
    QString removeItems(qint64 batchId, const QList<int> &seqs, const QString &actor, const QString &comment, qint64 *newBatch);

    // Why this batch cannot be executed now, or empty.
    QString executionBlocker(const CleanupBatch &batch, bool dryRun) const;

private:
    RegistryClient *client(const QString &registry);
    TagDetailsProvider *provider(const QString &registry);
    // Lists the repository and reads what the checks need: every index, the given digests,
    // the subjects that signatures and referrers name. complete=false says what failed.
    Task<RepositorySnapshot> readSnapshot(const QString &registry, const QString &repository, const QSet<QString> &digests,
                                          bool useHistory);
    Task<> readManifests(RepositorySnapshot *snap, const QSet<QString> &digests);
    Task<QString> headDigest(const QString &registry, const QString &repository, const QString &reference, int *status);
    void report(const QString &phase, int done, int total, const QString &message);
    // Which repositories each registry's policies cover: registry -> repository -> policies.
    using Coverage = QMap<QString, QMap<QString, QList<CleanupPolicy>>>;
    Task<Coverage> coverage(const QList<CleanupPolicy> &policies, CleanupPlanResult *out);
    Task<VerifyResults> verifyLegacy(const QString &registry, const QString &repository, const QList<CleanupPolicy> &pols,
                                     const QSet<QString> &candidates, QStringList *verifyTargets);
    void storeBatches(const QString &registry, const QString &repository, const QList<CleanupPolicy> &pols, const RepositorySnapshot &snap,
                      const QList<CleanupItem> &deletes, const QList<CleanupItem> &keeps, const QDateTime &now, CleanupPlanResult *out);
    Task<bool> rereadSnapshot(const CleanupBatch &b, const QSet<QString> &digests, RepositorySnapshot *snap);
    // What one run's deletions share, and one item's: the checks in order, then the DELETE.
    struct DeleteRun;
    Task<ItemStep> deleteStep(DeleteRun *run, CleanupItem &item);
    CleanupExecResult stopRun(CleanupExecResult *result, BatchExecution &exec, const QList<CleanupItem *> &work, const QString &why);
    std::optional<CleanupBatch> startRun(qint64 batchId, BatchExecution &exec, CleanupExecResult *result);
    Task<QString> liveRecheck(const CleanupBatch &b, const CleanupItem &item, const RepositorySnapshot &snap);
    // What the clusters hold in the batch's repository by the latest refs scan, read again when a
    // newer refs scan has been recorded; the manifests of held indexes are read into snap.
    Task<ClusterHolds> latestClusterHolds(const CleanupBatch &b, RepositorySnapshot *snap, ClusterHolds current);
    // Right before a DELETE: the state the item ends in without one (kept: a cluster uses it now;
    // skipped: a check failed) and why; an empty state lets it go.
    Task<std::pair<QString, QString>> verdictBeforeDelete(const CleanupBatch &b, const CleanupItem &item, RepositorySnapshot *snap,
                                                          ClusterHolds *clusters);

    const Plan &m_plan;
    Store &m_store;
    CleanupStore m_cleanup;
    NetworkService &m_network;
    PlanClients m_clients;
    std::map<QString, std::unique_ptr<TagDetailsProvider>> m_providers;
    std::function<void(const CleanupProgress &)> m_progress;
    std::atomic<bool> m_canceled{false};
    quint64 m_group = 0;
};

} // namespace ferry
