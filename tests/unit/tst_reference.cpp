// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "parse/digest.h"
#include "parse/linkheader.h"
#include "parse/reference.h"
#include "testmain.h"

using namespace ferry;

class TestReference : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("registry");
        QTest::addColumn<QString>("repository");
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QString>("digest");
        const QString d = QStringLiteral("sha256:") + QString(64, u'a');
        QTest::newRow("host-port-tag") << "127.0.0.1:5001/team/app:1.2.3"
                                       << "127.0.0.1:5001"
                                       << "team/app"
                                       << "1.2.3"
                                       << "";
        QTest::newRow("digest") << QString(QStringLiteral("127.0.0.1:5001/team/app@") + d) << "127.0.0.1:5001"
                                << "team/app"
                                << "" << d;
        QTest::newRow("tag-and-digest") << QString(QStringLiteral("gsoci.azurecr.io/giantswarm/app:v1@") + d) << "gsoci.azurecr.io"
                                        << "giantswarm/app"
                                        << "v1" << d;
        QTest::newRow("hub-official") << "nginx"
                                      << "registry-1.docker.io"
                                      << "library/nginx"
                                      << "latest"
                                      << "";
        QTest::newRow("hub-org") << "docker.io/giantswarm/app-operator:6.0.0"
                                 << "registry-1.docker.io"
                                 << "giantswarm/app-operator"
                                 << "6.0.0"
                                 << "";
        QTest::newRow("hub-index") << "index.docker.io/library/alpine:3"
                                   << "registry-1.docker.io"
                                   << "library/alpine"
                                   << "3"
                                   << "";
        QTest::newRow("localhost") << "localhost/app"
                                   << "localhost"
                                   << "app"
                                   << "latest"
                                   << "";
        QTest::newRow("docker-scheme") << "docker://quay.io/giantswarm/x:1"
                                       << "quay.io"
                                       << "giantswarm/x"
                                       << "1"
                                       << "";
    }
    void parse()
    {
        QFETCH(QString, text);
        QString err;
        const ImageReference r = ImageReference::parse(text, &err);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        QTEST(r.registry, "registry");
        QTEST(r.repository, "repository");
        QTEST(r.tag, "tag");
        QTEST(r.digest, "digest");
    }
    void rejects_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("upper-repo") << "127.0.0.1:5001/Team/App:1";
        QTest::newRow("bad-digest") << "127.0.0.1:5001/team/app@sha256:baddigeststring";
        QTest::newRow("bad-tag") << "127.0.0.1:5001/team/app:-x";
        QTest::newRow("empty") << "";
        QTest::newRow("long-tag") << QString(QStringLiteral("127.0.0.1:5001/team/app:") + QString(129, u'a'));
    }
    void rejects()
    {
        QFETCH(QString, text);
        QString err;
        ImageReference::parse(text, &err);
        QVERIFY(!err.isEmpty());
    }
    void repositoryOnly()
    {
        QString err;
        const auto r = ImageReference::parse(QStringLiteral("127.0.0.1:5001/team/app"), &err, true);
        QVERIFY(err.isEmpty());
        QVERIFY(r.tag.isEmpty());
        ImageReference::parse(QStringLiteral("127.0.0.1:5001/team/app:1"), &err, true);
        QVERIFY(!err.isEmpty());
    }
    void digests()
    {
        QVERIFY(digest::isValid(QString(QStringLiteral("sha256:") + QString(64, u'0'))));
        QVERIFY(!digest::isValid(QString(QStringLiteral("sha256:") + QString(64, u'A'))));
        QVERIFY(!digest::isValid(QString(QStringLiteral("sha256:") + QString(63, u'0'))));
        QVERIFY(digest::isValid(QString(QStringLiteral("sha512:") + QString(128, u'f'))));
        QVERIFY(!digest::isValid(QString(QStringLiteral("md5:") + QString(32, u'0'))));
        QCOMPARE(digest::compute(QByteArray()), QStringLiteral("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QVERIFY(digest::matches("abc",
                                u"sha512:"
                                u"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d44236"
                                u"43ce80e2a9ac94fa54ca49f"));
        QCOMPARE(digest::toTagSchema(u"sha256:abcd"), QStringLiteral("sha256-abcd"));
    }
    void links_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<bool>("malformed");
        QTest::newRow("relative-quoted") << QByteArray(R"(</v2/team/app/tags/list?last=b&n=2>; rel="next")")
                                         << "http://r:5000/v2/team/app/tags/list?last=b&n=2" << false;
        QTest::newRow("bare-rel") << QByteArray("</v2/_catalog?last=x>; rel=next") << "http://r:5000/v2/_catalog?last=x" << false;
        QTest::newRow("absolute") << QByteArray(R"(<http://r:5000/page2>; rel="next")") << "http://r:5000/page2" << false;
        QTest::newRow("several") << QByteArray(R"(</p1>; rel="prev", </p3>; rel="next")") << "http://r:5000/p3" << false;
        QTest::newRow("rel-list") << QByteArray(R"(</p3>; title="a, b"; rel="last next")") << "http://r:5000/p3" << false;
        QTest::newRow("no-brackets") << QByteArray("/p2; rel=next") << "http://r:5000/p2" << false;
        QTest::newRow("empty") << QByteArray() << "" << false;
        QTest::newRow("prev-only") << QByteArray(R"(</p1>; rel="prev")") << "" << false;
        QTest::newRow("garbage") << QByteArray("garbage") << "" << true;
    }
    void links()
    {
        QFETCH(QByteArray, header);
        QFETCH(QString, expected);
        QFETCH(bool, malformed);
        bool bad = false;
        const QUrl next = nextLink(header, QUrl(QStringLiteral("http://r:5000/v2/team/app/tags/list?n=2")), &bad);
        QCOMPARE(next.toString(), expected);
        QCOMPARE(bad, malformed);
    }
};

FERRY_TEST_MAIN(TestReference)
#include "tst_reference.moc"
