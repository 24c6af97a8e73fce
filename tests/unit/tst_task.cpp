// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The coroutine Task that the cleanup engine is written in: it resumes on its own thread
// when a reply arrives from another, nests, pauses on the event loop, reads a dropped
// reply as its fallback, and can be abandoned while it waits.
#include "net/task.h"
#include "testmain.h"

#include <QPromise>
#include <QThread>
#include <QTimer>

#include <memory>

using namespace ferry;

namespace {

// A reply fulfilled on another thread (the one the context lives on) after ms
// milliseconds, as the network threads fulfil the registry client's futures.
QFuture<int> replyLater(QObject *net, int value, int ms)
{
    auto promise = std::make_shared<QPromise<int>>();
    promise->start();
    QTimer::singleShot(ms, net, [promise, value] {
        promise->addResult(value);
        promise->finish();
    });
    return promise->future();
}

struct Trace
{
    QList<Qt::HANDLE> threads; // where the coroutine ran after each reply
};

Task<int> addReplies(QObject *net, Trace *trace, int a, int b)
{
    const int x = co_await awaitFuture(replyLater(net, a, 20), -1);
    trace->threads << QThread::currentThreadId();
    const int y = co_await awaitFuture(replyLater(net, b, 5), -1);
    trace->threads << QThread::currentThreadId();
    co_return x + y;
}

Task<int> nested(QObject *net, Trace *trace)
{
    int sum = 0;
    for (int i = 1; i <= 3; ++i)
        sum += co_await addReplies(net, trace, i, 10 * i);
    co_await pause(10);
    co_return sum;
}

Task<> dropped(int *seen)
{
    QFuture<int> f;
    {
        QPromise<int> p; // dropped without a result: the future ends cancelled
        f = p.future();
        p.start();
    }
    *seen = co_await awaitFuture(f, 42);
}

Task<> waitsForever(QFuture<int> f, bool *resumed)
{
    co_await awaitFuture(f, 0);
    *resumed = true;
}

} // namespace

class TestTask : public QObject
{
    Q_OBJECT
private:
    QThread m_net;
    QObject *m_netContext = nullptr; // lives on m_net

private Q_SLOTS:
    void initTestCase()
    {
        m_net.setObjectName(QStringLiteral("net"));
        m_netContext = new QObject;
        m_netContext->moveToThread(&m_net);
        connect(&m_net, &QThread::finished, m_netContext, &QObject::deleteLater);
        m_net.start();
    }
    void cleanupTestCase()
    {
        m_net.quit();
        m_net.wait();
    }

    void resumesOnItsOwnThreadWithTheValue()
    {
        Trace trace;
        Task<int> t = nested(m_netContext, &trace);
        int result = 0;
        bool done = false;
        t.start([&](int v) {
            result = v;
            done = true;
        });
        QVERIFY(!done); // suspended: start returned while the replies are on their way
        QTRY_VERIFY_WITH_TIMEOUT(done, 10'000);
        QCOMPARE(result, (1 + 10) + (2 + 20) + (3 + 30));
        QCOMPARE(trace.threads.size(), 6);
        for (Qt::HANDLE h : std::as_const(trace.threads))
            QCOMPARE(h, QThread::currentThreadId());
        QVERIFY(t.isDone());
    }

    void aDroppedReplyReadsAsTheFallback()
    {
        int seen = 0;
        bool done = false;
        Task<> t = dropped(&seen);
        t.start([&] { done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 5'000);
        QCOMPARE(seen, 42);
    }

    void abandonedWhileWaitingNeverResumes()
    {
        QPromise<int> p;
        p.start();
        bool resumed = false;
        {
            Task<> t = waitsForever(p.future(), &resumed);
            t.start([] {});
        } // destroyed while suspended on the reply
        p.addResult(1);
        p.finish();
        QTest::qWait(50); // the watcher's signal would come now, if it were still connected
        QVERIFY(!resumed);
    }
};

FERRY_TEST_MAIN(TestTask)
#include "tst_task.moc"
