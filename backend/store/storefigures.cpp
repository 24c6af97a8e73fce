// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The plan's registries and what each scan measured of them: requests, failures, rate limits.

#include "store/store.h"
#include "store/storeinternal.h"

#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

namespace ferry {

using namespace storesql;

bool Store::recordRegistries(const QList<RegistryRecord> &registries)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    return transaction([&] {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO plan_registries(name, role, of, lag_slo, updated_at) VALUES(?,?,?,?,?) "
                                 "ON CONFLICT(name) DO UPDATE SET role=excluded.role, of=excluded.of, lag_slo=excluded.lag_slo, "
                                 "updated_at=excluded.updated_at"));
        const qint64 now = QDateTime::currentDateTimeUtc().toMSecsSinceEpoch();
        for (const RegistryRecord &r : registries) {
            q.addBindValue(r.name);
            q.addBindValue(r.role);
            q.addBindValue(r.of);
            q.addBindValue(r.lagSloSeconds);
            q.addBindValue(now);
            if (!q.exec()) {
                m_lastError = q.lastError().text();
                return false;
            }
        }
        return true;
    });
}

QList<RegistryRecord> Store::registries() const
{
    QList<RegistryRecord> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.exec(QStringLiteral("SELECT name, role, of, lag_slo FROM plan_registries ORDER BY name"));
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toLongLong()});
    return out;
}

QList<RateLimitRecord> Store::rateLimits(const QDateTime &since) const
{
    QList<RateLimitRecord> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
        "SELECT scan, registry, at, rate_limit, remaining, window_seconds, source FROM rate_limits WHERE at >= ? ORDER BY at"));
    q.addBindValue(since.isValid() ? since.toMSecsSinceEpoch() : qint64(0));
    q.exec();
    while (q.next())
        out.append({q.value(0).toLongLong(), q.value(1).toString(), fromMs(q.value(2)), q.value(3).toInt(), q.value(4).toInt(),
                    q.value(5).toInt(), q.value(6).toString()});
    return out;
}

bool Store::recordRegistryStats(const QList<RegistryScanStats> &stats)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    return transaction([&] {
        QSqlQuery q(db);
        q.prepare(
            QStringLiteral("INSERT INTO scan_registry_stats(scan, registry, at, requests, answered, failures, retries, pauses, "
                           "latency_ms_avg, listings, listings_failed, first_error) VALUES(?,?,?,?,?,?,?,?,?,?,?,?) "
                           "ON CONFLICT(scan, registry) DO UPDATE SET at=excluded.at, requests=excluded.requests, "
                           "answered=excluded.answered, failures=excluded.failures, retries=excluded.retries, pauses=excluded.pauses, "
                           "latency_ms_avg=excluded.latency_ms_avg, listings=excluded.listings, listings_failed=excluded.listings_failed, "
                           "first_error=excluded.first_error"));
        for (const RegistryScanStats &r : stats) {
            for (const QVariant &v :
                 {QVariant(r.scan), QVariant(r.registry), ms(r.at), QVariant(r.requests), QVariant(r.answered), QVariant(r.failures),
                  QVariant(r.retries), QVariant(r.pauses), QVariant(r.latencyMsAvg), QVariant(r.listings), QVariant(r.listingsFailed),
                  r.firstError.isEmpty() ? QVariant() : QVariant(r.firstError)})
                q.addBindValue(v);
            if (!q.exec()) {
                m_lastError = q.lastError().text();
                return false;
            }
        }
        return true;
    });
}

static const char kRegistryStatsColumns[] =
    "scan, registry, at, requests, answered, failures, retries, pauses, latency_ms_avg, listings, listings_failed, first_error";

static RegistryScanStats registryStatsFrom(const QSqlQuery &q)
{
    RegistryScanStats r;
    r.scan = q.value(0).toLongLong();
    r.registry = q.value(1).toString();
    r.at = fromMs(q.value(2));
    r.requests = q.value(3).toLongLong();
    r.answered = q.value(4).toLongLong();
    r.failures = q.value(5).toLongLong();
    r.retries = q.value(6).toLongLong();
    r.pauses = q.value(7).toLongLong();
    r.latencyMsAvg = q.value(8).toLongLong();
    r.listings = q.value(9).toInt();
    r.listingsFailed = q.value(10).toInt();
    r.firstError = q.value(11).toString();
    return r;
}

QList<RegistryScanStats> Store::latestRegistryStats() const
{
    QList<RegistryScanStats> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.exec(QStringLiteral(
               "SELECT %1 FROM scan_registry_stats s WHERE scan = (SELECT MAX(scan) FROM scan_registry_stats WHERE registry = s.registry) "
               "ORDER BY registry")
               .arg(QLatin1String(kRegistryStatsColumns)));
    while (q.next())
        out.append(registryStatsFrom(q));
    return out;
}

QList<RegistryScanStats> Store::registryStatsHistory(const QString &registry, const QDateTime &since) const
{
    QList<RegistryScanStats> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 FROM scan_registry_stats WHERE registry = ? AND at >= ? ORDER BY scan")
                  .arg(QLatin1String(kRegistryStatsColumns)));
    q.addBindValue(registry);
    q.addBindValue(since.isValid() ? since.toMSecsSinceEpoch() : qint64(0));
    q.exec();
    while (q.next())
        out.append(registryStatsFrom(q));
    return out;
}

bool Store::recordRateLimit(qint64 scanId, const QString &registry, const RateLimitReading &r)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(
        QStringLiteral("INSERT INTO rate_limits(scan, registry, at, rate_limit, remaining, window_seconds, source) VALUES(?,?,?,?,?,?,?)"));
    q.addBindValue(scanId);
    q.addBindValue(registry);
    q.addBindValue(ms(r.observedAt));
    q.addBindValue(r.limit);
    q.addBindValue(r.remaining);
    q.addBindValue(r.windowSeconds);
    q.addBindValue(r.source);
    return q.exec();
}

bool Store::recordClientCounts(const QList<ClientCount> &counts)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    return transaction([&] {
        QSqlQuery q(db);
        q.prepare(
            QStringLiteral("INSERT INTO client_counts(at, cluster, registry, refs, switch_ready) VALUES(?,?,?,?,?) "
                           "ON CONFLICT(at, cluster, registry) DO UPDATE SET refs=excluded.refs, switch_ready=excluded.switch_ready"));
        for (const ClientCount &c : counts) {
            q.addBindValue(ms(c.at));
            q.addBindValue(c.cluster);
            q.addBindValue(c.registry);
            q.addBindValue(c.references);
            q.addBindValue(c.switchReady);
            if (!q.exec()) {
                m_lastError = q.lastError().text();
                return false;
            }
        }
        return true;
    });
}

QList<ClientCount> Store::clientCountHistory(const QDateTime &since) const
{
    QList<ClientCount> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral("SELECT at, cluster, registry, refs, switch_ready FROM client_counts WHERE at >= ? ORDER BY at, cluster, registry"));
    q.addBindValue(since.isValid() ? ms(since) : QVariant(qint64(0)));
    if (!q.exec())
        return out;
    while (q.next())
        out.append(ClientCount{fromMs(q.value(0)), q.value(1).toString(), q.value(2).toString(), q.value(3).toInt(), q.value(4).toInt()});
    return out;
}

QString ReferenceHold::text() const
{
    const QString where = QStringLiteral("%1, %2:%3").arg(cluster, QFileInfo(file).fileName()).arg(line);
    if (kind == u"runs")
        return QStringLiteral("runs in %1").arg(where);
    if (kind == u"pins")
        return QStringLiteral("pinned in %1").arg(where);
    return QStringLiteral("tag '%1' is named in %2").arg(value, where);
}

namespace {
// The references scans whose holds are kept: the last, and a few before it for a look back.
constexpr int kRefsScansKept = 5;
} // namespace

bool Store::recordRefsScan(const RefsScanInfo &scan, const QList<ReferenceHold> &holds, qint64 *id)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    qint64 written = 0;
    const bool ok = transaction([&] {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO refs_scans(at, clusters, refs, holds) VALUES(?,?,?,?) RETURNING id"));
        q.addBindValue(ms(scan.at));
        q.addBindValue(scan.clusters.isNull() ? QStringLiteral("") : scan.clusters);
        q.addBindValue(scan.references);
        q.addBindValue(int(holds.size()));
        if (!q.exec() || !q.next()) {
            m_lastError = q.lastError().text();
            return false;
        }
        written = q.value(0).toLongLong();
        q.finish();
        QSqlQuery h(db);
        h.prepare(
            QStringLiteral("INSERT INTO refs_holds(scan, registry, repository, kind, value, cluster, file, line) VALUES(?,?,?,?,?,?,?,?)"));
        for (const ReferenceHold &r : holds) {
            for (const QVariant &v : {QVariant(written), QVariant(r.registry), QVariant(r.repository), QVariant(r.kind), QVariant(r.value),
                                      QVariant(r.cluster.isNull() ? QStringLiteral("") : r.cluster),
                                      QVariant(r.file.isNull() ? QStringLiteral("") : r.file), QVariant(r.line)})
                h.addBindValue(v);
            if (!h.exec()) {
                m_lastError = h.lastError().text();
                return false;
            }
        }
        QSqlQuery prune(db);
        prune.prepare(QStringLiteral("DELETE FROM refs_holds WHERE scan <= ?"));
        prune.addBindValue(written - kRefsScansKept);
        if (!prune.exec()) {
            m_lastError = prune.lastError().text();
            return false;
        }
        notifyChanged(QStringLiteral("refs %1").arg(written));
        return true;
    });
    if (ok && id)
        *id = written;
    return ok;
}

std::optional<RefsScanInfo> Store::lastRefsScan() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT id, at, clusters, refs, holds FROM refs_scans ORDER BY id DESC LIMIT 1")) || !q.next())
        return std::nullopt;
    return RefsScanInfo{q.value(0).toLongLong(), fromMs(q.value(1)), q.value(2).toString(), q.value(3).toInt(), q.value(4).toInt()};
}

QList<ReferenceHold> Store::referenceHolds(const QString &registry, const QString &repository, qint64 scan) const
{
    QList<ReferenceHold> out;
    if (scan == 0) {
        const auto last = lastRefsScan();
        if (!last)
            return out;
        scan = last->id;
    }
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT kind, value, cluster, file, line FROM refs_holds WHERE scan=? AND registry=? AND repository=? "
                             "ORDER BY kind, value, cluster, file, line"));
    q.addBindValue(scan);
    q.addBindValue(registry);
    q.addBindValue(repository);
    if (!q.exec())
        return out;
    while (q.next())
        out.append(ReferenceHold{registry, repository, q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                                 q.value(3).toString(), q.value(4).toInt()});
    return out;
}

} // namespace ferry
