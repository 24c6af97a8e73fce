// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "ops/batchtables.h"

#include <QMap>

namespace ferry {

// One run of a batch of any kind, from its start to its end, as every kind's executor runs it:
//  - one executor per batch across processes and machines: a real run holds the batch's lock
//    (the shared store's locks) for its whole length, and reads the batch only once it holds it;
//  - the kind's own blockers, then the status moved to executing only from approved (or an
//    earlier run of it): a decision from another machine in between stops the run before it
//    sends anything;
//  - the run's row and the audit log's lines (start, refusal, stop, end);
//  - at the end the batch is executed when every item is final, else it stays executing and
//    resume goes on with it.
// The kind's executor does its items in between (journal(), its own checks). Dry runs take no
// lock and leave the status alone.
class BatchExecution
{
public:
    BatchExecution(BatchTables &tables, qint64 batch, bool dryRun, QString actor);
    ~BatchExecution(); // lets go of the lock, however the run ended
    BatchExecution(const BatchExecution &) = delete;
    BatchExecution &operator=(const BatchExecution &) = delete;

    // The lock: false (and why in refused()) when another process executes the batch.
    bool hold();
    // After the kind's blockers (blocker: why the kind refuses, or empty): the status, the run
    // and its audit line. False, and why in refused(), when it may not start.
    bool begin(const QString &blocker, const QString &hash);
    // The run ends with every item done (the batch executed when allFinal) or stopped early.
    void finish(const QMap<QString, int> &counts, bool allFinal);
    void stop(const QString &why);

    qint64 run() const { return m_run; }
    const QString &refused() const { return m_refused; }
    const QString &actor() const { return m_actor; }
    bool dryRun() const { return m_dry; }

    // The lock's name: one per batch and kind.
    static QString lockName(const BatchKind &kind, qint64 batch);
    // Runs a process left "running" when it ended (its batch's lock is free) are marked
    // interrupted; returns the batches of every run still marked running, their own or
    // another live process's (whose execute then says it is held elsewhere).
    static QList<qint64> endInterruptedRuns(BatchTables &tables);
    // The counts of a run as the journal's summary: {"copied":3,"failed":1}.
    static QString summary(const QMap<QString, int> &counts);

private:
    void refuse(const QString &why);

    BatchTables &m_tables;
    const qint64 m_batch;
    const bool m_dry;
    const QString m_actor;
    bool m_locked = false;
    qint64 m_run = 0;
    QString m_refused;
};

} // namespace ferry
