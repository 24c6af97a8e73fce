// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "copy/copyengine.h"
#include "core/operationjob.h"

#include <QObject>

#include <memory>

namespace ferry {

class NetworkService;

// One copy operation, as the window, the terminal and ferryctl ask for it.
struct CopyRequest
{
    enum class Kind { Plan, Execute, Resume, Approve, Reject };
    Kind kind = Kind::Plan;
    CopyPlanOptions plan; // Plan
    qint64 batch = 0; // Execute, Approve, Reject
    CopyExecOptions options; // Execute, Resume
    QString actor; // Approve, Reject
    QString comment;
    QString expectedHash; // Approve: only if the batch still holds exactly this hash
    QString batchPlan; // Execute, Resume: the plan file the batch was made from (Workspace::planForBatch)
};

struct CopyOutcome
{
    CopyRequest::Kind kind = CopyRequest::Kind::Plan;
    CopyPlanResult plan;
    QList<CopyExecResult> runs;
    QString refused; // Approve, Reject: why not (empty: done)
    QString storeError; // the database could not be opened: nothing ran
};

// A copy operation as a job, like a CleanupJob: on a thread of its own with its own store
// connection, progress (bytes, and the budget pauses), cancellation between items and blob
// chunks, finished(outcome) at the end.
class CopyJob : public OperationJob
{
    Q_OBJECT
public:
    CopyJob(std::shared_ptr<const Plan> plan, QString dbPath, NetworkService &network, CopyRequest request, QObject *parent = nullptr);

Q_SIGNALS:
    void progress(const ferry::CopyProgress &progress);
    void finished(const ferry::CopyOutcome &outcome);
};

} // namespace ferry

Q_DECLARE_METATYPE(ferry::CopyProgress)
Q_DECLARE_METATYPE(ferry::CopyOutcome)
