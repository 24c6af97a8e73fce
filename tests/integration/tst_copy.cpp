// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Copy batches end to end against real registries: scan, plan, approve, execute, verify. What
// arrived is read back with skopeo through the registries' plain doors, never with Ferry.
#include "registryfarm.h"
#include "testmain.h"
#include "teststore.h"
#include "testutil.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <csignal>

using namespace ferry::test;

class TestCopy : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<RegistryFarm> m_farm;
    QString m_plan;
    QJsonArray m_hubSeeded;

    Run ferryctl(const QStringList &args) const { return run(ferryctlPath(), args); }

    QString path(const QString &name) const { return QDir(m_farm->dir()).filePath(name); }

    QString writePlan(const QString &name, const QString &hubOptions = {}) const
    {
        const QString p = path(name);
        writeFile(p,
                  QStringLiteral("version: 1\n"
                                 "name: copy\n"
                                 "registries:\n"
                                 "  hub: { %1, role: source%3 }\n"
                                 "  gsoci: { %2, role: target }\n"
                                 "images:\n"
                                 "  - source: hub/team/app\n"
                                 "    target: gsoci/team/app\n"
                                 "  - source: hub/team/app\n"
                                 "    target: gsoci/mirror/app\n"
                                 "  - source: hub/team/legacy\n"
                                 "    target: gsoci/team/legacy\n"
                                 "  - source: hub/charts/app-operator\n"
                                 "    target: gsoci/charts/app-operator\n"
                                 "  - source: hub/team/big\n"
                                 "    target: gsoci/team/big\n"
                                 "  - source: hub/team/app\n"
                                 "    target: gsoci/signed/app\n"
                                 "  - source: hub/team/huge\n"
                                 "    target: gsoci/team/huge\n")
                      .arg(m_farm->planFields(QStringLiteral("hub")), m_farm->planFields(QStringLiteral("gsoci")), hubOptions)
                      .toUtf8());
        return p;
    }

    // The manifest bytes a registry's plain door serves for repo:ref, read by skopeo.
    QByteArray raw(const QString &registry, const QString &repo, const QString &ref) const
    {
        const QString sep = ref.startsWith(QLatin1String("sha256:")) ? QStringLiteral("@") : QStringLiteral(":");
        const Run r = run(QStringLiteral("skopeo"),
                          {QStringLiteral("inspect"), QStringLiteral("--raw"), QStringLiteral("--tls-verify=false"),
                           QStringLiteral("docker://%1/%2%3%4").arg(m_farm->doorHostPort(registry), repo, sep, ref)});
        return r.exitCode == 0 ? r.out : QByteArray();
    }

    // Every tag of every repository in a registry with its digest ("repo:tag" -> digest), read
    // through its plain-HTTP door: the catalog, each repository's tags, a HEAD per tag.
    QMap<QString, QString> everyTag(const QString &registry) const
    {
        static const char *script = R"(
import json, sys, urllib.request
base = 'http://' + sys.argv[1]
accept = ', '.join(['application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json',
                    'application/vnd.docker.distribution.manifest.list.v2+json',
                    'application/vnd.docker.distribution.manifest.v2+json'])
def get(path):
    with urllib.request.urlopen(base + path, timeout=20) as r:
        return json.load(r)
out = {}
for repo in get('/v2/_catalog?n=1000').get('repositories') or []:
    for tag in get('/v2/%s/tags/list' % repo).get('tags') or []:
        req = urllib.request.Request(base + '/v2/%s/manifests/%s' % (repo, tag), method='HEAD', headers={'Accept': accept})
        with urllib.request.urlopen(req, timeout=20) as r:
            out['%s:%s' % (repo, tag)] = r.headers['Docker-Content-Digest']
print(json.dumps(out))
)";
        const Run r =
            run(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), QString::fromUtf8(script), m_farm->doorHostPort(registry)});
        QMap<QString, QString> out;
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        for (auto it = o.begin(); it != o.end(); ++it)
            out.insert(it.key(), it.value().toString());
        if (r.exitCode != 0 || out.isEmpty())
            qWarning("listing %s: %s", qPrintable(registry), r.err.constData());
        return out;
    }

    QJsonObject planJson(const QString &db, const QStringList &extra)
    {
        const Run r = ferryctl(QStringList{QStringLiteral("copy"), QStringLiteral("plan"), QStringLiteral("--plan"), m_plan,
                                           QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")} +
                               extra);
        if (r.exitCode != 0)
            qWarning("copy plan exited %d: %s", r.exitCode, r.err.constData());
        return QJsonDocument::fromJson(r.out).object();
    }

    static QJsonObject batchFor(const QJsonObject &plan, const QString &repository)
    {
        for (const QJsonValue &b : plan.value(QStringLiteral("batches")).toArray())
            if (b.toObject().value(QStringLiteral("repository")).toString() == repository)
                return b.toObject();
        return {};
    }

    bool approve(const QString &db, qint64 id)
    {
        const Run r = ferryctl({QStringLiteral("copy"), QStringLiteral("approve"), QString::number(id), QStringLiteral("--db"), db,
                                QStringLiteral("--as"), QStringLiteral("lead")});
        if (r.exitCode != 0)
            qWarning("approve: %s", r.err.constData());
        return r.exitCode == 0;
    }

    QJsonObject execute(const QString &db, qint64 id, int expectExit = 0)
    {
        const Run r = ferryctl({QStringLiteral("copy"), QStringLiteral("execute"), QString::number(id), QStringLiteral("--db"), db,
                                QStringLiteral("--format"), QStringLiteral("json")});
        if (r.exitCode != expectExit)
            qWarning("copy execute exited %d: %s", r.exitCode, r.err.constData());
        return QJsonDocument::fromJson(r.out).array().at(0).toObject();
    }

    static QMap<QString, QString> statesByTag(const QJsonObject &run)
    {
        QMap<QString, QString> out;
        for (const QJsonValue &i : run.value(QStringLiteral("items")).toArray())
            out.insert(i.toObject().value(QStringLiteral("tag")).toString(), i.toObject().value(QStringLiteral("state")).toString());
        return out;
    }

    // What the Docker Hub-shaped front counted: pulls, heads, rejected.
    static QJsonObject stats(quint16 port)
    {
        const Run r = run(QStringLiteral("/usr/bin/python3"),
                          {QStringLiteral("-c"),
                           QStringLiteral("import urllib.request,sys; "
                                          "sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:%1/stats').read().decode())")
                               .arg(port)});
        return QJsonDocument::fromJson(r.out).object();
    }

    // Scans plan into db and plans its copies: the first batch's id, 0 (with a warning) when none.
    qint64 scanAndPlanFirst(const QString &plan, const QString &db) const
    {
        if (ferryctl({QStringLiteral("scan"), QStringLiteral("--plan"), plan, QStringLiteral("--db"), db}).exitCode == -1)
            return 0;
        const Run planned = ferryctl({QStringLiteral("copy"), QStringLiteral("plan"), QStringLiteral("--plan"), plan,
                                      QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")});
        const qint64 id = QJsonDocument::fromJson(planned.out)
                              .object()
                              .value(QStringLiteral("batches"))
                              .toArray()
                              .at(0)
                              .toObject()
                              .value(QStringLiteral("id"))
                              .toInteger();
        if (id <= 0)
            qWarning("copy plan made no batch: %s", planned.err.constData());
        return id;
    }

    bool scan(const QString &db) const
    {
        const Run r = ferryctl({QStringLiteral("scan"), QStringLiteral("--plan"), m_plan, QStringLiteral("--db"), db});
        if (r.exitCode != 0 && r.exitCode != 5)
            qWarning("scan exited %d: %s", r.exitCode, r.err.constData());
        return r.exitCode == 0 || r.exitCode == 5;
    }

private Q_SLOTS:
    void initTestCase()
    {
        FERRY_REQUIRE_REGISTRY_TOOLS();
        m_farm = std::make_unique<RegistryFarm>();
        m_farm->setAccessLog(true);
        QString error;
        QVERIFY2(m_farm->startNamed(QStringLiteral("hub"), &error), qPrintable(error));
        QVERIFY2(m_farm->startNamed(QStringLiteral("gsoci"), &error), qPrintable(error));
        m_farm->exportCredentials();
        QVERIFY2(m_farm->seedNamed(QStringLiteral("hub"), QStringLiteral("a"), &error,
                                   {QStringLiteral("--big"), QStringLiteral("team/big:1.0.0:20")}),
                 qPrintable(error));
        m_hubSeeded = m_farm->seeded();
        // gsoci already has team/legacy:3.1.0, at another digest: a drifted tag.
        QVERIFY2(m_farm->seedNamed(QStringLiteral("gsoci"), QStringLiteral("g"), &error,
                                   {QStringLiteral("--only-extras"), QStringLiteral("--image"), QStringLiteral("team/legacy:3.1.0")}),
                 qPrintable(error));
        m_plan = writePlan(QStringLiteral("plan.yaml"));
    }

    void cleanupTestCase() { m_farm.reset(); }

    // Every missing tag arrives with the source's digest and the same bytes; blobs the target
    // holds in another repository are mounted, not sent again; a 20 MiB layer goes in chunks.
    void missingTagsArriveByDigest()
    {
        const QString db = testStore(path(QStringLiteral("copy.db")));
        QVERIFY(scan(db));
        const QJsonObject plan = planJson(db, {});
        QVERIFY2(!batchFor(plan, QStringLiteral("team/app")).isEmpty(), QJsonDocument(plan).toJson().constData());
        QVERIFY2(batchFor(plan, QStringLiteral("team/legacy")).isEmpty(), "a drifted tag is copied only when asked");
        const QJsonObject app = batchFor(plan, QStringLiteral("team/app"));
        QVERIFY(app.value(QStringLiteral("pulls")).toInt() > app.value(QStringLiteral("items")).toInt()); // index children count
        QVERIFY(app.value(QStringLiteral("bytes")).toInteger() > 0);
        // Planned again, the tags the open batches already copy are not planned twice: no new batch, a note each.
        const QJsonObject again = planJson(db, {});
        QVERIFY2(again.value(QStringLiteral("batches")).toArray().isEmpty(), QJsonDocument(again).toJson().constData());
        QVERIFY2(QJsonDocument(again.value(QStringLiteral("notes")).toArray()).toJson().contains("team/app:2.0.0 is already in copy batch"),
                 QJsonDocument(again).toJson().constData());

        // Not approved: refused with exit 6, nothing copied.
        const Run early = ferryctl({QStringLiteral("copy"), QStringLiteral("execute"),
                                    QString::number(app.value(QStringLiteral("id")).toInteger()), QStringLiteral("--db"), db});
        QCOMPARE(early.exitCode, 6);
        QVERIFY(raw(QStringLiteral("gsoci"), QStringLiteral("team/app"), QStringLiteral("2.0.0")).isEmpty());

        const QMap<QString, QString> before = everyTag(QStringLiteral("gsoci"));
        QVERIFY(before.contains(QStringLiteral("team/legacy:3.1.0")));
        QMap<QString, QString> copied; // "repo:tag" -> the approved digest
        for (const QString &repo : {QStringLiteral("team/app"), QStringLiteral("mirror/app"), QStringLiteral("charts/app-operator"),
                                    QStringLiteral("team/big")}) {
            const qint64 id = batchFor(plan, repo).value(QStringLiteral("id")).toInteger();
            QVERIFY2(id > 0, qPrintable(repo));
            QVERIFY(approve(db, id));
            const QJsonObject run = execute(db, id);
            const QMap<QString, QString> states = statesByTag(run);
            QVERIFY2(!states.isEmpty(), qPrintable(repo));
            for (const QJsonValue &v : run.value(QStringLiteral("items")).toArray())
                copied.insert(repo + u':' + v.toObject().value(QStringLiteral("tag")).toString(),
                              v.toObject().value(QStringLiteral("digest")).toString());
            for (const QJsonValue &v : run.value(QStringLiteral("items")).toArray())
                QVERIFY2(v.toObject().value(QStringLiteral("state")).toString() == u"copied",
                         qPrintable(repo + u':' + v.toObject().value(QStringLiteral("tag")).toString() + u' ' +
                                    v.toObject().value(QStringLiteral("message")).toString()));
            if (repo == u"mirror/app") {
                // team/app went first: every blob is mounted from there, none sent again.
                QVERIFY(run.value(QStringLiteral("blobsMounted")).toInt() > 0);
                QCOMPARE(run.value(QStringLiteral("blobsUploaded")).toInt(), 0);
            }
        }
        // The whole target, every repository and tag: what was there is unchanged (the drifted
        // tag included), and what is new is exactly the approved tags at the approved digests.
        const QMap<QString, QString> after = everyTag(QStringLiteral("gsoci"));
        for (auto it = before.begin(); it != before.end(); ++it)
            QVERIFY2(after.value(it.key()) == it.value(), qPrintable(it.key()));
        QMap<QString, QString> added;
        for (auto it = after.begin(); it != after.end(); ++it)
            if (!before.contains(it.key()))
                added.insert(it.key(), it.value());
        QCOMPARE(added, copied);
        // Byte for byte what the source serves, for every tag the hub was seeded with.
        int compared = 0;
        for (const QJsonValue &v : std::as_const(m_hubSeeded)) {
            const QJsonObject o = v.toObject();
            const QString repo = o.value(QStringLiteral("repository")).toString(), tag = o.value(QStringLiteral("tag")).toString();
            if (tag.isEmpty() || repo == u"team/legacy")
                continue;
            const QByteArray want = raw(QStringLiteral("hub"), repo, tag);
            QVERIFY(!want.isEmpty());
            QCOMPARE(raw(QStringLiteral("gsoci"), repo, tag), want);
            if (repo == u"team/app")
                QCOMPARE(raw(QStringLiteral("gsoci"), QStringLiteral("mirror/app"), tag), want);
            ++compared;
        }
        QVERIFY(compared >= 8);
        // Every platform of the index, by digest.
        const QJsonObject index =
            QJsonDocument::fromJson(raw(QStringLiteral("hub"), QStringLiteral("team/app"), QStringLiteral("2.0.0"))).object();
        for (const QJsonValue &m : index.value(QStringLiteral("manifests")).toArray()) {
            const QString d = m.toObject().value(QStringLiteral("digest")).toString();
            QCOMPARE(raw(QStringLiteral("gsoci"), QStringLiteral("team/app"), d),
                     raw(QStringLiteral("hub"), QStringLiteral("team/app"), d));
        }
        // The access log: mounts answered 201, and the big layer in several PATCHes.
        const QString log = QString::fromUtf8(m_farm->namedLog(QStringLiteral("gsoci")));
        QVERIFY2(log.contains(QRegularExpression(QStringLiteral("POST /v2/[a-z/]+/blobs/uploads/\\?(from=[^ ]*mount=|mount=[^ ]*from=)"))),
                 "no cross-repository mount in the target's log");
        QVERIFY(log.count(QRegularExpression(QStringLiteral("PATCH /v2/team/big/blobs/uploads/"))) >= 3);
        // A blob that items share (the base layer of team/app's tags and platforms) is asked for in
        // the target once while planning and once while copying, not once per item that holds it.
        QMap<QString, int> heads;
        for (auto m = QRegularExpression(QStringLiteral("HEAD /v2/team/app/blobs/(sha256:[0-9a-f]{64})")).globalMatch(log); m.hasNext();)
            ++heads[m.next().captured(1)];
        QVERIFY(!heads.isEmpty());
        for (auto it = heads.begin(); it != heads.end(); ++it)
            QVERIFY2(it.value() <= 2, qPrintable(QStringLiteral("%1 asked for %2 times").arg(it.key()).arg(it.value())));
        // A manifest two items share (2.0.0 and latest; an index's platform) is written once:
        // Distribution rewrites its link in place on every PUT, and an index checked against the
        // link meanwhile is refused.
        QMap<QString, int> puts;
        for (auto m = QRegularExpression(QStringLiteral("PUT /v2/team/app/manifests/(sha256:[0-9a-f]{64})")).globalMatch(log); m.hasNext();)
            ++puts[m.next().captured(1)];
        QVERIFY(!puts.isEmpty());
        for (auto it = puts.begin(); it != puts.end(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(QStringLiteral("%1 written %2 times").arg(it.key()).arg(it.value())));
        // The drifted tag is untouched, and a rescan finds the copied rows synced.
        QVERIFY(scan(db));
        const Run status =
            ferryctl({QStringLiteral("status"), QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")});
        const QJsonArray rows = QJsonDocument::fromJson(status.out).array();
        int synced = 0;
        for (const QJsonValue &r : rows) {
            const QJsonObject o = r.toObject();
            if (o.value(QStringLiteral("repository")).toString() == u"team/legacy")
                QCOMPARE(o.value(QStringLiteral("state")).toString(), QStringLiteral("drifted"));
            else
                synced += o.value(QStringLiteral("state")).toString() == u"synced";
        }
        QVERIFY2(synced >= compared, qPrintable(QStringLiteral("%1 synced of %2").arg(synced).arg(compared)));
        // The report lists the copy batches and what their items came to.
        const Run report =
            ferryctl({QStringLiteral("report"), QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")});
        int copiedInReport = 0;
        for (const QJsonValue &v : QJsonDocument::fromJson(report.out).object().value(QStringLiteral("copies")).toArray())
            copiedInReport += v.toObject().value(QStringLiteral("states")).toObject().value(QStringLiteral("copied")).toInt();
        QVERIFY2(copiedInReport >= compared, report.err.constData());
    }

    // A drifted tag is overwritten only with --state drifted, and only over the digest the review
    // showed: a tag that moves after approval is refused.
    void driftedTagIsOverwrittenOnlyWhenAskedAndUnmoved()
    {
        const QString db = testStore(path(QStringLiteral("drift.db")));
        QVERIFY(scan(db));
        const QJsonObject plan = planJson(
            db, {QStringLiteral("--state"), QStringLiteral("drifted"), QStringLiteral("--repository"), QStringLiteral("team/legacy")});
        const QJsonObject b = batchFor(plan, QStringLiteral("team/legacy"));
        const QJsonObject item = b.value(QStringLiteral("itemList")).toArray().at(0).toObject();
        QCOMPARE(item.value(QStringLiteral("action")).toString(), QStringLiteral("overwrite"));
        const QByteArray before = raw(QStringLiteral("gsoci"), QStringLiteral("team/legacy"), QStringLiteral("3.1.0"));
        QVERIFY(!item.value(QStringLiteral("replaces")).toString().isEmpty());
        QVERIFY(approve(db, b.value(QStringLiteral("id")).toInteger()));
        // Someone else moves the target's tag after approval.
        QString error;
        QVERIFY2(m_farm->seedNamed(QStringLiteral("gsoci"), QStringLiteral("moved"), &error,
                                   {QStringLiteral("--only-extras"), QStringLiteral("--image"), QStringLiteral("team/legacy:3.1.0")}),
                 qPrintable(error));
        const QByteArray moved = raw(QStringLiteral("gsoci"), QStringLiteral("team/legacy"), QStringLiteral("3.1.0"));
        QVERIFY(moved != before);
        const QJsonObject refused = execute(db, b.value(QStringLiteral("id")).toInteger(), 4);
        QCOMPARE(statesByTag(refused).value(QStringLiteral("3.1.0")), QStringLiteral("refused"));
        QCOMPARE(raw(QStringLiteral("gsoci"), QStringLiteral("team/legacy"), QStringLiteral("3.1.0")), moved);
        // Planned again from a fresh scan, approved, executed: the source's digest.
        QVERIFY(scan(db));
        const QJsonObject again = batchFor(
            planJson(db,
                     {QStringLiteral("--state"), QStringLiteral("drifted"), QStringLiteral("--repository"), QStringLiteral("team/legacy")}),
            QStringLiteral("team/legacy"));
        QVERIFY(approve(db, again.value(QStringLiteral("id")).toInteger()));
        QCOMPARE(statesByTag(execute(db, again.value(QStringLiteral("id")).toInteger())).value(QStringLiteral("3.1.0")),
                 QStringLiteral("copied"));
        QCOMPARE(raw(QStringLiteral("gsoci"), QStringLiteral("team/legacy"), QStringLiteral("3.1.0")),
                 raw(QStringLiteral("hub"), QStringLiteral("team/legacy"), QStringLiteral("3.1.0")));
    }

    // A source tag that moves after approval is not copied (moved); the rest of the batch goes on.
    void movedSourceTagIsNotCopied()
    {
        QString error;
        QVERIFY(m_farm->seedNamed(QStringLiteral("hub"), QStringLiteral("v1"), &error,
                                  {QStringLiteral("--only-extras"), QStringLiteral("--image"), QStringLiteral("team/app:9.0.0"),
                                   QStringLiteral("--image"), QStringLiteral("team/app:9.1.0")}));
        const QString db = testStore(path(QStringLiteral("moved.db")));
        QVERIFY(scan(db));
        const QJsonObject b =
            batchFor(planJson(db, {QStringLiteral("--repository"), QStringLiteral("team/app")}), QStringLiteral("team/app"));
        QCOMPARE(b.value(QStringLiteral("items")).toInt(), 2);
        QVERIFY(approve(db, b.value(QStringLiteral("id")).toInteger()));
        QVERIFY(m_farm->seedNamed(QStringLiteral("hub"), QStringLiteral("v2"), &error,
                                  {QStringLiteral("--only-extras"), QStringLiteral("--image"), QStringLiteral("team/app:9.0.0")}));
        const QMap<QString, QString> states = statesByTag(execute(db, b.value(QStringLiteral("id")).toInteger()));
        QCOMPARE(states.value(QStringLiteral("9.0.0")), QStringLiteral("moved"));
        QCOMPARE(states.value(QStringLiteral("9.1.0")), QStringLiteral("copied"));
        QVERIFY(raw(QStringLiteral("gsoci"), QStringLiteral("team/app"), QStringLiteral("9.0.0")).isEmpty());
    }

    // --referrers brings the chosen digests' cosign signature tag, their tag-schema referrers index
    // and the OCI referrer it lists (an SBOM pushed by digest); without it, only the tags asked for.
    void referrersComeAlongWhenAsked()
    {
        const QString db = testStore(path(QStringLiteral("referrers.db")));
        QVERIFY(scan(db));
        const QStringList only{QStringLiteral("--repository"), QStringLiteral("signed/app"), QStringLiteral("--tag"),
                               QStringLiteral("1.1.0"),        QStringLiteral("--tag"),      QStringLiteral("2.0.0")};
        const QJsonObject plain = batchFor(planJson(db, only), QStringLiteral("signed/app"));
        QCOMPARE(plain.value(QStringLiteral("items")).toInt(), 2);
        // Rejected, its tags may be planned again (an open batch's tags are not planned twice).
        const Run rejected =
            ferryctl({QStringLiteral("copy"), QStringLiteral("reject"), QString::number(plain.value(QStringLiteral("id")).toInteger()),
                      QStringLiteral("--db"), db, QStringLiteral("--as"), QStringLiteral("lead")});
        QCOMPARE(rejected.exitCode, 0);
        QVERIFY2(rejected.err.isEmpty(), rejected.err.constData()); // no parser warning (it asked for --hash, which reject has not)
        const QJsonObject b = batchFor(planJson(db, only + QStringList{QStringLiteral("--referrers")}), QStringLiteral("signed/app"));
        QString sbom, sig;
        QStringList tags;
        for (const QJsonValue &v : b.value(QStringLiteral("itemList")).toArray()) {
            const QJsonObject i = v.toObject();
            tags << i.value(QStringLiteral("tag")).toString();
            if (i.value(QStringLiteral("action")).toString() == u"referrer")
                sbom = i.value(QStringLiteral("digest")).toString();
            if (i.value(QStringLiteral("tag")).toString().endsWith(QLatin1String(".sig")))
                sig = i.value(QStringLiteral("tag")).toString();
        }
        QVERIFY2(!sbom.isEmpty() && !sig.isEmpty(), qPrintable(tags.join(u' ')));
        QCOMPARE(tags.filter(QRegularExpression(QStringLiteral("^sha256-[0-9a-f]{64}$"))).size(), 1); // the tag-schema index
        QVERIFY(approve(db, b.value(QStringLiteral("id")).toInteger()));
        const QJsonObject result = execute(db, b.value(QStringLiteral("id")).toInteger());
        for (const QJsonValue &v : result.value(QStringLiteral("items")).toArray()) {
            const QString st = v.toObject().value(QStringLiteral("state")).toString();
            QVERIFY2(st == u"copied" || st == u"already-present", QJsonDocument(v.toObject()).toJson().constData());
        }
        QCOMPARE(raw(QStringLiteral("gsoci"), QStringLiteral("signed/app"), sbom),
                 raw(QStringLiteral("hub"), QStringLiteral("team/app"), sbom));
        QCOMPARE(raw(QStringLiteral("gsoci"), QStringLiteral("signed/app"), sig),
                 raw(QStringLiteral("hub"), QStringLiteral("team/app"), sig));
        QVERIFY(raw(QStringLiteral("gsoci"), QStringLiteral("signed/app"), QStringLiteral("1.0.0")).isEmpty()); // not asked for
        // The SBOM is both an item and the tag-schema index's child: written once. Distribution
        // rewrites a manifest's link in place on a PUT, and the index checked against it meanwhile
        // was refused (MANIFEST_BLOB_UNKNOWN) when two workers wrote it.
        const QString log = QString::fromUtf8(m_farm->namedLog(QStringLiteral("gsoci")));
        QCOMPARE(log.count(QStringLiteral("PUT /v2/signed/app/manifests/") + sbom), 1);
    }

    // SIGKILL in the middle of a large layer, with a second executor refused meanwhile; resume
    // finishes the batch without sending a finished blob again, and the tag points at a whole image.
    void killedCopyResumesWithoutSendingTwice()
    {
        QString error;
        QVERIFY(m_farm->seedNamed(QStringLiteral("hub"), QStringLiteral("k"), &error,
                                  {QStringLiteral("--only-extras"), QStringLiteral("--big"), QStringLiteral("team/huge:2.0.0:128")}));
        const QString config = QJsonDocument::fromJson(raw(QStringLiteral("hub"), QStringLiteral("team/huge"), QStringLiteral("2.0.0")))
                                   .object()
                                   .value(QStringLiteral("config"))
                                   .toObject()
                                   .value(QStringLiteral("digest"))
                                   .toString()
                                   .section(u':', 1);
        QVERIFY(!config.isEmpty());
        const QString db = testStore(path(QStringLiteral("kill.db")));
        QVERIFY(scan(db));
        const QJsonObject planned = planJson(db, {QStringLiteral("--repository"), QStringLiteral("team/huge")});
        const qint64 id = batchFor(planned, QStringLiteral("team/huge")).value(QStringLiteral("id")).toInteger();
        QVERIFY2(id > 0, QJsonDocument(planned).toJson().constData());
        QVERIFY(approve(db, id));
        const auto patches = [this] {
            return QString::fromUtf8(m_farm->namedLog(QStringLiteral("gsoci"))).count(QStringLiteral("PATCH /v2/team/huge/blobs/uploads/"));
        };
        const int before = patches();
        QProcess first;
        first.start(ferryctlPath(), {QStringLiteral("copy"), QStringLiteral("execute"), QString::number(id), QStringLiteral("--db"), db});
        QVERIFY(first.waitForStarted());
        for (int i = 0; i < 600 && patches() < before + 1 && first.state() == QProcess::Running; ++i)
            QThread::msleep(20);
        QVERIFY2(first.state() == QProcess::Running, "the copy finished before it could be interrupted");
        // A second executor on the same batch is refused while the first holds it.
        const Run second = ferryctl({QStringLiteral("copy"), QStringLiteral("execute"), QString::number(id), QStringLiteral("--db"), db});
        QCOMPARE(second.exitCode, 6);
        QVERIFY2(second.err.contains("being executed by another process"), second.err.constData());
        ::kill(pid_t(first.processId()), SIGKILL);
        QVERIFY(first.waitForFinished(10'000));
        QVERIFY(raw(QStringLiteral("gsoci"), QStringLiteral("team/huge"), QStringLiteral("2.0.0")).isEmpty()); // no tag yet
        const Run resume = ferryctl({QStringLiteral("copy"), QStringLiteral("resume"), QStringLiteral("--db"), db,
                                     QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(resume.exitCode == 0, resume.err.constData());
        QCOMPARE(statesByTag(QJsonDocument::fromJson(resume.out).array().at(0).toObject()).value(QStringLiteral("2.0.0")),
                 QStringLiteral("copied"));
        QCOMPARE(raw(QStringLiteral("gsoci"), QStringLiteral("team/huge"), QStringLiteral("2.0.0")),
                 raw(QStringLiteral("hub"), QStringLiteral("team/huge"), QStringLiteral("2.0.0")));
        // The config blob, finished before the kill, was sent once.
        const QString log = QString::fromUtf8(m_farm->namedLog(QStringLiteral("gsoci")));
        QCOMPARE(log.count(QRegularExpression(QStringLiteral("PUT /v2/team/huge/blobs/uploads/[^ ]*digest=sha256(:|%3A)%1").arg(config))),
                 1);
    }

    // Behind a Docker Hub-shaped front that counts manifest GETs: planning and copying pause at the
    // plan's floor and go on when the window gives the budget back, without a single 429; HEADs
    // (every check of the target and the source's tag) take nothing from the budget.
    void dockerHubBudgetPausesAtTheFloor()
    {
        ManagedProcess front;
        const quint16 port = freeLoopbackPort();
        QString error;
        QVERIFY2(front.start(QStringLiteral("/usr/bin/python3"),
                             {QStringLiteral(FERRY_TEST_SUPPORT_DIR "/hubfront.py"), QStringLiteral("--port"), QString::number(port),
                              QStringLiteral("--upstream"), m_farm->doorHostPort(QStringLiteral("hub")), QStringLiteral("--limit"),
                              QStringLiteral("8"), QStringLiteral("--window"), QStringLiteral("2")},
                             port, &error),
                 qPrintable(error));
        const QString plan = path(QStringLiteral("budget.yaml"));
        writeFile(plan,
                  QStringLiteral("version: 1\nname: budget\nregistries:\n"
                                 "  dockerhub: { url: 'http://127.0.0.1:%1', role: source, budget: { floor: 2, poll: 300ms } }\n"
                                 "  gsoci: { %2, role: target }\n"
                                 "images:\n  - source: dockerhub/team/app\n    target: gsoci/budget/app\n")
                      .arg(port)
                      .arg(m_farm->planFields(QStringLiteral("gsoci")))
                      .toUtf8());
        const QString db = testStore(path(QStringLiteral("budget.db")));
        QVERIFY(ferryctl({QStringLiteral("scan"), QStringLiteral("--plan"), plan, QStringLiteral("--db"), db}).exitCode != -1);
        QThread::msleep(2'100); // the scan's own reads are not budgeted: start from a fresh window
        const QJsonObject before = stats(port);
        const Run planned = ferryctl({QStringLiteral("copy"), QStringLiteral("plan"), QStringLiteral("--plan"), plan,
                                      QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(planned.exitCode == 0, planned.err.constData());
        const QJsonObject planObject = QJsonDocument::fromJson(planned.out).object();
        const QJsonObject b = planObject.value(QStringLiteral("batches")).toArray().at(0).toObject();
        QVERIFY2(b.value(QStringLiteral("pulls")).toInt() > 8, "the batch needs more pulls than one window gives");
        // The plan says what the batches need against what the budget has left.
        const QJsonObject budget = planObject.value(QStringLiteral("budgets")).toObject().value(QStringLiteral("dockerhub")).toObject();
        QCOMPARE(budget.value(QStringLiteral("pullsNeeded")).toInt(), b.value(QStringLiteral("pulls")).toInt());
        QCOMPARE(budget.value(QStringLiteral("limit")).toInt(), 8);
        QVERIFY(budget.contains(QStringLiteral("remaining")));
        QVERIFY(approve(db, b.value(QStringLiteral("id")).toInteger()));
        const Run exec =
            ferryctl({QStringLiteral("copy"), QStringLiteral("execute"), QString::number(b.value(QStringLiteral("id")).toInteger()),
                      QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(exec.exitCode == 0, exec.err.constData());
        QVERIFY2(exec.err.contains("paused: dockerhub budget"), exec.err.constData());
        const QJsonObject result = QJsonDocument::fromJson(exec.out).array().at(0).toObject();
        QVERIFY(result.value(QStringLiteral("budgetPauses")).toInt() >= 1);
        for (const QString &state : statesByTag(result))
            QCOMPARE(state, QStringLiteral("copied"));
        const QJsonObject after = stats(port);
        QCOMPARE(after.value(QStringLiteral("rejected")).toInt(), before.value(QStringLiteral("rejected")).toInt());
        QVERIFY(after.value(QStringLiteral("heads")).toInt() > before.value(QStringLiteral("heads")).toInt());
        // Only GETs were counted: planning's reads and the copy's, nothing for the HEADs.
        QCOMPARE(after.value(QStringLiteral("pulls")).toInt() - before.value(QStringLiteral("pulls")).toInt(),
                 planObject.value(QStringLiteral("planningPulls")).toInt() + result.value(QStringLiteral("pulls")).toInt());
        QCOMPARE(raw(QStringLiteral("gsoci"), QStringLiteral("budget/app"), QStringLiteral("2.0.0")),
                 raw(QStringLiteral("hub"), QStringLiteral("team/app"), QStringLiteral("2.0.0")));
    }

    // A source serving bytes that do not match the digest, and a target refusing a tag with a quota
    // error: those items fail with what went wrong (the registry's own message), nothing is tagged,
    // the batch goes on; once the faults are gone, resume retries only the failed items.
    void refusalsFailTheItemAndResumeRetriesOnlyThose()
    {
        const QString layer = QJsonDocument::fromJson(raw(QStringLiteral("hub"), QStringLiteral("team/app"), QStringLiteral("1.0.0")))
                                  .object()
                                  .value(QStringLiteral("layers"))
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value(QStringLiteral("digest"))
                                  .toString();
        QVERIFY(!layer.isEmpty());
        ManagedProcess source, target;
        const quint16 sp = freeLoopbackPort(), tp = freeLoopbackPort();
        QString error;
        const QString front = QStringLiteral(FERRY_TEST_SUPPORT_DIR "/hubfront.py");
        QVERIFY2(source.start(QStringLiteral("/usr/bin/python3"),
                              {front, QStringLiteral("--port"), QString::number(sp), QStringLiteral("--upstream"),
                               m_farm->doorHostPort(QStringLiteral("hub")), QStringLiteral("--limit"), QStringLiteral("100000"),
                               QStringLiteral("--corrupt"), layer},
                              sp, &error),
                 qPrintable(error));
        QVERIFY2(target.start(QStringLiteral("/usr/bin/python3"),
                              {front, QStringLiteral("--port"), QString::number(tp), QStringLiteral("--upstream"),
                               m_farm->doorHostPort(QStringLiteral("gsoci")), QStringLiteral("--limit"), QStringLiteral("100000"),
                               QStringLiteral("--deny"), QStringLiteral("^PUT /v2/refused/app/manifests/1\\.1\\.0$")},
                              tp, &error),
                 qPrintable(error));
        const QString plan = path(QStringLiteral("refusals.yaml"));
        writeFile(plan,
                  QStringLiteral("version: 1\nname: refusals\nregistries:\n"
                                 "  src: { url: 'http://127.0.0.1:%1', role: source }\n"
                                 "  dst: { url: 'http://127.0.0.1:%2', role: target }\n"
                                 "images:\n  - source: src/team/app\n    target: dst/refused/app\n    tags: [1.0.0, 1.1.0, 2.0.0]\n")
                      .arg(sp)
                      .arg(tp)
                      .toUtf8());
        const QString db = testStore(path(QStringLiteral("refusals.db")));
        const qint64 id = scanAndPlanFirst(plan, db);
        QVERIFY(id > 0);
        QVERIFY(approve(db, id));
        const QJsonObject first = execute(db, id, 4);
        QMap<QString, QString> messages;
        for (const QJsonValue &v : first.value(QStringLiteral("items")).toArray())
            messages.insert(v.toObject().value(QStringLiteral("tag")).toString(), v.toObject().value(QStringLiteral("message")).toString());
        const QMap<QString, QString> states = statesByTag(first);
        QCOMPARE(states.value(QStringLiteral("1.0.0")), QStringLiteral("failed"));
        QVERIFY2(messages.value(QStringLiteral("1.0.0")).contains(QLatin1String("that hash to")),
                 qPrintable(messages.value(QStringLiteral("1.0.0"))));
        QCOMPARE(states.value(QStringLiteral("1.1.0")), QStringLiteral("failed"));
        QVERIFY2(messages.value(QStringLiteral("1.1.0")).contains(QLatin1String("quota exceeded")),
                 qPrintable(messages.value(QStringLiteral("1.1.0"))));
        QCOMPARE(states.value(QStringLiteral("2.0.0")), QStringLiteral("copied"));
        QVERIFY(raw(QStringLiteral("gsoci"), QStringLiteral("refused/app"), QStringLiteral("1.0.0")).isEmpty());
        QVERIFY(raw(QStringLiteral("gsoci"), QStringLiteral("refused/app"), QStringLiteral("1.1.0")).isEmpty());

        for (quint16 port : {sp, tp})
            run(QStringLiteral("/usr/bin/python3"),
                {QStringLiteral("-c"),
                 QStringLiteral("import urllib.request; urllib.request.urlopen('http://127.0.0.1:%1/allow')").arg(port)});
        const Run resume = ferryctl({QStringLiteral("copy"), QStringLiteral("resume"), QStringLiteral("--db"), db, QStringLiteral("--plan"),
                                     plan, QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(resume.exitCode == 0, resume.err.constData());
        const QJsonObject show =
            QJsonDocument::fromJson(ferryctl({QStringLiteral("copy"), QStringLiteral("show"), QString::number(id), QStringLiteral("--db"),
                                              db, QStringLiteral("--format"), QStringLiteral("json")})
                                        .out)
                .object();
        QMap<QString, int> journalPerSeq;
        for (const QJsonValue &v : show.value(QStringLiteral("journal")).toArray())
            ++journalPerSeq[QString::number(v.toObject().value(QStringLiteral("seq")).toInt())];
        for (const QJsonValue &v : show.value(QStringLiteral("itemList")).toArray()) {
            const QJsonObject i = v.toObject();
            QCOMPARE(i.value(QStringLiteral("state")).toString(), QStringLiteral("copied"));
            // copying + final once for the item that went through, twice for the retried ones
            QCOMPARE(journalPerSeq.value(QString::number(i.value(QStringLiteral("seq")).toInt())),
                     i.value(QStringLiteral("tag")).toString() == u"2.0.0" ? 2 : 4);
        }
        for (const QString &tag : {QStringLiteral("1.0.0"), QStringLiteral("1.1.0")})
            QCOMPARE(raw(QStringLiteral("gsoci"), QStringLiteral("refused/app"), tag),
                     raw(QStringLiteral("hub"), QStringLiteral("team/app"), tag));
    }

    // A mount the target answers with an upload session (Distribution does when the repository
    // named in from= does not hold the blob: here the store says one does that never existed) is
    // followed by the upload itself: the item is copied, byte for byte, and the log shows both.
    void aMountAnsweredWithAnUploadSendsTheBlob()
    {
        const QString plan = path(QStringLiteral("ghost.yaml"));
        writeFile(plan,
                  QStringLiteral("version: 1\nname: ghost\nregistries:\n  hub: { %1, role: source }\n  gsoci: { %2, role: target }\n"
                                 "images:\n  - source: hub/team/app\n    target: gsoci/ghost/app\n    tags: [1.0.0]\n")
                      .arg(m_farm->planFields(QStringLiteral("hub")), m_farm->planFields(QStringLiteral("gsoci")))
                      .toUtf8());
        const QString db = testStore(path(QStringLiteral("ghost.db")));
        const qint64 id = scanAndPlanFirst(plan, db);
        QVERIFY(id > 0);
        // Every blob of the image, said to be held by a repository of the target that does not exist.
        const QJsonObject manifest =
            QJsonDocument::fromJson(raw(QStringLiteral("hub"), QStringLiteral("team/app"), QStringLiteral("1.0.0"))).object();
        QStringList blobs{manifest.value(QStringLiteral("config")).toObject().value(QStringLiteral("digest")).toString()};
        for (const QJsonValue &l : manifest.value(QStringLiteral("layers")).toArray())
            blobs << l.toObject().value(QStringLiteral("digest")).toString();
        QVERIFY(blobs.size() >= 2 && !blobs.contains(QString()));
        {
            QSqlDatabase sql = addStoreConnection(db, QStringLiteral("ghost"));
            QVERIFY(sql.open());
            QSqlQuery q(sql);
            for (const QString &digest : std::as_const(blobs)) {
                q.prepare(QStringLiteral("INSERT INTO copy_blobs(registry, digest, repository, at) VALUES('gsoci', ?, 'nowhere/app', ?)"));
                q.addBindValue(digest);
                q.addBindValue(QDateTime::currentSecsSinceEpoch() + 3600);
                QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("ghost"));
        QVERIFY(approve(db, id));
        const QJsonObject run = execute(db, id);
        QCOMPARE(statesByTag(run).value(QStringLiteral("1.0.0")), QStringLiteral("copied"));
        QCOMPARE(run.value(QStringLiteral("blobsMounted")).toInt(), 0);
        QVERIFY(run.value(QStringLiteral("blobsUploaded")).toInt() + run.value(QStringLiteral("blobsPresent")).toInt() >= blobs.size());
        QCOMPARE(raw(QStringLiteral("gsoci"), QStringLiteral("ghost/app"), QStringLiteral("1.0.0")),
                 raw(QStringLiteral("hub"), QStringLiteral("team/app"), QStringLiteral("1.0.0")));
        const QString log = QString::fromUtf8(m_farm->namedLog(QStringLiteral("gsoci")));
        QVERIFY2(log.contains(QRegularExpression(QStringLiteral("POST /v2/ghost/app/blobs/uploads/\\?[^ ]*from=nowhere"))),
                 "no mount from the repository the store named");
        QVERIFY2(log.contains(QRegularExpression(QStringLiteral("PUT /v2/ghost/app/blobs/uploads/"))), "no upload after the mount");
    }

    // A target that sends a blob's upload to another origin, and one that refuses it with 413
    // (beyond its size limit): the item fails with why (the registry's own message for the 413),
    // nothing is tagged, and resume copies it once the limit is lifted.
    void blobUploadRefusalsFailTheItem()
    {
        ManagedProcess target;
        const quint16 tp = freeLoopbackPort();
        QString error;
        QVERIFY2(target.start(QStringLiteral("/usr/bin/python3"),
                              {QStringLiteral(FERRY_TEST_SUPPORT_DIR "/hubfront.py"), QStringLiteral("--port"), QString::number(tp),
                               QStringLiteral("--upstream"), m_farm->doorHostPort(QStringLiteral("gsoci")), QStringLiteral("--limit"),
                               QStringLiteral("100000"), QStringLiteral("--deny"), QStringLiteral("^PUT /v2/large/app/blobs/uploads/"),
                               QStringLiteral("--deny-status"), QStringLiteral("413")},
                              tp, &error),
                 qPrintable(error));
        // First a target that sends the upload on to another origin: never followed (credentials go
        // to the registry only), the item fails with why, nothing is sent there.
        {
            ManagedProcess foreign;
            const quint16 fp = freeLoopbackPort();
            QVERIFY2(foreign.start(QStringLiteral("/usr/bin/python3"),
                                   {QStringLiteral(FERRY_TEST_SUPPORT_DIR "/hubfront.py"), QStringLiteral("--port"), QString::number(fp),
                                    QStringLiteral("--upstream"), m_farm->doorHostPort(QStringLiteral("gsoci")), QStringLiteral("--limit"),
                                    QStringLiteral("100000"), QStringLiteral("--foreign-location")},
                                   fp, &error),
                     qPrintable(error));
            const QString plan = path(QStringLiteral("foreign.yaml"));
            writeFile(plan,
                      QStringLiteral("version: 1\nname: foreign\nregistries:\n  hub: { %1, role: source }\n"
                                     "  dst: { url: 'http://127.0.0.1:%2', role: target }\n"
                                     "images:\n  - source: hub/team/app\n    target: dst/foreign/app\n    tags: [1.0.0]\n")
                          .arg(m_farm->planFields(QStringLiteral("hub")))
                          .arg(fp)
                          .toUtf8());
            const QString db = testStore(path(QStringLiteral("foreign.db")));
            const qint64 id = scanAndPlanFirst(plan, db);
            QVERIFY(id > 0);
            QVERIFY(approve(db, id));
            const QJsonObject item = execute(db, id, 4).value(QStringLiteral("items")).toArray().at(0).toObject();
            QCOMPARE(item.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
            QVERIFY2(item.value(QStringLiteral("message")).toString().contains(QLatin1String("an upload location on another origin")),
                     qPrintable(item.value(QStringLiteral("message")).toString()));
            QVERIFY(raw(QStringLiteral("gsoci"), QStringLiteral("foreign/app"), QStringLiteral("1.0.0")).isEmpty());
        }
        const QString plan = path(QStringLiteral("large.yaml"));
        writeFile(plan,
                  QStringLiteral("version: 1\nname: large\nregistries:\n  hub: { %1, role: source }\n"
                                 "  dst: { url: 'http://127.0.0.1:%2', role: target }\n"
                                 "images:\n  - source: hub/team/app\n    target: dst/large/app\n    tags: [1.0.0]\n")
                      .arg(m_farm->planFields(QStringLiteral("hub")))
                      .arg(tp)
                      .toUtf8());
        const QString db = testStore(path(QStringLiteral("large.db")));
        const qint64 id = scanAndPlanFirst(plan, db);
        QVERIFY(id > 0);
        QVERIFY(approve(db, id));
        const QJsonObject first = execute(db, id, 4);
        const QJsonObject item = first.value(QStringLiteral("items")).toArray().at(0).toObject();
        QCOMPARE(item.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QVERIFY2(item.value(QStringLiteral("message")).toString().contains(QLatin1String("blob too large")),
                 qPrintable(item.value(QStringLiteral("message")).toString()));
        QVERIFY(raw(QStringLiteral("gsoci"), QStringLiteral("large/app"), QStringLiteral("1.0.0")).isEmpty()); // nothing tagged
        run(QStringLiteral("/usr/bin/python3"),
            {QStringLiteral("-c"), QStringLiteral("import urllib.request; urllib.request.urlopen('http://127.0.0.1:%1/allow')").arg(tp)});
        const Run resume = ferryctl({QStringLiteral("copy"), QStringLiteral("resume"), QStringLiteral("--db"), db, QStringLiteral("--plan"),
                                     plan, QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(resume.exitCode == 0, resume.err.constData());
        QCOMPARE(statesByTag(QJsonDocument::fromJson(resume.out).array().at(0).toObject()).value(QStringLiteral("1.0.0")),
                 QStringLiteral("copied"));
        QCOMPARE(raw(QStringLiteral("gsoci"), QStringLiteral("large/app"), QStringLiteral("1.0.0")),
                 raw(QStringLiteral("hub"), QStringLiteral("team/app"), QStringLiteral("1.0.0")));
    }

    // A source index of 257 manifests (hostile or broken) is refused while planning, with why, and
    // never walked: the copy plan names it and exits 4.
    void anIndexOfTooManyChildrenIsRefused()
    {
        const QString door = m_farm->doorHostPort(QStringLiteral("hub"));
        const Run base =
            run(QStringLiteral("skopeo"),
                {QStringLiteral("copy"), QStringLiteral("--src-tls-verify=false"), QStringLiteral("--dest-tls-verify=false"),
                 QStringLiteral("docker://%1/team/app:1.0.0").arg(door), QStringLiteral("docker://%1/team/wide:base").arg(door)});
        QVERIFY2(base.exitCode == 0, base.err.constData());
        const QByteArray child = raw(QStringLiteral("hub"), QStringLiteral("team/wide"), QStringLiteral("base"));
        QVERIFY(!child.isEmpty());
        const QString childDigest =
            QStringLiteral("sha256:") + QString::fromLatin1(QCryptographicHash::hash(child, QCryptographicHash::Sha256).toHex());
        QJsonArray manifests;
        for (int i = 0; i < 257; ++i)
            manifests.append(QJsonObject{
                {QStringLiteral("mediaType"), QJsonDocument::fromJson(child).object().value(QStringLiteral("mediaType")).toString()},
                {QStringLiteral("digest"), childDigest},
                {QStringLiteral("size"), qint64(child.size())},
                {QStringLiteral("platform"),
                 QJsonObject{{QStringLiteral("os"), QStringLiteral("linux")},
                             {QStringLiteral("architecture"), QStringLiteral("amd64")},
                             {QStringLiteral("variant"), QStringLiteral("v%1").arg(i)}}}});
        const QByteArray index =
            QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2},
                                      {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.index.v1+json")},
                                      {QStringLiteral("manifests"), manifests}})
                .toJson(QJsonDocument::Compact);
        const QString indexFile = path(QStringLiteral("wide-index.json"));
        writeFile(indexFile, index);
        const Run put = run(QStringLiteral("/usr/bin/python3"),
                            {QStringLiteral("-c"),
                             QStringLiteral("import urllib.request,sys; r=urllib.request.Request('http://%1/v2/team/wide/manifests/1.0.0', "
                                            "data=open(sys.argv[1],'rb').read(), method='PUT', "
                                            "headers={'Content-Type':'application/vnd.oci.image.index.v1+json'}); "
                                            "print(urllib.request.urlopen(r).status)")
                                 .arg(door),
                             indexFile});
        QVERIFY2(put.exitCode == 0 && put.out.trimmed() == "201", put.err.constData());
        const QString plan = path(QStringLiteral("wide.yaml"));
        writeFile(plan,
                  QStringLiteral("version: 1\nname: wide\nregistries:\n  hub: { %1, role: source }\n  gsoci: { %2, role: target }\n"
                                 "images:\n  - source: hub/team/wide\n    target: gsoci/wide/app\n    tags: [1.0.0]\n")
                      .arg(m_farm->planFields(QStringLiteral("hub")), m_farm->planFields(QStringLiteral("gsoci")))
                      .toUtf8());
        const QString db = testStore(path(QStringLiteral("wide.db")));
        QVERIFY(ferryctl({QStringLiteral("scan"), QStringLiteral("--plan"), plan, QStringLiteral("--db"), db}).exitCode != -1);
        const Run planned = ferryctl({QStringLiteral("copy"), QStringLiteral("plan"), QStringLiteral("--plan"), plan,
                                      QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(planned.exitCode, 4);
        const QJsonObject result = QJsonDocument::fromJson(planned.out).object();
        const QString errors = result.value(QStringLiteral("errors")).toVariant().toStringList().join(u'\n');
        QVERIFY2(errors.contains(QLatin1String("is an index of 257 manifests, more than 256")),
                 qPrintable(errors + QString::fromUtf8(planned.err)));
        QCOMPARE(result.value(QStringLiteral("items")).toInt(), 0);
        QVERIFY(raw(QStringLiteral("gsoci"), QStringLiteral("wide/app"), QStringLiteral("1.0.0")).isEmpty());
    }

    // The exported script of digest-pinned skopeo copies, run by the real skopeo, gives the target
    // the approved digests.
    void exportedScriptCopiesTheApprovedDigests()
    {
        QString error;
        QVERIFY(m_farm->seedNamed(QStringLiteral("hub"), QStringLiteral("x"), &error,
                                  {QStringLiteral("--only-extras"), QStringLiteral("--image"), QStringLiteral("team/app:7.0.0")}));
        const QString db = testStore(path(QStringLiteral("export.db")));
        QVERIFY(scan(db));
        const QJsonObject b = batchFor(
            planJson(db, {QStringLiteral("--repository"), QStringLiteral("team/app"), QStringLiteral("--tag"), QStringLiteral("7.0.0")}),
            QStringLiteral("team/app"));
        const qint64 id = b.value(QStringLiteral("id")).toInteger();
        const QString script = path(QStringLiteral("copy.sh"));
        const QStringList exportArgs{QStringLiteral("copy"),
                                     QStringLiteral("export"),
                                     QString::number(id),
                                     QStringLiteral("--db"),
                                     db,
                                     QStringLiteral("--output"),
                                     script};
        QCOMPARE(ferryctl(exportArgs).exitCode, 6); // not approved yet
        QVERIFY(approve(db, id));
        QCOMPARE(ferryctl(exportArgs).exitCode, 0);
        QFile f(script);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        QVERIFY2(text.contains(QStringLiteral("@sha256:")) && text.contains(QStringLiteral(":7.0.0")), qPrintable(text));
        const QStringList tls{QStringLiteral("--src-tls-verify=false"), QStringLiteral("--dest-tls-verify=false")};
        const Run sh = run(QStringLiteral("/bin/sh"), QStringList{script} + tls);
        QVERIFY2(sh.exitCode == 0, sh.err.constData());
        QCOMPARE(raw(QStringLiteral("gsoci"), QStringLiteral("team/app"), QStringLiteral("7.0.0")),
                 raw(QStringLiteral("hub"), QStringLiteral("team/app"), QStringLiteral("7.0.0")));
        // The skopeo sync YAML, run by skopeo into another target, gives the same digest (by tag).
        const QString yaml = path(QStringLiteral("sync.yaml"));
        QCOMPARE(ferryctl({QStringLiteral("copy"), QStringLiteral("export"), QString::number(id), QStringLiteral("--db"), db,
                           QStringLiteral("--format"), QStringLiteral("skopeo-sync"), QStringLiteral("--output"), yaml})
                     .exitCode,
                 0);
        if (m_farm->named(QStringLiteral("hub")).tls) { // the farm's CA, as the YAML's comment says
            QFile y(yaml);
            QVERIFY(y.open(QIODevice::ReadWrite));
            QString yamlText = QString::fromUtf8(y.readAll());
            yamlText.replace(QStringLiteral("  # a private CA: cert-dir: DIR (a directory of its .crt files)"),
                             QStringLiteral("  cert-dir: ") + QDir(m_farm->dir()).filePath(QStringLiteral("certs.d")));
            y.resize(0);
            y.write(yamlText.toUtf8());
        }
        // skopeo sync names the copy <destination>/<the last part of the path>: the YAML says team.
        const Run synced = run(QStringLiteral("skopeo"),
                               {QStringLiteral("sync"), QStringLiteral("--all"), QStringLiteral("--src"), QStringLiteral("yaml"),
                                QStringLiteral("--dest"), QStringLiteral("docker"), QStringLiteral("--dest-tls-verify=false"), yaml,
                                m_farm->doorHostPort(QStringLiteral("gsoci")) + QStringLiteral("/synced/team")});
        QVERIFY2(synced.exitCode == 0, synced.err.constData());
        QCOMPARE(raw(QStringLiteral("gsoci"), QStringLiteral("synced/team/app"), QStringLiteral("7.0.0")),
                 raw(QStringLiteral("hub"), QStringLiteral("team/app"), QStringLiteral("7.0.0")));
        // Executing it afterwards finds the tag there already.
        QCOMPARE(statesByTag(execute(db, id)).value(QStringLiteral("7.0.0")), QStringLiteral("already-present"));
    }
};

FERRY_TEST_MAIN(TestCopy)
#include "tst_copy.moc"
