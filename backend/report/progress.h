// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "matrix/matrixrow.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <span>

namespace ferry {

struct ReportData;

// The migration's progress (the stages, rows by state, cells by registry and state), counted a
// row at a time by one set of rules, whichever way the rows come: from the store as MatrixRow
// values (reports, `ferryctl report`), or from the window's snapshot of the matrix, which gives
// names once and then rows as small integers (a million rows in tens of milliseconds, with no
// second read of the store).
class ProgressTally
{
public:
    // registry -> role (target, replica, cache, legacy) as the store knows the plan.
    explicit ProgressTally(const QMap<QString, QString> &registryRoles);

    // Codes for names, given once; rows are then added as codes.
    int stateCode(QStringView name);
    int registryCode(QStringView name);
    struct Cell
    {
        int registry = 0; // registryCode
        int state = 0; // stateCode
        bool hasDigest = false;
    };
    void add(int rowState, bool inPlan, std::span<const Cell> cells);
    void add(const MatrixRow &row);

    // Sets d's stages, rowsByState and cellsByRegistry. whyUnknown: registry -> what failed
    // in the last scan that touched it (a stage with unknown cells says why).
    void finish(ReportData *d, const QMap<QString, QString> &whyUnknown) const;

private:
    enum class Role : quint8 { Other, Target, Replica, Cache, Legacy };
    struct State
    {
        QString name;
        bool known = false; // one of SyncState's names
        bool replicated = false, unknown = false, present = false, absent = false, legacyVerdict = false;
        qint64 rows = 0;
    };
    struct Registry
    {
        QString name;
        Role role = Role::Other;
        QList<qint64> cells; // by state code
        qint64 done = 0; // replicated (a replica), served (a cache)
        qint64 unknown = 0; // of the cells the stage counts
    };
    QMap<QString, QString> m_roles;
    QList<State> m_states;
    QList<Registry> m_registries;
    QList<int> m_cellOf; // per registry code: the state code of the row being added, -1 for none
    qint64 m_promised = 0, m_promisedSynced = 0, m_promisedUnknown = 0, m_inTarget = 0;
    qint64 m_legacyTotal = 0, m_legacyGone = 0, m_legacyUnknown = 0;
};

class Store;
// Stage 3, one bar per chart repository of the last charts scans: the versions of the HTTP
// index that OCI holds with the same content digest. Inserted after stage 2's bars.
void appendChartStages(const Store &store, ReportData *d);

// Stage 1's work: the copy batches (awaiting approval, left to copy, done), in its work line.
void describeCopyWork(const Store &store, ReportData *d);

} // namespace ferry
