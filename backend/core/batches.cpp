// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "core/batches.h"

#include "cleanup/cleanupstore.h"
#include "copy/copystore.h"

#include <QLocale>

namespace ferry {

namespace {

QString bytesText(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

BatchListing listing(const CleanupBatch &b)
{
    BatchListing l{cleanupBatchKind().name,
                   b.id,
                   b.createdAt,
                   b.plan,
                   QStringLiteral("%1 %2").arg(b.registry, b.repository),
                   QStringLiteral("%1 deletion(s), %2 held, %3").arg(b.deleteCount).arg(b.keepCount).arg(bytesText(b.bytes)),
                   b.status,
                   b.hash,
                   b.deleteCount,
                   b.finalCount,
                   b.decidedBy,
                   b.decidedAt,
                   {},
                   Severity::Info};
    return l;
}

BatchListing listing(const CopyBatch &b)
{
    BatchListing l{copyBatchKind().name,
                   b.id,
                   b.createdAt,
                   b.plan,
                   QStringLiteral("%1 -> %2/%3").arg(b.sourceRegistry, b.targetRegistry, b.repository),
                   QStringLiteral("%1 item(s), %2 to send, %3 pull(s)").arg(b.itemCount).arg(bytesText(b.bytes)).arg(b.pulls),
                   b.status,
                   b.hash,
                   b.itemCount,
                   b.finalCount,
                   b.decidedBy,
                   b.decidedAt,
                   {},
                   Severity::Info};
    return l;
}

} // namespace

QStringList batchKindNames()
{
    return {cleanupBatchKind().name, copyBatchKind().name};
}

QString batchNextStep(const QString &kind, const QString &status, int items, int finalItems)
{
    if (status == batchstatus::Planned)
        return QStringLiteral("review, then approve or reject");
    if (status == batchstatus::Approved)
        return QStringLiteral("execute (ferryctl %1 execute)").arg(kind);
    if (status == batchstatus::Executing)
        return QStringLiteral("running, or interrupted: ferryctl %1 resume").arg(kind);
    if (status == batchstatus::Executed && finalItems < items)
        return QStringLiteral("%1 item(s) not final: ferryctl %2 resume").arg(items - finalItems).arg(kind);
    return {};
}

QList<BatchListing> listBatches(Store &store, const QString &kind)
{
    QList<BatchListing> out;
    if (kind.isEmpty() || kind == cleanupBatchKind().name)
        for (const CleanupBatch &b : CleanupStore(store).batches())
            out.append(listing(b));
    if (kind.isEmpty() || kind == copyBatchKind().name)
        for (const CopyBatch &b : CopyStore(store).batches())
            out.append(listing(b));
    for (BatchListing &l : out) {
        l.next = batchNextStep(l.kind, l.status, l.items, l.finalItems);
        l.severity = batchStatusSeverity(l.status);
    }
    return out;
}

std::optional<BatchRef> parseBatchRef(const QString &text, QString *error)
{
    const qsizetype colon = text.indexOf(u':');
    const QString kind = text.left(colon).trimmed();
    bool ok = false;
    const qint64 id = colon < 0 ? 0 : text.mid(colon + 1).toLongLong(&ok);
    if (colon < 0 || !batchKindNames().contains(kind) || !ok || id <= 0) {
        if (error)
            *error = QStringLiteral("'%1' names no batch: give KIND:N, with KIND one of %2 (ferryctl batch list shows them)")
                         .arg(text, batchKindNames().join(QStringLiteral(", ")));
        return std::nullopt;
    }
    return BatchRef{kind, id};
}

} // namespace ferry
