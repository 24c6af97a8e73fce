// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "gui/scanworker.h"

#include "store/store.h"

namespace ferry {

ScanWorker::ScanWorker(Plan plan, QString dbPath, NetworkService &network, ScanOptions options)
    : m_plan(std::move(plan))
    , m_dbPath(std::move(dbPath))
    , m_network(network)
    , m_options(std::move(options))
{ }

ScanWorker::~ScanWorker()
{
    delete m_scanner; // before its store
}

void ScanWorker::start()
{
    // The store connection belongs to the thread that opens it: this one.
    m_store = std::make_unique<Store>(m_dbPath);
    QString error;
    if (!m_store->open(&error)) {
        ScanSummary failed;
        failed.storeFailed = true;
        failed.errors << error;
        Q_EMIT finished(failed);
        return;
    }
    m_scanner = new Scanner(m_plan, *m_store, m_network, m_options);
    connect(m_scanner, &Scanner::progress, this, &ScanWorker::progress);
    connect(m_scanner, &Scanner::rowsReady, this, &ScanWorker::rowsReady);
    connect(m_scanner, &Scanner::finished, this, &ScanWorker::finished);
    m_scanner->start();
}

void ScanWorker::cancel()
{
    if (m_scanner)
        m_scanner->cancel();
}

} // namespace ferry
