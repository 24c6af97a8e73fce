// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "core/operationjob.h"

#include "store/store.h"

#include <QThread>

#include <optional>

namespace ferry {

namespace {
// How long a job being destroyed gives its current step to end: a request and its journal
// entry, bounded by the registry client's own timeouts and retries.
constexpr int kDrainMs = 120'000;
} // namespace

// The part of an operation job that lives on the job's thread: the store connection, the
// kind's run (its engine) and the running Task, ended in that order's reverse.
class OperationWorker : public QObject
{
    Q_OBJECT
public:
    OperationWorker(QString dbPath, OperationJob::Kind kind)
        : m_dbPath(std::move(dbPath))
        , m_kind(std::move(kind))
    { }
    ~OperationWorker() override
    {
        m_task.reset(); // before the engine its frames point into
        m_run.reset(); // before its store
    }

    void start()
    {
        m_store = std::make_unique<Store>(m_dbPath);
        QString error;
        if (!m_store->open(&error)) {
            end(m_kind.storeFailed(error));
            return;
        }
        m_run = m_kind.make(*m_store, [this](const QVariant &p) { Q_EMIT progressed(p); });
        if (m_canceled)
            m_run->cancel();
        m_task.emplace(m_run->run());
        m_task->start([this](QVariant outcome) { end(outcome); });
    }
    void cancel()
    {
        m_canceled = true;
        if (m_run)
            m_run->cancel();
    }

Q_SIGNALS:
    void progressed(const QVariant &progress);
    void ended(const QVariant &outcome);

private:
    // The result goes out, then the thread's event loop ends (the job waits for it).
    void end(const QVariant &outcome)
    {
        Q_EMIT ended(outcome);
        thread()->quit();
    }

    QString m_dbPath;
    OperationJob::Kind m_kind;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<OperationRun> m_run;
    std::optional<Task<QVariant>> m_task;
    bool m_canceled = false;
};

OperationJob::OperationJob(QString dbPath, Kind kind, QObject *parent)
    : QObject(parent)
    , m_name(kind.name)
    , m_job(new OperationWorker(std::move(dbPath), kind), QStringLiteral("ferry-") + kind.name)
{
    auto *worker = static_cast<OperationWorker *>(m_job.worker());
    connect(worker, &OperationWorker::progressed, this, &OperationJob::progressed);
    connect(worker, &OperationWorker::ended, this, [this](const QVariant &o) {
        m_job.finished();
        Q_EMIT ended(o);
    });
}

OperationJob::~OperationJob()
{
    if (m_job.isRunning()) {
        cancel();
        // The worker ends its thread when its Task ends: after the step in flight.
        if (!m_job.waitForEnd(kDrainMs))
            qWarning("ferry: a %s run did not stop within %d s; its journal says where it was, and resume finishes it", qPrintable(m_name),
                     kDrainMs / 1000);
    }
    m_job.stop();
}

void OperationJob::start()
{
    m_job.start<OperationWorker>(&OperationWorker::start);
}

void OperationJob::cancel()
{
    m_job.invoke<OperationWorker>(&OperationWorker::cancel);
}

} // namespace ferry

#include "operationjob.moc"
