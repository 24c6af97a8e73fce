// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "clients/inventory.h"
#include "matrix/severity.h"
#include "plan/plan.h"
#include "store/clienttables.h"
#include "store/store.h"

#include <QList>
#include <QMap>
#include <QString>

namespace ferry {

class Store;

// What a client's reference means for the switch to the plan's target.
enum class RefState {
    SwitchReady, // the target holds it with the same digest: the client can be pointed at the target
    Drifted, // the target holds another digest under that tag: do not switch
    CopyFirst, // the target lacks it: copy before switching
    Switched, // the client already names the target (or one of its replicas or caches), which holds it
    MissingOnTarget, // the client names the target, which does not hold it: its pulls fail
    NotScanned, // the plan covers it, no scan has seen this tag yet (or the plan's tag filter leaves it out)
    NoTag, // a values block without tag or digest: the chart's appVersion decides
    OutsidePlan, // a registry or repository the plan does not carry
};
QString refStateName(RefState s); // stable wire names: switch-ready, drifted, copy-first, …
QString refStateText(RefState s); // for people
// How it reads in every face: switch-ready and switched ok; copy first, not scanned and no tag a
// warning (the lead has something to do or to learn); drifted and missing on target an error;
// outside the plan muted.
Severity refStateSeverity(RefState s);

struct JoinedReference
{
    ClientReference ref;
    RefState state = RefState::OutsidePlan;
    QString planRegistry; // the plan's registry the reference names, if any
    QString pullsFrom; // the registry the cluster pulls it from today, after its mirrors (plan name or host)
    QString pullsFromHost; // host[:port] of the first host containerd would ask
    QString targetRegistry;
    QString targetRepository;
    QString sourceDigest; // pinned, running, or the source's current digest for the tag
    QString targetDigest;
    QString why;
};

struct RefJoin
{
    QList<JoinedReference> references;
    // cluster -> registry pulled from -> {references, switch-ready or switched}
    QMap<QString, QMap<QString, QPair<int, int>>> byCluster;
};

// What every reference holds for cleanup (ReferenceHold): the digest a pod runs, the digest a
// reference pins, the tag it names, in every plan registry and repository the cluster's copy can
// come from: the registry it names, the one its containerd mirrors pull from, the target the
// plan maps it to and the target's replicas and caches. One hold per registry, repository,
// kind, value and cluster (the first place it is written).
QList<ReferenceHold> referenceHolds(const Plan &plan, const RefJoin &join);

// The registry of the plan a reference names (by host; Docker Hub under any of its names).
const PlanRegistry *planRegistryForDomain(const Plan &plan, const QString &domain);
// Joins every reference to the matrix in store (which may be null: no scan yet). The
// cluster's hosts directory (plan's clients) decides where each pulls from today.
RefJoin joinReferences(const Plan &plan, const Inventory &inventory, const Store *store);

} // namespace ferry
