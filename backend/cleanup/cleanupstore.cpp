// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "cleanup/cleanupstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>
#include <QVariant>

namespace ferry {

bool itemstate::isFinal(const QString &state)
{
    return state != Planned && state != Sending;
}

namespace {

// Qt binds a null QString as SQL NULL; the text columns hold '' instead.
QString listJson(const QStringList &l)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(l)).toJson(QJsonDocument::Compact));
}

QStringList listFrom(const QVariant &v)
{
    QStringList out;
    for (const QJsonValue &e : QJsonDocument::fromJson(v.toString().toUtf8()).array())
        out << e.toString();
    return out;
}

const char kBatchColumns[] = "id, created_at, plan, registry, repository, policies, listed_at, listing_complete, listing_note, hash, "
                             "derived_from, status, decided_by, decided_at, decided_hash, comment, refs_scan, refs_at, refs_required, "
                             "refs_max_age, refs_override";

CleanupBatch batchFrom(const QSqlQuery &q)
{
    CleanupBatch b;
    b.id = q.value(0).toLongLong();
    b.createdAt = timeFromStore(q.value(1));
    b.plan = q.value(2).toString();
    b.registry = q.value(3).toString();
    b.repository = q.value(4).toString();
    b.policies = q.value(5).toString();
    b.listedAt = timeFromStore(q.value(6));
    b.listingComplete = q.value(7).toBool();
    b.listingNote = q.value(8).toString();
    b.hash = q.value(9).toString();
    b.derivedFrom = q.value(10).toLongLong();
    b.status = q.value(11).toString();
    b.decidedBy = q.value(12).toString();
    b.decidedAt = timeFromStore(q.value(13));
    b.decidedHash = q.value(14).toString();
    b.comment = q.value(15).toString();
    b.refsScan = q.value(16).toLongLong();
    b.refsAt = timeFromStore(q.value(17));
    b.refsRequired = q.value(18).toBool();
    if (!q.value(19).isNull())
        b.refsMaxAgeSeconds = q.value(19).toLongLong();
    b.refsOverride = q.value(20).toString();
    return b;
}

} // namespace

BatchContent CleanupBatch::content() const
{
    return BatchContent{registry, repository, listedAt, listingComplete, listingNote, items};
}

bool CleanupStore::addBatch(CleanupBatch *b)
{
    b->id = insertBatch(
        QStringLiteral("INSERT INTO cleanup_batches(created_at, plan, registry, repository, policies, listed_at, listing_complete, "
                       "listing_note, hash, derived_from, status, refs_scan, refs_at, refs_required, refs_max_age) "
                       "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id"),
        {storedTime(b->createdAt), text(b->plan), text(b->registry), text(b->repository), text(b->policies), storedTime(b->listedAt),
         QVariant(b->listingComplete ? 1 : 0), text(b->listingNote), text(b->hash),
         b->derivedFrom ? QVariant(b->derivedFrom) : QVariant(QMetaType::fromType<qint64>()), text(b->status), QVariant(b->refsScan),
         storedTime(b->refsAt), QVariant(b->refsRequired ? 1 : 0), QVariant(b->refsMaxAgeSeconds)},
        QStringLiteral("INSERT INTO cleanup_items(batch, seq, action, digest, tags, media_type, size, age_from, age_source, policy, "
                       "reason, checks, hold_reason, parents, depends_on, verify_in, state, updated_at) "
                       "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
        b->items.size(), [b](qsizetype n) {
            const CleanupItem &i = b->items[n];
            return QVariantList{QVariant(i.seq),
                                text(i.action),
                                text(i.digest),
                                QVariant(listJson(i.tags)),
                                text(i.mediaType),
                                QVariant(i.size),
                                storedTime(i.ageFrom),
                                text(i.ageSource),
                                text(i.policy),
                                text(i.reason),
                                QVariant(listJson(i.checks)),
                                text(i.holdReason),
                                QVariant(listJson(i.parents)),
                                QVariant(listJson(i.dependsOn)),
                                QVariant(listJson(i.verifyIn)),
                                text(i.state),
                                storedTime(b->createdAt)};
        });
    return b->id != 0;
}

std::optional<CleanupBatch> CleanupStore::batch(qint64 id) const
{
    CleanupBatch b;
    const bool found = readBatch(
        id, QLatin1String(kBatchColumns),
        QStringLiteral("seq, action, digest, tags, media_type, size, age_from, age_source, policy, reason, checks, hold_reason, "
                       "parents, depends_on, verify_in, state, outcome, http_status, updated_at"),
        [&b](const QSqlQuery &q) { b = batchFrom(q); },
        [&b](const QSqlQuery &i) {
            CleanupItem it;
            it.seq = i.value(0).toInt();
            it.action = i.value(1).toString();
            it.digest = i.value(2).toString();
            it.tags = listFrom(i.value(3));
            it.mediaType = i.value(4).toString();
            it.size = i.value(5).isNull() ? -1 : i.value(5).toLongLong();
            it.ageFrom = timeFromStore(i.value(6));
            it.ageSource = i.value(7).toString();
            it.policy = i.value(8).toString();
            it.reason = i.value(9).toString();
            it.checks = listFrom(i.value(10));
            it.holdReason = i.value(11).toString();
            it.parents = listFrom(i.value(12));
            it.dependsOn = listFrom(i.value(13));
            it.verifyIn = listFrom(i.value(14));
            it.state = i.value(15).toString();
            it.outcome = i.value(16).toString();
            it.httpStatus = i.value(17).toInt();
            it.updatedAt = timeFromStore(i.value(18));
            if (it.action == u"delete") {
                ++b.deleteCount;
                b.bytes += qMax<qint64>(0, it.size);
                if (itemstate::isFinal(it.state))
                    ++b.finalCount;
            } else {
                ++b.keepCount;
            }
            b.items.append(it);
        });
    if (!found)
        return std::nullopt;
    return b;
}

QList<CleanupBatch> CleanupStore::batches() const
{
    QList<CleanupBatch> out;
    readBatches(QLatin1String(kBatchColumns),
                QStringLiteral("SUM(CASE WHEN action='delete' THEN 1 ELSE 0 END), SUM(CASE WHEN action='keep' THEN 1 ELSE 0 END), "
                               "SUM(CASE WHEN action='delete' AND size>0 THEN size ELSE 0 END), "
                               "SUM(CASE WHEN action='delete' AND state NOT IN ('planned','sending') THEN 1 ELSE 0 END)"),
                [&out](const QSqlQuery &q, const QVariantList &figures) {
                    CleanupBatch b = batchFrom(q);
                    b.deleteCount = figures.value(0).toInt();
                    b.keepCount = figures.value(1).toInt();
                    b.bytes = figures.value(2).toLongLong();
                    b.finalCount = figures.value(3).toInt();
                    out.append(b);
                });
    return out;
}

bool CleanupStore::decide(qint64 id, const QString &status, const QString &actor, const QString &hash, const QString &comment,
                          const QStringList &from, const QString &refsOverride)
{
    return BatchTables::decide(id, status, actor, hash, comment, from, {{QStringLiteral("refs_override"), refsOverride}});
}

bool CleanupStore::claimForDelete(qint64 run, qint64 batch, int seq, const QString &expectedHash, const QString &message)
{
    QSqlDatabase db = m_store.database();
    QString refusal;
    const bool written = m_store.transaction([&] {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT status, hash, decided_hash, decided_by FROM cleanup_batches WHERE id=?"));
        q.addBindValue(batch);
        if (!q.exec() || !q.next()) {
            refusal = QStringLiteral("batch %1 is gone from the store").arg(batch);
            return false;
        }
        const QString status = q.value(0).toString(), hash = q.value(1).toString(), decided = q.value(2).toString();
        if (status != batchstatus::Approved && status != batchstatus::Executing)
            refusal = QStringLiteral("batch %1 is %2 now (%3); nothing more is deleted").arg(batch).arg(status, q.value(3).toString());
        else if (hash != expectedHash || decided != expectedHash)
            refusal = QStringLiteral("batch %1 changed since this run read it (hash %2, approved as %3)").arg(batch).arg(hash, decided);
        q.finish();
        if (!refusal.isEmpty())
            return false;
        q.prepare(QStringLiteral("SELECT state FROM cleanup_items WHERE batch=? AND seq=?"));
        q.addBindValue(batch);
        q.addBindValue(seq);
        if (!q.exec() || !q.next()) {
            refusal = QStringLiteral("item %1 of batch %2 is gone from the store").arg(seq).arg(batch);
            return false;
        }
        const QString state = q.value(0).toString();
        q.finish();
        if (itemstate::isFinal(state)) {
            refusal = QStringLiteral("item %1 of batch %2 is already %3").arg(seq).arg(batch).arg(state);
            return false;
        }
        const qint64 now = QDateTime::currentDateTimeUtc().toMSecsSinceEpoch();
        q.prepare(QStringLiteral("INSERT INTO cleanup_journal(run, batch, seq, at, state, http_status, message) VALUES(?,?,?,?,?,?,?)"));
        for (const QVariant &v :
             {QVariant(run), QVariant(batch), QVariant(seq), QVariant(now), QVariant(itemstate::Sending), QVariant(0), QVariant(message)})
            q.addBindValue(v);
        if (!q.exec())
            return false;
        q.prepare(QStringLiteral("UPDATE cleanup_items SET state=?, outcome=?, http_status=0, updated_at=? WHERE batch=? AND seq=?"));
        for (const QVariant &v : {QVariant(itemstate::Sending), QVariant(message), QVariant(now), QVariant(batch), QVariant(seq)})
            q.addBindValue(v);
        return q.exec() && q.numRowsAffected() == 1;
    });
    if (!refusal.isEmpty())
        m_store.setLastError(refusal);
    return written;
}

const BatchKind &cleanupBatchKind()
{
    static const BatchKind kind{QStringLiteral("cleanup"), QStringLiteral("batch"), QStringLiteral("outcome"), false};
    return kind;
}

CleanupStore::CleanupStore(Store &store)
    : BatchTables(store, cleanupBatchKind())
    , m_store(store)
{ }

BatchFacts batchFacts(const CleanupBatch &b)
{
    // The items are hashed where they were loaded (a batch as batch() reads it, not a list entry).
    return {b.id, b.status, b.hash, b.items.isEmpty() ? QString() : b.recomputedHash(), b.decidedHash, b.decidedBy, b.comment};
}

QString CleanupStore::record(qint64 run, bool dryRun, qint64 batch, CleanupItem &item, const ItemStep &step)
{
    if (!journal(run, dryRun, batch, item.seq, step.state, step.http, step.message))
        return QStringLiteral("cannot write the journal: %1; nothing more is deleted").arg(lastError());
    item.state = step.state;
    item.outcome = step.message;
    item.httpStatus = step.http;
    return {};
}

} // namespace ferry
