// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferryctl tui (tst_terminal) in a real terminal (tmux), against real registries on 127.0.0.1: a scan
// started from the keyboard fills the pages, the filter and the detail pane follow it, a
// batch approved from the keyboard is in the store with the hash shown, the view survives a
// resize, speaks ASCII without a UTF-8 locale, leaves colour off under NO_COLOR, and gives
// the terminal back after SIGTERM and after a crash.

#include "cleanup/cleanupstore.h"
#include "copy/copystore.h"
#include "registryfarm.h"
#include "store/matrixtables.h"
#include "store/store.h"
#include "testmain.h"
#include "teststore.h"
#include "testutil.h"
#include "tmux.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>

#include <csignal>

using namespace ferry;
using namespace ferry::test;

class TestTerminal : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<RegistryFarm> m_farm;
    QString m_plan;
    QString m_scanned; // a database a scan filled (by the first test)
    int m_sessions = 0;

    QString path(const QString &name) const { return QDir(m_farm->dir()).filePath(name); }

    // The TUI in a window of its own; the shell after it prints the exit code and the
    // terminal's modes, so that a test sees how the terminal was left.
    std::unique_ptr<Tmux> open(const QString &args, int cols, int rows, const QStringList &env = {},
                               const QString &terminal = QStringLiteral("tmux-256color"))
    {
        auto t = std::make_unique<Tmux>(path(QStringLiteral("tmux-%1").arg(++m_sessions)));
        const QString command =
            QStringLiteral("'%1' tui %2; echo EXIT=$?; stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\{0,1\\}icanon'; sleep 120")
                .arg(ferryctlPath(), args);
        QStringList environment{QStringLiteral("LANG=C.UTF-8"), QStringLiteral("LC_ALL=C.UTF-8")};
        environment += env;
        if (!t->start(command, cols, rows, environment, terminal))
            return nullptr;
        return t;
    }

    qint64 tuiPid(const Tmux &t) const
    {
        const Run r = run(QStringLiteral("pgrep"), {QStringLiteral("-P"), QString::number(t.panePid()), QStringLiteral("ferryctl")});
        return r.out.trimmed().split('\n').value(0).toLongLong();
    }

    qint64 addBatch(const QString &db, QString *hash)
    {
        Store store(db);
        QString error;
        if (!store.open(&error))
            return 0;
        CleanupBatch b;
        b.createdAt = b.listedAt = QDateTime::currentDateTimeUtc();
        b.plan = m_plan;
        b.registry = QStringLiteral("gsoci");
        b.repository = QStringLiteral("team/tui");
        b.policies = QStringLiteral("dev-builds");
        b.listingComplete = true;
        CleanupItem item;
        item.seq = 1;
        item.action = QStringLiteral("delete");
        item.digest = QStringLiteral("sha256:") + QString(64, u'e');
        item.tags = {QStringLiteral("1.0.0-dev.main.2026-01-01.10-00-00.heeeeeee")};
        item.policy = QStringLiteral("dev-builds");
        item.reason = QStringLiteral("dev build of branch 'main'");
        b.items = {item};
        b.hash = batchHash(b.content());
        *hash = b.hash;
        return CleanupStore(store).addBatch(&b) ? b.id : 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        FERRY_REQUIRE_REGISTRY_TOOLS();
        if (QStandardPaths::findExecutable(QStringLiteral("tmux")).isEmpty())
            FERRY_SKIP(QStringLiteral("tmux is not installed (installer/setup.sh installs it)"));
        m_farm = std::make_unique<RegistryFarm>();
        QString error;
        QVERIFY2(m_farm->startNamed(QStringLiteral("gsoci"), &error), qPrintable(error));
        QVERIFY2(m_farm->startNamed(QStringLiteral("china"), &error), qPrintable(error));
        m_farm->exportCredentials();
        QStringList images{QStringLiteral("--only-extras")};
        for (int i = 1; i <= 4; ++i)
            images << QStringLiteral("--image") << QStringLiteral("team/tui:v%1").arg(i);
        QVERIFY2(m_farm->seedNamed(QStringLiteral("gsoci"), QStringLiteral("t"), &error, images), qPrintable(error));
        m_plan = path(QStringLiteral("tui.yaml"));
        QFile f(m_plan);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QStringLiteral("version: 1\n"
                               "name: tui\n"
                               "registries:\n"
                               "  gsoci: { %1, role: target }\n"
                               "  china: { %2, role: replica, of: gsoci, lag-slo: 1h }\n"
                               "images:\n"
                               "  - repositories: gsoci/team/*\n")
                    .arg(m_farm->planFields(QStringLiteral("gsoci")), m_farm->planFields(QStringLiteral("china")))
                    .toUtf8());
    }

    void cleanupTestCase() { m_farm.reset(); }

    // s scans from the keyboard; every page then shows what the scan found, the filter and
    // the detail pane work on it, and a second scan keeps the row the lead was reading.
    void scanFromTheKeyboardFillsEveryPage()
    {
        m_scanned = path(QStringLiteral("scanned.db"));
        const auto t = open(QStringLiteral("--plan '%1' --db '%2'").arg(m_plan, m_scanned), 110, 32);
        QVERIFY(t);
        QString screen = t->waitFor(QStringLiteral("no scan yet"));
        QVERIFY2(screen.contains(QStringLiteral("1 Overview")) && screen.contains(QStringLiteral("q quit")), qPrintable(screen));
        t->keys({QStringLiteral("s")});
        screen = t->waitFor(QStringLiteral("Last scan 1 complete"), 60'000);
        QVERIFY2(screen.contains(QStringLiteral("Last scan 1 complete")), qPrintable(screen));
        // The Overview shows the matrix the scan wrote once the new snapshot is read (the old,
        // empty one shows "Rows by state" too: wait for the registry's cells).
        screen = t->waitFor(QStringLiteral("gsoci target"));
        QVERIFY2(screen.contains(QStringLiteral("Stage")) && screen.contains(QStringLiteral("gsoci target")), qPrintable(screen));

        // The digest the store holds for v2 in gsoci: what the detail pane must show.
        QString digest;
        {
            Store store(m_scanned);
            QString error;
            QVERIFY(store.open(&error));
            for (const MatrixRow &r : MatrixTables(store).matrix())
                if (r.repository == u"team/tui" && r.tag == u"v2")
                    digest = r.cells.value(QStringLiteral("gsoci")).digest;
        }
        QVERIFY(digest.startsWith(QStringLiteral("sha256:")));

        t->keys({QStringLiteral("2")});
        screen = t->waitFor(QStringLiteral("team/tui"));
        QVERIFY2(screen.contains(QStringLiteral("Repository")) && screen.contains(QStringLiteral("china")), qPrintable(screen));
        t->keys({QStringLiteral("/")});
        t->text(QStringLiteral("tui:v2"));
        screen = t->waitFor(QStringLiteral("1 of "));
        QVERIFY2(screen.contains(QStringLiteral("Filter: tui:v2")), qPrintable(screen));
        t->keys({QStringLiteral("Enter"), QStringLiteral("Enter")}); // keep the filter, open the detail
        screen = t->waitFor(QStringLiteral("Digest history"));
        QVERIFY2(screen.contains(QStringLiteral("team/tui:v2")) && screen.contains(digest), qPrintable(screen));

        // A second scan: the filter and the row stay.
        t->keys({QStringLiteral("s")});
        screen = t->waitFor(QStringLiteral("Last scan 2 complete"), 60'000);
        screen = t->waitFor([&](const QString &s) { return s.contains(QStringLiteral("Last scan 2")) && s.contains(digest); });
        QVERIFY2(screen.contains(QStringLiteral("team/tui:v2")) && screen.contains(digest), qPrintable(screen));

        t->keys({QStringLiteral("3")});
        screen = t->waitFor(QStringLiteral("china ← gsoci"));
        QVERIFY2(screen.contains(QStringLiteral("SLO 60m")) && screen.contains(QStringLiteral("in flight (4)")), qPrintable(screen));
        t->keys({QStringLiteral("5")});
        screen = t->waitFor(QStringLiteral("Errors of the last scan"));
        QVERIFY2(screen.contains(QStringLiteral("gsoci")) && screen.contains(QStringLiteral("reachable")), qPrintable(screen));
        t->keys({QStringLiteral("4")});
        screen = t->waitFor(QStringLiteral("No cleanup batches yet"));
        QVERIFY2(screen.contains(QStringLiteral("nothing is deleted without approval")), qPrintable(screen));
        t->keys({QStringLiteral("q")});
        screen = t->waitFor(QStringLiteral("EXIT="));
        QVERIFY2(screen.contains(QStringLiteral("EXIT=0")), qPrintable(screen));
    }

    // a, a name, a comment: the store has the approval, by that name, of the hash the
    // question showed.
    void approvalFromTheKeyboard()
    {
        const QString db = path(QStringLiteral("approve.db"));
        QString hash;
        const qint64 id = addBatch(db, &hash);
        QVERIFY(id > 0);
        const auto t = open(QStringLiteral("--plan '%1' --db '%2' --page cleanup").arg(m_plan, db), 80, 24);
        QVERIFY(t);
        QString screen = t->waitFor(QStringLiteral("hash ") + hash);
        QVERIFY2(screen.contains(QStringLiteral("1.0.0-dev.main")), qPrintable(screen));
        t->keys({QStringLiteral("a")});
        screen = t->waitFor(QStringLiteral("Your name"));
        QVERIFY2(screen.contains(QStringLiteral("Hash: ") + hash), qPrintable(screen));
        t->text(QStringLiteral("Ada Lovelace"));
        t->keys({QStringLiteral("Enter")});
        t->waitFor(QStringLiteral("Comment"));
        t->text(QStringLiteral("checked: dev builds only"));
        t->keys({QStringLiteral("Enter")});
        screen = t->waitFor(QStringLiteral("approved by Ada Lovelace"));
        QVERIFY2(screen.contains(QStringLiteral("Batch %1 approved by Ada Lovelace.").arg(id)), qPrintable(screen));
        Store store(db);
        QString error;
        QVERIFY(store.open(&error));
        const std::optional<CleanupBatch> b = CleanupStore(store).batch(id);
        QVERIFY(b);
        QCOMPARE(b->status, batchstatus::Approved);
        QCOMPARE(b->decidedBy, QStringLiteral("Ada Lovelace"));
        QCOMPARE(b->decidedHash, hash);
        QCOMPARE(b->comment, QStringLiteral("checked: dev builds only"));

        // d: a dry run of the approved batch against the real registry, as a job of the
        // workspace: its progress reaches the log under the items, its outcome the status line.
        t->keys({QStringLiteral("d")});
        screen = t->waitFor(QStringLiteral("Dry run of batch %1: 1 already-absent").arg(id), 60'000);
        screen = t->waitFor(QStringLiteral("already-absent sha256:eeeeeeeeeeee"));
        QVERIFY2(screen.contains(QStringLiteral("re-reading gsoci/team/tui")), qPrintable(screen));
    }

    // c on a missing row of the Images page plans its copy: the Copies page opens on the new
    // batch pinned to the source's digest, planned against the real registries (the one rule
    // of what is copyable, isCopyableState, as in the window's context menu).
    void copyARowFromTheImagesPage()
    {
        QString error;
        QVERIFY2(m_farm->startNamed(QStringLiteral("hub"), &error), qPrintable(error));
        m_farm->exportCredentials();
        QVERIFY2(m_farm->seedNamed(QStringLiteral("hub"), QStringLiteral("h"), &error,
                                   {QStringLiteral("--only-extras"), QStringLiteral("--image"), QStringLiteral("team/hub:v7"),
                                    QStringLiteral("--image"), QStringLiteral("team/old:v1")}),
                 qPrintable(error));
        const QString plan = path(QStringLiteral("copyrow.yaml"));
        QVERIFY(writeFile(plan,
                          QStringLiteral("version: 1\nname: copyrow\nregistries:\n  hub: { %1, role: source }\n"
                                         "  gsoci: { %2, role: target }\nimages:\n  - source: hub/team/hub\n"
                                         "    target: gsoci/team/hub\n  - source: hub/team/old\n    target: gsoci/team/old\n")
                              .arg(m_farm->planFields(QStringLiteral("hub")), m_farm->planFields(QStringLiteral("gsoci")))
                              .toUtf8()));
        const QString db = test::testStore(path(QStringLiteral("copyrow.db"))); // PostgreSQL in tst_terminal_postgresql
        const Run scan = run(ferryctlPath(), {QStringLiteral("scan"), QStringLiteral("--plan"), plan, QStringLiteral("--db"), db});
        QVERIFY2(scan.exitCode == 0 || scan.exitCode == 5, scan.err.constData());
        // An older batch that still needs the lead: after the new plan the page shows the new one.
        const Run older = run(ferryctlPath(),
                              {QStringLiteral("copy"), QStringLiteral("plan"), QStringLiteral("--plan"), plan, QStringLiteral("--db"), db,
                               QStringLiteral("--repository"), QStringLiteral("team/old")});
        QVERIFY2(older.exitCode == 0, older.err.constData());
        const auto t = open(QStringLiteral("--plan '%1' --db '%2' --page images").arg(plan, db), 120, 30);
        QVERIFY(t);
        QString screen = t->waitFor(QStringLiteral("team/hub"));
        QVERIFY2(screen.contains(QStringLiteral("missing")) && screen.contains(QStringLiteral("c copy row")), qPrintable(screen));
        t->keys({QStringLiteral("c")});
        screen = t->waitFor(QStringLiteral("Planned 1 copy batch(es): 1 tag(s)"), 60'000);
        QVERIFY2(screen.contains(QStringLiteral("8 Copies")), qPrintable(screen));
        // The batch's row first, its items after (a read of their own).
        screen = t->waitFor(QStringLiteral("hub → gsoci/team/hub"));
        screen = t->waitFor(QStringLiteral("new tag"));
        QVERIFY2(screen.contains(QStringLiteral("v7")) && screen.contains(QStringLiteral("Copy batch 2 ·")), qPrintable(screen));
        Store store(db);
        QVERIFY(store.open(&error));
        const QList<CopyBatch> batches = CopyStore(store).batches();
        QCOMPARE(batches.size(), 2);
        const std::optional<CopyBatch> b = CopyStore(store).batch(batches.last().id);
        QVERIFY(b && b->items.size() == 1);
        QCOMPARE(b->items.first().tag, QStringLiteral("v7"));
        QCOMPARE(b->status, batchstatus::Planned);
    }

    // A plan whose store: key names the store (PostgreSQL in tst_terminal_postgresql, a file
    // elsewhere than beside the plan otherwise) opens that store, with no --db: the session's
    // one rule, as for the window's ferry plan.yaml. An empty file beside the plan would show
    // no batch.
    void aPlansStoreKeyOpensThatStore()
    {
        const QString db = test::testStore(path(QStringLiteral("elsewhere/shared.db")));
        QDir().mkpath(path(QStringLiteral("elsewhere")));
        QString hash;
        const qint64 id = addBatch(db, &hash);
        QVERIFY(id > 0);
        const QString plan = path(QStringLiteral("shared.yaml"));
        QFile in(m_plan), out(plan);
        QVERIFY(in.open(QIODevice::ReadOnly) && out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(in.readAll() + "store: '" + db.toUtf8() + "'\n");
        out.close();
        const auto t = open(QStringLiteral("--plan '%1' --page cleanup").arg(plan), 100, 24);
        QVERIFY(t);
        const QString screen = t->waitFor(QStringLiteral("hash ") + hash);
        QVERIFY2(screen.contains(QStringLiteral("hash ") + hash), qPrintable(screen));
        QVERIFY2(!QFileInfo::exists(plan + QStringLiteral(".ferry.db")), "an empty store was made beside the plan");
        t->keys({QStringLiteral("q")});
        QVERIFY2(t->waitFor(QStringLiteral("EXIT=")).contains(QStringLiteral("EXIT=0")), "the terminal did not end cleanly");
    }

    // Qt's own messages (here every debug category, as QT_LOGGING_RULES asks, during a scan
    // from the keyboard) never land on the frame: they are written once the terminal is back.
    void qtMessagesWaitForTheTerminal()
    {
        const QString db = path(QStringLiteral("messages.db"));
        const auto t =
            open(QStringLiteral("--plan '%1' --db '%2'").arg(m_plan, db), 100, 30, {QStringLiteral("QT_LOGGING_RULES=*.debug=true")});
        QVERIFY(t);
        t->waitFor(QStringLiteral("Rows by state"));
        t->keys({QStringLiteral("s")});
        QString screen = t->waitFor(QStringLiteral("Last scan"), 60000);
        QVERIFY2(screen.contains(QStringLiteral("Last scan")) && screen.contains(QStringLiteral("complete")), qPrintable(screen));
        QVERIFY2(!screen.contains(QStringLiteral("qt.")), qPrintable(screen));
        t->keys({QStringLiteral("q")});
        screen = t->waitFor(QStringLiteral("EXIT="));
        QVERIFY2(screen.contains(QStringLiteral("EXIT=0")), qPrintable(screen));
        const qsizetype exitAt = screen.indexOf(QStringLiteral("EXIT=0"));
        QVERIFY2(screen.lastIndexOf(QStringLiteral("qt."), exitAt) >= 0, qPrintable(screen)); // written after, not lost
    }

    // From 80x24 to 130x40 and back: the view redraws to the new size, the keys' line at
    // the bottom each time.
    void followsAResize()
    {
        QVERIFY(!m_scanned.isEmpty());
        const auto t = open(QStringLiteral("--plan '%1' --db '%2' --page images").arg(m_plan, m_scanned), 80, 24);
        QVERIFY(t);
        QString screen = t->waitFor(QStringLiteral("team/tui"));
        QStringList lines = screen.split(u'\n');
        QVERIFY2(lines.value(23).contains(QStringLiteral("q quit")), qPrintable(screen));
        QVERIFY(t->resize(130, 40));
        screen = t->waitFor([](const QString &s) { return s.split(u'\n').value(39).contains(QStringLiteral("q quit")); });
        lines = screen.split(u'\n');
        QVERIFY2(lines.value(39).contains(QStringLiteral("q quit")), qPrintable(screen));
        QVERIFY2(lines.value(0).contains(QStringLiteral("Ferry — tui")), qPrintable(screen)); // room for the title now
        QVERIFY(t->resize(80, 24));
        screen = t->waitFor([](const QString &s) { return s.split(u'\n').value(23).contains(QStringLiteral("q quit")); });
        QVERIFY2(screen.split(u'\n').value(23).contains(QStringLiteral("q quit")), qPrintable(screen));
    }

    // UTF-8 with 256 colours; ASCII where the locale is not UTF-8; no colour under NO_COLOR.
    void localeAndColour()
    {
        QVERIFY(!m_scanned.isEmpty());
        const QString args = QStringLiteral("--plan '%1' --db '%2'").arg(m_plan, m_scanned);
        const QRegularExpression colour(QStringLiteral("\x1b\\[[0-9;]*(38;5;|48;5;|3[0-7]m|4[0-7]m|3[0-7];|4[0-7];)"));
        {
            const auto t = open(args, 100, 30);
            QVERIFY(t);
            const QString screen = t->waitFor(QStringLiteral("Rows by state"));
            QVERIFY2(screen.contains(QStringLiteral("Ferry — tui")) && screen.contains(u'█'), qPrintable(screen));
            QVERIFY2(t->screen(true).contains(QStringLiteral("38;5;")), qPrintable(t->screen(true))); // the 256-colour palette
        }
        {
            // A terminal of the basic colours only (screen: 8 colours): the same styles from
            // the basic set, and not one palette sequence it could not show.
            const auto t = open(args, 100, 30, {}, QStringLiteral("screen"));
            QVERIFY(t);
            t->waitFor(QStringLiteral("Rows by state"));
            const QString escaped = t->screen(true);
            // Titles in cyan, the selected tab on cyan: the basic set's own colours, readable
            // (a palette the terminal cannot show came out black on black).
            QVERIFY2(escaped.contains(QStringLiteral("\x1b[36m")) && escaped.contains(QStringLiteral("\x1b[46m")), qPrintable(escaped));
            QVERIFY2(!escaped.contains(QStringLiteral("38;5;")) && !escaped.contains(QStringLiteral("48;5;")), qPrintable(escaped));
        }
        {
            const auto t = open(args, 100, 30, {QStringLiteral("LANG=C"), QStringLiteral("LC_ALL=C")});
            QVERIFY(t);
            const QString screen = t->waitFor(QStringLiteral("Rows by state"));
            QVERIFY2(screen.contains(QStringLiteral("Ferry - tui")) && screen.contains(u'#'), qPrintable(screen));
            for (const QChar c : screen)
                QVERIFY2(c.unicode() < 0x80, qPrintable(screen));
        }
        {
            const auto t = open(args, 100, 30, {QStringLiteral("NO_COLOR=1")});
            QVERIFY(t);
            t->waitFor(QStringLiteral("Rows by state"));
            const QString escaped = t->screen(true);
            QVERIFY2(!colour.match(escaped).hasMatch(), qPrintable(escaped));
            QVERIFY2(escaped.contains(QStringLiteral("\x1b[")), qPrintable(escaped)); // bold and reverse still mark things
        }
    }

    // With --mouse, a click on a tab opens its page (xterm mouse reports, as tmux passes them on).
    void mouseClicksATab()
    {
        QVERIFY(!m_scanned.isEmpty());
        const auto t = open(QStringLiteral("--plan '%1' --db '%2' --mouse").arg(m_plan, m_scanned), 100, 30);
        QVERIFY(t);
        t->waitFor(QStringLiteral("Rows by state"));
        const auto click = [&](int x, int y, int button) {
            t->text(QStringLiteral("\x1b[M") + QChar(32 + button) + QChar(33 + x) + QChar(33 + y));
        };
        click(30, 0, 0); // " 3 Replication " spans columns 24-38
        click(30, 0, 3); // the release
        const QString screen = t->waitFor(QStringLiteral("china ← gsoci"));
        QVERIFY2(screen.contains(QStringLiteral("china ← gsoci")), qPrintable(screen));
    }

    // SIGTERM ends it as q would (exit 130), a crash signal still gives the terminal back:
    // the shell after it finds canonical input again, not the TUI's raw mode.
    void signalsGiveTheTerminalBack()
    {
        QVERIFY(!m_scanned.isEmpty());
        const QString args = QStringLiteral("--plan '%1' --db '%2'").arg(m_plan, m_scanned);
        for (const auto &[sig, code] : {std::pair{SIGTERM, 130}, std::pair{SIGINT, 130}, std::pair{SIGSEGV, 128 + SIGSEGV}}) {
            const auto t = open(args, 100, 30);
            QVERIFY(t);
            t->waitFor(QStringLiteral("Rows by state"));
            const qint64 pid = tuiPid(*t);
            QVERIFY(pid > 0);
            QCOMPARE(::kill(pid_t(pid), sig), 0);
            const QString screen = t->waitFor(QStringLiteral("icanon"));
            QVERIFY2(screen.contains(QStringLiteral("EXIT=%1").arg(code)), qPrintable(screen));
            QVERIFY2(!screen.contains(QStringLiteral("-icanon")), qPrintable(screen));
            QVERIFY2(!screen.contains(QStringLiteral("Rows by state")), qPrintable(screen)); // off the alternate screen
        }
    }
};

FERRY_TEST_MAIN(TestTerminal)
#include "tst_terminal.moc"
