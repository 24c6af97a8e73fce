// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Provider adapters against loopback servers that answer in the shapes the providers
// document (the providers' published API reference: ACR, Docker Hub and Quay).
#include "fakeserver.h"
#include "net/networkservice.h"
#include "parse/digest.h"
#include "registry/providers.h"
#include "registry/registryclient.h"
#include "testmain.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace ferry;
using namespace ferry::test;

namespace {

QString fakeDigest(int i)
{
    return digest::compute(QByteArray::number(i));
}

RegistryConfig configFor(const FakeServer &s, const QString &kind)
{
    RegistryConfig c;
    c.name = s.hostPort();
    c.baseUrl = QUrl(s.baseUrl());
    c.kind = kind;
    c.insecure = true;
    c.maxAttempts = 3;
    c.backoffBaseMs = 10;
    c.backoffCapMs = 50;
    c.transferTimeoutMs = 2000;
    return c;
}

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// A registry that answers manifest HEADs with a digest derived from the tag.
FakeResponse headByTag(const FakeRequest &req)
{
    const QString tag = req.pathOnly().section(u'/', -1);
    FakeResponse r;
    r.headers = {{"Docker-Content-Digest", digest::compute(tag.toUtf8()).toLatin1()},
                 {"Content-Type", "application/vnd.oci.image.index.v1+json"},
                 {"Content-Length", "100"}};
    return r;
}

} // namespace

class TestProviders : public QObject
{
    Q_OBJECT
private:
    NetworkService m_network{2};

private Q_SLOTS:
    void acrTagsInPagesWithTimesAndLocks()
    {
        FakeServer *self = nullptr;
        FakeServer server([&](const FakeRequest &req) {
            if (req.pathOnly() == u"/oauth2/token") {
                // ACR's metadata API wants the challenge's scope, not only ours.
                const QStringList scopes = req.query().allQueryItemValues(QStringLiteral("scope"));
                if (!scopes.contains(QStringLiteral("repository:team/app:metadata_read")))
                    return FakeResponse::json(403, "{}");
                return FakeResponse::json(200, R"({"access_token":"acr-token"})");
            }
            if (req.header("Authorization") != "Bearer acr-token")
                return FakeResponse::json(401, "{}").with(
                    "WWW-Authenticate",
                    "Bearer realm=\"" + self->baseUrl().toLatin1() +
                        "/oauth2/token\",service=\"fake.azurecr.io\",scope=\"repository:team/app:metadata_read\"");
            if (req.pathOnly() == u"/acr/v1/team/app/_tags") {
                if (!req.query().hasQueryItem(QStringLiteral("last"))) {
                    QJsonArray tags;
                    tags.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("1.0.0")},
                                            {QStringLiteral("digest"), fakeDigest(1)},
                                            {QStringLiteral("createdTime"), QStringLiteral("2023-10-12T09:15:01.4441718Z")},
                                            {QStringLiteral("lastUpdateTime"), QStringLiteral("2023-10-13T10:00:00.1234567Z")},
                                            {QStringLiteral("changeableAttributes"),
                                             QJsonObject{{QStringLiteral("deleteEnabled"), false},
                                                         {QStringLiteral("writeEnabled"), true},
                                                         {QStringLiteral("readEnabled"), true},
                                                         {QStringLiteral("listEnabled"), true}}}});
                    tags.append(
                        QJsonObject{{QStringLiteral("name"), QStringLiteral("1.1.0")},
                                    {QStringLiteral("digest"), fakeDigest(2)},
                                    {QStringLiteral("createdTime"), QStringLiteral("2023-11-01T00:00:00Z")},
                                    {QStringLiteral("changeableAttributes"),
                                     QJsonObject{{QStringLiteral("deleteEnabled"), true}, {QStringLiteral("writeEnabled"), true}}}});
                    return FakeResponse::json(200,
                                              json({{QStringLiteral("registry"), QStringLiteral("fake.azurecr.io")},
                                                    {QStringLiteral("imageName"), QStringLiteral("team/app")},
                                                    {QStringLiteral("tags"), tags}}))
                        .with("Link", "</acr/v1/team/app/_tags?last=1.1.0&n=100>; rel=\"next\"");
                }
                QJsonArray tags;
                tags.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("2.0.0")},
                                        {QStringLiteral("digest"), fakeDigest(3)},
                                        {QStringLiteral("createdTime"), QStringLiteral("2024-01-01T00:00:00.5Z")}});
                return FakeResponse::json(200, json({{QStringLiteral("tags"), tags}}));
            }
            if (req.pathOnly() == u"/acr/v1/team/app/_manifests") {
                QJsonArray manifests;
                manifests.append(
                    QJsonObject{{QStringLiteral("digest"), fakeDigest(1)},
                                {QStringLiteral("imageSize"), 1234},
                                {QStringLiteral("tags"), QJsonArray{QStringLiteral("1.0.0")}},
                                {QStringLiteral("architecture"), QStringLiteral("amd64")},
                                {QStringLiteral("os"), QStringLiteral("linux")},
                                {QStringLiteral("createdTime"), QStringLiteral("2023-10-12T09:15:01.4441718Z")},
                                {QStringLiteral("lastUpdateTime"), QStringLiteral("2023-10-12T09:15:01.4441718Z")},
                                {QStringLiteral("changeableAttributes"),
                                 QJsonObject{{QStringLiteral("deleteEnabled"), true}, {QStringLiteral("writeEnabled"), false}}}});
                manifests.append(QJsonObject{{QStringLiteral("digest"), fakeDigest(9)},
                                             {QStringLiteral("imageSize"), 99},
                                             {QStringLiteral("tags"), QJsonArray{}},
                                             {QStringLiteral("createdTime"), QStringLiteral("2022-01-01T00:00:00Z")}});
                return FakeResponse::json(200, json({{QStringLiteral("manifests"), manifests}}));
            }
            return FakeResponse::json(404, "{}");
        });
        self = &server;
        RegistryClient client(m_network, configFor(server, QStringLiteral("acr")));
        auto provider = TagDetailsProvider::create(client);
        QCOMPARE(provider->kind(), QStringLiteral("acr"));
        const auto r = await(provider->listTagDetails(QStringLiteral("team/app")));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QVERIFY2(r.value.complete, qPrintable(r.value.incompleteReason + r.value.errors.join(u';')));
        QCOMPARE(r.value.pages, 2);
        QCOMPARE(r.value.tags.size(), 3);
        const TagRecord *t = findTag(r.value, QStringLiteral("1.0.0"));
        QVERIFY(t);
        QCOMPARE(t->digest, fakeDigest(1));
        QVERIFY(!t->digestFromHead);
        QCOMPARE(t->created, QDateTime::fromString(QStringLiteral("2023-10-12T09:15:01.444Z"), Qt::ISODateWithMs));
        QCOMPARE(t->updated.date(), QDate(2023, 10, 13));
        QCOMPARE(t->deleteEnabled, std::optional<bool>(false));
        QCOMPARE(t->writeEnabled, std::optional<bool>(true));
        QVERIFY(!findTag(r.value, QStringLiteral("2.0.0"))->deleteEnabled.has_value());
        // Thousands of digests in a few requests: no manifest requests at all.
        QCOMPARE(server.countPath(QStringLiteral("/v2/")), 0);

        const auto m = await(provider->listManifests(QStringLiteral("team/app")));
        QVERIFY2(m.ok(), qPrintable(m.error.toString()));
        QCOMPARE(m.value.manifests.size(), 2);
        QVERIFY(m.value.manifests[1].tags.isEmpty()); // untagged
        QCOMPARE(m.value.manifests[0].writeEnabled, std::optional<bool>(false));
        QCOMPARE(m.value.manifests[0].size, 1234);
        QCOMPARE(server.countPath(QStringLiteral("/oauth2/token")), 1);
    }

    void dockerHubTagApiWithHeadFallback()
    {
        FakeServer registry(headByTag);
        FakeServer *apiSelf = nullptr;
        FakeServer api([&](const FakeRequest &req) {
            if (req.pathOnly() != u"/v2/namespaces/giantswarm/repositories/app-operator/tags")
                return FakeResponse::json(404, "{}");
            if (req.query().queryItemValue(QStringLiteral("page")) == u"2") {
                // No tag-level digest: the provider must HEAD the registry (free), never GET.
                QJsonArray results{QJsonObject{{QStringLiteral("name"), QStringLiteral("6.1.0")},
                                               {QStringLiteral("last_updated"), QStringLiteral("2023-12-01T10:00:00.123456Z")},
                                               {QStringLiteral("images"),
                                                QJsonArray{QJsonObject{{QStringLiteral("architecture"), QStringLiteral("amd64")},
                                                                       {QStringLiteral("digest"), fakeDigest(77)}}}}}};
                return FakeResponse::json(
                    200,
                    json({{QStringLiteral("count"), 3}, {QStringLiteral("next"), QJsonValue::Null}, {QStringLiteral("results"), results}}));
            }
            QJsonArray results{QJsonObject{{QStringLiteral("name"), QStringLiteral("6.0.0")},
                                           {QStringLiteral("digest"), fakeDigest(60)},
                                           {QStringLiteral("media_type"), QStringLiteral("application/vnd.oci.image.index.v1+json")},
                                           {QStringLiteral("last_updated"), QStringLiteral("2023-11-01T10:00:00.123456Z")}},
                               QJsonObject{{QStringLiteral("name"), QStringLiteral("latest")},
                                           {QStringLiteral("digest"), fakeDigest(60)},
                                           {QStringLiteral("last_updated"), QStringLiteral("2023-11-01T10:00:00Z")}}};
            return FakeResponse::json(
                200,
                json({{QStringLiteral("count"), 3},
                      {QStringLiteral("next"),
                       QString(apiSelf->baseUrl() +
                               QStringLiteral("/v2/namespaces/giantswarm/repositories/app-operator/tags?page=2&page_size=100"))},
                      {QStringLiteral("results"), results}}));
        });
        apiSelf = &api;
        RegistryClient reg(m_network, configFor(registry, QStringLiteral("dockerhub")));
        RegistryClient hub(m_network, configFor(api, QStringLiteral("dockerhub-api")));
        auto provider = TagDetailsProvider::create(reg, &hub);
        QCOMPARE(provider->kind(), QStringLiteral("dockerhub"));
        const auto r = await(provider->listTagDetails(QStringLiteral("giantswarm/app-operator")));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QVERIFY2(r.value.complete, qPrintable(r.value.incompleteReason + r.value.errors.join(u';')));
        QCOMPARE(r.value.tags.size(), 3);
        QCOMPARE(findTag(r.value, QStringLiteral("6.0.0"))->digest, fakeDigest(60));
        QCOMPARE(findTag(r.value, QStringLiteral("6.0.0"))->updated.date(), QDate(2023, 11, 1));
        const TagRecord *fallback = findTag(r.value, QStringLiteral("6.1.0"));
        QCOMPARE(fallback->digest, digest::compute("6.1.0"));
        QVERIFY(fallback->digestFromHead);
        QCOMPARE(registry.requestCount(), 1);
        QCOMPARE(registry.requests().constFirst().method, QByteArray("HEAD"));
    }

    void quayTagApiUntilNoMore()
    {
        FakeServer server([](const FakeRequest &req) {
            if (req.pathOnly() != u"/api/v1/repository/giantswarm/app/tag/")
                return FakeResponse::json(404, "{}");
            if (req.query().queryItemValue(QStringLiteral("onlyActiveTags")) != u"true")
                return FakeResponse::json(400, "{}");
            const int page = req.query().queryItemValue(QStringLiteral("page")).toInt();
            QJsonArray tags;
            tags.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("v%1").arg(page)},
                                    {QStringLiteral("manifest_digest"), fakeDigest(page)},
                                    {QStringLiteral("is_manifest_list"), page == 1},
                                    {QStringLiteral("last_modified"), QStringLiteral("Thu, 02 Jun 2022 14:17:08 -0000")},
                                    {QStringLiteral("start_ts"), 1654179428}});
            return FakeResponse::json(
                200, json({{QStringLiteral("tags"), tags}, {QStringLiteral("page"), page}, {QStringLiteral("has_additional"), page < 3}}));
        });
        RegistryClient client(m_network, configFor(server, QStringLiteral("quay")));
        auto provider = TagDetailsProvider::create(client);
        const auto r = await(provider->listTagDetails(QStringLiteral("giantswarm/app")));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QVERIFY2(r.value.complete, qPrintable(r.value.incompleteReason + r.value.errors.join(u';')));
        QCOMPARE(r.value.pages, 3);
        QCOMPARE(r.value.tags.size(), 3);
        QCOMPARE(findTag(r.value, QStringLiteral("v2"))->digest, fakeDigest(2));
        QCOMPARE(findTag(r.value, QStringLiteral("v1"))->updated,
                 QDateTime::fromString(QStringLiteral("2022-06-02T14:17:08Z"), Qt::ISODate));
        QCOMPARE(findTag(r.value, QStringLiteral("v1"))->created.toSecsSinceEpoch(), 1654179428);
        QCOMPARE(server.countPath(QStringLiteral("/v2/")), 0);
    }

    void genericRegistryHeadsEveryTag()
    {
        FakeServer server([](const FakeRequest &req) {
            if (req.pathOnly().endsWith(QStringLiteral("/tags/list"))) {
                QJsonArray tags;
                for (int i = 0; i < 40; ++i)
                    tags.append(QStringLiteral("t%1").arg(i));
                return FakeResponse::json(200,
                                          json({{QStringLiteral("name"), QStringLiteral("team/app")}, {QStringLiteral("tags"), tags}}));
            }
            if (req.pathOnly().endsWith(QStringLiteral("/t13")))
                return FakeResponse::json(500, "{}"); // one tag's digest cannot be read
            return headByTag(req);
        });
        RegistryClient client(m_network, configFor(server, QStringLiteral("oci")));
        auto provider = TagDetailsProvider::create(client);
        const auto r = await(provider->listTagDetails(QStringLiteral("team/app")));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.value.tags.size(), 40);
        for (const TagRecord &t : r.value.tags) {
            if (t.name == u"t13") {
                QVERIFY(t.digest.isEmpty());
                continue;
            }
            QCOMPARE(t.digest, digest::compute(t.name.toUtf8()));
            QVERIFY(t.digestFromHead);
        }
        // An error is never "missing": the listing says it is incomplete and why.
        QVERIFY(!r.value.complete);
        QCOMPARE(r.value.errors.size(), 1);
        QVERIFY(r.value.errors[0].startsWith(QStringLiteral("t13:")));
        for (const FakeRequest &req : server.requests())
            QVERIFY(req.method != "GET" || req.pathOnly().endsWith(QStringLiteral("/tags/list")));
        QVERIFY2(!provider->listManifests(QStringLiteral("team/app")).result().ok(), "only ACR lists untagged manifests");
    }

    void providerTimes()
    {
        QCOMPARE(parseProviderTime(QJsonValue(QStringLiteral("2018-09-13T23:11:01.4441718Z"))),
                 QDateTime::fromString(QStringLiteral("2018-09-13T23:11:01.444Z"), Qt::ISODateWithMs));
        QCOMPARE(parseProviderTime(QJsonValue(1654179428)).toSecsSinceEpoch(), 1654179428);
        QVERIFY(!parseProviderTime(QJsonValue(QStringLiteral("yesterday"))).isValid());
    }
};

FERRY_TEST_MAIN(TestProviders)
#include "tst_providers.moc"
