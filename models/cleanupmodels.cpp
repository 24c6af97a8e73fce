// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "cleanupmodels.h"

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
    if (status == batchstatus::Approved || status == itemstate::Deleted || status == itemstate::WouldDelete)
        return QColor(0xe3, 0xf4, 0xe1);
    if (status == batchstatus::Rejected || status == itemstate::Failed || status == itemstate::Refused || status == itemstate::NotPermitted)
        return QColor(0xfb, 0xdc, 0xd7);
    if (status == batchstatus::Executing || status == itemstate::Sending || status == itemstate::Skipped)
        return QColor(0xfd, 0xeb, 0xc8);
    if (status == batchstatus::Superseded || status == itemstate::Kept || status == itemstate::AlreadyAbsent)
        return QColor(0xe4, 0xe4, 0xe7);
    return QColor(0xe6, 0xee, 0xfa);
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
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CleanupBatchModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const CleanupBatch &b = m_batches[index.row()];
    if (role == BatchIdRole)
        return b.id;
    if (role == Qt::BackgroundRole && index.column() == Status)
        return QBrush(statusColour(b.status));
    if (role == Qt::TextAlignmentRole &&
        (index.column() == Deletes || index.column() == Held || index.column() == Size || index.column() == Id))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        if (!b.listingComplete)
            return tr("Planned from an incomplete listing: %1. It cannot be approved or executed; plan again.").arg(b.listingNote);
        return tr("Hash of exactly what this batch holds: %1").arg(b.hash);
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Id: return b.id;
    case Repository: return QString(b.registry + u'/' + b.repository);
    case Status:
        if (!b.listingComplete)
            return tr("blocked (incomplete listing)");
        if (b.status == batchstatus::Executing)
            return tr("executing %1/%2").arg(b.finalCount).arg(b.deleteCount);
        return b.status;
    case Deletes: return b.deleteCount;
    case Held: return b.keepCount;
    case Size: return humanBytes(b.bytes);
    case Decided:
        return b.decidedBy.isEmpty()
            ? QString()
            : tr("%1, %2").arg(b.decidedBy, b.decidedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    case Hash: return b.hash.mid(7, 12);
    }
    return {};
}

QVariant CleanupBatchModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Id: return tr("Batch");
    case Repository: return tr("Registry / repository");
    case Status: return tr("Status");
    case Deletes: return tr("Delete");
    case Held: return tr("Held back");
    case Size: return tr("Size");
    case Decided: return tr("Decided by");
    case Hash: return tr("Hash");
    }
    return {};
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
        Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
        return;
    }
}

int CleanupItemModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

int CleanupItemModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
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
        if (index.column() == Action)
            return QBrush(keep ? QColor(0xe4, 0xe4, 0xe7) : QColor(0xfb, 0xdc, 0xd7));
        if (index.column() == State)
            return QBrush(statusColour(i.state));
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Why || index.column() == Policy)
            return keep ? tr("Held back: %1").arg(i.holdReason) : tr("%1\nChecked: %2").arg(i.reason, i.checks.join(QStringLiteral("; ")));
        if (index.column() == Digest)
            return i.digest;
        return i.outcome.isEmpty() ? QVariant() : QVariant(i.outcome);
    case Qt::DisplayRole:
        switch (index.column()) {
        case Seq: return i.seq;
        case Action: return keep ? tr("keep") : tr("DELETE");
        case Digest: return i.digest.mid(7, 12);
        case Tags: return i.tags.isEmpty() ? tr("(untagged)") : i.tags.join(QStringLiteral(", "));
        case Policy: return i.policy;
        case Why: return keep ? i.holdReason : i.reason;
        case State: return i.state;
        }
        return {};
    }
    return {};
}

QVariant CleanupItemModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Seq: return tr("#");
    case Action: return tr("Action");
    case Digest: return tr("Digest");
    case Tags: return tr("Tags that go with it");
    case Policy: return tr("Policy");
    case Why: return tr("Why");
    case State: return tr("State");
    }
    return {};
}

} // namespace ferry
