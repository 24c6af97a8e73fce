// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "matrix/severity.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace ferry {

// The states of a sync-matrix row or cell: one home for their names (as the CLI, JSON, CSV
// and the store spell them), their order, their colours and the rules built on them. Every
// page, report and command asks this header rather than comparing strings of its own.
enum class SyncState : quint8 {
    Synced, // the registry holds the digest it should
    Present, // a cache or legacy registry serves the tag (no digest to compare against)
    Absent, // a cache, replica or legacy registry does not hold the tag, and need not
    Extra, // held beyond the plan
    Replicating, // a replica is behind the target, within its SLO
    Unknown, // not read in this scan, with the reason
    Partial, // the target holds a subset of the source index's platforms
    Lagging, // a replica is behind the target beyond its SLO
    Missing, // promised, not copied yet
    Drifted, // another digest than the one it should hold
};

namespace state {
// The wire names, for the code that carries states as strings (MatrixRow, the store).
extern const QString Synced, Present, Absent, Extra, Replicating, Unknown, Partial, Lagging, Missing, Drifted;

// The states a row can take, in the order ferryctl status prints them.
QStringList rowStates();
} // namespace state

namespace syncstate {

const QString &name(SyncState s);
std::optional<SyncState> fromName(QStringView name);
// Unknown for a name that is none of the states (a newer store read by an older Ferry).
SyncState parse(QStringView name);

// Higher is worse: what needs the lead's attention first. Synced and present share 0.
int rank(SyncState s);
int rank(QStringView name);

// Row states worst first, as the Overview's tiles show them (present and absent are cell-only).
QList<SyncState> tileOrder();
// Every state, worst first (the Images page's filter).
QList<SyncState> filterOrder();

// How the state reads in every face: synced and present ok; absent, extra and replicating info;
// unknown muted (nothing was learned); partial and lagging a warning; missing and drifted an error.
Severity severity(SyncState s);
// Colours as 0xRRGGBB, so that the backend needs no QtGui: a pale cell background for
// tables (colour is never the only signal: the text says the state) and a strong one for
// charts and report bars.
quint32 cellBackground(SyncState s);
quint32 chartColour(SyncState s);

// The stage rules.
// A row the plan promises: everything but a tag held beyond the plan.
bool isPromised(SyncState row);
// A row whose target holds the source's digest: synced, or synced in the target while a
// replica still catches up (replicating, lagging).
bool targetHoldsSourceDigest(SyncState row);
// A cell of a replica (or a target cell of a promised row) that is done: the right digest.
bool isReplicated(SyncState cell);
// Rows that need the lead's attention (reports list them before the rest).
bool needsAttention(SyncState row);
// A legacy registry's cell that tells whether it still serves the tag.
bool isLegacyVerdict(SyncState cell);

} // namespace syncstate
} // namespace ferry
