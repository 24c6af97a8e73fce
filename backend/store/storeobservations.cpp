// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// What each listing showed: tag history, digests, changes.

#include "store/historytables.h"
#include "store/store.h"
#include "store/storeinternal.h"

#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

namespace ferry {

using namespace storesql;

QHash<QString, Observation> HistoryTables::currentTags(const QString &registry, const QString &repository) const
{
    QHash<QString, Observation> out;
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT tag, digest, media_type, first_seen, last_seen, registry_created, registry_updated FROM observations "
                             "WHERE registry=? AND repository=? AND gone_at IS NULL"));
    q.addBindValue(registry);
    q.addBindValue(repository);
    q.exec();
    while (q.next()) {
        Observation o;
        o.registry = registry;
        o.repository = repository;
        o.tag = q.value(0).toString();
        o.digest = q.value(1).toString();
        o.mediaType = q.value(2).toString();
        o.firstSeen = fromMs(q.value(3));
        o.lastSeen = fromMs(q.value(4));
        o.registryCreated = fromMs(q.value(5));
        o.registryUpdated = fromMs(q.value(6));
        out.insert(o.tag, o);
    }
    return out;
}

QHash<QString, QDateTime> HistoryTables::untaggedDigests(const QString &registry, const QString &repository) const
{
    QHash<QString, QDateTime> out;
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT digest, MAX(gone_at) FROM observations o WHERE registry=? AND repository=? AND gone_at IS NOT NULL "
                             "AND NOT EXISTS(SELECT 1 FROM observations c WHERE c.registry=o.registry AND c.repository=o.repository "
                             "AND c.digest=o.digest AND c.gone_at IS NULL) GROUP BY digest"));
    q.addBindValue(registry);
    q.addBindValue(repository);
    q.exec();
    while (q.next())
        out.insert(q.value(0).toString(), fromMs(q.value(1)));
    return out;
}

namespace {

// A registry's digests, one row per (repository, digest), in repository/digest order (the
// observations_digest index gives that order without sorting).
QSqlQuery presenceQuery(const QString &connection, const QString &registry)
{
    QSqlQuery q(QSqlDatabase::database(connection));
    q.setForwardOnly(true);
    const bool postgres = QSqlDatabase::database(connection).driverName() == u"QPSQL";
    q.prepare(QStringLiteral("SELECT repository, digest, MIN(first_seen), MIN(registry_created), "
                             "MAX(CASE WHEN gone_at IS NULL THEN 1 ELSE 0 END), %1, MIN(first_scan) FROM observations WHERE "
                             "registry=? GROUP BY repository, digest ORDER BY repository, digest")
                  .arg(postgres ? QStringLiteral("string_agg(CASE WHEN gone_at IS NULL THEN tag END, chr(31))")
                                : QStringLiteral("GROUP_CONCAT(CASE WHEN gone_at IS NULL THEN tag END, char(31))")));
    q.addBindValue(registry);
    q.exec();
    return q;
}

DigestPresence presenceRow(const QSqlQuery &q)
{
    DigestPresence p;
    p.repository = q.value(0).toString();
    p.digest = q.value(1).toString();
    p.firstSeen = fromMs(q.value(2));
    p.registryCreated = fromMs(q.value(3));
    p.current = q.value(4).toInt() == 1;
    const QString tags = q.value(5).toString();
    if (!tags.isEmpty())
        p.currentTags = tags.split(QChar(0x1f));
    p.currentTags.sort();
    p.firstScan = q.value(6).toLongLong();
    return p;
}

// The rows of one repository from a presence query standing on its first row; the
// repository's name is shared by every row (one string, not one per digest).
QList<DigestPresence> repositoryRows(QSqlQuery &q, bool *more)
{
    QList<DigestPresence> rows;
    const QString repository = q.value(0).toString();
    while (*more && q.value(0).toString() == repository) {
        rows.append(presenceRow(q));
        rows.last().repository = repository;
        *more = q.next();
    }
    return rows;
}

} // namespace

bool HistoryTables::visitDigestPresencePairs(const QString &a, const QString &b, const PresencePairVisitor &visit) const
{
    QSqlQuery qa = presenceQuery(m_store.m_connection, a);
    QSqlQuery qb = presenceQuery(m_store.pairedConnection(), b); // both are read at once
    if (!qa.isActive() || !qb.isActive())
        return false;
    bool moreA = qa.next(), moreB = qb.next();
    // SQLite orders text by its UTF-8 bytes; the merge compares the same way.
    while (moreA || moreB) {
        const QByteArray ra = moreA ? qa.value(0).toString().toUtf8() : QByteArray();
        const QByteArray rb = moreB ? qb.value(0).toString().toUtf8() : QByteArray();
        const bool takeA = moreA && (!moreB || ra <= rb);
        const bool takeB = moreB && (!moreA || rb <= ra);
        const QList<DigestPresence> rowsA = takeA ? repositoryRows(qa, &moreA) : QList<DigestPresence>();
        const QList<DigestPresence> rowsB = takeB ? repositoryRows(qb, &moreB) : QList<DigestPresence>();
        if (!visit(takeA ? rowsA.first().repository : rowsB.first().repository, rowsA, rowsB))
            break;
    }
    return true;
}

QHash<QString, qint64> HistoryTables::repositoryFirstScan(const QString &registry) const
{
    QHash<QString, qint64> out;
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT repository, MIN(first_scan) FROM observations WHERE registry=? GROUP BY repository"));
    q.addBindValue(registry);
    q.exec();
    while (q.next())
        out.insert(q.value(0).toString(), q.value(1).toLongLong());
    return out;
}

ListingApplied HistoryTables::applyListing(qint64 scanId, const QString &registry, const QString &repository,
                                           const QList<TagObservation> &tags, bool complete, const QDateTime &now)
{
    Store *w = writable();
    if (!w)
        return {};
    ListingApplied stats;
    const QHash<QString, Observation> current = currentTags(registry, repository);
    QSqlDatabase db = QSqlDatabase::database(m_store.m_connection);
    if (!w->begin())
        return stats;
    QSqlQuery insert(db), touch(db), gone(db), change(db);
    insert.prepare(QStringLiteral("INSERT INTO observations(registry, repository, tag, digest, media_type, first_seen, last_seen, "
                                  "registry_created, registry_updated, first_scan, last_scan) VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
    touch.prepare(
        QStringLiteral("UPDATE observations SET last_seen=?, last_scan=? WHERE registry=? AND repository=? AND tag=? AND gone_at IS NULL"));
    gone.prepare(QStringLiteral("UPDATE observations SET gone_at=? WHERE registry=? AND repository=? AND tag=? AND gone_at IS NULL"));
    change.prepare(
        QStringLiteral("INSERT INTO changes(scan, at, registry, repository, tag, kind, old_digest, new_digest) VALUES(?,?,?,?,?,?,?,?)"));
    auto recordChange = [&](const QString &tag, const char *kind, const QString &oldD, const QString &newD) {
        change.addBindValue(scanId);
        change.addBindValue(ms(now));
        change.addBindValue(registry);
        change.addBindValue(repository);
        change.addBindValue(tag);
        change.addBindValue(QLatin1String(kind));
        change.addBindValue(oldD.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(oldD));
        change.addBindValue(newD.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(newD));
        change.exec();
    };
    QSet<QString> listed; // with or without a digest read: either way not gone
    bool everyDigestRead = true;
    for (const TagObservation &t : tags) {
        listed.insert(t.tag);
        everyDigestRead = everyDigestRead && !t.digest.isEmpty();
    }
    // A complete listing whose digests were all read leaves current exactly the rows it saw:
    // the unchanged ones are then touched by one statement at the end, not one each.
    const bool touchAllAtEnd = complete && everyDigestRead;
    for (const TagObservation &t : tags) {
        if (t.digest.isEmpty())
            continue; // unread digest: neither present nor gone
        const auto it = current.constFind(t.tag);
        if (it != current.constEnd() && it->digest == t.digest && touchAllAtEnd) {
            ++stats.unchanged;
            continue;
        }
        if (it != current.constEnd() && it->digest == t.digest) {
            touch.addBindValue(ms(now));
            touch.addBindValue(scanId);
            touch.addBindValue(registry);
            touch.addBindValue(repository);
            touch.addBindValue(t.tag);
            touch.exec();
            ++stats.unchanged;
            continue;
        }
        if (it != current.constEnd()) {
            gone.addBindValue(ms(now));
            gone.addBindValue(registry);
            gone.addBindValue(repository);
            gone.addBindValue(t.tag);
            gone.exec();
            recordChange(t.tag, "moved", it->digest, t.digest);
            ++stats.moved;
        } else {
            recordChange(t.tag, "appeared", QString(), t.digest);
            ++stats.appeared;
        }
        insert.addBindValue(registry);
        insert.addBindValue(repository);
        insert.addBindValue(t.tag);
        insert.addBindValue(t.digest);
        insert.addBindValue(t.mediaType);
        insert.addBindValue(ms(now));
        insert.addBindValue(ms(now));
        insert.addBindValue(ms(t.registryCreated));
        insert.addBindValue(ms(t.registryUpdated));
        insert.addBindValue(scanId);
        insert.addBindValue(scanId);
        if (!insert.exec())
            w->m_lastError = insert.lastError().text();
    }
    if (complete) {
        for (auto it = current.constBegin(); it != current.constEnd(); ++it) {
            if (listed.contains(it.key()))
                continue;
            gone.addBindValue(ms(now));
            gone.addBindValue(registry);
            gone.addBindValue(repository);
            gone.addBindValue(it.key());
            gone.exec();
            recordChange(it.key(), "vanished", it->digest, QString());
            ++stats.vanished;
        }
    }
    if (touchAllAtEnd && stats.unchanged > 0) {
        QSqlQuery all(db);
        all.prepare(
            QStringLiteral("UPDATE observations SET last_seen=?, last_scan=? WHERE registry=? AND repository=? AND gone_at IS NULL"));
        all.addBindValue(ms(now));
        all.addBindValue(scanId);
        all.addBindValue(registry);
        all.addBindValue(repository);
        if (!all.exec())
            w->m_lastError = all.lastError().text();
    }
    if (!w->commit())
        w->rollback();
    return stats;
}

QDateTime HistoryTables::digestFirstSeen(const QString &registry, const QString &repository, const QString &digest) const
{
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.prepare(QStringLiteral("SELECT MIN(first_seen) FROM observations WHERE registry=? AND repository=? AND digest=?"));
    q.addBindValue(registry);
    q.addBindValue(repository);
    q.addBindValue(digest);
    if (q.exec() && q.next())
        return fromMs(q.value(0));
    return {};
}

QList<Observation> HistoryTables::timeline(const QString &repository, const QString &tag) const
{
    QList<Observation> out;
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.prepare(QStringLiteral("SELECT registry, digest, media_type, first_seen, last_seen, gone_at FROM observations "
                             "WHERE repository=? AND tag=? ORDER BY first_seen, registry"));
    q.addBindValue(repository);
    q.addBindValue(tag);
    q.exec();
    while (q.next()) {
        Observation o;
        o.registry = q.value(0).toString();
        o.repository = repository;
        o.tag = tag;
        o.digest = q.value(1).toString();
        o.mediaType = q.value(2).toString();
        o.firstSeen = fromMs(q.value(3));
        o.lastSeen = fromMs(q.value(4));
        o.goneAt = fromMs(q.value(5));
        out.append(o);
    }
    return out;
}

static QList<Change> readChanges(QSqlQuery &q)
{
    QList<Change> out;
    while (q.next()) {
        Change c;
        c.scan = q.value(0).toLongLong();
        c.at = fromMs(q.value(1));
        c.registry = q.value(2).toString();
        c.repository = q.value(3).toString();
        c.tag = q.value(4).toString();
        c.kind = q.value(5).toString();
        c.oldDigest = q.value(6).toString();
        c.newDigest = q.value(7).toString();
        out.append(c);
    }
    return out;
}

QList<Change> HistoryTables::changesSince(qint64 scanId) const
{
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.prepare(
        QStringLiteral("SELECT scan, at, registry, repository, tag, kind, old_digest, new_digest FROM changes WHERE scan > ? ORDER BY id"));
    q.addBindValue(scanId);
    q.exec();
    return readChanges(q);
}

QList<Change> HistoryTables::changesSince(const QDateTime &time) const
{
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.prepare(
        QStringLiteral("SELECT scan, at, registry, repository, tag, kind, old_digest, new_digest FROM changes WHERE at >= ? ORDER BY id"));
    q.addBindValue(ms(time));
    q.exec();
    return readChanges(q);
}

// Scans and the errors they met.

qint64 HistoryTables::beginScan(const QString &planPath, const QDateTime &now, const QString &collector)
{
    Store *w = writable();
    if (!w)
        return 0;
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.prepare(QStringLiteral("INSERT INTO scans(plan, started_at, collector) VALUES(?, ?, ?) RETURNING id"));
    q.addBindValue(planPath);
    q.addBindValue(ms(now));
    q.addBindValue(collector.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(collector));
    if (!q.exec() || !q.next()) {
        w->m_lastError = q.lastError().text();
        return 0;
    }
    return q.value(0).toLongLong();
}

bool HistoryTables::finishScan(const ScanRecord &s)
{
    Store *w = writable();
    if (!w)
        return false;
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.prepare(QStringLiteral("UPDATE scans SET finished_at=?, complete=?, interrupted=?, requests=?, errors=?, note=? WHERE id=?"));
    q.addBindValue(ms(s.finishedAt));
    q.addBindValue(s.complete ? 1 : 0);
    q.addBindValue(s.interrupted ? 1 : 0);
    q.addBindValue(s.requests);
    q.addBindValue(s.errors);
    q.addBindValue(s.note);
    q.addBindValue(s.id);
    if (!q.exec()) {
        w->m_lastError = q.lastError().text();
        return false;
    }
    if (m_store.m_postgres)
        w->notifyChanged(QStringLiteral("scan %1").arg(s.id));
    else
        w->exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
    return true;
}

static ScanRecord scanFrom(const QSqlQuery &q)
{
    ScanRecord s;
    s.id = q.value(0).toLongLong();
    s.plan = q.value(1).toString();
    s.startedAt = fromMs(q.value(2));
    s.finishedAt = fromMs(q.value(3));
    s.complete = q.value(4).toBool();
    s.interrupted = q.value(5).toBool();
    s.requests = q.value(6).toLongLong();
    s.errors = q.value(7).toLongLong();
    s.note = q.value(8).toString();
    s.collector = q.value(9).toString();
    return s;
}

std::optional<ScanRecord> HistoryTables::scan(qint64 id) const
{
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.prepare(QStringLiteral(
        "SELECT id, plan, started_at, finished_at, complete, interrupted, requests, errors, note, collector FROM scans WHERE id=?"));
    q.addBindValue(id);
    if (q.exec() && q.next())
        return scanFrom(q);
    return std::nullopt;
}

std::optional<ScanRecord> HistoryTables::lastScan() const
{
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    if (q.exec(QStringLiteral(
            "SELECT id, plan, started_at, finished_at, complete, interrupted, requests, errors, note, collector FROM scans ORDER BY "
            "id DESC LIMIT 1")) &&
        q.next())
        return scanFrom(q);
    return std::nullopt;
}

QList<ScanRecord> HistoryTables::scans() const
{
    QList<ScanRecord> out;
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.exec(QStringLiteral(
        "SELECT id, plan, started_at, finished_at, complete, interrupted, requests, errors, note, collector FROM scans ORDER BY id"));
    while (q.next())
        out.append(scanFrom(q));
    return out;
}

bool HistoryTables::recordError(qint64 scanId, const QString &registry, const QString &repository, const QString &tag,
                                const QString &message)
{
    Store *w = writable();
    if (!w)
        return false;
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.prepare(QStringLiteral("INSERT INTO scan_errors(scan, registry, repository, tag, message) VALUES(?,?,?,?,?)"));
    q.addBindValue(scanId);
    q.addBindValue(registry);
    q.addBindValue(repository);
    q.addBindValue(tag);
    q.addBindValue(message);
    return q.exec();
}

QStringList HistoryTables::scanErrors(qint64 scanId) const
{
    QStringList out;
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    q.prepare(QStringLiteral("SELECT registry, repository, tag, message FROM scan_errors WHERE scan=?"));
    q.addBindValue(scanId);
    q.exec();
    while (q.next())
        out << QStringLiteral("%1 %2%3: %4")
                   .arg(q.value(0).toString(), q.value(1).toString(),
                        q.value(2).toString().isEmpty() ? QString() : u':' + q.value(2).toString(), q.value(3).toString());
    return out;
}

qint64 HistoryTables::observationCount() const
{
    QSqlQuery q(QSqlDatabase::database(m_store.m_connection));
    if (q.exec(QStringLiteral("SELECT COUNT(*) FROM observations")) && q.next())
        return q.value(0).toLongLong();
    return -1;
}

} // namespace ferry
