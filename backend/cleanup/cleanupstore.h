// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "cleanup/analysis.h"
#include "ops/batchtables.h"
#include "ops/itemrunner.h"
#include "store/store.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace ferry {

// Item states of the journal. An item is final once it leaves planned and sending.
namespace itemstate {
inline const QString Planned = QStringLiteral("planned");
inline const QString Sending = QStringLiteral("sending");
inline const QString Deleted = QStringLiteral("deleted");
inline const QString AlreadyAbsent = QStringLiteral("already-absent");
inline const QString Refused = QStringLiteral("refused");
inline const QString NotPermitted = QStringLiteral("not-permitted");
inline const QString Failed = QStringLiteral("failed");
inline const QString Skipped = QStringLiteral("skipped");
inline const QString Kept = QStringLiteral("kept");
inline const QString WouldDelete = QStringLiteral("would-delete"); // dry run only
inline const QString Exported = QStringLiteral("exported"); // a file Ferry cannot delete itself: listed for the lead to remove
bool isFinal(const QString &state);
} // namespace itemstate

struct CleanupBatch
{
    qint64 id = 0;
    QDateTime createdAt;
    QString plan;
    QString registry;
    QString repository;
    QString policies;
    QDateTime listedAt;
    bool listingComplete = false;
    QString listingNote;
    QString hash;
    qint64 derivedFrom = 0;
    QString status = batchstatus::Planned;
    QString decidedBy;
    QDateTime decidedAt;
    QString decidedHash;
    QString comment;
    // What the clusters run and pin, as planning asked it (not part of the hash: the items say
    // what was held back and why).
    qint64 refsScan = 0; // the refs scan planning read; 0: none
    QDateTime refsAt;
    bool refsRequired = false; // the plan has clients: approval wants a fresh refs scan
    qint64 refsMaxAgeSeconds = 86'400;
    QString refsOverride; // approved without a fresh refs scan: what was stale
    QList<CleanupItem> items; // loaded by batch(), not by batches()

    int deleteCount = 0;
    int keepCount = 0;
    qint64 bytes = 0; // declared sizes of the delete items (shared layers counted each time)
    int finalCount = 0; // delete items in a final state

    BatchContent content() const;
    // The hash of the items as stored now; differs from hash when the rows were altered.
    QString recomputedHash() const { return batchHash(content()); }
};

// The cleanup tables of a Store: batches and their items, approvals, runs, the journal
// every deletion passes through, and the audit log; all but the items and the claim are the
// tables every kind of batch shares (BatchTables). Same thread rule as the Store.
class CleanupStore : public BatchTables
{
public:
    explicit CleanupStore(Store &store);

    // Stores a new batch with its items; sets id and status.
    bool addBatch(CleanupBatch *batch);
    std::optional<CleanupBatch> batch(qint64 id) const;
    QList<CleanupBatch> batches() const;

    // BatchTables::decide, with an approval's refsOverride: given without a fresh refs scan,
    // and what was stale.
    bool decide(qint64 id, const QString &status, const QString &actor, const QString &hash, const QString &comment,
                const QStringList &from, const QString &refsOverride = {});

    // The "sending" entry that lets a DELETE leave, written only if, in the same write
    // transaction, the batch is still approved (approved or executing, approved as the hash it
    // holds, which is expectedHash) and the item has not reached a final state. False with why
    // in lastError() otherwise: another machine may have rejected the batch or finished the item.
    bool claimForDelete(qint64 run, qint64 batch, int seq, const QString &expectedHash, const QString &message);
    // An item's outcome in the journal, then on the item: the item runner's record for cleanup
    // and chart retirement. An error text when the journal could not be written (the run stops).
    QString record(qint64 run, bool dryRun, qint64 batch, CleanupItem &item, const ItemStep &step);

    Store &store() { return m_store; }

private:
    Store &m_store;
};

// What the decision rules read of a cleanup batch.
BatchFacts batchFacts(const CleanupBatch &batch);
// The cleanup kind: batches of deletions (and of a chart repository's files to retire).
const BatchKind &cleanupBatchKind();

} // namespace ferry
