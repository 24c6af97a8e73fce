// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "charts/chartmatrix.h"

namespace ferry {

struct Plan;
class Store;

// What the dashboard's Charts page shows of one chart repository, the window's and the
// terminal's alike: its last charts scan with every version's state, the App Catalog as it
// will read from OCI, and whether the HTTP repository can be retired.
struct ChartRepositoryView
{
    ChartScanRecord scan;
    QList<ChartVersionRow> rows;
    QList<CatalogEntry> catalog;
    ChartRetirement retirement;
    int catalogSize = 5;
};

struct ChartsData
{
    QList<ChartRepositoryView> repositories;
    QList<ReleaseSource> releases;
    QString error;
};

// The last charts scan of every repository, and the Flux releases of the plan's clients
// (plan may be null: no catalog sizes, no releases). On a pool thread, as Workspace::read does.
ChartsData readChartsData(const Plan *plan, Store &store);

// "app-catalog: 7 of 9 versions of the HTTP index are in OCI with the same content (77 %). …"
QString chartRepositorySummary(const ChartRepositoryView &v);

// Whether the HTTP repository can be retired and the commands that do it, or what stands in the way.
QString retirementText(const ChartRepositoryView &v);

// How many of the Flux releases still resolve their chart over HTTP.
int releasesOverHttp(const ChartsData &data);

} // namespace ferry
