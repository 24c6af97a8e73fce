// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferryctl refs and hosts as operators' scripts call them: the JSON and CSV keys, --fail-on's
// exit code, the burn-down that refs scan records and refs diff reads back, and hosts lint
// joined with the clusters' references. The matrix is written straight into the store (what
// a scan would have recorded), so no registry is needed.

#include "store/clienttables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "store/store.h"
#include "testmain.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace ferry;
using namespace ferry::test;

namespace {

QString digest(int n)
{
    return QStringLiteral("sha256:%1").arg(n, 64, 10, QLatin1Char('0'));
}

} // namespace

class TestRefs : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_plan, m_db;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    Run ferryctl(const QStringList &args) { return run(ferryctlPath(), args); }

    void writeMatrix(const QString &gsociNginx)
    {
        Store store(m_db);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        const QDateTime at = QDateTime::currentDateTimeUtc();
        const qint64 scan = HistoryTables(store).beginScan(m_plan, at);
        auto row = [](const QString &repo, const QString &tag, const QString &hub, const QString &gsoci) {
            MatrixRow r{repo, tag, QStringLiteral("synced"), {}, true, {}};
            r.cells.insert(QStringLiteral("dockerhub"), MatrixCell{hub, QStringLiteral("synced"), {}, {}, {}, {}});
            r.cells.insert(QStringLiteral("gsoci"),
                           MatrixCell{gsoci, gsoci.isEmpty() ? QStringLiteral("missing") : QStringLiteral("synced"), {}, {}, {}, {}});
            return r;
        };
        QVERIFY(
            MatrixTables(store).writeMatrix(scan,
                                            {row(QStringLiteral("giantswarm/app-operator"), QStringLiteral("6.1.0"), digest(1), digest(1)),
                                             row(QStringLiteral("giantswarm/nginx"), QStringLiteral("1.25"), digest(2), gsociNginx)},
                                            {QStringLiteral("giantswarm/app-operator"), QStringLiteral("giantswarm/nginx")}));
        HistoryTables(store).applyListing(scan, QStringLiteral("gsoci"), QStringLiteral("giantswarm/app-operator"),
                                          {TagObservation{QStringLiteral("6.1.0"), digest(1), {}, {}, {}}}, true, at);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!ferryctlPath().isEmpty());
        m_plan = path(QStringLiteral("plan.yaml"));
        m_db = path(QStringLiteral("plan.ferry.db"));
        QVERIFY(ferry::test::writeFile(
            m_plan,
            "version: 1\nname: refs\nregistries:\n"
            "  dockerhub: { url: https://registry-1.docker.io, kind: dockerhub, role: source, credentials: anonymous }\n"
            "  gsoci: { url: https://gsoci.azurecr.io, role: target, credentials: anonymous }\n"
            "images:\n"
            "  - { source: dockerhub/giantswarm/app-operator, target: gsoci/giantswarm/app-operator }\n"
            "  - { source: dockerhub/library/nginx, target: gsoci/giantswarm/nginx }\n"
            "clients:\n"
            "  - { cluster: berlin, customer: acme, paths: berlin, hosts-dir: berlin-certs.d }\n"));
        QVERIFY(ferry::test::writeFile(path(QStringLiteral("berlin/apps.yaml")),
                                       "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\n"
                                       "spec:\n  template:\n    spec:\n      containers:\n"
                                       "        - { name: op, image: \"giantswarm/app-operator:6.1.0\" }\n"
                                       "        - { name: web, image: \"nginx:1.25\" }\n"
                                       "        - { name: other, image: \"k8s.gcr.io/pause:3.9\" }\n"));
        // berlin's containerd: docker.io goes to gsoci, which keeps docker.io's paths.
        QVERIFY(ferry::test::writeFile(
            path(QStringLiteral("berlin-certs.d/docker.io/hosts.toml")),
            "server = \"https://gsoci.azurecr.io\"\n[host.\"https://gsoci.azurecr.io\"]\n  capabilities = [\"pull\", \"resolve\"]\n"));
        writeMatrix(QString());
    }

    void statusSpeaksJsonAndCsv()
    {
        const Run r = ferryctl({QStringLiteral("refs"), QStringLiteral("status"), QStringLiteral("--plan"), m_plan,
                                QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        const QJsonArray refs = o.value(QStringLiteral("references")).toArray();
        QCOMPARE(refs.size(), 3);
        QMap<QString, QJsonObject> byRef;
        for (const QJsonValue &v : refs)
            byRef.insert(v.toObject().value(QStringLiteral("reference")).toString(), v.toObject());
        const QJsonObject op = byRef.value(QStringLiteral("docker.io/giantswarm/app-operator:6.1.0"));
        QCOMPARE(op.value(QStringLiteral("state")).toString(), QStringLiteral("switch-ready"));
        QCOMPARE(op.value(QStringLiteral("registry")).toString(), QStringLiteral("gsoci")); // after berlin's hosts.toml
        QCOMPARE(op.value(QStringLiteral("cluster")).toString(), QStringLiteral("berlin"));
        QCOMPARE(op.value(QStringLiteral("customer")).toString(), QStringLiteral("acme"));
        QCOMPARE(op.value(QStringLiteral("targetDigest")).toString(), digest(1));
        QCOMPARE(op.value(QStringLiteral("container")).toString(), QStringLiteral("op"));
        QCOMPARE(byRef.value(QStringLiteral("docker.io/library/nginx:1.25")).value(QStringLiteral("state")).toString(),
                 QStringLiteral("copy-first"));
        QCOMPARE(byRef.value(QStringLiteral("k8s.gcr.io/pause:3.9")).value(QStringLiteral("state")).toString(),
                 QStringLiteral("outside-plan"));
        QCOMPARE(o.value(QStringLiteral("byCluster"))
                     .toObject()
                     .value(QStringLiteral("berlin"))
                     .toObject()
                     .value(QStringLiteral("gsoci"))
                     .toObject()
                     .value(QStringLiteral("references"))
                     .toInt(),
                 2);

        const Run csv =
            ferryctl({QStringLiteral("refs"), QStringLiteral("status"), QStringLiteral("--plan"), m_plan, QStringLiteral("--format"),
                      QStringLiteral("csv"), QStringLiteral("--state"), QStringLiteral("copy-first")});
        QCOMPARE(csv.exitCode, 0);
        const QList<QByteArray> lines = csv.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[0].startsWith("cluster,customer,reference,registry,state,"));
        QVERIFY2(lines[1].startsWith("berlin,acme,docker.io/library/nginx:1.25,gsoci,copy-first,gsoci,giantswarm/nginx,"),
                 lines[1].constData());
    }

    void failOnIsForCi()
    {
        // k8s.gcr.io is still pulled: 5. Docker Hub is not any more (berlin mirrors it): 0.
        Run r = ferryctl({QStringLiteral("refs"), QStringLiteral("status"), QStringLiteral("--plan"), m_plan, QStringLiteral("--fail-on"),
                          QStringLiteral("k8s.gcr.io")});
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains("1 references still pull from k8s.gcr.io"), r.err.constData());
        r = ferryctl({QStringLiteral("refs"), QStringLiteral("status"), QStringLiteral("--plan"), m_plan, QStringLiteral("--fail-on"),
                      QStringLiteral("docker.io")});
        QCOMPARE(r.exitCode, 0);
        // Without berlin's hosts directory, the same manifests pull from Docker Hub.
        r = ferryctl({QStringLiteral("refs"), QStringLiteral("status"), path(QStringLiteral("berlin")), QStringLiteral("--fail-on"),
                      QStringLiteral("docker.io")});
        QCOMPARE(r.exitCode, 5);
    }

    void scanRecordsTheBurnDownAndDiffReadsIt()
    {
        Run r = ferryctl({QStringLiteral("refs"), QStringLiteral("scan"), QStringLiteral("--plan"), m_plan});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("3 references in 1 files"), r.out.constData());
        // The cluster moves its pause image to gsoci's copy; the next scan counts one k8s.gcr.io reference less.
        QTest::qWait(5); // distinct timestamps
        QVERIFY(ferry::test::writeFile(path(QStringLiteral("berlin/apps.yaml")),
                                       "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }\n"
                                       "spec:\n  template:\n    spec:\n      containers:\n"
                                       "        - { name: op, image: \"giantswarm/app-operator:6.1.0\" }\n"
                                       "        - { name: web, image: \"nginx:1.25\" }\n"
                                       "        - { name: other, image: \"gsoci.azurecr.io/giantswarm/pause:3.9\" }\n"));
        r = ferryctl({QStringLiteral("refs"), QStringLiteral("scan"), QStringLiteral("--plan"), m_plan});
        QCOMPARE(r.exitCode, 0);
        r = ferryctl({QStringLiteral("refs"), QStringLiteral("diff"), QStringLiteral("--plan"), m_plan, QStringLiteral("--format"),
                      QStringLiteral("json")});
        QCOMPARE(r.exitCode, 0);
        QMap<QString, QPair<int, int>> counts;
        for (const QJsonValue &v : QJsonDocument::fromJson(r.out).object().value(QStringLiteral("counts")).toArray())
            counts.insert(v.toObject().value(QStringLiteral("registry")).toString(),
                          {v.toObject().value(QStringLiteral("then")).toInt(), v.toObject().value(QStringLiteral("now")).toInt()});
        QCOMPARE(counts.value(QStringLiteral("k8s.gcr.io")), qMakePair(1, 0));
        QCOMPARE(counts.value(QStringLiteral("gsoci")), qMakePair(2, 3));
    }

    void reportsHaveAClientsSection()
    {
        Run r = ferryctl({QStringLiteral("report"), QStringLiteral("--plan"), m_plan, QStringLiteral("--format"), QStringLiteral("md"),
                          QStringLiteral("--sections"), QStringLiteral("clients")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("## Clients") && r.out.contains("| berlin | k8s.gcr.io | 0 | 0 | 1 |") &&
                     r.out.contains("| berlin | gsoci | 3 | 1 | 2 |") && !r.out.contains("## Cleanup"),
                 r.out.constData());
        r = ferryctl({QStringLiteral("report"), QStringLiteral("--plan"), m_plan, QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject clients = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("clients")).toObject();
        QCOMPARE(clients.value(QStringLiteral("counts")).toArray().size(), 1);
        QCOMPARE(clients.value(QStringLiteral("periodStart")).toArray().size(), 2);
    }

    void lintJoinsTheClustersReferences()
    {
        // gsoci is asked for docker.io's paths (library/nginx), but holds giantswarm/nginx.
        const Run r = ferryctl({QStringLiteral("hosts"), QStringLiteral("lint"), path(QStringLiteral("berlin-certs.d")),
                                QStringLiteral("--plan"), m_plan, QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(r.exitCode == 5, QByteArray(r.out + r.err).constData());
        const QJsonArray findings = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("findings")).toArray();
        bool found = false;
        for (const QJsonValue &v : findings) {
            const QJsonObject f = v.toObject();
            if (f.value(QStringLiteral("code")).toString() == u"host-lacks-tag" &&
                f.value(QStringLiteral("message")).toString().contains(QStringLiteral("library/nginx:1.25")))
                found = f.value(QStringLiteral("severity")).toString() == u"error";
        }
        QVERIFY2(found, r.out.constData());
    }

    void usageErrors()
    {
        QCOMPARE(ferryctl({QStringLiteral("refs"), QStringLiteral("status")}).exitCode, 2);
        QCOMPARE(ferryctl({QStringLiteral("refs"), QStringLiteral("bogus")}).exitCode, 2);
        QCOMPARE(ferryctl({QStringLiteral("hosts"), QStringLiteral("generate"), QStringLiteral("-o"), path(QStringLiteral("x"))}).exitCode,
                 2);
        QCOMPARE(ferryctl({QStringLiteral("hosts"), QStringLiteral("explain"), QStringLiteral("Bad/Name")}).exitCode, 2);
    }

    // What cleanup asks: the last refs scan holds what berlin names. A scan of loose paths
    // without the plan cannot say where the images come from: it is not taken for a fresh one.
    void aRefsScanWithoutThePlanIsNotTakenForAFreshOne()
    {
        auto lastRefs = [&] {
            ferry::Store store(m_db);
            QString error;
            return store.open(&error) ? ClientTables(store).lastRefsScan() : std::nullopt;
        };
        const auto before = lastRefs();
        QVERIFY(before && before->holds > 0);
        QCOMPARE(before->clusters, QStringLiteral("berlin"));
        const Run r =
            ferryctl({QStringLiteral("refs"), QStringLiteral("scan"), QStringLiteral("--db"), m_db, path(QStringLiteral("berlin"))});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains("not recorded for cleanup"), r.err.constData());
        QCOMPARE(lastRefs()->id, before->id);
    }
};

FERRY_TEST_MAIN(TestRefs)
#include "tst_refs.moc"
