// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "parse/clientref.h"
#include "parse/hoststoml.h"
#include "plan/plan.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace ferry {

// One image reference found in a client's configuration.
struct ClientReference
{
    ClientRef ref;
    QString written; // as it stands in the file
    QString cluster;
    QString customer;
    QString file;
    int line = 0;
    QString kind; // Pod, Deployment, …, values, HelmRelease, OCIRepository
    QString object; // namespace/name, or the values key path
    QString container; // container name (workloads)
    QString runningDigest; // status.containerStatuses[].imageID: what the node pulled
};

// A Flux HelmRepository or OCIRepository: where charts come from.
struct ChartSourceRef
{
    QString cluster;
    QString kind; // HelmRepository, OCIRepository
    QString object;
    QString url;
    bool oci = false;
    QString file;
    int line = 0;
};

// A Flux HelmRelease's chart: which chart and version it asks for, from which source.
struct ChartReleaseRef
{
    QString cluster;
    QString object; // namespace/name of the HelmRelease
    QString chart;
    QString version; // as written: an exact version or a semver range ("*" when absent)
    QString sourceKind; // HelmRepository, GitRepository, Bucket; OCIRepository for spec.chartRef
    QString source; // namespace/name of the source
    QString file;
    int line = 0;
};

struct Inventory
{
    QList<ClientReference> references;
    QList<ChartSourceRef> chartSources;
    QList<ChartReleaseRef> chartReleases;
    QStringList warnings; // file:line: what could not be read, and why
    int files = 0;
    int objects = 0;
};

// Reads every source into one inventory: Kubernetes YAML (multi-document, List), kubectl
// JSON dumps, Helm values files, Flux HelmRelease, HelmRepository and OCIRepository.
// Unreadable files and references are warnings, not failures: one bad manifest must not
// hide a cluster's other references.
Inventory readInventory(const QList<ClientSource> &sources);
// One document's text (YAML or JSON), for tests and benchmarks.
void readManifestText(const QByteArray &text, const QString &file, const ClientSource &source, Inventory *into);

} // namespace ferry
