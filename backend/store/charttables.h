// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "store/storetopic.h"

namespace ferry {

// One version of one chart after a charts scan: what the HTTP index and the OCI registry hold
// (the RFC's stage 3). state: same, missing-in-oci, only-in-oci, different-content, deprecated,
// or unknown when a side could not be read.
struct ChartVersionRow
{
    QString chart;
    QString version;
    QString state;
    QString httpDigest; // the index's digest: sha256 of the .tgz
    QString ociDigest; // the chart layer's digest in OCI
    QString manifestDigest; // the OCI manifest holding that layer
    QString appVersion;
    QDateTime created; // the index's created, else the OCI manifest's annotation
    bool deprecated = false;
    QString url; // the .tgz, absolute
    QString reason; // why the state, for people
    // The target's replicas: registry -> same (the target's manifest), missing, different, unknown.
    QMap<QString, QString> replicas;
};

// One charts scan of one chart repository.
struct ChartScanRecord
{
    qint64 id = 0;
    QDateTime at;
    QString repository; // the plan's chart repository
    QString indexUrl;
    int versions = 0;
    QString error; // what could not be read; rows may still be there (unknown)
};

// The charts' topic of the store: each charts scan with its versions. Same thread rule as the Store.
class ChartTables : public StoreTopic
{
public:
    // Reads and writes.
    explicit ChartTables(Store &store)
        : StoreTopic(store, "ChartTables")
    { }
    // Reads only: a write through it fails, with a warning.
    explicit ChartTables(const Store &store)
        : StoreTopic(store, "ChartTables")
    { }

    // Charts scans: each keeps its versions, so that two can be compared. Returns the id, 0 on failure.
    qint64 recordChartScan(const ChartScanRecord &scan, const QList<ChartVersionRow> &rows);
    // Oldest first; repository empty: every repository's.
    QList<ChartScanRecord> chartScans(const QString &repository = {}) const;
    // The last scan of each chart repository, by name.
    QMap<QString, ChartScanRecord> latestChartScans() const;
    QList<ChartVersionRow> chartVersions(qint64 scanId) const;
};

} // namespace ferry
