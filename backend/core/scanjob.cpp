// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "core/scanjob.h"

#include "store/store.h"

#include <QThread>

namespace ferry {

// The part of a scan that lives on the scan's thread: the Scanner and its store connection
// (a connection belongs to the thread that opens it).
class ScanWorker : public QObject
{
    Q_OBJECT
public:
    ScanWorker(std::shared_ptr<const Plan> plan, QString dbPath, NetworkService &network, ScanOptions options)
        : m_plan(std::move(plan))
        , m_dbPath(std::move(dbPath))
        , m_network(network)
        , m_options(std::move(options))
    { }
    ~ScanWorker() override { delete m_scanner; } // before its store

    void start()
    {
        m_store = std::make_unique<Store>(m_dbPath);
        QString error;
        if (!m_store->open(&error)) {
            ScanSummary failed;
            failed.storeFailed = true;
            failed.errors << error;
            Q_EMIT finished(failed);
            return;
        }
        m_scanner = new Scanner(*m_plan, *m_store, m_network, m_options);
        connect(m_scanner, &Scanner::progress, this, &ScanWorker::progress);
        connect(m_scanner, &Scanner::rowsReady, this, &ScanWorker::rowsReady);
        connect(m_scanner, &Scanner::finished, this, &ScanWorker::finished);
        m_scanner->start();
    }
    void cancel()
    {
        if (m_scanner)
            m_scanner->cancel();
    }

Q_SIGNALS:
    void progress(const ferry::ScanProgress &progress);
    void rowsReady(const QList<ferry::MatrixRow> &rows);
    void finished(const ferry::ScanSummary &summary);

private:
    std::shared_ptr<const Plan> m_plan;
    QString m_dbPath;
    NetworkService &m_network;
    ScanOptions m_options;
    std::unique_ptr<Store> m_store;
    Scanner *m_scanner = nullptr;
};

ScanJob::ScanJob(std::shared_ptr<const Plan> plan, QString dbPath, NetworkService &network, ScanOptions options, QObject *parent)
    : QObject(parent)
    , m_thread(new QThread)
    , m_worker(new ScanWorker(std::move(plan), std::move(dbPath), network, std::move(options)))
{
    qRegisterMetaType<ScanProgress>();
    qRegisterMetaType<ScanSummary>();
    qRegisterMetaType<QList<MatrixRow>>();
    m_thread->setObjectName(QStringLiteral("ferry-scan"));
    m_worker->moveToThread(m_thread);
    // The worker (its Scanner and store connection) is deleted in its thread as the thread's
    // event loop ends; a cancelled scan finishes its bookkeeping first.
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &ScanWorker::progress, this, &ScanJob::progress);
    connect(m_worker, &ScanWorker::rowsReady, this, &ScanJob::rowsReady);
    connect(m_worker, &ScanWorker::finished, this, [this](const ScanSummary &s) {
        m_running = false;
        stopThread();
        Q_EMIT finished(s);
    });
}

ScanJob::~ScanJob()
{
    cancel();
    stopThread();
}

void ScanJob::start()
{
    if (m_running || !m_thread)
        return;
    m_running = true;
    m_started = true;
    m_thread->start();
    QMetaObject::invokeMethod(m_worker, &ScanWorker::start);
}

void ScanJob::cancel()
{
    if (m_running && m_worker)
        QMetaObject::invokeMethod(m_worker, &ScanWorker::cancel);
}

void ScanJob::stopThread()
{
    if (!m_thread)
        return;
    m_thread->quit();
    m_thread->wait();
    if (!m_started)
        delete m_worker; // never moved into a running thread: nothing else will delete it
    delete m_thread;
    m_thread = nullptr;
    m_worker = nullptr; // deleted by deleteLater as the thread ended
}

} // namespace ferry

#include "scanjob.moc"
