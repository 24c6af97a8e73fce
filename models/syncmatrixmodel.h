// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "core/compactmatrix.h"
#include "store/store.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <optional>
#include <vector>

namespace ferry {

// The sync matrix as a table: repository, tag, state, then one column per registry.
// Filtering and sorting happen here, on a vector of visible row numbers, not in a proxy:
// at a million rows a QSortFilterProxyModel needed 26-345 s per filter change (DESIGN.md).
// Rows are held compactly (CompactMatrix); sorts compare precomputed integer ranks.
class SyncMatrixModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { RepositoryColumn, TagColumn, StateColumn, NumFixedColumns };
    enum Role {
        SortRole = Qt::UserRole, // raw value to sort by
        StateRole, // the row's or cell's state name
        DigestRole, // a cell's full digest
        ReasonRole,
        RegistryRole, // the registry of a cell column
    };

    explicit SyncMatrixModel(QObject *parent = nullptr);

    // Registries in the order their columns should appear; others follow alphabetically.
    void setMatrix(const QList<MatrixRow> &rows, const QStringList &registryOrder = {});
    // The same from a matrix built elsewhere (the dashboard builds it on a worker thread
    // from the store, a row at a time).
    void setCompactMatrix(CompactMatrix matrix, const QStringList &registryOrder = {});
    // Case-insensitive substring of "repository:tag"; empty states: every state.
    // With a registry, the states are those of that registry's cell; rows without one are hidden.
    void setFilter(const QString &text, const QStringList &states = {}, const QString &registry = {});
    // A live batch during a scan: rows with the same repository:tag are replaced, others
    // added; filter, sort and persistent indexes (the selection) are kept. A batch that
    // brings a registry without a column resets the model instead.
    void upsertRows(const QList<MatrixRow> &rows);
    QString filterText() const { return m_filterText; }
    QStringList filterStates() const { return m_filterStates; }
    QString filterRegistry() const { return m_filterRegistry; }

    // The visible row, materialized; nullopt outside the rows.
    std::optional<MatrixRow> rowAt(int row) const;
    int totalRows() const { return m_matrix.size(); }
    // The visible row of repository:tag, or -1: a view keeps its selection across a new
    // snapshot with it (ids compared, no string built per row).
    int visibleRowOf(const QString &repository, const QString &tag) const;
    const CompactMatrix &matrix() const { return m_matrix; }
    QStringList registries() const { return m_registries; }
    QMap<QString, int> countsByState() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    static int stateRank(const QString &state); // worst first when sorted descending

private:
    void rebuildVisible(bool narrow = false);
    static bool narrowsFilter(const QString &before, const QString &text);
    void applyUpserts(const QList<MatrixRow> &rows);
    void applySort();
    void computeColumns(const QStringList &registryOrder);

    CompactMatrix m_matrix;
    std::vector<int> m_columnRegistry; // registry column -> the matrix's registry index
    std::vector<int> m_visible;
    // The rows shown before each key of a filter typed on (text, rows in order), so that
    // erasing is as quick as typing; cleared when rows or their order change.
    std::vector<std::pair<QString, std::vector<int>>> m_typed;
    std::vector<int> m_unfiltered; // every row in sorted order, when the last sort saw them all (4 MB at a million)
    std::vector<quint64> m_sortKeys, m_sortScratch; // a sort's keys, kept between sorts (8 MB each at a million)
    std::vector<char> m_sortShown;
    QHash<quint64, int> m_rowOfKey; // (repository id, tag id) -> row of the matrix; built on the first upsert
    QStringList m_registries;
    QString m_filterText;
    QStringList m_filterStates;
    QString m_filterRegistry;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
};

} // namespace ferry
