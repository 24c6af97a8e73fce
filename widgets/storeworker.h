// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "core/workspace.h"

#include <QFutureWatcher>

#include <utility>

namespace ferry {

// A page's reads of one kind of result, asked of the session's Workspace: one at a time,
// each on a pool thread with its own connection; the result arrives through watcher()'s
// finished() on the page's thread. Destroying the reader waits for a read in flight.
template<typename T>
class StoreReader
{
public:
    StoreReader() = default;
    StoreReader(const StoreReader &) = delete;
    StoreReader &operator=(const StoreReader &) = delete;
    ~StoreReader() { m_watcher.waitForFinished(); }

    QFutureWatcher<T> &watcher() { return m_watcher; }
    void setWorkspace(const Workspace *workspace) { m_workspace = workspace; }
    const Workspace *workspace() const { return m_workspace; }
    // Starts start(workspace), which returns the read's QFuture<T>, unless there is no
    // database yet or a read still runs.
    template<typename Start>
    void read(Start start)
    {
        if (!m_workspace || m_workspace->databasePath().isEmpty() || m_watcher.isRunning())
            return;
        m_watcher.setFuture(start(*m_workspace));
    }

private:
    const Workspace *m_workspace = nullptr;
    QFutureWatcher<T> m_watcher;
};

} // namespace ferry
