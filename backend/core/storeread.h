// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "store/store.h"

#include <QFuture>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

namespace ferry {

// Runs work(store) on a pool thread with a Store connection of its own (SQLite in WAL mode
// lets it read while another connection writes). When the database cannot be opened,
// onError(message) makes the result instead. Reads of a whole table go through this (the
// Workspace's read, reportData and lag) so that no GUI or command thread waits on SQLite
// for more than its own rows.
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

} // namespace ferry
