// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "store/store.h"

#include <QAbstractTableModel>

#include <optional>

namespace ferry {

// One registry of the plan as the dashboard shows it: its role and what the last scan that
// touched it saw (reachability, latency, error rate, requests), and its pull budget where
// the registry reports one (Docker Hub's RateLimit headers).
struct RegistryStatus
{
    QString name;
    QString role; // target, source, replica, cache, legacy; "Hub API" for Docker Hub's API client
    QString of; // a replica's or cache's target
    qint64 lagSloSeconds = 0;
    std::optional<RegistryScanStats> stats;
    std::optional<RateLimitRecord> budget;
};

// Joins the plan's registries, their latest per-scan figures and their latest budget reading.
QList<RegistryStatus> registryStatuses(const QList<RegistryRecord> &registries, const QList<RegistryScanStats> &stats,
                                       const QList<RateLimitRecord> &rateLimits);

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
    // "ok", "warning" (errors or budget under 20 %), "failing" (unreachable), "unknown" (not scanned).
    static QString health(const RegistryStatus &s);
    static QString budgetText(const RateLimitRecord &r);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<RegistryStatus> m_rows;
};

} // namespace ferry
