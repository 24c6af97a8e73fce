// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "clients/hostsplan.h"
#include "clients/refjoin.h"
#include "store/store.h"

namespace ferry {

struct Plan;

// One refs scan recorded, as ferryctl refs scan and the window's Clients page do it: the
// burn-down (references per cluster and registry) and, against the plan's registries, what the
// clusters run, pin and name, which cleanup holds back and checks its approvals against.
struct RefsRecord
{
    bool countsRecorded = false;
    bool holdsRecorded = false; // false without the plan's registries: nobody can say where images come from
    QString error; // the store refused; empty when recorded
};

// What the dashboard's Clients page shows, the window's and the terminal's alike: every
// reference joined with the matrix, the containerd hosts the plan asks for, the burn-down
// over the refs scans, and what could not be read.
struct ClientsData
{
    RefJoin join;
    QList<GeneratedHosts> hosts;
    QList<ClientCount> history;
    QStringList warnings;
    int files = 0;
    QString error;
    std::optional<RefsRecord> record; // when the read was also a refs scan
};

// The plan's client manifests read and joined against store's matrix (seconds at a hundred
// thousand objects: call it on a pool thread, as Workspace::read does). With record, the read is
// also a refs scan: recordReferences writes it before the burn-down is read back.
ClientsData readClientsData(const Plan &plan, Store &store, bool record = false);

// The record of one refs scan, written.
RefsRecord recordReferences(Store &store, const Plan &plan, const QList<ClientSource> &sources, const Inventory &inventory,
                            const RefJoin &join, const QDateTime &now);

// The page's headline figures.
struct ClientsTally
{
    int references = 0;
    int ready = 0; // switch-ready or switched
    int dockerHub = 0; // still pulled from Docker Hub (the first host containerd asks)
    int clusters = 0;
};
ClientsTally tallyClients(const ClientsData &data);

// "3 references in 2 clusters (2 files): 2 switch-ready or switched (66 %), 1 still pull from
// Docker Hub.", or what to do when the plan has no clients yet.
QString clientsSummary(const ClientsData &data);

// The hosts.toml files the plan asks for, each under a comment naming its certs.d path.
QString hostsText(const ClientsData &data);

} // namespace ferry
