// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "copy/copystore.h"

#include <QCryptographicHash>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace ferry {

bool copystate::isFinal(const QString &state)
{
    return state != Planned && state != Copying;
}

bool copystate::isSettled(const QString &state)
{
    return isFinal(state) && state != Failed;
}

namespace {

const char kBatchColumns[] = "id, created_at, plan, source_registry, target_registry, repository, scan, hash, status, decided_by, "
                             "decided_at, decided_hash, comment, manifests, blobs, bytes, pulls";

CopyBatch batchFrom(const QSqlQuery &q)
{
    CopyBatch b;
    b.id = q.value(0).toLongLong();
    b.createdAt = timeFromStore(q.value(1));
    b.plan = q.value(2).toString();
    b.sourceRegistry = q.value(3).toString();
    b.targetRegistry = q.value(4).toString();
    b.repository = q.value(5).toString();
    b.scan = q.value(6).toLongLong();
    b.hash = q.value(7).toString();
    b.status = q.value(8).toString();
    b.decidedBy = q.value(9).toString();
    b.decidedAt = timeFromStore(q.value(10));
    b.decidedHash = q.value(11).toString();
    b.comment = q.value(12).toString();
    b.manifests = q.value(13).toInt();
    b.blobs = q.value(14).toInt();
    b.bytes = q.value(15).toLongLong();
    b.pulls = q.value(16).toInt();
    return b;
}

} // namespace

QString CopyBatch::recomputedHash() const
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    const auto field = [&h](const QString &s) {
        h.addData(s.toUtf8());
        h.addData(QByteArrayView("\n", 1));
    };
    field(QStringLiteral("ferry copy batch 1"));
    field(sourceRegistry);
    field(targetRegistry);
    field(repository);
    for (const CopyItem &i : items) {
        field(QString::number(i.seq));
        field(i.sourceRepository);
        field(i.tag);
        field(i.digest);
        field(i.action);
        field(i.replaces);
    }
    return QStringLiteral("sha256:") + QString::fromLatin1(h.result().toHex());
}

bool CopyStore::addBatch(CopyBatch *b)
{
    b->id = insertBatch(
        QStringLiteral("INSERT INTO copy_batches(created_at, plan, source_registry, target_registry, repository, scan, hash, "
                       "status, manifests, blobs, bytes, pulls) VALUES(?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id"),
        {storedTime(b->createdAt), text(b->plan), text(b->sourceRegistry), text(b->targetRegistry), text(b->repository), QVariant(b->scan),
         text(b->hash), text(b->status), QVariant(b->manifests), QVariant(b->blobs), QVariant(b->bytes), QVariant(b->pulls)},
        QStringLiteral("INSERT INTO copy_items(batch, seq, source_repository, tag, digest, media_type, action, replaces, "
                       "manifests, blobs, bytes, pulls, state, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
        b->items.size(), [b](qsizetype n) {
            const CopyItem &i = b->items[n];
            return QVariantList{QVariant(i.seq),         text(i.sourceRepository), text(i.tag),       text(i.digest),
                                text(i.mediaType),       text(i.action),           text(i.replaces),  QVariant(i.manifests),
                                QVariant(i.blobs),       QVariant(i.bytes),        QVariant(i.pulls), text(i.state),
                                storedTime(b->createdAt)};
        });
    return b->id != 0;
}

std::optional<CopyBatch> CopyStore::batch(qint64 id) const
{
    CopyBatch b;
    const bool found = readBatch(
        id, QLatin1String(kBatchColumns),
        QStringLiteral("seq, source_repository, tag, digest, media_type, action, replaces, manifests, blobs, bytes, pulls, state, "
                       "http_status, message"),
        [&b](const QSqlQuery &q) { b = batchFrom(q); },
        [&b](const QSqlQuery &i) {
            CopyItem it;
            it.seq = i.value(0).toInt();
            it.sourceRepository = i.value(1).toString();
            it.tag = i.value(2).toString();
            it.digest = i.value(3).toString();
            it.mediaType = i.value(4).toString();
            it.action = i.value(5).toString();
            it.replaces = i.value(6).toString();
            it.manifests = i.value(7).toInt();
            it.blobs = i.value(8).toInt();
            it.bytes = i.value(9).toLongLong();
            it.pulls = i.value(10).toInt();
            it.state = i.value(11).toString();
            it.httpStatus = i.value(12).toInt();
            it.message = i.value(13).toString();
            b.finalCount += copystate::isFinal(it.state);
            b.items.append(it);
        });
    if (!found)
        return std::nullopt;
    b.itemCount = int(b.items.size());
    return b;
}

QList<CopyBatch> CopyStore::batches() const
{
    QList<CopyBatch> out;
    readBatches(QLatin1String(kBatchColumns),
                QStringLiteral("COUNT(*), SUM(CASE WHEN state NOT IN ('planned','copying') THEN 1 ELSE 0 END)"),
                [&out](const QSqlQuery &q, const QVariantList &figures) {
                    CopyBatch b = batchFrom(q);
                    b.itemCount = figures.value(0).toInt();
                    b.finalCount = figures.value(1).toInt();
                    out.append(b);
                });
    return out;
}

bool CopyStore::recordBlob(const QString &registry, const QString &repository, const QString &digest)
{
    if (blobKnown(registry, repository, digest))
        return true;
    QSqlDatabase db = m_store.database();
    return m_store.transaction([&] {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO copy_blobs(registry, digest, repository, at) VALUES(?,?,?,?) ON CONFLICT DO NOTHING"));
        for (const QVariant &v : {QVariant(registry), QVariant(digest), QVariant(repository), storedTime(QDateTime::currentDateTimeUtc())})
            q.addBindValue(v);
        return q.exec() || failed(q);
    });
}

bool CopyStore::blobKnown(const QString &registry, const QString &repository, const QString &digest) const
{
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral("SELECT 1 FROM copy_blobs WHERE registry=? AND digest=? AND repository=?"));
    q.addBindValue(registry);
    q.addBindValue(digest);
    q.addBindValue(repository);
    return q.exec() && q.next();
}

QString CopyStore::repositoryHolding(const QString &registry, const QString &digest, const QString &except) const
{
    QSqlQuery q(m_store.database());
    q.prepare(QStringLiteral("SELECT repository FROM copy_blobs WHERE registry=? AND digest=? AND repository<>? ORDER BY at DESC LIMIT 1"));
    q.addBindValue(registry);
    q.addBindValue(digest);
    q.addBindValue(except);
    return q.exec() && q.next() ? q.value(0).toString() : QString();
}

const BatchKind &copyBatchKind()
{
    static const BatchKind kind{QStringLiteral("copy"), QStringLiteral("copy batch"), QStringLiteral("message"), true};
    return kind;
}

CopyStore::CopyStore(Store &store)
    : BatchTables(store, copyBatchKind())
    , m_store(store)
{ }

BatchFacts batchFacts(const CopyBatch &b)
{
    return {b.id, b.status, b.hash, b.items.isEmpty() ? QString() : b.recomputedHash(), b.decidedHash, b.decidedBy, b.comment};
}

} // namespace ferry
