// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The session both faces share: the plan read once and again when its file changes, the
// database, scans as jobs on their own thread.

#include "core/workspace.h"
#include "store/figuretables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "store/store.h"
#include "testmain.h"

#include <QDir>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>

using namespace ferry;

namespace {

// A plan whose registries listen nowhere: 127.0.0.1 on a port that was just free.
QByteArray planText(quint16 port, const QString &repository)
{
    return QStringLiteral("version: 1\n"
                          "registries:\n"
                          "  hub:   { url: http://127.0.0.1:%1, role: source, credentials: anonymous }\n"
                          "  gsoci: { url: http://127.0.0.1:%1, role: target, credentials: anonymous }\n"
                          "images:\n"
                          "  - source: hub/%2\n"
                          "    target: gsoci/%2\n")
        .arg(port)
        .arg(repository)
        .toUtf8();
}

quint16 closedPort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost);
    return s.serverPort(); // closed again when s goes
}

bool write(const QString &path, const QByteArray &text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size();
}

} // namespace

class TestWorkspace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void planIsReadAgainWhenItsFileChanges()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("leave-docker-hub.yaml"));
        const quint16 port = closedPort();
        QVERIFY(write(path, planText(port, QStringLiteral("team/app"))));
        Workspace ws;
        QString error;
        QVERIFY2(ws.loadPlan(path, &error), qPrintable(error));
        const std::shared_ptr<const Plan> first = ws.plan();
        QCOMPARE(first->images.first().targetRepository, QStringLiteral("team/app"));
        QCOMPARE(Workspace::defaultDatabase(path), dir.filePath(QStringLiteral("leave-docker-hub.ferry.db")));

        QSignalSpy changed(&ws, &Workspace::planChanged);
        QSignalSpy failed(&ws, &Workspace::planFailed);
        QVERIFY(write(path, planText(port, QStringLiteral("team/other"))));
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, 10000);
        QCOMPARE(ws.plan()->images.first().targetRepository, QStringLiteral("team/other"));
        QCOMPARE(first->images.first().targetRepository, QStringLiteral("team/app")); // a job holding the old plan keeps it

        // A broken edit says why and keeps the last good plan.
        QVERIFY(write(path, "version: 1\nregistries: [\n"));
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
        QVERIFY(!failed.first().first().toString().isEmpty());
        QCOMPARE(ws.plan()->images.first().targetRepository, QStringLiteral("team/other"));

        // An unreadable plan at load is refused and the loaded one stays.
        QVERIFY(!ws.loadPlan(dir.filePath(QStringLiteral("missing.yaml")), &error));
        QVERIFY(error.contains(QStringLiteral("missing.yaml")));
        QCOMPARE(ws.planPath(), path);
    }

    void scanRunsAsAJob()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("plan.yaml"));
        QVERIFY(write(path, planText(closedPort(), QStringLiteral("team/app"))));
        Workspace ws;
        QString error;
        QVERIFY(!ws.startScan({}, &error)); // no plan yet
        QCOMPARE(error, QStringLiteral("no plan is open"));
        QVERIFY2(ws.loadPlan(path, &error), qPrintable(error));
        QVERIFY(!ws.startScan({}, &error));
        QCOMPARE(error, QStringLiteral("no database is open"));
        QVERIFY2(ws.openDatabase(Workspace::defaultDatabase(path), &error), qPrintable(error));
        QCOMPARE(ws.registryConfigs().keys(), (QStringList{QStringLiteral("gsoci"), QStringLiteral("hub")}));

        std::unique_ptr<ScanJob> job(ws.startScan({}, &error));
        QVERIFY(job);
        QVERIFY(job->isRunning());
        QSignalSpy finished(job.get(), &ScanJob::finished);
        QVERIFY(finished.wait(60000));
        QVERIFY(!job->isRunning());
        const auto summary = finished.first().first().value<ScanSummary>();
        // Nothing listens: the scan ends, incomplete, and says what could not be read.
        QVERIFY(!summary.complete);
        QVERIFY(!summary.errors.isEmpty());
        QVERIFY2(summary.errors.join(u'\n').contains(QStringLiteral("127.0.0.1")), qPrintable(summary.errors.join(u'\n')));
        // It wrote through its own connection; the workspace's sees it.
        const auto last = HistoryTables(*ws.store()).lastScan();
        QVERIFY(last);
        QCOMPARE(last->id, summary.scanId);
    }

    // The window and the terminal follow the database through the workspace: another writer's
    // change is said, this session's own scan is not, and a database opened later is followed.
    void followsOtherWritersNotItsOwnScans()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("plan.yaml"));
        QVERIFY(write(path, planText(closedPort(), QStringLiteral("team/app"))));
        Workspace ws;
        QString error;
        QVERIFY2(ws.loadPlan(path, &error), qPrintable(error));
        QVERIFY2(ws.openDatabase(Workspace::defaultDatabase(path), &error), qPrintable(error));
        ws.followStore(200);
        QSignalSpy changed(&ws, &Workspace::storeChanged);

        std::unique_ptr<ScanJob> job(ws.startScan({}, &error));
        QVERIFY(job);
        QSignalSpy finished(job.get(), &ScanJob::finished);
        QVERIFY(finished.wait(60000));
        QTest::qWait(1500); // its file's changes have arrived by now
        QCOMPARE(changed.size(), 0);

        const auto writeScan = [](const QString &db) {
            Store other(db); // another process's connection, as ferryctl watch elsewhere
            QString why;
            return other.open(&why) && HistoryTables(other).beginScan(QStringLiteral("plan.yaml"), QDateTime::currentDateTimeUtc()) > 0;
        };
        QTest::qWait(2000); // past the three seconds in which a file's change is this scan's
        QVERIFY(writeScan(ws.databasePath()));
        QTRY_VERIFY_WITH_TIMEOUT(changed.size() >= 1, 10000);

        const QString second = dir.filePath(QStringLiteral("second.ferry.db"));
        QVERIFY2(ws.openDatabase(second, &error), qPrintable(error));
        changed.clear();
        QVERIFY(writeScan(second));
        QTRY_VERIFY_WITH_TIMEOUT(changed.size() >= 1, 10000);
    }

    // Which plan executes a batch, one rule for the window, the terminal and ferryctl: the open
    // plan when the batch was made from it, else the batch's own file, else (gone) the open plan.
    void thePlanThatExecutesABatch()
    {
        QTemporaryDir dir;
        const QString open = dir.filePath(QStringLiteral("open.yaml")), other = dir.filePath(QStringLiteral("other.yaml"));
        const quint16 port = closedPort();
        QVERIFY(write(open, planText(port, QStringLiteral("team/open"))));
        QVERIFY(write(other, planText(port, QStringLiteral("team/other"))));
        Workspace ws;
        QString error;
        QVERIFY(!ws.planForBatch(other + QStringLiteral(".gone"), &error));
        QVERIFY2(error.contains(QStringLiteral("other.yaml.gone")), qPrintable(error));
        QVERIFY(ws.planForBatch(other, &error)); // ferryctl without --plan: the batch's own file
        QVERIFY2(ws.loadPlan(open, &error), qPrintable(error));
        QCOMPARE(ws.planForBatch(QDir(dir.path()).filePath(QStringLiteral("./open.yaml")), &error), ws.plan()); // the same file
        QCOMPARE(ws.planForBatch(other, &error)->images.first().targetRepository, QStringLiteral("team/other"));
        QCOMPARE(ws.planForBatch(other + QStringLiteral(".gone"), &error), ws.plan());
        QCOMPARE(ws.planForBatch(QString(), &error), ws.plan());
    }

    void manifestsOfThePlansRegistriesOnly()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("plan.yaml"));
        QVERIFY(write(path, planText(closedPort(), QStringLiteral("team/app"))));
        Workspace ws;
        QString error;
        QVERIFY(ws.loadPlan(path, &error));
        auto unknown = ws.fetchManifest(QStringLiteral("quay"), QStringLiteral("team/app"), QStringLiteral("1.0"));
        QVERIFY(unknown.isFinished());
        QCOMPARE(unknown.result().error.kind, RegistryError::Kind::InvalidInput);
        QVERIFY(unknown.result().error.toString().contains(QStringLiteral("quay is not a registry of the open plan")));
        // A registry of the plan: a real request, here to a closed port.
        auto down = ws.fetchManifest(QStringLiteral("gsoci"), QStringLiteral("team/app"), QStringLiteral("1.0"));
        QTRY_VERIFY_WITH_TIMEOUT(down.isFinished(), 60000);
        QVERIFY(!down.result().ok());
        QVERIFY(down.result().error.kind != RegistryError::Kind::InvalidInput);
    }

    void aJobDestroyedWhileRunningStopsCleanly()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("plan.yaml"));
        QVERIFY(write(path, planText(closedPort(), QStringLiteral("team/app"))));
        Workspace ws;
        QString error;
        QVERIFY(ws.loadPlan(path, &error));
        QVERIFY(ws.openDatabase(Workspace::defaultDatabase(path), &error));
        for (int i = 0; i < 3; ++i) {
            std::unique_ptr<ScanJob> job(ws.startScan({}, &error));
            QVERIFY(job);
            job->cancel();
        } // each destroyed at once: cancelled, its thread joined, no crash, no leak
        ScanJob never(ws.plan(), ws.databasePath(), ws.network(), {});
        QVERIFY(!never.isRunning()); // never started: destroyed without a thread to stop
    }

    // The pages' reads: each on a pool thread with a connection of its own; without a
    // database the value says so.
    void readsOfTheDatabase()
    {
        QTemporaryDir dir;
        Workspace ws;
        QCOMPARE(ws.lag(QDateTime()).result().error, QStringLiteral("no database is open"));
        QCOMPARE(ws.reportData(QDateTime(), 0).result().errors, QStringList{QStringLiteral("no database is open")});
        const MatrixSnapshot none = ws.matrixSnapshot().result();
        QVERIFY(none.matrix && none.matrix->isEmpty());
        QCOMPARE(none.progress.errors, QStringList{QStringLiteral("no database is open")});
        QString error;
        QVERIFY(ws.openDatabase(dir.filePath(QStringLiteral("w.db")), &error));
        QVERIFY(FigureTables(*ws.store())
                    .recordRegistries({{QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0},
                                       {QStringLiteral("china"), QStringLiteral("replica"), QStringLiteral("gsoci"), 60}}));
        const QDateTime at = QDateTime::currentDateTimeUtc().addSecs(-600);
        const qint64 scan = HistoryTables(*ws.store()).beginScan(QStringLiteral("p.yaml"), at);
        HistoryTables(*ws.store())
            .applyListing(scan, QStringLiteral("gsoci"), QStringLiteral("team/app"),
                          {TagObservation{QStringLiteral("1.0"), QStringLiteral("sha256:%1").arg(1, 64, 10, QLatin1Char('0')), {}, {}, {}}},
                          true, at);
        HistoryTables(*ws.store()).finishScan(ScanRecord{scan, QStringLiteral("p.yaml"), at, at, true, false, 0, 0, {}, {}});
        const QThread *caller = QThread::currentThread();
        const LagReport lag = ws.lag(QDateTime(), 0).result();
        QCOMPARE(lag.replicas.size(), 1);
        QCOMPARE(lag.replicas.first().inFlightCount, 1);
        QCOMPARE(lag.replicas.first().inFlight.size(), 0); // keepRows 0: counted, not held
        const ReportData report = ws.reportData(QDateTime(), 0, ReportScope::Progress).result();
        QVERIFY(report.lastScan);
        QCOMPARE(report.lastScan->id, scan);
        // The snapshot: the matrix in its compact form and the stages counted from it, the
        // same as the store's rows give.
        MatrixRow row{QStringLiteral("team/app"), QStringLiteral("1.0"), QStringLiteral("lagging"), {}, true, {}};
        row.cells.insert(
            QStringLiteral("gsoci"),
            MatrixCell{QStringLiteral("sha256:%1").arg(1, 64, 10, QLatin1Char('0')), QStringLiteral("synced"), {}, {}, at, at});
        row.cells.insert(QStringLiteral("china"), MatrixCell{{}, QStringLiteral("lagging"), {}, {}, {}, {}});
        QVERIFY(MatrixTables(*ws.store()).writeMatrix(scan, {row}, {QStringLiteral("team/app")}));
        const MatrixSnapshot snapshot = ws.matrixSnapshot().result();
        QCOMPARE(snapshot.matrix->size(), 1);
        QCOMPARE(snapshot.matrix->row(0), row);
        const ReportData fromRows = ws.reportData(QDateTime(), 0, ReportScope::Progress).result();
        QCOMPARE(snapshot.progress.stages.size(), 2);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(snapshot.progress.stages.at(i).stage, fromRows.stages.at(i).stage);
            QCOMPARE(snapshot.progress.stages.at(i).done, fromRows.stages.at(i).done);
            QCOMPARE(snapshot.progress.stages.at(i).total, fromRows.stages.at(i).total);
        }
        QCOMPARE(snapshot.progress.stages.at(0).done, 1); // in the target with the source's digest
        QCOMPARE(snapshot.progress.stages.at(1).done, 0); // not yet in the replica
        QCOMPARE(snapshot.progress.rowsByState, (QMap<QString, int>{{QStringLiteral("lagging"), 1}}));
        // Not result() at once: a QFuture's wait may run a task not yet started on the waiting thread.
        QFuture<bool> elsewhere =
            ws.read([caller](Store &) { return QThread::currentThread() != caller; }, [](const QString &) { return false; });
        QTRY_VERIFY_WITH_TIMEOUT(elsewhere.isFinished(), 10000);
        QVERIFY(elsewhere.result());
    }

    // Cleanup as a job: review operations and a plan run on the job's thread and store
    // connection; a job destroyed while it runs is cancelled and joined.
    void cleanupRunsAsAJob()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("plan.yaml"));
        QVERIFY(write(path,
                      planText(closedPort(), QStringLiteral("team/app")) +
                          "cleanup:\n  policies:\n    - { name: dev, kind: dev-tags, registry: gsoci, repositories: team/app, "
                          "older-than: 30d }\n"));
        Workspace ws;
        QString error;
        QVERIFY(!ws.startCleanup({}, &error));
        QCOMPARE(error, QStringLiteral("no database is open"));
        QVERIFY2(ws.loadPlan(path, &error), qPrintable(error));
        QVERIFY(ws.openDatabase(Workspace::defaultDatabase(path), &error));

        CleanupRequest approve;
        approve.kind = CleanupRequest::Kind::Approve;
        approve.batch = 42;
        approve.actor = QStringLiteral("lead");
        std::unique_ptr<CleanupJob> job(ws.startCleanup(approve, &error));
        QVERIFY(job);
        QSignalSpy finished(job.get(), &CleanupJob::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().first().value<CleanupOutcome>().refused, QStringLiteral("there is no batch 42"));

        // Planning against a registry that does not answer: the job ends with the error.
        job.reset(ws.startCleanup(CleanupRequest{}, &error));
        QSignalSpy planned(job.get(), &CleanupJob::finished);
        QVERIFY(planned.wait(60000));
        const CleanupOutcome outcome = planned.first().first().value<CleanupOutcome>();
        QVERIFY(outcome.plan.batches.isEmpty());
        QVERIFY2(outcome.plan.errors.join(u'\n').contains(QStringLiteral("team/app")), qPrintable(outcome.plan.errors.join(u'\n')));

        for (int i = 0; i < 3; ++i) {
            std::unique_ptr<CleanupJob> running(ws.startCleanup(CleanupRequest{}, &error));
            QVERIFY(running && running->isRunning());
        } // destroyed at once: cancelled, its thread joined after the request in flight
    }
};

FERRY_TEST_MAIN(TestWorkspace)
#include "tst_workspace.moc"
