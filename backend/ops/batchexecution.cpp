// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "ops/batchexecution.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace ferry {

BatchExecution::BatchExecution(BatchTables &tables, qint64 batch, bool dryRun, QString actor)
    : m_tables(tables)
    , m_batch(batch)
    , m_dry(dryRun)
    , m_actor(batchActor(actor))
{ }

BatchExecution::~BatchExecution()
{
    if (m_locked)
        m_tables.tablesStore().unlock(lockName(m_tables.kind(), m_batch));
}

QString BatchExecution::lockName(const BatchKind &kind, qint64 batch)
{
    return QStringLiteral("%1-batch:%2").arg(kind.name).arg(batch);
}

void BatchExecution::refuse(const QString &why)
{
    m_refused = why;
    m_tables.audit(m_actor, m_dry ? QStringLiteral("dry-run refused") : QStringLiteral("execute refused"), m_batch, why);
}

bool BatchExecution::hold()
{
    if (m_dry)
        return true;
    if (!m_tables.tablesStore().tryLock(lockName(m_tables.kind(), m_batch))) {
        refuse(QStringLiteral("%1 %2 is being executed by another process (an execute or resume elsewhere); nothing was sent")
                   .arg(m_tables.kind().label)
                   .arg(m_batch));
        return false;
    }
    m_locked = true;
    return true;
}

bool BatchExecution::begin(const QString &blocker, const QString &hash)
{
    if (!blocker.isEmpty()) {
        refuse(blocker);
        return false;
    }
    // Approved, as read, still when the status changes: a rejection from another machine in
    // between stops this run before it starts.
    QStringList from{batchstatus::Approved, batchstatus::Executing};
    if (m_tables.kind().executedRunsAgain)
        from << batchstatus::Executed;
    if (!m_dry && !m_tables.setStatusIf(m_batch, batchstatus::Executing, from)) {
        refuse(QStringLiteral("%1 %2 was decided again while this run started; show it again").arg(m_tables.kind().label).arg(m_batch));
        return false;
    }
    m_run = m_tables.beginRun(m_batch, m_dry, m_actor);
    m_tables.audit(m_actor, m_dry ? QStringLiteral("dry-run") : QStringLiteral("execute"), m_batch,
                   QStringLiteral("run %1, hash %2").arg(m_run).arg(hash));
    return true;
}

QString BatchExecution::summary(const QMap<QString, int> &counts)
{
    QJsonObject o;
    for (auto it = counts.begin(); it != counts.end(); ++it)
        o.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

void BatchExecution::finish(const QMap<QString, int> &counts, bool allFinal)
{
    const QString text = summary(counts);
    m_tables.finishRun(m_run, QStringLiteral("finished"), text);
    if (!m_dry && allFinal)
        m_tables.setStatusIf(m_batch, batchstatus::Executed, {batchstatus::Executing});
    m_tables.audit(m_actor, m_dry ? QStringLiteral("dry-run finished") : QStringLiteral("execute finished"), m_batch, text);
}

void BatchExecution::stop(const QString &why)
{
    m_tables.finishRun(m_run, QStringLiteral("stopped"), why);
    m_tables.audit(m_actor, QStringLiteral("run stopped"), m_batch, why);
}

QList<qint64> BatchExecution::endInterruptedRuns(BatchTables &tables)
{
    QList<qint64> batches;
    Store &store = tables.tablesStore();
    for (const BatchRun &r : tables.runs()) {
        if (r.dryRun || r.status != u"running")
            continue;
        // A run whose batch another process holds is alive: it is not ours to end.
        const QString name = lockName(tables.kind(), r.batch);
        if (store.tryLock(name)) {
            tables.finishRun(r.id, QStringLiteral("interrupted"), QStringLiteral("the process ended during the run; resumed"));
            store.unlock(name);
        }
        if (!batches.contains(r.batch))
            batches << r.batch;
    }
    return batches;
}

} // namespace ferry
