// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "clients/hostsplan.h"
#include "clients/refjoin.h"
#include "store/store.h"

namespace ferry {

struct Plan;

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
};

// The plan's client manifests read and joined against store's matrix (seconds at a hundred
// thousand objects: call it on a pool thread, as Workspace::read does).
ClientsData readClientsData(const Plan &plan, Store &store);

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
