// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "charts/chartscan.h"
#include "cleanup/cleanupstore.h"

namespace ferry {

// Retiring an HTTP chart repository (cleanup policy kind http-chart-repository), as batches
// are reviewed and approved: a batch per cleanup.batch-size files, planned from the last
// charts scan only when every version the index holds is in OCI with the same content
// digest. Each item is one .tgz: tags ["chart:version"], digest the index's, verifyIn the
// OCI repository and tag that holds the same chart layer.
struct ChartRetirePlan
{
    QList<qint64> batches;
    ChartRetirement retirement;
    QString error; // no policy, no scan: nothing was planned
};
ChartRetirePlan planChartRetirement(const Plan &plan, Store &store, const QString &repository);

// Runs an approved batch (or dry-runs it): the index read again (the version must still be
// that .tgz), the OCI side read again (a tag must still hold that chart layer), then each file
// DELETEd through the repository's delete-api, or marked exported for the lead to remove when
// it has none. Anything not verified again is kept. Every step goes to the batch's journal.
struct ChartRetireRun
{
    qint64 batch = 0;
    qint64 run = 0;
    QString refused; // the batch was not run, or its run stopped before its last item, and why
    QList<CleanupItem> items;
    QMap<QString, int> counts; // by item state
};
ChartRetireRun executeChartRetirement(const Plan &plan, Store &store, NetworkService &network, const ChartScanInput &input, qint64 batchId,
                                      bool dryRun, const QString &actor);

// chart and version of a retirement item ("chart:version").
QPair<QString, QString> retireItemChart(const CleanupItem &item);
// The .tgz's URL of a retirement item (its reason starts with it).
QString retireItemUrl(const CleanupItem &item);

} // namespace ferry
