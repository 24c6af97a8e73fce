// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The Copies page, offscreen, against registries of the user's shape (TLS, HTTP/2, token auth):
// a row of the Images page planned from its context menu's request, the batch reviewed, approved
// and copied from the page, the target read back with skopeo.
#include "copypage.h"
#include "gui/mainwindow.h"
#include "imagespage.h"
#include "overviewpage.h"
#include "registryfarm.h"
#include "testmain.h"
#include "testutil.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardItemModel>

using namespace ferry;

class TestCopyPage : public QObject
{
    Q_OBJECT
private:
    static QByteArray raw(const test::RegistryFarm &farm, const QString &registry, const QString &ref)
    {
        const test::Run r = test::run(QStringLiteral("skopeo"),
                                      {QStringLiteral("inspect"), QStringLiteral("--raw"), QStringLiteral("--tls-verify=false"),
                                       QStringLiteral("docker://%1/%2").arg(farm.doorHostPort(registry), ref)});
        return r.exitCode == 0 ? r.out : QByteArray();
    }

private Q_SLOTS:
    void aRowIsPlannedApprovedAndCopiedFromTheWindow()
    {
        FERRY_REQUIRE_REGISTRY_TOOLS();
        test::RegistryFarm farm;
        QString error;
        QVERIFY2(farm.startNamed(QStringLiteral("hub"), test::Shape::TlsToken, &error), qPrintable(error));
        QVERIFY2(farm.startNamed(QStringLiteral("gsoci"), test::Shape::TlsToken, &error), qPrintable(error));
        QVERIFY2(farm.seedNamed(QStringLiteral("hub"), QStringLiteral("w"), &error), qPrintable(error));
        farm.exportCredentials();
        const QString plan = QDir(farm.dir()).filePath(QStringLiteral("copy.yaml"));
        QVERIFY(test::writeFile(plan,
                                QStringLiteral("version: 1\nname: window\nregistries:\n  hub: { %1, role: source }\n"
                                               "  gsoci: { %2, role: target }\nimages:\n  - source: hub/team/app\n"
                                               "    target: gsoci/team/app\n")
                                    .arg(farm.planFields(QStringLiteral("hub")), farm.planFields(QStringLiteral("gsoci")))
                                    .toUtf8()));
        const QString db = QDir(farm.dir()).filePath(QStringLiteral("copy.db"));
        const test::Run scan =
            test::run(test::ferryctlPath(), {QStringLiteral("scan"), QStringLiteral("--plan"), plan, QStringLiteral("--db"), db});
        QVERIFY2(scan.exitCode == 0 || scan.exitCode == 5, scan.err.constData());

        MainWindow window(plan, db);
        CopyPage *page = window.copyPage();
        QSignalSpy done(page, &CopyPage::workFinished);
        // The Images page asks for one missing row: the window opens the Copies page and plans it.
        Q_EMIT window.imagesPage()->copyRequested(QStringLiteral("team/app"), QStringLiteral("2.0.0"), QStringLiteral("missing"));
        QVERIFY(page->isVisible() || page->isBusy());
        QVERIFY(done.wait(60'000));
        QVERIFY2(page->lastMessage().contains(QStringLiteral("Planned 1 copy batch")), qPrintable(page->lastMessage()));
        QTRY_VERIFY_WITH_TIMEOUT(!page->isReading() && page->itemModel()->rowCount() == 1, 10'000);
        QCOMPARE(page->itemModel()->item(0, 1)->text(), QStringLiteral("2.0.0"));
        QCOMPARE(page->itemModel()->item(0, 3)->text(), QStringLiteral("new tag"));
        QVERIFY(page->headerText().contains(QStringLiteral("planned")));
        // The Overview's stage 1 says what waits on the lead, and leads to this page.
        OverviewPage *overview = window.overviewPage();
        QTRY_VERIFY_WITH_TIMEOUT(overview->stageWork() == QStringList{QStringLiteral("copies: 1 tag in 1 batch awaits approval")}, 10'000);

        page->approveSelected(QStringLiteral("lead"), QStringLiteral("the release"));
        QVERIFY(done.wait(10'000));
        QVERIFY2(page->lastMessage().contains(QStringLiteral("approved")), qPrintable(page->lastMessage()));
        QTRY_VERIFY_WITH_TIMEOUT(!page->isReading() && page->headerText().contains(QStringLiteral("(approved)")), 10'000);
        page->runSelected(false);
        QVERIFY(done.wait(120'000));
        QVERIFY2(page->lastMessage().contains(QStringLiteral("1 copied")), qPrintable(page->lastMessage()));
        QTRY_VERIFY_WITH_TIMEOUT(
            !page->isReading() && page->itemModel()->rowCount() == 1 && page->itemModel()->item(0, 4)->text() == u"copied", 10'000);
        QCOMPARE(page->batchModel()->item(0, 1)->text(), QStringLiteral("executed"));
        QTRY_VERIFY_WITH_TIMEOUT(overview->stageWork() == QStringList{QStringLiteral("copies: 1 done")}, 10'000);
        const QByteArray want = raw(farm, QStringLiteral("hub"), QStringLiteral("team/app:2.0.0"));
        QVERIFY(!want.isEmpty());
        QCOMPARE(raw(farm, QStringLiteral("gsoci"), QStringLiteral("team/app:2.0.0")), want);
        QVERIFY(raw(farm, QStringLiteral("gsoci"), QStringLiteral("team/app:1.1.0")).isEmpty()); // only the row asked for
    }
};

FERRY_TEST_MAIN_WIDGETS(TestCopyPage)
#include "tst_copypage.moc"
