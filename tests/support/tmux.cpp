// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "tmux.h"

#include "testutil.h"

#include <QElapsedTimer>
#include <QFile>
#include <QThread>

namespace ferry::test {

Tmux::Tmux(const QString &socketPath)
    : m_socket(socketPath)
{ }

Tmux::~Tmux()
{
    if (m_started)
        run(QStringLiteral("tmux"), server() + QStringList{QStringLiteral("kill-server")});
}

QStringList Tmux::server() const
{
    return {QStringLiteral("-S"), m_socket, QStringLiteral("-f"), m_socket + QStringLiteral(".conf")};
}

bool Tmux::start(const QString &command, int cols, int rows, const QStringList &env, const QString &terminal)
{
    QFile conf(m_socket + QStringLiteral(".conf"));
    if (!conf.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    if (!terminal.isEmpty())
        conf.write(QStringLiteral("set -g default-terminal %1\n").arg(terminal).toUtf8());
    conf.write("set -g status off\n"); // the whole window is the program's
    conf.close();
    QStringList args = server() + QStringList{QStringLiteral("new-session"), QStringLiteral("-d"), QStringLiteral("-x"),
                                              QString::number(cols),         QStringLiteral("-y"), QString::number(rows)};
    for (const QString &e : env)
        args << QStringLiteral("-e") << e;
    args << command;
    const Run r = run(QStringLiteral("tmux"), args);
    if (r.exitCode != 0) {
        qWarning("tmux new-session: %s", r.err.constData());
        return false;
    }
    m_started = true;
    return true;
}

void Tmux::keys(const QStringList &names) const
{
    run(QStringLiteral("tmux"), server() + QStringList{QStringLiteral("send-keys")} + names);
}

void Tmux::text(const QString &text) const
{
    run(QStringLiteral("tmux"), server() + QStringList{QStringLiteral("send-keys"), QStringLiteral("-l"), text});
}

bool Tmux::resize(int cols, int rows) const
{
    return run(QStringLiteral("tmux"),
               server() +
                   QStringList{QStringLiteral("resize-window"), QStringLiteral("-x"), QString::number(cols), QStringLiteral("-y"),
                               QString::number(rows)})
               .exitCode == 0;
}

QString Tmux::screen(bool escapes) const
{
    QStringList args = server() + QStringList{QStringLiteral("capture-pane"), QStringLiteral("-p")};
    if (escapes)
        args << QStringLiteral("-e");
    return QString::fromUtf8(run(QStringLiteral("tmux"), args).out);
}

QString Tmux::waitFor(const std::function<bool(const QString &)> &done, int timeoutMs) const
{
    QElapsedTimer t;
    t.start();
    QString s = screen();
    while (!done(s) && t.elapsed() < timeoutMs) {
        QThread::msleep(100);
        s = screen();
    }
    return s;
}

QString Tmux::waitFor(const QString &text, int timeoutMs) const
{
    return waitFor([&](const QString &s) { return s.contains(text); }, timeoutMs);
}

qint64 Tmux::panePid() const
{
    const Run r = run(QStringLiteral("tmux"),
                      server() + QStringList{QStringLiteral("list-panes"), QStringLiteral("-F"), QStringLiteral("#{pane_pid}")});
    return r.out.trimmed().toLongLong();
}

} // namespace ferry::test
