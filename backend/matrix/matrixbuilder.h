// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "matrix/matrixrow.h"
#include "plan/plan.h"
#include "registry/providers.h"

#include <QDateTime>
#include <QHash>
#include <QSet>

#include <functional>

namespace ferry {

// One registry repository's listing as a scan left it.
struct RepoListing
{
    QString registry;
    QString repository;
    bool done = false;
    bool failed = false;
    QString error;
    TagDetails details;
};

// What earlier scans saw, which the rules need: when a tag was first and last seen with
// its digest, and whether a registry ever held a digest (drift versus lag). The scanner
// answers from the store; tests answer from a table.
class MatrixHistory
{
public:
    struct TagSeen
    {
        QDateTime firstSeen;
        QDateTime lastSeen;
    };
    virtual ~MatrixHistory() = default;
    virtual TagSeen tagSeen(const QString &registry, const QString &repository, const QString &tag) = 0;
    virtual QDateTime digestFirstSeen(const QString &registry, const QString &repository, const QString &digest) = 0;
};

struct MatrixInput
{
    const Plan *plan = nullptr;
    const QList<ImageSet> *sets = nullptr; // the plan's sets, one per target repository
    std::function<const RepoListing *(const QString &registry, const QString &repository)> listing;
    // "targetDigest\nsourceDigest" -> why the target's index is a subset of the source's.
    const QHash<QString, QString> *partialOf = nullptr;
    bool checkCaches = false;
    QDateTime now;
    MatrixHistory *history = nullptr;
    const QSet<QString> *onlyRepositories = nullptr; // live batches: these target repositories only
};

struct MatrixOutput
{
    QList<MatrixRow> rows;
    QStringList coveredRepositories; // target repositories whose every listing finished
};

// The sync matrix's rules as a function: listings in, rows out. A row per promised tag
// (in the plan's order) and per tag the target or its replicas hold beyond the plan.
// Only repositories whose every listing finished get rows, so an interrupted scan never
// rewrites what it did not see.
MatrixOutput buildMatrix(const MatrixInput &input);

} // namespace ferry
