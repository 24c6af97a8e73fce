// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "report/registries.h"

#include <QAbstractTableModel>

#include <optional>

namespace ferry {

class RegistriesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        RoleColumn,
        ReachableColumn,
        LatencyColumn,
        ErrorRateColumn,
        RequestsColumn,
        BudgetColumn,
        LastScanColumn,
        NumColumns
    };
    enum Role { SortRole = Qt::UserRole, HealthRole /* ok, warning, failing, unknown */ };

    explicit RegistriesModel(QObject *parent = nullptr);

    void setStatuses(QList<RegistryStatus> statuses);
    const RegistryStatus *statusAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<RegistryStatus> m_rows;
};

} // namespace ferry
