// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "clients/clientsview.h"
#include "store/clienttables.h"

#include "clients/inventory.h"
#include "plan/plan.h"

namespace ferry {

ClientsData readClientsData(const Plan &plan, Store &store, bool record)
{
    ClientsData d;
    const Inventory inventory = readInventory(plan.clients);
    d.join = joinReferences(plan, inventory, &store);
    if (record) {
        d.record = recordReferences(store, plan, plan.clients, inventory, d.join, QDateTime::currentDateTimeUtc());
        if (!d.record->error.isEmpty())
            d.error = d.record->error;
    }
    d.hosts = generateHosts(plan);
    d.history = ClientTables(store).clientCountHistory();
    d.warnings = inventory.warnings;
    d.files = inventory.files;
    return d;
}

RefsRecord recordReferences(Store &store, const Plan &plan, const QList<ClientSource> &sources, const Inventory &inventory,
                            const RefJoin &join, const QDateTime &now)
{
    RefsRecord r;
    QList<ClientCount> counts;
    for (auto c = join.byCluster.begin(); c != join.byCluster.end(); ++c)
        for (auto reg = c->begin(); reg != c->end(); ++reg)
            counts.append(ClientCount{now, c.key(), reg.key(), reg->first, reg->second});
    if (!ClientTables(store).recordClientCounts(counts)) {
        r.error = QStringLiteral("cannot record the counts: %1").arg(store.lastError());
        return r;
    }
    r.countsRecorded = true;
    // A refs scan that holds nothing must not pass for a fresh one.
    if (plan.registries.isEmpty())
        return r;
    QStringList clusters;
    for (const ClientSource &s : sources)
        if (!clusters.contains(s.cluster))
            clusters << s.cluster;
    if (!ClientTables(store).recordRefsScan(RefsScanInfo{0, now, clusters.join(u','), int(inventory.references.size()), 0},
                                            referenceHolds(plan, join))) {
        r.error = QStringLiteral("cannot record what the clusters run: %1").arg(store.lastError());
        return r;
    }
    r.holdsRecorded = true;
    return r;
}

ClientsTally tallyClients(const ClientsData &data)
{
    ClientsTally t;
    t.clusters = int(data.join.byCluster.size());
    for (const auto &registries : data.join.byCluster)
        for (const QPair<int, int> &counts : registries) {
            t.references += counts.first;
            t.ready += counts.second;
        }
    for (const JoinedReference &j : data.join.references)
        if (clientref::registryOf(j.pullsFromHost) == u"docker.io")
            ++t.dockerHub;
    return t;
}

QString clientsSummary(const ClientsData &data)
{
    if (!data.error.isEmpty())
        return data.error;
    if (data.join.byCluster.isEmpty())
        return QStringLiteral("No clients yet: the plan's `clients` list names each cluster's manifests and containerd certs.d.");
    const ClientsTally t = tallyClients(data);
    return QStringLiteral(
               "%L1 references in %2 clusters (%L3 files): %L4 switch-ready or switched (%5 %), %L6 still pull from Docker Hub%7.")
        .arg(t.references)
        .arg(t.clusters)
        .arg(data.files)
        .arg(t.ready)
        .arg(t.references ? 100 * t.ready / t.references : 0)
        .arg(t.dockerHub)
        .arg(data.warnings.isEmpty()         ? QString()
                 : data.warnings.size() == 1 ? QStringLiteral("; 1 file problem")
                                             : QStringLiteral("; %1 file problems").arg(data.warnings.size()));
}

QString hostsText(const ClientsData &data)
{
    QString text;
    for (const GeneratedHosts &g : data.hosts) {
        text += QStringLiteral("# ---- certs.d/%1/hosts.toml\n").arg(g.directory) + g.toml + u'\n';
        for (const QString &n : g.notes)
            text += QStringLiteral("# NOTE: %1\n").arg(n);
        text += u'\n';
    }
    return text.isEmpty() ? QStringLiteral("# The plan has no target, or no source or legacy registry to mirror.") : text;
}

} // namespace ferry
