// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "cleanup/cleanupstore.h"
#include "copy/copystore.h"

#include <QFuture>
#include <QList>
#include <QString>

#include <optional>

namespace ferry {

class Workspace;

// What a face shows of one kind of batch: the list, and the batch it shows with its items.
template<typename Batch>
struct BatchesRead
{
    QList<Batch> batches;
    // The batch asked for when it is in the list, else the first that needs the lead (to decide,
    // or to run; batchToShowFirst), else none: the same batch in the window and the terminal.
    std::optional<Batch> shown;
    std::optional<RefsScanInfo> lastRefs; // cleanup: the clients' scan its reviews were made against
    QString error; // the database could not be read
};
using CleanupBatchesRead = BatchesRead<CleanupBatch>;
using CopyBatchesRead = BatchesRead<CopyBatch>;

// The reads of the batch pages, on the workspace's pool with a connection of their own: the
// faces ask for these instead of opening the batch tables themselves.
QFuture<CleanupBatchesRead> readCleanupBatches(const Workspace &workspace, qint64 wanted = 0);
QFuture<CopyBatchesRead> readCopyBatches(const Workspace &workspace, qint64 wanted = 0);
// One batch with its items; none when it is gone or the database cannot be read.
QFuture<std::optional<CleanupBatch>> readCleanupBatch(const Workspace &workspace, qint64 id);
QFuture<std::optional<CopyBatch>> readCopyBatch(const Workspace &workspace, qint64 id);

// A request to run a batch, with the plan file of the batch the face shows: the batch the lead
// sees is the one that runs, under the plan Workspace::planForBatch chooses from that file.
template<typename Request, typename Batch>
Request withBatchPlan(Request request, const std::optional<Batch> &shown)
{
    if (shown && shown->id == request.batch)
        request.batchPlan = shown->plan;
    return request;
}

} // namespace ferry
