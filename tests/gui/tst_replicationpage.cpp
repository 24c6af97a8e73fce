// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The Replication page (and the Overview's stages and trend), offscreen: lag computed off the GUI thread from a history with
// known times, the summary, the breach and in-flight lists, and a double-click that opens
// the row in the matrix.
#include "core/workspace.h"
#include "gui/mainwindow.h"
#include "imagespage.h"
#include "overviewpage.h"
#include "replicationpage.h"
#include "store/figuretables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "store/store.h"
#include "testmain.h"

#include <QChartView>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimeZone>

using namespace ferry;

class TestReplicationPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsLagAndLinksToTheMatrix()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("r.db"));
        {
            Store store(db);
            QString err;
            QVERIFY(store.open(&err));
            QVERIFY(
                FigureTables(store).recordRegistries({{QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0},
                                                      {QStringLiteral("china"), QStringLiteral("replica"), QStringLiteral("gsoci"), 120}}));
            const QDateTime t0 = QDateTime::currentDateTimeUtc().addSecs(-3600);
            auto d = [](int n) { return QStringLiteral("sha256:%1").arg(n, 64, 10, QLatin1Char('0')); };
            const QString repo = QStringLiteral("team/app");
            QList<TagObservation> target, china;
            for (int i = 0; i < 4; ++i) {
                const QDateTime at = t0.addSecs(60 * i);
                const qint64 scan = HistoryTables(store).beginScan(QStringLiteral("p.yaml"), at);
                target << TagObservation{QStringLiteral("1.%1").arg(i), d(i), {}, {}, {}};
                if (i >= 1)
                    china << TagObservation{QStringLiteral("1.%1").arg(i - 1), d(i - 1), {}, {}, {}};
                HistoryTables(store).applyListing(scan, QStringLiteral("gsoci"), repo, target, true, at);
                HistoryTables(store).applyListing(scan, QStringLiteral("china"), repo, china, true, at);
                QVERIFY(MatrixTables(store).recordStateCounts(
                    scan, {{QString(), {{QStringLiteral("synced"), i}, {QStringLiteral("lagging"), 1}}}}));
                HistoryTables(store).finishScan(ScanRecord{scan, QStringLiteral("p.yaml"), at, at, true, false, 0, 0, {}, {}});
            }
            // 1.0..1.2 arrived one scan (60 s) after the target had them; 1.3 is in flight
            // for an hour, beyond the 2 min SLO.
        }
        MainWindow window(QString(), db);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!window.matrixLoading(), 10000);
        ReplicationPage *page = window.replicationPage();
        QSignalSpy reloaded(page, &ReplicationPage::reloaded);
        QSignalSpy history(window.overviewPage(), &OverviewPage::historyReloaded);
        window.reload();
        QVERIFY(reloaded.wait(10'000));
        QVERIFY(history.count() > 0 || history.wait(10'000));
        // The Overview: the stage the database can measure, and the trend of four scans.
        QCOMPARE(window.overviewPage()->trendPoints(), 4);
        QVERIFY2(window.overviewPage()->stageTexts().join(u';').contains(QStringLiteral("Stage 4: China replica china")),
                 qPrintable(window.overviewPage()->stageTexts().join(u';')));
        QCOMPARE(page->report().replicas.size(), 1);
        QVERIFY2(page->summary().contains(QStringLiteral("3 arrivals: p50 <b>60s</b>")), qPrintable(page->summary()));
        QVERIFY2(page->summary().contains(QStringLiteral("1 beyond the SLO")), qPrintable(page->summary()));
        QCOMPARE(page->breachTable()->rowCount(), 0);
        QCOMPARE(page->inFlightTable()->rowCount(), 1);
        QCOMPARE(page->inFlightTable()->item(0, 2)->text(), QStringLiteral("1.3"));
        QVERIFY(page->findChildren<QChartView *>().size() == 2);

        Q_EMIT page->inFlightTable()->itemDoubleClicked(page->inFlightTable()->item(0, 2));
        QCOMPARE(window.imagesPage()->filterEdit()->text(), QStringLiteral("team/app:1.3"));
        QVERIFY(window.imagesPage()->isVisible());
    }

    void aNewReplicaDoesNotFloodTheTables()
    {
        // A replica added today: every digest of the target is in flight. The table lists the
        // oldest 500 and says how many more; the summary counts them all.
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("r.db"));
        {
            Store store(db);
            QString err;
            QVERIFY(store.open(&err));
            QVERIFY(
                FigureTables(store).recordRegistries({{QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0},
                                                      {QStringLiteral("china"), QStringLiteral("replica"), QStringLiteral("gsoci"), 120}}));
            const QDateTime at = QDateTime::currentDateTimeUtc().addSecs(-600);
            const qint64 scan = HistoryTables(store).beginScan(QStringLiteral("p.yaml"), at);
            QList<TagObservation> target;
            for (int i = 0; i < 1200; ++i)
                target << TagObservation{
                    QStringLiteral("1.%1").arg(i), QStringLiteral("sha256:%1").arg(i, 64, 10, QLatin1Char('0')), {}, {}, {}};
            HistoryTables(store).applyListing(scan, QStringLiteral("gsoci"), QStringLiteral("team/app"), target, true, at);
            HistoryTables(store).applyListing(scan, QStringLiteral("china"), QStringLiteral("team/app"), {}, true, at);
            HistoryTables(store).finishScan(ScanRecord{scan, QStringLiteral("p.yaml"), at, at, true, false, 0, 0, {}, {}});
        }
        {
            // Until the first read is in, the page says it is reading (not a blank page).
            Workspace ws;
            QString error;
            QVERIFY2(ws.openDatabase(db, &error), qPrintable(error));
            ReplicationPage alone;
            alone.setWorkspace(&ws, true);
            QCOMPARE(alone.summary(), QStringLiteral("Reading the replicas' history from the store…"));
            QTRY_COMPARE_WITH_TIMEOUT(alone.report().replicas.size(), 1, 10000);
            QVERIFY(!alone.summary().startsWith(QStringLiteral("Reading")));
        }
        MainWindow window(QString(), db);
        window.show();
        ReplicationPage *page = window.replicationPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->report().replicas.size(), 1, 10000);
        QVERIFY2(page->summary().contains(QLocale().toString(1200) + QStringLiteral(" in flight")), qPrintable(page->summary()));
        QCOMPARE(page->inFlightTable()->rowCount(), 501);
        // The page holds the rows it shows, not every digest in flight.
        QCOMPARE(page->report().replicas.first().inFlightCount, 1200);
        QCOMPARE(page->report().replicas.first().inFlight.size(), 500);
        QCOMPARE(page->inFlightTable()->item(500, 0)->text(), QStringLiteral("… and 700 more (ferryctl lag --format csv lists them all)"));
    }
};

FERRY_TEST_MAIN_WIDGETS(TestReplicationPage)
#include "tst_replicationpage.moc"
