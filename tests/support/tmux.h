// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QString>
#include <QStringList>

#include <functional>

namespace ferry::test {

// A real terminal for a test: a tmux server on a socket of the test's own (no user
// configuration), one window of a given size running a command. The server is killed when
// the object goes, with whatever still runs in it.
class Tmux
{
public:
    explicit Tmux(const QString &socketPath);
    ~Tmux();
    Tmux(const Tmux &) = delete;
    Tmux &operator=(const Tmux &) = delete;

    // env: NAME=value for the command. terminal: the TERM tmux offers (default "screen",
    // 8 colours; "tmux-256color" for 256).
    bool start(const QString &command, int cols, int rows, const QStringList &env = {}, const QString &terminal = {});
    void keys(const QStringList &names) const; // tmux key names: Enter, Escape, Down, a, 2
    void text(const QString &text) const; // typed literally
    bool resize(int cols, int rows) const;
    // The screen as text; with escapes, its colours and attributes as escape sequences.
    QString screen(bool escapes = false) const;
    // Waits (at most timeoutMs) until the screen satisfies done; returns the last screen.
    QString waitFor(const std::function<bool(const QString &)> &done, int timeoutMs = 20'000) const;
    QString waitFor(const QString &text, int timeoutMs = 20'000) const;
    // The process tmux started for the command (the shell that runs it).
    qint64 panePid() const;

private:
    QStringList server() const;

    QString m_socket;
    bool m_started = false;
};

} // namespace ferry::test
