// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "core/stopsignal.h"

#include <QTimer>

#include <atomic>
#include <csignal>

namespace ferry {

namespace {

std::atomic<bool> g_stop{false};

void onStopSignal(int)
{
    g_stop = true;
}

} // namespace

StopSignal::StopSignal()
{
    g_stop = false;
    m_previousInt = std::signal(SIGINT, onStopSignal);
    m_previousTerm = std::signal(SIGTERM, onStopSignal);
}

StopSignal::~StopSignal()
{
    std::signal(SIGINT, m_previousInt);
    std::signal(SIGTERM, m_previousTerm);
}

bool StopSignal::requested()
{
    return g_stop;
}

void StopSignal::request()
{
    g_stop = true;
}

QTimer *StopSignal::watch(QObject *context, std::function<void()> onStop)
{
    auto *poll = new QTimer(context);
    QObject::connect(poll, &QTimer::timeout, context, [poll, onStop = std::move(onStop)] {
        if (!g_stop)
            return;
        poll->stop();
        onStop();
    });
    poll->start(100);
    return poll;
}

} // namespace ferry
