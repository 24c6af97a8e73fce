// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "net/task.h"

#include <QEventLoop>
#include <QList>
#include <QMap>
#include <QString>

#include <algorithm>
#include <functional>
#include <optional>
#include <vector>

namespace ferry {

// What a kind's item executor decided for one item.
struct ItemStep
{
    QString state; // the item's state now: a final one, or one that resume takes up again (failed)
    int http = 0; // the registry's answer to what was sent, if anything was
    QString message;
    QString stop; // not empty: the run ends at this item, which is not recorded (why it ended)

    static ItemStep stopped(QString why)
    {
        ItemStep s;
        s.stop = std::move(why);
        return s;
    }
};

// How a run of items ended.
struct ItemRunTotals
{
    QMap<QString, int> counts; // by state: this run's outcomes, and the items an earlier run settled
    int done = 0; // items counted, in the order they were taken
    int total = 0;
    bool stopped = false; // ended before its last item: by a step, a failed record or the operator
    QString stopWhy;
};

// The loop every batch kind runs its items in, between BatchExecution::begin() and finish():
// items taken in order by a number of workers on one thread, an item an earlier run settled
// counted and not run again, the operator's stop honoured before each item (the item under way
// ends first), each outcome recorded (the journal) before the next item of that worker, a pace
// between a worker's items, and the first stop ending the run. A kind gives only its step (what
// is done to one item, with its own live checks) and its record (the journal line). Item is a
// kind's item type with a `state` (CleanupItem, CopyItem).
template<typename Item>
struct ItemRun
{
    int workers = 1; // items side by side: copies 8; deletions one at a time
    int paceMs = 0; // a worker's pause after an item it ran, while items remain
    std::function<bool(Item &)> settled; // done by an earlier run: counted, not run (may note it)
    std::function<bool()> canceled; // the operator's stop
    std::function<QString(const ItemRunTotals &)> canceledWhy; // how the stop reads in the journal
    std::function<Task<ItemStep>(Item &)> step; // the kind's item executor
    std::function<QString(Item &, const ItemStep &)> record; // journal and apply; an error text stops the run
    // Before an item (step nullptr) and after it (its step), with the totals so far.
    std::function<void(const Item &, const ItemStep *, const ItemRunTotals &)> progress;
};

namespace detail {

template<typename Item>
Task<> itemWorker(const QList<Item *> *items, qsizetype *next, const ItemRun<Item> *run, ItemRunTotals *t)
{
    while (*next < items->size() && !t->stopped) {
        Item &item = *items->at((*next)++);
        if (run->settled && run->settled(item)) {
            ++t->done;
            ++t->counts[item.state];
            continue;
        }
        if (run->canceled && run->canceled()) {
            t->stopped = true;
            t->stopWhy = run->canceledWhy ? run->canceledWhy(*t) : QStringLiteral("stopped by the operator");
            break;
        }
        if (run->progress)
            run->progress(item, nullptr, *t);
        const ItemStep s = co_await run->step(item);
        if (!s.stop.isEmpty()) {
            if (!t->stopped) { // the first reason stands; other workers end with their own
                t->stopped = true;
                t->stopWhy = s.stop;
            }
            break;
        }
        if (const QString err = run->record(item, s); !err.isEmpty()) {
            t->stopped = true;
            t->stopWhy = err;
            break;
        }
        ++t->done;
        ++t->counts[s.state];
        if (run->progress)
            run->progress(item, &s, *t);
        if (run->paceMs > 0 && *next < items->size() && !t->stopped)
            co_await pause(run->paceMs);
    }
}

} // namespace detail

// Runs items (pointers into the kind's batch, which outlive the run) as run says.
template<typename Item>
Task<ItemRunTotals> runItems(QList<Item *> items, ItemRun<Item> run)
{
    ItemRunTotals totals;
    totals.total = int(items.size());
    qsizetype next = 0;
    const int workers = int(std::clamp<qsizetype>(run.workers, 1, std::max<qsizetype>(1, items.size())));
    if (workers == 1) {
        co_await detail::itemWorker(&items, &next, &run, &totals);
    } else {
        std::vector<Task<>> tasks;
        tasks.reserve(size_t(workers));
        for (int i = 0; i < workers; ++i)
            tasks.push_back(detail::itemWorker(&items, &next, &run, &totals));
        co_await whenAll(std::move(tasks));
    }
    co_return totals;
}

// Runs a task to its end from code that is not a coroutine (a command's synchronous path):
// the thread's event loop turns until the task is done, if it suspends at all.
template<typename T>
T runToEnd(Task<T> task)
{
    std::optional<T> out;
    QEventLoop loop;
    task.start([&](T value) {
        out = std::move(value);
        loop.quit();
    });
    if (!out)
        loop.exec();
    return std::move(*out);
}

} // namespace ferry
