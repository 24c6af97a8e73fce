// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "charts/chartscan.h"
#include "core/cleanupjob.h"
#include "core/compactmatrix.h"
#include "core/copyjob.h"
#include "core/scanjob.h"
#include "lag/lag.h"
#include "plan/plan.h"
#include "registry/registryconfig.h"
#include "report/registries.h"
#include "report/report.h"

#include "registry/registryclient.h"

#include <QElapsedTimer>
#include <QFileSystemWatcher>
#include <QFuture>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <map>
#include <memory>

namespace ferry {

class NetworkService;
class Store;
class StoreFollower;

// One session of work with one plan: the plan (read once, read again when its file
// changes), the database, the network threads, and scans as jobs. The dashboard and the
// commands ask it for these instead of reading plans and opening stores themselves. Lives
// on one thread (the GUI's, or the command's); its store connection belongs to that thread.
// The matrix as one read of the store gives it (once per scan), and what is derived from it on
// the same worker: every view of the matrix (the window's model, the Overview's stages, the TUI)
// takes it from here instead of reading the rows again. A shared pointer so that a model can
// take the matrix without a copy (QFuture::takeResult leaves the future invalid, which a watcher
// then waits on forever).
// A charts scan as the window and ferryctl run it: each repository's outcome, or why none ran.
struct ChartsScanReport
{
    QString error; // no plan, no chart repository, no database
    QStringList warnings; // the plan's credentials
    QList<ChartsScanOutcome> outcomes;
};

struct MatrixSnapshot
{
    std::shared_ptr<CompactMatrix> matrix;
    ReportData progress; // scope Progress (stages, rows and cells by state, the trend), no attention rows
};

class Workspace : public QObject
{
    Q_OBJECT
public:
    explicit Workspace(int networkThreads = 2, QObject *parent = nullptr);
    ~Workspace() override;

    // Reads the plan at path and watches it. False with the error when it cannot be read;
    // a plan already loaded then stays.
    bool loadPlan(const QString &path, QString *error);
    std::shared_ptr<const Plan> plan() const { return m_plan; }
    QString planPath() const { return m_planPath; }
    // The plan's database next to it: <dir>/<plan name>.ferry.db.
    static QString defaultDatabase(const QString &planPath);

    // Opens the database (a file or a PostgreSQL URL); a store already followed is followed
    // at its new location.
    bool openDatabase(const QString &path, QString *error);
    // Follows the database for other writers (ferryctl watch, a collector elsewhere, another
    // window): storeChanged() at most once every throttleMs while they write. This session's
    // own scans are not another writer's: while one runs nothing is said (its face reloads when
    // it ends), and its writes are not said afterwards (by scan id, or, where a file says only
    // that it changed, for three seconds after it ended). The window and the terminal both
    // follow through this, by the one rule.
    void followStore(int throttleMs = 2000);
    Store *store() const { return m_store.get(); }
    QString databasePath() const;

    // Started on first use: a command that only reads the database starts no network threads.
    NetworkService &network();
    // The plan's registries as clients should see them (credentials resolved), by name.
    // Problems reading credentials go to errors; the scan reports them too.
    QMap<QString, RegistryConfig> registryConfigs(QStringList *errors = nullptr) const;

    // A manifest of one of the plan's registries, by tag or digest: a client per registry,
    // made on the first fetch and kept until the plan changes. A name that is not in the plan
    // fails at once with InvalidInput.
    QFuture<Result<ManifestFetch>> fetchManifest(const QString &registry, const QString &repository, const QString &reference);

    // A scan of the plan into the database, started; nullptr (with the error) without a plan
    // or a database. The caller owns the job.
    ScanJob *startScan(const ScanOptions &options, QString *error);
    // A cleanup operation on the database with the plan as it is now (the job keeps that
    // plan to its end, whatever happens to the file), started; nullptr (with the error)
    // without a database. Without a plan, only review operations can succeed: the engine
    // refuses to execute a batch whose registry it does not know. The caller owns the job.
    CleanupJob *startCleanup(const CleanupRequest &request, QString *error);
    // A copy operation, likewise (the job keeps the plan it started with).
    CopyJob *startCopy(const CopyRequest &request, QString *error);
    // The plan that executes a batch made from the plan file batchPlan, for every face: the
    // session's plan when it is that file (or the batch names none), else that file read again,
    // else (the file is gone) the session's plan, whose registries the engine checks; nullptr
    // with the error when there is none. ferryctl's --plan is a session plan the lead chose.
    std::shared_ptr<const Plan> planForBatch(const QString &batchPlan, QString *error) const;

    // The charts scan (every chart repository of the plan, or the one named only), read and
    // recorded on a thread of its own with a store connection of its own; the requests run on
    // the network threads. progress is called on that thread.
    QFuture<ChartsScanReport> scanCharts(const QString &only = {}, const ChartsScanProgress &progress = {});

    // Reads of the whole database, each on a pool thread with a connection of its own; the
    // pages and the Export dialog ask for these instead of opening the store. Without a
    // database the future's value carries the error.
    QFuture<ReportData> reportData(const QDateTime &since, int attentionLimit, ReportScope scope = ReportScope::Everything) const;
    QFuture<LagReport> lag(const QDateTime &since, int keepRows = -1) const;
    // The registries' statuses (health, budget), their figures since historySince (invalid: none)
    // and the last scan's errors: the Registries pages of the window and the terminal.
    QFuture<RegistriesRead> registries(const QDateTime &historySince = {}) const;
    // The matrix in its compact form with the progress counted from it (the trend over all
    // scans). Without a database: an empty matrix, the error in progress.errors.
    QFuture<MatrixSnapshot> matrixSnapshot() const;
    // Any other read: work(store) there; onError(message) when the database cannot be opened.
    template<typename Work, typename OnError>
    auto read(Work work, OnError onError) const
    {
        if (databasePath().isEmpty())
            return QtFuture::makeReadyFuture(onError(QStringLiteral("no database is open")));
        return QtConcurrent::run([dbPath = databasePath(), work = std::move(work), onError = std::move(onError)] {
            Store store(dbPath); // a connection of this pool thread's own (WAL: reads while others write)
            QString error;
            if (!store.open(&error))
                return onError(error);
            return work(store);
        });
    }

Q_SIGNALS:
    void planChanged(); // the plan's file changed and was read again
    void planFailed(const QString &error); // the plan's file changed and cannot be read: the last good plan stays
    void storeChanged(); // another writer changed the database (followStore)
    void followLost(const QString &why); // the database cannot be followed now; it is tried again

private:
    void onPlanFileChanged();
    // The plan a job runs under: planForBatch's for a batch to execute or resume whose plan file
    // the request names, else the open plan. False (with the error) when planForBatch has none.
    bool planForJob(bool runsBatch, const QString &batchPlan, std::shared_ptr<const Plan> *plan, QString *error) const;
    void startFollowing();
    void onStoreChanged(const QString &what);

    int m_networkThreads;
    std::unique_ptr<NetworkService> m_network;
    // Declared after the network service: destroyed before it.
    std::map<QString, std::unique_ptr<RegistryClient>> m_clients;
    std::shared_ptr<const Plan> m_plan;
    QString m_planPath;
    std::unique_ptr<Store> m_store;
    QFileSystemWatcher m_watcher;
    // Following the database: another writer's changes, one storeChanged() per throttle at most.
    StoreFollower *m_follower = nullptr; // a child
    QTimer m_storeChanged;
    QSet<QObject *> m_runningScans; // this session's, started by startScan
    QSet<qint64> m_ownScans; // what they wrote
    QElapsedTimer m_ownScanEnded;
    // Declared last: destroyed (its work waited for) before the network and the clients.
    QThreadPool m_chartsPool;
};

} // namespace ferry
