// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The clients' topic: burn-down counts, references scans and their holds.

#include "store/clienttables.h"
#include "store/storeinternal.h"

#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

namespace ferry {

using namespace storesql;

bool ClientTables::recordClientCounts(const QList<ClientCount> &counts)
{
    Store *store = writable();
    if (!store)
        return false;
    QSqlDatabase db = store->database();
    return store->transaction([&] {
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
                store->setLastError(q.lastError().text());
                return false;
            }
        }
        return true;
    });
}

QList<ClientCount> ClientTables::clientCountHistory(const QDateTime &since) const
{
    QList<ClientCount> out;
    QSqlQuery q(m_store.database());
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

bool ClientTables::recordRefsScan(const RefsScanInfo &scan, const QList<ReferenceHold> &holds, qint64 *id)
{
    Store *store = writable();
    if (!store)
        return false;
    QSqlDatabase db = store->database();
    qint64 written = 0;
    const bool ok = store->transaction([&] {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO refs_scans(at, clusters, refs, holds) VALUES(?,?,?,?) RETURNING id"));
        q.addBindValue(ms(scan.at));
        q.addBindValue(scan.clusters.isNull() ? QStringLiteral("") : scan.clusters);
        q.addBindValue(scan.references);
        q.addBindValue(int(holds.size()));
        if (!q.exec() || !q.next()) {
            store->setLastError(q.lastError().text());
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
                store->setLastError(h.lastError().text());
                return false;
            }
        }
        QSqlQuery prune(db);
        prune.prepare(QStringLiteral("DELETE FROM refs_holds WHERE scan <= ?"));
        prune.addBindValue(written - kRefsScansKept);
        if (!prune.exec()) {
            store->setLastError(prune.lastError().text());
            return false;
        }
        store->notifyChanged(QStringLiteral("refs %1").arg(written));
        return true;
    });
    if (ok && id)
        *id = written;
    return ok;
}

std::optional<RefsScanInfo> ClientTables::lastRefsScan() const
{
    QSqlQuery q(m_store.database());
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT id, at, clusters, refs, holds FROM refs_scans ORDER BY id DESC LIMIT 1")) || !q.next())
        return std::nullopt;
    return RefsScanInfo{q.value(0).toLongLong(), fromMs(q.value(1)), q.value(2).toString(), q.value(3).toInt(), q.value(4).toInt()};
}

QList<ReferenceHold> ClientTables::referenceHolds(const QString &registry, const QString &repository, qint64 scan) const
{
    QList<ReferenceHold> out;
    if (scan == 0) {
        const auto last = lastRefsScan();
        if (!last)
            return out;
        scan = last->id;
    }
    QSqlQuery q(m_store.database());
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
