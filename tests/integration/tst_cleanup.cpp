// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Cleanup batches end to end against real registries: plan, review, approve, execute,
// kill and resume. Every test asserts on what is actually left in the registries,
// read with a probe that does not use Ferry (registry_probe.py).
#include "fakeserver.h"
#include "registryfarm.h"
#include "testmain.h"
#include "teststore.h"
#include "testutil.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QThread>

#include <csignal>

using namespace ferry::test;

namespace {

struct Held
{
    QMap<QString, QString> tags; // tag -> digest
    QMap<QString, int> digests; // digest -> HEAD status
};

QJsonObject seededEntry(const QJsonArray &seeded, const QString &kind, const QString &tagPart = {}, int nth = 0)
{
    int n = 0;
    for (const QJsonValue &v : seeded) {
        const QJsonObject o = v.toObject();
        if (o.value(QStringLiteral("kind")).toString() == kind && o.value(QStringLiteral("tag")).toString().contains(tagPart) && n++ == nth)
            return o;
    }
    return {};
}

} // namespace

class TestCleanup : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<RegistryFarm> m_farm;
    QString m_gsoci, m_old;
    QString m_plan, m_db;
    QJsonArray m_seeded; // gsoci: base content plus the dev scenario
    QJsonArray m_bulk; // gsoci: team/bulk
    qint64 m_bulkBatch = 0;

    Run ferryctl(const QStringList &args) const { return run(ferryctlPath(), args); }

    Held probe(const QString &registry, const QString &repo, const QStringList &digests = {}) const
    {
        const Run r = run(QStringLiteral("/usr/bin/python3"),
                          QStringList{QDir(supportDir()).filePath(QStringLiteral("registry_probe.py")), QStringLiteral("--registry"),
                                      registry, QStringLiteral("--repo"), repo, QStringLiteral("--digests")} +
                              digests);
        Held h;
        if (r.exitCode != 0) {
            qWarning("probe failed: %s", r.err.constData());
            return h;
        }
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        const QJsonObject tags = o.value(QStringLiteral("tags")).toObject();
        for (auto it = tags.begin(); it != tags.end(); ++it)
            h.tags.insert(it.key(), it.value().toString());
        const QJsonObject ds = o.value(QStringLiteral("digests")).toObject();
        for (auto it = ds.begin(); it != ds.end(); ++it)
            h.digests.insert(it.key(), it.value().toInt());
        return h;
    }

    QString writeFile(const QString &name, const QString &text) const
    {
        const QString path = QDir(m_farm->dir()).filePath(name);
        QFile f(path);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(text.toUtf8());
        return path;
    }

    QString gsociPlan(const QString &name, const QString &registryOptions = {}) const
    {
        return writeFile(name,
                         QStringLiteral("version: 1\n"
                                        "name: cleanup\n"
                                        "registries:\n"
                                        "  gsoci: { %1, role: target%2 }\n"
                                        "images:\n"
                                        "  - repositories: gsoci/team/*\n"
                                        "cleanup:\n"
                                        "  protect:\n"
                                        "    tags: ['^latest$', '^\\d+\\.\\d+\\.\\d+$']\n"
                                        "  policies:\n"
                                        "    - name: dev-builds\n"
                                        "      kind: dev-tags\n"
                                        "      registry: gsoci\n"
                                        "      repositories: team/app\n"
                                        "      older-than: 30d\n"
                                        "      keep-newest: 2\n"
                                        "    - name: stale-signatures\n"
                                        "      kind: tags\n"
                                        "      registry: gsoci\n"
                                        "      repositories: team/app\n"
                                        "      pattern: '^sha256-[0-9a-f]{64}\\.sig$'\n"
                                        "    - name: bulk\n"
                                        "      kind: dev-tags\n"
                                        "      registry: gsoci\n"
                                        "      repositories: team/bulk\n"
                                        "      older-than: 30d\n")
                             .arg(m_farm->planFields(QStringLiteral("gsoci")), registryOptions));
    }

    QJsonObject planJson(const QString &plan, const QString &db, const QStringList &extra, int expectExit = 0)
    {
        const Run r = ferryctl(QStringList{QStringLiteral("cleanup"), QStringLiteral("plan"), QStringLiteral("--plan"), plan,
                                           QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")} +
                               extra);
        if (r.exitCode != expectExit)
            qWarning("cleanup plan exited %d: %s", r.exitCode, r.err.constData());
        return r.exitCode == expectExit ? QJsonDocument::fromJson(r.out).object() : QJsonObject();
    }

    QJsonObject show(qint64 batch, const QString &db) const
    {
        const Run r = ferryctl({QStringLiteral("cleanup"), QStringLiteral("show"), QString::number(batch), QStringLiteral("--db"), db,
                                QStringLiteral("--format"), QStringLiteral("json")});
        return QJsonDocument::fromJson(r.out).object();
    }

    static QJsonObject batchFor(const QJsonObject &plan, const QString &repository)
    {
        for (const QJsonValue &b : plan.value(QStringLiteral("batches")).toArray())
            if (b.toObject().value(QStringLiteral("repository")).toString() == repository)
                return b.toObject();
        return {};
    }

    // seq -> state of a run's JSON output
    static QMap<int, QString> runStates(const QByteArray &json)
    {
        QMap<int, QString> out;
        const QJsonArray runs = QJsonDocument::fromJson(json).array();
        for (const QJsonValue &item : runs.at(0).toObject().value(QStringLiteral("items")).toArray())
            out.insert(item.toObject().value(QStringLiteral("seq")).toInt(), item.toObject().value(QStringLiteral("state")).toString());
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        FERRY_REQUIRE_REGISTRY_TOOLS();
        m_farm = std::make_unique<RegistryFarm>();
        QString error;
        QVERIFY2(m_farm->startNamed(QStringLiteral("gsoci"), &error), qPrintable(error));
        QVERIFY2(m_farm->startNamed(QStringLiteral("old"), &error), qPrintable(error));
        // Probes, copies and the concurrent deleter use the plain doors; Ferry plans,
        // re-verifies and deletes through the shaped fronts (FERRY_TEST_SHAPE).
        m_gsoci = m_farm->doorHostPort(QStringLiteral("gsoci"));
        m_old = m_farm->doorHostPort(QStringLiteral("old"));
        m_farm->exportCredentials();
        QVERIFY2(m_farm->seedNamed(QStringLiteral("gsoci"), QStringLiteral("a"), &error, {QStringLiteral("--dev-tags")}),
                 qPrintable(error));
        m_seeded = m_farm->seeded();
        QVERIFY2(m_farm->seedNamed(QStringLiteral("gsoci"), QStringLiteral("a"), &error,
                                   {QStringLiteral("--only-extras"), QStringLiteral("--bulk"), QStringLiteral("12")}),
                 qPrintable(error));
        m_bulk = m_farm->seeded();
        QCOMPARE(m_bulk.size(), 12);
        m_plan = gsociPlan(QStringLiteral("plan.yaml"));
        m_db = testStore(QDir(m_farm->dir()).filePath(QStringLiteral("cleanup.db")));
    }

    void cleanupTestCase() { m_farm.reset(); }

    // The policies propose, the safety checks hold back, approval and execution delete
    // exactly the approved items; a tag moved after approval is skipped.
    void batchDeletesExactlyItsApprovedItems()
    {
        const QJsonObject plan = planJson(
            m_plan, m_db,
            {QStringLiteral("--policy"), QStringLiteral("dev-builds"), QStringLiteral("--policy"), QStringLiteral("stale-signatures")});
        const QJsonObject batch = batchFor(plan, QStringLiteral("team/app"));
        QVERIFY2(!batch.isEmpty(), "no batch for team/app");
        const qint64 id = batch.value(QStringLiteral("id")).toInteger();
        const QJsonObject shown = show(id, m_db);
        QVERIFY(shown.value(QStringLiteral("hashMatches")).toBool());

        QStringList mainDigests;
        for (int i = 0; i < 4; ++i) // main builds 40, 39, 38 and 37 days old; 36 and 1 are the newest two
            mainDigests << seededEntry(m_seeded, QStringLiteral("dev-image"), QStringLiteral(".main."), i)
                               .value(QStringLiteral("digest"))
                               .toString();
        const QString sigOfOldest =
            seededEntry(m_seeded, QStringLiteral("cosign-signature-of-dev")).value(QStringLiteral("digest")).toString();
        const QString child = seededEntry(m_seeded, QStringLiteral("dev-on-child")).value(QStringLiteral("digest")).toString();
        const QString shared = seededEntry(m_seeded, QStringLiteral("dev-shared")).value(QStringLiteral("digest")).toString();
        const QString indexSig = seededEntry(m_seeded, QStringLiteral("cosign-signature")).value(QStringLiteral("digest")).toString();
        const QString index =
            seededEntry(m_seeded, QStringLiteral("oci-index"), QStringLiteral("2.0.0")).value(QStringLiteral("digest")).toString();

        QSet<QString> deletes, keeps;
        QMap<QString, QString> holdReasons;
        QMap<QString, int> seqOf;
        for (const QJsonValue &v : shown.value(QStringLiteral("items")).toArray()) {
            const QJsonObject item = v.toObject();
            const QString d = item.value(QStringLiteral("digest")).toString();
            seqOf.insert(d, item.value(QStringLiteral("seq")).toInt());
            if (item.value(QStringLiteral("action")).toString() == u"delete")
                deletes.insert(d);
            else {
                keeps.insert(d);
                holdReasons.insert(d, item.value(QStringLiteral("holdReason")).toString());
            }
        }
        QCOMPARE(deletes, QSet<QString>(mainDigests.begin(), mainDigests.end()) + QSet<QString>{sigOfOldest});
        QCOMPARE(keeps, (QSet<QString>{child, shared, indexSig}));
        QVERIFY2(holdReasons.value(child).contains(QStringLiteral("child of the kept index")), qPrintable(holdReasons.value(child)));
        QVERIFY2(holdReasons.value(shared).contains(QStringLiteral("protected tag '1.1.0'")), qPrintable(holdReasons.value(shared)));
        QVERIFY2(holdReasons.value(indexSig).contains(QStringLiteral("cosign .sig of the kept image")),
                 qPrintable(holdReasons.value(indexSig)));
        QVERIFY2(seqOf.value(sigOfOldest) > seqOf.value(mainDigests.first()), "a signature goes after the image it signs");

        // Not approved: refused, and nothing happens.
        const Run early =
            ferryctl({QStringLiteral("cleanup"), QStringLiteral("execute"), QString::number(id), QStringLiteral("--db"), m_db});
        QCOMPARE(early.exitCode, 6);
        QVERIFY(early.err.contains("not approved"));
        QCOMPARE(probe(m_gsoci, QStringLiteral("team/app"), mainDigests).digests.values(), (QList<int>{200, 200, 200, 200}));

        const Run approve =
            ferryctl({QStringLiteral("cleanup"), QStringLiteral("approve"), QString::number(id), QStringLiteral("--db"), m_db,
                      QStringLiteral("--as"), QStringLiteral("lead"), QStringLiteral("--comment"), QStringLiteral("dev builds of October"),
                      QStringLiteral("--hash"), batch.value(QStringLiteral("hash")).toString()});
        QVERIFY2(approve.exitCode == 0, approve.err.constData());
        const QJsonObject approved = show(id, m_db);
        QCOMPARE(approved.value(QStringLiteral("status")).toString(), QStringLiteral("approved"));
        QCOMPARE(approved.value(QStringLiteral("decidedBy")).toString(), QStringLiteral("lead"));
        QCOMPARE(approved.value(QStringLiteral("decidedHash")).toString(), batch.value(QStringLiteral("hash")).toString());

        // After approval someone re-points the main build of 37 days at another image.
        const QString movedTag =
            seededEntry(m_seeded, QStringLiteral("dev-image"), QStringLiteral(".main."), 3).value(QStringLiteral("tag")).toString();
        const Run copy = run(QStringLiteral("skopeo"),
                             {QStringLiteral("copy"), QStringLiteral("--quiet"), QStringLiteral("--src-tls-verify=false"),
                              QStringLiteral("--dest-tls-verify=false"), QStringLiteral("docker://%1/team/app:1.0.0").arg(m_gsoci),
                              QStringLiteral("docker://%1/team/app:%2").arg(m_gsoci, movedTag)});
        QVERIFY2(copy.exitCode == 0, copy.err.constData());
        const Held before = probe(m_gsoci, QStringLiteral("team/app"));

        // Dry run and real run: the same plan, the same decisions.
        const Run dry = ferryctl({QStringLiteral("cleanup"), QStringLiteral("execute"), QString::number(id), QStringLiteral("--db"), m_db,
                                  QStringLiteral("--dry-run"), QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(dry.exitCode == 0, dry.err.constData());
        QCOMPARE(probe(m_gsoci, QStringLiteral("team/app")).tags, before.tags);
        const Run real = ferryctl({QStringLiteral("cleanup"), QStringLiteral("execute"), QString::number(id), QStringLiteral("--db"), m_db,
                                   QStringLiteral("--as"), QStringLiteral("lead"), QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(real.exitCode == 0, real.err.constData());
        const QMap<int, QString> dryStates = runStates(dry.out), realStates = runStates(real.out);
        QCOMPARE(dryStates.keys(), realStates.keys());
        for (auto it = dryStates.begin(); it != dryStates.end(); ++it) {
            const QString expected = it.value() == u"would-delete" ? QStringLiteral("deleted") : it.value();
            QCOMPARE(realStates.value(it.key()), expected);
        }
        QCOMPARE(realStates.value(seqOf.value(mainDigests.at(3))), QStringLiteral("skipped"));
        QCOMPARE(realStates.values().count(QStringLiteral("deleted")), 4);

        // What is left: everything but the four deleted digests and their tags.
        const Held after = probe(
            m_gsoci, QStringLiteral("team/app"),
            {mainDigests.at(0), mainDigests.at(1), mainDigests.at(2), mainDigests.at(3), sigOfOldest, child, shared, index, indexSig});
        QMap<QString, QString> expectedTags = before.tags;
        for (auto it = before.tags.begin(); it != before.tags.end(); ++it)
            if (it.value() == mainDigests.at(0) || it.value() == mainDigests.at(1) || it.value() == mainDigests.at(2) ||
                it.value() == sigOfOldest)
                expectedTags.remove(it.key());
        QCOMPARE(after.tags, expectedTags);
        for (const QString &gone : {mainDigests.at(0), mainDigests.at(1), mainDigests.at(2), sigOfOldest})
            QCOMPARE(after.digests.value(gone), 404);
        for (const QString &kept : {mainDigests.at(3), child, shared, index, indexSig})
            QCOMPARE(after.digests.value(kept), 200);
        QVERIFY(after.tags.value(movedTag) != mainDigests.at(3));

        const QJsonObject done = show(id, m_db);
        QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("executed"));
        const Run audit = ferryctl({QStringLiteral("cleanup"), QStringLiteral("audit"), QStringLiteral("--db"), m_db,
                                    QStringLiteral("--format"), QStringLiteral("csv")});
        QCOMPARE(audit.exitCode, 0);
        QVERIFY(audit.out.startsWith("at,actor,action,batch,detail\n"));
        const QByteArray b = QByteArray::number(id);
        QVERIFY(audit.out.contains(QByteArray(",lead,approve," + b + ",")));
        QVERIFY(audit.out.contains(QByteArray(",dry-run," + b + ",")));
        QVERIFY(audit.out.contains(QByteArray(",lead,execute finished," + b + ",")));
    }

    // A batch whose stored items were altered after approval is refused.
    void tamperedBatchIsRefused()
    {
        const QJsonObject plan = planJson(m_plan, m_db, {QStringLiteral("--policy"), QStringLiteral("bulk")});
        const QJsonObject batch = batchFor(plan, QStringLiteral("team/bulk"));
        m_bulkBatch = batch.value(QStringLiteral("id")).toInteger();
        QCOMPARE(batch.value(QStringLiteral("deleteItems")).toInt(), 12);
        const Run approve = ferryctl({QStringLiteral("cleanup"), QStringLiteral("approve"), QString::number(m_bulkBatch),
                                      QStringLiteral("--db"), m_db, QStringLiteral("--as"), QStringLiteral("lead")});
        QVERIFY2(approve.exitCode == 0, approve.err.constData());

        const Held before = probe(m_gsoci, QStringLiteral("team/bulk"));
        QCOMPARE(before.tags.size(), 12);
        QString original;
        {
            QSqlDatabase db = addStoreConnection(m_db, QStringLiteral("tamper"));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT digest FROM cleanup_items WHERE batch=%1 AND seq=1").arg(m_bulkBatch)) && q.next());
            original = q.value(0).toString();
            q.finish();
            // Someone swaps the first item for the digest of a stable release.
            const QString stable = seededEntry(m_seeded, QStringLiteral("oci-image")).value(QStringLiteral("digest")).toString();
            QVERIFY(q.exec(QStringLiteral("UPDATE cleanup_items SET digest='%1' WHERE batch=%2 AND seq=1").arg(stable).arg(m_bulkBatch)));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
        const Run refused =
            ferryctl({QStringLiteral("cleanup"), QStringLiteral("execute"), QString::number(m_bulkBatch), QStringLiteral("--db"), m_db});
        QCOMPARE(refused.exitCode, 6);
        QVERIFY2(refused.err.contains("altered after planning"), refused.err.constData());
        QCOMPARE(probe(m_gsoci, QStringLiteral("team/bulk")).tags, before.tags);
        QVERIFY(show(m_bulkBatch, m_db).value(QStringLiteral("hashMatches")).toBool() == false);
        {
            QSqlDatabase db = addStoreConnection(m_db, QStringLiteral("restore"));
            QVERIFY(db.open());
            QVERIFY(QSqlQuery(db).exec(
                QStringLiteral("UPDATE cleanup_items SET digest='%1' WHERE batch=%2 AND seq=1").arg(original).arg(m_bulkBatch)));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("restore"));
        QVERIFY(show(m_bulkBatch, m_db).value(QStringLiteral("hashMatches")).toBool());
    }

    // Items of a batch in a given state, read from the database as the test's own reader.
    int itemsIn(qint64 batch, const QString &state) const
    {
        QSqlDatabase db = addStoreConnection(m_db, QStringLiteral("count"));
        int n = -1;
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT COUNT(*) FROM cleanup_items WHERE batch=%1 AND state='%2'").arg(batch).arg(state)) &&
                q.next())
                n = q.value(0).toInt();
        }
        db = {};
        QSqlDatabase::removeDatabase(QStringLiteral("count"));
        return n;
    }

    // SIGINT during a paced run: the engine is waiting (between items, or for a reply) on
    // its thread's event loop, so the stop is taken at once; the item in flight finishes,
    // the run is journaled as stopped, and the command exits 130. Nothing is left
    // "sending". The next test finishes the batch.
    void interruptedRunStopsBetweenItems()
    {
        QVERIFY(m_bulkBatch > 0);
        QProcess p;
        p.setProgram(ferryctlPath());
        p.setArguments({QStringLiteral("cleanup"), QStringLiteral("execute"), QString::number(m_bulkBatch), QStringLiteral("--db"), m_db,
                        QStringLiteral("--pace"), QStringLiteral("2s"), QStringLiteral("--format"), QStringLiteral("json")});
        p.start();
        QVERIFY(p.waitForStarted());
        QElapsedTimer t;
        t.start();
        while (itemsIn(m_bulkBatch, QStringLiteral("deleted")) < 1 && t.elapsed() < 60'000 && p.state() == QProcess::Running)
            QTest::qWait(50);
        QVERIFY2(p.state() == QProcess::Running, "the run ended before it could be interrupted; raise --pace");
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(30'000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        const QJsonObject runJson = QJsonDocument::fromJson(p.readAllStandardOutput()).array().at(0).toObject();
        QVERIFY(runJson.value(QStringLiteral("stopped")).toBool());
        const int deleted = itemsIn(m_bulkBatch, QStringLiteral("deleted"));
        QVERIFY2(deleted >= 1 && deleted < 12, qPrintable(QString::number(deleted)));
        QCOMPARE(itemsIn(m_bulkBatch, QStringLiteral("sending")), 0);
        const QJsonObject shown = show(m_bulkBatch, m_db);
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("executing"));
        const QJsonArray runs = shown.value(QStringLiteral("runs")).toArray();
        const QJsonObject last = runs.at(runs.size() - 1).toObject();
        QCOMPARE(last.value(QStringLiteral("status")).toString(), QStringLiteral("stopped"));
        QVERIFY2(last.value(QStringLiteral("summary")).toString().contains(QStringLiteral("stopped by the operator")),
                 QJsonDocument(last).toJson().constData());
    }

    // SIGKILL in the middle of a batch, one DELETE in flight; resume accounts for every
    // item exactly once.
    void killedRunResumesWithEveryItemOnce()
    {
        QVERIFY(m_bulkBatch > 0);
        const int deletedBeforeRun = itemsIn(m_bulkBatch, QStringLiteral("deleted"));
        QProcess p;
        p.setProgram(ferryctlPath());
        p.setArguments({QStringLiteral("cleanup"), QStringLiteral("execute"), QString::number(m_bulkBatch), QStringLiteral("--db"), m_db,
                        QStringLiteral("--pace"), QStringLiteral("400ms")});
        p.start();
        QVERIFY(p.waitForStarted());
        auto countDeleted = [&] { return itemsIn(m_bulkBatch, QStringLiteral("deleted")); };
        QElapsedTimer t;
        t.start();
        while (countDeleted() < deletedBeforeRun + 2 && t.elapsed() < 60'000 && p.state() == QProcess::Running)
            QTest::qWait(50);
        QVERIFY2(p.state() == QProcess::Running, "the run ended before it could be killed; raise --pace");
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(10'000));
        const int deletedBeforeKill = countDeleted();
        QVERIFY(deletedBeforeKill >= deletedBeforeRun + 2 && deletedBeforeKill < 12);

        // The next item was in flight: its DELETE reached the registry, the journal said
        // "sending", and then the process died.
        QString inflightDigest;
        int inflightSeq = 0;
        {
            QSqlDatabase db = addStoreConnection(m_db, QStringLiteral("inflight"));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(
                q.exec(
                    QStringLiteral(
                        "SELECT seq, digest FROM cleanup_items WHERE batch=%1 AND action='delete' AND state='planned' ORDER BY seq LIMIT 1")
                        .arg(m_bulkBatch)) &&
                q.next());
            inflightSeq = q.value(0).toInt();
            inflightDigest = q.value(1).toString();
            q.finish();
            QVERIFY(q.exec(QStringLiteral("SELECT MAX(id) FROM cleanup_runs WHERE batch=%1").arg(m_bulkBatch)) && q.next());
            const qint64 run = q.value(0).toLongLong();
            q.finish();
            QVERIFY(q.exec(QStringLiteral("INSERT INTO cleanup_journal(run, batch, seq, at, state, http_status, message) VALUES(%1, %2, "
                                          "%3, 0, 'sending', 0, 'DELETE')")
                               .arg(run)
                               .arg(m_bulkBatch)
                               .arg(inflightSeq)));
            QVERIFY(q.exec(
                QStringLiteral("UPDATE cleanup_items SET state='sending' WHERE batch=%1 AND seq=%2").arg(m_bulkBatch).arg(inflightSeq)));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("inflight"));
        const Run del =
            run(QStringLiteral("/usr/bin/python3"),
                {QStringLiteral("-c"),
                 QStringLiteral("import urllib.request as u; u.urlopen(u.Request('http://%1/v2/team/bulk/manifests/%2', method='DELETE'))")
                     .arg(m_gsoci, inflightDigest)});
        QVERIFY2(del.exitCode == 0, del.err.constData());

        const Run resume =
            ferryctl({QStringLiteral("cleanup"), QStringLiteral("resume"), QStringLiteral("--db"), m_db, QStringLiteral("--plan"), m_plan});
        QVERIFY2(resume.exitCode == 0, QByteArray(resume.err + resume.out).constData());

        const QJsonObject shown = show(m_bulkBatch, m_db);
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("executed"));
        QSet<qint64> dryRuns;
        for (const QJsonValue &r : shown.value(QStringLiteral("runs")).toArray())
            if (r.toObject().value(QStringLiteral("dryRun")).toBool())
                dryRuns.insert(r.toObject().value(QStringLiteral("id")).toInteger());
        QMap<int, int> finals;
        for (const QJsonValue &e : shown.value(QStringLiteral("journal")).toArray()) {
            const QJsonObject o = e.toObject();
            const QString state = o.value(QStringLiteral("state")).toString();
            if (!dryRuns.contains(o.value(QStringLiteral("run")).toInteger()) && state != u"sending" && state != u"planned")
                finals[o.value(QStringLiteral("seq")).toInt()]++;
        }
        QCOMPARE(finals.size(), 12);
        for (auto it = finals.begin(); it != finals.end(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(QStringLiteral("item %1 has %2 final journal entries").arg(it.key()).arg(it.value())));
        for (const QJsonValue &v : shown.value(QStringLiteral("items")).toArray()) {
            const QJsonObject item = v.toObject();
            QCOMPARE(item.value(QStringLiteral("state")).toString(), QStringLiteral("deleted"));
            if (item.value(QStringLiteral("seq")).toInt() == inflightSeq)
                QVERIFY(item.value(QStringLiteral("outcome")).toString().contains(QStringLiteral("in flight")));
        }
        QStringList digests;
        for (const QJsonValue &v : std::as_const(m_bulk))
            digests << v.toObject().value(QStringLiteral("digest")).toString();
        const Held after = probe(m_gsoci, QStringLiteral("team/bulk"), digests);
        QVERIFY(after.tags.isEmpty());
        for (const QString &d : std::as_const(digests))
            QCOMPARE(after.digests.value(d), 404);
        bool interrupted = false;
        for (const QJsonValue &r : shown.value(QStringLiteral("runs")).toArray())
            interrupted = interrupted || r.toObject().value(QStringLiteral("status")).toString() == u"interrupted";
        QVERIFY(interrupted);
    }

    // team/bulk filled again (salt names the content) and one approved batch of its 12 builds.
    qint64 approvedBulkBatch(const QString &salt, QStringList *digests)
    {
        QString error;
        if (!m_farm->seedNamed(QStringLiteral("gsoci"), salt, &error,
                               {QStringLiteral("--only-extras"), QStringLiteral("--bulk"), QStringLiteral("12")})) {
            qWarning("seeding failed: %s", qPrintable(error));
            return 0;
        }
        for (const QJsonValue &v : m_farm->seeded())
            *digests << v.toObject().value(QStringLiteral("digest")).toString();
        const QJsonObject batch =
            batchFor(planJson(m_plan, m_db, {QStringLiteral("--policy"), QStringLiteral("bulk")}), QStringLiteral("team/bulk"));
        const qint64 id = batch.value(QStringLiteral("id")).toInteger();
        const Run approve = ferryctl({QStringLiteral("cleanup"), QStringLiteral("approve"), QString::number(id), QStringLiteral("--db"),
                                      m_db, QStringLiteral("--as"), QStringLiteral("lead"), QStringLiteral("--hash"),
                                      batch.value(QStringLiteral("hash")).toString()});
        if (approve.exitCode != 0)
            qWarning("approve failed: %s", approve.err.constData());
        return approve.exitCode == 0 ? id : 0;
    }

    // Started at once, each a process of its own (on PostgreSQL: sessions of one shared store,
    // as on machines of their own); returns their results in order.
    QList<Run> race(const QList<QStringList> &commands)
    {
        std::vector<std::unique_ptr<QProcess>> ps;
        for (const QStringList &args : commands) {
            ps.push_back(std::make_unique<QProcess>());
            ps.back()->start(ferryctlPath(), args);
        }
        QList<Run> out;
        for (auto &p : ps) {
            Run r;
            if (!p->waitForFinished(120'000))
                p->kill();
            p->waitForFinished(5000);
            r.exitCode = p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -1;
            r.out = p->readAllStandardOutput();
            r.err = p->readAllStandardError();
            out << r;
        }
        return out;
    }

    // Two executors and a resume race on one approved batch: one run sends every DELETE, the
    // others are refused, and each item has one final entry in the journal.
    void racingExecutorsDeleteEachItemOnce()
    {
        QStringList digests;
        const qint64 id = approvedBulkBatch(QStringLiteral("race"), &digests);
        QVERIFY(id > 0);
        QCOMPARE(digests.size(), 12);
        const QStringList execute{QStringLiteral("cleanup"), QStringLiteral("execute"), QString::number(id), QStringLiteral("--db"), m_db,
                                  QStringLiteral("--pace"),  QStringLiteral("150ms")};
        const QList<Run> runs =
            race({execute,
                  execute,
                  {QStringLiteral("cleanup"), QStringLiteral("resume"), QStringLiteral("--db"), m_db, QStringLiteral("--plan"), m_plan}});
        int executed = 0;
        for (int i = 0; i < 2; ++i) {
            if (runs[i].exitCode == 0) {
                ++executed;
                continue;
            }
            QCOMPARE(runs[i].exitCode, 6);
            QVERIFY2(runs[i].err.contains("being executed by another process") || runs[i].err.contains("executed, not approved"),
                     runs[i].err.constData());
        }
        QCOMPARE(executed, 1);
        qInfo("refused: %s | %s", runs[0].exitCode ? runs[0].err.trimmed().constData() : runs[1].err.trimmed().constData(),
              runs[2].err.trimmed().isEmpty() ? "resume had nothing to do" : runs[2].err.trimmed().constData());
        QVERIFY2(runs[2].exitCode == 0 || runs[2].err.contains("being executed by another process"), runs[2].err.constData());

        const QJsonObject shown = show(id, m_db);
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("executed"));
        QMap<int, int> finals;
        QSet<qint64> sendingRuns;
        for (const QJsonValue &e : shown.value(QStringLiteral("journal")).toArray()) {
            const QJsonObject o = e.toObject();
            const QString state = o.value(QStringLiteral("state")).toString();
            if (state == u"sending")
                sendingRuns.insert(o.value(QStringLiteral("run")).toInteger());
            else if (state != u"planned")
                finals[o.value(QStringLiteral("seq")).toInt()]++;
        }
        QCOMPARE(sendingRuns.size(), 1); // one run sent every DELETE
        int deletes = 0; // the 12 seeded here, and team/bulk's first 12 when this runs alone
        for (const QJsonValue &v : shown.value(QStringLiteral("items")).toArray())
            deletes += v.toObject().value(QStringLiteral("action")).toString() == u"delete";
        QVERIFY(deletes >= 12);
        QCOMPARE(finals.size(), deletes);
        for (auto it = finals.begin(); it != finals.end(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(QStringLiteral("item %1 has %2 final journal entries").arg(it.key()).arg(it.value())));
        for (const QJsonValue &v : shown.value(QStringLiteral("items")).toArray())
            QCOMPARE(v.toObject().value(QStringLiteral("state")).toString(), QStringLiteral("deleted"));
        const Held after = probe(m_gsoci, QStringLiteral("team/bulk"), digests);
        for (const QString &d : std::as_const(digests))
            QCOMPARE(after.digests.value(d), 404);
    }

    // A rejection and an execution race: either the rejection wins and nothing is deleted, or
    // the run wins and the rejection is refused. Never a rejected batch with deleted items.
    void aRejectionIsNeverOvertakenByARun()
    {
        QStringList digests;
        const qint64 id = approvedBulkBatch(QStringLiteral("reject-race"), &digests);
        QVERIFY(id > 0);
        const QList<Run> runs =
            race({{QStringLiteral("cleanup"), QStringLiteral("execute"), QString::number(id), QStringLiteral("--db"), m_db,
                   QStringLiteral("--pace"), QStringLiteral("100ms")},
                  {QStringLiteral("cleanup"), QStringLiteral("reject"), QString::number(id), QStringLiteral("--db"), m_db,
                   QStringLiteral("--as"), QStringLiteral("second-reviewer"), QStringLiteral("--comment"), QStringLiteral("not yet")}});
        const QJsonObject shown = show(id, m_db);
        const QString status = shown.value(QStringLiteral("status")).toString();
        int deleted = 0;
        for (const QJsonValue &v : shown.value(QStringLiteral("items")).toArray())
            deleted += v.toObject().value(QStringLiteral("state")).toString() == u"deleted";
        const Held after = probe(m_gsoci, QStringLiteral("team/bulk"), digests);
        int gone = 0;
        for (const QString &d : std::as_const(digests))
            gone += after.digests.value(d) == 404;
        QVERIFY(gone <= deleted); // what the registry lost, the store says it deleted
        qInfo("%s went first; %d of 12 deleted", runs[1].exitCode == 0 ? "the rejection" : "the run", deleted);
        if (runs[1].exitCode == 0) { // the rejection went first: the run never started
            QCOMPARE(status, QStringLiteral("rejected"));
            QCOMPARE(runs[0].exitCode, 6);
            QCOMPARE(deleted, 0);
            QCOMPARE(gone, 0);
        } else { // the run went first: an executing batch cannot be rejected
            QVERIFY2(runs[1].err.contains("executing") || runs[1].err.contains("executed") || runs[1].err.contains("changed meanwhile"),
                     runs[1].err.constData());
            QCOMPARE(status, QStringLiteral("executed"));
            QVERIFY(deleted >= 12);
            QCOMPARE(gone, 12);
        }
    }

    // A listing cut short can drive no deletion. Debian's registry ignores ?n=, so a
    // scripted registry serves page 1 of 2 and then fails page 2.
    void incompleteListingCannotBeExecuted()
    {
        QMap<QString, QByteArray> manifests; // digest -> body
        QMap<QString, QString> tagDigest;
        for (int i = 0; i < 4; ++i) {
            const QString tag = QStringLiteral("0.2.0-dev.main.2025-01-0%1.10-00-00.h000000%1").arg(i + 1);
            const QByteArray body =
                QStringLiteral(
                    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                    R"("config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},)"
                    R"("layers":[],"annotations":{"tag":"%1"}})")
                    .arg(tag)
                    .toUtf8();
            const QString digest =
                QStringLiteral("sha256:") + QString::fromLatin1(QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex());
            manifests.insert(digest, body);
            tagDigest.insert(tag, digest);
        }
        FakeServer server([&](const FakeRequest &r) {
            const QString path = r.pathOnly();
            if (path == u"/v2/")
                return FakeResponse::json(200, "{}");
            if (path == u"/v2/team/bulk/tags/list") {
                if (r.query().hasQueryItem(QStringLiteral("last")))
                    return FakeResponse::json(404, R"({"errors":[{"code":"NAME_UNKNOWN"}]})");
                const QStringList first = tagDigest.keys().mid(0, 2);
                return FakeResponse::json(200,
                                          QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("team/bulk")},
                                                                    {QStringLiteral("tags"), QJsonArray::fromStringList(first)}})
                                              .toJson())
                    .with("Link", QStringLiteral("</v2/team/bulk/tags/list?n=2&last=%1>; rel=\"next\"").arg(first.last()).toUtf8());
            }
            const QString ref = path.section(u'/', -1);
            const QString digest = tagDigest.value(ref, ref);
            if (!manifests.contains(digest))
                return FakeResponse::json(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN"}]})");
            FakeResponse ok = FakeResponse::json(200, r.method == "HEAD" ? QByteArray() : manifests.value(digest));
            ok.headers = {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}, {"Docker-Content-Digest", digest.toUtf8()}};
            return ok;
        });
        const QString plan = writeFile(QStringLiteral("cut.yaml"),
                                       QStringLiteral("version: 1\n"
                                                      "registries:\n"
                                                      "  gsoci: { url: http://%1, role: target }\n"
                                                      "cleanup:\n"
                                                      "  policies:\n"
                                                      "    - { name: bulk, kind: dev-tags, registry: gsoci, repositories: team/bulk }\n")
                                           .arg(server.hostPort()));
        const QString db = QDir(m_farm->dir()).filePath(QStringLiteral("cut.db"));
        const QJsonObject planned = planJson(plan, db, {}, 4);
        QVERIFY(planned.value(QStringLiteral("errors")).toArray().first().toString().contains(QStringLiteral("incomplete")));
        const QJsonObject batch = batchFor(planned, QStringLiteral("team/bulk"));
        QVERIFY(!batch.isEmpty());
        QCOMPARE(batch.value(QStringLiteral("listingComplete")).toBool(), false);
        QCOMPARE(batch.value(QStringLiteral("deleteItems")).toInt(), 2);
        const QString id = QString::number(batch.value(QStringLiteral("id")).toInteger());
        const Run approve = ferryctl({QStringLiteral("cleanup"), QStringLiteral("approve"), id, QStringLiteral("--db"), db,
                                      QStringLiteral("--as"), QStringLiteral("lead")});
        QCOMPARE(approve.exitCode, 6);
        QVERIFY(approve.err.contains("incomplete listing"));
        for (const QStringList &extra : {QStringList{}, QStringList{QStringLiteral("--dry-run")}}) {
            const Run exec =
                ferryctl(QStringList{QStringLiteral("cleanup"), QStringLiteral("execute"), id, QStringLiteral("--db"), db} + extra);
            QCOMPARE(exec.exitCode, 6);
            QVERIFY2(exec.err.contains("incomplete listing"), exec.err.constData());
        }
        for (const FakeRequest &r : server.requests())
            QVERIFY2(r.method != "DELETE", r.path.constData());
    }

    // A legacy registry is emptied only of what the target verifiably holds.
    void legacyContentGoesOnlyWhenVerifiedInTarget()
    {
        QString error;
        QVERIFY2(m_farm->seedNamed(QStringLiteral("old"), QStringLiteral("a"), &error,
                                   {QStringLiteral("--image"), QStringLiteral("team/app:0.9.0")}),
                 qPrintable(error));
        const QString plan = writeFile(QStringLiteral("legacy.yaml"),
                                       QStringLiteral("version: 1\n"
                                                      "registries:\n"
                                                      "  gsoci: { %1, role: target }\n"
                                                      "  old:   { %2, role: legacy }\n"
                                                      "images:\n"
                                                      "  - repositories: gsoci/team/*\n"
                                                      "cleanup:\n"
                                                      "  policies:\n"
                                                      "    - { name: retire-old, kind: legacy, registry: old }\n")
                                           .arg(m_farm->planFields(QStringLiteral("gsoci")), m_farm->planFields(QStringLiteral("old"))));
        const QString db = QDir(m_farm->dir()).filePath(QStringLiteral("legacy.db"));
        const Held targetBefore = probe(m_gsoci, QStringLiteral("team/app"));
        const QJsonObject planned = planJson(plan, db, {});
        const QJsonObject batch = batchFor(planned, QStringLiteral("team/app"));
        QVERIFY(!batch.isEmpty());
        const QString id = QString::number(batch.value(QStringLiteral("id")).toInteger());
        const QJsonObject shown = show(id.toLongLong(), db);
        const QString only = seededEntry(m_farm->seeded(), QStringLiteral("extra-image")).value(QStringLiteral("digest")).toString();
        bool heldOnlyInOld = false;
        for (const QJsonValue &v : shown.value(QStringLiteral("items")).toArray()) {
            const QJsonObject item = v.toObject();
            if (item.value(QStringLiteral("digest")).toString() == only) {
                QCOMPARE(item.value(QStringLiteral("action")).toString(), QStringLiteral("keep"));
                QVERIFY(item.value(QStringLiteral("holdReason")).toString().contains(QStringLiteral("not verified in the target")));
                heldOnlyInOld = true;
            } else if (item.value(QStringLiteral("action")).toString() == u"delete") {
                QVERIFY(!item.value(QStringLiteral("verifyIn")).toArray().isEmpty());
            }
        }
        QVERIFY(heldOnlyInOld);
        QCOMPARE(ferryctl({QStringLiteral("cleanup"), QStringLiteral("approve"), id, QStringLiteral("--db"), db, QStringLiteral("--as"),
                           QStringLiteral("lead")})
                     .exitCode,
                 0);
        const Run exec = ferryctl({QStringLiteral("cleanup"), QStringLiteral("execute"), id, QStringLiteral("--db"), db});
        QVERIFY2(exec.exitCode == 0, QByteArray(exec.err + exec.out).constData());
        const Held oldAfter = probe(m_old, QStringLiteral("team/app"));
        QCOMPARE(oldAfter.tags.keys(), QStringList{QStringLiteral("0.9.0")});
        QCOMPARE(probe(m_gsoci, QStringLiteral("team/app")).tags, targetBefore.tags);
    }

    // The clusters' side of cleanup: what a kubectl dump runs, what a manifest pins by digest and
    // a tag a Deployment names are never deleted. Held back at planning with where they are
    // used; kept by the executor when they became used after approval; an approval without a
    // fresh refs scan needs an override that the review, the journal and the report show; and a
    // rejection is final.
    void clustersHoldBackWhatTheyRunAndPin()
    {
        // Seven old dev builds of team/held, each an image of its own.
        QStringList args, tags;
        for (int i = 1; i <= 7; ++i) {
            tags << QStringLiteral("0.3.0-dev.main.2025-01-0%1.10-00-00.h000000%1").arg(i);
            args << QStringLiteral("--image") << QStringLiteral("team/held:") + tags.last();
        }
        QString error;
        QVERIFY2(
            m_farm->seedNamed(QStringLiteral("gsoci"), QStringLiteral("held"), &error, QStringList{QStringLiteral("--only-extras")} + args),
            qPrintable(error));
        QMap<QString, QString> digestOf; // tag -> digest
        for (const QJsonValue &v : m_farm->seeded())
            digestOf.insert(v.toObject().value(QStringLiteral("tag")).toString(), v.toObject().value(QStringLiteral("digest")).toString());
        QCOMPARE(digestOf.size(), 7);
        const QStringList d = [&] {
            QStringList out;
            for (const QString &t : std::as_const(tags))
                out << digestOf.value(t);
            return out;
        }();
        const QString clusters = QDir(m_farm->dir()).filePath(QStringLiteral("clusters"));
        QDir().mkpath(clusters + QStringLiteral("/berlin"));
        QDir().mkpath(clusters + QStringLiteral("/hamburg"));
        auto planText = [&](const QString &extra) {
            return QStringLiteral("version: 1\n"
                                  "name: held\n"
                                  "registries:\n"
                                  "  gsoci: { %1, role: target, client-name: gsoci.azurecr.io }\n"
                                  "images:\n"
                                  "  - repositories: gsoci/team/*\n"
                                  "clients:\n"
                                  "  - { cluster: berlin, paths: %2/berlin }\n"
                                  "  - { cluster: hamburg, customer: acme, paths: %2/hamburg }\n"
                                  "cleanup:\n%3"
                                  "  policies:\n"
                                  "    - { name: held-dev, kind: dev-tags, registry: gsoci, repositories: team/held, older-than: 30d }\n")
                .arg(m_farm->planFields(QStringLiteral("gsoci")), clusters, extra);
        };
        const QString plan = writeFile(QStringLiteral("held.yaml"), planText({}));
        const QString db = testStore(QDir(m_farm->dir()).filePath(QStringLiteral("held.db")));
        // berlin's kubectl dump: a pod whose node pulled the first build, by its imageID.
        auto writePods = [&](const QStringList &running) {
            QStringList pods;
            for (int i = 0; i < running.size(); ++i)
                pods << QStringLiteral(R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "held-%1", "namespace": "team"},
      "spec": {"containers": [{"name": "app", "image": "gsoci.azurecr.io/team/held:0.3.0"}]},
      "status": {"containerStatuses": [{"name": "app", "imageID": "gsoci.azurecr.io/team/held@%2"}]}})")
                            .arg(i)
                            .arg(running[i]);
            writeFile(QStringLiteral("clusters/berlin/pods.json"),
                      QStringLiteral("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n    %1\n]}\n")
                          .arg(pods.join(QStringLiteral(",\n    "))));
        };
        auto refsScan = [&](const QString &planFile) {
            const Run r =
                ferryctl({QStringLiteral("refs"), QStringLiteral("scan"), QStringLiteral("--plan"), planFile, QStringLiteral("--db"), db});
            if (r.exitCode != 0)
                qWarning("refs scan: %s", r.err.constData());
            return r.exitCode == 0;
        };
        auto items = [&](qint64 batch) {
            QMap<QString, QJsonObject> out; // digest -> item
            for (const QJsonValue &v : show(batch, db).value(QStringLiteral("items")).toArray())
                out.insert(v.toObject().value(QStringLiteral("digest")).toString(), v.toObject());
            return out;
        };
        auto approve = [&](qint64 batch, const QStringList &extra) {
            return ferryctl(QStringList{QStringLiteral("cleanup"), QStringLiteral("approve"), QString::number(batch),
                                        QStringLiteral("--db"), db, QStringLiteral("--as"), QStringLiteral("lead")} +
                            extra);
        };

        // 1. No refs scan yet: planning says so, and approval needs the override.
        const Run stalePlan = ferryctl({QStringLiteral("cleanup"), QStringLiteral("plan"), QStringLiteral("--plan"), plan,
                                        QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(stalePlan.exitCode == 0, stalePlan.err.constData());
        QVERIFY2(stalePlan.err.contains("no refs scan") && stalePlan.err.contains("--without-fresh-refs"), stalePlan.err.constData());
        const QJsonObject planned = QJsonDocument::fromJson(stalePlan.out).object();
        QVERIFY(planned.value(QStringLiteral("refsStale")).toString().contains(QStringLiteral("no refs scan")));
        const qint64 first = batchFor(planned, QStringLiteral("team/held")).value(QStringLiteral("id")).toInteger();
        QCOMPARE(batchFor(planned, QStringLiteral("team/held")).value(QStringLiteral("deleteItems")).toInt(), 7);
        const Run refused = approve(first, {});
        QCOMPARE(refused.exitCode, 6);
        QVERIFY2(refused.err.contains("no refs scan") && refused.err.contains("--without-fresh-refs"), refused.err.constData());
        QCOMPARE(show(first, db).value(QStringLiteral("status")).toString(), QStringLiteral("planned"));
        const Run overridden = approve(first, {QStringLiteral("--without-fresh-refs")});
        QVERIFY2(overridden.exitCode == 0, overridden.err.constData());
        QVERIFY(overridden.out.contains("WITHOUT A FRESH REFS SCAN"));
        QVERIFY(show(first, db).value(QStringLiteral("refsOverride")).toString().contains(QStringLiteral("no refs scan")));
        const Run shownText =
            ferryctl({QStringLiteral("cleanup"), QStringLiteral("show"), QString::number(first), QStringLiteral("--db"), db});
        QVERIFY2(shownText.out.contains("APPROVED WITHOUT A FRESH REFS SCAN"), shownText.out.constData());

        // 2. After the approval the clusters are read: berlin runs build 1, hamburg pins build 2
        // by digest in a values file and names build 3's tag in a Deployment. The executor asks
        // the latest refs scan right before each DELETE: those three are kept, the rest go.
        writePods({d[0]});
        writeFile(QStringLiteral("clusters/hamburg/values.yaml"),
                  QStringLiteral("held:\n  image: gsoci.azurecr.io/team/held@%1\n").arg(d[1]));
        writeFile(QStringLiteral("clusters/hamburg/app.yaml"),
                  QStringLiteral("apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: held, namespace: acme }\nspec:\n  template:\n"
                                 "    spec:\n      containers:\n        - { name: app, image: \"gsoci.azurecr.io/team/held:%1\" }\n")
                      .arg(tags[2]));
        QVERIFY(refsScan(plan));
        const Run exec = ferryctl({QStringLiteral("cleanup"), QStringLiteral("execute"), QString::number(first), QStringLiteral("--db"), db,
                                   QStringLiteral("--as"), QStringLiteral("lead"), QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(exec.exitCode == 0, QByteArray(exec.err + exec.out).constData());
        QMap<QString, QJsonObject> after = items(first);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(after.value(d[i]).value(QStringLiteral("state")).toString(), QStringLiteral("kept"));
            QVERIFY2(after.value(d[i]).value(QStringLiteral("outcome")).toString().startsWith(QStringLiteral("a cluster uses it: ")),
                     qPrintable(after.value(d[i]).value(QStringLiteral("outcome")).toString()));
        }
        QVERIFY2(after.value(d[0]).value(QStringLiteral("outcome")).toString().contains(QStringLiteral("runs in berlin, pods.json:")),
                 qPrintable(after.value(d[0]).value(QStringLiteral("outcome")).toString()));
        QVERIFY(after.value(d[1]).value(QStringLiteral("outcome")).toString().contains(QStringLiteral("pinned in hamburg, values.yaml:2")));
        QVERIFY(after.value(d[2]).value(QStringLiteral("outcome")).toString().contains(QStringLiteral("is named in hamburg, app.yaml:8")));
        for (int i = 3; i < 7; ++i)
            QCOMPARE(after.value(d[i]).value(QStringLiteral("state")).toString(), QStringLiteral("deleted"));
        const Held probed = probe(m_gsoci, QStringLiteral("team/held"), d);
        for (int i = 0; i < 7; ++i)
            QCOMPARE(probed.digests.value(d[i]), i < 3 ? 200 : 404);
        // The override is in the journal and in the report.
        bool noted = false;
        for (const QJsonValue &e : show(first, db).value(QStringLiteral("journal")).toArray())
            noted = noted ||
                (e.toObject().value(QStringLiteral("seq")).toInt() == 0 &&
                 e.toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("without a fresh refs scan")));
        QVERIFY(noted);
        const Run report = ferryctl({QStringLiteral("report"), QStringLiteral("--db"), db, QStringLiteral("--plan"), plan});
        QVERIFY2(report.exitCode == 0, report.err.constData());
        QVERIFY2(report.out.contains(QStringLiteral("Batch %1 was approved by lead **without a fresh refs scan**").arg(first).toUtf8()),
                 report.out.constData());

        // 3. Planning with a fresh refs scan holds back what the clusters use, and says where.
        QVERIFY2(
            m_farm->seedNamed(QStringLiteral("gsoci"), QStringLiteral("held"), &error, QStringList{QStringLiteral("--only-extras")} + args),
            qPrintable(error));
        const QJsonObject fresh = planJson(plan, db, {});
        QVERIFY(fresh.value(QStringLiteral("refsStale")).toString().isEmpty());
        QCOMPARE(fresh.value(QStringLiteral("clusterHeldItems")).toInt(), 3);
        const qint64 second = batchFor(fresh, QStringLiteral("team/held")).value(QStringLiteral("id")).toInteger();
        QMap<QString, QJsonObject> planItems = items(second);
        QCOMPARE(planItems.value(d[0]).value(QStringLiteral("action")).toString(), QStringLiteral("keep"));
        QVERIFY2(planItems.value(d[0])
                     .value(QStringLiteral("holdReason"))
                     .toString()
                     .startsWith(QStringLiteral("a cluster uses it: runs in berlin, pods.json:")),
                 qPrintable(planItems.value(d[0]).value(QStringLiteral("holdReason")).toString()));
        QCOMPARE(planItems.value(d[1]).value(QStringLiteral("holdReason")).toString(),
                 QStringLiteral("a cluster uses it: pinned in hamburg, values.yaml:2"));
        QCOMPARE(planItems.value(d[2]).value(QStringLiteral("holdReason")).toString(),
                 QStringLiteral("a cluster uses it: tag '%1' is named in hamburg, app.yaml:8").arg(tags[2]));
        for (int i = 3; i < 7; ++i)
            QCOMPARE(planItems.value(d[i]).value(QStringLiteral("action")).toString(), QStringLiteral("delete"));
        const Run review =
            ferryctl({QStringLiteral("cleanup"), QStringLiteral("show"), QString::number(second), QStringLiteral("--db"), db});
        QVERIFY2(review.out.contains("held    a cluster uses it: pinned in hamburg, values.yaml:2"), review.out.constData());
        const Run ok = approve(second, {});
        QVERIFY2(ok.exitCode == 0, ok.err.constData());
        QVERIFY(show(second, db).value(QStringLiteral("refsOverride")).toString().isEmpty());

        // A pod starts on build 7 after the approval: kept, the others deleted.
        writePods({d[0], d[6]});
        QVERIFY(refsScan(plan));
        const Run exec2 = ferryctl({QStringLiteral("cleanup"), QStringLiteral("execute"), QString::number(second), QStringLiteral("--db"),
                                    db, QStringLiteral("--as"), QStringLiteral("lead")});
        QVERIFY2(exec2.exitCode == 0, QByteArray(exec2.err + exec2.out).constData());
        after = items(second);
        QCOMPARE(after.value(d[6]).value(QStringLiteral("state")).toString(), QStringLiteral("kept"));
        QVERIFY(after.value(d[6]).value(QStringLiteral("outcome")).toString().contains(QStringLiteral("runs in berlin, pods.json:")));
        for (int i = 3; i < 6; ++i)
            QCOMPARE(after.value(d[i]).value(QStringLiteral("state")).toString(), QStringLiteral("deleted"));
        const Held probed2 = probe(m_gsoci, QStringLiteral("team/held"), d);
        for (int i = 0; i < 7; ++i)
            QCOMPARE(probed2.digests.value(d[i]), i < 3 || i == 6 ? 200 : 404);

        // 4. A refs scan older than refs-max-age is stale too.
        QVERIFY2(
            m_farm->seedNamed(QStringLiteral("gsoci"), QStringLiteral("held"), &error, QStringList{QStringLiteral("--only-extras")} + args),
            qPrintable(error));
        const QString strict = writeFile(QStringLiteral("held-strict.yaml"), planText(QStringLiteral("  refs-max-age: 1s\n")));
        QTest::qWait(2100);
        const QJsonObject old = planJson(strict, db, {});
        QVERIFY2(old.value(QStringLiteral("refsStale")).toString().contains(QStringLiteral("beyond cleanup.refs-max-age")),
                 qPrintable(old.value(QStringLiteral("refsStale")).toString()));
        const qint64 third = batchFor(old, QStringLiteral("team/held")).value(QStringLiteral("id")).toInteger();
        const Run tooOld = approve(third, {});
        QCOMPARE(tooOld.exitCode, 6);
        QVERIFY2(tooOld.err.contains("beyond cleanup.refs-max-age"), tooOld.err.constData());

        // 5. A rejection is final: approving it again is refused (exit 6), with why.
        const Run reject =
            ferryctl({QStringLiteral("cleanup"), QStringLiteral("reject"), QString::number(third), QStringLiteral("--db"), db,
                      QStringLiteral("--as"), QStringLiteral("second-reviewer"), QStringLiteral("--comment"), QStringLiteral("not now")});
        QVERIFY2(reject.exitCode == 0, reject.err.constData());
        QVERIFY2(!reject.err.contains("QCommandLineParser"), reject.err.constData());
        const Run again = approve(third, {QStringLiteral("--without-fresh-refs")});
        QCOMPARE(again.exitCode, 6);
        QVERIFY2(again.err.contains("a rejection is final"), again.err.constData());
        QCOMPARE(show(third, db).value(QStringLiteral("status")).toString(), QStringLiteral("rejected"));
        QCOMPARE(show(third, db).value(QStringLiteral("decidedBy")).toString(), QStringLiteral("second-reviewer"));
    }
};

FERRY_TEST_MAIN(TestCleanup)
#include "tst_cleanup.moc"
