// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Replication lag measured from outside, against real registries: the test is the
// replicator, copying from the target to the replica with known delays while
// `ferryctl watch` rescans; `ferryctl lag` must report those delays within the scan
// interval, the right percentiles, the breaches, and an outage as items in flight aging.
// A soak run of many short rounds checks flat memory and a consistent database while a
// registry is killed and restarted.
#include "registryfarm.h"
#include "store/figuretables.h"
#include "store/historytables.h"
#include "testmain.h"
#include "teststore.h"
#include "testutil.h"
#include "tmux.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QThread>

#include <csignal>

using namespace ferry::test;

namespace {

qint64 rssKiB(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}

// Reads a process's stdout as it comes and counts the watch rounds printed.
struct Watch
{
    QProcess process;
    QByteArray output;
    int rounds() const { return int(output.count(" round ")); }
    void pump() { output += process.readAllStandardOutput(); }
};

} // namespace

class TestLag : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<RegistryFarm> m_farm;
    QString m_gsoci, m_china;

    Run ferryctl(const QStringList &args) const { return run(ferryctlPath(), args); }

    // The watch view in a real terminal: tmux on a socket of the test's own, a 120x30 window,
    // the locale given. Returns the screen once the view has drawn its lag section (or
    // whatever it shows after 30 s); the tmux server is stopped before returning.
    QString watchScreenInTmux(const QString &plan, const QString &db, const QString &locale) const
    {
        Tmux t(QDir(m_farm->dir()).filePath(QStringLiteral("tmux-%1").arg(locale)));
        if (!t.start(QStringLiteral("'%1' watch --plan '%2' --db '%3' --interval 1s --max-scans 2; sleep 60").arg(ferryctlPath(), plan, db),
                     120, 30, {QStringLiteral("LANG=") + locale, QStringLiteral("LC_ALL=") + locale}))
            return {};
        return t.waitFor(
            [](const QString &s) { return s.contains(QStringLiteral("Replication lag")) && s.contains(QStringLiteral("last:")); }, 30'000);
    }

    QString writePlan(const QString &name, const QString &slo) const
    {
        const QString path = QDir(m_farm->dir()).filePath(name);
        QFile f(path);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(QStringLiteral("version: 1\n"
                               "name: lag\n"
                               "registries:\n"
                               "  gsoci: { %1, role: target }\n"
                               "  china: { %2, role: replica, of: gsoci, lag-slo: %3 }\n"
                               "images:\n"
                               "  - repositories: gsoci/team/*\n")
                    .arg(m_farm->planFields(QStringLiteral("gsoci")), m_farm->planFields(QStringLiteral("china")), slo)
                    .toUtf8());
        return path;
    }

    bool copy(const QString &tag)
    {
        const Run r =
            run(QStringLiteral("skopeo"),
                {QStringLiteral("copy"), QStringLiteral("--quiet"), QStringLiteral("--src-tls-verify=false"),
                 QStringLiteral("--dest-tls-verify=false"), QStringLiteral("--preserve-digests"),
                 QStringLiteral("docker://%1/team/lag:%2").arg(m_gsoci, tag), QStringLiteral("docker://%1/team/lag:%2").arg(m_china, tag)});
        if (r.exitCode != 0)
            qWarning("skopeo copy %s: %s", qPrintable(tag), r.err.constData());
        return r.exitCode == 0;
    }

    QJsonObject lagJson(const QString &db) const
    {
        const Run r = ferryctl({QStringLiteral("lag"), QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")});
        return QJsonDocument::fromJson(r.out).object().value(QStringLiteral("replicas")).toArray().first().toObject();
    }

    static void waitFor(Watch &w, const std::function<bool()> &done, int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        while (!done() && t.elapsed() < timeoutMs && w.process.state() == QProcess::Running) {
            QTest::qWait(50);
            w.pump();
        }
    }

    void startWatch(Watch &w, const QString &plan, const QString &db, const QString &interval, const QString &fullEvery)
    {
        // Under AddressSanitizer freed memory waits in a quarantine of up to 256 MiB, which
        // would read as growth; without the quarantine the resident size is the program's.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        const QString asan = env.value(QStringLiteral("ASAN_OPTIONS"));
        env.insert(QStringLiteral("ASAN_OPTIONS"),
                   asan.isEmpty() ? QStringLiteral("quarantine_size_mb=0") : asan + QStringLiteral(":quarantine_size_mb=0"));
        w.process.setProcessEnvironment(env);
        w.process.setProgram(ferryctlPath());
        w.process.setArguments({QStringLiteral("watch"), QStringLiteral("--plan"), plan, QStringLiteral("--db"), db,
                                QStringLiteral("--interval"), interval, QStringLiteral("--full-every"), fullEvery,
                                QStringLiteral("--plain")});
        w.process.start();
        QVERIFY(w.process.waitForStarted());
    }

    void stopWatch(Watch &w)
    {
        ::kill(pid_t(w.process.processId()), SIGINT);
        QVERIFY(w.process.waitForFinished(30'000));
        w.pump();
        QCOMPARE(w.process.exitCode(), 130);
    }

private Q_SLOTS:
    void initTestCase()
    {
        FERRY_REQUIRE_REGISTRY_TOOLS();
        m_farm = std::make_unique<RegistryFarm>();
        QString error;
        QVERIFY2(m_farm->startNamed(QStringLiteral("gsoci"), &error), qPrintable(error));
        QVERIFY2(m_farm->startNamed(QStringLiteral("china"), &error), qPrintable(error));
        // The replicator copies through the plain doors; Ferry watches the shaped fronts.
        m_gsoci = m_farm->doorHostPort(QStringLiteral("gsoci"));
        m_china = m_farm->doorHostPort(QStringLiteral("china"));
        m_farm->exportCredentials();
    }

    void cleanupTestCase() { m_farm.reset(); }

    // The text lists ten items in flight and says how many more there are (the demo listed 10
    // of 38 without a word).
    void theTextSaysWhatItLeavesOut()
    {
        const QString db = testStore(QDir(m_farm->dir()).filePath(QStringLiteral("left-out.db")));
        {
            ferry::Store store(db);
            QString error;
            QVERIFY2(store.open(&error), qPrintable(error));
            QVERIFY(ferry::FigureTables(store).recordRegistries(
                {{QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0},
                 {QStringLiteral("china"), QStringLiteral("replica"), QStringLiteral("gsoci"), 60}}));
            const QDateTime at = QDateTime::currentDateTimeUtc().addSecs(-600);
            const qint64 scan = ferry::HistoryTables(store).beginScan(QStringLiteral("p.yaml"), at);
            QList<ferry::TagObservation> listing;
            for (int i = 0; i < 13; ++i)
                listing << ferry::TagObservation{
                    QStringLiteral("1.%1.0").arg(i), QStringLiteral("sha256:%1").arg(i, 64, 16, QLatin1Char('0')), {}, {}, {}};
            ferry::HistoryTables(store).applyListing(scan, QStringLiteral("gsoci"), QStringLiteral("team/app"), listing, true, at);
            QVERIFY(ferry::HistoryTables(store)
                        .applyListing(scan, QStringLiteral("china"), QStringLiteral("team/app"), {}, true, at)
                        .vanished == 0);
            QVERIFY(ferry::HistoryTables(store).finishScan(
                ferry::ScanRecord{scan, QStringLiteral("p.yaml"), at, at, true, false, 2, 0, {}, {}}));
        }
        const Run r = ferryctl({QStringLiteral("lag"), QStringLiteral("--db"), db});
        QVERIFY2(r.out.contains("in flight: 13"), r.out.constData());
        QCOMPARE(r.out.count("team/app:1."), 10);
        QVERIFY2(r.out.contains("... 3 more (--format json lists 13)"), r.out.constData());
    }

    void measuredLagMatchesInjectedDelays()
    {
        QString error;
        QStringList images;
        for (int i = 1; i <= 5; ++i)
            images << QStringLiteral("--image") << QStringLiteral("team/lag:v%1").arg(i);
        QVERIFY2(
            m_farm->seedNamed(QStringLiteral("gsoci"), QStringLiteral("a"), &error, QStringList{QStringLiteral("--only-extras")} + images),
            qPrintable(error));
        const QString plan = writePlan(QStringLiteral("lag.yaml"), QStringLiteral("5s"));
        const QString db = testStore(QDir(m_farm->dir()).filePath(QStringLiteral("lag.db")));
        Watch w;
        startWatch(w, plan, db, QStringLiteral("1s"), QStringLiteral("2"));
        waitFor(
            w, [&] { return w.rounds() >= 1; }, 30'000);
        QVERIFY2(w.rounds() >= 1, w.output.constData());
        QElapsedTimer t0;
        t0.start();
        // The replicator: v1 after 2 s, v2 after 4 s; once both arrived, an outage of the
        // replica for 10 s (longer than a round's retries, about 4-7 s, can bridge); v3
        // after 18 s, v4 after 21 s, v5 never.
        const QMap<QString, int> delays{
            {QStringLiteral("v1"), 2}, {QStringLiteral("v2"), 4}, {QStringLiteral("v3"), 18}, {QStringLiteral("v4"), 21}};
        auto at = [&](int seconds) {
            waitFor(
                w, [&] { return t0.elapsed() >= seconds * 1000; }, 60'000);
        };
        at(2);
        QVERIFY(copy(QStringLiteral("v1")));
        at(4);
        QVERIFY(copy(QStringLiteral("v2")));
        waitFor(
            w, [&] { return lagJson(db).value(QStringLiteral("samples")).toArray().size() == 2; }, 20'000);
        QVERIFY2(t0.elapsed() < 8'000, QByteArray(w.output + "\nlag: " + QJsonDocument(lagJson(db)).toJson()).constData());
        m_farm->stopNamed(QStringLiteral("china"));
        const qint64 down = t0.elapsed();
        waitFor(
            w, [&] { return t0.elapsed() >= down + 1500; }, 10'000);
        const QJsonObject during1 = lagJson(db);
        waitFor(
            w, [&] { return t0.elapsed() >= down + 3000; }, 10'000);
        const QJsonObject during2 = lagJson(db);
        waitFor(
            w, [&] { return t0.elapsed() >= down + 10'000; }, 15'000);
        QVERIFY2(m_farm->restartNamed(QStringLiteral("china"), &error), qPrintable(error));
        at(18);
        QVERIFY(copy(QStringLiteral("v3")));
        at(21);
        QVERIFY(copy(QStringLiteral("v4")));
        at(24);
        stopWatch(w);
        QVERIFY2(w.output.contains("INCOMPLETE"), "the outage shows in the rounds");

        // The outage: v3, v4 and v5 in flight, aging; nothing called missing.
        auto inFlight = [](const QJsonObject &o) {
            QMap<QString, qint64> out;
            for (const QJsonValue &v : o.value(QStringLiteral("inFlight")).toArray())
                out.insert(v.toObject().value(QStringLiteral("tags")).toArray().first().toString(),
                           v.toObject().value(QStringLiteral("ageSeconds")).toInteger());
            return out;
        };
        const auto f1 = inFlight(during1), f2 = inFlight(during2);
        QCOMPARE(f1.keys(), (QStringList{QStringLiteral("v3"), QStringLiteral("v4"), QStringLiteral("v5")}));
        QCOMPARE(f2.keys(), f1.keys());
        QVERIFY(f2.value(QStringLiteral("v5")) > f1.value(QStringLiteral("v5")));
        const Run status =
            ferryctl({QStringLiteral("status"), QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")});
        for (const QJsonValue &row : QJsonDocument::fromJson(status.out).array())
            QVERIFY2(row.toObject().value(QStringLiteral("state")).toString() != u"missing", status.out.constData());

        // The measured lags: the injected delay, to within the scan interval (1 s) plus a round.
        const QJsonObject after = lagJson(db);
        const qint64 resolution = after.value(QStringLiteral("resolutionSeconds")).toInteger();
        QVERIFY2(resolution >= 1 && resolution <= 3, qPrintable(QString::number(resolution)));
        QList<qint64> lags;
        for (const QJsonValue &v : after.value(QStringLiteral("samples")).toArray()) {
            const QJsonObject s = v.toObject();
            const QString tag = s.value(QStringLiteral("tags")).toArray().first().toString();
            const qint64 lag = s.value(QStringLiteral("lagSeconds")).toInteger();
            QVERIFY2(delays.contains(tag), qPrintable(tag));
            QVERIFY2(lag >= delays.value(tag) - 1 && lag <= delays.value(tag) + 1 + resolution + 1,
                     qPrintable(QStringLiteral("%1: injected %2 s, measured %3 s").arg(tag).arg(delays.value(tag)).arg(lag)));
            lags << lag;
        }
        QCOMPARE(lags.size(), 4);
        std::sort(lags.begin(), lags.end());
        const QJsonObject stats = after.value(QStringLiteral("lag")).toObject();
        QCOMPARE(stats.value(QStringLiteral("count")).toInt(), 4);
        QCOMPARE(stats.value(QStringLiteral("p50")).toInteger(), lags.at(1)); // nearest rank: ceil(0.5*4) = 2nd
        QCOMPARE(stats.value(QStringLiteral("p90")).toInteger(), lags.at(3));
        QCOMPARE(stats.value(QStringLiteral("p99")).toInteger(), lags.at(3));
        QCOMPARE(stats.value(QStringLiteral("max")).toInteger(), lags.at(3));
        QCOMPARE(stats.value(QStringLiteral("breaches")).toInt(), 2); // v3 and v4, beyond 5 s
        QCOMPARE(inFlight(after).keys(), QStringList{QStringLiteral("v5")});
        const Run fail = ferryctl({QStringLiteral("lag"), QStringLiteral("--db"), db, QStringLiteral("--fail-on-breach")});
        QCOMPARE(fail.exitCode, 5);
        QVERIFY(fail.out.contains("Replica china of gsoci, SLO 5s"));
        const Run csv = ferryctl({QStringLiteral("lag"), QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("csv")});
        QVERIFY(
            csv.out.startsWith("replica,repository,digest,tags,state,target_seen,replica_seen,lag_seconds,breach,registry_lag_seconds\n"));
        QCOMPARE(csv.out.count("\n"), 6);
        const Run lenient = ferryctl({QStringLiteral("lag"), QStringLiteral("--db"), db, QStringLiteral("--since"), QStringLiteral("1s")});
        QCOMPARE(lenient.exitCode, 0);

        // On a terminal (a pseudo-terminal from script(1)) watch opens the terminal dashboard on its rounds.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TERM"), QStringLiteral("xterm"));
        const Run tui = run(QStringLiteral("script"),
                            {QStringLiteral("-qfec"),
                             QStringLiteral("stty cols 120 rows 30; '%1' watch --plan '%2' --db '%3' --interval 1s --max-scans 2")
                                 .arg(ferryctlPath(), plan, db),
                             QStringLiteral("/dev/null")},
                            env);
        QCOMPARE(tui.exitCode, 0);
        for (const char *text : {"Ferry watch", "Replication lag", "china: ", "p50", "in flight", "s scan", "\x1b["})
            QVERIFY2(tui.out.contains(text), text);

        // In tmux, as a lead on a jump host sees it: UTF-8 characters whole (the narrow
        // ncurses printed "M-b~@~T" for the dash), and ASCII when the locale is not UTF-8.
        const QString utf8 = watchScreenInTmux(plan, db, QStringLiteral("C.UTF-8"));
        QVERIFY2(utf8.contains(QStringLiteral("Ferry watch — ")) && utf8.contains(QStringLiteral("Replication lag")), qPrintable(utf8));
        QVERIFY2(!utf8.contains(QStringLiteral("M-b")), qPrintable(utf8));
        const QString ascii = watchScreenInTmux(plan, db, QStringLiteral("C"));
        QVERIFY2(ascii.contains(QStringLiteral("Ferry watch - ")) && ascii.contains(QStringLiteral("Replication lag")), qPrintable(ascii));
        for (const QChar c : ascii)
            QVERIFY2(c.unicode() < 0x80, qPrintable(ascii));
    }

    // Many short rounds, the replica killed and restarted in the middle: memory stays
    // flat and the database stays whole.
    void soakKeepsMemoryFlatAndDatabaseConsistent()
    {
        const QString plan = writePlan(QStringLiteral("soak.yaml"), QStringLiteral("1h"));
        const QString db = QDir(m_farm->dir()).filePath(QStringLiteral("soak.db"));
        Watch w;
        startWatch(w, plan, db, QStringLiteral("100ms"), QStringLiteral("3"));
        waitFor(
            w, [&] { return w.rounds() >= 40; }, 120'000);
        QVERIFY2(w.rounds() >= 40, w.output.right(2000).constData());
        const qint64 early = rssKiB(w.process.processId());
        m_farm->stopNamed(QStringLiteral("china"));
        waitFor(
            w, [&] { return w.rounds() >= 50; }, 120'000);
        QString error;
        QVERIFY2(m_farm->restartNamed(QStringLiteral("china"), &error), qPrintable(error));
        waitFor(
            w, [&] { return w.rounds() >= 150; }, 240'000);
        QVERIFY2(w.rounds() >= 150, w.output.right(2000).constData());
        const qint64 late = rssKiB(w.process.processId());
        stopWatch(w);
        qInfo("watch RSS after 40 rounds %lld KiB, after %d rounds %lld KiB", early, w.rounds(), late);
        // 8 MiB; under AddressSanitizer with TLS, 16: its allocator's per-thread caches and
        // redzones around OpenSSL's per-connection state (new connections after the restart)
        // read as about 9 MiB there, against about 1 MiB in a normal build.
        const bool asanTls = qEnvironmentVariableIsSet("ASAN_OPTIONS") && suiteShape() != Shape::Plain;
        const qint64 limitKiB = (asanTls ? 16 : 8) * 1024;
        QVERIFY2(late - early < limitKiB, qPrintable(QStringLiteral("RSS grew from %1 KiB to %2 KiB").arg(early).arg(late)));

        QSqlDatabase sql = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("soak"));
        sql.setDatabaseName(db);
        QVERIFY(sql.open());
        {
            QSqlQuery q(sql);
            QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
            q.finish();
            // One current history row per registry, repository and tag: rounds never duplicate.
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM observations WHERE gone_at IS NULL GROUP BY registry, "
                                          "repository, tag HAVING COUNT(*) > 1)")) &&
                    q.next());
            QCOMPARE(q.value(0).toInt(), 0);
            q.finish();
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM observations WHERE registry='gsoci' AND gone_at IS NULL")) && q.next());
            QCOMPARE(q.value(0).toInt(), 5);
            q.finish();
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*), SUM(finished_at IS NULL), SUM(complete=0) FROM scans")) && q.next());
            QVERIFY(q.value(0).toInt() >= 150);
            QVERIFY(q.value(1).toInt() <= 1); // at most the one the SIGINT cut
            QVERIFY(q.value(2).toInt() >= 1); // the outage was recorded as incomplete rounds
        }
        sql.close();
        sql = {};
        QSqlDatabase::removeDatabase(QStringLiteral("soak"));
    }
};

FERRY_TEST_MAIN(TestLag)
#include "tst_lag.moc"
