// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "matrix/severity.h"
#include "store/store.h"

#include <QMap>

#include <optional>

namespace ferry {

// One registry of the plan as every face shows it: its role and what the last scan that
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
    int pullsNeeded = 0; // by the copy batches not done yet (planned or approved) with this source
};

// Joins the plan's registries, their latest per-scan figures and their latest budget reading,
// in the RFC's order (sources, the target, replicas, caches, legacy registries).
QList<RegistryStatus> registryStatuses(const QList<RegistryRecord> &registries, const QList<RegistryScanStats> &stats,
                                       const QList<RateLimitRecord> &rateLimits);

// The one registry-health rule: "unknown" (not scanned), "failing" (nothing answered, or every
// listing of the last scan failed), "warning" (failures, a failed listing, or a pull budget under
// a fifth of its limit), else "ok".
QString registryHealth(const RegistryStatus &s);
// ok: ok; warning: warning; failing: error; unknown: muted.
Severity registryHealthSeverity(const QString &health);
// "12 of 100 left per 6h", or "not reported".
QString budgetText(const RateLimitRecord &r);
// What the copies not done yet need of the registry's budget ("48 pulls needed, 12 of 100 left;
// at 100 per 6 h the rest takes about 2.2 h"); empty when no copy needs a pull there.
QString copyBudgetText(const RegistryStatus &s);

// What the Registries pages read: the statuses, each registry's figures over the history asked
// for, and what the last scan could not read.
struct RegistriesRead
{
    QList<RegistryStatus> statuses;
    QMap<QString, QList<RegistryScanStats>> history; // by registry, oldest first
    QStringList lastScanErrors;
    QString error; // the database could not be read
};
// historySince invalid: no history.
RegistriesRead readRegistries(Store &store, const QDateTime &historySince);

} // namespace ferry
