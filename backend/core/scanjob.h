// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "core/jobthread.h"
#include "scan/scanner.h"

#include <QObject>

#include <memory>

namespace ferry {

class NetworkService;
class ScanWorker;

// A scan as a job: it runs on a thread of its own with its own store connection (every
// listing's history and the matrix are written there, never on the caller's thread),
// reports progress and live rows, can be cancelled, and ends with finished(summary). The
// job itself lives on the thread that made it; its signals arrive there queued.
class ScanJob : public QObject
{
    Q_OBJECT
public:
    ScanJob(std::shared_ptr<const Plan> plan, QString dbPath, NetworkService &network, ScanOptions options, QObject *parent = nullptr);
    // Cancels a scan still running and waits for its thread: what was read is kept.
    ~ScanJob() override;

    void start();
    // Stops between requests; finished() still comes, with summary.interrupted set.
    void cancel();
    bool isRunning() const { return m_job.isRunning(); }

Q_SIGNALS:
    void progress(const ferry::ScanProgress &progress);
    void rowsReady(const QList<ferry::MatrixRow> &rows);
    void finished(const ferry::ScanSummary &summary);

private:
    JobThread m_job;
};

} // namespace ferry
