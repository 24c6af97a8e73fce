// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferryctl charts against a real chart repository in both forms: an HTTP server the test
// starts serves index.yaml and the .tgz files (over TLS with Basic auth, and HTTP/2 through a
// front, in the TLS shapes), and the farm's registry holds the same charts pushed as helm push
// pushes them. Every state of the chart matrix, the App Catalog, Flux releases, and retiring
// the HTTP repository as an approved batch through ChartMuseum's DELETE API.

#include "registryfarm.h"
#include "testmain.h"
#include "testutil.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace ferry;
using namespace ferry::test;

namespace {

const QString kScript = QStringLiteral(FERRY_TEST_SUPPORT_DIR "/chart_repo.py");

QJsonObject json(const Run &r)
{
    return QJsonDocument::fromJson(r.out).object();
}

} // namespace

class TestCharts : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<RegistryFarm> m_farm;
    QTemporaryDir m_dir;
    QString m_plan;
    QString m_base; // the chart server's URL, as Ferry reaches it
    ManagedProcess m_server;
    ManagedProcess m_front;
    QMap<QString, QJsonObject> m_made; // chart version -> what chart_repo.py made

    QString path(const QString &name) const { return m_dir.filePath(name); }
    Run ferryctl(QStringList args)
    {
        args << QStringLiteral("--plan") << m_plan;
        return run(ferryctlPath(), args);
    }

    // Builds charts from a spec; with http, into the served directory.
    void build(const QByteArray &spec, const QString &dir, const QString &registry = QStringLiteral("gsoci"))
    {
        QVERIFY(writeFile(path(QStringLiteral("spec.json")), spec));
        const Run r = run(QStringLiteral("/usr/bin/python3"),
                          {kScript, QStringLiteral("build"), QStringLiteral("--dir"), dir, QStringLiteral("--spec"), path(QStringLiteral("spec.json")),
                           QStringLiteral("--door"), m_farm->doorHostPort(registry), QStringLiteral("--prefix"),
                           QStringLiteral("charts/giantswarm")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        if (registry != u"gsoci")
            return;
        for (const QJsonValue &v : QJsonDocument::fromJson(r.out).array()) {
            const QJsonObject o = v.toObject();
            m_made.insert(o.value(QStringLiteral("chart")).toString() + u' ' + o.value(QStringLiteral("version")).toString(), o);
        }
    }

    QMap<QString, QJsonObject> versions()
    {
        const Run r = ferryctl({QStringLiteral("charts"), QStringLiteral("status"), QStringLiteral("--format"), QStringLiteral("json")});
        if (r.exitCode != 0)
            qWarning("%s", r.err.constData());
        QMap<QString, QJsonObject> out;
        const QJsonArray repos = json(r).value(QStringLiteral("repositories")).toArray();
        for (const QJsonValue &v : repos.first().toObject().value(QStringLiteral("versions")).toArray())
            out.insert(v[QStringLiteral("chart")].toString() + u' ' + v[QStringLiteral("version")].toString(), v.toObject());
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        FERRY_REQUIRE_REGISTRY_TOOLS();
        m_farm = std::make_unique<RegistryFarm>();
        QString error;
        QVERIFY2(m_farm->startNamed(QStringLiteral("gsoci"), &error), qPrintable(error));
        QVERIFY2(m_farm->startNamed(QStringLiteral("china"), &error), qPrintable(error));
        m_farm->exportCredentials();
        const QString served = path(QStringLiteral("served"));
        build(R"([{"chart":"hello-world","version":"1.0.0","url":"relative"},
                  {"chart":"hello-world","version":"1.1.0","oci":false,"url":"absolute"},
                  {"chart":"hello-world","version":"1.2.0","http":false},
                  {"chart":"hello-world","version":"1.3.0","oci":"different"},
                  {"chart":"old-app","version":"0.9.0","deprecated":true},
                  {"chart":"kyverno","version":"2.0.0+gs.1","url":"absolute"},
                  {"chart":"oci-only","version":"0.1.0","http":false}])",
              served);
        // The replica has some of them: one as the target has it, one rebuilt, the rest not yet.
        build(R"([{"chart":"hello-world","version":"1.0.0","http":false},
                  {"chart":"kyverno","version":"2.0.0+gs.1","http":false,"oci":"different"}])",
              path(QStringLiteral("china")), QStringLiteral("china"));

        // The HTTP side in the suite's shape: plain; TLS with Basic auth over HTTP/1.1; or the
        // same behind an HTTP/2 front.
        const RegistryInstance &gsoci = m_farm->named(QStringLiteral("gsoci"));
        QStringList args{kScript, QStringLiteral("serve"), QStringLiteral("--dir"), served};
        const quint16 port = freeLoopbackPort();
        args << QStringLiteral("--port") << QString::number(port);
        QString credentials = QStringLiteral("anonymous");
        if (gsoci.tls) {
            args << QStringLiteral("--user") << QStringLiteral("charts") << QStringLiteral("--password") << QStringLiteral("chart-s3cret");
            qputenv("CHARTS_USER", "charts");
            qputenv("CHARTS_PASSWORD", "chart-s3cret");
            credentials = QStringLiteral("{ username-env: CHARTS_USER, password-env: CHARTS_PASSWORD }");
        }
        const QString cert = QDir(m_farm->dir()).filePath(QStringLiteral("server.crt"));
        const QString key = QDir(m_farm->dir()).filePath(QStringLiteral("server.key"));
        quint16 publicPort = port;
        if (gsoci.tls && gsoci.http2) {
            publicPort = freeLoopbackPort();
            args << QStringLiteral("--public-port") << QString::number(publicPort);
            // index.yaml's absolute urls name the front; the server itself stays plain behind it.
        } else if (gsoci.tls) {
            args << QStringLiteral("--cert") << cert << QStringLiteral("--key") << key;
        }
        QVERIFY2(m_server.start(QStringLiteral("/usr/bin/python3"), args, port, &error), qPrintable(error));
        if (publicPort != port)
            QVERIFY2(m_front.start(QStringLiteral("/usr/bin/python3"),
                                   {QStringLiteral(FERRY_TEST_SUPPORT_DIR "/h2front.py"), QStringLiteral("--port"), QString::number(publicPort),
                                    QStringLiteral("--upstream-port"), QString::number(port), QStringLiteral("--cert"), cert,
                                    QStringLiteral("--key"), key},
                                   publicPort, &error),
                     qPrintable(error));
        m_base = QStringLiteral("%1://127.0.0.1:%2").arg(gsoci.tls ? QStringLiteral("https") : QStringLiteral("http")).arg(publicPort);

        m_plan = path(QStringLiteral("charts.yaml"));
        QVERIFY(writeFile(m_plan, QStringLiteral("version: 1\nname: charts\nregistries:\n"
                                                 "  gsoci: { %1, role: target }\n"
                                                 "  china: { %5, role: replica, of: gsoci }\n"
                                                 "charts:\n"
                                                 "  - name: catalog\n"
                                                 "    index: %2/\n"
                                                 "    credentials: %3\n"
                                                 "    ca-file: %4\n"
                                                 "    oci: gsoci/charts/giantswarm\n"
                                                 "    catalog: 3\n"
                                                 "    delete-api: %2/api/charts\n"
                                                 "cleanup:\n"
                                                 "  policies:\n"
                                                 "    - { name: retire-catalog, kind: http-chart-repository, registry: catalog }\n")
                                      .arg(m_farm->planFields(QStringLiteral("gsoci")), m_base, credentials, gsoci.caFile.isEmpty() ? cert : gsoci.caFile,
                                           m_farm->planFields(QStringLiteral("china")))
                                      .toUtf8()));
        const Run r = ferryctl({QStringLiteral("charts"), QStringLiteral("scan")});
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
    }

    void everyStateFromBothSides()
    {
        const QMap<QString, QJsonObject> v = versions();
        auto state = [&](const char *key) { return v.value(QLatin1String(key)).value(QStringLiteral("state")).toString(); };
        QCOMPARE(state("hello-world 1.0.0"), QStringLiteral("same"));
        QCOMPARE(state("hello-world 1.1.0"), QStringLiteral("missing-in-oci"));
        QCOMPARE(state("hello-world 1.2.0"), QStringLiteral("only-in-oci"));
        QCOMPARE(state("hello-world 1.3.0"), QStringLiteral("different-content"));
        QCOMPARE(state("old-app 0.9.0"), QStringLiteral("deprecated"));
        QCOMPARE(state("kyverno 2.0.0+gs.1"), QStringLiteral("same")); // tag 2.0.0_gs.1, version from the chart's config
        QCOMPARE(state("oci-only 0.1.0"), QStringLiteral("only-in-oci")); // a chart the index does not have: from the catalog
        QCOMPARE(v.size(), 7);
        // The digests are the ones chart_repo.py computed over the bytes it wrote and pushed.
        const QJsonObject same = v.value(QStringLiteral("hello-world 1.0.0"));
        QCOMPARE(same.value(QStringLiteral("httpDigest")).toString(), m_made.value(QStringLiteral("hello-world 1.0.0")).value(QStringLiteral("httpDigest")).toString());
        QCOMPARE(same.value(QStringLiteral("ociDigest")).toString(), same.value(QStringLiteral("httpDigest")).toString());
        QCOMPARE(same.value(QStringLiteral("manifestDigest")).toString(), m_made.value(QStringLiteral("hello-world 1.0.0")).value(QStringLiteral("manifest")).toString());
        const QJsonObject differ = v.value(QStringLiteral("hello-world 1.3.0"));
        QCOMPARE(differ.value(QStringLiteral("ociDigest")).toString(), m_made.value(QStringLiteral("hello-world 1.3.0")).value(QStringLiteral("ociDigest")).toString());
        QVERIFY(differ.value(QStringLiteral("ociDigest")) != differ.value(QStringLiteral("httpDigest")));
        // urls: relative ones resolved against the index, absolute ones as written.
        QCOMPARE(same.value(QStringLiteral("url")).toString(), m_base + QStringLiteral("/charts/hello-world-1.0.0.tgz"));
        QCOMPARE(v.value(QStringLiteral("hello-world 1.1.0")).value(QStringLiteral("url")).toString(), m_base + QStringLiteral("/charts/hello-world-1.1.0.tgz"));
        QCOMPARE(v.value(QStringLiteral("old-app 0.9.0")).value(QStringLiteral("deprecated")).toBool(), true);
        QCOMPARE(v.value(QStringLiteral("hello-world 1.2.0")).value(QStringLiteral("appVersion")).toString(), QStringLiteral("1.2.0")); // from the config blob
        // The target's replica: does it hold the target's chart manifest under the version's tag?
        auto replica = [&](const char *key) { return v.value(QLatin1String(key)).value(QStringLiteral("replicas")).toObject().value(QStringLiteral("china")).toString(); };
        QCOMPARE(replica("hello-world 1.0.0"), QStringLiteral("same"));
        QCOMPARE(replica("kyverno 2.0.0+gs.1"), QStringLiteral("different"));
        QCOMPARE(replica("old-app 0.9.0"), QStringLiteral("missing"));
        QCOMPARE(replica("hello-world 1.1.0"), QString()); // nothing in the target to follow

        // --fail-on for CI, and the CSV columns.
        Run r = ferryctl({QStringLiteral("charts"), QStringLiteral("status"), QStringLiteral("--fail-on"), QStringLiteral("different-content")});
        QCOMPARE(r.exitCode, 5);
        r = ferryctl({QStringLiteral("charts"), QStringLiteral("status"), QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--state"),
                      QStringLiteral("missing-in-oci")});
        QCOMPARE(r.exitCode, 0);
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[0].startsWith("repository,chart,version,state,http_digest,oci_digest,"));
        QVERIFY2(lines[1].startsWith("catalog,hello-world,1.1.0,missing-in-oci,sha256:"), lines[1].constData());
        QVERIFY(lines[0].endsWith(",reason,replicas"));
    }

    // Stage 3 in reports: of the index's five versions (hello 1.0.0, 1.1.0, 1.3.0, old-app,
    // kyverno), three are in OCI with the same content.
    void stageThreeInTheReport()
    {
        Run r = ferryctl({QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonObject stage;
        for (const QJsonValue &v : json(r).value(QStringLiteral("stages")).toArray())
            if (v[QStringLiteral("view")] == QStringLiteral("charts"))
                stage = v.toObject();
        QCOMPARE(stage.value(QStringLiteral("stage")).toString(), QStringLiteral("Stage 3: charts of catalog in OCI"));
        QCOMPARE(stage.value(QStringLiteral("done")).toInt(), 3);
        QCOMPARE(stage.value(QStringLiteral("total")).toInt(), 5);
        r = ferryctl({QStringLiteral("report"), QStringLiteral("--format"), QStringLiteral("md")});
        QVERIFY2(r.out.contains("| Stage 3: charts of catalog in OCI | versions of the HTTP index in OCI with the same content | 3 | 5 | 60.0 % |"),
                 r.out.constData());
    }

    void theAppCatalogFromOci()
    {
        const Run r = ferryctl({QStringLiteral("charts"), QStringLiteral("catalog"), QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray charts = json(r).value(QStringLiteral("repositories")).toArray().first()[QStringLiteral("charts")].toArray();
        QJsonObject hello;
        for (const QJsonValue &c : charts)
            if (c[QStringLiteral("chart")] == QStringLiteral("hello-world"))
                hello = c.toObject();
        auto strings = [&](const char *key) { return hello.value(QLatin1String(key)).toVariant().toStringList(); };
        QCOMPARE(strings("oci"), (QStringList{QStringLiteral("1.3.0"), QStringLiteral("1.2.0"), QStringLiteral("1.0.0")}));
        QCOMPARE(strings("http"), (QStringList{QStringLiteral("1.3.0"), QStringLiteral("1.1.0"), QStringLiteral("1.0.0")}));
        QCOMPARE(strings("lostOnSwitch"), QStringList{QStringLiteral("1.1.0")});
    }

    void fluxReleasesThatStillResolveOverHttp()
    {
        QVERIFY(writeFile(path(QStringLiteral("flux/catalog.yaml")),
                          QStringLiteral("apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\n"
                                         "metadata: { name: catalog, namespace: flux-system }\nspec: { url: \"%1/\" }\n---\n"
                                         "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\n"
                                         "metadata: { name: gsoci, namespace: flux-system }\n"
                                         "spec: { type: oci, url: \"oci://gsoci.azurecr.io/charts/giantswarm\" }\n---\n"
                                         "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: hello, namespace: flux-system }\n"
                                         "spec:\n  chart:\n    spec:\n      chart: hello-world\n      version: 1.1.0\n"
                                         "      sourceRef: { kind: HelmRepository, name: catalog }\n---\n"
                                         "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: kyverno, namespace: flux-system }\n"
                                         "spec:\n  chart:\n    spec:\n      chart: kyverno\n      version: \">=2.0.0\"\n"
                                         "      sourceRef: { kind: HelmRepository, name: gsoci }\n")
                              .arg(m_base)
                              .toUtf8()));
        Run r = ferryctl({QStringLiteral("charts"), QStringLiteral("releases"), path(QStringLiteral("flux")), QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QMap<QString, QJsonObject> byName;
        for (const QJsonValue &v : json(r).value(QStringLiteral("releases")).toArray())
            byName.insert(v[QStringLiteral("release")].toString(), v.toObject());
        QCOMPARE(byName.size(), 2);
        const QJsonObject hello = byName.value(QStringLiteral("flux-system/hello"));
        QCOMPARE(hello.value(QStringLiteral("via")).toString(), QStringLiteral("http"));
        QCOMPARE(hello.value(QStringLiteral("repository")).toString(), QStringLiteral("catalog"));
        QCOMPARE(hello.value(QStringLiteral("state")).toString(), QStringLiteral("missing-in-oci"));
        QCOMPARE(byName.value(QStringLiteral("flux-system/kyverno")).value(QStringLiteral("via")).toString(), QStringLiteral("oci"));
        r = ferryctl({QStringLiteral("charts"), QStringLiteral("releases"), path(QStringLiteral("flux")), QStringLiteral("--fail-on-http")});
        QCOMPARE(r.exitCode, 5);
    }

    // Retirement: refused while a version is not in OCI with the same content; after the copy,
    // planned, approved, dry-run, and executed through ChartMuseum's DELETE. A version whose OCI
    // content changes after the approval is kept.
    void retireOnlyWhatOciHolds()
    {
        Run r = ferryctl({QStringLiteral("charts"), QStringLiteral("retire"), QStringLiteral("plan"), QStringLiteral("catalog")});
        QCOMPARE(r.exitCode, 6);
        QVERIFY2(r.err.contains("hello-world 1.1.0 is missing-in-oci"), r.err.constData());
        QVERIFY2(r.err.contains("hello-world 1.3.0 is different-content"), r.err.constData());

        // Copy first: 1.1.0 and 1.3.0 pushed as the index has them (the served files stay).
        build(R"([{"chart":"hello-world","version":"1.1.0"},{"chart":"hello-world","version":"1.3.0"}])", path(QStringLiteral("copy")));
        r = ferryctl({QStringLiteral("charts"), QStringLiteral("scan")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = ferryctl({QStringLiteral("charts"), QStringLiteral("diff"), QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(r.exitCode, 0);
        QMap<QString, QString> changed;
        for (const QJsonValue &c : json(r).value(QStringLiteral("changes")).toArray())
            changed.insert(c[QStringLiteral("version")].toString(), c[QStringLiteral("before")].toString() + QStringLiteral("->") + c[QStringLiteral("after")].toString());
        QCOMPARE(changed.value(QStringLiteral("1.1.0")), QStringLiteral("missing-in-oci->same"));
        QCOMPARE(changed.value(QStringLiteral("1.3.0")), QStringLiteral("different-content->same"));
        QCOMPARE(changed.size(), 2);

        r = ferryctl({QStringLiteral("charts"), QStringLiteral("retire"), QStringLiteral("plan"), QStringLiteral("catalog")});
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        QVERIFY2(r.out.contains("5 files verified in OCI"), r.out.constData());
        const QString batch = QString::fromUtf8(r.out).section(u' ', 1, 1);
        // Not approved: refused, as every batch.
        r = ferryctl({QStringLiteral("charts"), QStringLiteral("retire"), QStringLiteral("execute"), QStringLiteral("--batch"), batch});
        QCOMPARE(r.exitCode, 6);
        QVERIFY2(r.err.contains("not approved"), r.err.constData());
        // The cleanup engine will not run it either: it is not a registry's batch.
        r = ferryctl({QStringLiteral("cleanup"), QStringLiteral("execute"), batch});
        QCOMPARE(r.exitCode, 6);
        r = ferryctl({QStringLiteral("cleanup"), QStringLiteral("approve"), batch, QStringLiteral("--as"), QStringLiteral("lead")});
        QVERIFY2(r.exitCode == 0, r.err.constData());

        r = ferryctl({QStringLiteral("charts"), QStringLiteral("retire"), QStringLiteral("execute"), QStringLiteral("--batch"), batch,
                      QStringLiteral("--dry-run")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("5 would-delete"), r.out.constData());

        // After the approval, old-app 0.9.0 is pushed again with other content: it must stay.
        build(R"([{"chart":"old-app","version":"0.9.0","deprecated":true,"oci":"different"}])", path(QStringLiteral("changed")));
        const QString exported = path(QStringLiteral("retired.csv"));
        r = ferryctl({QStringLiteral("charts"), QStringLiteral("retire"), QStringLiteral("execute"), QStringLiteral("--batch"), batch,
                      QStringLiteral("--export"), exported});
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        QVERIFY2(r.out.contains("4 deleted, 1 kept"), r.out.constData());
        QVERIFY2(r.out.contains("OCI no longer holds the same chart"), r.out.constData());
        QFile csv(exported);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QByteArray text = csv.readAll();
        QVERIFY2(text.startsWith("chart,version,url,digest,state\n"), text.constData());
        QVERIFY2(text.contains("hello-world,1.0.0,") && text.contains(",deleted\n") && text.contains("old-app,0.9.0,"), text.constData());

        // The server's index no longer lists what was deleted; the next scan sees only what is left.
        r = ferryctl({QStringLiteral("charts"), QStringLiteral("scan")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QMap<QString, QJsonObject> v = versions();
        QCOMPARE(v.value(QStringLiteral("old-app 0.9.0")).value(QStringLiteral("state")).toString(), QStringLiteral("different-content"));
        QCOMPARE(v.value(QStringLiteral("hello-world 1.0.0")).value(QStringLiteral("state")).toString(), QStringLiteral("only-in-oci"));
        QCOMPARE(v.value(QStringLiteral("kyverno 2.0.0+gs.1")).value(QStringLiteral("httpDigest")).toString(), QString());
    }

    // The index answers (old-app is what the retirement left in it), the registry does not: the
    // version is unknown, never verified.
    void anOciSideThatCannotBeReadIsUnknown()
    {
        m_farm->stopNamed(QStringLiteral("gsoci"));
        Run r = ferryctl({QStringLiteral("charts"), QStringLiteral("scan")});
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.err.contains("catalog: charts/giantswarm/old-app: "), r.err.constData());
        const QMap<QString, QJsonObject> v = versions();
        QCOMPARE(v.size(), 1);
        const QJsonObject old = v.value(QStringLiteral("old-app 0.9.0"));
        QCOMPARE(old.value(QStringLiteral("state")).toString(), QStringLiteral("unknown"));
        QVERIFY2(old.value(QStringLiteral("reason")).toString().contains(QStringLiteral("could not be listed")),
                 qPrintable(old.value(QStringLiteral("reason")).toString()));
        r = ferryctl({QStringLiteral("charts"), QStringLiteral("retire"), QStringLiteral("plan"), QStringLiteral("catalog")});
        QCOMPARE(r.exitCode, 6);
        QVERIFY2(r.err.contains("is unknown"), r.err.constData());
    }

    void anIndexThatCannotBeReadSaysSo()
    {
        m_server.stop();
        m_front.stop();
        const Run r = ferryctl({QStringLiteral("charts"), QStringLiteral("scan")});
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.err.contains(QByteArray("GET " + m_base.toUtf8() + "/index.yaml")) && r.err.contains("Connection refused"), r.err.constData());
        const Run s = ferryctl({QStringLiteral("charts"), QStringLiteral("status"), QStringLiteral("--format"), QStringLiteral("json")});
        const QJsonObject repo = json(s).value(QStringLiteral("repositories")).toArray().first().toObject();
        QVERIFY(!repo.value(QStringLiteral("error")).toString().isEmpty());
        QCOMPARE(repo.value(QStringLiteral("retireReady")).toBool(), false);
    }
};

FERRY_TEST_MAIN(TestCharts)
#include "tst_charts.moc"
