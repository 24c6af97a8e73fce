// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "ops/batch.h"
#include "store/store.h"

#include <QList>
#include <QStringList>
#include <QVariant>

namespace ferry {

struct BatchRun
{
    qint64 id = 0;
    qint64 batch = 0;
    bool dryRun = false;
    QString actor;
    QDateTime startedAt;
    QDateTime finishedAt;
    QString status; // running, finished, stopped, refused, interrupted
    QString summary;
};

struct JournalEntry
{
    qint64 run = 0;
    qint64 batch = 0;
    int seq = 0; // 0: a line about the run as a whole
    QDateTime at;
    QString state;
    int httpStatus = 0;
    QString message;
};

struct AuditEntry
{
    QDateTime at;
    QString actor;
    QString action;
    qint64 batch = 0;
    QString detail;
    QString kind; // the batch's kind; empty for a line about no batch
};

// The tables every kind of batch has in the store, and the SQL they share: KIND_batches
// (status, hash, decision), KIND_runs, KIND_journal (every step, and the item's state moved in
// the same transaction), KIND_items, and the audit log. Same thread rule as the Store.
class BatchTables
{
public:
    BatchTables(Store &store, const BatchKind &kind)
        : m_store(store)
        , m_kind(kind)
    { }

    // Approves or rejects, only if the batch is still in one of the statuses from and still
    // holds hash when the write happens: a decision from another machine in between fails this
    // one instead of being overwritten. extra: further columns of KIND_batches written with it.
    bool decide(qint64 id, const QString &status, const QString &actor, const QString &hash, const QString &comment,
                const QStringList &from, const QList<QPair<QString, QVariant>> &extra = {});
    // The status, only if the batch is in one of from at the time of the write.
    bool setStatusIf(qint64 id, const QString &status, const QStringList &from);
    bool setStatus(qint64 id, const QString &status);

    qint64 beginRun(qint64 batch, bool dryRun, const QString &actor);
    bool finishRun(qint64 run, const QString &status, const QString &summary);
    QList<BatchRun> runs(qint64 batch = 0) const;

    // Appends a journal entry; for a real run it also moves the item's state, in the same
    // transaction, so the journal and the item never disagree.
    bool journal(qint64 run, bool dryRun, qint64 batch, int seq, const QString &state, int httpStatus, const QString &message);
    // A line of the journal about the run as a whole (item 0), such as an approval's override.
    bool journalNote(qint64 run, qint64 batch, const QString &message);
    QList<JournalEntry> journalOf(qint64 batch) const;

    // The audit log, shared by every kind: each line names its batch's kind.
    bool audit(const QString &actor, const QString &action, qint64 batch, const QString &detail);
    // Lines of this kind (and those about no batch) when onlyThisKind, else every line.
    QList<AuditEntry> auditLog(bool onlyThisKind = true) const;

    QString lastError() const { return m_store.lastError(); }
    Store &tablesStore() const { return m_store; }
    const BatchKind &kind() const { return m_kind; }

protected:
    // Records the query's error as the store's last error; false.
    bool failed(const class QSqlQuery &q) const;
    // Qt binds a null QString as SQL NULL; the text columns hold '' instead.
    static QVariant text(const QString &s);
    // A new batch: its row (batchSql ends in RETURNING id) and a row per item (itemSql binds the
    // new id first, then itemValues(i) for i below items), in one transaction, announced to the
    // other readers as "KIND ID". The new id, or 0 (lastError() says why).
    qint64 insertBatch(const QString &batchSql, const QVariantList &batch, const QString &itemSql, qsizetype items,
                       const std::function<QVariantList(qsizetype)> &itemValues);
    // The batch's row (batchColumns of KIND_batches) to onBatch, then its items' rows
    // (itemColumns of KIND_items, by seq) to onItem; false if there is no such batch.
    bool readBatch(qint64 id, const QString &batchColumns, const QString &itemColumns,
                   const std::function<void(const QSqlQuery &)> &onBatch, const std::function<void(const QSqlQuery &)> &onItem) const;
    // Every batch's row (batchColumns, which begin with id; by id) to onBatch, after figures (the SELECT of a
    // query over KIND_items whose first column is the batch) were read per batch.
    void readBatches(const QString &batchColumns, const QString &figures,
                     const std::function<void(const QSqlQuery &, const QVariantList &figures)> &onBatch) const;

private:
    QString table(const char *suffix) const { return m_kind.name + QLatin1Char('_') + QLatin1String(suffix); }

    Store &m_store;
    const BatchKind &m_kind;
};

} // namespace ferry
