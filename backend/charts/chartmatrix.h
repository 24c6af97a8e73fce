// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "store/chartstate.h"

#include "clients/inventory.h"
#include "parse/helmindex.h"
#include "plan/plan.h"
#include "store/charttables.h"
#include "store/store.h"

#include <QList>
#include <QMap>

namespace ferry {

// One version of a chart as an OCI artifact (helm push): the tag, the manifest, its chart layer
// (application/vnd.cncf.helm.chart.content.v1.tar+gzip) and Chart.yaml's fields from the config.
struct OciChartVersion
{
    QString tag;
    QString version; // from the config's version, else the tag with '_' read as '+'
    QString manifestDigest;
    QString layerDigest;
    QString appVersion;
    bool deprecated = false;
    QDateTime created; // org.opencontainers.image.created
    QString error; // this tag could not be read, or is not a chart
};

// What the OCI side holds of one chart: its repository's tags, read.
struct OciChartListing
{
    QString chart;
    QString repository;
    bool complete = false; // the tag listing was whole and every tag was read
    QString error; // the listing failed (a chart the registry does not know is complete and empty)
    QList<OciChartVersion> versions;
};

// Per chart and version of one chart repository: the state of the HTTP and OCI sides, in
// chart and semver order. Versions the repository's filter excludes are left out.
QList<ChartVersionRow> compareCharts(const ChartRepository &repo, const QList<HelmChartVersion> &http, const QList<OciChartListing> &oci);

// Counts by state, every state present (0 where none).
QMap<QString, int> chartStateCounts(const QList<ChartVersionRow> &rows);

// The App Catalog: per chart, the last N versions by semver, newest first, as the catalog shows
// them from OCI once discovery moves there, next to what the HTTP index shows today.
// Deprecated versions and prereleases are not shown (the catalog's default).
struct CatalogEntry
{
    QString chart;
    QStringList oci; // the catalog from OCI
    QStringList http; // the catalog from the index
    QStringList lostOnSwitch; // in http's list, not in oci's: gone from the catalog when discovery switches
};
QList<CatalogEntry> appCatalog(const QList<ChartVersionRow> &rows, int size);

// Whether the HTTP repository can be retired: every version it holds is in OCI with the same
// content digest. files: what to remove (chart, version, url, digest); blockers: why not yet.
struct ChartRetirement
{
    QList<ChartVersionRow> files;
    QStringList blockers;
    bool ready() const { return blockers.isEmpty() && !files.isEmpty(); }
};
ChartRetirement planRetirement(const ChartScanRecord &scan, const QList<ChartVersionRow> &rows);

// Two scans of one repository compared: versions that appeared, left, or changed state.
struct ChartChange
{
    QString chart;
    QString version;
    QString before; // state, empty: not there
    QString after;
};
QList<ChartChange> diffChartScans(const QList<ChartVersionRow> &before, const QList<ChartVersionRow> &after);

// Flux HelmReleases and where their charts come from.
struct ReleaseSource
{
    ChartReleaseRef release;
    QString via; // http, oci, or unknown (the source is not among the files read)
    QString url; // the source's URL
    QString repository; // the plan's chart repository that index belongs to, if any
    QString state; // the chart version's state there, when the release pins one version
};
QList<ReleaseSource> releaseSources(const Inventory &inventory, const Plan &plan, const QMap<QString, QList<ChartVersionRow>> &latestRows);

} // namespace ferry
