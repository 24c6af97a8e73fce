// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The terminal face without a terminal: its pages drawn into a Screen from a seeded store,
// driven with keys, as the lead would. tst_tui in tests/integration drives the same program
// in tmux.

#include "cleanup/cleanupstore.h"
#include "cli/commands.h"
#include "core/workspace.h"
#include "store/charttables.h"
#include "store/figuretables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "testmain.h"
#include "teststore.h"
#include "testutil.h"
#include "tui/terminal.h"
#include "tui/tuiapp.h"

#include <QTemporaryDir>
#include <QTest>

using namespace ferry;
using namespace ferry::tui;

namespace {

QString digestOf(int n)
{
    return QStringLiteral("sha256:%1").arg(n, 64, 10, QLatin1Char('0'));
}

QString render(App &app, int rows = 24, int cols = 80)
{
    Screen s(rows, cols);
    app.render(s);
    return s.text();
}

void press(App &app, const QList<int> &keys)
{
    for (const int k : keys)
        app.handleKey({k});
}

void type(App &app, const QString &text)
{
    for (const QChar c : text)
        app.handleKey({int(c.unicode())});
}

} // namespace

class TestTui : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;
    qint64 m_batch = 0;
    QString m_hash;

private Q_SLOTS:
    void initTestCase()
    {
        m_db = test::testStore(m_dir.filePath(QStringLiteral("tui.db"))); // or PostgreSQL: tst_tui_postgresql
        Store store(m_db);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        QVERIFY(FigureTables(store).recordRegistries({{QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0},
                                                      {QStringLiteral("china"), QStringLiteral("replica"), QStringLiteral("gsoci"), 60}}));
        const QDateTime at = QDateTime::currentDateTimeUtc().addSecs(-600);
        const qint64 scan = HistoryTables(store).beginScan(QStringLiteral("p.yaml"), at);
        QList<MatrixRow> rows;
        QList<TagObservation> listing;
        for (int i = 0; i < 30; ++i) {
            const QString tag = QStringLiteral("1.%1.0").arg(i);
            const bool lagging = i % 10 == 3;
            MatrixRow row{QStringLiteral("team/app-%1").arg(i % 3),
                          tag,
                          lagging ? QStringLiteral("lagging") : QStringLiteral("synced"),
                          lagging ? QStringLiteral("china: behind the target") : QString(),
                          true,
                          {}};
            row.cells.insert(
                QStringLiteral("gsoci"),
                MatrixCell{
                    digestOf(i), QStringLiteral("synced"), QStringLiteral("application/vnd.oci.image.manifest.v1+json"), {}, at, at});
            row.cells.insert(QStringLiteral("china"),
                             lagging ? MatrixCell{{}, QStringLiteral("lagging"), {}, {}, {}, {}}
                                     : MatrixCell{digestOf(i), QStringLiteral("synced"), {}, {}, at, at});
            rows << row;
            if (i % 3 == 0)
                listing << TagObservation{tag, digestOf(i), {}, {}, {}};
        }
        HistoryTables(store).applyListing(scan, QStringLiteral("gsoci"), QStringLiteral("team/app-0"), listing, true, at);
        QVERIFY(MatrixTables(store).writeMatrix(
            scan, rows, {QStringLiteral("team/app-0"), QStringLiteral("team/app-1"), QStringLiteral("team/app-2")}));
        QVERIFY(HistoryTables(store).finishScan(ScanRecord{scan, QStringLiteral("p.yaml"), at, at, true, false, 10, 0, {}, {}}));
        RegistryScanStats stats;
        stats.scan = scan;
        stats.registry = QStringLiteral("china");
        stats.at = at;
        stats.requests = 12;
        stats.failures = 12;
        stats.firstError = QStringLiteral("china: connection refused");
        QVERIFY(FigureTables(store).recordRegistryStats({stats}));

        CleanupBatch b;
        b.createdAt = b.listedAt = at;
        b.plan = QStringLiteral("p.yaml");
        b.registry = QStringLiteral("gsoci");
        b.repository = QStringLiteral("team/app-0");
        b.policies = QStringLiteral("dev-builds");
        b.listingComplete = true;
        CleanupItem item;
        item.seq = 1;
        item.action = QStringLiteral("delete");
        item.digest = digestOf(99);
        item.tags = {QStringLiteral("1.0.0-dev.main.2026-01-01.10-00-00.haaaaaaa")};
        item.policy = QStringLiteral("dev-builds");
        item.reason = QStringLiteral("dev build of branch 'main'");
        b.items = {item};
        b.hash = batchHash(b.content());
        QVERIFY(CleanupStore(store).addBatch(&b));
        m_batch = b.id;
        m_hash = b.hash;
    }

    void screenHelpers()
    {
        QCOMPARE(fit(QStringLiteral("giantswarm/alpine"), 8), QStringLiteral("giantsw…"));
        QCOMPARE(fit(QStringLiteral("42"), 5, true), QStringLiteral("   42"));
        QCOMPARE(bar(1, 4, 8), QStringLiteral("██░░░░░░"));
        QCOMPARE(bar(0, 0, 3), QStringLiteral("░░░"));
        QCOMPARE(sparkline({0, 50, 100, -1}), QStringLiteral("▁▄█ "));
        QCOMPARE(number(1234567), QStringLiteral("1,234,567"));
        QCOMPARE(wrapWords(QStringLiteral("approve batch 3 now"), 9),
                 (QStringList{QStringLiteral("approve"), QStringLiteral("batch 3"), QStringLiteral("now")}));
        // ASCII keeps every symbol one column wide, so that columns stay where they were drawn.
        const QString symbols = QStringLiteral("a—b…c·d│e█░▁▂▃▄▅▆▇▸→←↑↓×≤é");
        const QString ascii = asciiFallback(symbols);
        QCOMPARE(ascii.size(), symbols.size());
        for (const QChar c : ascii)
            QVERIFY(c.unicode() < 0x80);
        Screen s(2, 5);
        QCOMPARE(s.put(0, 3, QStringLiteral("abc")), 2); // cut at the edge
        QCOMPARE(s.put(5, 0, QStringLiteral("x")), 0); // below the screen: nothing
        QCOMPARE(s.text(), QStringLiteral("   ab\n\n"));
    }

    // Not on a terminal (a script, CI): a usage error that says what to use instead, and the
    // page names checked before anything opens.
    void needsATerminal()
    {
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        QCOMPARE(cli::runFerryctl({QStringLiteral("ferryctl"), QStringLiteral("tui"), QStringLiteral("--db"), m_db}, out, err), 2);
        err.flush();
        QVERIFY2(errText.contains(QStringLiteral("needs a terminal")) && errText.contains(QStringLiteral("status")), qPrintable(errText));
        QCOMPARE(App::pageNamed(QStringLiteral("Cleanup")), std::optional<int>(App::CleanupPage));
        QCOMPARE(App::pageNamed(QStringLiteral("charts")), std::optional<int>(App::ChartsPage));
        QVERIFY(!App::pageNamed(QStringLiteral("matrix")));
    }

    void colourFollowsTheTerminalAndNoColor()
    {
        QCOMPARE(colourModeFor(false, true, 256), ColourMode::Palette256);
        QCOMPARE(colourModeFor(false, true, 16), ColourMode::Basic16);
        QCOMPARE(colourModeFor(false, true, 8), ColourMode::Basic16);
        QCOMPARE(colourModeFor(false, false, 0), ColourMode::None);
        QCOMPARE(colourModeFor(true, true, 256), ColourMode::None); // NO_COLOR wins
    }

    // Every page, as the lead goes through them: the figures come from the same Workspace
    // reads the window uses.
    void pagesShowTheStore()
    {
        Workspace ws;
        QString error;
        QVERIFY(ws.openDatabase(m_db, &error));
        App app(ws);
        app.start();
        QTRY_VERIFY_WITH_TIMEOUT(render(app).contains(QStringLiteral("Rows by state")), 20000);
        QString screen = render(app);
        QVERIFY2(screen.contains(QStringLiteral("lagging")) && screen.contains(QStringLiteral("27")), qPrintable(screen));
        QTRY_VERIFY_WITH_TIMEOUT(render(app).contains(QStringLiteral("china: ")), 20000); // the lag line

        press(app, {'2'});
        screen = render(app);
        QVERIFY2(screen.contains(QStringLiteral("30 of 30 rows")), qPrintable(screen));
        QVERIFY2(screen.contains(QStringLiteral("team/app-0")), qPrintable(screen));
        // Filter as you type: each key narrows the rows at once.
        press(app, {'/'});
        type(app, QStringLiteral("app-1:1.1"));
        screen = render(app);
        QVERIFY2(screen.contains(QStringLiteral("5 of 30 rows")), qPrintable(screen)); // 1.1.0, 1.10.0, 1.13.0, 1.16.0, 1.19.0
        type(app, QStringLiteral("3"));
        QVERIFY2(render(app).contains(QStringLiteral("1 of 30 rows")), qPrintable(render(app)));
        press(app, {key::Enter, key::Enter}); // keep the filter, open the detail
        screen = render(app, 30, 100);
        QVERIFY2(screen.contains(QStringLiteral("team/app-1:1.13.0  lagging")), qPrintable(screen));
        QVERIFY2(screen.contains(QStringLiteral("china: behind the target")), qPrintable(screen));
        QVERIFY2(screen.contains(digestOf(13)), qPrintable(screen)); // the full digest
        // c on a row the target does not lack plans nothing and says why (isCopyableState).
        press(app, {'c'});
        QVERIFY2(render(app, 30, 160).contains(QStringLiteral("team/app-1:1.13.0 is lagging: nothing to copy")),
                 qPrintable(render(app, 30, 160)));
        press(app, {key::Escape, key::Escape}); // close the detail, clear the filter
        QVERIFY(render(app).contains(QStringLiteral("30 of 30 rows")));
        // The state picker: lagging rows only, by the start of the state's name; an empty line
        // shows every state again (one key, not a cycle of eleven).
        press(app, {'f', 'l', 'a', 'g', key::Enter});
        QVERIFY2(render(app).contains(QStringLiteral("State: lagging")) && render(app).contains(QStringLiteral("3 of 30 rows")),
                 qPrintable(render(app)));
        press(app, {'f'});
        for (int i = 0; i < 8; ++i)
            press(app, {key::Backspace});
        press(app, {key::Enter});
        QVERIFY2(render(app).contains(QStringLiteral("30 of 30 rows")), qPrintable(render(app)));
        press(app, {'f', 'z', key::Enter}); // no such state: said, the rows stay
        QVERIFY2(render(app, 30, 200).contains(QStringLiteral("No state starts with 'z'")), qPrintable(render(app, 30, 200)));
        QVERIFY(render(app).contains(QStringLiteral("30 of 30 rows")));
        // F steps through the states, worst first: the first with rows is lagging here.
        for (int i = 0; i < 12 && !render(app).contains(QStringLiteral("State: lagging")); ++i)
            press(app, {'F'});
        QVERIFY2(render(app).contains(QStringLiteral("3 of 30 rows")), qPrintable(render(app)));
        // A tag's digest history, read from the store off this thread.
        press(app, {key::Escape, 'g', key::Enter});
        QTRY_VERIFY_WITH_TIMEOUT(render(app, 30, 100).contains(QStringLiteral("– now")), 10000);

        press(app, {'3'});
        QTRY_VERIFY_WITH_TIMEOUT(render(app).contains(QStringLiteral("china ← gsoci")), 20000);
        screen = render(app);
        QVERIFY2(screen.contains(QStringLiteral("SLO 60s")), qPrintable(screen));
        press(app, {'i'});
        QVERIFY2(render(app).contains(QStringLiteral("team/app-")), qPrintable(render(app))); // in flight, by tag

        press(app, {'5'});
        QTRY_VERIFY_WITH_TIMEOUT(render(app).contains(QStringLiteral("Errors of the last scan")), 20000);
        QVERIFY2(render(app).contains(QStringLiteral("unreachable")), qPrintable(render(app)));
        press(app, {key::Down}); // china: what failed first
        QVERIFY2(render(app).contains(QStringLiteral("china: connection refused")), qPrintable(render(app)));

        press(app, {'4'});
        QTRY_VERIFY_WITH_TIMEOUT(render(app).contains(QStringLiteral("hash ") + m_hash), 20000);
        // The items are a read of their own, after the batches'.
        QTRY_VERIFY2_WITH_TIMEOUT(render(app).contains(QStringLiteral("1.0.0-dev.main.2026-01-01")), qPrintable(render(app)), 20000);
    }

    // Approving from the keyboard: the question shows the hash, the store records that hash
    // with the name and the comment given.
    void approvalRecordsTheHashShown()
    {
        Workspace ws;
        QString error;
        QVERIFY(ws.openDatabase(m_db, &error));
        App app(ws);
        app.setPage(App::CleanupPage);
        app.start();
        QTRY_VERIFY_WITH_TIMEOUT(render(app).contains(QStringLiteral("hash ") + m_hash), 20000);
        press(app, {'a'});
        QString screen = render(app);
        QVERIFY2(screen.contains(QStringLiteral("Hash: ") + m_hash), qPrintable(screen));
        type(app, QStringLiteral("Grace Hopper"));
        press(app, {key::Enter});
        type(app, QStringLiteral("dev builds, checked"));
        press(app, {key::Enter});
        QTRY_VERIFY_WITH_TIMEOUT(render(app).contains(QStringLiteral("approved by Grace Hopper")), 20000);
        Store store(m_db);
        QVERIFY(store.open(&error));
        const std::optional<CleanupBatch> b = CleanupStore(store).batch(m_batch);
        QVERIFY(b);
        QCOMPARE(b->status, batchstatus::Approved);
        QCOMPARE(b->decidedBy, QStringLiteral("Grace Hopper"));
        QCOMPARE(b->decidedHash, m_hash);
        QCOMPARE(b->comment, QStringLiteral("dev builds, checked"));
        // Escape cancels: a second approval question leaves the store as it was.
        press(app, {'r', key::Escape});
        QVERIFY(!render(app).contains(QStringLiteral("> ")));
        QCOMPARE(CleanupStore(store).batch(m_batch)->status, batchstatus::Approved);
    }

    // The Copies page: a copy batch with its items (tag, digest, what the copy does), approved
    // from the keyboard against the hash shown; the store holds that hash and the name.
    void copiesPageApprovesTheHashShown()
    {
        QTemporaryDir dir;
        const QString db = test::testStore(dir.filePath(QStringLiteral("copies.db")));
        CopyBatch b;
        {
            Store store(db);
            QString error;
            QVERIFY2(store.open(&error), qPrintable(error));
            b.createdAt = QDateTime::currentDateTimeUtc();
            b.plan = QStringLiteral("p.yaml");
            b.sourceRegistry = QStringLiteral("dockerhub");
            b.targetRegistry = QStringLiteral("gsoci");
            b.repository = QStringLiteral("giantswarm/app");
            b.scan = 1;
            b.status = batchstatus::Planned;
            for (int i = 1; i <= 2; ++i) {
                CopyItem item;
                item.seq = i;
                item.sourceRepository = b.repository;
                item.tag = QStringLiteral("2.%1.0").arg(i);
                item.digest = digestOf(100 + i);
                item.action = i == 1 ? copyaction::New : copyaction::Overwrite;
                item.replaces = i == 1 ? QString() : digestOf(200);
                b.items << item;
            }
            b.hash = b.recomputedHash();
            QVERIFY(CopyStore(store).addBatch(&b));
        }
        Workspace ws;
        QString error;
        QVERIFY(ws.openDatabase(db, &error));
        App app(ws);
        app.setPage(App::CopiesPage);
        app.start();
        QTRY_VERIFY_WITH_TIMEOUT(render(app, 30, 120).contains(QStringLiteral("hash ") + b.hash), 20000);
        QString screen = render(app, 30, 120);
        QVERIFY2(screen.contains(QStringLiteral("dockerhub → gsoci/giantswarm/app")) && screen.contains(QStringLiteral("2.1.0")) &&
                     screen.contains(QStringLiteral("new tag")) && screen.contains(QStringLiteral("overwrite ") + digestOf(200).left(19)),
                 qPrintable(screen));
        QVERIFY(render(app, 24, 80).split(u'\n').value(0).contains(QStringLiteral("8 Copies")));
        press(app, {'a'});
        screen = render(app, 30, 120);
        QVERIFY2(screen.contains(QStringLiteral("Hash: ") + b.hash), qPrintable(screen));
        type(app, QStringLiteral("Ada Lovelace"));
        press(app, {key::Enter});
        QTRY_VERIFY_WITH_TIMEOUT(render(app, 30, 120).contains(QStringLiteral("approved by Ada Lovelace")), 20000);
        Store store(db);
        QVERIFY(store.open(&error));
        const std::optional<CopyBatch> stored = CopyStore(store).batch(b.id);
        QVERIFY(stored);
        QCOMPARE(stored->status, batchstatus::Approved);
        QCOMPARE(stored->decidedBy, QStringLiteral("Ada Lovelace"));
        QCOMPARE(stored->decidedHash, b.hash);
    }

    // x asks for "yes" and anything else executes nothing; a dry run goes through the cleanup
    // job's start and what stops it reaches the status line: here no plan is open and the
    // batch's own plan file is not there (Workspace::planForBatch), so nothing runs.
    void executeAsksAndDryRunReports()
    {
        Workspace ws;
        QString error;
        QVERIFY(ws.openDatabase(m_db, &error));
        App app(ws);
        app.setPage(App::CleanupPage);
        app.start();
        QTRY_VERIFY_WITH_TIMEOUT(render(app).contains(QStringLiteral("hash ") + m_hash), 20000);
        press(app, {'x'});
        QVERIFY2(render(app).contains(QStringLiteral("Type yes to execute")), qPrintable(render(app)));
        type(app, QStringLiteral("no"));
        press(app, {key::Enter});
        QVERIFY2(render(app).contains(QStringLiteral("Not executed.")), qPrintable(render(app)));
        press(app, {'d'});
        QTRY_VERIFY2_WITH_TIMEOUT(render(app, 24, 200).contains(QStringLiteral("the batch was planned from p.yaml, which cannot be read")),
                                  qPrintable(render(app, 24, 200)), 20000);
        Store store(m_db);
        QVERIFY(store.open(&error));
        QCOMPARE(CleanupStore(store).journalOf(m_batch).size(), 0); // nothing was sent
    }

    // A rejection is final from the keyboard too, and without a fresh refs scan approval asks
    // for its own key, which is recorded with the approval and shown.
    void rejectionIsFinalAndStaleRefsAskForTheOverride()
    {
        qint64 rejected = 0, stale = 0;
        {
            Store store(m_db);
            QString error;
            QVERIFY2(store.open(&error), qPrintable(error));
            CleanupStore cs(store);
            for (int n : {101, 102}) {
                CleanupBatch b;
                b.createdAt = b.listedAt = QDateTime::currentDateTimeUtc();
                b.plan = QStringLiteral("p.yaml");
                b.registry = QStringLiteral("gsoci");
                b.repository = QStringLiteral("team/app-%1").arg(n);
                b.policies = QStringLiteral("dev-builds");
                b.listingComplete = true;
                b.refsRequired = n == 102; // the plan has clients; no refs scan was asked
                CleanupItem item;
                item.seq = 1;
                item.action = QStringLiteral("delete");
                item.digest = digestOf(n);
                item.policy = QStringLiteral("dev-builds");
                item.reason = QStringLiteral("dev build of branch 'main'");
                b.items = {item};
                b.hash = batchHash(b.content());
                QVERIFY(cs.addBatch(&b));
                (n == 101 ? rejected : stale) = b.id;
            }
            const auto r = cs.batch(rejected);
            QVERIFY(
                cs.decide(rejected, batchstatus::Rejected, QStringLiteral("lead"), r->hash, QStringLiteral("no"), {batchstatus::Planned}));
        }
        Workspace ws;
        QString error;
        QVERIFY(ws.openDatabase(m_db, &error));
        App app(ws);
        app.setPage(App::CleanupPage);
        app.start();
        QTRY_VERIFY_WITH_TIMEOUT(render(app, 30, 160).contains(QStringLiteral("Batch ")), 20000);
        auto select = [&](qint64 id) {
            press(app, {key::Home});
            for (int i = 0; i < 10 && !render(app, 30, 160).contains(QStringLiteral("Batch %1 ·").arg(id)); ++i)
                press(app, {key::Down});
            QTRY_VERIFY_WITH_TIMEOUT(render(app, 30, 160).contains(QStringLiteral("Batch %1 ·").arg(id)), 5000);
        };
        select(rejected);
        press(app, {'a'});
        QVERIFY2(render(app, 30, 160).contains(QStringLiteral("a rejection is final")), qPrintable(render(app, 30, 160)));
        select(stale);
        QVERIFY2(render(app, 30, 160).contains(QStringLiteral("no refs scan in the database")), qPrintable(render(app, 30, 160)));
        auto approveAs = [&](const QString &answer) {
            press(app, {'a'});
            type(app, QStringLiteral("Ada"));
            press(app, {key::Enter, key::Enter}); // name, empty comment
            QVERIFY2(render(app, 30, 160).contains(QStringLiteral("Type y to approve WITHOUT A FRESH REFS SCAN")),
                     qPrintable(render(app, 30, 160)));
            type(app, answer);
            press(app, {key::Enter});
        };
        approveAs(QStringLiteral("n"));
        QVERIFY2(render(app, 30, 160).contains(QStringLiteral("Not approved")), qPrintable(render(app, 30, 160)));
        approveAs(QStringLiteral("y"));
        QTRY_VERIFY_WITH_TIMEOUT(render(app, 30, 160).contains(QStringLiteral("approved by Ada")), 20000);
        Store store(m_db);
        QVERIFY(store.open(&error));
        CleanupStore cs(store);
        QCOMPARE(cs.batch(rejected)->status, batchstatus::Rejected);
        QCOMPARE(cs.batch(stale)->decidedBy, QStringLiteral("Ada"));
        QVERIFY(cs.batch(stale)->refsOverride.contains(QStringLiteral("no refs scan")));
        QTRY_VERIFY_WITH_TIMEOUT(render(app, 30, 160).contains(QStringLiteral("APPROVED WITHOUT A FRESH REFS SCAN")), 20000);
    }

    // A new snapshot (a scan finished) keeps the filter and the selected repository:tag,
    // even when rows came before it.
    void newSnapshotKeepsTheSelection()
    {
        Workspace ws;
        App app(ws);
        auto *view = static_cast<MatrixView *>(app.view(App::ImagesPage));
        auto matrix = [](int first) {
            auto m = std::make_shared<CompactMatrix>();
            for (int i = first; i < 20; ++i)
                m->append(MatrixRow{QStringLiteral("team/a"),
                                    QStringLiteral("t%1").arg(i, 2, 10, QLatin1Char('0')),
                                    QStringLiteral("synced"),
                                    {},
                                    true,
                                    {}});
            return m;
        };
        view->setMatrix(matrix(10), {});
        app.setPage(App::ImagesPage);
        press(app, {key::Down, key::Down}); // t12
        view->setMatrix(matrix(0), {}); // ten rows before it now
        Screen s(24, 80);
        app.render(s);
        int selectedLine = -1;
        for (int y = 0; y < s.rows(); ++y)
            if (s.styleAt(y, 0) == Style::Selected)
                selectedLine = y;
        QVERIFY(selectedLine > 0);
        QVERIFY2(s.line(selectedLine).contains(QStringLiteral("t12")), qPrintable(s.text()));
    }

    // The Replication page's p90 over time: computed on the pool once per report, replica and
    // width (at a million arrivals it took 60-70 ms on every frame), then drawn from that.
    void lagOverTimeIsComputedOffTheFrame()
    {
        Workspace ws;
        App app(ws);
        auto *view = static_cast<ReplicationView *>(app.view(App::ReplicationPage));
        LagReport lag;
        ReplicaLag rl;
        rl.replica = QStringLiteral("china");
        rl.target = QStringLiteral("gsoci");
        rl.sloSeconds = 60;
        rl.resolutionSeconds = 10;
        const qint64 start = QDateTime::currentMSecsSinceEpoch() - 3'600'000;
        for (int i = 0; i < 2000; ++i)
            rl.arrivals.append(LagPoint{start + i * 1800, i < 1000 ? 20 : 200}); // late in the second half
        rl.stats.count = int(rl.arrivals.size());
        lag.replicas = {rl};
        view->setLag(lag);
        app.setPage(App::ReplicationPage);
        QVERIFY2(render(app).contains(QStringLiteral("lag over time: computing")), qPrintable(render(app)));
        QTRY_VERIFY2_WITH_TIMEOUT(render(app).contains(QStringLiteral("lag p90 over time")), qPrintable(render(app)), 10000);
        const QString line = render(app).split(u'\n').filter(QStringLiteral("lag p90 over time")).value(0);
        QVERIFY2(line.contains(u'▁') && line.contains(u'█') && line.contains(QStringLiteral("top 3m")), qPrintable(line));
        // A new report is computed again, not drawn from the old one's buckets.
        view->setLag(LagReport{});
        QVERIFY(!render(app).contains(QStringLiteral("lag p90 over time")));
    }

    // Another writer's scan (a collector elsewhere, ferryctl watch) reaches the pages without a
    // key: a SQLite file is watched, a PostgreSQL store heard through LISTEN/NOTIFY.
    void followsAnotherWriter()
    {
        const QString db = test::testStore(m_dir.filePath(QStringLiteral("follow.db")));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const auto writeScan = [&](const QString &repository, int tags) {
            Store writer(db); // a connection of its own, as another process's
            QString err;
            QVERIFY2(writer.open(&err), qPrintable(err));
            const qint64 scan = HistoryTables(writer).beginScan(QStringLiteral("p.yaml"), now, QStringLiteral("elsewhere"));
            QList<MatrixRow> rows;
            for (int i = 0; i < tags; ++i) {
                MatrixRow r{repository, QStringLiteral("0.%1.0").arg(i), QStringLiteral("missing"), {}, true, {}};
                r.cells.insert(QStringLiteral("gsoci"), MatrixCell{{}, r.state, {}, {}, now, now});
                rows << r;
            }
            QVERIFY(MatrixTables(writer).writeMatrix(scan, rows, {repository}));
            QVERIFY(HistoryTables(writer).finishScan(ScanRecord{scan, QStringLiteral("p.yaml"), now, now, true, false, tags, 0, {}, {}}));
        };
        writeScan(QStringLiteral("team/first"), 3);
        Workspace ws;
        QString error;
        QVERIFY2(ws.openDatabase(db, &error), qPrintable(error));
        App app(ws);
        app.setPage(App::ImagesPage);
        app.start();
        QTRY_VERIFY_WITH_TIMEOUT(render(app).contains(QStringLiteral("3 of 3 rows")), 20000);
        press(app, {key::Down}); // 0.1.0
        QTest::qWait(500); // the follower listens (PostgreSQL: on its own connection and thread)
        writeScan(QStringLiteral("team/second"), 4);
        QTRY_VERIFY_WITH_TIMEOUT(render(app).contains(QStringLiteral("7 of 7 rows")), 15000);
        Screen s(24, 80);
        app.render(s);
        int selected = -1;
        for (int y = 0; y < s.rows(); ++y)
            if (s.styleAt(y, 0) == Style::Selected)
                selected = y;
        QVERIFY2(selected > 0 && s.line(selected).contains(QStringLiteral("team/first")) &&
                     s.line(selected).contains(QStringLiteral("0.1.0")),
                 qPrintable(s.text()));
    }

    // The Clients page: the window's figures (one read, one summary), per cluster and registry
    // pulled from, each reference with its state; Enter opens its matrix row.
    void clientsPage()
    {
        QTemporaryDir dir;
        const QString plan = dir.filePath(QStringLiteral("plan.yaml"));
        QVERIFY(
            test::writeFile(plan,
                            "version: 1\nname: p\nregistries:\n"
                            "  dockerhub: { url: https://registry-1.docker.io, kind: dockerhub, role: source, credentials: anonymous }\n"
                            "  gsoci: { url: https://gsoci.azurecr.io, role: target, credentials: anonymous }\n"
                            "images:\n  - { source: dockerhub/giantswarm/app, target: gsoci/giantswarm/app }\n"
                            "clients:\n  - { cluster: berlin, paths: berlin }\n  - { cluster: hamburg, paths: hamburg }\n"));
        QVERIFY(test::writeFile(dir.filePath(QStringLiteral("berlin/a.yaml")),
                                "apiVersion: v1\nkind: Pod\nmetadata: { name: a }\nspec:\n  containers:\n"
                                "    - { name: a, image: \"giantswarm/app:1.0\" }\n    - { name: b, image: \"quay.io/x/y:1\" }\n"));
        QVERIFY(test::writeFile(dir.filePath(QStringLiteral("hamburg/a.yaml")),
                                "apiVersion: v1\nkind: Pod\nmetadata: { name: a }\nspec:\n  containers:\n"
                                "    - { name: a, image: \"gsoci.azurecr.io/giantswarm/app:1.0\" }\n"));
        const QString db = test::testStore(dir.filePath(QStringLiteral("clients.db")));
        {
            Store store(db);
            QString err;
            QVERIFY2(store.open(&err), qPrintable(err));
            const QDateTime at = QDateTime::currentDateTimeUtc();
            const qint64 scan = HistoryTables(store).beginScan(plan, at);
            QList<MatrixRow> rows;
            for (const QString &tag : {QStringLiteral("1.0"), QStringLiteral("1.0.1")}) {
                MatrixRow row{QStringLiteral("giantswarm/app"), tag, QStringLiteral("synced"), {}, true, {}};
                row.cells.insert(QStringLiteral("dockerhub"), MatrixCell{digestOf(1), QStringLiteral("synced"), {}, {}, at, at});
                row.cells.insert(QStringLiteral("gsoci"), MatrixCell{digestOf(1), QStringLiteral("synced"), {}, {}, at, at});
                rows << row;
            }
            QVERIFY(MatrixTables(store).writeMatrix(scan, rows, {QStringLiteral("giantswarm/app")}));
            QVERIFY(HistoryTables(store).finishScan(ScanRecord{scan, plan, at, at, true, false, 0, 0, {}, {}}));
        }
        Workspace ws;
        QString error;
        QVERIFY2(ws.loadPlan(plan, &error), qPrintable(error));
        QVERIFY2(ws.openDatabase(db, &error), qPrintable(error));
        App app(ws);
        app.start();
        press(app, {'6'});
        QTRY_VERIFY_WITH_TIMEOUT(render(app, 30, 120).contains(QStringLiteral("references in")), 20000);
        QString screen = render(app, 30, 120);
        QVERIFY2(screen.contains(QStringLiteral(
                     "3 references in 2 clusters (2 files): 2 switch-ready or switched (66 %), 1 still pull from Docker Hub.")),
                 qPrintable(screen));
        QVERIFY2(screen.contains(QStringLiteral("berlin")) && screen.contains(QStringLiteral("hamburg")) &&
                     screen.contains(QStringLiteral("quay.io")),
                 qPrintable(screen));
        QVERIFY2(screen.contains(QStringLiteral("switch-ready")) && screen.contains(QStringLiteral("switched")), qPrintable(screen));
        QVERIFY2(screen.contains(QStringLiteral("a.yaml:")), qPrintable(screen)); // where each is written
        // Tab to the references; Enter on the Docker Hub one opens its row, not 1.0.1's.
        press(app, {key::Tab});
        for (int i = 0; i < 3 && !render(app, 30, 120).split(u'\n').value(28).startsWith(QStringLiteral(" giantswarm/app:1.0 in ")); ++i)
            press(app, {key::Down});
        QVERIFY2(render(app, 30, 120).split(u'\n').value(28).startsWith(QStringLiteral(" giantswarm/app:1.0 in ")),
                 qPrintable(render(app, 30, 120)));
        press(app, {key::Enter});
        QCOMPARE(app.page(), int(App::ImagesPage));
        Screen s(30, 120);
        app.render(s);
        int selected = -1;
        for (int y = 0; y < s.rows(); ++y)
            if (s.styleAt(y, 0) == Style::Selected)
                selected = y;
        QVERIFY2(selected > 0 && s.line(selected).contains(QStringLiteral("giantswarm/app")) &&
                     !s.line(selected).contains(QStringLiteral("1.0.1")),
                 qPrintable(s.text()));
    }

    // The Charts page (the RFC's stage 3): the window's summary and retirement verdict, every
    // version with its state; the state filter; the Overview's stage 3 opens it on the open versions.
    void chartsPage()
    {
        QTemporaryDir dir;
        const QString db = test::testStore(dir.filePath(QStringLiteral("charts.db")));
        {
            Store store(db);
            QString err;
            QVERIFY2(store.open(&err), qPrintable(err));
            const QDateTime at = QDateTime::currentDateTimeUtc();
            ChartScanRecord scan;
            scan.at = at;
            scan.repository = QStringLiteral("catalog");
            scan.indexUrl = QStringLiteral("http://127.0.0.1:1/index.yaml");
            scan.versions = 3;
            const auto row = [](const QString &version, const QString &state, const QString &http, const QString &oci, const QString &why) {
                ChartVersionRow r;
                r.chart = QStringLiteral("hello");
                r.version = version;
                r.state = state;
                r.httpDigest = http;
                r.ociDigest = oci;
                r.url = QStringLiteral("http://127.0.0.1:1/hello-%1.tgz").arg(version);
                r.reason = why;
                r.replicas.insert(QStringLiteral("china"), oci.isEmpty() ? QStringLiteral("missing") : QStringLiteral("same"));
                return r;
            };
            QVERIFY(ChartTables(store).recordChartScan(scan,
                                                       {row(QStringLiteral("1.0.0"), QStringLiteral("same"), digestOf(1), digestOf(1), {}),
                                                        row(QStringLiteral("1.1.0"), QStringLiteral("missing-in-oci"), digestOf(2), {},
                                                            QStringLiteral("not in OCI: copy it first")),
                                                        row(QStringLiteral("1.2.0"), QStringLiteral("different-content"), digestOf(3),
                                                            digestOf(4), QStringLiteral("the OCI chart layer is another .tgz"))}) > 0);
        }
        Workspace ws;
        QString error;
        QVERIFY2(ws.openDatabase(db, &error), qPrintable(error));
        App app(ws);
        app.start();
        press(app, {'7'});
        QTRY_VERIFY_WITH_TIMEOUT(render(app, 30, 120).contains(QStringLiteral("versions of the HTTP index")), 20000);
        QString screen = render(app, 30, 120);
        QVERIFY2(screen.contains(QStringLiteral("catalog: 1 of 3 versions of the HTTP index are in OCI with the same content (33 %)")),
                 qPrintable(screen));
        QVERIFY2(screen.contains(QStringLiteral("3 of 3 versions")) && screen.contains(QStringLiteral("different-content")) &&
                     screen.contains(QStringLiteral("not in OCI: copy it first")) && screen.contains(QStringLiteral("china missing")),
                 qPrintable(screen));
        QVERIFY2(screen.contains(QStringLiteral("catalog cannot be retired yet")), qPrintable(screen));
        // Every tab shows at 80 columns too, shorter.
        const QString tabs = render(app, 24, 80).split(u'\n').value(0);
        QVERIFY2(tabs.contains(QStringLiteral("1 Overview")) && tabs.contains(QStringLiteral("7 Charts")), qPrintable(tabs));
        press(app, {'f'}); // the versions not yet in OCI
        screen = render(app, 30, 120);
        QVERIFY2(screen.contains(QStringLiteral("2 of 3 versions")) && !screen.contains(QStringLiteral("1.0.0")), qPrintable(screen));
        press(app, {'f', 'f'}); // one state: same
        QVERIFY2(render(app, 30, 120).contains(QStringLiteral("1 of 3 versions")), qPrintable(render(app, 30, 120)));

        // The Overview's stage 3 bar: Enter opens this page on the versions not yet in OCI.
        press(app, {'1'});
        QTRY_VERIFY_WITH_TIMEOUT(render(app, 30, 120).contains(QStringLiteral("Stage 3: charts of catalog")), 20000);
        for (int i = 0; i < 6 && app.page() != App::ChartsPage; ++i)
            press(app, {'1', key::Down, key::Enter});
        QCOMPARE(app.page(), int(App::ChartsPage));
        screen = render(app, 30, 120);
        QVERIFY2(screen.contains(QStringLiteral("2 of 3 versions")) &&
                     screen.contains(QStringLiteral("State: missing-in-oci,different-content,unknown")),
                 qPrintable(screen));
    }

    // Every page fits a small terminal without drawing outside it, and the footer stays.
    void smallTerminals()
    {
        Workspace ws;
        QString error;
        QVERIFY(ws.openDatabase(m_db, &error));
        App app(ws);
        app.start();
        QTRY_VERIFY_WITH_TIMEOUT(render(app).contains(QStringLiteral("Rows by state")), 20000);
        for (int page = 0; page < App::PageCount; ++page) {
            app.setPage(page);
            for (const auto &[rows, cols] : {std::pair{24, 80}, std::pair{10, 40}, std::pair{3, 12}}) {
                Screen s(rows, cols);
                app.render(s);
                QVERIFY2(s.line(rows - 1).contains(u'q') || cols < 20, qPrintable(s.text()));
            }
        }
    }
};

FERRY_TEST_MAIN(TestTui)
#include "tst_tui.moc"
