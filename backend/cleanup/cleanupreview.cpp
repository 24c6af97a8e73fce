// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The lead's side of a batch: approve, reject, take items out. No registry is touched here.

#include "cleanup/cleanupengine.h"
#include "store/clienttables.h"

#include "store/store.h"

namespace ferry {

QString CleanupExecResult::countsText() const
{
    QStringList parts;
    for (auto it = counts.begin(); it != counts.end(); ++it)
        parts << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
    return parts.join(QStringLiteral(", "));
}

bool CleanupExecResult::hasFailures() const
{
    return counts.value(itemstate::Failed) + counts.value(itemstate::Refused) + counts.value(itemstate::NotPermitted) > 0;
}

QString approvalBlocker(const CleanupBatch &b)
{
    if (const QString why = batchApprovalBlocker(cleanupBatchKind(), batchFacts(b)); !why.isEmpty())
        return why;
    if (!b.listingComplete)
        return QStringLiteral("batch %1 was planned from an incomplete listing (%2); it cannot be approved").arg(b.id).arg(b.listingNote);
    if (b.deleteCount == 0)
        return QStringLiteral("batch %1 deletes nothing; there is nothing to approve").arg(b.id);
    return {};
}

QString refsStaleness(const CleanupBatch &b, const std::optional<RefsScanInfo> &last, const QDateTime &now)
{
    if (!b.refsRequired)
        return {};
    if (!last)
        return QStringLiteral("no refs scan in the database: what the clusters run and pin is unknown");
    if (b.refsScan == 0)
        return QStringLiteral("batch %1 was planned before any refs scan: what the clusters run and pin was not asked").arg(b.id);
    const qint64 age = last->at.secsTo(now);
    if (age > b.refsMaxAgeSeconds)
        return QStringLiteral("the last refs scan is %1 old, beyond cleanup.refs-max-age (%2): what the clusters run now is unknown")
            .arg(ageText(age), ageText(b.refsMaxAgeSeconds));
    return {};
}

QString CleanupEngine::approve(qint64 batchId, const QString &actor, const QString &comment, const QString &expectedHash,
                               bool withoutFreshRefs)
{
    auto b = m_cleanup.batch(batchId);
    if (!b)
        return QStringLiteral("there is no batch %1").arg(batchId);
    if (const QString why = approvalBlocker(*b); !why.isEmpty())
        return why;
    if (!expectedHash.isEmpty() && expectedHash != b->hash)
        return QStringLiteral("batch %1 holds %2, not the reviewed %3; review it again").arg(batchId).arg(b->hash, expectedHash);
    if (actor.trimmed().isEmpty())
        return QStringLiteral("an approval names who gives it: give a name");
    const QString stale = refsStaleness(*b, ClientTables(m_store).lastRefsScan(), QDateTime::currentDateTimeUtc());
    if (!stale.isEmpty() && !withoutFreshRefs)
        return QStringLiteral("batch %1 cannot be approved: %2. Run ferryctl refs scan --plan PLAN and plan again, or approve without a "
                              "fresh refs scan (--without-fresh-refs), which the review, the journal and the reports will show")
            .arg(batchId)
            .arg(stale);
    const QString who = actor.trimmed();
    if (!m_cleanup.decide(batchId, batchstatus::Approved, who, b->hash, comment, {batchstatus::Planned}, stale))
        return m_cleanup.lastError();
    m_cleanup.audit(who, QStringLiteral("approve"), batchId,
                    QStringLiteral("hash %1%2%3")
                        .arg(b->hash, comment.isEmpty() ? QString() : QStringLiteral(": ") + comment,
                             stale.isEmpty() ? QString() : QStringLiteral("; WITHOUT A FRESH REFS SCAN: ") + stale));
    return {};
}

QString CleanupEngine::reject(qint64 batchId, const QString &actor, const QString &comment)
{
    auto b = m_cleanup.batch(batchId);
    if (!b)
        return QStringLiteral("there is no batch %1").arg(batchId);
    if (const QString why = batchRejectionBlocker(cleanupBatchKind(), batchFacts(*b)); !why.isEmpty())
        return why;
    const QString who = batchActor(actor);
    if (!m_cleanup.decide(batchId, batchstatus::Rejected, who, b->hash, comment, {batchstatus::Planned, batchstatus::Approved}))
        return m_cleanup.lastError();
    m_cleanup.audit(who, QStringLiteral("reject"), batchId, comment);
    return {};
}

QString CleanupEngine::removeItems(qint64 batchId, const QList<int> &seqs, const QString &actor, const QString &comment, qint64 *newBatch)
{
    auto b = m_cleanup.batch(batchId);
    if (!b)
        return QStringLiteral("there is no batch %1").arg(batchId);
    if (b->status != batchstatus::Planned && b->status != batchstatus::Approved)
        return QStringLiteral("batch %1 is %2; items can be removed only before execution").arg(batchId).arg(b->status);
    if (b->recomputedHash() != b->hash)
        return QStringLiteral("batch %1 was altered after planning; plan again").arg(batchId);
    QSet<QString> removed;
    for (const CleanupItem &i : std::as_const(b->items)) {
        if (!seqs.contains(i.seq))
            continue;
        if (i.action != u"delete")
            return QStringLiteral("item %1 of batch %2 is not a deletion").arg(i.seq).arg(batchId);
        removed.insert(i.digest);
    }
    if (removed.size() != seqs.size())
        return QStringLiteral("batch %1 has no item %2").arg(batchId).arg([&] {
            QStringList missing;
            for (int s : seqs)
                if (std::none_of(b->items.begin(), b->items.end(), [s](const CleanupItem &i) { return i.seq == s; }))
                    missing << QString::number(s);
            return missing.join(QStringLiteral(", "));
        }());
    // What depended on a removed item stays too: its index or subject is kept now.
    bool changed = true;
    while (changed) {
        changed = false;
        for (CleanupItem &i : b->items) {
            if (i.action != u"delete" || removed.contains(i.digest))
                continue;
            for (const QString &d : std::as_const(i.dependsOn)) {
                if (removed.contains(d)) {
                    removed.insert(i.digest);
                    i.holdReason = QStringLiteral("depends on %1, which the reviewer removed from the batch").arg(d.left(19));
                    changed = true;
                    break;
                }
            }
        }
    }
    CleanupBatch nb = *b;
    nb.id = 0;
    nb.derivedFrom = batchId;
    nb.status = batchstatus::Planned;
    nb.createdAt = QDateTime::currentDateTimeUtc();
    nb.items.clear();
    QList<CleanupItem> keeps;
    for (CleanupItem i : std::as_const(b->items)) {
        if (i.action == u"delete" && removed.contains(i.digest)) {
            if (seqs.contains(i.seq))
                i.holdReason = QStringLiteral("removed by %1 at review%2")
                                   .arg(batchActor(actor), comment.isEmpty() ? QString() : QStringLiteral(": ") + comment);
            i.action = QStringLiteral("keep");
            i.state = itemstate::Kept;
            i.parents.clear();
            i.dependsOn.clear();
            keeps.append(i);
        } else if (i.action == u"delete") {
            nb.items.append(i);
        } else {
            keeps.append(i);
        }
    }
    nb.items += keeps;
    for (int i = 0; i < nb.items.size(); ++i)
        nb.items[i].seq = i + 1;
    nb.hash = batchHash(nb.content());
    if (!m_cleanup.addBatch(&nb))
        return m_cleanup.lastError();
    m_cleanup.setStatus(batchId, batchstatus::Superseded);
    m_cleanup.audit(batchActor(actor), QStringLiteral("remove items"), batchId,
                    QStringLiteral("removed %1 item(s); new batch %2, hash %3%4")
                        .arg(removed.size())
                        .arg(nb.id)
                        .arg(nb.hash, comment.isEmpty() ? QString() : QStringLiteral(": ") + comment));
    *newBatch = nb.id;
    return {};
}

} // namespace ferry
