// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "store/storetopic.h"

namespace ferry {

// The clients' burn-down: after one references scan, per cluster and per registry the
// clients pull from (after their mirrors), how many references and how many could switch.
struct ClientCount
{
    QDateTime at;
    QString cluster;
    QString registry;
    int references = 0;
    int switchReady = 0;
};

// What a cluster runs (a pod's imageID), pins (@sha256:) or names by tag, in one plan registry
// and repository its content can come from (the registry it names, the one its mirrors pull
// from, the target and the target's replicas and caches). Cleanup never deletes it.
struct ReferenceHold
{
    QString registry; // the plan's registry
    QString repository;
    QString kind; // "runs", "pins" or "tag"
    QString value; // the digest (runs, pins) or the tag
    QString cluster;
    QString file;
    int line = 0;

    // "runs in berlin, pods.json:212", "pinned in hamburg, values.yaml:8",
    // "tag '1.2.0-rc.1' is named in hamburg, values.yaml:8".
    QString text() const;
};

// One references scan as the store keeps it.
struct RefsScanInfo
{
    qint64 id = 0;
    QDateTime at;
    QString clusters; // comma-separated
    int references = 0;
    int holds = 0;
};

// The clients' topic of the store: the burn-down counts, the references scans and what they hold
// (cleanup asks them). Same thread rule as the Store.
class ClientTables : public StoreTopic
{
public:
    // Reads and writes.
    explicit ClientTables(Store &store)
        : StoreTopic(store, "ClientTables")
    { }
    // Reads only: a write through it fails, with a warning.
    explicit ClientTables(const Store &store)
        : StoreTopic(store, "ClientTables")
    { }

    bool recordClientCounts(const QList<ClientCount> &counts);
    QList<ClientCount> clientCountHistory(const QDateTime &since = {}) const;
    // A references scan's holds (see ReferenceHold); the id in *id. Only the last few scans'
    // holds are kept: cleanup asks the last one.
    bool recordRefsScan(const RefsScanInfo &scan, const QList<ReferenceHold> &holds, qint64 *id = nullptr);
    std::optional<RefsScanInfo> lastRefsScan() const;
    // What the given refs scan (0: the last) holds in one registry's repository.
    QList<ReferenceHold> referenceHolds(const QString &registry, const QString &repository, qint64 scan = 0) const;
};

} // namespace ferry
