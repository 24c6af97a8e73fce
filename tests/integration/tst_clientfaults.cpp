// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Fault scenarios against a loopback server of the tests' own (reliability.md A-F): each
// ends in the right digest or a clear error, never a wrong digest and never a hang.
#include "fakeserver.h"
#include "net/networkservice.h"
#include "parse/digest.h"
#include "registry/registryclient.h"
#include "testmain.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QFile>
#include <QLocale>
#include <QMutex>
#include <QProcess>
#include <QSslCertificate>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTimeZone>

#include <atomic>

using namespace ferry;
using namespace ferry::test;

namespace {

const QByteArray kManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","size":2},"layers":[]})";
const QString kDigest = digest::compute(kManifest);

FakeResponse manifestResponse(const FakeRequest &req)
{
    FakeResponse r;
    r.headers = {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}, {"Docker-Content-Digest", kDigest.toLatin1()}};
    r.body = kManifest;
    if (req.method == "HEAD")
        r.headers.append({"Content-Length", QByteArray::number(kManifest.size())});
    return r;
}

// Every case runs over plain HTTP, and again over TLS with HTTP/1.1 and with HTTP/2
// (FERRY_TEST_TRANSPORT, one ctest entry each): the servers below follow it.
RegistryConfig configFor(const FakeServer &s)
{
    RegistryConfig c;
    c.name = s.hostPort();
    c.baseUrl = QUrl(s.baseUrl());
    c.insecure = !s.isTls();
    if (s.isTls())
        c.caFile = FakeServer::caFile();
    c.maxAttempts = 4;
    c.transferTimeoutMs = 800;
    c.exchangeDeadlineMs = 5000;
    c.requestDeadlineMs = 20000;
    c.backoffBaseMs = 20;
    c.backoffCapMs = 200;
    c.maxRetryAfterMs = 10000;
    return c;
}

QByteArray httpDate(const QDateTime &t)
{
    return QLocale::c().toString(t.toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
}

// Arrival times of requests, to check waits that must have happened (lower bounds only).
struct Arrivals
{
    QMutex mutex;
    QElapsedTimer clock;
    QList<qint64> at;
    Arrivals() { clock.start(); }
    int mark()
    {
        QMutexLocker l(&mutex);
        at.append(clock.elapsed());
        return int(at.size());
    }
    qint64 gap(int i) // between arrival i-1 and i
    {
        QMutexLocker l(&mutex);
        return at.value(i) - at.value(i - 1);
    }
};

} // namespace

class TestClientFaults : public QObject
{
    Q_OBJECT
private:
    NetworkService m_network{2};

private Q_SLOTS:
    void retryAfterSecondsPausesTheRegistry()
    {
        Arrivals arrivals;
        FakeServer server([&](const FakeRequest &req) {
            if (arrivals.mark() == 1)
                return FakeResponse::json(429, R"({"errors":[{"code":"TOOMANYREQUESTS"}]})").with("Retry-After", "1");
            return manifestResponse(req);
        });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.headManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.value.digest, kDigest);
        QCOMPARE(server.requestCount(), 2);
        QVERIFY2(arrivals.gap(1) >= 900, qPrintable(QString::number(arrivals.gap(1))));
        QCOMPARE(client.stats().pauses, 1);
        QVERIFY(client.stats().pausedUntil.isValid());
    }

    void retryAfterHttpDate()
    {
        Arrivals arrivals;
        FakeServer server([&](const FakeRequest &req) {
            if (arrivals.mark() == 1)
                return FakeResponse::json(503, "{}").with("Retry-After", httpDate(QDateTime::currentDateTimeUtc().addSecs(2)));
            return manifestResponse(req);
        });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.headManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.value.digest, kDigest);
        // An HTTP date has whole seconds: at least one of the two seconds was waited.
        QVERIFY2(arrivals.gap(1) >= 900, qPrintable(QString::number(arrivals.gap(1))));
    }

    void retryAfterBeyondTheCapFailsClearly()
    {
        FakeServer server([](const FakeRequest &) { return FakeResponse::json(429, "{}").with("Retry-After", "3600"); });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.headManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QCOMPARE(r.error.kind, RegistryError::Kind::RateLimited);
        QVERIFY2(r.error.message.contains(QStringLiteral("3600")), qPrintable(r.error.message));
        QCOMPARE(server.requestCount(), 1);
    }

    void burstOf5xxIsRetried()
    {
        std::atomic<int> n{0};
        FakeServer server([&](const FakeRequest &req) {
            const int i = ++n;
            if (i == 1)
                return FakeResponse::json(503, "{}");
            if (i == 2)
                return FakeResponse::json(502, "{}");
            if (i == 3)
                return FakeResponse::json(500, "{}");
            return manifestResponse(req);
        });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.getManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.value.digest, kDigest);
        QCOMPARE(server.requestCount(), 4);
        QCOMPARE(client.stats().retries, 3);
    }

    void persistent5xxEndsInAnErrorAfterBoundedAttempts()
    {
        FakeServer server(
            [](const FakeRequest &) { return FakeResponse::json(500, R"({"errors":[{"code":"UNKNOWN","message":"disk on fire"}]})"); });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.headManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QCOMPARE(r.error.kind, RegistryError::Kind::Server);
        QCOMPARE(r.error.httpStatus, 500);
        QCOMPARE(server.requestCount(), 4);
    }

    void notRetried4xx()
    {
        FakeServer server([](const FakeRequest &) {
            return FakeResponse::json(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})");
        });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.getManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QCOMPARE(r.error.kind, RegistryError::Kind::NotFound);
        QCOMPARE(r.error.code, QStringLiteral("MANIFEST_UNKNOWN"));
        QCOMPARE(server.requestCount(), 1);
    }

    void stalledResponseTimesOut()
    {
        FakeServer server([](const FakeRequest &) {
            FakeResponse r;
            r.stall = true;
            return r;
        });
        RegistryConfig cfg = configFor(server);
        cfg.maxAttempts = 2;
        RegistryClient client(m_network, cfg);
        const auto r = await(client.headManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QCOMPARE(r.error.kind, RegistryError::Kind::Timeout);
        QCOMPARE(server.requestCount(), 2);
    }

    void truncatedBodyIsRetriedAndNeverParsed()
    {
        std::atomic<int> n{0};
        FakeServer server([&](const FakeRequest &req) {
            FakeResponse r = manifestResponse(req);
            if (++n <= 2)
                r.truncateAt = kManifest.size() / 2;
            return r;
        });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.getManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.value.digest, kDigest);
        QCOMPARE(server.requestCount(), 3);

        server.setHandler([](const FakeRequest &req) {
            FakeResponse cut = manifestResponse(req);
            cut.truncateAt = 10;
            return cut;
        });
        const auto bad = await(client.getManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QCOMPARE(bad.error.kind, RegistryError::Kind::Network);
        QVERIFY(bad.value.digest.isEmpty());
    }

    void crossHostRedirectCarriesNoCredentials()
    {
        FakeServer storage([](const FakeRequest &req) { return manifestResponse(req); }, QHostAddress(QStringLiteral("127.0.0.2")));
        const QByteArray storageUrl = storage.baseUrl().toLatin1() + "/blobs/manifest?sig=SECRET-SIGNATURE";
        FakeServer registry([&](const FakeRequest &req) {
            if (req.header("Authorization").isEmpty())
                return FakeResponse::json(401, "{}").with("WWW-Authenticate", R"(Basic realm="test")");
            if (req.pathOnly().startsWith(QStringLiteral("/storage/")))
                return manifestResponse(req);
            if (req.pathOnly().endsWith(QStringLiteral("/same")))
                return FakeResponse::json(307, "").with("Location", "/storage/same");
            return FakeResponse::json(307, "").with("Location", storageUrl);
        });
        RegistryConfig cfg = configFor(registry);
        cfg.credentials.username = QStringLiteral("alice");
        cfg.credentials.password = QStringLiteral("wonderland");
        RegistryClient client(m_network, cfg);

        const auto r = await(client.getManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.value.digest, kDigest);
        QCOMPARE(storage.requestCount(), 1);
        QVERIFY2(storage.requests().constFirst().header("Authorization").isEmpty(), "credentials leaked to another host");
        QVERIFY(registry.requests().constLast().header("Authorization").startsWith("Basic "));

        // A redirect on the same origin keeps them.
        const auto same = await(client.getManifest(QStringLiteral("team/app"), QStringLiteral("same")));
        QVERIFY2(same.ok(), qPrintable(same.error.toString()));
        QVERIFY(registry.requests().constLast().pathOnly().startsWith(QStringLiteral("/storage/")));
        QVERIFY(registry.requests().constLast().header("Authorization").startsWith("Basic "));
    }

    void noRedirectFromHttpsToPlainHttp()
    {
        FakeServer plain([](const FakeRequest &req) { return manifestResponse(req); }, QHostAddress(QStringLiteral("127.0.0.1")),
                         FakeServer::Transport::Plain);
        const QByteArray downgrade = plain.baseUrl().toLatin1() + "/v2/team/app/manifests/1.0";
        FakeServer secure(
            [&](const FakeRequest &req) {
                if (req.pathOnly().endsWith(QStringLiteral("/ok")))
                    return manifestResponse(req);
                return FakeResponse::json(302, "").with("Location", downgrade);
            },
            QHostAddress(QStringLiteral("127.0.0.1")),
            FakeServer::defaultTransport() == FakeServer::Transport::Plain ? FakeServer::Transport::TlsHttp1
                                                                           : FakeServer::defaultTransport());
        RegistryConfig cfg = configFor(secure);
        cfg.credentials.username = QStringLiteral("alice");
        cfg.credentials.password = QStringLiteral("secret");
        RegistryClient client(m_network, cfg);
        QVERIFY2(client.configError().isEmpty(), qPrintable(client.configError()));

        const auto ok = await(client.getManifest(QStringLiteral("team/app"), QStringLiteral("ok")));
        QVERIFY2(ok.ok(), qPrintable(ok.error.toString())); // the TLS server itself works
        const auto r = await(client.getManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QCOMPARE(r.error.kind, RegistryError::Kind::Protocol);
        QVERIFY2(r.error.message.contains(QStringLiteral("https to plain http")), qPrintable(r.error.message));
        QCOMPARE(plain.requestCount(), 0);
    }

    void redirectLoopIsCapped()
    {
        FakeServer server(
            [](const FakeRequest &req) { return FakeResponse::json(302, "").with("Location", req.pathOnly().toLatin1() + "?again"); });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.getManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QCOMPARE(r.error.kind, RegistryError::Kind::Protocol);
        QVERIFY(r.error.message.contains(QStringLiteral("redirects")));
        QCOMPARE(server.requestCount(), 11); // the first request and 10 hops
    }

    void paginationFollowsLinks()
    {
        FakeServer server([](const FakeRequest &req) {
            const QString last = req.query().queryItemValue(QStringLiteral("last"));
            if (last.isEmpty())
                return FakeResponse::json(200, R"({"name":"team/app","tags":["b","a"]})")
                    .with("Link", R"(</v2/team/app/tags/list?last=b&n=2>; rel="next")");
            if (last == u"b")
                return FakeResponse::json(200, R"({"name":"team/app","tags":["c"]})")
                    .with("Link", "</v2/team/app/tags/list?last=c&n=2>; rel=next");
            return FakeResponse::json(200, R"({"name":"team/app","tags":["d","not a tag!"]})");
        });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.listTags(QStringLiteral("team/app")));
        QVERIFY(r.ok());
        QVERIFY(r.value.complete);
        QCOMPARE(r.value.pages, 3);
        QCOMPARE(r.value.names, (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")}));
    }

    void linkLoopMakesTheListingIncomplete()
    {
        FakeServer server([](const FakeRequest &req) {
            const QString last = req.query().queryItemValue(QStringLiteral("last"));
            if (last.isEmpty())
                return FakeResponse::json(200, R"({"tags":["a"]})").with("Link", R"(</v2/team/app/tags/list?last=a>; rel="next")");
            return FakeResponse::json(200, R"({"tags":["b"]})").with("Link", R"(</v2/team/app/tags/list?last=a>; rel="next")");
        });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.listTags(QStringLiteral("team/app")));
        QVERIFY(r.ok());
        QVERIFY(!r.value.complete);
        QVERIFY2(r.value.incompleteReason.contains(QStringLiteral("loop")), qPrintable(r.value.incompleteReason));
        QCOMPARE(r.value.names, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(server.requestCount(), 2);

        // A next page at a new URL that adds nothing is a loop too.
        server.setHandler([](const FakeRequest &req) {
            const int page = req.query().queryItemValue(QStringLiteral("p")).toInt();
            return FakeResponse::json(200, R"({"tags":["a","b"]})")
                .with("Link", "</v2/team/app/tags/list?p=" + QByteArray::number(page + 1) + ">; rel=\"next\"");
        });
        const auto r2 = await(client.listTags(QStringLiteral("team/app")));
        QVERIFY(!r2.value.complete);
        QVERIFY2(r2.value.incompleteReason.contains(QStringLiteral("no new names")), qPrintable(r2.value.incompleteReason));

        // A failing later page: what was read is kept, marked incomplete.
        server.setHandler([](const FakeRequest &req) {
            if (req.query().hasQueryItem(QStringLiteral("last")))
                return FakeResponse::json(404, "{}");
            return FakeResponse::json(200, R"({"tags":["a"]})").with("Link", "</v2/team/app/tags/list?last=a>; rel=next");
        });
        const auto r3 = await(client.listTags(QStringLiteral("team/app")));
        QVERIFY(!r3.value.complete);
        QCOMPARE(r3.value.names, QStringList{QStringLiteral("a")});
    }

    void linkToAnotherHostIsNotFollowed()
    {
        FakeServer server([](const FakeRequest &) {
            return FakeResponse::json(200, R"({"tags":["a"]})")
                .with("Link", R"(<http://127.0.0.2:1/v2/team/app/tags/list?last=a>; rel="next")");
        });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.listTags(QStringLiteral("team/app")));
        QVERIFY(!r.value.complete);
        QVERIFY(r.value.incompleteReason.contains(QStringLiteral("another host")));
    }

    void manifestOverTheSizeLimit()
    {
        const QByteArray big = "{\"schemaVersion\":2,\"annotations\":{\"a\":\"" + QByteArray(5 * 1024 * 1024, 'A') + "\"}}";
        FakeServer server([&](const FakeRequest &) {
            FakeResponse r;
            r.headers = {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}};
            r.body = big;
            return r;
        });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.getManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QCOMPARE(r.error.kind, RegistryError::Kind::TooLarge);
        QVERIFY(r.error.message.contains(QStringLiteral("4194304")));
        QCOMPARE(server.requestCount(), 1); // not retried: it will not get smaller

        RegistryConfig cfg = configFor(server);
        cfg.maxManifestBytes = 8 * 1024 * 1024;
        RegistryClient roomy(m_network, cfg);
        const auto ok = await(roomy.getManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QCOMPARE(ok.value.digest, digest::compute(big));
    }

    void digestMismatchIsRefused()
    {
        FakeServer server([](const FakeRequest &req) { return manifestResponse(req); });
        RegistryClient client(m_network, configFor(server));
        const QString other = QStringLiteral("sha256:") + QString(64, u'9');
        const auto r = await(client.getManifest(QStringLiteral("team/app"), other));
        QCOMPARE(r.error.kind, RegistryError::Kind::DigestMismatch);
        QVERIFY(r.value.digest.isEmpty());
        // By tag, a lying Docker-Content-Digest loses against the bytes, with a warning.
        server.setHandler([other](const FakeRequest &req) {
            FakeResponse resp = manifestResponse(req);
            resp.headers[1].second = other.toLatin1();
            return resp;
        });
        const auto byTag = await(client.getManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QVERIFY(byTag.ok());
        QCOMPARE(byTag.value.digest, kDigest);
        QCOMPARE(byTag.value.headerDigest, other);
        QVERIFY(!byTag.value.warnings.isEmpty());
    }

    void headWithoutDigestHeaderHashesTheBody()
    {
        FakeServer server([](const FakeRequest &req) {
            FakeResponse r = manifestResponse(req);
            r.headers.removeIf([](const auto &h) { return h.first == "Docker-Content-Digest"; });
            return r;
        });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.headManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.value.digest, kDigest);
        QVERIFY(r.value.viaGet);
        QCOMPARE(server.requests().at(0).method, QByteArray("HEAD"));
        QCOMPARE(server.requests().at(1).method, QByteArray("GET"));
        // The full Accept list went out with both.
        QVERIFY(server.requests().at(0).header("Accept").contains("application/vnd.oci.image.index.v1+json"));
        QVERIFY(server.requests().at(1).header("Accept").contains("application/vnd.docker.distribution.manifest.list.v2+json"));
    }

    void bearerTokenIsFetchedOncePerScope()
    {
        std::atomic<int> tokens{0};
        FakeServer *self = nullptr;
        FakeServer server([&](const FakeRequest &req) {
            if (req.pathOnly() == u"/token") {
                ++tokens;
                const QUrlQuery q = req.query();
                if (q.queryItemValue(QStringLiteral("service")) != u"fake-registry")
                    return FakeResponse::json(400, "{}");
                return FakeResponse::json(200,
                                          R"({"access_token":"tok-)" + q.queryItemValue(QStringLiteral("scope")).toLatin1().toBase64() +
                                              R"(","expires_in":300})");
            }
            const QByteArray want = "Bearer tok-" + QByteArray("repository:team/app:pull").toBase64();
            if (req.header("Authorization") != want)
                return FakeResponse::json(401, "{}").with("WWW-Authenticate",
                                                          "Bearer realm=\"" + self->baseUrl().toLatin1() +
                                                              "/token\",service=\"fake-registry\",scope=\"repository:team/app:pull\"");
            return manifestResponse(req);
        });
        self = &server;
        RegistryClient client(m_network, configFor(server));
        QList<QFuture<Result<ManifestHead>>> futures;
        const auto first = await(client.headManifest(QStringLiteral("team/app"), QStringLiteral("v0")));
        QVERIFY2(first.ok(), qPrintable(first.error.toString()));
        for (int i = 0; i < 20; ++i)
            futures << client.headManifest(QStringLiteral("team/app"), QStringLiteral("v%1").arg(i));
        for (auto &f : futures) {
            const auto r = await(f);
            QVERIFY2(r.ok(), qPrintable(r.error.toString()));
            QCOMPARE(r.value.digest, kDigest);
        }
        QCOMPARE(tokens.load(), 1);
        QCOMPARE(client.stats().tokenFetches, 1);
    }

    void rejectedCredentialsFailClearlyWithoutLooping()
    {
        FakeServer *self = nullptr;
        FakeServer server([&](const FakeRequest &req) {
            if (req.pathOnly() == u"/token")
                return FakeResponse::json(401, R"({"details":"incorrect username or password"})");
            return FakeResponse::json(401, "{}").with("WWW-Authenticate",
                                                      "Bearer realm=\"" + self->baseUrl().toLatin1() + "/token\",service=\"s\"");
        });
        self = &server;
        RegistryConfig cfg = configFor(server);
        cfg.credentials.username = QStringLiteral("alice");
        cfg.credentials.password = QStringLiteral("wrong-password");
        cfg.credentials.source = QStringLiteral("test");
        RegistryClient client(m_network, cfg);
        const auto r = await(client.headManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QCOMPARE(r.error.kind, RegistryError::Kind::Unauthorized);
        QVERIFY2(r.error.message.contains(QStringLiteral("refused the credentials")), qPrintable(r.error.message));
        QVERIFY2(!r.error.message.contains(QStringLiteral("wrong-password")), "a secret in an error message");
        QCOMPARE(server.countPath(QStringLiteral("/v2/")), 1);
        QCOMPARE(server.countPath(QStringLiteral("/token")), 1);

        // A registry that rejects every token: one re-authentication, then a clear error.
        server.setHandler([&](const FakeRequest &req) {
            if (req.pathOnly() == u"/token")
                return FakeResponse::json(200, R"({"token":"t"})");
            return FakeResponse::json(401, "{}").with(
                "WWW-Authenticate", "Bearer realm=\"" + self->baseUrl().toLatin1() + "/token\",service=\"s\",error=\"invalid_token\"");
        });
        const int before = server.countPath(QStringLiteral("/v2/"));
        const auto again = await(client.headManifest(QStringLiteral("team/app"), QStringLiteral("2.0")));
        QCOMPARE(again.error.kind, RegistryError::Kind::Unauthorized);
        QCOMPARE(server.countPath(QStringLiteral("/v2/")) - before, 2);
    }

    // A token that runs out mid-scan: the registry answers 401 invalid_token, the session
    // fetches a new one and sends the request again; nothing is lost, nothing counts as failed.
    void tokenExpiringMidScanIsRenewed()
    {
        std::atomic<int> issued{0};
        std::atomic<int> usesLeft{0};
        QMutex mutex;
        QByteArray current;
        FakeServer *self = nullptr;
        FakeServer server([&](const FakeRequest &req) {
            if (req.pathOnly() == u"/token") {
                QMutexLocker l(&mutex);
                current = "tok-" + QByteArray::number(++issued);
                usesLeft = 15; // the registry honours each token for 15 requests, then it has expired
                return FakeResponse::json(200, R"({"token":")" + current + R"(","expires_in":300})");
            }
            const QByteArray challenge =
                "Bearer realm=\"" + self->baseUrl().toLatin1() + "/token\",service=\"fake\",scope=\"repository:team/app:pull\"";
            QMutexLocker l(&mutex);
            if (req.header("Authorization") != "Bearer " + current)
                return FakeResponse::json(401, R"({"errors":[{"code":"UNAUTHORIZED"}]})").with("WWW-Authenticate", challenge);
            if (--usesLeft < 0)
                return FakeResponse::json(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"token expired"}]})")
                    .with("WWW-Authenticate", challenge + ",error=\"invalid_token\"");
            return manifestResponse(req);
        });
        self = &server;
        RegistryClient client(m_network, configFor(server));
        QList<QFuture<Result<ManifestHead>>> futures;
        for (int i = 0; i < 40; ++i)
            futures << client.headManifest(QStringLiteral("team/app"), QStringLiteral("v%1").arg(i));
        for (auto &f : futures) {
            const auto r = await(f);
            QVERIFY2(r.ok(), qPrintable(r.error.toString()));
            QCOMPARE(r.value.digest, kDigest);
        }
        QVERIFY2(issued.load() >= 3, qPrintable(QString::number(issued.load()))); // 40 answers need at least three tokens
        QCOMPARE(client.stats().failures, 0);
    }

    // A 403 is read whole over every transport: its error code says what was denied.
    void forbiddenKeepsTheRegistrysReason()
    {
        FakeServer server([](const FakeRequest &) {
            return FakeResponse::json(403, R"({"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]})");
        });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.getManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QCOMPARE(r.error.kind, RegistryError::Kind::Denied);
        QCOMPARE(r.error.code, QStringLiteral("DENIED"));
        QVERIFY2(r.error.message.contains(QStringLiteral("denied")), qPrintable(r.error.message));
        QCOMPARE(server.requestCount(), 1);
    }

    void identityTokenIsExchangedWithOAuthPost()
    {
        FakeServer *self = nullptr;
        FakeServer server([&](const FakeRequest &req) {
            if (req.pathOnly() == u"/oauth2/token") {
                const QUrlQuery form(QString::fromUtf8(req.body));
                if (req.method != "POST" || form.queryItemValue(QStringLiteral("grant_type")) != u"refresh_token" ||
                    form.queryItemValue(QStringLiteral("refresh_token")) != u"identity-123" ||
                    form.queryItemValue(QStringLiteral("service")) != u"fake.azurecr.io" || !req.header("Authorization").isEmpty())
                    return FakeResponse::json(400, "{}");
                return FakeResponse::json(200, R"({"access_token":"from-refresh","expires_in":3600})");
            }
            if (req.header("Authorization") != "Bearer from-refresh")
                return FakeResponse::json(401, "{}").with(
                    "WWW-Authenticate",
                    "Bearer realm=\"" + self->baseUrl().toLatin1() +
                        "/oauth2/token\",service=\"fake.azurecr.io\",scope=\"repository:team/app:pull\"");
            return manifestResponse(req);
        });
        self = &server;
        RegistryConfig cfg = configFor(server);
        cfg.credentials.identityToken = QStringLiteral("identity-123");
        RegistryClient client(m_network, cfg);
        const auto r = await(client.headManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.value.digest, kDigest);
        QCOMPARE(server.countPath(QStringLiteral("/oauth2/token")), 1);
    }

    void requestRateCapSpacesRequests()
    {
        Arrivals arrivals;
        FakeServer server([&](const FakeRequest &req) {
            arrivals.mark();
            return manifestResponse(req);
        });
        RegistryConfig cfg = configFor(server);
        cfg.requestsPerSecond = 10; // one every 100 ms
        RegistryClient client(m_network, cfg);
        // A first request opens the connection (over TLS a handshake that delays only its own
        // arrival, which would make the next gap look short: seen 77 ms under load).
        QVERIFY(await(client.headManifest(QStringLiteral("team/app"), QStringLiteral("warm"))).ok());
        QList<QFuture<Result<ManifestHead>>> futures;
        for (int i = 0; i < 5; ++i)
            futures << client.headManifest(QStringLiteral("team/app"), QStringLiteral("t%1").arg(i));
        for (auto &f : futures)
            QVERIFY(await(f).ok());
        // Five requests at once arrive spread over four intervals of 100 ms; without the cap they
        // come within a few ms. Measured over the span, one late arrival cannot fail it.
        qint64 span = 0;
        for (int i = 2; i <= 5; ++i)
            span += arrivals.gap(i);
        QVERIFY2(span >= 4 * 100 - 40, qPrintable(QString::number(span)));
    }

    void basicChallengeWithoutCredentials()
    {
        FakeServer server([](const FakeRequest &) { return FakeResponse::json(401, "{}").with("WWW-Authenticate", R"(Basic realm="x")"); });
        RegistryConfig cfg = configFor(server);
        cfg.credentials.source = QStringLiteral("/home/lead/.docker/config.json has none for ") + cfg.baseUrl.authority();
        RegistryClient client(m_network, cfg);
        const auto r = await(client.listTags(QStringLiteral("team/app")));
        QCOMPARE(r.error.kind, RegistryError::Kind::Unauthorized);
        QVERIFY(r.error.message.contains(QStringLiteral("user name and password")));
        // Where the credentials were looked for, so the lead knows which file docker login must write.
        QVERIFY2(r.error.toString().contains(cfg.credentials.source), qPrintable(r.error.toString()));
    }

    void cancelStopsWaitingRequests()
    {
        FakeServer server([](const FakeRequest &) {
            FakeResponse r;
            r.stall = true;
            return r;
        });
        RegistryConfig cfg = configFor(server);
        cfg.transferTimeoutMs = 60000;
        cfg.concurrency = 1;
        RegistryClient client(m_network, cfg);
        const quint64 group = RegistryClient::newGroup();
        auto inflight = client.headManifest(QStringLiteral("team/app"), QStringLiteral("1"), group);
        auto queued = client.headManifest(QStringLiteral("team/app"), QStringLiteral("2"), group);
        QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 1, 5000);
        client.cancelGroup(group);
        QCOMPARE(await(inflight, 5000).error.kind, RegistryError::Kind::Canceled);
        QCOMPARE(await(queued, 5000).error.kind, RegistryError::Kind::Canceled);
    }

    void concurrencyCapHoldsRequestsBack()
    {
        Arrivals arrivals;
        FakeServer server([&](const FakeRequest &req) {
            arrivals.mark();
            FakeResponse r = manifestResponse(req);
            r.delayMs = 150;
            return r;
        });
        RegistryConfig cfg = configFor(server);
        cfg.concurrency = 1;
        RegistryClient client(m_network, cfg);
        QList<QFuture<Result<ManifestHead>>> futures;
        for (int i = 0; i < 4; ++i)
            futures << client.headManifest(QStringLiteral("team/app"), QStringLiteral("t%1").arg(i));
        for (auto &f : futures)
            QVERIFY(await(f).ok());
        // One at a time: every request arrived after the previous one's answer.
        for (int i = 1; i < 4; ++i)
            QVERIFY2(arrivals.gap(i) >= 140, qPrintable(QString::number(arrivals.gap(i))));
    }

    void deleteOutcomes_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("outcome");
        QTest::newRow("202") << 202 << int(DeleteOutcome::Deleted);
        QTest::newRow("404") << 404 << int(DeleteOutcome::AlreadyAbsent);
        QTest::newRow("405") << 405 << int(DeleteOutcome::Refused);
        QTest::newRow("400") << 400 << int(DeleteOutcome::Refused);
        QTest::newRow("412") << 412 << int(DeleteOutcome::Refused);
        QTest::newRow("403") << 403 << int(DeleteOutcome::NotPermitted);
    }
    void deleteOutcomes()
    {
        QFETCH(int, status);
        QFETCH(int, outcome);
        FakeServer server([status](const FakeRequest &) { return FakeResponse::json(status, R"({"errors":[{"code":"UNSUPPORTED"}]})"); });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.deleteManifest(QStringLiteral("team/app"), kDigest));
        QCOMPARE(int(r.outcome), outcome);
        QCOMPARE(server.requests().constFirst().method, QByteArray("DELETE"));
        QCOMPARE(server.requests().constFirst().pathOnly(), QStringLiteral("/v2/team/app/manifests/") + kDigest);
    }

    void deleteRefusesInvalidDigestsBeforeSending()
    {
        FakeServer server([](const FakeRequest &) { return FakeResponse::json(202, ""); });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.deleteManifest(QStringLiteral("team/app"), QStringLiteral("sha256:baddigeststring")));
        QCOMPARE(r.outcome, DeleteOutcome::Failed);
        const auto t = await(client.deleteTag(QStringLiteral("team/app"), QStringLiteral("../../x")));
        QCOMPARE(t.outcome, DeleteOutcome::Failed);
        QCOMPARE(server.requestCount(), 0);
    }

    void referrersFallBackToTheTagSchema()
    {
        const QByteArray index =
            R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/spdx+json","digest":"sha256:2222222222222222222222222222222222222222222222222222222222222222","size":100}]})";
        const QString tag = digest::toTagSchema(kDigest);
        FakeServer server([&](const FakeRequest &req) {
            if (req.pathOnly().contains(QStringLiteral("/referrers/")))
                return FakeResponse::json(404, "{}");
            if (req.pathOnly().endsWith(tag)) {
                FakeResponse r;
                r.headers = {{"Content-Type", "application/vnd.oci.image.index.v1+json"}};
                r.body = index;
                return r;
            }
            return FakeResponse::json(404, "{}");
        });
        RegistryClient client(m_network, configFor(server));
        const auto r = await(client.referrers(QStringLiteral("team/app"), kDigest));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QVERIFY(r.value.viaTagSchema);
        QCOMPARE(r.value.referrers.size(), 1);
        QCOMPARE(r.value.referrers[0].artifactType, QStringLiteral("application/spdx+json"));
    }

    void rateLimitHeadersAreKept()
    {
        FakeServer server([](const FakeRequest &req) {
            return manifestResponse(req)
                .with("ratelimit-limit", "100;w=21600")
                .with("ratelimit-remaining", "42;w=21600")
                .with("docker-ratelimit-source", "203.0.113.9");
        });
        RegistryClient client(m_network, configFor(server));
        QVERIFY(await(client.headManifest(QStringLiteral("library/nginx"), QStringLiteral("latest"))).ok());
        const RateLimitReading rl = client.stats().rateLimit;
        QVERIFY(rl.present);
        QCOMPARE(rl.remaining, 42);
        QCOMPARE(rl.limit, 100);
        QCOMPARE(rl.windowSeconds, 21600);
    }

    void bodyFramings_data()
    {
        QTest::addColumn<int>("framing");
        QTest::newRow("content-length") << 0;
        QTest::newRow("chunked") << 1;
        QTest::newRow("close-delimited") << 2;
    }
    void bodyFramings()
    {
        QFETCH(int, framing);
        FakeServer server([framing](const FakeRequest &req) {
            FakeResponse r = manifestResponse(req);
            r.chunked = framing == 1;
            r.closeDelimited = framing == 2;
            return r;
        });
        RegistryClient client(m_network, configFor(server));
        for (int i = 0; i < 3; ++i) { // reused connections where the framing allows it
            const auto r = await(client.getManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
            QVERIFY2(r.ok(), qPrintable(r.error.toString()));
            QCOMPARE(r.value.digest, kDigest);
            QCOMPARE(r.value.raw, kManifest);
        }
        QCOMPARE(server.requestCount(), 3);
        QCOMPARE(client.stats().retries, 0);
    }

    void staleKeepAliveConnectionIsRetriedOnce()
    {
        FakeServer server([](const FakeRequest &req) {
            FakeResponse r = manifestResponse(req);
            r.dropIfReused = true; // every kept-alive connection turns out to be closed
            return r;
        });
        RegistryClient client(m_network, configFor(server));
        for (int i = 0; i < 5; ++i) {
            const auto r = await(client.headManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
            QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        }
        QCOMPARE(server.requestCount(), 9); // 4 dropped on reused connections, each sent again on a new one
        if (server.transport() == FakeServer::Transport::TlsHttp2) {
            // HTTP/2 has one connection: when it dies, Qt fails its streams and the
            // registry session sends each again, once.
            QCOMPARE(client.stats().retries, 4);
            QCOMPARE(client.stats().failures, 0);
        } else {
            QCOMPARE(client.stats().retries, 0); // handled in the transport, not counted as a registry failure
        }
    }

private:
    // One manifest GET, without retries, from a plain-HTTP server that answers every request
    // with these bytes (and closes the connection after them, or keeps it open).
    Result<ManifestFetch> getFromRawPlainHttp(const QByteArray &raw, bool closeAfter)
    {
        FakeServer server(
            [raw, closeAfter](const FakeRequest &) {
                FakeResponse r;
                r.raw = raw;
                r.closeAfter = closeAfter;
                return r;
            },
            QHostAddress(QStringLiteral("127.0.0.1")), FakeServer::Transport::Plain);
        RegistryConfig cfg = configFor(server);
        cfg.maxAttempts = 1;
        RegistryClient client(m_network, cfg);
        return await(client.getManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
    }

private Q_SLOTS:
    // Plain HTTP's own reader (PlainHttp) against framing that breaks the protocol: each
    // ends in a clear error or the right digest, never a wrong body, a hang or a crash.
    void plainHttpFraming_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("expected"); // RegistryError::Kind
        const QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\n";
        const QByteArray chunk = QByteArray::number(kManifest.size(), 16) + "\r\n" + kManifest + "\r\n0\r\n\r\n";
        QTest::newRow("negative chunk size") << head + "Transfer-Encoding: chunked\r\n\r\n-5\r\nabcde\r\n0\r\n\r\n"
                                             << int(RegistryError::Kind::Network);
        QTest::newRow("overflowing chunk size") << head + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFFF\r\nx\r\n"
                                                << int(RegistryError::Kind::Network);
        QTest::newRow("chunk size near 2^63") << head + "Transfer-Encoding: chunked\r\n\r\n7FFFFFFFFFFFFFFF\r\nx\r\n"
                                              << int(RegistryError::Kind::Network);
        QTest::newRow("signed chunk size") << head + "Transfer-Encoding: chunked\r\n\r\n+10\r\n0123456789abcdef\r\n0\r\n\r\n"
                                           << int(RegistryError::Kind::Network);
        // Declared on its size line: refused before any of its 5 MiB arrive.
        QTest::newRow("chunk over the size limit")
            << head + "Transfer-Encoding: chunked\r\n\r\n500000\r\nxx" << int(RegistryError::Kind::TooLarge);
        QTest::newRow("negative content-length") << head + "Content-Length: -1\r\n\r\n" + kManifest << int(RegistryError::Kind::Network);
        QTest::newRow("conflicting content-lengths")
            << head + "Content-Length: 10\r\nContent-Length: 12\r\n\r\n" + kManifest << int(RegistryError::Kind::Network);
        QTest::newRow("100 continue first") << "HTTP/1.1 100 Continue\r\n\r\n" + head + "Transfer-Encoding: chunked\r\n\r\n" + chunk
                                            << int(RegistryError::Kind::None);
        QTest::newRow("two interim answers") << "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" + head +
                "Content-Length: " + QByteArray::number(kManifest.size()) + "\r\n\r\n" +
                kManifest << int(RegistryError::Kind::None);
    }
    void plainHttpFraming()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, expected);
        const auto r = getFromRawPlainHttp(raw, true);
        QVERIFY2(int(r.error.kind) == expected, qPrintable(RegistryError::kindName(r.error.kind) + QStringLiteral(": ") + r.error.message));
        if (expected == int(RegistryError::Kind::None)) {
            QCOMPARE(r.value.digest, kDigest);
            QCOMPARE(r.value.raw, kManifest);
        }
    }

    // A registry that streams interim answers without end: the request ends at once with why, not at
    // its deadline. The server keeps the connection open, so only the cap can end it.
    void endlessInterimAnswersEnd()
    {
        QByteArray interim;
        for (int i = 0; i < 1000; ++i)
            interim += "HTTP/1.1 100 Continue\r\n\r\n";
        const auto r = getFromRawPlainHttp(interim, false);
        QVERIFY(!r.ok());
        QVERIFY2(r.error.message.contains(QStringLiteral("more than 16 interim (1xx) answers")), qPrintable(r.error.message));
    }

    // An IPv6 literal goes into Host in brackets; the registry on ::1 answers.
    void plainHttpOverIpv6Loopback()
    {
        FakeServer server([](const FakeRequest &req) { return manifestResponse(req); }, QHostAddress(QStringLiteral("::1")),
                          FakeServer::Transport::Plain);
        QCOMPARE(server.hostPort(), QStringLiteral("[::1]:%1").arg(server.port()));
        RegistryConfig cfg = configFor(server);
        RegistryClient client(m_network, cfg);
        const auto r = await(client.getManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QCOMPARE(server.requestCount(), 1);
        QCOMPARE(server.requests().constFirst().header("Host"), QByteArray("[::1]:") + QByteArray::number(server.port()));
        QVERIFY2(r.ok(), qPrintable(r.error.message));
        QCOMPARE(r.value.digest, kDigest);
    }

    void plainHttpNeedsInsecure()
    {
        FakeServer server([](const FakeRequest &req) { return manifestResponse(req); }, QHostAddress(QStringLiteral("127.0.0.1")),
                          FakeServer::Transport::Plain);
        RegistryConfig cfg = configFor(server);
        cfg.insecure = false;
        RegistryClient client(m_network, cfg);
        QVERIFY(client.configError().contains(QStringLiteral("--insecure")));
        const auto r = await(client.headManifest(QStringLiteral("team/app"), QStringLiteral("1.0")));
        QVERIFY(!r.ok());
        QCOMPARE(server.requestCount(), 0);
    }
};

FERRY_TEST_MAIN(TestClientFaults)
#include "tst_clientfaults.moc"
