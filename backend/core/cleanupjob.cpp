// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "core/cleanupjob.h"

#include "store/store.h"

#include <QThread>

#include <optional>

namespace ferry {

namespace {
// How long a job being destroyed gives its current item to end: a DELETE and its journal
// entry, bounded by the registry client's own timeouts and retries.
constexpr int kDrainMs = 120'000;
} // namespace

// The part of a cleanup job that lives on the job's thread: the engine, its store
// connection and the running Task.
class CleanupWorker : public QObject
{
    Q_OBJECT
public:
    CleanupWorker(std::shared_ptr<const Plan> plan, QString dbPath, NetworkService &network, CleanupRequest request)
        : m_plan(std::move(plan))
        , m_dbPath(std::move(dbPath))
        , m_network(network)
        , m_request(std::move(request))
    { }
    ~CleanupWorker() override
    {
        m_task.reset(); // before the engine its frames point into
        m_engine.reset(); // before its store
    }

    void start()
    {
        m_store = std::make_unique<Store>(m_dbPath);
        QString error;
        if (!m_store->open(&error)) {
            CleanupOutcome failed;
            failed.kind = m_request.kind;
            failed.storeError = error;
            end(failed);
            return;
        }
        m_engine = std::make_unique<CleanupEngine>(*m_plan, *m_store, m_network);
        m_engine->setProgressHandler([this](const CleanupProgress &p) { Q_EMIT progress(p); });
        if (m_canceled)
            m_engine->cancel();
        m_task.emplace(run());
        m_task->start([this](CleanupOutcome outcome) { end(outcome); });
    }
    void cancel()
    {
        m_canceled = true;
        if (m_engine)
            m_engine->cancel();
    }

Q_SIGNALS:
    void progress(const ferry::CleanupProgress &progress);
    void finished(const ferry::CleanupOutcome &outcome);

private:
    Task<CleanupOutcome> run()
    {
        CleanupOutcome out;
        out.kind = m_request.kind;
        const CleanupRequest &r = m_request;
        switch (r.kind) {
        case CleanupRequest::Kind::Plan: out.plan = co_await m_engine->plan(r.policies); break;
        case CleanupRequest::Kind::Execute: out.runs << co_await m_engine->execute(r.batch, r.options); break;
        case CleanupRequest::Kind::Resume: out.runs = co_await m_engine->resume(r.options); break;
        case CleanupRequest::Kind::Approve:
            out.refused = m_engine->approve(r.batch, r.actor, r.comment, r.expectedHash, r.withoutFreshRefs);
            break;
        case CleanupRequest::Kind::Reject: out.refused = m_engine->reject(r.batch, r.actor, r.comment); break;
        case CleanupRequest::Kind::RemoveItems:
            out.refused = m_engine->removeItems(r.batch, r.seqs, r.actor, r.comment, &out.newBatch);
            break;
        }
        co_return out;
    }
    // The result goes out, then the thread's event loop ends (the job waits for it).
    void end(const CleanupOutcome &outcome)
    {
        Q_EMIT finished(outcome);
        thread()->quit();
    }

    std::shared_ptr<const Plan> m_plan;
    QString m_dbPath;
    NetworkService &m_network;
    const CleanupRequest m_request;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<CleanupEngine> m_engine;
    std::optional<Task<CleanupOutcome>> m_task;
    bool m_canceled = false;
};

CleanupJob::CleanupJob(std::shared_ptr<const Plan> plan, QString dbPath, NetworkService &network, CleanupRequest request, QObject *parent)
    : QObject(parent)
    , m_job(new CleanupWorker(plan ? std::move(plan) : std::make_shared<const Plan>(), std::move(dbPath), network, std::move(request)),
            QStringLiteral("ferry-cleanup"))
{
    qRegisterMetaType<CleanupProgress>();
    qRegisterMetaType<CleanupOutcome>();
    auto *worker = static_cast<CleanupWorker *>(m_job.worker());
    connect(worker, &CleanupWorker::progress, this, &CleanupJob::progress);
    connect(worker, &CleanupWorker::finished, this, [this](const CleanupOutcome &o) {
        m_job.finished();
        Q_EMIT finished(o);
    });
}

CleanupJob::~CleanupJob()
{
    if (m_job.isRunning()) {
        cancel();
        // The worker ends its thread when its Task ends: after the item in flight.
        if (!m_job.waitForEnd(kDrainMs))
            qWarning("ferry: a cleanup run did not stop within %d s; its journal says where it was, and resume finishes it",
                     kDrainMs / 1000);
    }
    m_job.stop();
}

void CleanupJob::start()
{
    m_job.start<CleanupWorker>(&CleanupWorker::start);
}

void CleanupJob::cancel()
{
    m_job.invoke<CleanupWorker>(&CleanupWorker::cancel);
}

} // namespace ferry

#include "cleanupjob.moc"
