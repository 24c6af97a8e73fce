// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "charts/chartmatrix.h"
#include "registry/registryconfig.h"
#include "store/charttables.h"

#include <QSet>

#include <functional>

namespace ferry {

class NetworkService;

// One chart repository read on both sides: the HTTP index, and for each of its charts the OCI
// repository's tags, manifests and chart configs. Blocks the calling thread (a command's, or
// a pool thread's: never the GUI's); the requests run on the network threads.
struct ChartScanResult
{
    ChartScanRecord record; // error: the index could not be read
    HelmIndex index;
    QList<OciChartListing> oci;
    QList<ChartVersionRow> rows;
    QStringList warnings;
};

struct ChartScanInput
{
    ChartRepository repository;
    RegistryConfig http; // the index's server, credentials resolved
    RegistryConfig target; // the OCI registry, credentials resolved
    QList<RegistryConfig> replicas; // the target's replicas (plan role replica, of the target)
    // Only these charts (the retirement reads again what its batch holds); empty: every chart of
    // the index and every chart repository the registry's catalog lists under the prefix.
    QSet<QString> onlyCharts;
};

using ChartScanProgress = std::function<void(const QString &what, qint64 done, qint64 total)>;
// The scan's input for one of the plan's chart repositories, from the registries' resolved
// configurations (Workspace::registryConfigs) and the plan.
ChartScanInput chartScanInput(const Plan &plan, const ChartRepository &repo, const QMap<QString, RegistryConfig> &configs,
                              QStringList *errors);
ChartScanResult scanChartRepository(const ChartScanInput &input, NetworkService &network, const ChartScanProgress &progress = {});

// One chart repository scanned and recorded: what every face says about it.
struct ChartsScanOutcome
{
    QString repository;
    qint64 scan = 0; // the recorded scan; 0 when it could not be recorded (storeError)
    QString error; // the index could not be read
    QStringList warnings; // the plan's registries, the index's entries
    QStringList partial; // OCI repositories read only in part, "repository: why": their versions are unknown
    QMap<QString, int> counts; // by chart state
    QString storeError;
    bool failed() const { return !error.isEmpty() || !partial.isEmpty() || !storeError.isEmpty(); }
};
using ChartsScanProgress = std::function<void(const QString &repository, const QString &what, qint64 done, qint64 total)>;
// The charts scan, for the window and ferryctl alike: each chart repository of the plan (or the
// one named only), read and recorded in store. Stops at the first repository the store refuses.
QList<ChartsScanOutcome> scanAndRecordCharts(const Plan &plan, const QMap<QString, RegistryConfig> &configs, NetworkService &network,
                                             Store &store, const QString &only = {}, const ChartsScanProgress &progress = {});

// The OCI side only, for tests and the retirement's re-check: one chart's tags, read.
OciChartListing readOciChart(const ChartScanInput &input, NetworkService &network, const QString &chart);

// Retires one version on the HTTP side through a ChartMuseum-style API:
// DELETE <deleteApi>/<chart>/<version>. Deleted, AlreadyAbsent (404), or what failed.
struct ChartDeleteResult
{
    bool ok = false;
    int status = 0;
    QString message;
};
ChartDeleteResult deleteHttpChartVersion(const ChartScanInput &input, NetworkService &network, const QString &chart,
                                         const QString &version);

} // namespace ferry
