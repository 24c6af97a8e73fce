// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Ferry against real registries: CNCF Distribution (Debian's docker-registry) on 127.0.0.1
// in the shapes of the world's registries (TLS with HTTP/2 or HTTP/1.1, Basic or token auth
// with the token service on HTTPS, a TLS pull-through cache of an upstream that wants a
// token) and plain HTTP with and without auth, seeded by an independent client. ferryctl's digests must equal `skopeo inspect --raw |
// sha256sum` and its tag sets `skopeo list-tags`.
#include "net/networkservice.h"
#include "parse/digest.h"
#include "registry/registryclient.h"
#include "registryfarm.h"
#include "testmain.h"
#include "testutil.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

using namespace ferry;
using namespace ferry::test;

Q_DECLARE_METATYPE(ferry::test::Variant)

namespace {

const QList<Variant> kVariants{Variant::Plain,    Variant::Htpasswd,      Variant::Tls,      Variant::Token,
                               Variant::TlsBasic, Variant::TlsBasicHttp1, Variant::TlsToken, Variant::Cache};

} // namespace

class TestRegistries : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<RegistryFarm> m_farm;
    QString m_dockerConfig;
    NetworkService m_network{2};

    QStringList ferryctlArgs(Variant v) const
    {
        const RegistryInstance &inst = m_farm->instance(v);
        if (inst.tls)
            return {QStringLiteral("--ca-file"), inst.caFile};
        if (!inst.caFile.isEmpty()) // plain HTTP with a token service on HTTPS
            return {QStringLiteral("--insecure"), QStringLiteral("--ca-file"), inst.caFile};
        return {QStringLiteral("--insecure")};
    }
    QProcessEnvironment env() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("DOCKER_CONFIG"), m_dockerConfig);
        return e;
    }
    RegistryConfig configFor(Variant v, bool withCredentials = true) const
    {
        const RegistryInstance &inst = m_farm->instance(v);
        RegistryConfig c = RegistryConfig::forHost(inst.hostPort, !inst.tls);
        c.caFile = inst.caFile;
        if (withCredentials) {
            c.credentials.username = inst.username;
            c.credentials.password = inst.password;
            c.credentials.source = QStringLiteral("test");
        }
        return c;
    }
    QJsonObject seededTag(const QString &repo, const QString &tag) const
    {
        for (const QJsonValue &v : m_farm->seeded()) {
            const QJsonObject o = v.toObject();
            if (o.value(QStringLiteral("repository")).toString() == repo && o.value(QStringLiteral("tag")).toString() == tag)
                return o;
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        FERRY_REQUIRE_REGISTRY_TOOLS();
        QVERIFY2(QFile::exists(ferryctlPath()), "FERRYCTL does not point at the built ferryctl");
        m_farm = std::make_unique<RegistryFarm>();
        QString error;
        QVERIFY2(m_farm->start(kVariants, &error), qPrintable(error));
        QVERIFY2(m_farm->seed(&error), qPrintable(error));
        m_dockerConfig = m_farm->writeDockerConfig();
    }

    void cleanupTestCase() { m_farm.reset(); }

    void inspectMatchesSkopeo_data()
    {
        QTest::addColumn<Variant>("variant");
        QTest::addColumn<QString>("repository");
        QTest::addColumn<QString>("reference");
        QTest::addColumn<QString>("expectedDigest");
        QTest::addColumn<QString>("kind");
        for (Variant v : kVariants) {
            for (const QJsonValue &val : m_farm->seeded()) {
                const QJsonObject o = val.toObject();
                const QString repo = o.value(QStringLiteral("repository")).toString();
                const QString digest = o.value(QStringLiteral("digest")).toString();
                const QString kind = o.value(QStringLiteral("kind")).toString();
                const QString tag = o.value(QStringLiteral("tag")).toString();
                // Tagged content by tag; untagged children and referrers by digest.
                const QString ref = tag.isEmpty() ? digest : tag;
                QTest::addRow("%s %s:%s", qPrintable(variantName(v)), qPrintable(repo), qPrintable(ref.left(24)))
                    << v << repo << ref << digest << kind;
            }
        }
    }

    void inspectMatchesSkopeo()
    {
        QFETCH(Variant, variant);
        QFETCH(QString, repository);
        QFETCH(QString, reference);
        QFETCH(QString, expectedDigest);
        QFETCH(QString, kind);
        const QString host = m_farm->instance(variant).hostPort;
        const QString sep = reference.startsWith(QStringLiteral("sha256:")) ? QStringLiteral("@") : QStringLiteral(":");
        const QString ref = host + u'/' + repository + sep + reference;

        const Run ferry =
            run(ferryctlPath(), QStringList{QStringLiteral("inspect"), QStringLiteral("--json"), ref} + ferryctlArgs(variant), env());
        QVERIFY2(ferry.exitCode == 0, ferry.err.constData());
        const QJsonObject out = QJsonDocument::fromJson(ferry.out).object();

        const Run skopeo = run(QStringLiteral("skopeo"),
                               QStringList{QStringLiteral("inspect"), QStringLiteral("--raw")} + m_farm->skopeoArgs(variant) +
                                   QStringList{QStringLiteral("docker://") + ref});
        QVERIFY2(skopeo.exitCode == 0, skopeo.err.constData());
        const QString skopeoDigest =
            QStringLiteral("sha256:") + QString::fromLatin1(QCryptographicHash::hash(skopeo.out, QCryptographicHash::Sha256).toHex());

        QCOMPARE(out.value(QStringLiteral("digest")).toString(), skopeoDigest);
        QCOMPARE(out.value(QStringLiteral("digest")).toString(), expectedDigest);
        QCOMPARE(out.value(QStringLiteral("size")).toInteger(), qint64(skopeo.out.size()));
        const QString mediaType = out.value(QStringLiteral("mediaType")).toString();
        QVERIFY(!mediaType.isEmpty());
        QVERIFY(out.contains(QStringLiteral("platforms")));
        QVERIFY(out.contains(QStringLiteral("subject")));
        if (kind == u"oci-index" || kind == u"docker-list") {
            QCOMPARE(out.value(QStringLiteral("platforms")).toArray().size(), 2);
            for (const QJsonValue &p : out.value(QStringLiteral("platforms")).toArray())
                QVERIFY(digest::isValid(p.toObject().value(QStringLiteral("digest")).toString()));
        }
        if (kind == u"oci-index")
            QCOMPARE(out.value(QStringLiteral("manifests")).toArray().size(), 4); // 2 platforms + 2 attestations
        if (kind == u"sbom")
            QCOMPARE(out.value(QStringLiteral("subject")).toObject().value(QStringLiteral("digest")).toString(),
                     seededTag(QStringLiteral("team/app"), QStringLiteral("1.1.0")).value(QStringLiteral("digest")).toString());
        else
            QVERIFY(out.value(QStringLiteral("subject")).isNull());
        if (kind == u"helm-chart")
            QCOMPARE(out.value(QStringLiteral("artifact")).toString(), QStringLiteral("helm-chart"));
        if (kind == u"cosign-signature")
            QCOMPARE(out.value(QStringLiteral("artifact")).toString(), QStringLiteral("cosign-signature"));
    }

    void tagsMatchSkopeo_data()
    {
        QTest::addColumn<Variant>("variant");
        QTest::addColumn<QString>("repository");
        for (Variant v : kVariants)
            for (const char *repo : {"team/app", "team/legacy", "charts/app-operator"})
                QTest::addRow("%s %s", qPrintable(variantName(v)), repo) << v << QString::fromLatin1(repo);
    }

    void tagsMatchSkopeo()
    {
        QFETCH(Variant, variant);
        QFETCH(QString, repository);
        const QString repo = m_farm->instance(variant).hostPort + u'/' + repository;
        const Run ferry =
            run(ferryctlPath(), QStringList{QStringLiteral("tags"), QStringLiteral("--json"), repo} + ferryctlArgs(variant), env());
        QVERIFY2(ferry.exitCode == 0, ferry.err.constData());
        const QJsonObject out = QJsonDocument::fromJson(ferry.out).object();
        QVERIFY(out.value(QStringLiteral("complete")).toBool());

        const Run skopeo =
            run(QStringLiteral("skopeo"),
                QStringList{QStringLiteral("list-tags")} + m_farm->skopeoArgs(variant) + QStringList{QStringLiteral("docker://") + repo});
        QVERIFY2(skopeo.exitCode == 0, skopeo.err.constData());
        QStringList expected;
        for (const QJsonValue &t : QJsonDocument::fromJson(skopeo.out).object().value(QStringLiteral("Tags")).toArray())
            expected << t.toString();
        expected.sort();
        QStringList got;
        for (const QJsonValue &t : out.value(QStringLiteral("tags")).toArray())
            got << t.toString();
        QCOMPARE(got, expected);
        // And what was seeded is all there.
        for (const QJsonValue &v : m_farm->seeded()) {
            const QJsonObject o = v.toObject();
            if (o.value(QStringLiteral("repository")).toString() == repository && !o.value(QStringLiteral("tag")).toString().isEmpty())
                QVERIFY(got.contains(o.value(QStringLiteral("tag")).toString()));
        }
    }

    void exitCodes()
    {
        const QString plain = m_farm->instance(Variant::Plain).hostPort;
        const QString basic = m_farm->instance(Variant::Htpasswd).hostPort;
        Run r = run(ferryctlPath(),
                    {QStringLiteral("inspect"), plain + QStringLiteral("/team/app:no-such-tag"), QStringLiteral("--insecure")}, env());
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("not found"));
        // TLS spoken to a plain-HTTP registry: the error says what the registry is and what to do,
        // with the URL once.
        r = run(ferryctlPath(), {QStringLiteral("inspect"), plain + QStringLiteral("/team/app:1.1.0")}, env());
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("answers in plain HTTP") && r.err.contains("--insecure"), r.err.constData());
        QCOMPARE(r.err.count("/v2/"), 1);

        QProcessEnvironment e = env();
        e.insert(QStringLiteral("WRONG_PW"), QStringLiteral("nope"));
        r = run(ferryctlPath(),
                {QStringLiteral("inspect"), basic + QStringLiteral("/team/app:1.1.0"), QStringLiteral("--insecure"),
                 QStringLiteral("--username"), QStringLiteral("ferry"), QStringLiteral("--password-env"), QStringLiteral("WRONG_PW")},
                e);
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(!r.err.contains("nope"), "the password appeared in an error");

        r = run(ferryctlPath(),
                {QStringLiteral("tags"), basic + QStringLiteral("/team/app"), QStringLiteral("--insecure"), QStringLiteral("--anonymous")},
                env());
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains("requires"));
        // --anonymous with --username is a contradiction, refused before anything is sent.
        r = run(ferryctlPath(),
                {QStringLiteral("tags"), basic + QStringLiteral("/team/app"), QStringLiteral("--insecure"), QStringLiteral("--anonymous"),
                 QStringLiteral("--username"), QStringLiteral("ferry"), QStringLiteral("--password-stdin")},
                env(), QByteArray(RegistryFarm::kPassword) + '\n');
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("give one of them"), r.err.constData());

        // The right password from stdin works.
        r = run(ferryctlPath(),
                {QStringLiteral("tags"), basic + QStringLiteral("/team/app"), QStringLiteral("--insecure"), QStringLiteral("--username"),
                 QStringLiteral("ferry"), QStringLiteral("--password-stdin")},
                env(), QByteArray(RegistryFarm::kPassword) + '\n');
        QCOMPARE(r.exitCode, 0);

        const quint16 closed = freeLoopbackPort();
        r = run(ferryctlPath(),
                {QStringLiteral("inspect"), QStringLiteral("127.0.0.1:%1/team/app:1").arg(closed), QStringLiteral("--insecure"),
                 QStringLiteral("--timeout"), QStringLiteral("3")},
                env());
        QVERIFY2(r.exitCode == 4, qPrintable(QString::number(r.exitCode) + u' ' + QString::fromUtf8(r.err.right(3000))));

        r = run(ferryctlPath(), {QStringLiteral("inspect"), QStringLiteral("NOT A REF")}, env());
        QCOMPARE(r.exitCode, 2);
        r = run(ferryctlPath(), {QStringLiteral("frobnicate")}, env());
        QCOMPARE(r.exitCode, 2);

        // Wrong credentials against the world's shapes: exit 3, a clear message, no retries.
        for (Variant v : {Variant::TlsBasic, Variant::TlsBasicHttp1, Variant::TlsToken}) {
            const QString host = m_farm->instance(v).hostPort;
            r = run(ferryctlPath(),
                    {QStringLiteral("inspect"), host + QStringLiteral("/team/app:1.1.0"), QStringLiteral("--ca-file"),
                     m_farm->instance(v).caFile, QStringLiteral("--username"), QStringLiteral("ferry"), QStringLiteral("--password-env"),
                     QStringLiteral("WRONG_PW")},
                    e);
            QVERIFY2(r.exitCode == 3, qPrintable(variantName(v) + u' ' + QString::number(r.exitCode) + u' ' + QString::fromUtf8(r.err)));
            QVERIFY2(r.err.contains("rejected the credentials") || r.err.contains("refused the credentials"), r.err.constData());
            QVERIFY2(!r.err.contains("nope"), "the password appeared in an error");
            r = run(ferryctlPath(),
                    {QStringLiteral("tags"), host + QStringLiteral("/team/app"), QStringLiteral("--ca-file"), m_farm->instance(v).caFile,
                     QStringLiteral("--anonymous")},
                    env());
            if (v == Variant::TlsToken) {
                QVERIFY2(r.exitCode == 0, r.err.constData()); // anonymous pull, as on Docker Hub
            } else {
                QVERIFY2(r.exitCode == 3, r.err.constData());
                QVERIFY(r.err.contains("requires"));
            }
            RegistryConfig wrong = configFor(v);
            wrong.credentials.password = QStringLiteral("nope");
            RegistryClient client(m_network, wrong);
            const auto head = await(client.headManifest(QStringLiteral("team/app"), QStringLiteral("1.1.0")));
            QCOMPARE(head.error.kind, RegistryError::Kind::Unauthorized);
            // One challenge and one answer with the credentials (a token fetch for token
            // auth): a 401 that means "wrong credentials" is not retried.
            QVERIFY2(client.stats().requests <= 3, qPrintable(QString::number(client.stats().requests)));
        }

        // TLS without trusting the CA fails as a TLS error, not as "not found".
        r = run(ferryctlPath(), {QStringLiteral("inspect"), m_farm->instance(Variant::Tls).hostPort + QStringLiteral("/team/app:1.1.0")},
                env());
        QVERIFY2(r.exitCode == 4, qPrintable(QString::number(r.exitCode) + u' ' + QString::fromUtf8(r.err.right(3000))));
        QVERIFY(r.err.contains("TLS") || r.err.contains("SSL") || r.err.contains("certificate"));
    }

    // HTTP/2 where the registry offers it, HTTP/1.1 where it does not or the plan says
    // `http2: false`: the same answers either way.
    void protocolFollowsTheRegistryAndThePlan()
    {
        const QString tag = QStringLiteral("1.1.0");
        const QString digest = seededTag(QStringLiteral("team/app"), tag).value(QStringLiteral("digest")).toString();
        struct Case
        {
            Variant v;
            bool http2;
            bool expectHttp2;
        };
        for (const Case &c : {Case{Variant::TlsBasic, true, true}, Case{Variant::TlsToken, true, true},
                              Case{Variant::TlsBasic, false, false}, Case{Variant::TlsBasicHttp1, true, false}}) {
            RegistryConfig cfg = configFor(c.v);
            cfg.http2 = c.http2;
            RegistryClient client(m_network, cfg);
            const auto r = await(client.headManifest(QStringLiteral("team/app"), tag));
            QVERIFY2(r.ok(), qPrintable(variantName(c.v) + u' ' + r.error.toString()));
            QCOMPARE(r.value.digest, digest);
            const SessionStats st = client.stats();
            QVERIFY2(st.answered >= 2, qPrintable(variantName(c.v))); // the 401 and the answer
            QCOMPARE(st.answeredOverHttp2 == st.answered, c.expectHttp2);
            QCOMPARE(st.answeredOverHttp2 == 0, !c.expectHttp2);
        }
    }

    void referrersUseTheTagSchemaOnDistribution()
    {
        RegistryClient client(m_network, configFor(Variant::Token));
        const QString subject = seededTag(QStringLiteral("team/app"), QStringLiteral("1.1.0")).value(QStringLiteral("digest")).toString();
        const auto r = await(client.referrers(QStringLiteral("team/app"), subject));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QVERIFY(r.value.viaTagSchema); // Distribution 2.8 has no referrers API
        QCOMPARE(r.value.referrers.size(), 1);
        QCOMPARE(r.value.referrers[0].artifactType, QStringLiteral("application/spdx+json"));
    }

    void catalogListsEveryRepository()
    {
        RegistryClient client(m_network, configFor(Variant::Htpasswd));
        const auto r = await(client.catalog());
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QVERIFY(r.value.complete);
        QCOMPARE(r.value.names,
                 (QStringList{QStringLiteral("charts/app-operator"), QStringLiteral("team/app"), QStringLiteral("team/legacy")}));
    }

    // Last: deletes change the shared storage.
    void deletesAreMappedToOutcomes()
    {
        const QJsonObject sig = [&] {
            for (const QJsonValue &v : m_farm->seeded())
                if (v.toObject().value(QStringLiteral("kind")).toString() == u"cosign-signature")
                    return v.toObject();
            return QJsonObject();
        }();
        const QString digest = sig.value(QStringLiteral("digest")).toString();
        const QString tag = sig.value(QStringLiteral("tag")).toString();
        QVERIFY(digest::isValid(digest));

        // A pull-through cache refuses deletes.
        RegistryClient cache(m_network, configFor(Variant::Cache));
        QCOMPARE(await(cache.deleteManifest(QStringLiteral("team/app"), digest)).outcome, DeleteOutcome::Refused);

        // Anonymous callers get a pull-only token: not permitted.
        RegistryClient anonymous(m_network, configFor(Variant::Token, false));
        QCOMPARE(await(anonymous.deleteManifest(QStringLiteral("team/app"), digest)).outcome, DeleteOutcome::NotPermitted);

        // With credentials the token carries `delete`.
        RegistryClient token(m_network, configFor(Variant::Token));
        const DeleteResult d = await(token.deleteManifest(QStringLiteral("team/app"), digest));
        QCOMPARE(d.outcome, DeleteOutcome::Deleted);
        const auto gone = await(token.headManifest(QStringLiteral("team/app"), tag));
        QCOMPARE(gone.error.kind, RegistryError::Kind::NotFound);
        QCOMPARE(await(token.deleteManifest(QStringLiteral("team/app"), digest)).outcome, DeleteOutcome::AlreadyAbsent);
        // The other content is untouched.
        QVERIFY(await(token.headManifest(QStringLiteral("team/app"), QStringLiteral("2.0.0"))).ok());
    }
};

FERRY_TEST_MAIN(TestRegistries)
#include "tst_registries.moc"
