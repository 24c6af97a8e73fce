// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "store/store.h"

#include <QFuture>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

namespace ferry {

// Runs work(store) on a pool thread with a Store connection of its own (SQLite in WAL mode
// lets it read while the GUI thread's connection writes). When the database cannot be
// opened, onError(message) makes the result instead. The pages and the Export dialog read
// through this so that the GUI thread never waits on SQLite for more than its own rows.
template<typename Work, typename OnError>
auto runOnStore(const QString &dbPath, Work work, OnError onError)
{
    return QtConcurrent::run([dbPath, work = std::move(work), onError = std::move(onError)] {
        Store store(dbPath);
        QString error;
        if (!store.open(&error))
            return onError(error);
        return work(store);
    });
}

// A page's reads of one kind of result: one at a time, each on a pool thread with its own
// connection; the result arrives through watcher()'s finished() on the page's thread.
// Destroying the reader waits for a read in flight.
template<typename T>
class StoreReader
{
public:
    StoreReader() = default;
    StoreReader(const StoreReader &) = delete;
    StoreReader &operator=(const StoreReader &) = delete;
    ~StoreReader() { m_watcher.waitForFinished(); }

    QFutureWatcher<T> &watcher() { return m_watcher; }
    void setDatabase(const QString &dbPath) { m_dbPath = dbPath; }
    const QString &database() const { return m_dbPath; }
    // Starts work(store) unless there is no database or a read still runs; a database that
    // cannot be opened makes failed(message) the result.
    template<typename Work, typename Failed>
    void read(Work work, Failed failed)
    {
        if (m_dbPath.isEmpty() || m_watcher.isRunning())
            return;
        m_watcher.setFuture(runOnStore(m_dbPath, std::move(work), std::move(failed)));
    }

private:
    QString m_dbPath;
    QFutureWatcher<T> m_watcher;
};

} // namespace ferry
