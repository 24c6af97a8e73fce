// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "core/cleanupjob.h"

namespace ferry {

namespace {
// A cleanup operation on the job's thread: the engine over the job's store connection.
class CleanupRun : public OperationRun
{
public:
    CleanupRun(const Plan &plan, Store &store, NetworkService &network, const CleanupRequest &request, std::function<void(QVariant)> report)
        : m_engine(plan, store, network)
        , m_request(request)
    {
        m_engine.setProgressHandler([report = std::move(report)](const CleanupProgress &p) { report(QVariant::fromValue(p)); });
    }
    void cancel() override { m_engine.cancel(); }
    Task<QVariant> run() override
    {
        CleanupOutcome out;
        out.kind = m_request.kind;
        const CleanupRequest &r = m_request;
        switch (r.kind) {
        case CleanupRequest::Kind::Plan: out.plan = co_await m_engine.plan(r.policies); break;
        case CleanupRequest::Kind::Execute: out.runs << co_await m_engine.execute(r.batch, r.options); break;
        case CleanupRequest::Kind::Resume: out.runs = co_await m_engine.resume(r.options); break;
        case CleanupRequest::Kind::Approve:
            out.refused = m_engine.approve(r.batch, r.actor, r.comment, r.expectedHash, r.withoutFreshRefs);
            break;
        case CleanupRequest::Kind::Reject: out.refused = m_engine.reject(r.batch, r.actor, r.comment); break;
        case CleanupRequest::Kind::RemoveItems:
            out.refused = m_engine.removeItems(r.batch, r.seqs, r.actor, r.comment, &out.newBatch);
            break;
        }
        co_return QVariant::fromValue(out);
    }

private:
    CleanupEngine m_engine;
    const CleanupRequest m_request;
};

} // namespace

CleanupJob::CleanupJob(std::shared_ptr<const Plan> plan, QString dbPath, NetworkService &network, CleanupRequest request, QObject *parent)
    : OperationJob(std::move(dbPath),
                   operationKind<CleanupRun, CleanupOutcome>(QStringLiteral("cleanup"), std::move(plan), network, std::move(request)),
                   parent)
{
    qRegisterMetaType<CleanupProgress>();
    qRegisterMetaType<CleanupOutcome>();
    connect(this, &OperationJob::progressed, this, [this](const QVariant &p) { Q_EMIT progress(p.value<CleanupProgress>()); });
    connect(this, &OperationJob::ended, this, [this](const QVariant &o) { Q_EMIT finished(o.value<CleanupOutcome>()); });
}

} // namespace ferry
