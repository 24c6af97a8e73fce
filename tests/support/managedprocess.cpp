// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "managedprocess.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <csignal>
#include <sys/prctl.h>

namespace ferry::test {

ManagedProcess::~ManagedProcess()
{
    stop();
}

bool ManagedProcess::start(const QString &program, const QStringList &args, quint16 port, QString *error, int readyTimeoutMs,
                           const QString &host)
{
    if (startUntil(program, args, [&] { return waitForPort(host, port, 100); }, error, readyTimeoutMs))
        return true;
    if (error->isEmpty())
        *error = QStringLiteral("%1 did not listen on port %2 within %3 ms: %4").arg(program).arg(port).arg(readyTimeoutMs).arg(output());
    return false;
}

bool ManagedProcess::startUntil(const QString &program, const QStringList &args, const std::function<bool()> &ready, QString *error,
                                int readyTimeoutMs)
{
    error->clear();

    m_process.setProgram(program);
    m_process.setArguments(args);
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QStringList names = env.keys();
    for (const QString &name : names)
        for (const QString &prefix : std::as_const(m_dropPrefixes))
            if (name.startsWith(prefix))
                env.remove(name);
    for (const QString &kv : std::as_const(m_extraEnvironment))
        env.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
    m_process.setProcessEnvironment(env);
    if (!m_log.isOpen() && !m_log.open()) {
        *error = QStringLiteral("cannot create a log file for %1").arg(program);
        return false;
    }
    m_process.setStandardOutputFile(m_log.fileName(), QIODevice::Append);
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_process.start();
    if (!m_process.waitForStarted(5000)) {
        *error = QStringLiteral("%1 did not start: %2").arg(program, m_process.errorString());
        return false;
    }
    QDeadlineTimer deadline(readyTimeoutMs);
    while (!deadline.hasExpired()) {
        if (m_process.state() != QProcess::Running) {
            *error = QStringLiteral("%1 exited early (%2): %3").arg(program).arg(m_process.exitCode()).arg(output());
            return false;
        }
        if (ready())
            return true;
        // Also lets QProcess see an exit: without an event loop its state stays Running.
        if (m_process.waitForFinished(50)) {
            *error = QStringLiteral("%1 exited early (%2): %3").arg(program).arg(m_process.exitCode()).arg(output());
            return false;
        }
    }
    *error = QStringLiteral("%1 was not ready within %2 ms: %3").arg(program).arg(readyTimeoutMs).arg(output());
    stop();
    return false;
}

void ManagedProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QString ManagedProcess::output()
{
    QFile f(m_log.fileName());
    if (!f.open(QIODevice::ReadOnly))
        return {};
    if (f.size() > 4000)
        f.seek(f.size() - 4000);
    return QString::fromUtf8(f.readAll());
}

QByteArray ManagedProcess::fullOutput()
{
    QFile f(m_log.fileName());
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

quint16 freeLoopbackPort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::LocalHost, 0))
        return 0;
    return s.serverPort();
}

bool waitForPort(const QString &host, quint16 port, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    do {
        QTcpSocket sock;
        sock.connectToHost(host, port);
        if (sock.waitForConnected(qMax<qint64>(10, qMin<qint64>(200, deadline.remainingTime()))))
            return true;
        QThread::msleep(20);
    } while (!deadline.hasExpired());
    return false;
}

} // namespace ferry::test
