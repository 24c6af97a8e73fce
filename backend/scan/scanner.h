// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "matrix/matrixbuilder.h"
#include "matrix/syncstate.h"
#include "plan/plan.h"
#include "plan/plancredentials.h"
#include "registry/providers.h"
#include "store/store.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMap>
#include <QObject>
#include <QRegularExpression>
#include <QSet>
#include <QTimer>

#include <memory>

namespace ferry {

class NetworkService;
class RegistryClient;

struct ScanOptions
{
    QRegularExpression only; // target repositories to scan; empty: all
    bool checkCaches = false; // a HEAD to a pull-through cache makes it fetch upstream
    int cacheSample = -1; // with checkCaches: only the first N target repositories (-1: all)
    int maxParallelListings = 8;
    QStringList registries; // list only these registries (watch's quick rounds); empty: all
    bool writeMatrix = true; // false: record listings only (the matrix needs every registry)
    // Who collects (ferryctl --collector; default the host's name), recorded with the scan.
    // Collectors of one store never list one registry at once: each registry's listings are
    // written under a named lock ("collect:<registry>") that a scan holds while it runs.
    QString collector;
    int liveRowsIntervalMs = 0; // > 0: emit rowsReady with the rows of repositories whose every
                                // listing finished, batched at this interval (the dashboard's live matrix)
};

struct ScanProgress
{
    int listingsDone = 0;
    int listingsTotal = 0;
    qint64 requests = 0;
    qint64 errors = 0;
    double requestsPerSecond = 0;
};

struct ScanSummary
{
    qint64 scanId = 0;
    bool complete = false;
    bool interrupted = false;
    int rows = 0;
    QMap<QString, int> rowsByState;
    qint64 requests = 0;
    QStringList errors;
    qint64 elapsedMs = 0;
    bool storeFailed = false;
};

// Expands a plan into listings, reads every registry's tags and digests the cheapest way
// it allows, records what it saw in the store and computes the sync matrix. Lives on the
// thread that starts it (it writes the store from there); network work runs on the
// network threads. Stopping keeps what was learned and marks the scan interrupted.
class Scanner : public QObject
{
    Q_OBJECT
public:
    Scanner(const Plan &plan, Store &store, NetworkService &network, ScanOptions options, QObject *parent = nullptr);
    ~Scanner() override;

    void start();
    void cancel();

Q_SIGNALS:
    void progress(const ferry::ScanProgress &progress);
    void finished(const ferry::ScanSummary &summary);
    // Rows of repositories whose listings all finished since the last batch. Provisional:
    // a target index that is a subset of the source's platforms shows as drifted here and
    // becomes partial in the finished matrix, which the store then holds.
    void rowsReady(const QList<ferry::MatrixRow> &rows);

private:
    struct Row
    {
        QString targetRegistry;
        QString repository; // target repository
        QString tag;
        QString sourceRegistry; // empty for the target's own repositories
        QString sourceRepository;
    };

    void expandRepositories();
    void planListings();
    void pump();
    void onListing(const QString &key, const Result<TagDetails> &result);
    void checkPartials();
    void finish();
    QString listingKey(const QString &registry, const QString &repository) const { return registry + u'\n' + repository; }
    const RepoListing *listing(const QString &registry, const QString &repository) const;
    // The matrix of every target repository whose listings all finished; with onlyRepositories,
    // of those among them only (live batches).
    QList<MatrixRow> computeMatrix(QStringList *coveredRepositories, const QSet<QString> *onlyRepositories = nullptr);
    void emitLiveRows();
    qint64 totalRequests() const;
    void emitProgress();

    Plan m_plan;
    Store &m_store;
    NetworkService &m_network;
    ScanOptions m_options;
    std::map<QString, std::unique_ptr<RegistryClient>> m_clients;
    std::map<QString, std::unique_ptr<TagDetailsProvider>> m_providers;
    QList<ImageSet> m_sets; // Repositories sets expanded into one entry per repository
    QHash<QString, RepoListing> m_listings;
    QStringList m_pending;
    int m_running = 0;
    QHash<QString, QString> m_partialOf; // "targetDigest\nsourceDigest" -> reason, for partial indexes
    qint64 m_scanId = 0;
    quint64 m_group = 0;
    bool m_canceled = false;
    bool m_finished = false;
    int m_expanding = 0;
    QDateTime m_startedAt;
    QElapsedTimer m_clock;
    QStringList m_errors;
    QStringList m_locks; // the registries' collect locks this scan holds
    bool m_waitedForLocks = false;
    static constexpr int kLockRetryMs = 250;
    void releaseLocks();
    void takeLocksThenList();
    bool listsRegistry(const PlanRegistry &r) const;
    QTimer *m_liveTimer = nullptr;
    QSet<QString> m_liveDirty; // target repositories with a listing finished since the last batch
};

} // namespace ferry

Q_DECLARE_METATYPE(ferry::ScanProgress)
Q_DECLARE_METATYPE(ferry::ScanSummary)
