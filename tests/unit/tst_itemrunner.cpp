// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The item runner every batch kind executes its items on (cleanup deletions one at a time and
// paced, chart files, copies eight side by side): the order items are taken in, what an earlier
// run settled, the first stop ending the run, the operator's stop, a journal that cannot be
// written, the pace, and running it from code that is not a coroutine.
#include "ops/itemrunner.h"
#include "testmain.h"

#include <QPromise>
#include <QThread>
#include <QTimer>

#include <memory>

using namespace ferry;

namespace {

struct Item
{
    int seq = 0;
    QString state = QStringLiteral("planned");
};

QList<Item> items(int n)
{
    QList<Item> out;
    for (int i = 1; i <= n; ++i)
        out.append(Item{i, QStringLiteral("planned")});
    return out;
}

QList<Item *> pointers(QList<Item> &list)
{
    QList<Item *> out;
    for (Item &i : list)
        out << &i;
    return out;
}

// A reply after ms milliseconds, from another thread, as the network threads answer.
QFuture<int> replyLater(QObject *net, int ms)
{
    auto promise = std::make_shared<QPromise<int>>();
    promise->start();
    QTimer::singleShot(ms, net, [promise] {
        promise->addResult(1);
        promise->finish();
    });
    return promise->future();
}

// What a run did, item by item.
struct Log
{
    QList<int> started, recorded;
    int inFlight = 0, mostInFlight = 0;
};

ItemRun<Item> recordingRun(Log *log)
{
    ItemRun<Item> run;
    run.record = [log](Item &i, const ItemStep &s) {
        i.state = s.state;
        log->recorded << i.seq;
        return QString();
    };
    return run;
}

ItemStep done(const QString &state = QStringLiteral("done"))
{
    ItemStep s;
    s.state = state;
    return s;
}

} // namespace

class TestItemRunner : public QObject
{
    Q_OBJECT

private:
    QThread m_net;
    QObject *m_netContext = nullptr;

private slots:
    void initTestCase()
    {
        m_net.start();
        m_netContext = new QObject;
        m_netContext->moveToThread(&m_net);
    }
    void cleanupTestCase()
    {
        QMetaObject::invokeMethod(m_netContext, &QObject::deleteLater);
        m_net.quit();
        m_net.wait();
    }

    // Three workers take seven items in order; never more than three in flight, every one recorded.
    void workersRunItemsSideBySide()
    {
        QList<Item> list = items(7);
        Log log;
        ItemRun<Item> run = recordingRun(&log);
        run.workers = 3;
        run.step = [this, &log](Item &i) -> Task<ItemStep> {
            log.started << i.seq;
            log.mostInFlight = qMax(log.mostInFlight, ++log.inFlight);
            co_await awaitFuture(replyLater(m_netContext, 5 + (i.seq % 3) * 10), 0);
            --log.inFlight;
            co_return done();
        };
        const ItemRunTotals t = runToEnd(runItems(pointers(list), std::move(run)));
        QCOMPARE(log.started, (QList<int>{1, 2, 3, 4, 5, 6, 7}));
        QCOMPARE(log.mostInFlight, 3);
        QCOMPARE(log.recorded.size(), 7);
        QVERIFY(log.recorded != log.started); // they ended out of order: side by side, not one after another
        QCOMPARE(t.done, 7);
        QCOMPARE(t.total, 7);
        QCOMPARE(t.counts.value(QStringLiteral("done")), 7);
        QVERIFY(!t.stopped);
        for (const Item &i : std::as_const(list))
            QCOMPARE(i.state, QStringLiteral("done"));
    }

    // An item an earlier run settled is counted in its state and not run again.
    void settledItemsAreCountedNotRun()
    {
        QList<Item> list = items(4);
        list[1].state = QStringLiteral("deleted");
        list[3].state = QStringLiteral("deleted");
        Log log;
        ItemRun<Item> run = recordingRun(&log);
        run.settled = [](Item &i) { return i.state == u"deleted"; };
        run.step = [&log](Item &i) -> Task<ItemStep> {
            log.started << i.seq;
            co_return done(QStringLiteral("skipped"));
        };
        const ItemRunTotals t = runToEnd(runItems(pointers(list), std::move(run)));
        QCOMPARE(log.started, (QList<int>{1, 3}));
        QCOMPARE(t.counts.value(QStringLiteral("deleted")), 2);
        QCOMPARE(t.counts.value(QStringLiteral("skipped")), 2);
        QCOMPARE(t.done, 4);
    }

    // A step that stops the run (no answer to a DELETE): its item is not recorded, no later item
    // starts, the items already under way end and are recorded, and the first reason stands.
    void theFirstStopEndsTheRun()
    {
        QList<Item> list = items(8);
        Log log;
        ItemRun<Item> run = recordingRun(&log);
        run.workers = 2;
        run.step = [this, &log](Item &i) -> Task<ItemStep> {
            log.started << i.seq;
            if (i.seq == 3)
                co_return ItemStep::stopped(QStringLiteral("no answer to the DELETE of 3"));
            co_await awaitFuture(replyLater(m_netContext, 20), 0);
            co_return done();
        };
        const ItemRunTotals t = runToEnd(runItems(pointers(list), std::move(run)));
        QVERIFY(t.stopped);
        QCOMPARE(t.stopWhy, QStringLiteral("no answer to the DELETE of 3"));
        QVERIFY(!log.recorded.contains(3));
        QCOMPARE(list[2].state, QStringLiteral("planned"));
        QVERIFY2(log.started.size() <= 4, qPrintable(QString::number(log.started.size())));
        for (int seq : std::as_const(log.started))
            QVERIFY(seq == 3 || log.recorded.contains(seq)); // what was under way ended and was recorded
        QCOMPARE(t.done, int(log.recorded.size()));
    }

    // The operator's stop is honoured before the next item, with the count so far.
    void theOperatorsStopEndsBeforeTheNextItem()
    {
        QList<Item> list = items(5);
        Log log;
        bool canceled = false;
        ItemRun<Item> run = recordingRun(&log);
        run.canceled = [&canceled] { return canceled; };
        run.canceledWhy = [](const ItemRunTotals &t) { return QStringLiteral("stopped after %1 of %2").arg(t.done).arg(t.total); };
        run.step = [&](Item &i) -> Task<ItemStep> {
            log.started << i.seq;
            if (i.seq == 2)
                canceled = true; // pressed while item 2 runs: item 2 still ends
            co_return done();
        };
        const ItemRunTotals t = runToEnd(runItems(pointers(list), std::move(run)));
        QVERIFY(t.stopped);
        QCOMPARE(t.stopWhy, QStringLiteral("stopped after 2 of 5"));
        QCOMPARE(log.recorded, (QList<int>{1, 2}));
    }

    // A journal that cannot be written stops the run: nothing more is done without a record.
    void aFailedRecordStopsTheRun()
    {
        QList<Item> list = items(4);
        QList<int> started;
        ItemRun<Item> run;
        run.step = [&started](Item &i) -> Task<ItemStep> {
            started << i.seq;
            co_return done();
        };
        run.record = [](Item &i, const ItemStep &) {
            return i.seq == 2 ? QStringLiteral("cannot write the journal: disk full") : QString();
        };
        const ItemRunTotals t = runToEnd(runItems(pointers(list), std::move(run)));
        QVERIFY(t.stopped);
        QCOMPARE(t.stopWhy, QStringLiteral("cannot write the journal: disk full"));
        QCOMPARE(started, (QList<int>{1, 2}));
        QCOMPARE(t.done, 1);
    }

    // With a pace the worker gives the event loop its turn between two items (and not after the
    // last); without one, steps that do not wait run back to back.
    void thePaceComesBetweenItems()
    {
        for (const int pace : {0, 1}) {
            QList<Item> list = items(3);
            int ticks = 0;
            QList<int> ticksSeen;
            ItemRun<Item> run;
            run.paceMs = pace;
            run.step = [&](Item &) -> Task<ItemStep> {
                ticksSeen << ticks;
                co_return done();
            };
            run.record = [&](Item &, const ItemStep &) {
                QTimer::singleShot(0, this, [&ticks] { ++ticks; }); // an event queued after each item
                return QString();
            };
            const ItemRunTotals t = runToEnd(runItems(pointers(list), std::move(run)));
            QCOMPARE(t.done, 3);
            if (pace == 0)
                QCOMPARE(ticksSeen, (QList<int>{0, 0, 0}));
            else
                QVERIFY2(ticksSeen.at(1) >= 1 && ticksSeen.at(2) >= 2,
                         qPrintable(QStringLiteral("%1 %2").arg(ticksSeen.at(1)).arg(ticksSeen.at(2))));
            QCoreApplication::processEvents(); // the queued ticks run before `ticks` goes out of scope
            QCoreApplication::sendPostedEvents();
            QTest::qWait(5);
        }
    }

    // An empty batch ends at once, stopped by nothing.
    void noItemsIsAnEndedRun()
    {
        ItemRun<Item> run;
        run.workers = 8;
        run.step = [](Item &) -> Task<ItemStep> { co_return done(); };
        run.record = [](Item &, const ItemStep &) { return QString(); };
        const ItemRunTotals t = runToEnd(runItems(QList<Item *>{}, std::move(run)));
        QCOMPARE(t.done, 0);
        QVERIFY(!t.stopped);
    }
};

FERRY_TEST_MAIN(TestItemRunner)
#include "tst_itemrunner.moc"
