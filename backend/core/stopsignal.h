// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <functional>

class QObject;
class QTimer;

namespace ferry {

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

} // namespace ferry
