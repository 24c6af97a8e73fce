// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The Clients page, offscreen: a plan with two clusters' manifests and a matrix in the store;
// the manifests are read and joined off the GUI thread, the per-cluster shares and the
// references show, picking a cluster filters them, the burn-down and the generated
// hosts.toml are there, and a double-click opens the reference's matrix row.
#include "clientspage.h"
#include "gui/mainwindow.h"
#include "imagespage.h"
#include "store/clienttables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "store/store.h"
#include "testmain.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>

using namespace ferry;

namespace { } // namespace

class TestClientsPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsTheClustersAndOpensTheMatrix()
    {
        QTemporaryDir dir;
        const QString plan = dir.filePath(QStringLiteral("plan.yaml"));
        QVERIFY(ferry::test::writeFile(
            plan,
            "version: 1\nname: p\nregistries:\n"
            "  dockerhub: { url: https://registry-1.docker.io, kind: dockerhub, role: source, credentials: anonymous }\n"
            "  gsoci: { url: https://gsoci.azurecr.io, role: target, credentials: anonymous }\n"
            "images:\n  - { source: dockerhub/giantswarm/app, target: gsoci/giantswarm/app }\n"
            "clients:\n  - { cluster: berlin, paths: berlin }\n  - { cluster: hamburg, paths: hamburg }\n"));
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("berlin/a.yaml")),
                                       "apiVersion: v1\nkind: Pod\nmetadata: { name: a }\nspec:\n  containers:\n"
                                       "    - { name: a, image: \"giantswarm/app:1.0\" }\n    - { name: b, image: \"quay.io/x/y:1\" }\n"));
        QVERIFY(ferry::test::writeFile(dir.filePath(QStringLiteral("hamburg/a.yaml")),
                                       "apiVersion: v1\nkind: Pod\nmetadata: { name: a }\nspec:\n  containers:\n"
                                       "    - { name: a, image: \"gsoci.azurecr.io/giantswarm/app:1.0\" }\n"));
        const QString db = dir.filePath(QStringLiteral("p.ferry.db"));
        {
            Store store(db);
            QString err;
            QVERIFY(store.open(&err));
            const QDateTime at = QDateTime::currentDateTimeUtc();
            const qint64 scan = HistoryTables(store).beginScan(plan, at);
            const QString d = QStringLiteral("sha256:%1").arg(1, 64, 10, QLatin1Char('0'));
            MatrixRow row{QStringLiteral("giantswarm/app"), QStringLiteral("1.0"), QStringLiteral("synced"), {}, true, {}};
            row.cells.insert(QStringLiteral("dockerhub"), MatrixCell{d, QStringLiteral("synced"), {}, {}, at, at});
            row.cells.insert(QStringLiteral("gsoci"), MatrixCell{d, QStringLiteral("synced"), {}, {}, at, at});
            QVERIFY(MatrixTables(store).writeMatrix(scan, {row}, {QStringLiteral("giantswarm/app")}));
            HistoryTables(store).finishScan(ScanRecord{scan, plan, at, at, true, false, 0, 0, {}, {}});
            QVERIFY(ClientTables(store).recordClientCounts(
                {ClientCount{at.addSecs(-60), QStringLiteral("berlin"), QStringLiteral("dockerhub"), 3, 0},
                 ClientCount{at, QStringLiteral("berlin"), QStringLiteral("dockerhub"), 1, 1}}));
        }
        MainWindow window(plan, db);
        window.show();
        ClientsPage *page = window.clientsPage();
        QTRY_VERIFY_WITH_TIMEOUT(page->summary().contains(QStringLiteral("references")), 10000);
        QCOMPARE(page->summary(),
                 QStringLiteral("3 references in 2 clusters (2 files): 2 switch-ready or switched (66 %), 1 still pull from Docker Hub."));
        QCOMPARE(page->clustersView()->model()->rowCount(), 3); // berlin/dockerhub, berlin/quay.io, hamburg/gsoci
        QCOMPARE(page->referencesProxy()->rowCount(), 3);
        QVERIFY(page->hostsText()->toPlainText().contains(QStringLiteral("server = \"https://gsoci.azurecr.io\"")));

        // Picking berlin's Docker Hub row leaves its one reference.
        page->clustersView()->setCurrentIndex(page->clustersView()->model()->index(0, 0));
        QCOMPARE(page->referencesProxy()->rowCount(), 1);
        QCOMPARE(page->referencesProxy()->index(0, 2).data().toString(), QStringLiteral("switch-ready"));

        QSignalSpy requested(page, &ClientsPage::matrixRowRequested);
        const QModelIndex ref = page->referencesProxy()->index(0, 3);
        QVERIFY(ref.isValid());
        Q_EMIT page->referencesView()->doubleClicked(ref);
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().at(0).toString(), QStringLiteral("giantswarm/app"));
        QCOMPARE(requested.first().at(1).toString(), QStringLiteral("1.0"));
        QCOMPARE(window.imagesPage()->filterEdit()->text(), QStringLiteral("giantswarm/app:1.0"));

        // A refs scan from the window, as ferryctl refs scan: the burn-down gains a point and what
        // the clusters run is recorded for cleanup.
        QSignalSpy recorded(page, &ClientsPage::refsRecorded);
        QVERIFY(page->recordButton()->isEnabled());
        page->recordButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(recorded.size(), 1, 10000);
        QCOMPARE(recorded.first().first().toString(),
                 QStringLiteral("Refs scan recorded: 3 references in 2 clusters; cleanup holds back what they run and pin, and approves "
                                "against this scan"));
        QVERIFY(page->recordButton()->isEnabled());
        Store store(db);
        QString err;
        QVERIFY(store.open(&err));
        const auto refs = ClientTables(store).lastRefsScan();
        QVERIFY(refs);
        QCOMPARE(refs->references, 3);
        QCOMPARE(refs->clusters, QStringLiteral("berlin,hamburg"));
        QCOMPARE(ClientTables(store).clientCountHistory().size(), 2 + 3); // berlin/dockerhub, berlin/quay.io, hamburg/gsoci
        QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().startsWith(QStringLiteral("Refs scan recorded")), 5000);
    }
};

FERRY_TEST_MAIN_WIDGETS(TestClientsPage)
#include "tst_clientspage.moc"
