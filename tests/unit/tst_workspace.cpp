// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The session both faces share: the plan read once and again when its file changes, the
// database, scans as jobs on their own thread.

#include "core/workspace.h"
#include "store/store.h"
#include "testmain.h"

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
        const auto last = ws.store()->lastScan();
        QVERIFY(last);
        QCOMPARE(last->id, summary.scanId);
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
};

FERRY_TEST_MAIN(TestWorkspace)
#include "tst_workspace.moc"
