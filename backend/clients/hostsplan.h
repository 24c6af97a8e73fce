// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "clients/refjoin.h"
#include "parse/hoststoml.h"
#include "plan/plan.h"

#include <QList>
#include <QString>

namespace ferry {

class Store;

// One certs.d/<namespace>/hosts.toml the plan asks for.
struct GeneratedHosts
{
    QString ns;
    QString directory; // certs.d directory name
    QString toml;
    QStringList notes; // what the lead should know (a mapping containerd cannot express, …)
};

// For each upstream namespace the plan covers (its source and legacy registries), the hosts
// in the plan's order: the target's caches first, then the target as `server` (the RFC:
// cache first, gsoci as fallback), pull and resolve only, with `ca` where the plan's registry
// has a CA file, and a path prefix with override_path where the plan maps every repository
// of the namespace under one prefix in the target.
QList<GeneratedHosts> generateHosts(const Plan &plan);

// What breaks clusters in a certs.d directory. The plan (may be null) says which registries
// hold the images; the join (may be null) says which tags the clusters reference.
QList<HostsFinding> lintHostsDir(const QString &dir, const Plan *plan, const RefJoin *join, const Store *store);

// The hosts containerd would try for a reference, in order, and what each holds.
struct ExplainedHost
{
    HostEntry host;
    QString url; // the manifest URL containerd asks
    QString planRegistry; // the plan's registry at that host, if any
    QString holds; // the digest it holds for the reference, "absent", or "unknown"
};
struct Explanation
{
    ClientRef ref;
    QString source; // the hosts.toml used, or empty for containerd's default
    QString repositoryPath; // the path asked of each host (containerd keeps the reference's path)
    QList<ExplainedHost> hosts;
};
Explanation explainReference(const ClientRef &ref, const QString &hostsDir, const Plan *plan, const Store *store);

} // namespace ferry
