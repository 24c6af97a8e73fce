// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "cleanup/analysis.h"
#include "store/store.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace ferry {

namespace batchstatus {
inline const QString Planned = QStringLiteral("planned");
inline const QString Approved = QStringLiteral("approved");
inline const QString Rejected = QStringLiteral("rejected");
inline const QString Superseded = QStringLiteral("superseded"); // items were removed: a new batch replaced it
inline const QString Executing = QStringLiteral("executing");
inline const QString Executed = QStringLiteral("executed"); // every delete item reached a final state
} // namespace batchstatus

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

struct CleanupRun
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
    int seq = 0;
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
};

// The cleanup tables of a Store: batches and their items, approvals, runs, the journal
// every deletion passes through, and the audit log. Same thread rule as the Store.
class CleanupStore
{
public:
    explicit CleanupStore(Store &store)
        : m_store(store)
    { }

    // Stores a new batch with its items; sets id and status.
    bool addBatch(CleanupBatch *batch);
    std::optional<CleanupBatch> batch(qint64 id) const;
    QList<CleanupBatch> batches() const;

    // Approves or rejects, only if the batch is still in one of the statuses from and still
    // holds hash when the write happens: a decision from another machine in between fails this
    // one instead of being overwritten.
    // refsOverride: an approval given without a fresh refs scan, and what was stale.
    bool decide(qint64 id, const QString &status, const QString &actor, const QString &hash, const QString &comment,
                const QStringList &from, const QString &refsOverride = {});
    // The status, only if the batch is in one of from at the time of the write.
    bool setStatusIf(qint64 id, const QString &status, const QStringList &from);
    bool setStatus(qint64 id, const QString &status);

    qint64 beginRun(qint64 batch, bool dryRun, const QString &actor);
    bool finishRun(qint64 run, const QString &status, const QString &summary);
    QList<CleanupRun> runs(qint64 batch = 0) const;

    // Appends a journal entry; for a real run it also moves the item's state, in the same
    // transaction, so the journal and the item never disagree.
    bool journal(qint64 run, bool dryRun, qint64 batch, int seq, const QString &state, int httpStatus, const QString &message);
    QList<JournalEntry> journalOf(qint64 batch) const;
    // A line of the journal about the run as a whole (item 0), such as an approval's override.
    bool journalNote(qint64 run, qint64 batch, const QString &message);
    // The "sending" entry that lets a DELETE leave, written only if, in the same write
    // transaction, the batch is still approved (approved or executing, approved as the hash it
    // holds, which is expectedHash) and the item has not reached a final state. False with why
    // in lastError() otherwise: another machine may have rejected the batch or finished the item.
    bool claimForDelete(qint64 run, qint64 batch, int seq, const QString &expectedHash, const QString &message);

    bool audit(const QString &actor, const QString &action, qint64 batch, const QString &detail);
    QList<AuditEntry> auditLog() const;

    QString lastError() const { return m_store.lastError(); }
    Store &store() { return m_store; }

private:
    Store &m_store;
};

// Who is acting: the name given, else the OS user.
QString cleanupActor(const QString &given);
// The OS user (USER, else LOGNAME), or empty: what a decision's name defaults to in every face.
QString osUserName();

} // namespace ferry
