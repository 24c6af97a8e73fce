// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "core/jobthread.h"
#include "net/task.h"

#include <QObject>
#include <QVariant>

#include <functional>
#include <memory>

namespace ferry {

class NetworkService;
struct Plan;
class Store;

// What one kind of batch operation (cleanup, copy) does on the job's thread: its engine, made
// over the job's own store connection, run once; cancel() may come at any time while it runs.
class OperationRun
{
public:
    virtual ~OperationRun() = default;
    virtual Task<QVariant> run() = 0;
    virtual void cancel() = 0;
};

// How a kind makes its run once the job's store is open; progress reports go out through
// report (from the job's thread).
using OperationFactory = std::function<std::unique_ptr<OperationRun>(Store &store, std::function<void(QVariant)> report)>;

// A batch operation as a job, whatever its kind: on a thread of its own with its own store
// connection (journals are written there, never on the caller's thread), progress, cancellation
// between steps, ended(outcome) at the end. The kinds' jobs (CleanupJob, CopyJob) give it their
// run and turn its variants into their typed signals; the thread, the store, the order things
// end in and the drain on destruction are written here once.
class OperationJob : public QObject
{
    Q_OBJECT
public:
    struct Kind
    {
        QString name; // "cleanup", "copy": the thread's name and the words of the drain warning
        OperationFactory make;
        std::function<QVariant(const QString &storeError)> storeFailed; // the outcome when the store does not open
    };
    OperationJob(QString dbPath, Kind kind, QObject *parent = nullptr);
    // A job still running is cancelled and allowed to end its current step (a request and its
    // journal entry) before the thread goes: nothing is cut in the middle of an item.
    ~OperationJob() override;

    void start();
    // Stops between items (or between repositories when planning); the outcome still comes,
    // with the runs marked stopped. resume finishes them.
    void cancel();
    bool isRunning() const { return m_job.isRunning(); }

Q_SIGNALS:
    void progressed(const QVariant &progress);
    void ended(const QVariant &outcome);

private:
    QString m_name;
    JobThread m_job;
};

// The kind of a job whose Run is made as Run(plan, store, network, request, report) and whose
// Outcome has the request's kind and a storeError: how CleanupJob and CopyJob are made.
template<typename Run, typename Outcome, typename Request>
OperationJob::Kind operationKind(QString name, std::shared_ptr<const Plan> plan, NetworkService &network, Request request)
{
    const auto kind = request.kind;
    return {std::move(name),
            [plan = plan ? std::move(plan) : std::make_shared<const Plan>(), &network,
             request = std::move(request)](Store &store, std::function<void(QVariant)> report) -> std::unique_ptr<OperationRun> {
                return std::make_unique<Run>(*plan, store, network, request, std::move(report));
            },
            [kind](const QString &error) {
                Outcome failed;
                failed.kind = kind;
                failed.storeError = error;
                return QVariant::fromValue(failed);
            }};
}

} // namespace ferry
