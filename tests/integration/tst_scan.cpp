// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The sync matrix end to end: real registries (a source standing in for Docker Hub, the
// target, a China replica) with known differences, `ferryctl scan` and `ferryctl status`.
#include "fakeserver.h"
#include "net/networkservice.h"
#include "plan/plan.h"
#include "registry/registryerror.h"
#include "registryfarm.h"
#include "scan/scanner.h"
#include "store/figuretables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "store/store.h"
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
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QThread>

#include <csignal>

using namespace ferry::test;

namespace {

bool skopeoCopy(const QString &from, const QString &to, const QStringList &extra = {QStringLiteral("--all")})
{
    const Run r = run(QStringLiteral("skopeo"),
                      QStringList{QStringLiteral("copy"), QStringLiteral("--quiet"), QStringLiteral("--src-tls-verify=false"),
                                  QStringLiteral("--dest-tls-verify=false")} +
                          extra + QStringList{QStringLiteral("docker://") + from, QStringLiteral("docker://") + to});
    if (r.exitCode != 0)
        qWarning("skopeo copy %s %s: %s", qPrintable(from), qPrintable(to), r.err.constData());
    return r.exitCode == 0;
}

// repository:tag -> row object
QMap<QString, QJsonObject> rowsByKey(const QByteArray &json)
{
    QMap<QString, QJsonObject> out;
    for (const QJsonValue &v : QJsonDocument::fromJson(json).array()) {
        const QJsonObject o = v.toObject();
        out.insert(o.value(QStringLiteral("repository")).toString() + u':' + o.value(QStringLiteral("tag")).toString(), o);
    }
    return out;
}

// The matrix without times, to compare two databases.
QMap<QString, QString> stateView(const QByteArray &json)
{
    QMap<QString, QString> out;
    const auto rows = rowsByKey(json);
    for (auto it = rows.constBegin(); it != rows.constEnd(); ++it) {
        QString line = it->value(QStringLiteral("state")).toString();
        const QJsonObject regs = it->value(QStringLiteral("registries")).toObject();
        for (auto r = regs.constBegin(); r != regs.constEnd(); ++r)
            line += u' ' + r.key() + u'=' + r->toObject().value(QStringLiteral("state")).toString() + u'@' +
                r->toObject().value(QStringLiteral("digest")).toString();
        out.insert(it.key(), line);
    }
    return out;
}

} // namespace

class TestScan : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<RegistryFarm> m_farm;
    QString m_hub, m_gsoci, m_china;
    QString m_plan;
    QString m_db;

    QString writePlan(const QString &name, const QString &extraRegistries = {}, const QString &extraImages = {},
                      const QString &targetOptions = {}, const QString &lagSlo = QStringLiteral("1s")) const
    {
        const QString path = QDir(m_farm->dir()).filePath(name);
        QFile f(path);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(QStringLiteral("version: 1\n"
                               "name: leave-docker-hub\n"
                               "registries:\n"
                               "  hub:   { %1, role: source }\n"
                               "  gsoci: { %2, role: target, concurrency: 4%4 }\n"
                               "  china: { %3, role: replica, of: gsoci, lag-slo: %7 }\n"
                               "%5"
                               "images:\n"
                               "  - source: hub/team/app\n"
                               "    target: gsoci/team/app\n"
                               "    tags: { semver: \">= 1.0.0\" }\n"
                               "  - source: hub/team/legacy\n"
                               "    target: gsoci/team/legacy\n"
                               "    tags: [\"3.1.0\"]\n"
                               "  - source: hub/charts/app-operator\n"
                               "    target: gsoci/charts/app-operator\n"
                               "    tags: all\n"
                               "%6")
                    .arg(m_farm->planFields(QStringLiteral("hub")), m_farm->planFields(QStringLiteral("gsoci")),
                         m_farm->planFields(QStringLiteral("china")), targetOptions, extraRegistries, extraImages, lagSlo)
                    .toUtf8());
        return path;
    }

    Run ferryctl(const QStringList &args) const { return run(ferryctlPath(), args); }

    // What the registry Ferry scanned holds, read by skopeo through the same shaped front
    // (TLS, credentials) as an independent client.
    QString frontDigest(const QString &name, const QString &repoTag) const
    {
        const Run r = run(QStringLiteral("skopeo"),
                          QStringList{QStringLiteral("inspect"), QStringLiteral("--raw")} + m_farm->skopeoArgsNamed(name) +
                              QStringList{QStringLiteral("docker://") + m_farm->hostPort(name) + u'/' + repoTag});
        if (r.exitCode != 0) {
            qWarning("skopeo inspect %s: %s", qPrintable(repoTag), r.err.constData());
            return {};
        }
        return QStringLiteral("sha256:") + QString::fromLatin1(QCryptographicHash::hash(r.out, QCryptographicHash::Sha256).toHex());
    }

private Q_SLOTS:
    void initTestCase()
    {
        FERRY_REQUIRE_REGISTRY_TOOLS();
        m_farm = std::make_unique<RegistryFarm>();
        QString error;
        for (const char *name : {"hub", "gsoci", "china"})
            QVERIFY2(m_farm->startNamed(QLatin1String(name), &error), qPrintable(error));
        // The tests arrange content through each registry's plain door; Ferry scans the
        // shaped fronts (FERRY_TEST_SHAPE: TLS, HTTP/2 or 1.1, Basic or token auth).
        m_hub = m_farm->doorHostPort(QStringLiteral("hub"));
        m_gsoci = m_farm->doorHostPort(QStringLiteral("gsoci"));
        m_china = m_farm->doorHostPort(QStringLiteral("china"));
        m_farm->exportCredentials();
        QVERIFY2(m_farm->seedNamed(QStringLiteral("hub"), QStringLiteral("a"), &error), qPrintable(error));
        // The target: some tags copied, one single platform of an index, one extra dev tag.
        QVERIFY(skopeoCopy(m_hub + QStringLiteral("/team/app:1.0.0"), m_gsoci + QStringLiteral("/team/app:1.0.0")));
        QVERIFY(skopeoCopy(
            m_hub + QStringLiteral("/team/app:2.0.0"), m_gsoci + QStringLiteral("/team/app:2.0.0"),
            {QStringLiteral("--override-os"), QStringLiteral("linux"), QStringLiteral("--override-arch"), QStringLiteral("amd64")}));
        QVERIFY(skopeoCopy(m_hub + QStringLiteral("/team/app:1.0.0"),
                           m_gsoci + QStringLiteral("/team/app:0.9.0-dev.main.2023-10-12.09-15-01.habcdef0")));
        QVERIFY(skopeoCopy(m_hub + QStringLiteral("/team/legacy:3.1.0"), m_gsoci + QStringLiteral("/team/legacy:3.1.0")));
        QVERIFY(skopeoCopy(m_hub + QStringLiteral("/charts/app-operator:6.0.0"), m_gsoci + QStringLiteral("/charts/app-operator:6.0.0")));
        // The replica: behind on the chart, one tag the target does not have.
        QVERIFY(skopeoCopy(m_gsoci + QStringLiteral("/team/app:1.0.0"), m_china + QStringLiteral("/team/app:1.0.0")));
        QVERIFY(skopeoCopy(m_gsoci + QStringLiteral("/team/legacy:3.1.0"), m_china + QStringLiteral("/team/legacy:3.1.0")));
        QVERIFY(skopeoCopy(m_gsoci + QStringLiteral("/team/app:1.0.0"), m_china + QStringLiteral("/team/app:9.9.9")));
        m_plan = writePlan(QStringLiteral("plan.yaml"));
        m_db = testStore(QDir(m_farm->dir()).filePath(QStringLiteral("main.db")));
    }

    void cleanupTestCase() { m_farm.reset(); }

    void firstScanShowsEveryState()
    {
        const Run scan = ferryctl({QStringLiteral("scan"), QStringLiteral("--plan"), m_plan, QStringLiteral("--db"), m_db});
        QVERIFY2(scan.exitCode == 0, scan.err.constData());
        QVERIFY(scan.out.contains("complete"));
        const Run status =
            ferryctl({QStringLiteral("status"), QStringLiteral("--db"), m_db, QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(status.exitCode, 0);
        const auto rows = rowsByKey(status.out);
        const QMap<QString, QString> expected{
            {QStringLiteral("team/app:1.0.0"), QStringLiteral("synced")},
            {QStringLiteral("team/app:1.1.0"), QStringLiteral("missing")},
            {QStringLiteral("team/app:2.0.0"), QStringLiteral("partial")},
            {QStringLiteral("team/app:0.9.0-dev.main.2023-10-12.09-15-01.habcdef0"), QStringLiteral("extra")},
            {QStringLiteral("team/app:9.9.9"), QStringLiteral("extra")},
            {QStringLiteral("team/legacy:3.1.0"), QStringLiteral("synced")},
            {QStringLiteral("charts/app-operator:6.0.0"), QStringLiteral("replicating")},
        };
        QStringList got;
        for (auto it = rows.constBegin(); it != rows.constEnd(); ++it)
            got << it.key() + u'=' + it->value(QStringLiteral("state")).toString();
        QStringList want;
        for (auto it = expected.constBegin(); it != expected.constEnd(); ++it)
            want << it.key() + u'=' + it.value();
        got.sort();
        want.sort();
        QCOMPARE(got, want);

        // Cells: the JSON contract, and digests equal to skopeo's.
        const QJsonObject r100 = rows.value(QStringLiteral("team/app:1.0.0")).value(QStringLiteral("registries")).toObject();
        for (const char *reg : {"hub", "gsoci", "china"}) {
            const QJsonObject cell = r100.value(QLatin1String(reg)).toObject();
            QVERIFY2(cell.contains(QStringLiteral("digest")) && cell.contains(QStringLiteral("state")) &&
                         cell.contains(QStringLiteral("firstSeen")) && cell.contains(QStringLiteral("lastSeen")),
                     reg);
        }
        for (auto it = rows.constBegin(); it != rows.constEnd(); ++it) {
            const QJsonObject gsoci = it->value(QStringLiteral("registries")).toObject().value(QStringLiteral("gsoci")).toObject();
            const QString d = gsoci.value(QStringLiteral("digest")).toString();
            if (d.isEmpty())
                continue;
            QCOMPARE(d, frontDigest(QStringLiteral("gsoci"), it.key()));
        }
        QCOMPARE(r100.value(QStringLiteral("hub")).toObject().value(QStringLiteral("digest")).toString(),
                 frontDigest(QStringLiteral("hub"), QStringLiteral("team/app:1.0.0")));
        QCOMPARE(r100.value(QStringLiteral("china")).toObject().value(QStringLiteral("digest")).toString(),
                 frontDigest(QStringLiteral("china"), QStringLiteral("team/app:1.0.0")));
        const QJsonObject partial = rows.value(QStringLiteral("team/app:2.0.0")).value(QStringLiteral("registries")).toObject();
        QVERIFY(partial.value(QStringLiteral("gsoci"))
                    .toObject()
                    .value(QStringLiteral("reason"))
                    .toString()
                    .contains(QStringLiteral("linux/amd64")));
        const QJsonObject missing = rows.value(QStringLiteral("team/app:1.1.0")).value(QStringLiteral("registries")).toObject();
        QCOMPARE(missing.value(QStringLiteral("gsoci")).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("missing"));
        QVERIFY(missing.value(QStringLiteral("gsoci")).toObject().value(QStringLiteral("digest")).isNull());

        // What the scan saw of each registry, for the Registries page.
        ferry::Store store(m_db);
        QString err;
        QVERIFY2(store.open(&err), qPrintable(err));
        QMap<QString, ferry::RegistryScanStats> stats;
        for (const ferry::RegistryScanStats &s : ferry::FigureTables(store).latestRegistryStats())
            stats.insert(s.registry, s);
        QCOMPARE(stats.keys(), (QStringList{QStringLiteral("china"), QStringLiteral("gsoci"), QStringLiteral("hub")}));
        for (const ferry::RegistryScanStats &s : std::as_const(stats)) {
            QVERIFY2(s.reachable(), qPrintable(s.registry));
            QVERIFY2(s.requests > 0 && s.answered > 0 && s.failures == 0 && s.listingsFailed == 0, qPrintable(s.registry));
            QVERIFY2(s.latencyMsAvg >= 0, qPrintable(s.registry));
            QVERIFY(s.firstError.isEmpty());
        }
        QCOMPARE(stats.value(QStringLiteral("hub")).listings, 3); // team/app, team/legacy, charts/app-operator
    }

    // The dashboard's live matrix: batches of rows while the scan runs, each row as the
    // finished matrix has it (only partial rows read as drifted until the platforms are
    // compared). Rows of the last listings may come only with the finished matrix.
    void liveBatchesAddUpToTheFinishedMatrix()
    {
        QString err;
        const auto plan = ferry::Plan::load(m_plan, &err);
        QVERIFY2(plan, qPrintable(err));
        ferry::Store store(testStore(QDir(m_farm->dir()).filePath(QStringLiteral("live.db"))));
        QVERIFY2(store.open(&err), qPrintable(err));
        ferry::NetworkService network(2);
        ferry::ScanOptions options;
        options.liveRowsIntervalMs = 1;
        options.maxParallelListings = 1; // one listing at a time: several batches, not one
        ferry::Scanner scanner(*plan, store, network, options);
        QList<QList<ferry::MatrixRow>> batches;
        connect(&scanner, &ferry::Scanner::rowsReady, this, [&](const QList<ferry::MatrixRow> &rows) { batches << rows; });
        QSignalSpy finished(&scanner, &ferry::Scanner::finished);
        scanner.start();
        QVERIFY(finished.wait(60000));
        QVERIFY2(batches.size() >= 2, qPrintable(QString::number(batches.size())));
        QMap<QString, QString> live;
        for (const auto &batch : std::as_const(batches))
            for (const ferry::MatrixRow &r : batch)
                live.insert(r.repository + u':' + r.tag, r.state);
        QMap<QString, QString> final;
        for (const ferry::MatrixRow &r : ferry::MatrixTables(store).matrix())
            final.insert(r.repository + u':' + r.tag, r.state);
        QVERIFY(live.size() >= 2);
        for (auto it = live.constBegin(); it != live.constEnd(); ++it) {
            const QString want = final.value(it.key());
            QVERIFY2(it.value() == want || (want == u"partial" && it.value() == u"drifted"),
                     qPrintable(it.key() + u' ' + it.value() + QStringLiteral(" vs ") + want));
        }
    }

    void rescanWithoutChangesAddsNoHistory()
    {
        const Run before = ferryctl({QStringLiteral("diff"), QStringLiteral("--db"), m_db, QStringLiteral("--since"), QStringLiteral("0"),
                                     QStringLiteral("--format"), QStringLiteral("json")});
        const int changesBefore = int(QJsonDocument::fromJson(before.out).array().size());
        QVERIFY(changesBefore > 0);
        const Run scan = ferryctl({QStringLiteral("scan"), QStringLiteral("--plan"), m_plan, QStringLiteral("--db"), m_db});
        QCOMPARE(scan.exitCode, 0);
        const Run after = ferryctl({QStringLiteral("diff"), QStringLiteral("--db"), m_db, QStringLiteral("--since"), QStringLiteral("0"),
                                    QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(int(QJsonDocument::fromJson(after.out).array().size()), changesBefore);
        // --since reads the one duration grammar, as lag's does: an age in days or in seconds.
        const Run week = ferryctl({QStringLiteral("diff"), QStringLiteral("--db"), m_db, QStringLiteral("--since"), QStringLiteral("7d"),
                                   QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(week.exitCode == 0, week.err.constData());
        QCOMPARE(int(QJsonDocument::fromJson(week.out).array().size()), changesBefore);
        const Run seconds =
            ferryctl({QStringLiteral("diff"), QStringLiteral("--db"), m_db, QStringLiteral("--since"), QStringLiteral("90s")});
        QVERIFY2(seconds.exitCode == 0, seconds.err.constData());
        const Run last = ferryctl({QStringLiteral("diff"), QStringLiteral("--db"), m_db});
        QVERIFY(last.out.contains("0 changes"));
    }

    // Collectors of one store name themselves and never list one registry at once: while
    // another collector (here the test, holding china's collect lock as a collector elsewhere
    // would) lists china, a scan waits for it, and lists once china is free; nothing is left
    // out and the scan says it waited.
    void collectorsNeverListOneRegistryAtOnce()
    {
        const QString db = testStore(QDir(m_farm->dir()).filePath(QStringLiteral("collectors.db")));
        QVERIFY(ferryctl({QStringLiteral("scan"), QStringLiteral("--plan"), m_plan, QStringLiteral("--db"), db,
                          QStringLiteral("--collector"), QStringLiteral("eu-west")})
                    .exitCode == 0);
        ferry::Store other(db);
        QString error;
        QVERIFY2(other.open(&error), qPrintable(error));
        QVERIFY(other.tryLock(QStringLiteral("collect:china")));
        QProcess scan;
        scan.start(ferryctlPath(),
                   {QStringLiteral("scan"), QStringLiteral("--plan"), m_plan, QStringLiteral("--db"), db, QStringLiteral("--collector"),
                    QStringLiteral("cn-shanghai")});
        QVERIFY(scan.waitForStarted());
        QVERIFY2(!scan.waitForFinished(3000), scan.readAllStandardError().constData()); // it waits for china
        QCOMPARE(ferry::HistoryTables(other).scans().size(), 2); // begun, not finished
        QVERIFY(!ferry::HistoryTables(other).scans().last().finishedAt.isValid());
        other.unlock(QStringLiteral("collect:china"));
        QVERIFY(scan.waitForFinished(60'000));
        QVERIFY2(scan.exitCode() == 0, scan.readAllStandardError().constData());
        const QList<ferry::ScanRecord> scans = ferry::HistoryTables(other).scans();
        QCOMPARE(scans.first().collector, QStringLiteral("eu-west"));
        const ferry::ScanRecord &last = scans.last();
        QCOMPARE(last.collector, QStringLiteral("cn-shanghai"));
        QVERIFY(last.complete);
        QVERIFY2(last.note.contains(QStringLiteral("waited for another collector")), qPrintable(last.note));
        bool listedChina = false;
        for (const ferry::RegistryScanStats &st : ferry::FigureTables(other).registryStatsHistory(QStringLiteral("china")))
            listedChina = listedChina || (st.scan == last.id && st.listings > 0);
        QVERIFY(listedChina);
        // The scan let its locks go when it finished.
        QVERIFY(other.tryLock(QStringLiteral("collect:china")));
        other.unlock(QStringLiteral("collect:china"));
    }

    // Two collectors started together on one new store (on PostgreSQL: two machines' sessions):
    // both finish complete, each under its name, and the matrix is the one a lone scan writes.
    // Nothing is lost to the wait, nothing written twice over (their listings serialize).
    void twoCollectorsTogetherLoseNothing()
    {
        const QByteArray alone =
            ferryctl({QStringLiteral("status"), QStringLiteral("--db"), m_db, QStringLiteral("--format"), QStringLiteral("json")}).out;
        QVERIFY(!alone.isEmpty());
        const QString db = testStore(QDir(m_farm->dir()).filePath(QStringLiteral("two-collectors.db")));
        QProcess eu, cn;
        for (auto [p, name] : {std::pair{&eu, "eu-west"}, std::pair{&cn, "cn-shanghai"}})
            p->start(ferryctlPath(),
                     {QStringLiteral("scan"), QStringLiteral("--plan"), m_plan, QStringLiteral("--db"), db, QStringLiteral("--collector"),
                      QString::fromLatin1(name)});
        for (QProcess *p : {&eu, &cn}) {
            QVERIFY(p->waitForFinished(120'000));
            QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
        }
        ferry::Store store(db);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QStringList collectors;
        for (const ferry::ScanRecord &r : ferry::HistoryTables(store).scans()) {
            QVERIFY(r.complete);
            collectors << r.collector;
        }
        collectors.sort();
        QCOMPARE(collectors, (QStringList{QStringLiteral("cn-shanghai"), QStringLiteral("eu-west")}));
        // The same rows and states as the lone scan's store (the times differ).
        const auto rows = rowsByKey(
            ferryctl({QStringLiteral("status"), QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")}).out);
        const auto expected = rowsByKey(alone);
        QCOMPARE(rows.keys(), expected.keys());
        // A replica's missing tag is replicating in a new store and lagging in one that has
        // known it past the SLO: the same row, judged by how long the store has seen it.
        auto state = [](const QJsonObject &row) {
            const QString s = row.value(QStringLiteral("state")).toString();
            return s == u"lagging" ? QStringLiteral("replicating") : s;
        };
        for (auto it = expected.constBegin(); it != expected.constEnd(); ++it)
            QCOMPARE(state(rows.value(it.key())), state(*it));
    }

    void movedSourceDriftsAndReplicaLags()
    {
        // The source moves 3.1.0 after the target copied it; time passes beyond the SLO.
        QVERIFY(skopeoCopy(m_hub + QStringLiteral("/team/app:1.0.0"), m_hub + QStringLiteral("/team/legacy:3.1.0")));
        QThread::msleep(1500);
        const Run scan = ferryctl({QStringLiteral("scan"), QStringLiteral("--plan"), m_plan, QStringLiteral("--db"), m_db,
                                   QStringLiteral("--fail-on"), QStringLiteral("missing,drifted,lagging")});
        QCOMPARE(scan.exitCode, 5);
        const auto rows = rowsByKey(
            ferryctl({QStringLiteral("status"), QStringLiteral("--db"), m_db, QStringLiteral("--format"), QStringLiteral("json")}).out);
        QCOMPARE(rows.value(QStringLiteral("team/legacy:3.1.0")).value(QStringLiteral("state")).toString(), QStringLiteral("drifted"));
        QVERIFY(
            rows.value(QStringLiteral("team/legacy:3.1.0")).value(QStringLiteral("reason")).toString().contains(QStringLiteral("moved")));
        QCOMPARE(rows.value(QStringLiteral("charts/app-operator:6.0.0")).value(QStringLiteral("state")).toString(),
                 QStringLiteral("lagging"));
        const Run diff = ferryctl({QStringLiteral("diff"), QStringLiteral("--db"), m_db});
        QVERIFY2(diff.out.contains("moved") && diff.out.contains("team/legacy:3.1.0"), diff.out.constData());

        // Filters of status.
        const Run lagging = ferryctl({QStringLiteral("status"), QStringLiteral("--db"), m_db, QStringLiteral("--state"),
                                      QStringLiteral("lagging"), QStringLiteral("--format"), QStringLiteral("csv")});
        QVERIFY(lagging.out.startsWith("repository,tag,state,registry,cell_state,digest,first_seen,last_seen,reason\n"));
        QVERIFY(lagging.out.contains("charts/app-operator,6.0.0,lagging,china,lagging"));
        QVERIFY(!lagging.out.contains("team/app"));
        const Run china = ferryctl({QStringLiteral("status"), QStringLiteral("--db"), m_db, QStringLiteral("--registry"),
                                    QStringLiteral("china"), QStringLiteral("--state"), QStringLiteral("extra")});
        QVERIFY2(china.out.contains("9.9.9") && !china.out.contains("1.1.0"), china.out.constData());
    }

    void interruptedScanResumesToTheSameMatrix()
    {
        // A slow target (4 requests/s) makes the scan last long enough to interrupt; a long
        // SLO keeps replica states independent of when each scan ran.
        const QString slowPlan = writePlan(QStringLiteral("slow.yaml"), {}, {}, QStringLiteral(", rate: 4"), QStringLiteral("2h"));
        const QString fastPlan = writePlan(QStringLiteral("fast.yaml"), {}, {}, {}, QStringLiteral("2h"));
        const QString reference = testStore(QDir(m_farm->dir()).filePath(QStringLiteral("reference.db")));
        const QString resumed = testStore(QDir(m_farm->dir()).filePath(QStringLiteral("resumed.db")));
        QVERIFY(ferryctl({QStringLiteral("scan"), QStringLiteral("--plan"), fastPlan, QStringLiteral("--db"), reference}).exitCode != 130);

        QProcess p;
        p.start(ferryctlPath(), {QStringLiteral("scan"), QStringLiteral("--plan"), slowPlan, QStringLiteral("--db"), resumed});
        QVERIFY(p.waitForStarted(5000));
        // Interrupted once it is scanning (its SIGINT handler is in place when the scan is
        // recorded; a fixed sleep was too short on a loaded machine: killed by the signal, 2).
        {
            ferry::Store watcher(resumed);
            QString error;
            QVERIFY2(watcher.open(&error), qPrintable(error));
            QElapsedTimer waited;
            waited.start();
            while (ferry::HistoryTables(watcher).scans().isEmpty() && waited.elapsed() < 60'000 && p.state() == QProcess::Running)
                QThread::msleep(100);
            QVERIFY(!ferry::HistoryTables(watcher).scans().isEmpty());
        }
        QThread::msleep(800);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 130);
        QVERIFY(p.readAllStandardError().contains("interrupted"));
        const Run partial = ferryctl({QStringLiteral("status"), QStringLiteral("--db"), resumed});
        QVERIFY(partial.out.contains("(interrupted)"));

        QCOMPARE(ferryctl({QStringLiteral("scan"), QStringLiteral("--plan"), slowPlan, QStringLiteral("--db"), resumed}).exitCode, 0);
        const auto a = stateView(
            ferryctl({QStringLiteral("status"), QStringLiteral("--db"), reference, QStringLiteral("--format"), QStringLiteral("json")})
                .out);
        const auto b = stateView(
            ferryctl({QStringLiteral("status"), QStringLiteral("--db"), resumed, QStringLiteral("--format"), QStringLiteral("json")}).out);
        QCOMPARE(b, a);
    }

    void unreachableAndRateLimitedRegistriesAreUnknown()
    {
        FakeServer limited([](const FakeRequest &) {
            return FakeResponse::json(429, R"({"errors":[{"code":"TOOMANYREQUESTS"}]})").with("Retry-After", "3600");
        });
        const quint16 closed = freeLoopbackPort();
        const QString plan = writePlan(QStringLiteral("outage.yaml"),
                                       QStringLiteral("  limited: { url: http://%1, role: source, credentials: anonymous }\n"
                                                      "  old-acr: { url: http://127.0.0.1:%2, role: legacy, credentials: anonymous }\n")
                                           .arg(limited.hostPort())
                                           .arg(closed),
                                       QStringLiteral("  - source: limited/giantswarm/other\n"
                                                      "    target: gsoci/giantswarm/other\n"
                                                      "    tags: [\"1.0\"]\n"));
        const QString db = QDir(m_farm->dir()).filePath(QStringLiteral("outage.db"));
        const Run scan = ferryctl({QStringLiteral("scan"), QStringLiteral("--plan"), plan, QStringLiteral("--db"), db});
        QCOMPARE(scan.exitCode, 4); // incomplete, and says why
        QVERIFY(scan.err.contains("old-acr"));
        const auto rows = rowsByKey(
            ferryctl({QStringLiteral("status"), QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")}).out);
        const QJsonObject other = rows.value(QStringLiteral("giantswarm/other:1.0"));
        QCOMPARE(other.value(QStringLiteral("state")).toString(), QStringLiteral("unknown"));
        const QJsonObject lim = other.value(QStringLiteral("registries")).toObject().value(QStringLiteral("limited")).toObject();
        QCOMPARE(lim.value(QStringLiteral("state")).toString(), QStringLiteral("unknown"));
        QVERIFY2(lim.value(QStringLiteral("reason")).toString().contains(QStringLiteral("rate limited")),
                 qPrintable(lim.value(QStringLiteral("reason")).toString()));
        // The rest of the scan finished: the unreachable legacy registry only makes its own cells unknown.
        const QJsonObject app = rows.value(QStringLiteral("team/app:1.0.0"));
        QCOMPARE(app.value(QStringLiteral("state")).toString(), QStringLiteral("synced"));
        const QJsonObject legacy = app.value(QStringLiteral("registries")).toObject().value(QStringLiteral("old-acr")).toObject();
        QCOMPARE(legacy.value(QStringLiteral("state")).toString(), QStringLiteral("unknown"));
        QVERIFY(!legacy.value(QStringLiteral("reason")).toString().isEmpty());
        QCOMPARE(rows.value(QStringLiteral("team/app:1.1.0")).value(QStringLiteral("state")).toString(), QStringLiteral("missing"));

        // The Registries page's figures: the closed port is unreachable with a network error and
        // advice; the throttled registry answered (429) and is reachable, with its failure counted.
        ferry::Store store(db);
        QString err;
        QVERIFY2(store.open(&err), qPrintable(err));
        QMap<QString, ferry::RegistryScanStats> stats;
        for (const ferry::RegistryScanStats &s : ferry::FigureTables(store).latestRegistryStats())
            stats.insert(s.registry, s);
        QVERIFY(stats.contains(QStringLiteral("old-acr")) && stats.contains(QStringLiteral("limited")));
        const ferry::RegistryScanStats old = stats.value(QStringLiteral("old-acr"));
        QVERIFY(!old.reachable());
        QVERIFY(old.listingsFailed > 0 && old.listingsFailed == old.listings);
        QVERIFY2(old.firstError.contains(QStringLiteral("network error")), qPrintable(old.firstError));
        QVERIFY(ferry::RegistryError::adviceForText(old.firstError).contains(QStringLiteral("address")));
        const ferry::RegistryScanStats limStats = stats.value(QStringLiteral("limited"));
        QVERIFY(limStats.reachable());
        QCOMPARE(limStats.listingsFailed, limStats.listings);
        QVERIFY2(limStats.firstError.contains(QStringLiteral("rate limited")), qPrintable(limStats.firstError));
        QVERIFY(limStats.pauses > 0 || limStats.failures > 0);
        QVERIFY(stats.value(QStringLiteral("gsoci")).reachable());
    }

    void skopeoSyncImportSelectsWhatSkopeoSelects()
    {
        const QString syncFile = QDir(m_farm->dir()).filePath(QStringLiteral("skopeo-hub.yaml"));
        QFile f(syncFile);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QStringLiteral("%1:\n  tls-verify: false\n  images:\n    team/legacy: []\n    team/app: [\"1.0.0\", \"2.0.0\"]\n"
                               "  images-by-tag-regex:\n    charts/app-operator: '^6\\.'\n")
                    .arg(m_hub)
                    .toUtf8());
        f.close();
        const Run dry =
            run(QStringLiteral("skopeo"),
                {QStringLiteral("sync"), QStringLiteral("--dry-run"), QStringLiteral("--src"), QStringLiteral("yaml"),
                 QStringLiteral("--dest"), QStringLiteral("dir"), syncFile, QDir(m_farm->dir()).filePath(QStringLiteral("sync-out"))});
        QCOMPARE(dry.exitCode, 0);
        QSet<QString> skopeoSelected;
        static const QRegularExpression from(QStringLiteral("from=\"docker://[^/]+/([^\"]+)\""));
        for (auto it = from.globalMatch(QString::fromUtf8(dry.err + dry.out)); it.hasNext();)
            skopeoSelected.insert(it.next().captured(1));
        QVERIFY(skopeoSelected.size() >= 4);

        const QString plan = QDir(m_farm->dir()).filePath(QStringLiteral("import.yaml"));
        QFile pf(plan);
        QVERIFY(pf.open(QIODevice::WriteOnly | QIODevice::Truncate));
        pf.write(QStringLiteral("version: 1\nregistries:\n  hub: { %1, role: source }\n"
                                "  gsoci: { %2, role: target }\nimages:\n"
                                "  - skopeo-sync: skopeo-hub.yaml\n    source: hub\n    target: gsoci/mirror\n")
                     .arg(m_farm->planFields(QStringLiteral("hub")), m_farm->planFields(QStringLiteral("gsoci")))
                     .toUtf8());
        pf.close();
        const QString db = QDir(m_farm->dir()).filePath(QStringLiteral("import.db"));
        ferryctl({QStringLiteral("scan"), QStringLiteral("--plan"), plan, QStringLiteral("--db"), db});
        const auto rows = rowsByKey(
            ferryctl({QStringLiteral("status"), QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")}).out);
        QSet<QString> ferrySelected;
        const QMap<QString, QString> back{{QStringLiteral("mirror/legacy"), QStringLiteral("team/legacy")},
                                          {QStringLiteral("mirror/app"), QStringLiteral("team/app")},
                                          {QStringLiteral("mirror/app-operator"), QStringLiteral("charts/app-operator")}};
        for (auto it = rows.constBegin(); it != rows.constEnd(); ++it) {
            if (!it->value(QStringLiteral("inPlan")).toBool())
                continue;
            QCOMPARE(it->value(QStringLiteral("state")).toString(), QStringLiteral("missing")); // nothing mirrored yet
            ferrySelected.insert(back.value(it->value(QStringLiteral("repository")).toString()) + u':' +
                                 it->value(QStringLiteral("tag")).toString());
        }
        QCOMPARE(ferrySelected, skopeoSelected);
    }

    void planErrorsNameFileLineAndColumn()
    {
        const QString bad = QDir(m_farm->dir()).filePath(QStringLiteral("bad.yaml"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("version: 1\nregistries:\n  gsoci: { url: http://127.0.0.1:1, role: target, concurency: 4 }\n");
        f.close();
        const Run r = ferryctl({QStringLiteral("scan"), QStringLiteral("--plan"), bad});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("bad.yaml:3:") && r.err.contains("concurency") && r.err.contains("concurrency"), r.err.constData());
    }

    // A database that cannot be used is a store error (exit 7), not a registry's (4); two
    // scans started together on a new database both finish.
    void storeErrorsHaveTheirOwnExitCode()
    {
        const QString newer = QDir(m_farm->dir()).filePath(QStringLiteral("newer.db"));
        {
            const Run made = ferryctl({QStringLiteral("scan"), QStringLiteral("--plan"), m_plan, QStringLiteral("--db"), newer});
            QVERIFY2(made.exitCode == 0 || made.exitCode == 5, made.err.constData());
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("newer"));
            db.setDatabaseName(newer);
            QVERIFY(db.open());
            QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version=999"));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("newer"));
        for (const QStringList &args :
             {QStringList{QStringLiteral("scan"), QStringLiteral("--plan"), m_plan, QStringLiteral("--db"), newer},
              QStringList{QStringLiteral("status"), QStringLiteral("--db"), newer},
              QStringList{QStringLiteral("cleanup"), QStringLiteral("list"), QStringLiteral("--db"), newer}}) {
            const Run r = ferryctl(args);
            QVERIFY2(r.exitCode == 7, qPrintable(args.first() + u' ' + QString::number(r.exitCode) + u' ' + QString::fromUtf8(r.err)));
            QVERIFY2(r.err.contains("newer Ferry"), r.err.constData());
        }

        const QString fresh = QDir(m_farm->dir()).filePath(QStringLiteral("together.db"));
        QProcess a, b;
        for (QProcess *p : {&a, &b})
            p->start(ferryctlPath(), {QStringLiteral("scan"), QStringLiteral("--plan"), m_plan, QStringLiteral("--db"), fresh});
        for (QProcess *p : {&a, &b}) {
            QVERIFY(p->waitForFinished(120'000));
            QVERIFY2(p->exitCode() == 0 || p->exitCode() == 5, p->readAllStandardError().constData());
        }
    }
};

FERRY_TEST_MAIN(TestScan)
#include "tst_scan.moc"
