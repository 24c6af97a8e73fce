// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The Charts page, offscreen, on the real parts: a chart repository served over HTTP by the
// tests' chart server and the same charts pushed to a farm registry. "Scan charts" reads both
// sides off the GUI thread; the versions with their states, the state filter, the App Catalog,
// the Flux releases and the retirement's blockers show; the Overview's stage 3 bar opens the
// page on the versions not yet in OCI.
#include "chartspage.h"
#include "gui/mainwindow.h"
#include "overviewpage.h"
#include "registryfarm.h"
#include "store/store.h"
#include "testmain.h"
#include "testutil.h"

#include <QComboBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeWidget>

using namespace ferry;
using namespace ferry::test;

class TestChartsPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scansAndShowsTheChartMatrix()
    {
        FERRY_REQUIRE_REGISTRY_TOOLS();
        RegistryFarm farm;
        QString error;
        QVERIFY2(farm.startNamed(QStringLiteral("gsoci"), Shape::Plain, &error), qPrintable(error));
        QTemporaryDir dir;
        const QString script = QStringLiteral(FERRY_TEST_SUPPORT_DIR "/chart_repo.py");
        QVERIFY(writeFile(dir.filePath(QStringLiteral("spec.json")),
                          R"([{"chart":"hello","version":"1.0.0"},{"chart":"hello","version":"1.1.0","oci":false},
                              {"chart":"hello","version":"1.2.0","http":false},{"chart":"hello","version":"1.3.0","oci":"different"},
                              {"chart":"old","version":"0.1.0","deprecated":true}])"));
        const Run built = run(QStringLiteral("/usr/bin/python3"),
                              {script, QStringLiteral("build"), QStringLiteral("--dir"), dir.filePath(QStringLiteral("served")),
                               QStringLiteral("--spec"), dir.filePath(QStringLiteral("spec.json")), QStringLiteral("--door"),
                               farm.doorHostPort(QStringLiteral("gsoci")), QStringLiteral("--prefix"), QStringLiteral("charts")});
        QVERIFY2(built.exitCode == 0, built.err.constData());
        ManagedProcess server;
        const quint16 port = freeLoopbackPort();
        QVERIFY2(server.start(QStringLiteral("/usr/bin/python3"),
                              {script, QStringLiteral("serve"), QStringLiteral("--dir"), dir.filePath(QStringLiteral("served")),
                               QStringLiteral("--port"), QString::number(port)},
                              port, &error),
                 qPrintable(error));
        const QString plan = dir.filePath(QStringLiteral("plan.yaml"));
        QVERIFY(writeFile(
            dir.filePath(QStringLiteral("berlin/flux.yaml")),
            QStringLiteral("apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: { name: c, namespace: f }\n"
                           "spec: { url: \"http://127.0.0.1:%1\" }\n---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n"
                           "metadata: { name: hello, namespace: f }\n"
                           "spec: { chart: { spec: { chart: hello, version: 1.1.0, sourceRef: { kind: HelmRepository, name: c } } } }\n")
                .arg(port)
                .toUtf8()));
        QVERIFY(writeFile(plan,
                          QStringLiteral("version: 1\nname: p\nregistries:\n  gsoci: { %1, role: target }\n"
                                         "charts:\n  - { name: catalog, index: \"http://127.0.0.1:%2/\", credentials: anonymous, "
                                         "oci: gsoci/charts, catalog: 2 }\n"
                                         "clients:\n  - { cluster: berlin, paths: berlin }\n")
                              .arg(farm.planFields(QStringLiteral("gsoci")))
                              .arg(port)
                              .toUtf8()));
        const QString db = dir.filePath(QStringLiteral("p.ferry.db"));
        MainWindow window(plan, db);
        window.show();
        ChartsPage *page = window.chartsPage();
        QTRY_VERIFY_WITH_TIMEOUT(page->summary().contains(QStringLiteral("No charts scan yet")), 10000);

        QSignalSpy scanned(page, &ChartsPage::scanned);
        page->scanNow();
        QVERIFY(page->isScanning() || scanned.count() == 1);
        QTRY_COMPARE_WITH_TIMEOUT(scanned.count(), 1, 60000);
        QVERIFY2(scanned.at(0).at(0).toString().contains(QStringLiteral("catalog: 5 versions")),
                 qPrintable(scanned.at(0).at(0).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(page->summary().startsWith(QStringLiteral("catalog:")), 10000);
        QVERIFY2(page->summary().contains(QStringLiteral("2 of 4 versions of the HTTP index are in OCI with the same content (50 %)")),
                 qPrintable(page->summary()));
        QVERIFY2(page->summary().contains(QStringLiteral("1 Flux release(s) still resolve charts over HTTP")), qPrintable(page->summary()));
        QCOMPARE(page->versionsProxy()->rowCount(), 5);
        QMap<QString, QString> states;
        for (int r = 0; r < page->versionsProxy()->rowCount(); ++r)
            states.insert(page->versionsProxy()->index(r, 1).data().toString() + u' ' +
                              page->versionsProxy()->index(r, 2).data().toString(),
                          page->versionsProxy()->index(r, 0).data().toString());
        QCOMPARE(states.value(QStringLiteral("hello 1.0.0")), QStringLiteral("same"));
        QCOMPARE(states.value(QStringLiteral("hello 1.1.0")), QStringLiteral("missing-in-oci"));
        QCOMPARE(states.value(QStringLiteral("hello 1.2.0")), QStringLiteral("only-in-oci"));
        QCOMPARE(states.value(QStringLiteral("hello 1.3.0")), QStringLiteral("different-content"));
        QCOMPARE(states.value(QStringLiteral("old 0.1.0 (deprecated)")), QStringLiteral("deprecated"));
        // Every column under its header: the reason of the rebuilt chart is under "Why".
        const QAbstractItemModel *m = page->versionsProxy();
        QCOMPARE(m->headerData(8, Qt::Horizontal).toString(), QStringLiteral("Why"));
        for (int r = 0; r < m->rowCount(); ++r)
            if (m->index(r, 2).data().toString() == u"1.3.0")
                QVERIFY2(m->index(r, 8).data().toString().contains(QStringLiteral("chart layer")),
                         qPrintable(m->index(r, 8).data().toString()));

        // The App Catalog from OCI: the last two, and what the switch would lose (1.1.0 is in
        // the index's last two, not in OCI).
        QTreeWidgetItem *hello = page->catalogTree()->findItems(QStringLiteral("hello"), Qt::MatchExactly).value(0);
        QVERIFY(hello);
        QCOMPARE(hello->text(1), QStringLiteral("1.3.0  1.2.0"));
        QCOMPARE(hello->text(2), QStringLiteral("1.1.0"));
        QCOMPARE(page->releasesView()->model()->rowCount(), 1);
        QCOMPARE(page->releasesView()->model()->index(0, 3).data().toString(), QStringLiteral("http"));
        QCOMPARE(page->releasesView()->model()->index(0, 5).data().toString(), QStringLiteral("missing-in-oci"));
        QVERIFY2(page->retireText()->toPlainText().contains(QStringLiteral("hello 1.1.0 is missing-in-oci")),
                 qPrintable(page->retireText()->toPlainText()));

        // The Overview's stage 3 bar, and its link to the versions not yet in OCI.
        OverviewPage *overview = window.findChild<OverviewPage *>();
        QVERIFY(overview);
        QTRY_VERIFY_WITH_TIMEOUT(!overview->findChildren<QProgressBar *>().isEmpty(), 10000);
        QProgressBar *bar = nullptr;
        for (QProgressBar *b : overview->findChildren<QProgressBar *>())
            if (b->maximum() == 4)
                bar = b;
        QVERIFY(bar);
        QCOMPARE(bar->value(), 2);
        QLabel *open = nullptr;
        for (QLabel *l : overview->findChildren<QLabel *>())
            if (l->text().contains(QStringLiteral("2 open")))
                open = l;
        QVERIFY(open);
        Q_EMIT open->linkActivated(QStringLiteral("open"));
        QCOMPARE(page->versionsProxy()->rowCount(), 2); // missing-in-oci and different-content
        QVERIFY(page->isVisible());
        page->stateFilter()->setCurrentIndex(0);
        QCOMPARE(page->versionsProxy()->rowCount(), 5);

        window.showPage(QStringLiteral("charts"));
        QVERIFY(page->isVisible());

        // The OCI side unreadable: the window says which repository was read only in part, as
        // ferryctl charts scan does (the scan is the same function), instead of "5 versions".
        farm.stopNamed(QStringLiteral("gsoci"));
        page->scanNow();
        QTRY_COMPARE_WITH_TIMEOUT(scanned.count(), 2, 60000);
        const QString partly = scanned.at(1).at(0).toString();
        QVERIFY2(partly.contains(QStringLiteral("read only in part")) && partly.contains(QStringLiteral("charts/hello")),
                 qPrintable(partly));
    }
};

FERRY_TEST_MAIN_WIDGETS(TestChartsPage)
#include "tst_chartspage.moc"
