// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "registry/registrysession.h"

#include "net/httpengine.h"
#include "net/retrypolicy.h"

#include <QRandomGenerator>
#include <QTimer>
#include <QUrlQuery>

namespace ferry {

RegistrySession::RegistrySession(RegistryConfig config, HttpEngine *engine)
    : m_config(std::move(config))
    , m_engine(engine)
    , m_wakeTimer(new QTimer(this))
{
    QString err;
    m_ssl = m_config.sslConfiguration(&err); // an unreadable CA file was reported by the caller
    m_clock.start();
    m_wakeTimer->setSingleShot(true);
    connect(m_wakeTimer, &QTimer::timeout, this, &RegistrySession::schedule);
}

RegistrySession::~RegistrySession()
{
    cancelAll();
}

SessionStats RegistrySession::stats() const
{
    QMutexLocker lock(&m_statsMutex);
    return m_stats;
}

void RegistrySession::enqueue(Request request, Callback callback)
{
    auto job = std::make_shared<Job>();
    job->request = std::move(request);
    job->callback = std::move(callback);
    job->enqueuedAtMs = nowMs();
    m_queue.push_back(job);
    schedule();
}

void RegistrySession::cancelGroup(quint64 group)
{
    std::deque<JobPtr> keep;
    QList<JobPtr> dropped;
    for (const JobPtr &j : m_queue) {
        if (j->request.group == group)
            dropped.append(j);
        else
            keep.push_back(j);
    }
    m_queue.swap(keep);
    for (auto it = m_tokenWaiters.begin(); it != m_tokenWaiters.end(); ++it) {
        QList<JobPtr> remaining;
        for (const JobPtr &j : std::as_const(it.value()))
            (j->request.group == group ? dropped : remaining).append(j);
        it.value() = remaining;
    }
    for (const JobPtr &j : std::as_const(dropped))
        finishJob(j, HttpResponse{0, NetError::Canceled, QStringLiteral("canceled"), {}, {}, j->request.http.url, 0});
    const auto inflight = m_inFlight.values();
    for (const JobPtr &j : inflight)
        if (j->request.group == group)
            m_engine->abort(j->handle);
}

void RegistrySession::cancelAll()
{
    std::deque<JobPtr> queued;
    queued.swap(m_queue);
    QList<JobPtr> waiting;
    for (const auto &list : std::as_const(m_tokenWaiters))
        waiting += list;
    m_tokenWaiters.clear();
    const auto fetches = m_tokenFetches.values();
    m_tokenFetches.clear();
    for (quint64 h : fetches)
        m_engine->abort(h);
    for (const JobPtr &j : queued)
        finishJob(j, HttpResponse{0, NetError::Canceled, QStringLiteral("canceled"), {}, {}, j->request.http.url, 0});
    for (const JobPtr &j : std::as_const(waiting))
        finishJob(j, HttpResponse{0, NetError::Canceled, QStringLiteral("canceled"), {}, {}, j->request.http.url, 0});
    const auto inflight = m_inFlight.values();
    for (const JobPtr &j : inflight)
        m_engine->abort(j->handle);
}

void RegistrySession::pauseFor(qint64 ms, const QString &reason)
{
    const qint64 until = nowMs() + ms;
    if (until <= m_pausedUntilMs)
        return;
    m_pausedUntilMs = until;
    const QDateTime wall = QDateTime::currentDateTimeUtc().addMSecs(ms);
    {
        QMutexLocker lock(&m_statsMutex);
        ++m_stats.pauses;
        m_stats.pausedUntil = wall;
    }
    Q_EMIT paused(wall, reason);
}

void RegistrySession::schedule()
{
    if (m_scheduling)
        return;
    m_scheduling = true;
    const qint64 now = nowMs();
    qint64 wakeAt = -1;
    auto wakeNoLaterThan = [&](qint64 t) { wakeAt = wakeAt < 0 ? t : qMin(wakeAt, t); };
    const qint64 minInterval = m_config.requestsPerSecond > 0 ? qint64(1000.0 / m_config.requestsPerSecond) : 0;

    for (auto it = m_queue.begin(); it != m_queue.end() && m_active < m_config.concurrency;) {
        if (now < m_pausedUntilMs) {
            wakeNoLaterThan(m_pausedUntilMs);
            break;
        }
        const JobPtr job = *it;
        if (job->notBeforeMs > now) {
            wakeNoLaterThan(job->notBeforeMs);
            ++it;
            continue;
        }
        if (minInterval > 0 && now < m_nextStartMs) {
            wakeNoLaterThan(m_nextStartMs);
            break;
        }
        it = m_queue.erase(it);
        m_nextStartMs = now + minInterval;
        dispatch(job);
    }
    m_scheduling = false;
    if (wakeAt >= 0) {
        const qint64 delay = qMax<qint64>(0, wakeAt - nowMs());
        if (!m_wakeTimer->isActive() || m_wakeTimer->remainingTime() > delay)
            m_wakeTimer->start(int(qMin<qint64>(delay, 24 * 3600 * 1000)));
    }
}

QString RegistrySession::noCredentialsWhy() const
{
    return m_config.credentials.source.isEmpty() ? QStringLiteral("none were given") : m_config.credentials.source;
}

QString RegistrySession::tokenKey(const Job &job) const
{
    if (job.challengeScope.isEmpty() || job.challengeScope == job.request.scope)
        return job.request.scope;
    return job.request.scope + u' ' + job.challengeScope;
}

void RegistrySession::dispatch(const JobPtr &job)
{
    HttpRequest http = job->request.http;
    const Credentials &cred = m_config.credentials;
    if (m_scheme == Scheme::Bearer) {
        if (job->challengeScope.isEmpty())
            job->challengeScope = m_learnedScopes.value(job->request.scope);
        const QString key = tokenKey(*job);
        const BearerToken token = m_tokens.value(key);
        if (!token.usableAt(QDateTime::currentDateTimeUtc())) {
            fetchToken(key, job);
            return;
        }
        http.authorization = "Bearer " + token.token;
        job->sentTokenGeneration = m_tokenGenerations.value(key);
    } else if (m_scheme == Scheme::Basic && cred.hasBasic()) {
        http.authorization = "Basic " + (cred.username + u':' + cred.password).toUtf8().toBase64();
    }
    if (m_ssl)
        http.ssl = m_ssl;
    http.http2 = m_config.http2;
    const qint64 left = m_config.requestDeadlineMs - (nowMs() - job->enqueuedAtMs);
    http.deadlineMs = int(qBound<qint64>(qint64(1), left, qint64(m_config.exchangeDeadlineMs)));
    http.transferTimeoutMs = m_config.transferTimeoutMs;

    ++m_active;
    job->sentAtMs = nowMs();
    {
        QMutexLocker lock(&m_statsMutex);
        ++m_stats.requests;
    }
    job->handle = m_engine->start(std::move(http), [this, job](HttpResponse resp) {
        m_inFlight.remove(job->handle);
        --m_active;
        onResponse(job, std::move(resp));
        schedule();
    });
    m_inFlight.insert(job->handle, job);
}

void RegistrySession::onResponse(const JobPtr &job, HttpResponse resp)
{
    if (resp.error == NetError::Canceled) {
        finishJob(job, std::move(resp));
        return;
    }
    {
        QMutexLocker lock(&m_statsMutex);
        m_stats.latencyMsTotal += nowMs() - job->sentAtMs;
        if (resp.hasHttpStatus()) {
            ++m_stats.answered;
            m_stats.answeredOverHttp2 += resp.http2;
        }
    }
    if (resp.hasHttpStatus()) {
        const RateLimitReading rl = RateLimitReading::fromResponse(resp);
        if (rl.present) {
            bool taken = false;
            {
                QMutexLocker lock(&m_statsMutex);
                taken = rl.supersedes(m_stats.rateLimit);
                if (taken)
                    m_stats.rateLimit = rl;
            }
            if (taken)
                Q_EMIT rateLimitObserved(rl);
        }
    }

    if (resp.hasHttpStatus() && resp.status != 401 && job->sentTokenGeneration > 0)
        m_honouredTokens.insert(job->sentTokenGeneration);
    if (resp.hasHttpStatus() && resp.status == 401) {
        const QList<AuthChallenge> challenges = parseAuthChallenges(resp.header("WWW-Authenticate"));
        const AuthChallenge *bearer = nullptr;
        const AuthChallenge *basic = nullptr;
        for (const AuthChallenge &c : challenges) {
            if (c.scheme == u"bearer" && !bearer)
                bearer = &c;
            else if (c.scheme == u"basic" && !basic)
                basic = &c;
        }
        // A 401 to credentials sent in answer to this request's own challenge is the answer,
        // not a hiccup: Basic credentials, or a token fetched after that challenge that the
        // registry never accepted. A 401 to a token it accepted before means the token
        // expired (or the registry restarted): renew it and send again. Bounded either way.
        const bool expired = job->sentTokenGeneration > 0 && m_honouredTokens.contains(job->sentTokenGeneration);
        const bool refused =
            job->authRounds > 0 && (!bearer || m_scheme != Scheme::Bearer || (job->sentTokenGeneration > job->challengedAt && !expired));
        if (refused || job->authRounds >= 5 || (!bearer && !basic)) {
            if (resp.errorString.isEmpty()) {
                const QString why = bearer ? bearer->error() : QString();
                resp.errorString = m_config.credentials.isEmpty()
                    ? QStringLiteral("%1 requires credentials; none were found (%2): docker login %3, or the plan's credentials")
                          .arg(m_config.key(), noCredentialsWhy(), m_config.baseUrl.authority())
                    : QStringLiteral("%1 rejected the credentials from %2%3")
                          .arg(m_config.key(), m_config.credentials.source, why.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(why));
            }
            finishJob(job, std::move(resp));
            return;
        }
        ++job->authRounds;
        job->challengedAt = m_tokenGeneration;
        if (bearer) {
            m_scheme = Scheme::Bearer;
            m_realm = bearer->realm();
            m_service = bearer->service();
            job->challengeScope = bearer->scope();
            if (!job->challengeScope.isEmpty() && job->challengeScope != job->request.scope)
                m_learnedScopes.insert(job->request.scope, job->challengeScope);
            // The token we sent, if any, is no good; one stored since by another request is.
            const QString key = tokenKey(*job);
            if (m_tokenGenerations.value(key) == job->sentTokenGeneration)
                m_tokens.remove(key);
        } else {
            if (!m_config.credentials.hasBasic()) {
                resp.errorString = QStringLiteral("%1 requires a user name and password; none were found (%2): docker login %3, or the "
                                                  "plan's credentials")
                                       .arg(m_config.key(), noCredentialsWhy(), m_config.baseUrl.authority());
                finishJob(job, std::move(resp));
                return;
            }
            m_scheme = Scheme::Basic;
        }
        m_queue.push_front(job);
        return;
    }

    if (retryLater(job, resp))
        return;
    finishJob(job, std::move(resp));
}

bool RegistrySession::retryLater(const JobPtr &job, const HttpResponse &resp)
{
    const bool retryable = resp.hasHttpStatus() ? retry::isRetryableStatus(resp.status) : isTransient(resp.error);
    if (!retryable || !job->request.http.retryable)
        return false;
    ++job->attempt;
    const qint64 elapsed = nowMs() - job->enqueuedAtMs;
    if (job->attempt >= m_config.maxAttempts || elapsed >= m_config.requestDeadlineMs)
        return false;

    qint64 delay =
        retry::backoffMs(job->attempt, m_config.backoffBaseMs, m_config.backoffCapMs, QRandomGenerator::global()->generateDouble());
    if (resp.hasHttpStatus() && (resp.status == 429 || resp.status == 503)) {
        const auto ra = retry::parseRetryAfterMs(resp.header("Retry-After"), QDateTime::currentDateTimeUtc());
        if (ra) {
            if (*ra > m_config.maxRetryAfterMs)
                return false; // the caller reports "rate limited, retry after N s"
            delay = qMax<qint64>(*ra, 1);
        }
        // The registry is overloaded, not this request: hold the whole queue.
        if (resp.status == 429 || ra)
            pauseFor(delay, resp.status == 429 ? QStringLiteral("rate limited (HTTP 429)") : QStringLiteral("unavailable (HTTP 503)"));
    }
    if (elapsed + delay >= m_config.requestDeadlineMs)
        return false;
    job->notBeforeMs = nowMs() + delay;
    {
        QMutexLocker lock(&m_statsMutex);
        ++m_stats.retries;
    }
    m_queue.push_front(job);
    return true;
}

void RegistrySession::finishJob(const JobPtr &job, HttpResponse response)
{
    {
        QMutexLocker lock(&m_statsMutex);
        ++m_stats.completed;
        const bool failed = !response.hasHttpStatus() || response.status >= 400;
        if (failed && response.error != NetError::Canceled && response.status != 404)
            ++m_stats.failures;
    }
    Callback cb = std::move(job->callback);
    job->callback = nullptr;
    if (cb)
        cb(std::move(response));
}

void RegistrySession::fetchToken(const QString &key, const JobPtr &job)
{
    m_tokenWaiters[key].append(job);
    if (m_tokenFetches.contains(key))
        return; // one fetch per scope, however many requests wait on it

    const QUrl realm(m_realm);
    auto failWaiters = [this, key](const QString &why) {
        const QList<JobPtr> waiters = m_tokenWaiters.take(key);
        for (const JobPtr &j : waiters)
            finishJob(j, HttpResponse{401, NetError::None, why, {}, {}, j->request.http.url, 0});
    };
    if (!realm.isValid() || (realm.scheme() != u"https" && realm.scheme() != u"http")) {
        failWaiters(QStringLiteral("%1 sent a Bearer challenge without a usable realm").arg(m_config.key()));
        return;
    }
    if (m_config.baseUrl.scheme() == u"https" && realm.scheme() == u"http") {
        failWaiters(QStringLiteral("%1 asks for credentials at plain-http %2; refused").arg(m_config.key(), redactedUrl(realm)));
        return;
    }

    HttpRequest http;
    http.url = realm;
    QUrlQuery query(realm);
    const Credentials &cred = m_config.credentials;
    QStringList scopes;
    for (const QString &s : key.split(u' ', Qt::SkipEmptyParts))
        if (!scopes.contains(s))
            scopes.append(s);
    if (!cred.identityToken.isEmpty()) {
        // An identity (refresh) token is exchanged with the OAuth2 POST form.
        QUrlQuery form;
        form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("refresh_token"));
        form.addQueryItem(QStringLiteral("refresh_token"), cred.identityToken);
        form.addQueryItem(QStringLiteral("service"), m_service);
        form.addQueryItem(QStringLiteral("client_id"), QStringLiteral("ferry"));
        form.addQueryItem(QStringLiteral("scope"), scopes.join(u' '));
        http.method = QByteArrayLiteral("POST");
        http.body = form.query(QUrl::FullyEncoded).toUtf8();
        http.setHeader("Content-Type", "application/x-www-form-urlencoded");
    } else {
        if (!m_service.isEmpty())
            query.addQueryItem(QStringLiteral("service"), m_service);
        for (const QString &s : std::as_const(scopes))
            query.addQueryItem(QStringLiteral("scope"), s);
        http.url.setQuery(query);
        if (cred.hasBasic())
            http.authorization = "Basic " + (cred.username + u':' + cred.password).toUtf8().toBase64();
    }
    if (m_ssl)
        http.ssl = m_ssl;
    http.http2 = m_config.http2;
    http.transferTimeoutMs = m_config.transferTimeoutMs;
    http.deadlineMs = m_config.exchangeDeadlineMs;
    http.maxBodyBytes = 1024 * 1024;
    {
        QMutexLocker lock(&m_statsMutex);
        ++m_stats.requests;
        ++m_stats.tokenFetches;
    }
    m_tokenFetches.insert(key, 0);
    const quint64 h = m_engine->start(std::move(http), [this, key](HttpResponse resp) {
        if (!m_tokenFetches.contains(key))
            return; // canceled
        m_tokenFetches.remove(key);
        onTokenResponse(key, std::move(resp));
        schedule();
    });
    if (m_tokenFetches.contains(key))
        m_tokenFetches[key] = h;
}

void RegistrySession::onTokenResponse(const QString &key, HttpResponse resp)
{
    const QList<JobPtr> waiters = m_tokenWaiters.take(key);
    if (resp.hasHttpStatus() && resp.status == 200) {
        BearerToken token;
        QString err;
        if (parseTokenResponse(resp.body, QDateTime::currentDateTimeUtc(), &token, &err)) {
            m_tokens.insert(key, token);
            m_tokenGenerations.insert(key, ++m_tokenGeneration);
            for (const JobPtr &j : waiters)
                m_queue.push_front(j);
            return;
        }
        for (const JobPtr &j : waiters)
            finishJob(j,
                      HttpResponse{502, NetError::None, QStringLiteral("%1: %2").arg(m_config.key(), err), {}, {}, j->request.http.url, 0});
        return;
    }
    for (const JobPtr &j : waiters) {
        // A token service that is down is retried like the registry; one that says no is final.
        if (retryLater(j, resp))
            continue;
        HttpResponse out = resp;
        out.url = j->request.http.url;
        if (resp.hasHttpStatus()) {
            out.status = (resp.status == 401 || resp.status == 403) ? 401 : resp.status;
            out.errorString = (resp.status == 401 || resp.status == 403)
                ? QStringLiteral("the token service of %1 refused the credentials%2 (HTTP %3)")
                      .arg(m_config.key(),
                           m_config.credentials.isEmpty() ? QString() : QStringLiteral(" from ") + m_config.credentials.source)
                      .arg(resp.status)
                : QStringLiteral("the token service of %1 answered HTTP %2").arg(m_config.key()).arg(resp.status);
        } else {
            out.errorString = QStringLiteral("token service of %1: %2").arg(m_config.key(), resp.errorString);
        }
        finishJob(j, out);
    }
}

} // namespace ferry
