// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QDeadlineTimer>
#include <QObject>
#include <QThread>

namespace ferry {

// The thread of a job and the worker that lives on it (its engine and store connection):
// started once, the worker deleted in its own thread as the thread's event loop ends. The
// jobs (ScanJob, CleanupJob) own one each and live on the thread that made them.
class JobThread
{
public:
    JobThread(QObject *worker, const QString &name)
        : m_thread(new QThread)
        , m_worker(worker)
    {
        m_thread->setObjectName(name);
        m_worker->moveToThread(m_thread);
        QObject::connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    }
    JobThread(const JobThread &) = delete;
    JobThread &operator=(const JobThread &) = delete;
    ~JobThread() { stop(); }

    QObject *worker() const { return m_worker; }
    bool isRunning() const { return m_running; }

    // Starts the thread and calls method on the worker there; once only.
    template<typename Worker, typename Method>
    void start(Method method)
    {
        if (m_running || !m_thread)
            return;
        m_running = true;
        m_started = true;
        m_thread->start();
        QMetaObject::invokeMethod(static_cast<Worker *>(m_worker), method);
    }
    // Calls method on the worker in its thread, while the job runs.
    template<typename Worker, typename Method>
    void invoke(Method method)
    {
        if (m_running && m_worker)
            QMetaObject::invokeMethod(static_cast<Worker *>(m_worker), method);
    }
    // The worker said it is done: end its thread.
    void finished()
    {
        m_running = false;
        stop();
    }
    // Waits up to ms for a worker that ends its thread by itself; false if it did not.
    bool waitForEnd(int ms) { return !m_thread || m_thread->wait(QDeadlineTimer(ms)); }
    // Ends the thread's event loop and joins it; the worker goes with it.
    void stop()
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

private:
    QThread *m_thread;
    QObject *m_worker;
    bool m_running = false;
    bool m_started = false;
};

} // namespace ferry
