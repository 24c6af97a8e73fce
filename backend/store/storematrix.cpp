// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The sync matrix as the last scan left it, and the counts by state per scan.

#include "store/matrixtables.h"
#include "store/store.h"
#include "store/storeinternal.h"

#include <QCryptographicHash>
#include <QSet>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>

#include <cstring>

#include <sqlite3.h>

namespace ferry {

using namespace storesql;

namespace {

// What a row shows, hashed: a re-scan compares hashes instead of reading every cell back.
qint64 contentHash(const MatrixRow &r)
{
    QCryptographicHash h(QCryptographicHash::Sha1);
    auto add = [&h](const QString &s) {
        h.addData(s.toUtf8());
        h.addData(QByteArrayView("\x1f", 1));
    };
    add(r.state);
    add(r.reason);
    add(r.inPlan ? QStringLiteral("1") : QStringLiteral("0"));
    for (auto it = r.cells.constBegin(); it != r.cells.constEnd(); ++it) {
        add(it.key());
        add(it->digest);
        add(it->state);
        add(it->reason);
        add(it->mediaType);
        // An invalid QDateTime asks the local time zone (a stat of /etc/localtime) each time.
        add(it->firstSeen.isValid() ? QString::number(it->firstSeen.toMSecsSinceEpoch()) : QString());
        add(it->lastSeen.isValid() ? QString::number(it->lastSeen.toMSecsSinceEpoch()) : QString());
    }
    const QByteArray d = h.result();
    qint64 v = 0;
    memcpy(&v, d.constData(), sizeof v);
    return v;
}

// A row's cells in one column: a million-row matrix is then read with a million rows,
// not four million, and stored once. Fields are separated by U+001F, cells by U+001E;
// neither occurs in registry names, digests, states or the reasons Ferry writes.
QString encodeCells(const QMap<QString, MatrixCell> &cells)
{
    QString out(QStringLiteral("")); // not null: a row without cells is stored as '' (the column is NOT NULL)
    for (auto it = cells.constBegin(); it != cells.constEnd(); ++it) {
        if (!out.isEmpty())
            out += QChar(0x1e);
        const MatrixCell &c = *it;
        out += it.key() + QChar(0x1f) + c.state + QChar(0x1f) + c.digest + QChar(0x1f) +
            QString(c.reason).remove(QChar(0x1e)).remove(QChar(0x1f)) + QChar(0x1f) + c.mediaType + QChar(0x1f) +
            (c.firstSeen.isValid() ? QString::number(c.firstSeen.toMSecsSinceEpoch()) : QString()) + QChar(0x1f) +
            (c.lastSeen.isValid() ? QString::number(c.lastSeen.toMSecsSinceEpoch()) : QString());
    }
    return out;
}

QMap<QString, MatrixCell> decodeCells(QStringView text)
{
    QMap<QString, MatrixCell> out;
    if (text.isEmpty())
        return out;
    for (QStringView cell : text.split(QChar(0x1e))) {
        const auto f = cell.split(QChar(0x1f));
        if (f.size() < 7)
            continue;
        MatrixCell c;
        c.state = f[1].toString();
        c.digest = f[2].toString();
        c.reason = f[3].toString();
        c.mediaType = f[4].toString();
        if (!f[5].isEmpty())
            c.firstSeen = QDateTime::fromMSecsSinceEpoch(f[5].toLongLong(), QTimeZone::utc());
        if (!f[6].isEmpty())
            c.lastSeen = QDateTime::fromMSecsSinceEpoch(f[6].toLongLong(), QTimeZone::utc());
        out.insert(f[0].toString(), c);
    }
    return out;
}

} // namespace

QList<MatrixRow> MatrixTables::matrix() const
{
    QList<MatrixRow> rows;
    forEachMatrixRow([&rows](MatrixRow &&r) {
        rows.append(std::move(r));
        return true;
    });
    return rows;
}

qint64 MatrixTables::forEachMatrixRow(const std::function<bool(MatrixRow &&)> &visit) const
{
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.setForwardOnly(true);
    q.exec(QStringLiteral("SELECT repository, tag, state, reason, in_plan, cells FROM matrix ORDER BY repository, tag"));
    qint64 n = 0;
    while (q.next()) {
        MatrixRow r;
        r.repository = q.value(0).toString();
        r.tag = q.value(1).toString();
        r.state = q.value(2).toString();
        r.reason = q.value(3).toString();
        r.inPlan = q.value(4).toBool();
        r.cells = decodeCells(q.value(5).toString());
        ++n;
        if (!visit(std::move(r)))
            break;
    }
    return n;
}

std::optional<MatrixRow> MatrixTables::matrixRow(const QString &repository, const QString &tag) const
{
    if (!m_store.m_matrixRowQuery) {
        m_store.m_matrixRowQuery = std::make_unique<QSqlQuery>(QSqlDatabase::database(m_store.m_connection));
        m_store.m_matrixRowQuery->setForwardOnly(true);
        m_store.m_matrixRowQuery->prepare(
            QStringLiteral("SELECT state, reason, in_plan, cells FROM matrix WHERE repository = ? AND tag = ?"));
    }
    QSqlQuery &q = *m_store.m_matrixRowQuery;
    q.bindValue(0, repository);
    q.bindValue(1, tag);
    if (!q.exec() || !q.next()) {
        q.finish();
        return std::nullopt;
    }
    MatrixRow r;
    r.repository = repository;
    r.tag = tag;
    r.state = q.value(0).toString();
    r.reason = q.value(1).toString();
    r.inPlan = q.value(2).toBool();
    r.cells = decodeCells(q.value(3).toString());
    q.finish(); // no read left open between calls (a writer would wait for it)
    return r;
}

qint64 MatrixTables::forEachRawMatrixRow(const std::function<bool(const RawMatrixRow &)> &visit) const
{
    const QVariant handle = QSqlDatabase::database(m_store.m_connection).driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return -1;
    sqlite3 *db = *static_cast<sqlite3 *const *>(handle.constData());
    if (!db)
        return -1;
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT repository, tag, state, reason, in_plan, cells FROM matrix ORDER BY repository, tag", -1, &stmt,
                           nullptr) != SQLITE_OK)
        return -1;
    auto text = [stmt](int column) {
        const unsigned char *p = sqlite3_column_text(stmt, column); // before _bytes, as SQLite asks
        const int bytes = sqlite3_column_bytes(stmt, column);
        return p ? QByteArrayView(p, bytes) : QByteArrayView();
    };
    qint64 n = 0;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        RawMatrixRow r;
        r.repository = text(0);
        r.tag = text(1);
        r.state = text(2);
        r.reason = text(3);
        r.inPlan = sqlite3_column_int(stmt, 4) != 0;
        r.cells = text(5);
        ++n;
        if (!visit(r))
            break;
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

qint64 MatrixTables::matrixRowCount() const
{
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    return q.exec(QStringLiteral("SELECT COUNT(*) FROM matrix")) && q.next() ? q.value(0).toLongLong() : 0;
}

bool MatrixTables::writeMatrix(qint64 scanId, const QList<MatrixRow> &rows, const QStringList &repositoriesCovered)
{
    Store *w = writable();
    if (!w)
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_store.m_connection);
    // Only the keys and hashes of what is there: rows whose hash is the same are not touched.
    QHash<QString, qint64> existing;
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.exec(QStringLiteral("SELECT repository, tag, content_hash FROM matrix"));
        while (q.next())
            existing.insert(key(q.value(0).toString(), q.value(1).toString()), q.value(2).toLongLong());
    }
    if (!w->begin())
        return false;
    QSqlQuery upRow(db), delRow(db);
    upRow.prepare(QStringLiteral("INSERT INTO matrix(repository, tag, state, reason, in_plan, updated_scan, content_hash, cells) "
                                 "VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(repository, tag) DO UPDATE SET state=excluded.state, "
                                 "reason=excluded.reason, in_plan=excluded.in_plan, updated_scan=excluded.updated_scan, "
                                 "content_hash=excluded.content_hash, cells=excluded.cells"));
    delRow.prepare(QStringLiteral("DELETE FROM matrix WHERE repository=? AND tag=?"));
    QSet<QString> written;
    written.reserve(rows.size());
    bool ok = true;
    for (const MatrixRow &r : rows) {
        const QString k = key(r.repository, r.tag);
        written.insert(k);
        const qint64 hash = contentHash(r);
        const auto it = existing.constFind(k);
        if (it != existing.constEnd() && *it == hash)
            continue; // unchanged: no write at all
        upRow.addBindValue(r.repository);
        upRow.addBindValue(r.tag);
        upRow.addBindValue(r.state);
        upRow.addBindValue(r.reason);
        upRow.addBindValue(r.inPlan ? 1 : 0);
        upRow.addBindValue(scanId);
        upRow.addBindValue(hash);
        upRow.addBindValue(encodeCells(r.cells));
        ok = ok && upRow.exec();
    }
    const QSet<QString> covered(repositoriesCovered.begin(), repositoriesCovered.end());
    for (auto it = existing.constBegin(); it != existing.constEnd(); ++it) {
        if (written.contains(it.key()))
            continue;
        const QString repository = it.key().section(u'\n', 0, 0);
        if (!covered.contains(repository))
            continue;
        const QString tag = it.key().section(u'\n', 1);
        delRow.addBindValue(repository);
        delRow.addBindValue(tag);
        delRow.exec();
    }
    if (!ok) {
        w->m_lastError = upRow.lastError().text();
        w->rollback();
        return false;
    }
    w->notifyChanged(QStringLiteral("matrix %1").arg(scanId)); // sent with the commit
    return w->commit();
}

bool MatrixTables::recordStateCounts(qint64 scanId, const QMap<QString, QMap<QString, int>> &counts)
{
    Store *w = writable();
    if (!w)
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_store.m_connection);
    return w->transaction([&] {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO scan_state_counts(scan, registry, state, count) VALUES(?,?,?,?)"));
        for (auto r = counts.begin(); r != counts.end(); ++r) {
            for (auto s = r->begin(); s != r->end(); ++s) {
                q.addBindValue(scanId);
                q.addBindValue(r.key().isNull() ? QStringLiteral("") : r.key());
                q.addBindValue(s.key());
                q.addBindValue(s.value());
                if (!q.exec())
                    return false;
            }
        }
        return true;
    });
}

QList<StateCountPoint> MatrixTables::stateCountHistory(const QDateTime &since) const
{
    QList<StateCountPoint> out;
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral("SELECT c.scan, s.started_at, c.registry, c.state, c.count FROM scan_state_counts c JOIN scans s ON s.id = c.scan "
                       "WHERE s.started_at >= ? ORDER BY c.scan"));
    q.addBindValue(since.isValid() ? since.toMSecsSinceEpoch() : qint64(0));
    q.exec();
    while (q.next()) {
        if (out.isEmpty() || out.last().scan != q.value(0).toLongLong())
            out.append(StateCountPoint{q.value(0).toLongLong(), fromMs(q.value(1)), {}});
        out.last().counts[q.value(2).toString()][q.value(3).toString()] = q.value(4).toInt();
    }
    return out;
}

} // namespace ferry
