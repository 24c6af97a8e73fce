// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Charts scans: per chart repository and scan, every version with what each side holds.

#include "parse/semver.h"
#include "store/charttables.h"
#include "store/storeinternal.h"

#include <QHash>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

namespace ferry {

using namespace storesql;

namespace {

ChartScanRecord chartScanFrom(const QSqlQuery &q)
{
    ChartScanRecord r;
    r.id = q.value(0).toLongLong();
    r.at = fromMs(q.value(1));
    r.repository = q.value(2).toString();
    r.indexUrl = q.value(3).toString();
    r.versions = q.value(4).toInt();
    r.error = q.value(5).toString();
    return r;
}

constexpr char kScanColumns[] = "id, at, repository, index_url, versions, error";

} // namespace

qint64 ChartTables::recordChartScan(const ChartScanRecord &scan, const QList<ChartVersionRow> &rows)
{
    Store *store = writable();
    if (!store)
        return 0;
    QSqlDatabase db = store->database();
    qint64 id = 0;
    const bool ok = store->transaction([&] {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO chart_scans(at, repository, index_url, versions, error) VALUES(?,?,?,?,?) RETURNING id"));
        q.addBindValue(ms(scan.at));
        q.addBindValue(scan.repository);
        q.addBindValue(scan.indexUrl);
        q.addBindValue(qint64(rows.size()));
        q.addBindValue(scan.error.isEmpty() ? QVariant() : QVariant(scan.error));
        if (!q.exec() || !q.next()) {
            store->setLastError(q.lastError().text());
            return false;
        }
        id = q.value(0).toLongLong();
        q.prepare(QStringLiteral("INSERT INTO chart_versions(scan, chart, version, state, http_digest, oci_digest, manifest_digest, "
                                 "app_version, created, deprecated, url, reason) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)"));
        for (const ChartVersionRow &r : rows) {
            q.addBindValue(id);
            q.addBindValue(r.chart);
            q.addBindValue(r.version);
            q.addBindValue(r.state);
            q.addBindValue(r.httpDigest);
            q.addBindValue(r.ociDigest);
            q.addBindValue(r.manifestDigest);
            q.addBindValue(r.appVersion);
            q.addBindValue(r.created.isValid() ? QVariant(ms(r.created)) : QVariant());
            q.addBindValue(r.deprecated ? 1 : 0);
            q.addBindValue(r.url);
            q.addBindValue(r.reason);
            if (!q.exec()) {
                store->setLastError(QStringLiteral("%1 %2: %3").arg(r.chart, r.version, q.lastError().text()));
                return false;
            }
        }
        QSqlQuery rq(db);
        rq.prepare(QStringLiteral("INSERT INTO chart_replicas(scan, chart, version, registry, state) VALUES(?,?,?,?,?)"));
        for (const ChartVersionRow &r : rows)
            for (auto it = r.replicas.cbegin(); it != r.replicas.cend(); ++it) {
                rq.addBindValue(id);
                rq.addBindValue(r.chart);
                rq.addBindValue(r.version);
                rq.addBindValue(it.key());
                rq.addBindValue(it.value());
                if (!rq.exec()) {
                    store->setLastError(rq.lastError().text());
                    return false;
                }
            }
        return true;
    });
    return ok ? id : 0;
}

QList<ChartScanRecord> ChartTables::chartScans(const QString &repository) const
{
    QList<ChartScanRecord> out;
    QSqlQuery q(m_store.database());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 FROM chart_scans%2 ORDER BY at, id")
                  .arg(QLatin1String(kScanColumns), repository.isEmpty() ? QString() : QStringLiteral(" WHERE repository = ?")));
    if (!repository.isEmpty())
        q.addBindValue(repository);
    if (!q.exec())
        return out;
    while (q.next())
        out.append(chartScanFrom(q));
    return out;
}

QMap<QString, ChartScanRecord> ChartTables::latestChartScans() const
{
    QMap<QString, ChartScanRecord> out;
    QSqlQuery q(m_store.database());
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT %1 FROM chart_scans s WHERE id = (SELECT id FROM chart_scans t WHERE t.repository = s.repository "
                               "ORDER BY at DESC, id DESC LIMIT 1)")
                    .arg(QLatin1String(kScanColumns))))
        return out;
    while (q.next()) {
        ChartScanRecord r = chartScanFrom(q);
        out.insert(r.repository, r);
    }
    return out;
}

QList<ChartVersionRow> ChartTables::chartVersions(qint64 scanId) const
{
    QList<ChartVersionRow> out;
    QSqlQuery q(m_store.database());
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral("SELECT chart, version, state, http_digest, oci_digest, manifest_digest, app_version, created, deprecated, url, "
                       "reason FROM chart_versions WHERE scan = ? ORDER BY chart, version"));
    q.addBindValue(scanId);
    if (!q.exec())
        return out;
    while (q.next()) {
        ChartVersionRow r;
        r.chart = q.value(0).toString();
        r.version = q.value(1).toString();
        r.state = q.value(2).toString();
        r.httpDigest = q.value(3).toString();
        r.ociDigest = q.value(4).toString();
        r.manifestDigest = q.value(5).toString();
        r.appVersion = q.value(6).toString();
        r.created = q.value(7).isNull() ? QDateTime() : fromMs(q.value(7));
        r.deprecated = q.value(8).toInt() != 0;
        r.url = q.value(9).toString();
        r.reason = q.value(10).toString();
        out.append(r);
    }
    QHash<QString, qsizetype> at; // chart \n version -> index
    for (qsizetype i = 0; i < out.size(); ++i)
        at.insert(out[i].chart + u'\n' + out[i].version, i);
    q.prepare(QStringLiteral("SELECT chart, version, registry, state FROM chart_replicas WHERE scan = ?"));
    q.addBindValue(scanId);
    if (q.exec())
        while (q.next())
            if (const qsizetype i = at.value(q.value(0).toString() + u'\n' + q.value(1).toString(), -1); i >= 0)
                out[i].replicas.insert(q.value(2).toString(), q.value(3).toString());
    // Versions in semver order (1.9.1 before 1.10.0), as the scan compared them.
    std::stable_sort(out.begin(), out.end(), [](const ChartVersionRow &a, const ChartVersionRow &b) {
        return a.chart != b.chart ? a.chart < b.chart : versionLess(a.version, b.version);
    });
    return out;
}

} // namespace ferry
