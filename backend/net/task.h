// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QFuture>
#include <QFutureWatcher>
#include <QPromise>
#include <QTimer>

#include <coroutine>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace ferry {

// Asynchronous work written as straight-line code: a C++20 coroutine that suspends at
// `co_await` on a QFuture (a registry reply) or a pause, and resumes on the thread it
// runs on when the reply arrives, from that thread's event loop. No thread waits: while
// a Task is suspended its thread serves other events (a cancel request, a timer, another
// job's reply).
//
// A Task starts when another Task awaits it, or when start() is called on the outermost
// one; it runs on the calling thread up to its first suspension. Whoever holds the
// outermost Task keeps it alive until its onDone has been called; destroying it earlier
// abandons the work at its current suspension (the replies it waits for are ignored). A
// Task and everything it awaits live on one thread, which must run an event loop.
// Coroutine parameters taken by reference must outlive the Task: await it in the same
// expression that calls it, or pass by value.
template<typename T = void>
class Task;

namespace detail {

struct TaskFinal
{
    bool await_ready() const noexcept { return false; }
    template<typename Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> h) noexcept
    {
        Promise &p = h.promise();
        if (p.continuation)
            return p.continuation; // back into the awaiting Task
        p.finish(); // the outermost Task: tell its owner
        return std::noop_coroutine();
    }
    void await_resume() const noexcept { }
};

struct TaskPromiseBase
{
    std::coroutine_handle<> continuation;
    std::suspend_always initial_suspend() const noexcept { return {}; }
    TaskFinal final_suspend() const noexcept { return {}; }
    // The engines report failures as values; an exception escaping one is a bug.
    void unhandled_exception() const noexcept { std::terminate(); }
};

template<typename T>
struct TaskPromise : TaskPromiseBase
{
    std::optional<T> value;
    std::function<void(T)> onDone;
    Task<T> get_return_object() noexcept;
    void return_value(T v) { value = std::move(v); }
    void finish()
    {
        if (onDone)
            onDone(std::move(*value));
    }
};

template<>
struct TaskPromise<void> : TaskPromiseBase
{
    std::function<void()> onDone;
    Task<void> get_return_object() noexcept;
    void return_void() const noexcept { }
    void finish()
    {
        if (onDone)
            onDone();
    }
};

// A QObject owned by an awaiter that may be destroyed while it is signalling (the
// coroutine it resumes ends the awaiter): disconnect it and let the event loop delete it.
template<typename O>
void retire(std::unique_ptr<O> &object)
{
    if (object) {
        object->disconnect();
        object.release()->deleteLater();
    }
}

} // namespace detail

template<typename T>
class [[nodiscard]] Task
{
public:
    using promise_type = detail::TaskPromise<T>;

    explicit Task(std::coroutine_handle<promise_type> h) noexcept
        : m_h(h)
    { }
    Task(Task &&other) noexcept
        : m_h(std::exchange(other.m_h, {}))
    { }
    Task &operator=(Task &&other) noexcept
    {
        if (this != &other) {
            reset();
            m_h = std::exchange(other.m_h, {});
        }
        return *this;
    }
    Task(const Task &) = delete;
    Task &operator=(const Task &) = delete;
    ~Task() { reset(); }

    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept
    {
        m_h.promise().continuation = awaiting;
        return m_h;
    }
    T await_resume()
    {
        if constexpr (!std::is_void_v<T>)
            return std::move(*m_h.promise().value);
    }

    // Runs the outermost Task; onDone gets its value when it ends (perhaps before start
    // returns). onDone must not destroy this Task: post that to the event loop.
    template<typename F>
    void start(F &&onDone)
    {
        m_h.promise().onDone = std::forward<F>(onDone);
        m_h.resume();
    }
    bool isDone() const noexcept { return m_h && m_h.done(); }

private:
    void reset() noexcept
    {
        if (m_h)
            m_h.destroy();
        m_h = {};
    }

    std::coroutine_handle<promise_type> m_h;
};

template<typename T>
Task<T> detail::TaskPromise<T>::get_return_object() noexcept
{
    return Task<T>(std::coroutine_handle<TaskPromise<T>>::from_promise(*this));
}

inline Task<void> detail::TaskPromise<void>::get_return_object() noexcept
{
    return Task<void>(std::coroutine_handle<TaskPromise<void>>::from_promise(*this));
}

// `co_await awaitFuture(f, fallback)`: f's result, or fallback when f ends without one (its
// promise was dropped: the network service went away first).
template<typename T>
class FutureAwaiter
{
public:
    FutureAwaiter(QFuture<T> future, T fallback)
        : m_future(std::move(future))
        , m_fallback(std::move(fallback))
    { }
    FutureAwaiter(FutureAwaiter &&) noexcept = default;
    ~FutureAwaiter() { detail::retire(m_watcher); }

    bool await_ready() const { return m_future.isFinished(); }
    void await_suspend(std::coroutine_handle<> h)
    {
        m_watcher = std::make_unique<QFutureWatcher<T>>();
        QObject::connect(m_watcher.get(), &QFutureWatcherBase::finished, m_watcher.get(), [h] { h.resume(); });
        m_watcher->setFuture(m_future);
    }
    T await_resume()
    {
        if (m_future.isCanceled() || m_future.resultCount() == 0)
            return std::move(m_fallback);
        return m_future.result();
    }

private:
    QFuture<T> m_future;
    T m_fallback;
    std::unique_ptr<QFutureWatcher<T>> m_watcher;
};

template<typename T>
FutureAwaiter<T> awaitFuture(QFuture<T> future, T fallback)
{
    return FutureAwaiter<T>(std::move(future), std::move(fallback));
}

// `co_await pause(ms)`: resumes after ms milliseconds from the thread's event loop.
class PauseAwaiter
{
public:
    explicit PauseAwaiter(int ms)
        : m_ms(ms)
    { }
    PauseAwaiter(PauseAwaiter &&) noexcept = default;
    ~PauseAwaiter() { detail::retire(m_timer); }

    bool await_ready() const noexcept { return m_ms <= 0; }
    void await_suspend(std::coroutine_handle<> h)
    {
        m_timer = std::make_unique<QTimer>();
        m_timer->setSingleShot(true);
        QObject::connect(m_timer.get(), &QTimer::timeout, m_timer.get(), [h] { h.resume(); });
        m_timer->start(m_ms);
    }
    void await_resume() const noexcept { }

private:
    int m_ms;
    std::unique_ptr<QTimer> m_timer;
};

inline PauseAwaiter pause(int ms)
{
    return PauseAwaiter(ms);
}

// `co_await whenAll(tasks)`: starts every task (each runs up to its first suspension in turn)
// and resumes when the last has ended. The tasks share this thread: side by side, not parallel.
inline Task<> whenAll(std::vector<Task<>> tasks)
{
    auto allDone = std::make_shared<QPromise<int>>();
    allDone->start();
    qsizetype running = qsizetype(tasks.size());
    for (Task<> &t : tasks)
        t.start([&running, allDone] {
            if (--running == 0) {
                allDone->addResult(0);
                allDone->finish();
            }
        });
    if (running > 0)
        co_await awaitFuture(allDone->future(), 0);
}

} // namespace ferry
