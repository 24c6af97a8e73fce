// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QString>
#include <QTextStream>

#include <functional>

class QObject;
class QTimer;

namespace ferry::cli {

// SIGINT and SIGTERM ask the running command to stop; nothing is cut mid-request: the
// command polls and stops between items, keeping what it learned. One per command run;
// the previous handlers come back when it goes.
class StopSignal
{
public:
    StopSignal();
    ~StopSignal();
    StopSignal(const StopSignal &) = delete;
    StopSignal &operator=(const StopSignal &) = delete;

    static bool requested();
    static void request(); // a stop asked for by the command itself (the watch view's q)
    // Calls onStop once, on the context's thread, within 100 ms of a stop request. The
    // timer belongs to the context.
    QTimer *watch(QObject *context, std::function<void()> onStop);

private:
    void (*m_previousInt)(int);
    void (*m_previousTerm)(int);
};

// The one-line progress a command draws on stderr when it is a terminal: each show()
// replaces the line, clear() removes it. Off a terminal it draws nothing (logs stay clean).
class ProgressLine
{
public:
    explicit ProgressLine(QTextStream &err);
    bool isTerminal() const { return m_tty; }
    void show(const QString &text);
    void clear();

private:
    QTextStream &m_err;
    bool m_tty;
    bool m_shown = false;
};

} // namespace ferry::cli
