// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "core/stopsignal.h"

#include <QEventLoop>
#include <QString>
#include <QTextStream>

#include <memory>
#include <optional>

namespace ferry::cli {

// The one-line progress a command draws on stderr when it is a terminal: each show()
// replaces the line, clear() removes it. Off a terminal it draws nothing (logs stay clean).
class ProgressLine
{
public:
    explicit ProgressLine(QTextStream &err);
    bool isTerminal() const { return m_tty; }
    void show(const QString &text);
    void clear();

private:
    QTextStream &m_err;
    bool m_tty;
    bool m_shown = false;
};

// How a job's progress reads on stderr: "[phase] done/total message", or "[phase] message"
// before the total is known.
template<typename Progress>
QString progressText(const Progress &p)
{
    return p.total > 0 ? QStringLiteral("[%1] %2/%3 %4").arg(p.phase).arg(p.done).arg(p.total).arg(p.message)
                       : QStringLiteral("[%1] %2").arg(p.phase, p.message);
}

// Waits for a job the workspace started (CleanupJob, CopyJob) on this thread's event loop and
// returns its outcome. Its progress goes to the progress line on a terminal, and off one as a
// line per step (planning's steps only on a terminal); SIGINT and SIGTERM cancel it, and it
// ends its current item first. The one way every ferryctl command runs a batch operation.
template<typename Outcome, typename Progress, typename Job>
Outcome waitForJob(std::unique_ptr<Job> job, QTextStream &err)
{
    ProgressLine line(err);
    QObject::connect(job.get(), &Job::progress, job.get(), [&line, &err](const Progress &p) {
        if (line.isTerminal())
            line.show(progressText(p).left(160));
        else if (p.phase != u"plan")
            err << progressText(p) << Qt::endl;
    });
    QEventLoop loop;
    std::optional<Outcome> outcome;
    QObject::connect(job.get(), &Job::finished, &loop, [&](const Outcome &o) {
        outcome = o;
        loop.quit();
    });
    StopSignal stop;
    stop.watch(job.get(), [&job] { job->cancel(); });
    if (!outcome)
        loop.exec();
    line.clear();
    return std::move(*outcome);
}

} // namespace ferry::cli
