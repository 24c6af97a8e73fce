// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "store/store.h"

#include <QHash>
#include <QStringList>

#include <array>
#include <optional>
#include <vector>

namespace ferry {

class ProgressTally;
struct Plan;

// The registries' columns of the matrix, the one order of every face (window, terminal,
// ferryctl status): the plan's (as it names them), else by role as the last scan recorded them
// (source, target, replica, cache, legacy; recorded may be empty).
QStringList registryColumnOrder(const Plan *plan, const QList<RegistryRecord> &recorded = {});
// The registries present, those of order first in its order, any other after them by name.
QStringList columnsInOrder(const QStringList &order, QStringList present);

// The sync matrix as the dashboard holds it: a million rows in about a quarter of what a
// QList<MatrixRow> takes (1.1 GB there). Strings that repeat (repositories, states, reasons,
// media types, registry names) are stored once; sha256 digests as 32 bytes, once per row
// when its cells agree; times as milliseconds. Rows are appended (from the store, a row at a
// time) and replaced (live batches); a replaced row's old cells are left unused.
class CompactMatrix
{
public:
    struct Cell
    {
        quint8 registry = 0; // index into registryNames()
        quint8 state = 0; // index into the state table
        quint32 reason = 0; // string pool; 0 = none
        quint32 mediaType = 0; // string pool; 0 = none
        quint32 digest = 0; // digest table; 0 = none
        qint64 firstSeenMs = 0;
        qint64 lastSeenMs = 0;
    };

    int size() const { return int(m_rows.size()); }
    bool isEmpty() const { return m_rows.empty(); }
    void reserve(qsizetype rows);

    // The whole matrix of a store, read a row at a time (SQLite's API where the driver
    // offers it, MatrixRow values otherwise). For a worker thread.
    static CompactMatrix fromStore(const Store &store);

    // Adds a row, or replaces the row at `replace`.
    void append(const MatrixRow &row);
    void append(const RawMatrixRow &row);
    void replace(int index, const MatrixRow &row);
    MatrixRow row(int index) const;

    // Registries in the order cells first named them.
    const QStringList &registryNames() const { return m_registryNames; }
    int registryIndex(const QString &name) const { return int(m_registryNames.indexOf(name)); }

    const QString &repository(int i) const { return m_strings.at(m_rows[size_t(i)].repository); }
    quint32 repositoryId(int i) const { return m_rows[size_t(i)].repository; }
    const QString &tag(int i) const { return m_strings.at(m_rows[size_t(i)].tag); }
    quint32 tagId(int i) const { return m_rows[size_t(i)].tag; }
    // The id of a string already in the pool, 0 if it is not there (nothing is added).
    quint32 findString(const QString &s) const { return s.isEmpty() ? 0 : m_stringIds.value(s, 0); }
    // Each pool string's position in sorted order (ids index it); recomputed when the pool grew.
    const std::vector<quint32> &stringRanks() const;
    const QString &state(int i) const { return m_states.at(m_rows[size_t(i)].state); }
    quint8 stateCode(int i) const { return m_rows[size_t(i)].state; }
    const QString &reason(int i) const { return m_strings.at(m_rows[size_t(i)].reason); }
    // The row's cell for a registry index, or null.
    const Cell *cell(int i, int registry) const;
    const QString &cellState(const Cell &c) const { return m_states.at(c.state); }
    const QString &string(quint32 id) const { return m_strings.at(id); }
    QString digest(quint32 id) const;
    // Digest ids as dense numbers below digestOrdinalLimit(): a sort key as narrow as the matrix needs.
    quint32 digestOrdinal(quint32 id) const;
    quint32 digestOrdinalLimit() const { return quint32(m_sha256.size() + m_otherDigests.size()); }
    int stateCode(const QString &state) const { return int(m_states.indexOf(state)); }
    const QStringList &states() const { return m_states; }
    int stringCount() const { return int(m_strings.size()); } // repository and tag ids are pool ids

    // Every row into a progress tally (report/progress.h), as codes: names are given once.
    void tally(ProgressTally *tally) const;

    // Bytes held, roughly (the benchmark reports it beside the process's peak).
    qint64 approximateBytes() const;

private:
    struct Row
    {
        quint32 repository = 0;
        quint32 tag = 0;
        quint32 reason = 0;
        quint32 firstCell = 0;
        quint8 cellCount = 0;
        quint8 state = 0;
        bool inPlan = true;
    };
    quint32 intern(const QString &s);
    // The UTF-8 reading of the store's rows (append(RawMatrixRow)).
    struct Utf8Run // the last value of a field and its id: runs (a repository's rows) skip the hash
    {
        QByteArray utf8;
        quint32 id = 0;
    };
    quint32 intern(QByteArrayView utf8, Utf8Run *run);
    quint8 stateOf(QByteArrayView utf8);
    int registryOf(QByteArrayView utf8);
    quint32 digestOf(QByteArrayView digest, quint32 firstCell);
    quint8 stateOf(const QString &s);
    Row encode(const MatrixRow &row);

    std::vector<Row> m_rows;
    std::vector<Cell> m_cells;
    QStringList m_strings{QString()}; // id 0 = empty
    QHash<QString, quint32> m_stringIds;
    QStringList m_states;
    QStringList m_registryNames;
    std::vector<std::array<quint8, 32>> m_sha256{{}}; // id 0 = none
    QHash<quint32, QString> m_otherDigests; // ids of digests that are not sha256 hex
    mutable std::vector<quint32> m_ranks;
    QList<QByteArray> m_statesUtf8; // m_states and m_registryNames in UTF-8, as far as they have been needed
    QList<QByteArray> m_registryNamesUtf8;
    Utf8Run m_repositoryRun;
    Utf8Run m_mediaTypeRun;
    static constexpr size_t kRecentUtf8 = 4096;
    std::vector<Utf8Run> m_recentUtf8; // other fields, by hash of their UTF-8
};

} // namespace ferry
