// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "ops/batchtables.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

namespace ferry {

namespace {

QVariant now()
{
    return storedTime(QDateTime::currentDateTimeUtc());
}

QString placeholders(qsizetype n)
{
    return QStringList(n, QStringLiteral("?")).join(u',');
}

void bind(QSqlQuery &q, std::initializer_list<QVariant> values)
{
    for (const QVariant &v : values)
        q.addBindValue(v);
}

} // namespace

bool BatchTables::failed(const QSqlQuery &q) const
{
    m_store.setLastError(q.lastError().text());
    return false;
}

QVariant BatchTables::text(const QString &s)
{
    return QVariant(s.isNull() ? QStringLiteral("") : s);
}

qint64 BatchTables::insertBatch(const QString &batchSql, const QVariantList &batch, const QString &itemSql, qsizetype items,
                                const std::function<QVariantList(qsizetype)> &itemValues)
{
    QSqlDatabase db = m_store.database();
    qint64 id = 0;
    const bool written = m_store.transaction([&] {
        QSqlQuery q(db);
        q.prepare(batchSql);
        for (const QVariant &v : batch)
            q.addBindValue(v);
        if (!q.exec() || !q.next())
            return failed(q);
        id = q.value(0).toLongLong();
        QSqlQuery item(db);
        item.prepare(itemSql);
        for (qsizetype i = 0; i < items; ++i) {
            item.addBindValue(id);
            for (const QVariant &v : itemValues(i))
                item.addBindValue(v);
            if (!item.exec())
                return failed(item);
        }
        m_store.notifyChanged(QStringLiteral("%1 %2").arg(m_kind.name).arg(id)); // with the commit
        return true;
    });
    return written ? id : 0;
}

bool BatchTables::readBatch(qint64 id, const QString &batchColumns, const QString &itemColumns,
                            const std::function<void(const QSqlQuery &)> &onBatch,
                            const std::function<void(const QSqlQuery &)> &onItem) const
{
    QSqlDatabase db = m_store.database();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM %2 WHERE id=?").arg(batchColumns, table("batches")));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return false;
    onBatch(q);
    q.finish();
    QSqlQuery i(db);
    i.setForwardOnly(true);
    i.prepare(QStringLiteral("SELECT %1 FROM %2 WHERE batch=? ORDER BY seq").arg(itemColumns, table("items")));
    i.addBindValue(id);
    i.exec();
    while (i.next())
        onItem(i);
    return true;
}

void BatchTables::readBatches(const QString &batchColumns, const QString &figures,
                              const std::function<void(const QSqlQuery &, const QVariantList &)> &onBatch) const
{
    QSqlDatabase db = m_store.database();
    QHash<qint64, QVariantList> byBatch;
    {
        QSqlQuery c(db);
        c.setForwardOnly(true);
        c.exec(QStringLiteral("SELECT batch, %1 FROM %2 GROUP BY batch").arg(figures, table("items")));
        const int columns = c.record().count();
        while (c.next()) {
            QVariantList row;
            for (int n = 1; n < columns; ++n)
                row << c.value(n);
            byBatch.insert(c.value(0).toLongLong(), row);
        }
    }
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.exec(QStringLiteral("SELECT %1 FROM %2 ORDER BY id").arg(batchColumns, table("batches")));
    while (q.next())
        onBatch(q, byBatch.value(q.value(0).toLongLong()));
}

bool BatchTables::decide(qint64 id, const QString &status, const QString &actor, const QString &hash, const QString &comment,
                         const QStringList &from, const QList<QPair<QString, QVariant>> &extra)
{
    QSqlDatabase db = m_store.database();
    return m_store.transaction([&] {
        QString columns;
        for (const auto &[column, value] : extra)
            columns += QStringLiteral(", %1=?").arg(column);
        QSqlQuery q(db);
        q.prepare(QStringLiteral("UPDATE %1 SET status=?, decided_by=?, decided_at=?, decided_hash=?, comment=?%2 "
                                 "WHERE id=? AND hash=? AND status IN (%3)")
                      .arg(table("batches"), columns, placeholders(from.size())));
        bind(q, {QVariant(status), QVariant(actor), now(), QVariant(hash), text(comment)});
        for (const auto &[column, value] : extra)
            q.addBindValue(value.typeId() == QMetaType::QString ? text(value.toString()) : value);
        bind(q, {QVariant(id), QVariant(hash)});
        for (const QString &f : from)
            q.addBindValue(f);
        if (!q.exec())
            return failed(q);
        if (q.numRowsAffected() != 1) {
            m_store.setLastError(
                QStringLiteral("%1 %2 changed meanwhile (decided or executed elsewhere); show it again").arg(m_kind.label).arg(id));
            return false;
        }
        m_store.notifyChanged(QStringLiteral("%1 %2").arg(m_kind.name).arg(id));
        return true;
    });
}

bool BatchTables::setStatusIf(qint64 id, const QString &status, const QStringList &from)
{
    QSqlDatabase db = m_store.database();
    return m_store.transaction([&] {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("UPDATE %1 SET status=? WHERE id=? AND status IN (%2)").arg(table("batches"), placeholders(from.size())));
        bind(q, {QVariant(status), QVariant(id)});
        for (const QString &f : from)
            q.addBindValue(f);
        if (!q.exec() || q.numRowsAffected() != 1)
            return false;
        m_store.notifyChanged(QStringLiteral("%1 %2").arg(m_kind.name).arg(id));
        return true;
    });
}

bool BatchTables::setStatus(qint64 id, const QString &status)
{
    QSqlDatabase db = m_store.database();
    return m_store.transaction([&] {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("UPDATE %1 SET status=? WHERE id=?").arg(table("batches")));
        bind(q, {QVariant(status), QVariant(id)});
        if (!q.exec())
            return failed(q);
        m_store.notifyChanged(QStringLiteral("%1 %2").arg(m_kind.name).arg(id));
        return true;
    });
}

qint64 BatchTables::beginRun(qint64 batch, bool dryRun, const QString &actor)
{
    QSqlDatabase db = m_store.database();
    qint64 id = 0;
    m_store.transaction([&] {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO %1(batch, dry_run, actor, started_at, status) VALUES(?,?,?,?,'running') RETURNING id")
                      .arg(table("runs")));
        bind(q, {QVariant(batch), QVariant(dryRun ? 1 : 0), text(actor), now()});
        if (!q.exec() || !q.next())
            return failed(q);
        id = q.value(0).toLongLong();
        return true;
    });
    return id;
}

bool BatchTables::finishRun(qint64 run, const QString &status, const QString &summary)
{
    QSqlDatabase db = m_store.database();
    return m_store.transaction([&] {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("UPDATE %1 SET finished_at=?, status=?, summary=? WHERE id=?").arg(table("runs")));
        bind(q, {now(), QVariant(status), text(summary), QVariant(run)});
        return q.exec() || failed(q);
    });
}

QList<BatchRun> BatchTables::runs(qint64 batch) const
{
    QList<BatchRun> out;
    QSqlQuery q(m_store.database());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT id, batch, dry_run, actor, started_at, finished_at, status, summary FROM %1 %2 ORDER BY id")
                  .arg(table("runs"), batch ? QStringLiteral("WHERE batch=?") : QString()));
    if (batch)
        q.addBindValue(batch);
    q.exec();
    while (q.next())
        out.append({q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toBool(), q.value(3).toString(), timeFromStore(q.value(4)),
                    timeFromStore(q.value(5)), q.value(6).toString(), q.value(7).toString()});
    return out;
}

bool BatchTables::journal(qint64 run, bool dryRun, qint64 batch, int seq, const QString &state, int httpStatus, const QString &message)
{
    QSqlDatabase db = m_store.database();
    return m_store.transaction([&] {
        const QVariant at = now();
        QSqlQuery q(db);
        q.prepare(
            QStringLiteral("INSERT INTO %1(run, batch, seq, at, state, http_status, message) VALUES(?,?,?,?,?,?,?)").arg(table("journal")));
        bind(q, {QVariant(run), QVariant(batch), QVariant(seq), at, QVariant(state), QVariant(httpStatus), text(message)});
        if (!q.exec())
            return failed(q);
        if (dryRun)
            return true;
        QSqlQuery u(db);
        u.prepare(QStringLiteral("UPDATE %1 SET state=?, %2=?, http_status=?, updated_at=? WHERE batch=? AND seq=?")
                      .arg(table("items"), m_kind.itemMessageColumn));
        bind(u, {QVariant(state), text(message), QVariant(httpStatus), at, QVariant(batch), QVariant(seq)});
        if (!u.exec())
            return failed(u);
        if (u.numRowsAffected() != 1) {
            m_store.setLastError(QStringLiteral("%1 %2 has no item %3").arg(m_kind.label).arg(batch).arg(seq));
            return false;
        }
        m_store.notifyChanged(QStringLiteral("%1 %2").arg(m_kind.name).arg(batch));
        return true;
    });
}

bool BatchTables::journalNote(qint64 run, qint64 batch, const QString &message)
{
    QSqlDatabase db = m_store.database();
    return m_store.transaction([&] {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO %1(run, batch, seq, at, state, http_status, message) VALUES(?,?,0,?,'note',0,?)")
                      .arg(table("journal")));
        bind(q, {QVariant(run), QVariant(batch), now(), text(message)});
        return q.exec() || failed(q);
    });
}

QList<JournalEntry> BatchTables::journalOf(qint64 batch) const
{
    QList<JournalEntry> out;
    QSqlQuery q(m_store.database());
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral("SELECT run, batch, seq, at, state, http_status, message FROM %1 WHERE batch=? ORDER BY id").arg(table("journal")));
    q.addBindValue(batch);
    q.exec();
    while (q.next())
        out.append({q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toInt(), timeFromStore(q.value(3)), q.value(4).toString(),
                    q.value(5).toInt(), q.value(6).toString()});
    return out;
}

bool BatchTables::audit(const QString &actor, const QString &action, qint64 batch, const QString &detail)
{
    QSqlDatabase db = m_store.database();
    return m_store.transaction([&] {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO audit_log(at, actor, action, batch, detail, kind) VALUES(?,?,?,?,?,?)"));
        bind(q,
             {now(), text(actor), QVariant(action), batch ? QVariant(batch) : QVariant(QMetaType::fromType<qint64>()), text(detail),
              QVariant(m_kind.name)});
        return q.exec() || failed(q);
    });
}

QList<AuditEntry> BatchTables::auditLog(bool onlyThisKind) const
{
    QList<AuditEntry> out;
    QSqlQuery q(m_store.database());
    q.setForwardOnly(true);
    // Lines written before the log named kinds are the cleanup's: it was the only kind then.
    q.prepare(QStringLiteral("SELECT at, actor, action, batch, detail, COALESCE(kind, 'cleanup') FROM audit_log %1 ORDER BY id")
                  .arg(onlyThisKind ? QStringLiteral("WHERE COALESCE(kind, 'cleanup')=?") : QString()));
    if (onlyThisKind)
        q.addBindValue(m_kind.name);
    q.exec();
    while (q.next())
        out.append({timeFromStore(q.value(0)), q.value(1).toString(), q.value(2).toString(), q.value(3).toLongLong(), q.value(4).toString(),
                    q.value(5).toString()});
    return out;
}

} // namespace ferry
