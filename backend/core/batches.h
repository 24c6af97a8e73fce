// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "ops/batch.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ferry {

class Store;

// Batches of every kind, as one list for the lead: what is waiting on whom. Each kind keeps
// its own rows and numbers, so a batch is named by its kind and number: "copy:3".
struct BatchListing
{
    QString kind; // cleanup, copy
    qint64 id = 0;
    QDateTime createdAt;
    QString plan;
    QString scope; // where it acts: "dockerhub giantswarm/alpine" or "dockerhub -> gsoci/giantswarm/alpine"
    QString what; // "12 deletions, 3 held", "5 tags, 1.2 GiB, 14 pulls"
    QString status;
    QString hash;
    int items = 0;
    int finalItems = 0;
    QString decidedBy;
    QDateTime decidedAt;
    QString next; // what the lead can do now; empty when the batch is final
    Severity severity = Severity::Info;

    QString ref() const { return kind + QLatin1Char(':') + QString::number(id); }
};

// The kinds, in the order lists show them.
QStringList batchKindNames();
// Every batch of every kind (or of one kind), oldest first within a kind.
QList<BatchListing> listBatches(Store &store, const QString &kind = {});
// What the lead can do next with a batch in this status, for any kind.
QString batchNextStep(const QString &kind, const QString &status, int items, int finalItems);

struct BatchRef
{
    QString kind;
    qint64 id = 0;
};
// "copy:3" or "cleanup:12". Empty error: parsed.
std::optional<BatchRef> parseBatchRef(const QString &text, QString *error);

} // namespace ferry
