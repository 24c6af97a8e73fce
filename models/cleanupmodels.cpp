// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "cleanupmodels.h"

#include "columntitles.h"

#include <QBrush>
#include <QColor>

namespace ferry {

QString humanBytes(qint64 b)
{
    if (b <= 0)
        return QStringLiteral("–");
    if (b >= (qint64(1) << 30))
        return QStringLiteral("%1 GiB").arg(b / double(qint64(1) << 30), 0, 'f', 1);
    if (b >= (1 << 20))
        return QStringLiteral("%1 MiB").arg(b / double(1 << 20), 0, 'f', 1);
    if (b >= 1024)
        return QStringLiteral("%1 KiB").arg(b / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 B").arg(b);
}

namespace {

QColor statusColour(const QString &status)
{
    if (status == itemstate::Deleted || status == itemstate::WouldDelete)
        return severityColour(Severity::Ok);
    if (status == itemstate::Failed || status == itemstate::Refused || status == itemstate::NotPermitted)
        return severityColour(Severity::Error);
    if (status == itemstate::Sending || status == itemstate::Skipped)
        return severityColour(Severity::Warning);
    if (status == itemstate::Kept || status == itemstate::AlreadyAbsent)
        return severityColour(Severity::Muted);
    return severityColour(batchStatusSeverity(status)); // a batch's status, or an item still planned
}

} // namespace

void CleanupBatchModel::setBatches(QList<CleanupBatch> batches)
{
    beginResetModel();
    m_batches = std::move(batches);
    endResetModel();
}

const CleanupBatch *CleanupBatchModel::batchAt(int row) const
{
    return row >= 0 && row < m_batches.size() ? &m_batches[row] : nullptr;
}

int CleanupBatchModel::rowOf(qint64 id) const
{
    for (int i = 0; i < m_batches.size(); ++i)
        if (m_batches[i].id == id)
            return i;
    return -1;
}

int CleanupBatchModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_batches.size());
}

int CleanupBatchModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : NumColumns;
}

QVariant CleanupBatchModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const CleanupBatch &b = m_batches[index.row()];
    if (role == BatchIdRole)
        return b.id;
    if (role == Qt::BackgroundRole && index.column() == StatusColumn)
        return QBrush(statusColour(b.status));
    if (role == Qt::TextAlignmentRole &&
        (index.column() == DeletesColumn || index.column() == HeldColumn || index.column() == SizeColumn || index.column() == IdColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        if (!b.listingComplete)
            return tr("Planned from an incomplete listing: %1. It cannot be approved or executed; plan again.").arg(b.listingNote);
        return tr("Hash of exactly what this batch holds: %1").arg(b.hash);
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case IdColumn: return b.id;
    case RepositoryColumn: return QString(b.registry + u'/' + b.repository);
    case StatusColumn:
        if (!b.listingComplete)
            return tr("blocked (incomplete listing)");
        if (b.status == batchstatus::Executing)
            return tr("executing %1/%2").arg(b.finalCount).arg(b.deleteCount);
        return b.status;
    case DeletesColumn: return b.deleteCount;
    case HeldColumn: return b.keepCount;
    case SizeColumn: return humanBytes(b.bytes);
    case DecidedColumn:
        return b.decidedBy.isEmpty()
            ? QString()
            : tr("%1, %2").arg(b.decidedBy, b.decidedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    case HashColumn: return b.hash.mid(7, 12);
    }
    return {};
}

QVariant CleanupBatchModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const std::array<const char *, NumColumns> titles{QT_TR_NOOP("Batch"),      QT_TR_NOOP("Registry / repository"),
                                                             QT_TR_NOOP("Status"),     QT_TR_NOOP("Delete"),
                                                             QT_TR_NOOP("Held back"),  QT_TR_NOOP("Size"),
                                                             QT_TR_NOOP("Decided by"), QT_TR_NOOP("Hash")};
    return columnTitle(staticMetaObject, titles, section, orientation, role);
}

void CleanupItemModel::setItems(QList<CleanupItem> items)
{
    beginResetModel();
    m_items = std::move(items);
    endResetModel();
}

const CleanupItem *CleanupItemModel::itemAt(int row) const
{
    return row >= 0 && row < m_items.size() ? &m_items[row] : nullptr;
}

void CleanupItemModel::setState(int seq, const QString &state, const QString &outcome)
{
    for (int i = 0; i < m_items.size(); ++i) {
        if (m_items[i].seq != seq)
            continue;
        m_items[i].state = state;
        m_items[i].outcome = outcome;
        Q_EMIT dataChanged(index(i, 0), index(i, NumColumns - 1));
        return;
    }
}

int CleanupItemModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

int CleanupItemModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : NumColumns;
}

QVariant CleanupItemModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const CleanupItem &i = m_items[index.row()];
    const bool keep = i.action != u"delete";
    switch (role) {
    case SeqRole: return i.seq;
    case ActionRole: return i.action;
    case Qt::BackgroundRole:
        if (index.column() == ActionColumn)
            return QBrush(keep ? QColor(0xe4, 0xe4, 0xe7) : QColor(0xfb, 0xdc, 0xd7));
        if (index.column() == StateColumn)
            return QBrush(statusColour(i.state));
        return {};
    case Qt::ToolTipRole:
        if (index.column() == WhyColumn || index.column() == PolicyColumn)
            return keep ? tr("Held back: %1").arg(i.holdReason) : tr("%1\nChecked: %2").arg(i.reason, i.checks.join(QStringLiteral("; ")));
        if (index.column() == DigestColumn)
            return i.digest;
        return i.outcome.isEmpty() ? QVariant() : QVariant(i.outcome);
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeqColumn: return i.seq;
        case ActionColumn: return keep ? tr("keep") : tr("DELETE");
        case DigestColumn: return i.digest.mid(7, 12);
        case TagsColumn: return i.tags.isEmpty() ? tr("(untagged)") : i.tags.join(QStringLiteral(", "));
        case PolicyColumn: return i.policy;
        case WhyColumn: return keep ? i.holdReason : i.reason;
        case StateColumn: return i.state;
        }
        return {};
    }
    return {};
}

QVariant CleanupItemModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const std::array<const char *, NumColumns> titles{
        QT_TR_NOOP("#"),      QT_TR_NOOP("Action"), QT_TR_NOOP("Digest"), QT_TR_NOOP("Tags that go with it"),
        QT_TR_NOOP("Policy"), QT_TR_NOOP("Why"),    QT_TR_NOOP("State")};
    return columnTitle(staticMetaObject, titles, section, orientation, role);
}

} // namespace ferry
