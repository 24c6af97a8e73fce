// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QDateTime>
#include <QMap>
#include <QString>

namespace ferry {

// One registry's cell of a matrix row. State is a SyncState's wire name (matrix/syncstate.h).
struct MatrixCell
{
    QString digest;
    QString state;
    QString reason;
    QString mediaType;
    QDateTime firstSeen;
    QDateTime lastSeen;
    bool operator==(const MatrixCell &) const = default;
};

// One (target repository, tag) of the sync matrix.
struct MatrixRow
{
    QString repository;
    QString tag;
    QString state;
    QString reason;
    bool inPlan = true;
    QMap<QString, MatrixCell> cells; // by registry name
    bool operator==(const MatrixRow &) const = default;
};

} // namespace ferry
