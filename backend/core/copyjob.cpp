// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "core/copyjob.h"

namespace ferry {

namespace {
// A copy operation on the job's thread: the engine over the job's store connection.
class CopyRun : public OperationRun
{
public:
    CopyRun(const Plan &plan, Store &store, NetworkService &network, const CopyRequest &request, std::function<void(QVariant)> report)
        : m_engine(plan, store, network)
        , m_request(request)
    {
        m_engine.setProgressHandler([report = std::move(report)](const CopyProgress &p) { report(QVariant::fromValue(p)); });
    }
    void cancel() override { m_engine.cancel(); }
    Task<QVariant> run() override
    {
        CopyOutcome out;
        out.kind = m_request.kind;
        const CopyRequest &r = m_request;
        switch (r.kind) {
        case CopyRequest::Kind::Plan: out.plan = co_await m_engine.plan(r.plan); break;
        case CopyRequest::Kind::Execute: out.runs << co_await m_engine.execute(r.batch, r.options); break;
        case CopyRequest::Kind::Resume: out.runs = co_await m_engine.resume(r.options); break;
        case CopyRequest::Kind::Approve: out.refused = m_engine.approve(r.batch, r.actor, r.comment, r.expectedHash); break;
        case CopyRequest::Kind::Reject: out.refused = m_engine.reject(r.batch, r.actor, r.comment); break;
        }
        co_return QVariant::fromValue(out);
    }

private:
    CopyEngine m_engine;
    const CopyRequest m_request;
};

} // namespace

CopyJob::CopyJob(std::shared_ptr<const Plan> plan, QString dbPath, NetworkService &network, CopyRequest request, QObject *parent)
    : OperationJob(std::move(dbPath),
                   operationKind<CopyRun, CopyOutcome>(QStringLiteral("copy"), std::move(plan), network, std::move(request)), parent)
{
    qRegisterMetaType<CopyProgress>();
    qRegisterMetaType<CopyOutcome>();
    connect(this, &OperationJob::progressed, this, [this](const QVariant &p) { Q_EMIT progress(p.value<CopyProgress>()); });
    connect(this, &OperationJob::ended, this, [this](const QVariant &o) { Q_EMIT finished(o.value<CopyOutcome>()); });
}

} // namespace ferry
