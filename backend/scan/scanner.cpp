// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "scan/scanner.h"

#include <QSysInfo>

#include "net/networkservice.h"
#include "registry/credentials.h"
#include "registry/registryclient.h"
#include "store/figuretables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"

#include <QSet>

namespace ferry {

Scanner::Scanner(const Plan &plan, Store &store, NetworkService &network, ScanOptions options, QObject *parent)
    : QObject(parent)
    , m_plan(plan)
    , m_store(store)
    , m_network(network)
    , m_options(std::move(options))
{
    qRegisterMetaType<ScanProgress>();
    qRegisterMetaType<ScanSummary>();
}

Scanner::~Scanner()
{
    releaseLocks();
}

void Scanner::releaseLocks()
{
    for (const QString &lock : std::as_const(m_locks))
        m_store.unlock(lock);
    m_locks.clear();
}

void Scanner::start()
{
    m_clock.start();
    m_startedAt = QDateTime::currentDateTimeUtc();
    const QString collector = m_options.collector.isEmpty() ? QSysInfo::machineHostName() : m_options.collector;
    m_scanId = HistoryTables(m_store).beginScan(m_plan.path, m_startedAt, collector);
    if (m_options.liveRowsIntervalMs > 0 && m_options.writeMatrix) {
        m_liveTimer = new QTimer(this);
        m_liveTimer->setSingleShot(true); // restarted by the next finished listing
        m_liveTimer->setInterval(m_options.liveRowsIntervalMs);
        connect(m_liveTimer, &QTimer::timeout, this, &Scanner::emitLiveRows);
    }
    QList<RegistryRecord> records;
    for (const PlanRegistry &r : std::as_const(m_plan.registries))
        records.append({r.name, roleName(r.role), r.of, r.role == RegistryRole::Replica ? r.lagSloSeconds : 0});
    FigureTables(m_store).recordRegistries(records);
    m_group = RegistryClient::newGroup();
    takeLocksThenList();
}

// Collectors of one store never list one registry at once: the scan takes every registry's
// collect lock it needs, all or none (none held while waiting, so two collectors cannot wait
// on each other), and tries again shortly while another collector holds one.
void Scanner::takeLocksThenList()
{
    if (m_canceled) {
        finish();
        return;
    }
    QStringList wanted;
    for (const PlanRegistry &r : std::as_const(m_plan.registries))
        if (listsRegistry(r))
            wanted << QStringLiteral("collect:") + r.name;
    for (const QString &lock : std::as_const(wanted)) {
        if (m_store.tryLock(lock)) {
            m_locks << lock;
            continue;
        }
        releaseLocks();
        m_waitedForLocks = true;
        QTimer::singleShot(kLockRetryMs, this, &Scanner::takeLocksThenList);
        return;
    }
    for (const PlanRegistry &r : std::as_const(m_plan.registries)) {
        if (!listsRegistry(r))
            continue;
        const RegistryConfig cfg = clientConfig(r, &m_errors);
        auto client = std::make_unique<RegistryClient>(m_network, cfg);
        RegistryClient *hubApi = nullptr;
        if (cfg.kind == u"dockerhub" && cfg.apiUrl.isValid()) {
            RegistryConfig api = cfg;
            api.name = r.name + QStringLiteral("-hub-api");
            api.baseUrl = cfg.apiUrl;
            api.insecure = cfg.apiUrl.scheme() == u"http";
            api.credentials = {};
            auto apiClient = std::make_unique<RegistryClient>(m_network, api);
            hubApi = apiClient.get();
            m_clients[api.name] = std::move(apiClient);
        }
        m_providers[r.name] = TagDetailsProvider::create(*client, hubApi);
        m_clients[r.name] = std::move(client);
    }
    expandRepositories();
}

bool Scanner::listsRegistry(const PlanRegistry &r) const
{
    if (r.role == RegistryRole::Cache && !m_options.checkCaches)
        return false;
    return m_options.registries.isEmpty() || m_options.registries.contains(r.name);
}

void Scanner::cancel()
{
    if (m_canceled || m_finished)
        return;
    m_canceled = true;
    m_pending.clear();
    for (auto &[name, client] : m_clients)
        client->cancelGroup(m_group);
}

void Scanner::expandRepositories()
{
    for (const ImageSet &s : std::as_const(m_plan.images)) {
        if (s.kind == ImageSet::Kind::Mapping) {
            m_sets.append(s);
            continue;
        }
        auto it = m_clients.find(s.targetRegistry);
        if (it == m_clients.end())
            continue;
        ++m_expanding;
        it->second->catalog(m_group).then(this, [this, s](const Result<Listing> &catalog) {
            --m_expanding;
            if (!catalog.ok()) {
                if (catalog.error.kind != RegistryError::Kind::Canceled) {
                    m_errors.append(QStringLiteral("%1: cannot list repositories for %2: %3")
                                        .arg(s.targetRegistry, s.repositoryGlob, catalog.error.toString()));
                    HistoryTables(m_store).recordError(m_scanId, s.targetRegistry, s.repositoryGlob, QString(), catalog.error.toString());
                }
            } else {
                if (!catalog.value.complete)
                    m_errors.append(QStringLiteral("%1: the repository catalog is incomplete: %2")
                                        .arg(s.targetRegistry, catalog.value.incompleteReason));
                for (const QString &repo : catalog.value.names) {
                    if (!repositoryGlobMatches(s.repositoryGlob, repo))
                        continue;
                    ImageSet one = s;
                    one.targetRepository = repo;
                    m_sets.append(one);
                }
            }
            if (m_expanding == 0)
                planListings();
        });
    }
    if (m_expanding == 0)
        planListings();
}

void Scanner::planListings()
{
    if (m_canceled) {
        finish();
        return;
    }
    QStringList order;
    auto want = [&](const QString &registry, const QString &repository) {
        if (!m_providers.count(registry))
            return;
        const QString k = listingKey(registry, repository);
        if (m_listings.contains(k))
            return;
        m_listings.insert(k, RepoListing{registry, repository, false, false, {}, {}});
        order << k;
    };
    const QStringList legacy = m_plan.namesWithRole(RegistryRole::Legacy);
    QSet<QString> cacheRepos;
    for (const ImageSet &s : std::as_const(m_sets)) {
        if (m_options.only.isValid() && !m_options.only.pattern().isEmpty() && !m_options.only.match(s.targetRepository).hasMatch())
            continue;
        if (s.kind == ImageSet::Kind::Mapping)
            want(s.sourceRegistry, s.sourceRepository);
        want(s.targetRegistry, s.targetRepository);
        for (const QString &r : m_plan.followersOf(s.targetRegistry, RegistryRole::Replica))
            want(r, s.targetRepository);
        if (m_options.cacheSample < 0 || cacheRepos.size() < m_options.cacheSample || cacheRepos.contains(s.targetRepository)) {
            cacheRepos.insert(s.targetRepository);
            for (const QString &r : m_plan.followersOf(s.targetRegistry, RegistryRole::Cache))
                want(r, s.targetRepository);
        }
        for (const QString &r : legacy)
            want(r, s.targetRepository);
    }
    m_pending = order;
    emitProgress();
    if (m_listings.isEmpty()) {
        finish();
        return;
    }
    pump();
}

void Scanner::pump()
{
    while (!m_canceled && m_running < m_options.maxParallelListings && !m_pending.isEmpty()) {
        const QString k = m_pending.takeFirst();
        const RepoListing &l = m_listings[k];
        ++m_running;
        m_providers.at(l.registry)->listTagDetails(l.repository, m_group).then(this, [this, k](const Result<TagDetails> &r) {
            onListing(k, r);
        });
    }
    if (m_running == 0 && (m_pending.isEmpty() || m_canceled))
        checkPartials();
}

void Scanner::onListing(const QString &key, const Result<TagDetails> &result)
{
    --m_running;
    RepoListing &l = m_listings[key];
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (result.ok() || result.error.kind == RegistryError::Kind::NotFound) {
        // A repository the registry does not have is a complete, empty listing: its tags
        // are missing, not unknown.
        l.details = result.ok() ? result.value : TagDetails{l.repository, {}, true, {}, {}, 1};
        l.done = true;
        QList<TagObservation> obs;
        obs.reserve(l.details.tags.size());
        for (const TagRecord &t : std::as_const(l.details.tags))
            obs.append(TagObservation{t.name, t.digest, t.mediaType, t.created, t.updated});
        HistoryTables(m_store).applyListing(m_scanId, l.registry, l.repository, obs, l.details.complete, now);
        if (!l.details.complete) {
            m_errors.append(QStringLiteral("%1 %2: incomplete listing: %3").arg(l.registry, l.repository, l.details.incompleteReason));
            HistoryTables(m_store).recordError(m_scanId, l.registry, l.repository, QString(), l.details.incompleteReason);
        }
        for (const QString &e : std::as_const(l.details.errors))
            HistoryTables(m_store).recordError(m_scanId, l.registry, l.repository, e.section(u':', 0, 0), e.section(u':', 1).trimmed());
    } else if (result.error.kind != RegistryError::Kind::Canceled) {
        l.done = true;
        l.failed = true;
        l.error = result.error.toString();
        m_errors.append(QStringLiteral("%1 %2: %3").arg(l.registry, l.repository, l.error));
        HistoryTables(m_store).recordError(m_scanId, l.registry, l.repository, QString(), l.error);
    }
    if (m_liveTimer) {
        // Which target repositories this listing feeds: its own, or those mapped from it.
        for (const ImageSet &s : std::as_const(m_sets))
            if (s.targetRepository == l.repository || (s.sourceRegistry == l.registry && s.sourceRepository == l.repository))
                m_liveDirty.insert(s.targetRepository);
        if (!m_liveTimer->isActive())
            m_liveTimer->start();
    }
    emitProgress();
    pump();
}

void Scanner::emitLiveRows()
{
    if (m_finished || m_liveDirty.isEmpty())
        return;
    QStringList covered;
    const QList<MatrixRow> rows = computeMatrix(&covered, &m_liveDirty);
    // Repositories still waiting for a listing stay dirty for the next batch.
    for (const QString &repo : std::as_const(covered))
        m_liveDirty.remove(repo);
    if (!rows.isEmpty())
        Q_EMIT rowsReady(rows);
}

const RepoListing *Scanner::listing(const QString &registry, const QString &repository) const
{
    const auto it = m_listings.constFind(listingKey(registry, repository));
    return it == m_listings.constEnd() ? nullptr : &*it;
}

void Scanner::checkPartials()
{
    if (m_finished)
        return;
    if (m_canceled || !m_options.writeMatrix) {
        finish();
        return;
    }
    // A target digest that differs from an index at the source may be a subset of its
    // platforms (retagger without --all): compare platform sets, reading each index once.
    struct Pair
    {
        QString sourceRegistry, sourceRepository, sourceDigest, targetRegistry, targetRepository, targetDigest;
    };
    QList<Pair> pairs;
    QSet<QString> seen;
    for (const ImageSet &s : std::as_const(m_sets)) {
        if (s.kind != ImageSet::Kind::Mapping)
            continue;
        const RepoListing *src = listing(s.sourceRegistry, s.sourceRepository);
        const RepoListing *dst = listing(s.targetRegistry, s.targetRepository);
        if (!src || !dst || !src->done || !dst->done || src->failed || dst->failed)
            continue;
        for (const TagRecord &t : src->details.tags) {
            if (t.digest.isEmpty() || !mediatype::isIndexType(t.mediaType) || !s.tags.matches(t.name))
                continue;
            const TagRecord *d = findTag(dst->details, t.name);
            if (!d || d->digest.isEmpty() || d->digest == t.digest)
                continue;
            const QString k = d->digest + u'\n' + t.digest;
            if (seen.contains(k))
                continue;
            seen.insert(k);
            pairs.append({s.sourceRegistry, s.sourceRepository, t.digest, s.targetRegistry, s.targetRepository, d->digest});
        }
    }
    if (pairs.isEmpty()) {
        finish();
        return;
    }
    auto left = std::make_shared<int>(int(pairs.size()));
    for (const Pair &p : std::as_const(pairs)) {
        auto src = m_clients.at(p.sourceRegistry)->getManifest(p.sourceRepository, p.sourceDigest, m_group);
        auto dst = m_clients.at(p.targetRegistry)->getManifest(p.targetRepository, p.targetDigest, m_group);
        src.then(this, [this, p, left, dst](const Result<ManifestFetch> &s) mutable {
            dst.then(this, [this, p, left, s](const Result<ManifestFetch> &d) {
                if (s.ok() && d.ok()) {
                    QSet<QString> sourceChildren;
                    QStringList sourcePlatforms;
                    for (const Descriptor &c : s.value.manifest.children) {
                        sourceChildren.insert(c.digest);
                        if (c.platform && !c.platform->isUnknown())
                            sourcePlatforms << c.platform->toString();
                    }
                    const Manifest &tm = d.value.manifest;
                    QString reason;
                    if (tm.isIndex()) {
                        QStringList missing = sourcePlatforms;
                        bool subset = true;
                        for (const Descriptor &c : tm.children) {
                            if (!sourceChildren.contains(c.digest))
                                subset = false;
                            if (c.platform)
                                missing.removeAll(c.platform->toString());
                        }
                        if (subset && !missing.isEmpty())
                            reason =
                                QStringLiteral("the target lacks %1 of the source's platforms").arg(missing.join(QStringLiteral(", ")));
                    } else if (sourceChildren.contains(p.targetDigest)) {
                        QString platform;
                        for (const Descriptor &c : s.value.manifest.children)
                            if (c.digest == p.targetDigest && c.platform)
                                platform = c.platform->toString();
                        reason = QStringLiteral("the target holds only the %1 image of the source's %2-platform index")
                                     .arg(platform.isEmpty() ? QStringLiteral("single") : platform)
                                     .arg(sourcePlatforms.size());
                    }
                    if (!reason.isEmpty())
                        m_partialOf.insert(p.targetDigest + u'\n' + p.sourceDigest, reason);
                }
                if (--*left == 0)
                    finish();
            });
        });
    }
}

namespace {

// The matrix rules' view of earlier scans, read from the store (one read per listing).
class StoreHistory : public MatrixHistory
{
public:
    explicit StoreHistory(Store &store)
        : m_store(store)
    { }
    TagSeen tagSeen(const QString &registry, const QString &repository, const QString &tag) override
    {
        const QString key = registry + u'\n' + repository;
        auto it = m_current.find(key);
        if (it == m_current.end())
            it = m_current.insert(key, HistoryTables(m_store).currentTags(registry, repository));
        const Observation o = it->value(tag);
        return {o.firstSeen, o.lastSeen};
    }
    QDateTime digestFirstSeen(const QString &registry, const QString &repository, const QString &digest) override
    {
        return HistoryTables(m_store).digestFirstSeen(registry, repository, digest);
    }

private:
    Store &m_store;
    QHash<QString, QHash<QString, Observation>> m_current; // listing key -> tag -> observation
};

} // namespace

QList<MatrixRow> Scanner::computeMatrix(QStringList *coveredRepositories, const QSet<QString> *onlyRepositories)
{
    StoreHistory history(m_store);
    MatrixInput in;
    in.plan = &m_plan;
    in.sets = &m_sets;
    in.listing = [this](const QString &registry, const QString &repository) { return listing(registry, repository); };
    in.partialOf = &m_partialOf;
    in.checkCaches = m_options.checkCaches;
    in.now = QDateTime::currentDateTimeUtc();
    in.history = &history;
    in.onlyRepositories = onlyRepositories;
    MatrixOutput out = buildMatrix(in);
    *coveredRepositories = std::move(out.coveredRepositories);
    return std::move(out.rows);
}

qint64 Scanner::totalRequests() const
{
    qint64 n = 0;
    for (const auto &[name, client] : m_clients)
        n += client->stats().requests;
    return n;
}

void Scanner::emitProgress()
{
    ScanProgress p;
    p.listingsTotal = int(m_listings.size());
    for (const RepoListing &l : std::as_const(m_listings))
        if (l.done)
            ++p.listingsDone;
    p.requests = totalRequests();
    p.errors = m_errors.size();
    const double secs = m_clock.elapsed() / 1000.0;
    p.requestsPerSecond = secs > 0 ? p.requests / secs : 0;
    Q_EMIT progress(p);
}

void Scanner::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_liveTimer)
        m_liveTimer->stop();
    ScanSummary summary;
    summary.scanId = m_scanId;
    summary.interrupted = m_canceled;
    QStringList covered;
    const QList<MatrixRow> rows = m_options.writeMatrix ? computeMatrix(&covered) : QList<MatrixRow>();
    if (m_options.writeMatrix && !MatrixTables(m_store).writeMatrix(m_scanId, rows, covered)) {
        summary.storeFailed = true;
        m_errors.append(QStringLiteral("writing the matrix failed: %1").arg(m_store.lastError()));
    }
    QMap<QString, QMap<QString, int>> counts;
    for (const MatrixRow &r : rows) {
        ++summary.rowsByState[r.state];
        ++counts[QString()][r.state];
        for (auto it = r.cells.begin(); it != r.cells.end(); ++it)
            ++counts[it.key()][it->state];
    }
    if (m_options.writeMatrix && !m_canceled)
        MatrixTables(m_store).recordStateCounts(m_scanId, counts);
    summary.rows = int(rows.size());
    bool allDone = true;
    for (const RepoListing &l : std::as_const(m_listings))
        if (!l.done || l.failed || !l.details.complete)
            allDone = false;
    summary.complete = !m_canceled && allDone && m_errors.isEmpty();
    summary.requests = totalRequests();
    summary.errors = m_errors;
    summary.elapsedMs = m_clock.elapsed();
    QList<RegistryScanStats> registryStats;
    for (const auto &[name, client] : m_clients) {
        const SessionStats st = client->stats();
        if (st.rateLimit.present)
            FigureTables(m_store).recordRateLimit(m_scanId, name, st.rateLimit);
        RegistryScanStats r;
        r.scan = m_scanId;
        r.registry = name;
        r.at = m_startedAt;
        r.requests = st.requests;
        r.answered = st.answered;
        r.failures = st.failures;
        r.retries = st.retries;
        r.pauses = st.pauses;
        r.latencyMsAvg = st.completed > 0 ? st.latencyMsTotal / st.completed : -1;
        for (const RepoListing &l : std::as_const(m_listings)) {
            if (l.registry != name)
                continue;
            ++r.listings;
            if (l.failed) {
                ++r.listingsFailed;
                if (r.firstError.isEmpty())
                    r.firstError = l.repository + QStringLiteral(": ") + l.error;
            }
        }
        for (const QString &e : std::as_const(m_errors))
            if (r.firstError.isEmpty() && (e.startsWith(name + u':') || e.startsWith(name + u' ')))
                r.firstError = e.mid(name.size() + 1).trimmed();
        if (r.requests > 0 || r.listings > 0)
            registryStats << r;
    }
    FigureTables(m_store).recordRegistryStats(registryStats);
    releaseLocks(); // the listings are written
    ScanRecord rec;
    rec.id = m_scanId;
    rec.plan = m_plan.path;
    rec.startedAt = m_startedAt;
    rec.finishedAt = QDateTime::currentDateTimeUtc();
    rec.complete = summary.complete;
    rec.interrupted = m_canceled;
    rec.requests = summary.requests;
    rec.errors = m_errors.size();
    rec.note = m_canceled        ? QStringLiteral("interrupted; what was read is kept")
        : !m_options.writeMatrix ? QStringLiteral("quick round: %1 only").arg(m_options.registries.join(QStringLiteral(", ")))
                                 : QString();
    if (m_waitedForLocks)
        rec.note = (rec.note.isEmpty() ? QString() : rec.note + QStringLiteral("; ")) +
            QStringLiteral("waited for another collector listing the same registries");
    HistoryTables(m_store).finishScan(rec);
    emitProgress();
    Q_EMIT finished(summary);
}

} // namespace ferry
