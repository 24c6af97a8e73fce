// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "cleanup/cleanupengine.h"
#include "core/operationjob.h"

#include <QObject>

#include <memory>

namespace ferry {

class NetworkService;

// One cleanup operation, as the dashboard, the TUI and ferryctl ask for it.
struct CleanupRequest
{
    enum class Kind { Plan, Execute, Resume, Approve, Reject, RemoveItems };
    Kind kind = Kind::Plan;
    QStringList policies; // Plan: only these (empty: all)
    qint64 batch = 0; // Execute, Approve, Reject, RemoveItems
    CleanupExecOptions options; // Execute (dry run or not), Resume
    QString actor; // Approve, Reject, RemoveItems (Execute and Resume: options.actor)
    QString comment;
    QString expectedHash; // Approve: only if the batch still holds exactly this hash
    bool withoutFreshRefs = false; // Approve: although the refs scan is missing or stale (recorded)
    QList<int> seqs; // RemoveItems
    QString batchPlan; // Execute, Resume: the plan file the batch was made from (Workspace::planForBatch)
};

// What it came to: the value of the operation that ran.
struct CleanupOutcome
{
    CleanupRequest::Kind kind = CleanupRequest::Kind::Plan;
    CleanupPlanResult plan; // Plan
    QList<CleanupExecResult> runs; // Execute (one), Resume (one per batch finished)
    QString refused; // Approve, Reject, RemoveItems: why not (empty: done)
    qint64 newBatch = 0; // RemoveItems
    QString storeError; // the database could not be opened: nothing ran
};

// A cleanup operation as a job, like a ScanJob: on a thread of its own with its own store
// connection (the journal is written there, never on the caller's thread), with progress,
// cancellation between items, and finished(outcome) at the end. The engine suspends
// while registries answer; no thread waits on a reply.
class CleanupJob : public OperationJob
{
    Q_OBJECT
public:
    CleanupJob(std::shared_ptr<const Plan> plan, QString dbPath, NetworkService &network, CleanupRequest request,
               QObject *parent = nullptr);

Q_SIGNALS:
    void progress(const ferry::CleanupProgress &progress);
    void finished(const ferry::CleanupOutcome &outcome);
};

} // namespace ferry

Q_DECLARE_METATYPE(ferry::CleanupProgress)
Q_DECLARE_METATYPE(ferry::CleanupOutcome)
