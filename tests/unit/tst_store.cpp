// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "store/charttables.h"
#include "store/clienttables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "store/store.h"
#include "store/storefollower.h"
#include "store/storeinternal.h"
#include "testmain.h"
#include "teststore.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>

#include <memory>

using namespace ferry;

namespace {

QString d(int i)
{
    return QStringLiteral("sha256:") + QString::number(i).rightJustified(64, u'0');
}

TagObservation tag(const QString &name, int digest)
{
    return TagObservation{name, digest ? d(digest) : QString(), QString(), {}, {}};
}

// A scan begun and finished now, complete: what a collector's round writes at the end.
ScanRecord finishedScan(Store &writer)
{
    ScanRecord scan;
    scan.id = HistoryTables(writer).beginScan(QStringLiteral("p"), QDateTime::currentDateTimeUtc());
    scan.finishedAt = QDateTime::currentDateTimeUtc();
    scan.complete = true;
    if (!HistoryTables(writer).finishScan(scan))
        scan.id = 0;
    return scan;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    int m_n = 0;
    // A new store on the suite's engine (SQLite, or PostgreSQL in tst_store_postgresql).
    QString freshPath() { return test::testStore(freshFilePath()); }
    // A new SQLite file, for what only SQLite has (user_version, databases from before topics).
    QString freshFilePath() { return m_dir.filePath(QStringLiteral("s%1.db").arg(++m_n)); }

private Q_SLOTS:
    // Several processes (here: connections on threads) opening one new database at once:
    // each waits for the one creating the schema, none fails (seen: "table scans already
    // exists" from the second of two ferryctl scans started together).
    void concurrentOpensOfANewDatabaseAllSucceed()
    {
        for (int round = 0; round < 8; ++round) {
            const QString path = freshPath();
            constexpr int kOpeners = 6;
            QSemaphore ready, go;
            QList<QString> errors(kOpeners);
            QList<QThread *> threads;
            for (int i = 0; i < kOpeners; ++i) {
                threads << QThread::create([&, i] {
                    Store store(path);
                    ready.release();
                    go.acquire();
                    QString err;
                    if (!store.open(&err))
                        errors[i] = err.isEmpty() ? QStringLiteral("failed without a message") : err;
                    else if (HistoryTables(store).beginScan(QStringLiteral("p"), QDateTime::currentDateTimeUtc()) <= 0)
                        errors[i] = QStringLiteral("no scan recorded");
                });
                threads.last()->start();
            }
            QVERIFY(ready.tryAcquire(kOpeners, 10'000));
            go.release(kOpeners);
            for (QThread *t : std::as_const(threads)) {
                QVERIFY(t->wait(30'000));
                delete t;
            }
            for (const QString &e : std::as_const(errors))
                QVERIFY2(e.isEmpty(), qPrintable(e));
            Store check(path);
            QString err;
            QVERIFY2(check.open(&err), qPrintable(err));
            QCOMPARE(HistoryTables(check).scans().size(), kOpeners);
        }
    }

    void historyIsKeptAndOnlyChangesAddRows()
    {
        Store store(freshPath());
        QString err;
        QVERIFY2(store.open(&err), qPrintable(err));
        const QDateTime t0 = QDateTime::fromString(QStringLiteral("2026-11-01T10:00:00Z"), Qt::ISODate);
        const qint64 s1 = HistoryTables(store).beginScan(QStringLiteral("p"), t0);
        ListingApplied a = HistoryTables(store).applyListing(s1, QStringLiteral("gsoci"), QStringLiteral("team/app"),
                                                             {tag(QStringLiteral("1.0"), 1), tag(QStringLiteral("2.0"), 2)}, true, t0);
        QCOMPARE(a.appeared, 2);
        QCOMPARE(HistoryTables(store).observationCount(), 2);

        // Same content later: no new history, last seen moves.
        const QDateTime t1 = t0.addSecs(3600);
        const qint64 s2 = HistoryTables(store).beginScan(QStringLiteral("p"), t1);
        a = HistoryTables(store).applyListing(s2, QStringLiteral("gsoci"), QStringLiteral("team/app"),
                                              {tag(QStringLiteral("1.0"), 1), tag(QStringLiteral("2.0"), 2)}, true, t1);
        QCOMPARE(a.unchanged, 2);
        QCOMPARE(HistoryTables(store).observationCount(), 2);
        QVERIFY(HistoryTables(store).changesSince(s1).isEmpty());
        const auto current = HistoryTables(store).currentTags(QStringLiteral("gsoci"), QStringLiteral("team/app"));
        QCOMPARE(current.value(QStringLiteral("1.0")).firstSeen, t0);
        QCOMPARE(current.value(QStringLiteral("1.0")).lastSeen, t1);

        // 2.0 moves, 1.0 vanishes, 3.0 appears.
        const QDateTime t2 = t1.addSecs(3600);
        const qint64 s3 = HistoryTables(store).beginScan(QStringLiteral("p"), t2);
        a = HistoryTables(store).applyListing(s3, QStringLiteral("gsoci"), QStringLiteral("team/app"),
                                              {tag(QStringLiteral("2.0"), 22), tag(QStringLiteral("3.0"), 3)}, true, t2);
        QCOMPARE(a.moved, 1);
        QCOMPARE(a.vanished, 1);
        QCOMPARE(a.appeared, 1);
        const QList<Change> changes = HistoryTables(store).changesSince(s2);
        QCOMPARE(changes.size(), 3);
        QStringList kinds;
        for (const Change &c : changes)
            kinds << c.kind + u':' + c.tag;
        kinds.sort();
        QCOMPARE(kinds, (QStringList{QStringLiteral("appeared:3.0"), QStringLiteral("moved:2.0"), QStringLiteral("vanished:1.0")}));
        QCOMPARE(HistoryTables(store).changesSince(t2).size(), 3);
        QCOMPARE(HistoryTables(store).changesSince(t2.addSecs(1)).size(), 0);

        const QList<Observation> timeline = HistoryTables(store).timeline(QStringLiteral("team/app"), QStringLiteral("2.0"));
        QCOMPARE(timeline.size(), 2);
        QCOMPARE(timeline[0].digest, d(2));
        QCOMPARE(timeline[0].goneAt, t2);
        QCOMPARE(timeline[1].digest, d(22));
        QCOMPARE(HistoryTables(store).digestFirstSeen(QStringLiteral("gsoci"), QStringLiteral("team/app"), d(2)), t0);
        QVERIFY(!HistoryTables(store).digestFirstSeen(QStringLiteral("gsoci"), QStringLiteral("team/app"), d(99)).isValid());
    }

    void incompleteListingsNeverSayVanished()
    {
        Store store(freshPath());
        QString err;
        QVERIFY(store.open(&err));
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        const qint64 s1 = HistoryTables(store).beginScan(QStringLiteral("p"), t0);
        HistoryTables(store).applyListing(s1, QStringLiteral("r"), QStringLiteral("x"),
                                          {tag(QStringLiteral("a"), 1), tag(QStringLiteral("b"), 2)}, true, t0);
        const qint64 s2 = HistoryTables(store).beginScan(QStringLiteral("p"), t0);
        // Incomplete: b is not listed; a's digest could not be read.
        const ListingApplied a =
            HistoryTables(store).applyListing(s2, QStringLiteral("r"), QStringLiteral("x"), {tag(QStringLiteral("a"), 0)}, false, t0);
        QCOMPARE(a.vanished, 0);
        QCOMPARE(HistoryTables(store).currentTags(QStringLiteral("r"), QStringLiteral("x")).size(), 2);
        // Complete, a listed without a digest: a stays, b is gone.
        const ListingApplied c =
            HistoryTables(store).applyListing(s2, QStringLiteral("r"), QStringLiteral("x"), {tag(QStringLiteral("a"), 0)}, true, t0);
        QCOMPARE(c.vanished, 1);
        QCOMPARE(HistoryTables(store).currentTags(QStringLiteral("r"), QStringLiteral("x")).keys(), QStringList{QStringLiteral("a")});
    }

    // Last seen moves only for what a listing saw with its digest: a complete listing with every
    // digest read touches the repository's current rows at once; an incomplete listing, or one
    // with a digest it could not read, leaves the rows it did not confirm as they were.
    void lastSeenMovesOnlyForWhatWasSeen()
    {
        Store store(freshPath());
        QString err;
        QVERIFY(store.open(&err));
        const QDateTime t0 = QDateTime::fromString(QStringLiteral("2026-11-01T10:00:00Z"), Qt::ISODate);
        const QString r = QStringLiteral("r"), x = QStringLiteral("x"), other = QStringLiteral("y");
        const QList<TagObservation> all = {tag(QStringLiteral("a"), 1), tag(QStringLiteral("b"), 2), tag(QStringLiteral("c"), 3)};
        HistoryTables(store).applyListing(HistoryTables(store).beginScan(QStringLiteral("p"), t0), r, x, all, true, t0);
        HistoryTables(store).applyListing(HistoryTables(store).beginScan(QStringLiteral("p"), t0), r, other, all, true, t0);
        auto lastSeen = [&](const QString &repo, const char *t) {
            return HistoryTables(store).currentTags(r, repo).value(QLatin1String(t)).lastSeen;
        };

        const QDateTime t1 = t0.addSecs(60); // incomplete: only a listed
        HistoryTables(store).applyListing(HistoryTables(store).beginScan(QStringLiteral("p"), t1), r, x, {tag(QStringLiteral("a"), 1)},
                                          false, t1);
        QCOMPARE(lastSeen(x, "a"), t1);
        QCOMPARE(lastSeen(x, "b"), t0);
        const QDateTime t2 = t1.addSecs(60); // complete, b's digest unread: b stays current, not seen
        HistoryTables(store).applyListing(HistoryTables(store).beginScan(QStringLiteral("p"), t2), r, x,
                                          {all[0], tag(QStringLiteral("b"), 0), all[2]}, true, t2);
        QCOMPARE(lastSeen(x, "a"), t2);
        QCOMPARE(lastSeen(x, "b"), t0);
        QCOMPARE(lastSeen(x, "c"), t2);
        const QDateTime t3 = t2.addSecs(60); // complete, every digest read, c moved: the others are touched
        const qint64 s3 = HistoryTables(store).beginScan(QStringLiteral("p"), t3);
        const ListingApplied a = HistoryTables(store).applyListing(s3, r, x, {all[0], all[1], tag(QStringLiteral("c"), 33)}, true, t3);
        QCOMPARE(a.unchanged, 2);
        QCOMPARE(a.moved, 1);
        for (const char *t : {"a", "b", "c"})
            QCOMPARE(lastSeen(x, t), t3);
        QCOMPARE(HistoryTables(store).currentTags(r, x).value(QStringLiteral("a")).firstSeen, t0);
        QCOMPARE(lastSeen(other, "a"), t0); // another repository of the registry: untouched
        QCOMPARE(HistoryTables(store).observationCount(), 7);
    }

    void matrixWritesOnlyWhatChanged()
    {
        Store store(freshPath());
        QString err;
        QVERIFY(store.open(&err));
        const qint64 s1 = HistoryTables(store).beginScan(QStringLiteral("p"), QDateTime::currentDateTimeUtc());
        auto row = [](const QString &repo, const QString &t, const QString &state) {
            MatrixRow r;
            r.repository = repo;
            r.tag = t;
            r.state = state;
            r.cells.insert(QStringLiteral("gsoci"), MatrixCell{d(1), state, QStringLiteral("why"), {}, {}, {}});
            return r;
        };
        QVERIFY(MatrixTables(store).writeMatrix(s1,
                                                {row(QStringLiteral("a"), QStringLiteral("1"), QStringLiteral("synced")),
                                                 row(QStringLiteral("a"), QStringLiteral("2"), QStringLiteral("missing")),
                                                 row(QStringLiteral("b"), QStringLiteral("1"), QStringLiteral("synced"))},
                                                {QStringLiteral("a"), QStringLiteral("b")}));
        const qint64 s2 = HistoryTables(store).beginScan(QStringLiteral("p"), QDateTime::currentDateTimeUtc());
        // a:1 unchanged, a:2 now synced, a:3 new; b is not covered by this write: it stays.
        QVERIFY(MatrixTables(store).writeMatrix(s2,
                                                {row(QStringLiteral("a"), QStringLiteral("1"), QStringLiteral("synced")),
                                                 row(QStringLiteral("a"), QStringLiteral("2"), QStringLiteral("synced"))},
                                                {QStringLiteral("a")}));
        const QList<MatrixRow> m = MatrixTables(store).matrix();
        QCOMPARE(m.size(), 3);
        QCOMPARE(m[1].state, QStringLiteral("synced"));
        QCOMPARE(m[1].cells.value(QStringLiteral("gsoci")).reason, QStringLiteral("why"));
        // Only the changed row carries the second scan.
        {
            QSqlQuery u(store.database());
            QVERIFY(u.exec(QStringLiteral("SELECT tag, updated_scan FROM matrix WHERE repository='a' ORDER BY tag")));
            QVERIFY(u.next());
            QCOMPARE(u.value(1).toLongLong(), s1);
            QVERIFY(u.next());
            QCOMPARE(u.value(1).toLongLong(), s2);
            // The engine is the one the suite claims: SQLite in WAL mode, or a PostgreSQL 15.
            QCOMPARE(store.isPostgres(), test::testStoreIsPostgres());
            if (store.isPostgres()) {
                QVERIFY(u.exec(QStringLiteral("SELECT current_setting('server_version_num')::int")) && u.next());
                QVERIFY2(u.value(0).toInt() >= 150000, qPrintable(u.value(0).toString()));
            } else {
                QVERIFY(u.exec(QStringLiteral("PRAGMA journal_mode")) && u.next());
                QCOMPARE(u.value(0).toString(), QStringLiteral("wal"));
            }
        }
        // A row that leaves a covered repository is deleted.
        QVERIFY(MatrixTables(store).writeMatrix(s2, {row(QStringLiteral("a"), QStringLiteral("1"), QStringLiteral("synced"))},
                                                {QStringLiteral("a")}));
        QCOMPARE(MatrixTables(store).matrix().size(), 2);
    }

    // Each topic has its own version; a new database has them all.
    void aNewDatabaseHasEveryTopicAtItsVersion()
    {
        Store s(freshPath());
        QString err;
        QVERIFY2(s.open(&err), qPrintable(err));
        QMap<QString, int> expected;
        for (const storesql::SchemaTopic &t : storesql::schemaTopics())
            expected.insert(QString::fromLatin1(t.name), int(t.steps.size()));
        QCOMPARE(s.schemaVersions(), expected);
        QCOMPARE(QStringList(expected.keys()),
                 (QStringList{QStringLiteral("charts"), QStringLiteral("cleanup"), QStringLiteral("clients"), QStringLiteral("copy"),
                              QStringLiteral("figures"), QStringLiteral("history")}));
    }

    // Charts scans keep their versions, so that two can be compared; the latest per repository.
    void chartScansKeepTheirVersions()
    {
        Store s(freshPath());
        QString err;
        QVERIFY2(s.open(&err), qPrintable(err));
        const QDateTime t0 = QDateTime::fromString(QStringLiteral("2026-11-01T10:00:00Z"), Qt::ISODate);
        ChartVersionRow a{QStringLiteral("hello"),
                          QStringLiteral("1.0.0"),
                          QStringLiteral("same"),
                          QStringLiteral("sha256:aa"),
                          QStringLiteral("sha256:aa"),
                          QStringLiteral("sha256:mm"),
                          QStringLiteral("1.0"),
                          t0,
                          false,
                          QStringLiteral("https://charts/hello-1.0.0.tgz"),
                          QString(),
                          {{QStringLiteral("china"), QStringLiteral("same")}}};
        ChartVersionRow b = a;
        b.version = QStringLiteral("1.1.0");
        b.state = QStringLiteral("missing-in-oci");
        b.ociDigest.clear();
        b.created = QDateTime();
        b.deprecated = true;
        const qint64 first = ChartTables(s).recordChartScan(
            ChartScanRecord{0, t0, QStringLiteral("catalog"), QStringLiteral("https://charts/index.yaml"), 0, {}}, {a, b});
        QVERIFY2(first > 0, qPrintable(s.lastError()));
        const qint64 other = ChartTables(s).recordChartScan(
            ChartScanRecord{0, t0, QStringLiteral("other"), QStringLiteral("u"), 0, QStringLiteral("down")}, {});
        b.state = QStringLiteral("same");
        const qint64 second = ChartTables(s).recordChartScan(
            ChartScanRecord{0, t0.addSecs(60), QStringLiteral("catalog"), QStringLiteral("https://charts/index.yaml"), 0, {}}, {a, b});
        QVERIFY(second > first && other > 0);
        const QMap<QString, ChartScanRecord> latest = ChartTables(s).latestChartScans();
        QCOMPARE(latest.keys(), (QStringList{QStringLiteral("catalog"), QStringLiteral("other")}));
        QCOMPARE(latest.value(QStringLiteral("catalog")).id, second);
        QCOMPARE(latest.value(QStringLiteral("catalog")).versions, 2);
        QCOMPARE(latest.value(QStringLiteral("other")).error, QStringLiteral("down"));
        QCOMPARE(ChartTables(s).chartScans(QStringLiteral("catalog")).size(), 2);
        QCOMPARE(ChartTables(s).chartScans().size(), 3);
        const QList<ChartVersionRow> before = ChartTables(s).chartVersions(first);
        QCOMPARE(before.size(), 2);
        QCOMPARE(before[1].state, QStringLiteral("missing-in-oci"));
        QVERIFY(before[1].deprecated);
        QVERIFY(!before[1].created.isValid());
        QCOMPARE(before[0].created, t0);
        QCOMPARE(before[0].manifestDigest, QStringLiteral("sha256:mm"));
        QCOMPARE(before[0].replicas.value(QStringLiteral("china")), QStringLiteral("same"));
        QCOMPARE(ChartTables(s).chartVersions(second)[1].state, QStringLiteral("same"));
        // Read back in semver order, not the text's.
        ChartVersionRow ten = a, nine = a;
        ten.version = QStringLiteral("1.10.0");
        nine.version = QStringLiteral("1.9.0");
        const qint64 third =
            ChartTables(s).recordChartScan(ChartScanRecord{0, t0, QStringLiteral("semver"), QStringLiteral("u"), 0, {}}, {ten, nine});
        QCOMPARE(ChartTables(s).chartVersions(third).first().version, QStringLiteral("1.9.0"));
        // A topic made from a const Store reads, and refuses to write: nothing is written.
        const Store &readOnly = s;
        QTest::ignoreMessage(QtWarningMsg, "ferry: a write through a read-only ChartTables (made from a const Store) was refused");
        QCOMPARE(ChartTables(readOnly).recordChartScan(ChartScanRecord{0, t0, QStringLiteral("semver"), QStringLiteral("u"), 0, {}}, {ten}),
                 0);
        QCOMPARE(ChartTables(readOnly).chartScans(QStringLiteral("semver")).size(), 1);
        QTest::ignoreMessage(QtWarningMsg, "ferry: a write through a read-only ClientTables (made from a const Store) was refused");
        QVERIFY(!ClientTables(readOnly).recordClientCounts({ClientCount{t0, QStringLiteral("berlin"), QStringLiteral("gsoci"), 1, 1}}));
        QVERIFY(ClientTables(readOnly).clientCountHistory().isEmpty());
    }

    // A database written before topics (one list of steps, user_version 3: history and
    // cleanup tables, no state counts, no registry figures) keeps its rows and gets the
    // steps it lacks, topic by topic.
    void aDatabaseFromBeforeTopicsIsBroughtForward()
    {
        const QString path = freshFilePath();
        {
            QMap<int, QString> legacy; // the single list, rebuilt from the topics' "was" numbers
            for (const storesql::SchemaTopic &t : storesql::schemaTopics())
                for (size_t i = 0; i < t.legacySteps.size(); ++i) // topics born after topics have none
                    legacy.insert(t.legacySteps[i], QString::fromUtf8(t.steps[i]));
            QCOMPARE(legacy.keys(), (QList<int>{1, 2, 3, 4, 5}));
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("legacy"));
            raw.setDatabaseName(path);
            QVERIFY(raw.open());
            for (int v = 1; v <= 3; ++v)
                for (const QString &statement : legacy.value(v).split(u';', Qt::SkipEmptyParts))
                    if (!statement.trimmed().isEmpty())
                        QVERIFY2(QSqlQuery(raw).exec(statement), qPrintable(statement));
            QVERIFY(QSqlQuery(raw).exec(QStringLiteral("INSERT INTO audit_log(at, actor, action) VALUES(1, 'lead', 'approve')")));
            QVERIFY(QSqlQuery(raw).exec(QStringLiteral("PRAGMA user_version=3")));
            raw.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("legacy"));
        Store s(path);
        QString err;
        QVERIFY2(s.open(&err), qPrintable(err));
        QCOMPARE(s.schemaVersions().value(QStringLiteral("history")), 4); // and the steps written since
        QCOMPARE(s.schemaVersions().value(QStringLiteral("cleanup")), 3); // the refs columns and the audit log's kind since
        QCOMPARE(s.schemaVersions().value(QStringLiteral("figures")), 1);
        QSqlQuery q(s.database());
        // The line written before the log named kinds keeps no kind (read as cleanup's, the only kind then).
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE actor='lead' AND kind IS NULL")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM scan_state_counts")) && q.next());
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM scan_registry_stats")) && q.next());
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version")) && q.next());
        QCOMPARE(q.value(0).toInt(), storesql::kTopicsUserVersion);
    }

    // One topic written by a newer Ferry is enough to refuse the database: this one would
    // not know what that topic's tables mean now.
    void aNewerTopicIsRefused()
    {
        const QString path = freshPath();
        {
            Store s(path);
            QString err;
            QVERIFY(s.open(&err));
            QVERIFY(QSqlQuery(s.database()).exec(QStringLiteral("UPDATE schema_topics SET version=version+1 WHERE topic='cleanup'")));
        }
        Store again(path);
        QString err;
        QVERIFY(!again.open(&err));
        QVERIFY2(err.contains(QStringLiteral("newer Ferry")) && err.contains(QStringLiteral("cleanup")), qPrintable(err));
    }

    void newerSchemaIsRefused()
    {
        const QString path = freshFilePath();
        {
            Store store(path);
            QString err;
            QVERIFY(store.open(&err));
        }
        {
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bump"));
            raw.setDatabaseName(path);
            QVERIFY(raw.open());
            QSqlQuery(raw).exec(QStringLiteral("PRAGMA user_version=99"));
            raw.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("bump"));
        Store store(path);
        QString err;
        QVERIFY(!store.open(&err));
        QVERIFY2(err.contains(QStringLiteral("newer Ferry")), qPrintable(err));
    }

    void aReaderOnAnotherThreadSeesCommittedData()
    {
        const QString path = freshPath();
        Store writer(path);
        QString err;
        QVERIFY(writer.open(&err));
        const qint64 s = HistoryTables(writer).beginScan(QStringLiteral("p"), QDateTime::currentDateTimeUtc());
        HistoryTables(writer).applyListing(s, QStringLiteral("r"), QStringLiteral("x"), {tag(QStringLiteral("a"), 1)}, true,
                                           QDateTime::currentDateTimeUtc());
        qint64 seen = -1;
        QThread *reader = QThread::create([&] {
            Store r(path); // its own connection, on its own thread
            QString e;
            if (r.open(&e))
                seen = HistoryTables(r).observationCount();
        });
        reader->start();
        QVERIFY(reader->wait(10000));
        delete reader;
        QCOMPARE(seen, 1);
    }

    // Two collectors never write one registry's listings at once, two executors never run one
    // batch at once: a named lock one store holds, another cannot take until it is let go, or
    // until the holder's connection ends.
    void aNamedLockHasOneHolder()
    {
        const QString path = freshPath();
        QString err;
        auto first = std::make_unique<Store>(path);
        Store second(path);
        QVERIFY2(first->open(&err), qPrintable(err));
        QVERIFY2(second.open(&err), qPrintable(err));
        QVERIFY(first->tryLock(QStringLiteral("registry:gsoci")));
        QVERIFY(!second.tryLock(QStringLiteral("registry:gsoci")));
        QVERIFY(second.tryLock(QStringLiteral("registry:china"))); // another name is free
        first->unlock(QStringLiteral("registry:gsoci"));
        QVERIFY(second.tryLock(QStringLiteral("registry:gsoci")));
        QVERIFY(!first->tryLock(QStringLiteral("registry:gsoci")));
        second.unlock(QStringLiteral("registry:gsoci"));
        QVERIFY(first->tryLock(QStringLiteral("registry:gsoci")));
        first.reset(); // its connection (or lock file) goes with it
        // PostgreSQL lets a session's advisory locks go when its server process ends, a moment
        // after the client has gone: the lock is free within a bounded wait, not at once.
        QTRY_VERIFY_WITH_TIMEOUT(second.tryLock(QStringLiteral("registry:gsoci")), 10'000);
    }

    // The dashboard follows writes of other processes: a SQLite file by watching it, a
    // PostgreSQL store by LISTEN, with what the writer said.
    void aFollowerHearsAnotherWriter()
    {
        const QString path = freshPath();
        Store writer(path);
        QString err;
        QVERIFY2(writer.open(&err), qPrintable(err));
        StoreFollower follower(path);
        QSignalSpy listening(&follower, &StoreFollower::listening);
        QSignalSpy lost(&follower, &StoreFollower::lost);
        QVERIFY2(listening.wait(10'000), lost.isEmpty() ? "" : qPrintable(lost.first().first().toString()));
        QSignalSpy changed(&follower, &StoreFollower::changed);
        const ScanRecord scan = finishedScan(writer);
        QVERIFY(scan.id > 0);
        QVERIFY(changed.wait(10'000));
        QStringList said;
        for (const QList<QVariant> &args : std::as_const(changed))
            said << args.first().toString();
        QVERIFY2(said.contains(writer.isPostgres() ? QStringLiteral("scan %1").arg(scan.id) : QStringLiteral("file")),
                 qPrintable(said.join(u',')));
    }

    // Readers are not changes: a connection opened, read and closed (as every read of the
    // window's and the terminal's does on the pool) says nothing, so that a reload does not
    // cause the next one (as root, SQLite gives the log to the database's owner on each open:
    // an IN_ATTRIB the watcher reported, and the terminal dashboard read its million rows
    // again every two seconds). A write after them is still heard.
    void readersAreNotChanges()
    {
        const QString path = freshPath();
        Store writer(path);
        QString err;
        QVERIFY2(writer.open(&err), qPrintable(err));
        HistoryTables(writer).beginScan(QStringLiteral("p"), QDateTime::currentDateTimeUtc()); // a log with content
        StoreFollower follower(path);
        QSignalSpy listening(&follower, &StoreFollower::listening);
        QVERIFY(listening.wait(10'000));
        QSignalSpy changed(&follower, &StoreFollower::changed);
        for (int i = 0; i < 5; ++i) {
            Store reader(path);
            QVERIFY2(reader.open(&err), qPrintable(err));
            QVERIFY(!HistoryTables(reader).scans().isEmpty());
        }
        QTest::qWait(1500);
        QVERIFY2(changed.isEmpty(), qPrintable(changed.isEmpty() ? QString() : changed.first().first().toString()));
        const ScanRecord scan = finishedScan(writer);
        QVERIFY(scan.id > 0);
        QVERIFY(changed.wait(10'000));
    }

    // Opening a store whose schema is current takes no write lock: a reader opens while a
    // writer holds a long transaction (before, it waited for the writer: on SQLite up to the
    // busy timeout and then failed, on PostgreSQL for as long as the writer took).
    void aReaderOpensWhileAWriterHoldsItsTransaction()
    {
        const QString path = freshPath();
        Store writer(path);
        QString err;
        QVERIFY2(writer.open(&err), qPrintable(err));
        bool opened = false, finishedInTime = false;
        QString readerError;
        std::unique_ptr<QThread> reader(QThread::create([&] {
            Store r(path);
            opened = r.open(&readerError);
        }));
        QVERIFY(writer.transaction([&] {
            reader->start();
            finishedInTime = reader->wait(5000);
            return true;
        }));
        QVERIFY(reader->wait(30'000)); // a reader that waited goes on once the writer commits
        QVERIFY2(finishedInTime, "the reader waited for the writer's transaction");
        QVERIFY2(opened, qPrintable(readerError));
    }

    void aServerLocationIsShownWithoutItsPassword()
    {
        QVERIFY(Store::isServerLocation(QStringLiteral("postgresql://ferry@db:5432/ferry")));
        QVERIFY(Store::isServerLocation(QStringLiteral("postgres://ferry@db/ferry")));
        QVERIFY(!Store::isServerLocation(QStringLiteral("/var/lib/ferry/ferry.db")));
        const QString shown = Store::displayLocation(QStringLiteral("postgresql://ferry:s3cret@db.example:5433/ferry?sslmode=require"));
        QVERIFY2(!shown.contains(QStringLiteral("s3cret")), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("db.example:5433/ferry")) && shown.contains(QStringLiteral("sslmode=require")),
                 qPrintable(shown));
        const QString query = Store::displayLocation(QStringLiteral("postgresql:///ferry?host=/run/postgresql&password=s3cret"));
        QVERIFY2(!query.contains(QStringLiteral("s3cret")) && query.contains(QStringLiteral("host=/run/postgresql")), qPrintable(query));
        // A store that cannot be reached says where, without the password.
        Store s(
            QStringLiteral("postgresql://ferry:s3cret@/ferry?host=%1&connect_timeout=2").arg(m_dir.filePath(QStringLiteral("nosocket"))));
        QString err;
        QVERIFY(!s.open(&err));
        QVERIFY2(err.startsWith(QStringLiteral("cannot open postgresql://ferry@")) && !err.contains(QStringLiteral("s3cret")),
                 qPrintable(err));
    }
};

FERRY_TEST_MAIN(TestStore)
#include "tst_store.moc"
