// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "net/httptypes.h"
#include "parse/auth.h"
#include "registry/ratelimit.h"
#include "registry/registryconfig.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSet>

#include <deque>
#include <functional>
#include <memory>

class QTimer;

namespace ferry {

class HttpEngine;

struct SessionStats
{
    qint64 requests = 0; // HTTP exchanges sent, retries and token fetches included
    qint64 retries = 0;
    qint64 failures = 0; // requests that ended in an error after all attempts
    qint64 tokenFetches = 0;
    qint64 pauses = 0; // Retry-After or 429 pauses of the whole registry
    qint64 latencyMsTotal = 0;
    qint64 completed = 0;
    qint64 answered = 0; // exchanges that got an HTTP status, whatever it was
    qint64 answeredOverHttp2 = 0;
    QDateTime pausedUntil; // when the registry's queue was last paused until
    RateLimitReading rateLimit;
};

// One registry's request queue, on its network thread: a concurrency cap, a request-rate
// cap, retries with exponential backoff and jitter, Retry-After pauses of the whole queue,
// and authentication (Basic, or Bearer tokens per scope fetched once however many requests
// wait for them). Everything here runs on the engine's thread; only stats() is thread-safe.
class RegistrySession : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(HttpResponse)>;

    struct Request
    {
        HttpRequest http;
        QString scope; // e.g. repository:team/app:pull
        quint64 group = 0; // for cancelGroup(): a scan, an inspect
    };

    RegistrySession(RegistryConfig config, HttpEngine *engine);
    ~RegistrySession() override;

    // On the session's thread. The callback runs exactly once on this thread, with the
    // final response: success, a non-retryable status, or the last failure.
    void enqueue(Request request, Callback callback);
    void cancelGroup(quint64 group);
    void cancelAll();

    const RegistryConfig &config() const { return m_config; }
    SessionStats stats() const;

Q_SIGNALS:
    void paused(const QDateTime &until, const QString &reason);
    void rateLimitObserved(const ferry::RateLimitReading &reading);

private:
    struct Job
    {
        Request request;
        Callback callback;
        int attempt = 0;
        int authRounds = 0; // 401s answered with credentials or a new token
        quint64 sentTokenGeneration = 0; // generation of the token this attempt carried
        quint64 challengedAt = 0; // token generation when the last 401 arrived
        QString challengeScope;
        qint64 enqueuedAtMs = 0;
        qint64 notBeforeMs = 0;
        qint64 sentAtMs = 0;
        quint64 handle = 0;
    };
    using JobPtr = std::shared_ptr<Job>;
    enum class Scheme { Unknown, Basic, Bearer };

    void schedule();
    void dispatch(const JobPtr &job);
    void onResponse(const JobPtr &job, HttpResponse response);
    bool retryLater(const JobPtr &job, const HttpResponse &response);
    void finishJob(const JobPtr &job, HttpResponse response);
    QString tokenKey(const Job &job) const;
    // Where credentials were looked for and why none came (the Docker config read, the plan's
    // anonymous), for a 401's message.
    QString noCredentialsWhy() const;
    void fetchToken(const QString &key, const JobPtr &job);
    void onTokenResponse(const QString &key, HttpResponse response);
    qint64 nowMs() const { return m_clock.elapsed(); }
    void pauseFor(qint64 ms, const QString &reason);

    RegistryConfig m_config;
    HttpEngine *m_engine;
    std::optional<QSslConfiguration> m_ssl;
    QElapsedTimer m_clock;
    QTimer *m_wakeTimer;
    std::deque<JobPtr> m_queue;
    QHash<quint64, JobPtr> m_inFlight; // engine handle -> job
    int m_active = 0;
    qint64 m_pausedUntilMs = 0;
    qint64 m_nextStartMs = 0;
    bool m_scheduling = false;

    Scheme m_scheme = Scheme::Unknown;
    QString m_realm;
    QString m_service;
    QHash<QString, BearerToken> m_tokens;
    // Each stored token gets the next generation: a 401 to a token stored after the
    // request's own previous 401 is a refusal, one to an older token is an expiry.
    QHash<QString, quint64> m_tokenGenerations;
    quint64 m_tokenGeneration = 0;
    QSet<quint64> m_honouredTokens; // generations the registry accepted at least once
    // Scopes a challenge asked for beyond ours (ACR's metadata_read), remembered so that the
    // next request with the same scope asks for them up front instead of a 401 round trip.
    QHash<QString, QString> m_learnedScopes;
    QHash<QString, QList<JobPtr>> m_tokenWaiters;
    QHash<QString, quint64> m_tokenFetches;

    mutable QMutex m_statsMutex;
    SessionStats m_stats;
};

} // namespace ferry
