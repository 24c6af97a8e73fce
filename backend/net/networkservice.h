// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QList>
#include <QObject>

class QThread;

namespace ferry {

class HttpEngine;

// The network threads. Each thread runs an event loop and owns one HttpEngine (and so one
// QNetworkAccessManager); a registry is pinned to one of them, so all of its queue, tokens
// and counters live on a single thread and need no locks.
class NetworkService
{
public:
    explicit NetworkService(int threads = 2);
    ~NetworkService();
    NetworkService(const NetworkService &) = delete;
    NetworkService &operator=(const NetworkService &) = delete;

    HttpEngine *engineFor(const QString &registryKey) const;
    int threadCount() const { return int(m_threads.size()); }

private:
    QList<QThread *> m_threads;
    QList<HttpEngine *> m_engines;
};

} // namespace ferry
