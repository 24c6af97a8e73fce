// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "matrix/syncstate.h"

#include <array>

namespace ferry {

namespace state {
const QString Synced = QStringLiteral("synced");
const QString Present = QStringLiteral("present");
const QString Absent = QStringLiteral("absent");
const QString Extra = QStringLiteral("extra");
const QString Replicating = QStringLiteral("replicating");
const QString Unknown = QStringLiteral("unknown");
const QString Partial = QStringLiteral("partial");
const QString Lagging = QStringLiteral("lagging");
const QString Missing = QStringLiteral("missing");
const QString Drifted = QStringLiteral("drifted");
} // namespace state

QStringList state::rowStates()
{
    return {Synced, Missing, Drifted, Partial, Replicating, Lagging, Extra, Unknown};
}

namespace syncstate {
namespace {

struct Info
{
    const QString *name;
    int rank;
    Severity severity;
    quint32 chart;
};

// Indexed by SyncState.
const std::array<Info, 10> &table()
{
    static const std::array<Info, 10> t{{
        {&state::Synced, 0, Severity::Ok, 0x2e7d32},
        {&state::Present, 0, Severity::Ok, 0x9e9d24},
        {&state::Absent, 1, Severity::Info, 0x9e9d24},
        {&state::Extra, 2, Severity::Info, 0x757575},
        {&state::Replicating, 3, Severity::Info, 0x1565c0},
        {&state::Unknown, 4, Severity::Muted, 0x9e9d24},
        {&state::Partial, 5, Severity::Warning, 0xef6c00},
        {&state::Lagging, 6, Severity::Warning, 0xd81b60},
        {&state::Missing, 7, Severity::Error, 0xc62828},
        {&state::Drifted, 8, Severity::Error, 0x8e24aa},
    }};
    return t;
}

const Info &info(SyncState s)
{
    return table()[size_t(s)];
}

} // namespace

const QString &name(SyncState s)
{
    return *info(s).name;
}

std::optional<SyncState> fromName(QStringView n)
{
    for (size_t i = 0; i < table().size(); ++i)
        if (*table()[i].name == n)
            return SyncState(i);
    return std::nullopt;
}

SyncState parse(QStringView n)
{
    return fromName(n).value_or(SyncState::Unknown);
}

int rank(SyncState s)
{
    return info(s).rank;
}

int rank(QStringView n)
{
    return rank(parse(n));
}

QList<SyncState> tileOrder()
{
    return {SyncState::Missing,     SyncState::Drifted, SyncState::Partial, SyncState::Lagging,
            SyncState::Replicating, SyncState::Unknown, SyncState::Extra,   SyncState::Synced};
}

QList<SyncState> filterOrder()
{
    return tileOrder() << SyncState::Present << SyncState::Absent;
}

Severity severity(SyncState s)
{
    return info(s).severity;
}

quint32 cellBackground(SyncState s)
{
    return severityBackground(info(s).severity);
}

quint32 chartColour(SyncState s)
{
    return info(s).chart;
}

bool isPromised(SyncState row)
{
    return row != SyncState::Extra;
}

bool targetHoldsSourceDigest(SyncState row)
{
    return row == SyncState::Synced || row == SyncState::Replicating || row == SyncState::Lagging;
}

bool isReplicated(SyncState cell)
{
    return cell == SyncState::Synced;
}

bool needsAttention(SyncState row)
{
    return row == SyncState::Drifted || row == SyncState::Missing || row == SyncState::Partial || row == SyncState::Lagging ||
        row == SyncState::Unknown;
}

bool isLegacyVerdict(SyncState cell)
{
    return cell == SyncState::Present || cell == SyncState::Absent || cell == SyncState::Unknown;
}

} // namespace syncstate
} // namespace ferry
