// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryFile>

#include <functional>

namespace ferry::test {

// A helper process (registry, token service) that dies with the test: the kernel sends it
// SIGKILL when the test process exits, crashes included (PR_SET_PDEATHSIG); a normal end
// terminates it and waits.
class ManagedProcess
{
public:
    ManagedProcess() = default;
    ~ManagedProcess();
    ManagedProcess(const ManagedProcess &) = delete;
    ManagedProcess &operator=(const ManagedProcess &) = delete;

    // Starts program and waits (bounded) until host:port accepts connections.
    bool start(const QString &program, const QStringList &args, quint16 port, QString *error, int readyTimeoutMs = 15'000,
               const QString &host = QStringLiteral("127.0.0.1"));
    // Starts program and waits (bounded) until ready() says so (a socket file, a log line).
    bool startUntil(const QString &program, const QStringList &args, const std::function<bool()> &ready, QString *error,
                    int readyTimeoutMs = 15'000);
    // Extra NAME=value variables for the next start(), on top of this process's environment,
    // less the variables whose names start with one of dropPrefixes.
    void setEnvironment(const QStringList &extra, const QStringList &dropPrefixes = {})
    {
        m_extraEnvironment = extra;
        m_dropPrefixes = dropPrefixes;
    }
    void stop();
    bool isRunning() const { return m_process.state() == QProcess::Running; }
    qint64 pid() const { return m_process.processId(); }
    QString output(); // the last 4,000 bytes
    QByteArray fullOutput(); // all of it (a registry's access log)

private:
    QProcess m_process;
    QStringList m_extraEnvironment;
    QStringList m_dropPrefixes;
    // Output goes to a file, never to a pipe: a pipe that nobody reads while the test
    // blocks in another process fills up and stalls the child (a registry logging 404s).
    QTemporaryFile m_log;
};

// A port that was free a moment ago on 127.0.0.1.
quint16 freeLoopbackPort();
// Waits until something listens on host:port, at most timeoutMs.
bool waitForPort(const QString &host, quint16 port, int timeoutMs);

} // namespace ferry::test
