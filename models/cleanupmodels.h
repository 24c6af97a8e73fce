// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "severitycolour.h"

#include "cleanup/cleanupstore.h"

#include <QAbstractTableModel>
#include <QColor>

namespace ferry {

// The cleanup batches, one row each: what the lead reviews before approving.
class CleanupBatchModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IdColumn, RepositoryColumn, StatusColumn, DeletesColumn, HeldColumn, SizeColumn, DecidedColumn, HashColumn, NumColumns };
    enum Role { BatchIdRole = Qt::UserRole + 1 };
    using QAbstractTableModel::QAbstractTableModel;

    void setBatches(QList<CleanupBatch> batches);
    const CleanupBatch *batchAt(int row) const;
    int rowOf(qint64 id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<CleanupBatch> m_batches;
};

// The items of one batch: every digest, every tag that goes with it, why, and where the
// journal has it now. Held-back items are listed too, with the reason they stay.
class CleanupItemModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { SeqColumn, ActionColumn, DigestColumn, TagsColumn, PolicyColumn, WhyColumn, StateColumn, NumColumns };
    enum Role { SeqRole = Qt::UserRole + 1, ActionRole };
    using QAbstractTableModel::QAbstractTableModel;

    void setItems(QList<CleanupItem> items);
    const CleanupItem *itemAt(int row) const;
    // Updates one item's state in place (a journal entry arrived).
    void setState(int seq, const QString &state, const QString &outcome);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<CleanupItem> m_items;
};

QString humanBytes(qint64 bytes);

} // namespace ferry
