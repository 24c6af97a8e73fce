// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The Cleanup page, offscreen: it lists batches and items as the store holds them,
// approves, removes items into a new batch, and refuses an altered batch, with the
// engine running on a worker thread. The models pass QAbstractItemModelTester.
#include "batchespage.h"
#include "cleanup/cleanupstore.h"
#include "cleanupmodels.h"
#include "cleanuppage.h"
#include "copy/copystore.h"
#include "copypage.h"
#include "gui/mainwindow.h"
#include "registryfarm.h"
#include "store/store.h"
#include "testmain.h"
#include "testutil.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardItemModel>
#include <QTabBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

using namespace ferry;

namespace {

CleanupItem item(int seq, const QString &action, char c, const QStringList &tags, const QStringList &dependsOn = {})
{
    CleanupItem i;
    i.seq = seq;
    i.action = action;
    i.digest = QStringLiteral("sha256:") + QString(64, QLatin1Char(c));
    i.tags = tags;
    i.size = 2048;
    i.policy = QStringLiteral("dev-builds");
    i.reason = QStringLiteral("dev build of branch 'main'");
    i.checks = {QStringLiteral("not locked")};
    i.dependsOn = dependsOn;
    i.parents = dependsOn;
    if (action == u"keep") {
        i.state = itemstate::Kept;
        i.holdReason = QStringLiteral("the digest also carries the protected tag '1.0.0'");
    }
    return i;
}

} // namespace

class TestCleanupPage : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db, m_plan;
    qint64 m_a = 0, m_altered = 0, m_cut = 0;

    qint64 addBatch(const QList<CleanupItem> &items, bool complete = true, bool refsRequired = false, QString db = {})
    {
        Store store(db.isEmpty() ? m_db : db);
        QString err;
        if (!store.open(&err))
            return 0;
        CleanupBatch b;
        b.createdAt = b.listedAt = QDateTime::currentDateTimeUtc();
        b.plan = m_plan;
        b.registry = QStringLiteral("gsoci");
        b.repository = QStringLiteral("giantswarm/app-operator");
        b.policies = QStringLiteral("dev-builds");
        b.listingComplete = complete;
        b.listingNote = complete ? QString() : QStringLiteral("page 2 failed");
        b.items = items;
        b.refsRequired = refsRequired; // the plan has clients, and no refs scan was asked
        b.hash = batchHash(b.content());
        return CleanupStore(store).addBatch(&b) ? b.id : 0;
    }

    // The page has read the store and shows this batch (the page reads off the GUI thread).
    static bool shows(CleanupPage *page, qint64 id)
    {
        page->selectBatch(id);
        return QTest::qWaitFor([&] { return !page->isLoading() && page->shownBatch() == id; }, 10000);
    }

    static bool settled(CleanupPage *page)
    {
        return QTest::qWaitFor([&] { return !page->isLoading(); }, 10000);
    }

    // The window shown, its matrix read, on its Cleanup page.
    static CleanupPage *showCleanup(MainWindow &window)
    {
        window.show();
        if (!QTest::qWaitFor([&] { return !window.matrixLoading(); }, 10000))
            return nullptr;
        window.showPage(QStringLiteral("cleanup"));
        return settled(window.cleanupPage()) ? window.cleanupPage() : nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The remembered approver is the test's own, not the developer's.
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        m_db = m_dir.filePath(QStringLiteral("gui.db"));
        m_plan = m_dir.filePath(QStringLiteral("plan.yaml"));
        QFile f(m_plan);
        QVERIFY(f.open(QIODevice::WriteOnly));
        // Port 9 on loopback: nothing listens, and nothing here may need to reach it.
        f.write(
            "version: 1\nregistries:\n  gsoci: { url: http://127.0.0.1:9, role: target }\n"
            "cleanup:\n  policies:\n    - { name: dev-builds, kind: dev-tags, registry: gsoci, repositories: giantswarm/app-operator }\n");
        f.close();
        m_a = addBatch({item(1, QStringLiteral("delete"), 'a', {QStringLiteral("1.0.0-dev.main.2026-01-01.10-00-00.haaaaaaa")}),
                        item(2, QStringLiteral("delete"), 'b', {}, {QStringLiteral("sha256:") + QString(64, u'a')}),
                        item(3, QStringLiteral("delete"), 'c', {QStringLiteral("1.0.0-dev.main.2026-01-02.10-00-00.hccccccc")}),
                        item(4, QStringLiteral("keep"), 'd',
                             {QStringLiteral("1.0.0"), QStringLiteral("1.0.0-dev.main.2025-12-01.10-00-00.hddddddd")})});
        m_altered = addBatch({item(1, QStringLiteral("delete"), 'e', {QStringLiteral("x")})});
        m_cut = addBatch({item(1, QStringLiteral("delete"), 'f', {QStringLiteral("y")})}, false);
        QVERIFY(m_a && m_altered && m_cut);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("alter"));
        db.setDatabaseName(m_db);
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(QStringLiteral("UPDATE cleanup_items SET tags='[\"latest\"]' WHERE batch=%1").arg(m_altered)));
        db.close();
        db = {};
        QSqlDatabase::removeDatabase(QStringLiteral("alter"));
    }

    void modelsPassTheTester()
    {
        Store store(m_db);
        QString err;
        QVERIFY(store.open(&err));
        CleanupStore cs(store);
        CleanupBatchModel batches;
        QAbstractItemModelTester t1(&batches, QAbstractItemModelTester::FailureReportingMode::QtTest);
        batches.setBatches(cs.batches());
        QCOMPARE(batches.rowCount(), 3);
        QCOMPARE(batches.index(0, CleanupBatchModel::DeletesColumn).data().toInt(), 3);
        QCOMPARE(batches.index(0, CleanupBatchModel::HeldColumn).data().toInt(), 1);
        QCOMPARE(batches.index(0, CleanupBatchModel::SizeColumn).data().toString(), QStringLiteral("6.0 KiB"));
        QVERIFY(batches.index(2, CleanupBatchModel::StatusColumn).data().toString().contains(QStringLiteral("incomplete")));
        CleanupItemModel items;
        QAbstractItemModelTester t2(&items, QAbstractItemModelTester::FailureReportingMode::QtTest);
        items.setItems(cs.batch(m_a)->items);
        QCOMPARE(items.rowCount(), 4);
        QCOMPARE(items.index(3, CleanupItemModel::WhyColumn).data().toString(),
                 QStringLiteral("the digest also carries the protected tag '1.0.0'"));
        QCOMPARE(items.index(3, CleanupItemModel::TagsColumn).data().toString(),
                 QStringLiteral("1.0.0, 1.0.0-dev.main.2025-12-01.10-00-00.hddddddd"));
        QCOMPARE(items.index(1, CleanupItemModel::TagsColumn).data().toString(), QStringLiteral("(untagged)"));
        items.setState(2, itemstate::Deleted, QStringLiteral("202"));
        QCOMPARE(items.index(1, CleanupItemModel::StateColumn).data().toString(), itemstate::Deleted);
    }

    void reviewApproveRemoveAndRefuse()
    {
        MainWindow window(m_plan, m_db);
        CleanupPage *page = showCleanup(window);
        QVERIFY(page);
        QSignalSpy done(page, &CleanupPage::workFinished);

        QVERIFY(shows(page, m_a));
        QCOMPARE(page->itemModel()->rowCount(), 4);
        page->approveSelected(QStringLiteral("lead"), QStringLiteral("October's dev builds"));
        QVERIFY(done.wait(10'000));
        QVERIFY2(page->lastMessage().contains(QStringLiteral("approved by lead")), qPrintable(page->lastMessage()));
        const int row = page->batchModel()->rowOf(m_a);
        QCOMPARE(page->batchModel()->index(row, CleanupBatchModel::StatusColumn).data().toString(), batchstatus::Approved);
        QVERIFY(page->batchModel()->index(row, CleanupBatchModel::DecidedColumn).data().toString().startsWith(QStringLiteral("lead, ")));

        // Removing item 1 takes item 2 (deleted after it) along; the new batch needs approval.
        QVERIFY(shows(page, m_a));
        page->itemView()->selectRow(0);
        page->removeSelectedItems(QStringLiteral("lead"), QStringLiteral("keep that one"));
        QVERIFY(done.wait(10'000));
        QVERIFY2(page->lastMessage().contains(QStringLiteral("replaces batch")), qPrintable(page->lastMessage()));
        const qint64 replacement = page->selectedBatch();
        QVERIFY(replacement > m_a);
        const CleanupBatch *nb = page->batchModel()->batchAt(page->batchModel()->rowOf(replacement));
        QCOMPARE(nb->status, batchstatus::Planned);
        QCOMPARE(nb->deleteCount, 1);
        QCOMPARE(nb->keepCount, 3);
        QCOMPARE(page->batchModel()->batchAt(page->batchModel()->rowOf(m_a))->status, batchstatus::Superseded);

        // An altered batch and one from an incomplete listing are refused before any request.
        QVERIFY(shows(page, m_altered));
        QVERIFY(page->lastMessage().size() > 0);
        QVERIFY(page->batchModel()->index(page->batchModel()->rowOf(m_altered), 0).isValid());
        page->runSelected(true);
        QVERIFY(done.wait(10'000));
        QVERIFY2(page->lastMessage().contains(QStringLiteral("altered after planning")), qPrintable(page->lastMessage()));
        QVERIFY(shows(page, m_cut));
        page->runSelected(true);
        QVERIFY(done.wait(10'000));
        QVERIFY2(page->lastMessage().contains(QStringLiteral("incomplete listing")), qPrintable(page->lastMessage()));

        Store store(m_db);
        QString err;
        QVERIFY(store.open(&err));
        const QList<AuditEntry> log = CleanupStore(store).auditLog();
        QStringList actions;
        for (const AuditEntry &e : log)
            actions << e.action;
        QVERIFY2(actions.contains(QStringLiteral("approve")) && actions.contains(QStringLiteral("remove items")) &&
                     actions.count(QStringLiteral("dry-run refused")) == 2,
                 qPrintable(actions.join(u',')));
    }

    // A rejection is final in the window too (Approve disabled, saying why); an approval asks
    // for a name (never "unknown user") and remembers it; without a fresh refs scan it needs the
    // override ticked, which is recorded and shown.
    void aRejectionIsFinalAndAnApprovalNamesAPerson()
    {
        const qint64 rejected = addBatch({item(1, QStringLiteral("delete"), '1', {QStringLiteral("r1")})});
        const qint64 stale = addBatch({item(1, QStringLiteral("delete"), '2', {QStringLiteral("s1")})}, true, true);
        const qint64 next = addBatch({item(1, QStringLiteral("delete"), '3', {QStringLiteral("n1")})});
        QVERIFY(rejected && stale && next);
        MainWindow window(m_plan, m_db);
        CleanupPage *page = showCleanup(window);
        QVERIFY(page);
        QSignalSpy done(page, &CleanupPage::workFinished);

        QVERIFY(shows(page, rejected));
        QVERIFY(page->approveButton()->isEnabled());
        page->rejectSelected(QStringLiteral("lead"), QStringLiteral("not these"));
        QVERIFY(done.wait(10'000));
        QVERIFY(shows(page, rejected));
        QVERIFY(!page->approveButton()->isEnabled());
        QVERIFY2(page->approveButton()->toolTip().contains(QStringLiteral("a rejection is final")),
                 qPrintable(page->approveButton()->toolTip()));
        page->approveSelected(QStringLiteral("lead"), QString()); // the engine refuses it too
        QVERIFY(done.wait(10'000));
        QVERIFY2(page->lastMessage().contains(QStringLiteral("a rejection is final")), qPrintable(page->lastMessage()));

        // The dialog: an empty name cannot approve; without a fresh refs scan, neither can an
        // unticked override.
        QVERIFY(shows(page, stale));
        QVERIFY(!page->refsStalenessOfSelected().isEmpty());
        bool checked = false;
        QTimer::singleShot(0, this, [&] {
            QWidget *dialog = QApplication::activeModalWidget();
            QVERIFY(dialog);
            auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("decisionName"));
            auto *override = dialog->findChild<QCheckBox *>(QStringLiteral("withoutFreshRefs"));
            auto *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
            QVERIFY(name && override && ok);
            name->clear();
            QVERIFY(!ok->isEnabled());
            name->setText(QStringLiteral("Dana"));
            QVERIFY(!ok->isEnabled());
            override->setChecked(true);
            QVERIFY(ok->isEnabled());
            checked = true;
            ok->click();
        });
        page->approveButton()->click();
        QVERIFY(checked);
        QVERIFY(done.wait(10'000));
        QVERIFY2(page->lastMessage().contains(QStringLiteral("approved by Dana")), qPrintable(page->lastMessage()));
        {
            Store store(m_db);
            QString err;
            QVERIFY(store.open(&err));
            const auto b = CleanupStore(store).batch(stale);
            QCOMPARE(b->decidedBy, QStringLiteral("Dana"));
            QVERIFY2(b->refsOverride.contains(QStringLiteral("no refs scan")), qPrintable(b->refsOverride));
        }
        QVERIFY(shows(page, stale));
        QVERIFY2(page->headerText().contains(QStringLiteral("Approved without a fresh refs scan:</b> no refs scan")),
                 qPrintable(page->headerText()));

        // The next approval remembers the name; no override is asked where none is needed.
        QVERIFY(shows(page, next));
        QString prefilled;
        bool asked = true;
        QTimer::singleShot(0, this, [&] {
            QWidget *dialog = QApplication::activeModalWidget();
            QVERIFY(dialog);
            prefilled = dialog->findChild<QLineEdit *>(QStringLiteral("decisionName"))->text();
            asked = dialog->findChild<QCheckBox *>(QStringLiteral("withoutFreshRefs")) != nullptr;
            dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Cancel)->click();
        });
        page->approveButton()->click();
        QCOMPARE(prefilled, QStringLiteral("Dana"));
        QVERIFY(!asked);
    }

    // The empty-state text goes once batches arrive (another writer planned): it stood above 20.
    void emptyStateTextGoesWhenBatchesArrive()
    {
        const QString db = m_dir.filePath(QStringLiteral("empty.db"));
        MainWindow window(m_plan, db);
        CleanupPage *page = showCleanup(window);
        QVERIFY(page);
        page->reload();
        QVERIFY(settled(page));
        QVERIFY2(page->lastMessage().startsWith(QStringLiteral("No cleanup batches yet")), qPrintable(page->lastMessage()));
        QVERIFY(addBatch({item(1, QStringLiteral("delete"), '7', {QStringLiteral("z")})}, true, false, db));
        page->reload();
        QVERIFY(settled(page));
        QCOMPARE(page->batchModel()->rowCount(), 1);
        QVERIFY2(page->lastMessage().isEmpty(), qPrintable(page->lastMessage()));
    }

    // The page's whole path against a registry of the user's shape (TLS, HTTP/2, token
    // auth): plan, approve, execute (the registry, read without Ferry, no longer holds the
    // digests); then a second batch stopped from the page, which leaves the rest for resume.
    void planApproveExecuteAndStopAgainstARealRegistry()
    {
        FERRY_REQUIRE_REGISTRY_TOOLS();
        test::RegistryFarm farm;
        QString error;
        QVERIFY2(farm.startNamed(QStringLiteral("gsoci"), test::Shape::TlsToken, &error), qPrintable(error));
        QVERIFY2(farm.seedNamed(QStringLiteral("gsoci"), QStringLiteral("p"), &error,
                                {QStringLiteral("--only-extras"), QStringLiteral("--bulk"), QStringLiteral("6")}),
                 qPrintable(error));
        QStringList digests;
        for (const QJsonValue &v : farm.seeded())
            digests << v.toObject().value(QStringLiteral("digest")).toString();
        QCOMPARE(digests.size(), 6);
        farm.exportCredentials();
        const QString plan = QDir(farm.dir()).filePath(QStringLiteral("page.yaml"));
        QFile f(plan);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            QStringLiteral("version: 1\nname: page\nregistries:\n  gsoci: { %1, role: target }\nimages:\n  - repositories: gsoci/team/*\n"
                           "cleanup:\n  batch-size: 3\n  policies:\n    - name: bulk\n      kind: dev-tags\n      registry: gsoci\n"
                           "      repositories: team/bulk\n      older-than: 30d\n")
                .arg(farm.planFields(QStringLiteral("gsoci")))
                .toUtf8());
        f.close();
        const QString db = QDir(farm.dir()).filePath(QStringLiteral("page.db"));
        MainWindow window(plan, db);
        CleanupPage *page = showCleanup(window);
        QVERIFY(page);
        QSignalSpy done(page, &CleanupPage::workFinished);

        page->planCleanup();
        QVERIFY(page->isBusy());
        QVERIFY(done.wait(60'000));
        QVERIFY2(page->lastMessage().contains(QStringLiteral("Planned 2 batch(es)")), qPrintable(page->lastMessage()));
        QCOMPARE(page->batchModel()->rowCount(), 2);
        const qint64 first = page->batchModel()->batchAt(0)->id, second = page->batchModel()->batchAt(1)->id;

        QVERIFY(shows(page, first));
        page->approveSelected(QStringLiteral("lead"), QStringLiteral("bulk dev builds"));
        QVERIFY(done.wait(10'000));
        QVERIFY(shows(page, first));
        page->runSelected(false);
        QVERIFY(done.wait(60'000));
        QVERIFY2(page->lastMessage().contains(QStringLiteral("3 deleted")), qPrintable(page->lastMessage()));
        const test::Run probe = test::run(QStringLiteral("/usr/bin/python3"),
                                          QStringList{QDir(test::supportDir()).filePath(QStringLiteral("registry_probe.py")),
                                                      QStringLiteral("--registry"), farm.doorHostPort(QStringLiteral("gsoci")),
                                                      QStringLiteral("--repo"), QStringLiteral("team/bulk"), QStringLiteral("--digests")} +
                                              digests);
        QVERIFY2(probe.exitCode == 0, probe.err.constData());
        const QJsonObject held = QJsonDocument::fromJson(probe.out).object().value(QStringLiteral("digests")).toObject();
        int gone = 0;
        for (const QString &d : std::as_const(digests))
            gone += held.value(d).toInt() == 404;
        QCOMPARE(gone, 3); // the approved batch, and nothing of the other

        // Stop: asked as the run starts, taken before the first DELETE; resume finishes it.
        QVERIFY(shows(page, second));
        page->approveSelected(QStringLiteral("lead"), QString());
        QVERIFY(done.wait(10'000));
        QVERIFY(shows(page, second));
        page->runSelected(false);
        page->stop();
        QVERIFY(done.wait(60'000));
        QVERIFY2(page->lastMessage().contains(QStringLiteral("stopped")), qPrintable(page->lastMessage()));
        const CleanupBatch *b = page->batchModel()->batchAt(page->batchModel()->rowOf(second));
        QCOMPARE(b->status, batchstatus::Executing);
    }

    // One Batches page: cleanup and copy batches in one list with their kind, newest first; a row
    // opens its kind's page below on that batch; --page cleanup and --page copies open it on their kind.
    void oneBatchesPageForEveryKind()
    {
        qint64 copyId = 0;
        {
            Store store(m_db);
            QString err;
            QVERIFY2(store.open(&err), qPrintable(err));
            CopyBatch c;
            c.createdAt = QDateTime::currentDateTimeUtc().addSecs(60); // the newest
            c.plan = m_plan;
            c.sourceRegistry = QStringLiteral("hub");
            c.targetRegistry = QStringLiteral("gsoci");
            c.repository = QStringLiteral("team/app");
            c.status = batchstatus::Planned;
            CopyItem i;
            i.seq = 1;
            i.sourceRepository = QStringLiteral("team/app");
            i.tag = QStringLiteral("2.0.0");
            i.digest = QStringLiteral("sha256:") + QString(64, u'e');
            c.items = {i};
            c.hash = c.recomputedHash();
            QVERIFY(CopyStore(store).addBatch(&c));
            copyId = c.id;
        }
        MainWindow window(m_plan, m_db);
        QVERIFY(showCleanup(window));
        BatchesPage *batches = window.batchesPage();
        QVERIFY(batches->isVisible());
        QCOMPARE(batches->shownKind(), QStringLiteral("cleanup"));
        QVERIFY(window.cleanupPage()->isVisible());
        QVERIFY(!window.copyPage()->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!window.copyPage()->isReading() && batches->model()->rowCount() > 1, 10'000);
        QStandardItemModel *m = batches->model();
        QStringList kinds;
        for (int r = 0; r < m->rowCount(); ++r)
            kinds << m->item(r, 0)->text();
        QCOMPARE(kinds.count(QStringLiteral("copy")), 1);
        QVERIFY(kinds.count(QStringLiteral("cleanup")) >= 3);
        QCOMPARE(m->item(0, 0)->text(), QStringLiteral("copy")); // the newest first
        QCOMPARE(m->item(0, 1)->text(), QString::number(copyId));
        QCOMPARE(m->item(0, 2)->text(), batchstatus::Planned);
        QVERIFY2(m->item(0, 6)->text().contains(QStringLiteral("hub → gsoci/team/app")), qPrintable(m->item(0, 6)->text()));
        QCOMPARE(m->item(0, 3)->text(), QStringLiteral("0 of 1 done"));
        // The copy row opens the Copies page below, on that batch.
        batches->view()->setCurrentIndex(m->index(0, 0));
        QTRY_VERIFY_WITH_TIMEOUT(
            window.copyPage()->isVisible() && !window.copyPage()->isReading() && window.copyPage()->selectedBatch() == copyId, 10'000);
        QCOMPARE(batches->shownKind(), QStringLiteral("copy"));
        QCOMPARE(batches->kindTabs()->currentIndex(), 1); // the tab follows the row
        QVERIFY2(window.copyPage()->headerText().contains(QStringLiteral("Copy batch %1").arg(copyId)),
                 qPrintable(window.copyPage()->headerText()));
        // A cleanup row brings the cleanup page back, on its batch.
        int cleanupRow = -1;
        for (int r = 0; r < m->rowCount() && cleanupRow < 0; ++r)
            if (m->item(r, 0)->text() == u"cleanup" && m->item(r, 1)->text() == QString::number(m_a))
                cleanupRow = r;
        QVERIFY(cleanupRow > 0);
        batches->view()->setCurrentIndex(m->index(cleanupRow, 0));
        QTRY_VERIFY_WITH_TIMEOUT(window.cleanupPage()->isVisible() && window.cleanupPage()->shownBatch() == m_a, 10'000);
        // The command line's page names: both kinds are the one page, on their kind.
        window.showPage(QStringLiteral("copies"));
        QCOMPARE(batches->shownKind(), QStringLiteral("copy"));
        QCOMPARE(window.currentPage(), static_cast<QWidget *>(batches));
        window.showPage(QStringLiteral("registries"));
        QVERIFY(window.currentPage() != static_cast<QWidget *>(batches));
        window.showPage(QStringLiteral("cleanup"));
        QCOMPARE(batches->shownKind(), QStringLiteral("cleanup"));
        QCOMPARE(window.currentPage(), static_cast<QWidget *>(batches));
        // The tabs bring a kind's review (and its Plan button) without a batch of it in the list.
        batches->kindTabs()->setCurrentIndex(1);
        QCOMPARE(batches->shownKind(), QStringLiteral("copy"));
        QVERIFY(window.copyPage()->isVisible());
        batches->kindTabs()->setCurrentIndex(0);
        QVERIFY(window.cleanupPage()->isVisible());
    }
};

FERRY_TEST_MAIN_WIDGETS(TestCleanupPage)
#include "tst_cleanuppage.moc"
