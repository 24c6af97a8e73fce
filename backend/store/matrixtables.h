// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "store/storetopic.h"

namespace ferry {

// The matrix's topic of the store: the current sync matrix, row by row, and the state counts
// after each scan (the trend). Same thread rule as the Store.
class MatrixTables : public StoreTopic
{
public:
    // Reads and writes.
    explicit MatrixTables(Store &store)
        : StoreTopic(store, "MatrixTables")
    { }
    // Reads only: a write through it fails, with a warning.
    explicit MatrixTables(const Store &store)
        : StoreTopic(store, "MatrixTables")
    { }

    // Replaces the matrix rows given (only those whose content hash changed are written);
    // rows of the covered repositories that are not given are deleted.
    bool writeMatrix(qint64 scanId, const QList<MatrixRow> &rows, const QStringList &repositoriesCovered);
    QList<MatrixRow> matrix() const;
    // Streams the matrix in repository/tag order without holding it; visit returns false to
    // stop. Returns the rows visited.
    qint64 forEachMatrixRow(const std::function<bool(MatrixRow &&)> &visit) const;
    qint64 matrixRowCount() const;
    // One row of the matrix, or nothing when the plan has no such repository:tag.
    std::optional<MatrixRow> matrixRow(const QString &repository, const QString &tag) const;
    // The same rows as forEachMatrixRow, read through SQLite's own API on this connection
    // and handed over as views: the dashboard's million-row load (4.5 s through QSqlQuery).
    // Returns -1 when the driver gives no SQLite handle (the caller falls back).
    qint64 forEachRawMatrixRow(const std::function<bool(const RawMatrixRow &)> &visit) const;
    bool recordStateCounts(qint64 scanId, const QMap<QString, QMap<QString, int>> &counts);
    QList<StateCountPoint> stateCountHistory(const QDateTime &since = {}) const;
};

} // namespace ferry
