// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The dashboard, offscreen: it opens a database, the Images page filters as you type,
// sorts, and the detail panel shows the selected row's digests and history.
#include "clientspage.h"
#include "fakeserver.h"
#include "gui/launch.h"
#include "gui/mainwindow.h"
#include "imagespage.h"
#include "manifestmodel.h"
#include "overviewpage.h"
#include "registriespage.h"
#include "registryfarm.h"
#include "store/figuretables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "store/store.h"
#include "syncmatrixmodel.h"
#include "testmain.h"
#include "teststore.h"
#include "testutil.h"

#include <QApplication>
#include <QComboBox>
#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextLayout>
#include <QToolBar>

using namespace ferry;

namespace {

// A two-platform OCI index on one line, as registries serve what a client pushed compactly.
const char kIndex[] =
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
    "{\"mediaType\":\"application/"
    "vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"size\":500,"
    "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
    "{\"mediaType\":\"application/"
    "vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\",\"size\":500,"
    "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}]}";

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;

private Q_SLOTS:
    // The icon is compiled in (resources/ferry.svg) and drawn by Qt Svg: no theme needed.
    void hasItsIcon()
    {
        MainWindow window{QString(), QString()};
        const QImage icon = window.windowIcon().pixmap(64, 64).toImage();
        QVERIFY(!icon.isNull());
        QCOMPARE(icon.pixelColor(32, 8).name(), QStringLiteral("#1d5f8c")); // the blue background
        QCOMPARE(icon.pixelColor(0, 0).alpha(), 0); // rounded corners
        // Every page and every toolbar action has an icon (the theme's, or Ferry's own here).
        auto *sidebar = window.findChild<QListWidget *>();
        QVERIFY(sidebar);
        QCOMPARE(sidebar->count(), 7); // cleanup and copies are one Batches page
        for (int i = 0; i < sidebar->count(); ++i)
            QVERIFY2(!sidebar->item(i)->icon().pixmap(16, 16).isNull(), qPrintable(sidebar->item(i)->text()));
        auto *toolbar = window.findChild<QToolBar *>(QStringLiteral("main-toolbar"));
        QVERIFY(toolbar);
        for (QAction *a : toolbar->actions())
            QVERIFY2(!a->icon().pixmap(16, 16).isNull(), qPrintable(a->text()));
    }

    void initTestCase()
    {
        // The window's settings (the "last plan") go to this run's own directory: tst_mainwindow and
        // tst_mainwindow_postgresql run at once and would read each other's last plan otherwise.
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        m_db = test::testStore(m_dir.filePath(QStringLiteral("gui.db"))); // or PostgreSQL: tst_mainwindow_postgresql
        Store store(m_db);
        QString err;
        QVERIFY(store.open(&err));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const qint64 scan = HistoryTables(store).beginScan(QStringLiteral("plan.yaml"), now);
        const QString d1 = QStringLiteral("sha256:") + QString(64, u'1');
        HistoryTables(store).applyListing(scan, QStringLiteral("gsoci"), QStringLiteral("giantswarm/app-operator"),
                                          {TagObservation{QStringLiteral("6.0.0"), d1, {}, {}, {}}}, true, now);
        QList<MatrixRow> rows;
        for (int i = 0; i < 50; ++i) {
            MatrixRow r;
            r.repository = i < 10 ? QStringLiteral("giantswarm/app-operator") : QStringLiteral("giantswarm/kubectl");
            r.tag = i == 0 ? QStringLiteral("6.0.0") : QStringLiteral("1.%1.0").arg(i);
            r.state = i % 5 == 0 ? QStringLiteral("missing") : QStringLiteral("synced");
            r.cells.insert(QStringLiteral("gsoci"), MatrixCell{i == 0 ? d1 : QString(), r.state, {}, {}, now, now});
            rows << r;
        }
        QVERIFY(
            MatrixTables(store).writeMatrix(scan, rows, {QStringLiteral("giantswarm/app-operator"), QStringLiteral("giantswarm/kubectl")}));
        HistoryTables(store).finishScan(ScanRecord{scan, QStringLiteral("plan.yaml"), now, now, true, false, 12, 0, {}, {}});
        FigureTables(store).recordRegistries(
            {{QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0}, {QStringLiteral("old-acr"), QStringLiteral("legacy"), {}, 0}});
        RegistryScanStats ok;
        ok.scan = scan;
        ok.registry = QStringLiteral("gsoci");
        ok.at = now;
        ok.requests = ok.answered = 12;
        ok.latencyMsAvg = 9;
        ok.listings = 2;
        RegistryScanStats down = ok;
        down.registry = QStringLiteral("old-acr");
        down.answered = 0;
        down.failures = 4;
        down.latencyMsAvg = -1;
        down.listingsFailed = 2;
        down.firstError = QStringLiteral("giantswarm/kubectl: network error: Connection refused");
        QVERIFY(FigureTables(store).recordRegistryStats({ok, down}));
    }

    // Every number of the Overview opens the matrix behind it: a registry's count, and the
    // open part of a stage.
    void overviewNumbersOpenTheMatrixBehindThem()
    {
        MainWindow window(QString(), m_db);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!window.matrixLoading(), 10000);
        OverviewPage *overview = window.overviewPage();
        QTRY_VERIFY_WITH_TIMEOUT(!overview->registryCountTexts().isEmpty(), 5000);
        const QStringList counts = overview->registryCountTexts();
        QVERIFY2(counts.contains(QStringLiteral("gsoci missing 10")) && counts.contains(QStringLiteral("gsoci synced 40")),
                 qPrintable(counts.join(u',')));
        auto *missing = overview->findChild<QLabel *>(QStringLiteral("gsoci missing 10"));
        QVERIFY(missing);
        Q_EMIT missing->linkActivated(QStringLiteral("x"));
        QCOMPARE(window.model()->filterRegistry(), QStringLiteral("gsoci"));
        QCOMPARE(window.model()->filterStates(), QStringList{QStringLiteral("missing")});
        QCOMPARE(window.model()->rowCount(), 10);
        for (int r = 0; r < window.model()->rowCount(); ++r)
            QCOMPARE(window.model()->rowAt(r)->cells.value(QStringLiteral("gsoci")).state, QStringLiteral("missing"));

        // Stage 1's open part: the target's cells not yet holding the right digest (stage 1
        // counts the target's cells, so a replica's trouble never hides its progress).
        QVERIFY2(overview->stageTexts().contains(QStringLiteral("Stage 1: images in gsoci: 40/50")),
                 qPrintable(overview->stageTexts().join(u',')));
        QLabel *open = nullptr;
        for (QLabel *l : overview->findChildren<QLabel *>())
            if (l->text().contains(QStringLiteral("10 open")))
                open = l;
        QVERIFY(open);
        window.imagesPage()->showState(QString());
        QCOMPARE(window.model()->rowCount(), 50);
        Q_EMIT open->linkActivated(QStringLiteral("open"));
        QCOMPARE(window.model()->filterRegistry(), QStringLiteral("gsoci"));
        QVERIFY(window.model()->filterStates().contains(QStringLiteral("missing")) &&
                window.model()->filterStates().contains(QStringLiteral("drifted")));
        QCOMPARE(window.model()->rowCount(), 10);
        QVERIFY(window.imagesPage()->isVisible());
    }

    void registriesPageSaysWhatFailedAndWhatToDo()
    {
        MainWindow window(QString(), m_db);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!window.matrixLoading(), 10000);
        RegistriesPage *page = window.registriesPage();
        QSignalSpy reloaded(page, &RegistriesPage::reloaded);
        window.showPage(QStringLiteral("registries"));
        QTRY_VERIFY_WITH_TIMEOUT(page->model()->rowCount() == 2, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!page->summary().isEmpty(), 5000);
        QVERIFY2(page->summary().contains(QStringLiteral("1 of 2 scanned registries reachable")), qPrintable(page->summary()));
        QCOMPARE(page->model()->index(0, RegistriesModel::NameColumn).data().toString(), QStringLiteral("gsoci"));
        QCOMPARE(page->model()->index(1, RegistriesModel::ReachableColumn).data().toString(), QStringLiteral("unreachable"));
        // Select the failing registry: the panel says what failed and what to do.
        page->view()->setCurrentIndex(page->proxy()->mapFromSource(page->model()->index(1, 0)));
        const QString text = page->details()->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("Connection refused")) && text.contains(QStringLiteral("What to do")), qPrintable(text));
    }

    // The manifest tab, end to end: the window's fetcher reads the plan, makes a client for
    // the registry (a scripted one on 127.0.0.1), fetches by digest, verifies, highlights.
    void manifestIsFetchedOnDemandAndHighlighted()
    {
        const QByteArray index(kIndex);
        const QString digest =
            QStringLiteral("sha256:") + QString::fromLatin1(QCryptographicHash::hash(index, QCryptographicHash::Sha256).toHex());
        test::FakeServer registry([&](const test::FakeRequest &r) {
            if (r.pathOnly() == QStringLiteral("/v2/team/app/manifests/") + digest)
                return test::FakeResponse::json(200, index).with("Content-Type", "application/vnd.oci.image.index.v1+json");
            return test::FakeResponse::json(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN"}]})");
        });
        const QString plan = m_dir.filePath(QStringLiteral("manifest.yaml"));
        QFile f(plan);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("version: 1\nname: manifest\nregistries:\n  gsoci: { url: %1, role: target, credentials: anonymous }\n"
                               "  gone: { url: http://127.0.0.1:9, role: source, credentials: anonymous }\n"
                               "images:\n  - source: gone/team/app\n    target: gsoci/team/app\n    tags: [\"1.0.0\"]\n")
                    .arg(registry.baseUrl())
                    .toUtf8());
        f.close();
        const QString db = m_dir.filePath(QStringLiteral("manifest.db"));
        {
            Store store(db);
            QString err;
            QVERIFY(store.open(&err));
            const QDateTime now = QDateTime::currentDateTimeUtc();
            const qint64 scan = HistoryTables(store).beginScan(plan, now);
            MatrixRow r;
            r.repository = QStringLiteral("team/app");
            r.tag = QStringLiteral("1.0.0");
            r.state = QStringLiteral("synced");
            r.cells.insert(
                QStringLiteral("gsoci"),
                MatrixCell{digest, QStringLiteral("synced"), {}, QStringLiteral("application/vnd.oci.image.index.v1+json"), now, now});
            r.cells.insert(QStringLiteral("gone"), MatrixCell{digest, QStringLiteral("present"), {}, {}, now, now});
            QVERIFY(MatrixTables(store).writeMatrix(scan, {r}, {QStringLiteral("team/app")}));
        }
        MainWindow window(plan, db);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!window.matrixLoading(), 10000);
        ImagesPage *page = window.imagesPage();
        window.showImages();
        page->view()->setCurrentIndex(window.model()->index(0, 0));
        page->detailTabs()->setCurrentIndex(1);
        QCOMPARE(page->manifestRegistry()->count(), 2); // both registries hold a digest
        page->manifestRegistry()->setCurrentIndex(page->manifestRegistry()->findData(QStringList{QStringLiteral("gsoci"), digest}));
        QSignalSpy shown(page, &ImagesPage::manifestShown);
        page->fetchManifest();
        QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 1, 10000);
        QVERIFY2(shown.at(0).at(0).toBool(), qPrintable(page->manifestStatus()));
        QCOMPARE(registry.countPath(QStringLiteral("/v2/team/app/manifests/sha256:")), 1);
        const QString text = page->manifestText()->toPlainText();
        QVERIFY2(text.startsWith(QStringLiteral("{\n  \"schemaVersion\": 2,\n  \"mediaType\"")), qPrintable(text.left(80)));
        QVERIFY(page->manifestStatus().contains(QStringLiteral("linux/amd64")) &&
                page->manifestStatus().contains(QStringLiteral("linux/arm64")));
        QCOMPARE(page->manifestModel()->rowCount(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(!page->manifestText()->document()->findBlockByNumber(2).layout()->formats().isEmpty(),
                                 3000); // highlighted

        // A registry that is down: the panel says what failed and what to do, no dialog.
        page->manifestRegistry()->setCurrentIndex(page->manifestRegistry()->findData(QStringList{QStringLiteral("gone"), digest}));
        page->fetchManifest();
        QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 2, 30000);
        QCOMPARE(shown.at(1).at(0).toBool(), false);
        QVERIFY2(page->manifestStatus().contains(QStringLiteral("Could not fetch from gone")) &&
                     page->manifestStatus().contains(QStringLiteral("reachable")),
                 qPrintable(page->manifestStatus()));
    }

    // Scan now, from the window: the scan runs on its own thread (store writes included),
    // the status bar shows progress, the matrix fills in and the scan's result is kept.
    void scanFromTheWindow()
    {
        const QByteArray image =
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
            "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" +
            QByteArray(64, 'c') + "\",\"size\":2},\"layers\":[]}";
        const QByteArray digest = "sha256:" + QCryptographicHash::hash(image, QCryptographicHash::Sha256).toHex();
        auto registry = [&](const QStringList &tags) {
            return [tags, image, digest](const test::FakeRequest &r) {
                const QString path = r.pathOnly();
                if (path == u"/v2/")
                    return test::FakeResponse::json(200, "{}");
                if (path == u"/v2/team/app/tags/list")
                    return test::FakeResponse::json(200,
                                                    QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("team/app")},
                                                                              {QStringLiteral("tags"), QJsonArray::fromStringList(tags)}})
                                                        .toJson(QJsonDocument::Compact));
                const QString prefix = QStringLiteral("/v2/team/app/manifests/");
                if (path.startsWith(prefix) &&
                    (tags.contains(path.mid(prefix.size())) || path.mid(prefix.size()) == QString::fromLatin1(digest)))
                    return test::FakeResponse::json(200, image)
                        .with("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                        .with("Docker-Content-Digest", digest);
                return test::FakeResponse::json(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN"}]})");
            };
        };
        test::FakeServer hub(registry({QStringLiteral("1.0.0"), QStringLiteral("1.1.0")}));
        test::FakeServer gsoci(registry({QStringLiteral("1.0.0")}));
        const QString plan = m_dir.filePath(QStringLiteral("scan.yaml"));
        QFile f(plan);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("version: 1\nname: scan\nregistries:\n  hub: { url: %1, role: source, credentials: anonymous }\n"
                               "  gsoci: { url: %2, role: target, credentials: anonymous }\n"
                               "images:\n  - source: hub/team/app\n    target: gsoci/team/app\n    tags: all\n")
                    .arg(hub.baseUrl(), gsoci.baseUrl())
                    .toUtf8());
        f.close();
        MainWindow window(plan, m_dir.filePath(QStringLiteral("scan.db")));
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!window.matrixLoading(), 10000);
        QCOMPARE(window.model()->totalRows(), 0);
        window.startScan();
        QVERIFY(window.scanning());
        QTRY_VERIFY_WITH_TIMEOUT(!window.scanning(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.matrixLoading() && window.model()->totalRows() == 2, 10000);
        QMap<QString, QString> states;
        for (int r = 0; r < window.model()->rowCount(); ++r)
            states.insert(window.model()->rowAt(r)->tag, window.model()->rowAt(r)->state);
        QCOMPARE(states.value(QStringLiteral("1.0.0")), QStringLiteral("synced"));
        QCOMPARE(states.value(QStringLiteral("1.1.0")), QStringLiteral("missing"));
        QVERIFY(hub.countPath(QStringLiteral("/v2/team/app/tags/list")) >= 1);
        // The scan's own store connection wrote it: a fresh reader sees the complete scan.
        Store reader(m_dir.filePath(QStringLiteral("scan.db")));
        QString err;
        QVERIFY(reader.open(&err));
        QVERIFY(HistoryTables(reader).lastScan() && HistoryTables(reader).lastScan()->complete);
        QCOMPARE(MatrixTables(reader).matrixRowCount(), 2);
    }

    // The manifest tab and Scan now against real registries in the world's shapes: a
    // token-auth registry over TLS and HTTP/2 (ACR's, Docker Hub's shape), a Basic-auth one
    // over HTTP/2 and one over HTTP/1.1 (a self-hosted registry, a cache).
    void manifestAndScanAgainstRealTlsRegistries()
    {
        FERRY_REQUIRE_REGISTRY_TOOLS();
        test::RegistryFarm farm;
        QString error;
        QVERIFY2(farm.startNamed(QStringLiteral("hub"), test::Shape::TlsBasic, &error), qPrintable(error));
        QVERIFY2(farm.startNamed(QStringLiteral("gsoci"), test::Shape::TlsToken, &error), qPrintable(error));
        QVERIFY2(farm.startNamed(QStringLiteral("china"), test::Shape::TlsBasicHttp1, &error), qPrintable(error));
        QVERIFY2(farm.seedNamed(QStringLiteral("hub"), QStringLiteral("a"), &error), qPrintable(error));
        QMap<QString, QString> seeded; // tag of team/app -> digest
        for (const QJsonValue &v : farm.seeded())
            if (v.toObject().value(QStringLiteral("repository")).toString() == u"team/app" &&
                !v.toObject().value(QStringLiteral("tag")).toString().isEmpty())
                seeded.insert(v.toObject().value(QStringLiteral("tag")).toString(),
                              v.toObject().value(QStringLiteral("digest")).toString());
        QVERIFY(seeded.contains(QStringLiteral("1.0.0")) && seeded.contains(QStringLiteral("2.0.0")));
        for (const QString &to : {QStringLiteral("gsoci"), QStringLiteral("china")}) {
            const test::Run copy = test::run(QStringLiteral("skopeo"),
                                             {QStringLiteral("copy"), QStringLiteral("--quiet"), QStringLiteral("--all"),
                                              QStringLiteral("--src-tls-verify=false"), QStringLiteral("--dest-tls-verify=false"),
                                              QStringLiteral("docker://%1/team/app:2.0.0").arg(farm.doorHostPort(QStringLiteral("hub"))),
                                              QStringLiteral("docker://%1/team/app:2.0.0").arg(farm.doorHostPort(to))});
            QVERIFY2(copy.exitCode == 0, copy.err.constData());
        }
        farm.exportCredentials();
        const QString plan = m_dir.filePath(QStringLiteral("tls.yaml"));
        QFile f(plan);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("version: 1\nname: tls\nregistries:\n  hub: { %1, role: source }\n  gsoci: { %2, role: target }\n"
                               "  china: { %3, role: replica, of: gsoci }\n"
                               "images:\n  - source: hub/team/app\n    target: gsoci/team/app\n    tags: [\"1.0.0\", \"2.0.0\"]\n")
                    .arg(farm.planFields(QStringLiteral("hub")), farm.planFields(QStringLiteral("gsoci")),
                         farm.planFields(QStringLiteral("china")))
                    .toUtf8());
        f.close();
        MainWindow window(plan, m_dir.filePath(QStringLiteral("tls.db")));
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!window.matrixLoading(), 10000);
        window.startScan();
        QTRY_VERIFY_WITH_TIMEOUT(!window.scanning(), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.matrixLoading() && window.model()->totalRows() == 2, 10000);
        int row200 = -1;
        for (int r = 0; r < window.model()->rowCount(); ++r) {
            const std::optional<MatrixRow> row = window.model()->rowAt(r);
            if (row->tag == u"2.0.0") {
                row200 = r;
                QCOMPARE(row->state, QStringLiteral("synced"));
                for (const QString &reg : {QStringLiteral("hub"), QStringLiteral("gsoci"), QStringLiteral("china")})
                    QCOMPARE(row->cells.value(reg).digest, seeded.value(QStringLiteral("2.0.0")));
            } else {
                QCOMPARE(row->state, QStringLiteral("missing"));
                QCOMPARE(row->cells.value(QStringLiteral("hub")).digest, seeded.value(QStringLiteral("1.0.0")));
            }
        }
        QVERIFY(row200 >= 0);

        // The manifest of 2.0.0 from each registry, through its own auth and protocol.
        ImagesPage *page = window.imagesPage();
        window.showImages();
        page->view()->setCurrentIndex(window.model()->index(row200, 0));
        page->detailTabs()->setCurrentIndex(1);
        QSignalSpy shown(page, &ImagesPage::manifestShown);
        int expected = 0;
        for (const QString &reg : {QStringLiteral("gsoci"), QStringLiteral("hub"), QStringLiteral("china")}) {
            const int i = page->manifestRegistry()->findData(QStringList{reg, seeded.value(QStringLiteral("2.0.0"))});
            QVERIFY2(i >= 0, qPrintable(reg));
            page->manifestRegistry()->setCurrentIndex(i);
            page->fetchManifest();
            ++expected;
            QTRY_COMPARE_WITH_TIMEOUT(shown.size(), expected, 30000);
            QVERIFY2(shown.last().at(0).toBool(), qPrintable(reg + u' ' + page->manifestStatus()));
            QVERIFY2(page->manifestStatus().contains(QStringLiteral("linux/amd64")), qPrintable(page->manifestStatus()));
        }
    }

    // Ctrl+1 to Ctrl+7 open the pages in the sidebar's order; each page's tooltip names its key.
    void pageShortcuts()
    {
        MainWindow window(QString(), m_db);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        auto *sidebar = window.findChild<QListWidget *>();
        QVERIFY(sidebar);
        for (const int page : {3, 7, 1}) {
            QTest::keyClick(&window, Qt::Key(Qt::Key_0 + page), Qt::ControlModifier);
            QCOMPARE(sidebar->currentRow(), page - 1);
        }
        QCOMPARE(sidebar->item(2)->toolTip(), QStringLiteral("Replication (Ctrl+3)"));
        QCOMPARE(sidebar->item(3)->toolTip(), QStringLiteral("Batches (Ctrl+4)"));
    }

    // A link sets the filters it means and no others, and the detail panel follows the selection:
    // a text filter left from before made a stage link show "1 of 255 rows", and the panel (and
    // the Manifest tab) kept a row the filter had removed.
    void linksResetFiltersAndDetailsFollow()
    {
        MainWindow window(QString(), m_db);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!window.matrixLoading(), 10000);
        ImagesPage *page = window.imagesPage();
        SyncMatrixModel *model = window.model();
        page->filterEdit()->setText(QStringLiteral("app-op"));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 10, 3000);
        int row = -1; // 6.0.0: gsoci holds a digest for it
        for (int r = 0; r < model->rowCount(); ++r)
            if (model->index(r, SyncMatrixModel::TagColumn).data().toString() == u"6.0.0")
                row = r;
        QVERIFY(row >= 0);
        page->view()->setCurrentIndex(model->index(row, 0));
        QVERIFY(page->details()->toPlainText().contains(QStringLiteral("app-operator")));
        QVERIFY(page->manifestRegistry()->count() > 0);
        // A filter that hides the row: the panel and the Manifest tab let it go.
        page->filterEdit()->setText(QStringLiteral("no-such-image"));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 0, 3000);
        QVERIFY2(!page->details()->toPlainText().contains(QStringLiteral("app-operator")), qPrintable(page->details()->toPlainText()));
        QCOMPARE(page->manifestRegistry()->count(), 0);
        QCOMPARE(page->manifestStatus(), QStringLiteral("Select a row."));
        // The Overview's state link: its state, every image (the text filter goes).
        Q_EMIT window.overviewPage()->stateActivated(QStringLiteral("missing"));
        QCOMPARE(page->filterEdit()->text(), QString());
        QVERIFY(model->rowCount() > 2); // app-operator alone has 2 missing rows
        for (int r = 0; r < model->rowCount(); ++r)
            QCOMPARE(model->index(r, SyncMatrixModel::StateColumn).data().toString(), QStringLiteral("missing"));
        const int missing = model->rowCount();
        // A stage's link (cells of a registry in some states), after a text typed meanwhile.
        page->filterEdit()->setText(QStringLiteral("app-op"));
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() < missing, 3000);
        Q_EMIT window.overviewPage()->matrixRequested(QString(), {QStringLiteral("missing")});
        QCOMPARE(page->filterEdit()->text(), QString());
        QCOMPARE(model->rowCount(), missing);
        QTest::qWait(300); // the typed text's debounce has passed: it did not come back
        QCOMPARE(model->rowCount(), missing);
        // A row link (a reference of the Clients page): that image, every state, its row selected.
        Q_EMIT window.clientsPage()->matrixRowRequested(QStringLiteral("giantswarm/app-operator"), QStringLiteral("6.0.0"));
        QCOMPARE(page->filterEdit()->text(), QStringLiteral("giantswarm/app-operator:6.0.0"));
        QVERIFY(model->rowCount() >= 1);
        QVERIFY(page->view()->currentIndex().isValid());
        QVERIFY2(page->details()->toPlainText().contains(QStringLiteral("app-operator:6.0.0")), qPrintable(page->details()->toPlainText()));
        QCOMPARE(window.currentPage(), static_cast<QWidget *>(page));
    }

    void filterSortAndDetails()
    {
        MainWindow window(QString(), m_db);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!window.matrixLoading(), 10000);
        QCOMPARE(window.model()->rowCount(), 50);
        ImagesPage *page = window.imagesPage();
        QTest::keyClicks(page->filterEdit(), QStringLiteral("app-op"));
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->rowCount(), 10, 3000); // after the debounce
        page->view()->sortByColumn(SyncMatrixModel::StateColumn, Qt::DescendingOrder);
        QCOMPARE(window.model()->index(0, SyncMatrixModel::StateColumn).data().toString(), QStringLiteral("missing"));
        page->showState(QStringLiteral("missing"));
        QCOMPARE(window.model()->rowCount(), 2); // app-operator rows 0 and 5
        // Select the 6.0.0 row: the panel shows its digest and its history from the store.
        int row = -1;
        for (int r = 0; r < window.model()->rowCount(); ++r)
            if (window.model()->index(r, SyncMatrixModel::TagColumn).data().toString() == u"6.0.0")
                row = r;
        QVERIFY(row >= 0);
        page->view()->setCurrentIndex(window.model()->index(row, 0));
        const QString html = page->details()->toPlainText();
        QVERIFY2(html.contains(QStringLiteral("sha256:") + QString(64, u'1')), qPrintable(html));
        // The history, read off the GUI thread, joins the panel when it is back.
        QTRY_VERIFY_WITH_TIMEOUT(page->details()->toPlainText().contains(QStringLiteral("Digest history")), 5000);

        // The context menu's copies: the cell's digest and its full reference.
        page->setRegistryHosts({{QStringLiteral("gsoci"), QStringLiteral("gsoci.azurecr.io")}});
        QModelIndex gsoci;
        for (int c = SyncMatrixModel::NumFixedColumns; c < window.model()->columnCount(); ++c)
            if (window.model()->index(row, c).data(SyncMatrixModel::RegistryRole).toString() == u"gsoci")
                gsoci = window.model()->index(row, c);
        QVERIFY(gsoci.isValid());
        const QString d1 = QStringLiteral("sha256:") + QString(64, u'1');
        QCOMPARE(page->digestAt(gsoci), d1);
        QCOMPARE(page->referenceAt(gsoci), QStringLiteral("gsoci.azurecr.io/giantswarm/app-operator:6.0.0@") + d1);
        QVERIFY(page->digestAt(window.model()->index(row, SyncMatrixModel::TagColumn)).isEmpty());
        page->filterEdit()->clear();
        page->showState(QString());
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->rowCount(), 50, 3000);
    }

    // `ferry plan.yaml` (the desktop entry's Exec, a file manager's Open) opens the store the
    // plan names, as ferryctl and File > Open do: here the seeded one (a shared PostgreSQL store
    // in tst_mainwindow_postgresql), never an empty file beside the plan.
    void thePlanFileOpensTheStoreItNames()
    {
        QTemporaryDir dir;
        const QString plan = dir.filePath(QStringLiteral("plan.yaml"));
        QVERIFY(test::writeFile(plan,
                                QStringLiteral("version: 1\nname: p\nstore: \"%1\"\nregistries:\n"
                                               "  dockerhub: { url: https://registry-1.docker.io, kind: dockerhub, role: source, "
                                               "credentials: anonymous }\n"
                                               "  gsoci: { url: https://gsoci.azurecr.io, role: target, credentials: anonymous }\n"
                                               "images:\n  - { source: dockerhub/giantswarm/app, target: gsoci/giantswarm/app }\n")
                                    .arg(m_db)
                                    .toUtf8()));
        const Launch launch = resolveLaunch({}, {plan}, {}, false);
        QCOMPARE(launch.plan, plan);
        QCOMPARE(launch.db, m_db);
        MainWindow window(launch.plan, launch.db);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!window.matrixLoading(), 10000);
        QCOMPARE(window.model()->totalRows(), 50); // the seeded store's rows
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("plan.ferry.db"))));
        // Without a plan argument, the plan last opened, and its store again.
        QCOMPARE(resolveLaunch({}, {}, {}, false).db, m_db);
        QVERIFY(resolveLaunch({}, {}, {}, true).plan.isEmpty()); // the demo brings its own
    }

    // A shared store that does not answer: the window is up at once, says it is connecting,
    // and then says what failed, with the store's URL and without its password.
    void anUnreachableStoreDoesNotHoldTheWindow()
    {
        MainWindow window(
            QString(),
            QStringLiteral("postgresql://ferry:s3cret@/ferry?host=%1&connect_timeout=2").arg(m_dir.filePath(QStringLiteral("no-server"))));
        window.show();
        QVERIFY(window.matrixLoading()); // connecting, on a worker
        QVERIFY2(window.statusBar()->currentMessage().startsWith(QStringLiteral("Connecting to postgresql://ferry@")),
                 qPrintable(window.statusBar()->currentMessage()));
        QTRY_VERIFY_WITH_TIMEOUT(!window.matrixLoading(), 30'000);
        const QString said = window.statusBar()->currentMessage();
        QVERIFY2(said.startsWith(QStringLiteral("cannot open postgresql://ferry@")) && !said.contains(QStringLiteral("s3cret")),
                 qPrintable(said));
        QVERIFY(!window.windowTitle().contains(QStringLiteral("s3cret")));
    }

    // The window follows another process's scans without being asked: a SQLite file by
    // watching it, a shared PostgreSQL store by LISTEN/NOTIFY. (Last: it adds rows.)
    void windowFollowsAnotherWriter()
    {
        MainWindow window(QString(), m_db);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!window.matrixLoading(), 10000);
        QCOMPARE(window.model()->totalRows(), 50);
        // A shared store is named in the title; a file is not.
        QCOMPARE(window.windowTitle().contains(QStringLiteral("postgresql://ferry@")), test::testStoreIsPostgres());
        QTest::qWait(500); // the follower listens (PostgreSQL: on its own connection and thread)
        Store writer(m_db); // another connection, as a collector elsewhere
        QString err;
        QVERIFY2(writer.open(&err), qPrintable(err));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const qint64 scan = HistoryTables(writer).beginScan(QStringLiteral("plan.yaml"), now, QStringLiteral("elsewhere"));
        QList<MatrixRow> rows;
        for (int i = 0; i < 7; ++i) {
            MatrixRow r;
            r.repository = QStringLiteral("giantswarm/new-app");
            r.tag = QStringLiteral("0.%1.0").arg(i);
            r.state = QStringLiteral("missing");
            r.cells.insert(QStringLiteral("gsoci"), MatrixCell{{}, r.state, {}, {}, now, now});
            rows << r;
        }
        QVERIFY(MatrixTables(writer).writeMatrix(scan, rows, {QStringLiteral("giantswarm/new-app")}));
        QVERIFY(HistoryTables(writer).finishScan(ScanRecord{scan, QStringLiteral("plan.yaml"), now, now, true, false, 7, 0, {}, {}}));
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->totalRows(), 57, 15000);
    }
};

FERRY_TEST_MAIN_WIDGETS(TestMainWindow)
#include "tst_mainwindow.moc"
