// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "core/copyjob.h"

#include "store/store.h"

#include <QThread>

#include <optional>

namespace ferry {

namespace {
// How long a job being destroyed gives its current step to end: a request and its journal entry,
// bounded by the registry client's own timeouts and retries.
constexpr int kDrainMs = 120'000;
} // namespace

// The part of a copy job that lives on the job's thread: the engine, its store connection and
// the running Task.
class CopyWorker : public QObject
{
    Q_OBJECT
public:
    CopyWorker(std::shared_ptr<const Plan> plan, QString dbPath, NetworkService &network, CopyRequest request)
        : m_plan(std::move(plan))
        , m_dbPath(std::move(dbPath))
        , m_network(network)
        , m_request(std::move(request))
    { }
    ~CopyWorker() override
    {
        m_task.reset(); // before the engine its frames point into
        m_engine.reset(); // before its store
    }

    void start()
    {
        m_store = std::make_unique<Store>(m_dbPath);
        QString error;
        if (!m_store->open(&error)) {
            CopyOutcome failed;
            failed.kind = m_request.kind;
            failed.storeError = error;
            end(failed);
            return;
        }
        m_engine = std::make_unique<CopyEngine>(*m_plan, *m_store, m_network);
        m_engine->setProgressHandler([this](const CopyProgress &p) { Q_EMIT progress(p); });
        if (m_canceled)
            m_engine->cancel();
        m_task.emplace(run());
        m_task->start([this](CopyOutcome outcome) { end(outcome); });
    }
    void cancel()
    {
        m_canceled = true;
        if (m_engine)
            m_engine->cancel();
    }

Q_SIGNALS:
    void progress(const ferry::CopyProgress &progress);
    void finished(const ferry::CopyOutcome &outcome);

private:
    Task<CopyOutcome> run()
    {
        CopyOutcome out;
        out.kind = m_request.kind;
        const CopyRequest &r = m_request;
        switch (r.kind) {
        case CopyRequest::Kind::Plan: out.plan = co_await m_engine->plan(r.plan); break;
        case CopyRequest::Kind::Execute: out.runs << co_await m_engine->execute(r.batch, r.options); break;
        case CopyRequest::Kind::Resume: out.runs = co_await m_engine->resume(r.options); break;
        case CopyRequest::Kind::Approve: out.refused = m_engine->approve(r.batch, r.actor, r.comment, r.expectedHash); break;
        case CopyRequest::Kind::Reject: out.refused = m_engine->reject(r.batch, r.actor, r.comment); break;
        }
        co_return out;
    }
    // The result goes out, then the thread's event loop ends (the job waits for it).
    void end(const CopyOutcome &outcome)
    {
        Q_EMIT finished(outcome);
        thread()->quit();
    }

    std::shared_ptr<const Plan> m_plan;
    QString m_dbPath;
    NetworkService &m_network;
    const CopyRequest m_request;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<CopyEngine> m_engine;
    std::optional<Task<CopyOutcome>> m_task;
    bool m_canceled = false;
};

CopyJob::CopyJob(std::shared_ptr<const Plan> plan, QString dbPath, NetworkService &network, CopyRequest request, QObject *parent)
    : QObject(parent)
    , m_job(new CopyWorker(plan ? std::move(plan) : std::make_shared<const Plan>(), std::move(dbPath), network, std::move(request)),
            QStringLiteral("ferry-copy"))
{
    qRegisterMetaType<CopyProgress>();
    qRegisterMetaType<CopyOutcome>();
    auto *worker = static_cast<CopyWorker *>(m_job.worker());
    connect(worker, &CopyWorker::progress, this, &CopyJob::progress);
    connect(worker, &CopyWorker::finished, this, [this](const CopyOutcome &o) {
        m_job.finished();
        Q_EMIT finished(o);
    });
}

CopyJob::~CopyJob()
{
    if (m_job.isRunning()) {
        cancel();
        // The worker ends its thread when its Task ends: after the item in flight.
        if (!m_job.waitForEnd(kDrainMs))
            qWarning("ferry: a copy run did not stop within %d s; its journal says where it was, and resume finishes it", kDrainMs / 1000);
    }
    m_job.stop();
}

void CopyJob::start()
{
    m_job.start<CopyWorker>(&CopyWorker::start);
}

void CopyJob::cancel()
{
    m_job.invoke<CopyWorker>(&CopyWorker::cancel);
}

} // namespace ferry

#include "copyjob.moc"
