// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "core/scanjob.h"

#include "store/store.h"

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
    , m_job(new ScanWorker(std::move(plan), std::move(dbPath), network, std::move(options)), QStringLiteral("ferry-scan"))
{
    qRegisterMetaType<ScanProgress>();
    qRegisterMetaType<ScanSummary>();
    qRegisterMetaType<QList<MatrixRow>>();
    // The worker (its Scanner and store connection) is deleted in its thread as the thread's
    // event loop ends; a cancelled scan finishes its bookkeeping first.
    auto *worker = static_cast<ScanWorker *>(m_job.worker());
    connect(worker, &ScanWorker::progress, this, &ScanJob::progress);
    connect(worker, &ScanWorker::rowsReady, this, &ScanJob::rowsReady);
    connect(worker, &ScanWorker::finished, this, [this](const ScanSummary &s) {
        m_job.finished();
        Q_EMIT finished(s);
    });
}

ScanJob::~ScanJob()
{
    cancel();
    m_job.stop();
}

void ScanJob::start()
{
    m_job.start<ScanWorker>(&ScanWorker::start);
}

void ScanJob::cancel()
{
    m_job.invoke<ScanWorker>(&ScanWorker::cancel);
}

} // namespace ferry

#include "scanjob.moc"
