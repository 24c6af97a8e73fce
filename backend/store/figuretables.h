// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "store/storetopic.h"

namespace ferry {

// The registries' figures: the plan's registries as the last scan recorded them, each scan's
// requests, failures and latency per registry, Docker Hub's budget readings. Same thread rule as
// the Store.
class FigureTables : public StoreTopic
{
public:
    // Reads and writes.
    explicit FigureTables(Store &store)
        : StoreTopic(store, "FigureTables")
    { }
    // Reads only: a write through it fails, with a warning.
    explicit FigureTables(const Store &store)
        : StoreTopic(store, "FigureTables")
    { }

    bool recordRegistries(const QList<RegistryRecord> &registries);
    QList<RegistryRecord> registries() const;

    QList<RateLimitRecord> rateLimits(const QDateTime &since = {}) const;
    bool recordRegistryStats(const QList<RegistryScanStats> &stats);
    // Per registry, the figures of the last scan that touched it (a quick round counts).
    QList<RegistryScanStats> latestRegistryStats() const;
    // One registry's figures over the scans since a time, oldest first.
    QList<RegistryScanStats> registryStatsHistory(const QString &registry, const QDateTime &since = {}) const;

    bool recordRateLimit(qint64 scanId, const QString &registry, const RateLimitReading &reading);
};

} // namespace ferry
