// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "ops/batchtables.h"
#include "store/store.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace ferry {

// Item states of a copy batch's journal. An item is final once it leaves planned and copying.
namespace copystate {
inline const QString Planned = QStringLiteral("planned");
inline const QString Copying = QStringLiteral("copying"); // started; resume finishes it
inline const QString Copied = QStringLiteral("copied"); // the target's tag now has the approved digest, verified by HEAD
inline const QString AlreadyPresent = QStringLiteral("already-present"); // the target held the digest under the tag already
inline const QString Moved = QStringLiteral("moved"); // the source's tag left the approved digest: not copied
inline const QString Refused = QStringLiteral("refused"); // the target's tag is not what the review showed: not overwritten
inline const QString Failed = QStringLiteral("failed"); // with the registry's own message; resume tries again
inline const QString WouldCopy = QStringLiteral("would-copy"); // dry run only
bool isFinal(const QString &state);
// A final state that resume does not try again.
bool isSettled(const QString &state);
} // namespace copystate

// What a copy item does to the target's tag.
namespace copyaction {
inline const QString New = QStringLiteral("new"); // the tag is absent in the target
inline const QString Platforms = QStringLiteral("platforms"); // the target holds some of the index's platforms
inline const QString Overwrite = QStringLiteral("overwrite"); // the target's tag has another digest (drifted)
inline const QString Referrer = QStringLiteral("referrer"); // untagged: an OCI referrer of another item, copied by digest
} // namespace copyaction

struct CopyItem
{
    int seq = 0;
    QString sourceRepository;
    QString tag; // the same tag in source and target; empty for a referrer (copied by digest only)
    QString digest; // the source digest the last scan saw: the one thing copied
    QString mediaType;
    QString action = copyaction::New;
    QString replaces; // the target's digest the review showed for the tag; empty: absent
    int manifests = 0; // manifests the digest is made of (an index and its children)
    int blobs = 0; // distinct blobs of the item
    qint64 bytes = 0; // their declared sizes
    int pulls = 0; // manifest GETs at the source: what Docker Hub counts
    QString state = copystate::Planned;
    int httpStatus = 0;
    QString message;
};

struct CopyBatch
{
    qint64 id = 0;
    QDateTime createdAt;
    QString plan;
    QString sourceRegistry;
    QString targetRegistry;
    QString repository; // the target repository
    qint64 scan = 0; // the scan whose matrix it was planned from
    QString hash;
    QString status; // batchstatus::
    QString decidedBy;
    QDateTime decidedAt;
    QString decidedHash;
    QString comment;
    int manifests = 0;
    int blobs = 0; // distinct across the batch, beyond those the target already holds
    qint64 bytes = 0;
    int pulls = 0;
    QList<CopyItem> items; // loaded by batch(), not by batches()
    int itemCount = 0;
    int finalCount = 0;

    // The hash of what approval covers: registries, repositories, and every item's tag, digest,
    // action and the digest it replaces.
    QString recomputedHash() const;
};

// The copy tables of a Store: batches, items, runs, the journal, and the blobs Ferry knows a
// target repository holds (mount sources, and what resume need not send again). The decision,
// runs, journal and audit log are the tables every kind of batch shares (BatchTables).
class CopyStore : public BatchTables
{
public:
    explicit CopyStore(Store &store);

    bool addBatch(CopyBatch *batch);
    std::optional<CopyBatch> batch(qint64 id) const;
    QList<CopyBatch> batches() const;

    // Blobs known in a target repository (copied, mounted or found there by HEAD).
    bool recordBlob(const QString &registry, const QString &repository, const QString &digest);
    bool blobKnown(const QString &registry, const QString &repository, const QString &digest) const;
    // Another repository of the registry known to hold the blob: a mount source; empty: none.
    QString repositoryHolding(const QString &registry, const QString &digest, const QString &except) const;

    Store &store() { return m_store; }

private:
    Store &m_store;
};

// The copy kind: batches of digests a target lacks. An executed batch runs again for the items
// that failed.
const BatchKind &copyBatchKind();
// What the decision rules read of a copy batch (its items hashed when they were loaded).
BatchFacts batchFacts(const CopyBatch &batch);

} // namespace ferry
