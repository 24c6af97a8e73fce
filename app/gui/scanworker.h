// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "plan/plan.h"
#include "scan/scanner.h"

#include <QObject>

#include <memory>

namespace ferry {

class NetworkService;
class Store;

// A scan of the dashboard on a thread of its own: the Scanner, its store connection and
// every store write (each listing's history, the matrix at the end: seconds at a million
// rows) stay off the GUI thread. Created on the GUI thread, moved to the scan thread; start()
// and cancel() are invoked there, the signals arrive queued.
class ScanWorker : public QObject
{
    Q_OBJECT
public:
    ScanWorker(Plan plan, QString dbPath, NetworkService &network, ScanOptions options);
    ~ScanWorker() override;

    void start();
    void cancel();

Q_SIGNALS:
    void progress(const ferry::ScanProgress &progress);
    void rowsReady(const QList<ferry::MatrixRow> &rows);
    void finished(const ferry::ScanSummary &summary);

private:
    Plan m_plan;
    QString m_dbPath;
    NetworkService &m_network;
    ScanOptions m_options;
    std::unique_ptr<Store> m_store;
    Scanner *m_scanner = nullptr;
};

} // namespace ferry
