// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The plan's registries and what each scan measured of them: requests, failures, rate limits.

#include "store/figuretables.h"
#include "store/store.h"
#include "store/storeinternal.h"

#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

namespace ferry {

using namespace storesql;

bool FigureTables::recordRegistries(const QList<RegistryRecord> &registries)
{
    Store *w = writable();
    if (!w)
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_store.m_connection);
    return w->transaction([&] {
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
                w->m_lastError = q.lastError().text();
                return false;
            }
        }
        return true;
    });
}

QList<RegistryRecord> FigureTables::registries() const
{
    QList<RegistryRecord> out;
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.setForwardOnly(true);
    q.exec(QStringLiteral("SELECT name, role, of, lag_slo FROM plan_registries ORDER BY name"));
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toLongLong()});
    return out;
}

QList<RateLimitRecord> FigureTables::rateLimits(const QDateTime &since) const
{
    QList<RateLimitRecord> out;
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
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

bool FigureTables::recordRegistryStats(const QList<RegistryScanStats> &stats)
{
    Store *w = writable();
    if (!w)
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_store.m_connection);
    return w->transaction([&] {
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
                w->m_lastError = q.lastError().text();
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

QList<RegistryScanStats> FigureTables::latestRegistryStats() const
{
    QList<RegistryScanStats> out;
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.setForwardOnly(true);
    q.exec(QStringLiteral(
               "SELECT %1 FROM scan_registry_stats s WHERE scan = (SELECT MAX(scan) FROM scan_registry_stats WHERE registry = s.registry) "
               "ORDER BY registry")
               .arg(QLatin1String(kRegistryStatsColumns)));
    while (q.next())
        out.append(registryStatsFrom(q));
    return out;
}

QList<RegistryScanStats> FigureTables::registryStatsHistory(const QString &registry, const QDateTime &since) const
{
    QList<RegistryScanStats> out;
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
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

bool FigureTables::recordRateLimit(qint64 scanId, const QString &registry, const RateLimitReading &r)
{
    Store *w = writable();
    if (!w)
        return false;
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
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

} // namespace ferry
