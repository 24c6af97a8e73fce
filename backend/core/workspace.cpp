// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "core/workspace.h"

#include "net/networkservice.h"
#include "plan/plancredentials.h"
#include "report/progress.h"
#include "store/store.h"
#include "store/storefollower.h"

#include <QDir>
#include <QFileInfo>
#include <QTimeZone>

namespace ferry {

Workspace::Workspace(int networkThreads, QObject *parent)
    : QObject(parent)
    , m_networkThreads(networkThreads)
{
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &Workspace::onPlanFileChanged);
    m_chartsPool.setMaxThreadCount(1);
    m_storeChanged.setSingleShot(true);
    connect(&m_storeChanged, &QTimer::timeout, this, [this] {
        if (m_runningScans.isEmpty()) // a scan of this session's own: its face reloads when it ends
            Q_EMIT storeChanged();
    });
}

Workspace::~Workspace()
{
    delete m_follower; // before the timer it starts and the sets it reads
}

QFuture<ChartsScanReport> Workspace::scanCharts(const QString &only, const ChartsScanProgress &progress)
{
    ChartsScanReport report;
    if (!m_plan || m_plan->charts.isEmpty())
        report.error = tr("The plan has no chart repositories (plan key charts)");
    else if (databasePath().isEmpty())
        report.error = tr("no database is open");
    if (!report.error.isEmpty())
        return QtFuture::makeReadyFuture(report);
    const QMap<QString, RegistryConfig> configs = registryConfigs(&report.warnings);
    // Blocking reads on this pool's thread; the requests themselves run on the network threads.
    return QtConcurrent::run(&m_chartsPool,
                             [report, plan = m_plan, configs, network = &network(), db = databasePath(), only, progress]() mutable {
                                 Store store(db);
                                 if (!store.open(&report.error))
                                     return report;
                                 report.outcomes = scanAndRecordCharts(*plan, configs, *network, store, only, progress);
                                 return report;
                             });
}

bool Workspace::loadPlan(const QString &path, QString *error)
{
    auto plan = Plan::load(path, error);
    if (!plan)
        return false;
    m_clients.clear(); // made from the old plan's registries
    if (!m_planPath.isEmpty())
        m_watcher.removePath(m_planPath);
    m_plan = std::make_shared<const Plan>(std::move(*plan));
    m_planPath = path;
    m_watcher.addPath(path);
    return true;
}

QString Workspace::defaultDatabase(const QString &planPath)
{
    return storeLocationForPlan(planPath);
}

bool Workspace::openDatabase(const QString &path, QString *error)
{
    auto store = std::make_unique<Store>(path);
    if (!store->open(error))
        return false;
    m_store = std::move(store);
    if (m_follower)
        startFollowing(); // at the new location
    return true;
}

NetworkService &Workspace::network()
{
    if (!m_network)
        m_network = std::make_unique<NetworkService>(m_networkThreads);
    return *m_network;
}

QString Workspace::databasePath() const
{
    return m_store ? m_store->path() : QString();
}

QMap<QString, RegistryConfig> Workspace::registryConfigs(QStringList *errors) const
{
    QMap<QString, RegistryConfig> out;
    if (!m_plan)
        return out;
    QStringList ignored;
    for (const PlanRegistry &r : m_plan->registries)
        out.insert(r.name, clientConfig(r, errors ? errors : &ignored));
    return out;
}

QFuture<Result<ManifestFetch>> Workspace::fetchManifest(const QString &registry, const QString &repository, const QString &reference)
{
    auto it = m_clients.find(registry);
    if (it == m_clients.end()) {
        const PlanRegistry *r = m_plan ? m_plan->registry(registry) : nullptr;
        if (!r)
            return QtFuture::makeReadyFuture(Result<ManifestFetch>::failure(RegistryError::make(
                RegistryError::Kind::InvalidInput, QStringLiteral("%1 is not a registry of the open plan").arg(registry))));
        QStringList credentialErrors; // a fetch fails with its own error; the scan reports these
        it = m_clients.emplace(registry, std::make_unique<RegistryClient>(network(), clientConfig(*r, &credentialErrors))).first;
    }
    return it->second->getManifest(repository, reference);
}

ScanJob *Workspace::startScan(const ScanOptions &options, QString *error)
{
    if (!m_plan || !m_store) {
        *error = !m_plan ? QStringLiteral("no plan is open") : QStringLiteral("no database is open");
        return nullptr;
    }
    auto *job = new ScanJob(m_plan, m_store->path(), network(), options);
    // What this scan writes is not another writer's change (followStore).
    m_runningScans.insert(job);
    connect(job, &ScanJob::finished, this, [this, job](const ScanSummary &summary) {
        m_runningScans.remove(job);
        m_ownScans.insert(summary.scanId);
        m_ownScanEnded.start();
    });
    connect(job, &QObject::destroyed, this, [this, job] { m_runningScans.remove(job); });
    job->start();
    return job;
}

QFuture<ReportData> Workspace::reportData(const QDateTime &since, int attentionLimit, ReportScope scope) const
{
    return read([since, attentionLimit, scope](Store &store) { return collectReport(store, since, attentionLimit, scope); },
                [](const QString &error) {
                    ReportData d;
                    d.errors << error;
                    return d;
                });
}

QFuture<RegistriesRead> Workspace::registries(const QDateTime &historySince) const
{
    return read([historySince](Store &store) { return readRegistries(store, historySince); },
                [](const QString &error) {
                    RegistriesRead r;
                    r.error = error;
                    return r;
                });
}

QFuture<LagReport> Workspace::lag(const QDateTime &since, int keepRows) const
{
    return read([since, keepRows](Store &store) { return computeLag(store, since, {}, QDateTime::currentDateTimeUtc(), keepRows); },
                [](const QString &error) {
                    LagReport r;
                    r.error = error;
                    return r;
                });
}

QFuture<MatrixSnapshot> Workspace::matrixSnapshot() const
{
    return read(
        [](Store &store) {
            // One read of the rows: the progress is counted from the snapshot, not from the store.
            MatrixSnapshot s{std::make_shared<CompactMatrix>(CompactMatrix::fromStore(store)), {}};
            s.progress = collectProgress(store, QDateTime::fromMSecsSinceEpoch(0, QTimeZone::utc()),
                                         [&s](ProgressTally &tally) { s.matrix->tally(&tally); });
            s.matrix->stringRanks(); // ranked here, off the faces' threads: a sort by repository or tag needs them
            return s;
        },
        [](const QString &error) {
            MatrixSnapshot s{std::make_shared<CompactMatrix>(), {}};
            s.progress.errors << error;
            return s;
        });
}

CleanupJob *Workspace::startCleanup(const CleanupRequest &request, QString *error)
{
    if (!m_store) {
        *error = QStringLiteral("no database is open");
        return nullptr;
    }
    std::shared_ptr<const Plan> plan;
    if (!planForJob(request.kind == CleanupRequest::Kind::Execute || request.kind == CleanupRequest::Kind::Resume, request.batchPlan, &plan,
                    error))
        return nullptr;
    auto *job = new CleanupJob(plan, m_store->path(), network(), request);
    job->start();
    return job;
}

CopyJob *Workspace::startCopy(const CopyRequest &request, QString *error)
{
    if (!m_store) {
        *error = QStringLiteral("no database is open");
        return nullptr;
    }
    std::shared_ptr<const Plan> plan;
    if (!planForJob(request.kind == CopyRequest::Kind::Execute || request.kind == CopyRequest::Kind::Resume, request.batchPlan, &plan,
                    error))
        return nullptr;
    auto *job = new CopyJob(plan, m_store->path(), network(), request);
    job->start();
    return job;
}

bool Workspace::planForJob(bool runsBatch, const QString &batchPlan, std::shared_ptr<const Plan> *plan, QString *error) const
{
    if (!runsBatch || batchPlan.isEmpty()) {
        *plan = m_plan; // a decision, a plan of a batch, or a batch whose plan file nobody named
        return true;
    }
    *plan = planForBatch(batchPlan, error);
    return *plan != nullptr;
}

std::shared_ptr<const Plan> Workspace::planForBatch(const QString &batchPlan, QString *error) const
{
    const auto sameFile = [](const QString &a, const QString &b) {
        const QString ca = QFileInfo(a).canonicalFilePath(), cb = QFileInfo(b).canonicalFilePath();
        return !ca.isEmpty() && ca == cb;
    };
    if (m_plan && (batchPlan.isEmpty() || sameFile(m_planPath, batchPlan)))
        return m_plan;
    QString why;
    if (!batchPlan.isEmpty())
        if (auto plan = Plan::load(batchPlan, &why))
            return std::make_shared<const Plan>(std::move(*plan));
    if (m_plan)
        return m_plan; // the batch's file is gone: the plan open now, whose registries the engine checks
    *error = batchPlan.isEmpty() ? QStringLiteral("no plan is open")
                                 : QStringLiteral("the batch was planned from %1, which cannot be read: %2").arg(batchPlan, why);
    return nullptr;
}

void Workspace::onPlanFileChanged()
{
    // Editors save by writing a new file and renaming it over the old one: the watch on the
    // old inode ends, so watch the path again.
    if (QFileInfo::exists(m_planPath) && !m_watcher.files().contains(m_planPath))
        m_watcher.addPath(m_planPath);
    QString error;
    auto plan = Plan::load(m_planPath, &error);
    if (!plan) {
        Q_EMIT planFailed(error);
        return;
    }
    m_plan = std::make_shared<const Plan>(std::move(*plan));
    m_clients.clear(); // made from the old plan's registries
    Q_EMIT planChanged();
}

} // namespace ferry
