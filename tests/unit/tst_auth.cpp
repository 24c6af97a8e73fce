// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "net/httptypes.h"
#include "net/retrypolicy.h"
#include "parse/auth.h"
#include "registry/ratelimit.h"
#include "testmain.h"

using namespace ferry;

class TestAuth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void challenges()
    {
        const auto list = parseAuthChallenges(
            "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/nginx:pull,push\", "
            "Basic realm=\"x y\"");
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].scheme, QStringLiteral("bearer"));
        QCOMPARE(list[0].realm(), QStringLiteral("https://auth.docker.io/token"));
        QCOMPARE(list[0].service(), QStringLiteral("registry.docker.io"));
        QCOMPARE(list[0].scope(), QStringLiteral("repository:library/nginx:pull,push"));
        QCOMPARE(list[1].scheme, QStringLiteral("basic"));
        QCOMPARE(list[1].realm(), QStringLiteral("x y"));
    }
    void challengeWithError()
    {
        const auto list = parseAuthChallenges("Bearer realm=\"https://r/t\",error=\"insufficient_scope\",scope=\"repository:a:pull\" ");
        QCOMPARE(list.size(), 1);
        QCOMPARE(list[0].error(), QStringLiteral("insufficient_scope"));
    }
    void challengeEscapes()
    {
        const auto list = parseAuthChallenges("Basic realm=\"say \\\"hi\\\", please\"");
        QCOMPARE(list.size(), 1);
        QCOMPARE(list[0].realm(), QStringLiteral("say \"hi\", please"));
    }
    void tokens_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<int>("expires");
        QTest::newRow("token") << QByteArray(R"({"token":"abc","expires_in":300})") << true << QByteArray("abc") << 300;
        QTest::newRow("access_token") << QByteArray(R"({"access_token":"xyz"})") << true << QByteArray("xyz") << 60;
        QTest::newRow("short-expiry-floored") << QByteArray(R"({"token":"t","expires_in":5})") << true << QByteArray("t") << 60;
        QTest::newRow("none") << QByteArray(R"({"expires_in":5})") << false << QByteArray() << 0;
        QTest::newRow("not-json") << QByteArray("<html>") << false << QByteArray() << 0;
    }
    void tokens()
    {
        QFETCH(QByteArray, json);
        QFETCH(bool, ok);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        BearerToken t;
        QString err;
        QCOMPARE(parseTokenResponse(json, now, &t, &err), ok);
        if (!ok) {
            QVERIFY(!err.isEmpty());
            return;
        }
        QTEST(t.token, "token");
        QTEST(t.expiresInSeconds, "expires");
        QVERIFY(t.usableAt(now));
        // Renewed before it runs out: not used in its last tenth (at least 5 s).
        QVERIFY(!t.usableAt(now.addSecs(t.expiresInSeconds - 5)));
    }
    void retryAfter()
    {
        const QDateTime now = QDateTime::fromString(QStringLiteral("2026-11-28T10:00:00Z"), Qt::ISODate);
        QCOMPARE(retry::parseRetryAfterMs("7", now).value(), 7000);
        QCOMPARE(retry::parseRetryAfterMs("Sat, 28 Nov 2026 10:00:30 GMT", now).value(), 30000);
        QCOMPARE(retry::parseRetryAfterMs("Sat, 28 Nov 2026 09:00:00 GMT", now).value(), 0); // past: now
        QVERIFY(!retry::parseRetryAfterMs("soon", now).has_value());
        QVERIFY(!retry::parseRetryAfterMs("-3", now).has_value());
        QVERIFY(!retry::parseRetryAfterMs("", now).has_value());
    }
    void statuses()
    {
        for (int s : {408, 429, 500, 502, 503, 504})
            QVERIFY2(retry::isRetryableStatus(s), qPrintable(QString::number(s)));
        for (int s : {200, 400, 401, 403, 404, 405, 413, 501})
            QVERIFY2(!retry::isRetryableStatus(s), qPrintable(QString::number(s)));
    }
    void backoff()
    {
        QCOMPARE(retry::backoffMs(1, 100, 10000, 0.0), 50);
        QCOMPARE(retry::backoffMs(1, 100, 10000, 1.0), 100);
        QCOMPARE(retry::backoffMs(4, 100, 10000, 1.0), 800);
        QCOMPARE(retry::backoffMs(20, 100, 1000, 1.0), 1000); // capped
        QVERIFY(retry::backoffMs(3, 100, 10000, 0.5) >= 200);
    }
    void rateLimitHeaders()
    {
        HttpResponse r;
        r.status = 200;
        r.headers = {{"ratelimit-limit", "100;w=21600"}, {"RateLimit-Remaining", "76;w=21600"}, {"docker-ratelimit-source", "192.0.2.1"}};
        const RateLimitReading rl = RateLimitReading::fromResponse(r);
        QVERIFY(rl.present);
        QCOMPARE(rl.limit, 100);
        QCOMPARE(rl.remaining, 76);
        QCOMPARE(rl.windowSeconds, 21600);
        QCOMPARE(rl.source, QStringLiteral("192.0.2.1"));
        HttpResponse none;
        none.status = 200;
        QVERIFY(!RateLimitReading::fromResponse(none).present);
    }
    // Answers of requests sent side by side arrive in any order: a higher count just after a lower
    // one is an older answer; a second later it is pulls the window gave back.
    void rateLimitReadingsOnlyRiseAfterASecond()
    {
        RateLimitReading current;
        QVERIFY(RateLimitReading{}.supersedes(current)); // nothing read yet
        current.present = true;
        current.limit = 100;
        current.remaining = 40;
        current.observedAt = QDateTime::fromMSecsSinceEpoch(1000000, Qt::UTC);
        RateLimitReading next = current;
        next.remaining = 39;
        next.observedAt = current.observedAt.addMSecs(5);
        QVERIFY(next.supersedes(current)); // lower: always the newer state
        next.remaining = 43;
        QVERIFY(!next.supersedes(current)); // higher within a second: an older answer
        next.observedAt = current.observedAt.addMSecs(1'000);
        QVERIFY(next.supersedes(current)); // higher a second later: given back
        next.observedAt = current.observedAt.addMSecs(5);
        next.limit = 200;
        QVERIFY(next.supersedes(current)); // another limit (a login): taken at once
    }
    void redaction()
    {
        QCOMPARE(redactedUrl(QUrl(QStringLiteral("https://u:p@blob.example/x?sig=SECRET"))), QStringLiteral("https://blob.example/x"));
    }
};

FERRY_TEST_MAIN(TestAuth)
#include "tst_auth.moc"
