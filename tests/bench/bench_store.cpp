// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The history store at a million tags: recording listings, writing the matrix, and the
// three queries the tools run (current matrix, changes since a scan, one tag's timeline).
// Usage: bench_store [REPOSITORIES=1000] [TAGS_PER_REPOSITORY=1000] [--out FILE|URL]
// --out keeps the database (with the registries' roles and a finished scan) at FILE, for
// bench_window to open the dashboard on it; a postgresql:// URL (an empty database) runs the
// same on PostgreSQL (tests/bench/store_engines.sh runs both side by side).
#include "store/figuretables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>

#include "benchutil.h"

using namespace ferry;
using ferry::bench::peakRssMiB;

namespace {

QString digestFor(int repo, int tag, int salt)
{
    return QStringLiteral("sha256:%1")
        .arg(QString::number(qHash(QStringLiteral("%1/%2/%3").arg(repo).arg(tag).arg(salt)), 16).rightJustified(64, u'0'));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList a = app.arguments();
    QString outFile;
    if (const qsizetype i = a.indexOf(QStringLiteral("--out")); i > 0 && i + 1 < a.size()) {
        outFile = a.at(i + 1);
        a.remove(i, 2);
        if (!Store::isServerLocation(outFile))
            QFile::remove(outFile);
    }
    const int repos = a.size() > 1 ? a[1].toInt() : 1000;
    const int tags = a.size() > 2 ? a[2].toInt() : 1000;
    QTemporaryDir dir;
    QTextStream out(stdout);
    Store store(outFile.isEmpty() ? dir.filePath(QStringLiteral("bench.db")) : outFile);
    QString error;
    if (!store.open(&error)) {
        out << error << Qt::endl;
        return 1;
    }
    auto listing = [&](int r, int salt) {
        QList<TagObservation> obs;
        obs.reserve(tags);
        for (int t = 0; t < tags; ++t)
            obs.append(TagObservation{QStringLiteral("1.%1.0").arg(t), digestFor(r, t, t % 100 == 0 ? salt : 0), QString(), {}, {}});
        return obs;
    };
    auto repoName = [](int r) { return QStringLiteral("giantswarm/app-%1").arg(r, 4, 10, QLatin1Char('0')); };
    QElapsedTimer t;

    // Scan 1: every tag new, in one registry.
    const qint64 s1 = HistoryTables(store).beginScan(QStringLiteral("bench"), QDateTime::currentDateTimeUtc());
    t.start();
    for (int r = 0; r < repos; ++r)
        HistoryTables(store).applyListing(s1, QStringLiteral("gsoci"), repoName(r), listing(r, 1), true, QDateTime::currentDateTimeUtc());
    const qint64 firstMs = t.elapsed();

    // Scan 2: 1 % of the tags moved.
    const qint64 s2 = HistoryTables(store).beginScan(QStringLiteral("bench"), QDateTime::currentDateTimeUtc());
    t.restart();
    for (int r = 0; r < repos; ++r)
        HistoryTables(store).applyListing(s2, QStringLiteral("gsoci"), repoName(r), listing(r, 2), true, QDateTime::currentDateTimeUtc());
    const qint64 secondMs = t.elapsed();

    // The matrix: one row per tag, three cells each.
    QList<MatrixRow> rows;
    rows.reserve(qsizetype(repos) * tags);
    for (int r = 0; r < repos; ++r)
        for (int tg = 0; tg < tags; ++tg) {
            MatrixRow row;
            row.repository = repoName(r);
            row.tag = QStringLiteral("1.%1.0").arg(tg);
            row.state = QStringLiteral("synced");
            const QString d = digestFor(r, tg, 0);
            for (const char *reg : {"dockerhub", "gsoci", "china"})
                row.cells.insert(QLatin1String(reg), MatrixCell{d, QStringLiteral("synced"), {}, {}, {}, {}});
            rows.append(row);
        }
    QStringList covered;
    for (int r = 0; r < repos; ++r)
        covered << repoName(r);
    t.restart();
    MatrixTables(store).writeMatrix(s2, rows, covered);
    const qint64 matrixWriteMs = t.elapsed();
    if (!outFile.isEmpty()) {
        // What a real scan also leaves: the registries' roles, the counts, a finished scan.
        FigureTables(store).recordRegistries({{QStringLiteral("dockerhub"), QStringLiteral("source"), {}, 0},
                                              {QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0},
                                              {QStringLiteral("china"), QStringLiteral("replica"), QStringLiteral("gsoci"), 7200}});
        const int n = int(rows.size());
        MatrixTables(store).recordStateCounts(s2,
                                              {{QString(), {{QStringLiteral("synced"), n}}},
                                               {QStringLiteral("dockerhub"), {{QStringLiteral("synced"), n}}},
                                               {QStringLiteral("gsoci"), {{QStringLiteral("synced"), n}}},
                                               {QStringLiteral("china"), {{QStringLiteral("synced"), n}}}});
        ScanRecord done = *HistoryTables(store).scan(s2);
        done.finishedAt = QDateTime::currentDateTimeUtc();
        done.complete = true;
        HistoryTables(store).finishScan(done);
    }
    t.restart();
    MatrixTables(store).writeMatrix(s2, rows, covered); // nothing changed: no writes
    const qint64 matrixRewriteMs = t.elapsed();
    rows.clear();
    rows.squeeze();

    t.restart();
    const QList<MatrixRow> loaded = MatrixTables(store).matrix();
    const qint64 matrixReadMs = t.elapsed();
    t.restart();
    const QList<Change> changes = HistoryTables(store).changesSince(s1);
    const qint64 changesMs = t.elapsed();
    t.restart();
    const QList<Observation> timeline = HistoryTables(store).timeline(repoName(repos / 2), QStringLiteral("1.0.0"));
    const qint64 timelineMs = t.elapsed();
    t.restart();
    const auto current = HistoryTables(store).currentTags(QStringLiteral("gsoci"), repoName(repos / 2));
    const qint64 currentMs = t.elapsed();

    qint64 walBytes = QFileInfo(store.path() + QStringLiteral("-wal")).size();
    qint64 dbBytes = QFileInfo(store.path()).size();
    if (store.isPostgres()) { // the database's size on the server; its WAL is the server's
        QSqlQuery size(store.database());
        dbBytes = size.exec(QStringLiteral("SELECT pg_database_size(current_database())")) && size.next() ? size.value(0).toLongLong() : 0;
        walBytes = 0;
    }
    const qint64 total = qint64(repos) * tags;
    out << "engine: " << (store.isPostgres() ? "PostgreSQL" : "SQLite") << "\n"
        << "tags: " << total << " in " << repos << " repositories\n"
        << "record first listing (all new):      " << firstMs << " ms (" << (firstMs * 1000.0 / total) << " us/tag)\n"
        << "record second listing (1 % moved):   " << secondMs << " ms\n"
        << "write matrix (" << total << " rows, 3 cells): " << matrixWriteMs << " ms\n"
        << "write matrix again (unchanged):      " << matrixRewriteMs << " ms\n"
        << "read current matrix:                 " << matrixReadMs << " ms (" << loaded.size() << " rows)\n"
        << "changes since scan 1:                " << changesMs << " ms (" << changes.size() << " changes)\n"
        << "one tag's timeline:                  " << timelineMs << " ms (" << timeline.size() << " entries)\n"
        << "current tags of one repository:      " << currentMs << " ms (" << current.size() << " tags)\n"
        << "observations: " << HistoryTables(store).observationCount() << "; database: " << dbBytes / (1024 * 1024) << " MiB ("
        << dbBytes / total << " bytes per tag) plus " << walBytes / (1024 * 1024) << " MiB of write-ahead log; peak RSS " << peakRssMiB()
        << " MiB\n";
    if (!outFile.isEmpty()) {
        // The kept database is for the window: the replica's history too, every digest arrived
        // one scan after the target had it (as the matrix says: synced), so the Replication
        // page has a million arrivals to measure, not a million items in flight.
        const qint64 s3 = HistoryTables(store).beginScan(QStringLiteral("bench"), QDateTime::currentDateTimeUtc().addSecs(600));
        for (int r = 0; r < repos; ++r)
            HistoryTables(store).applyListing(s3, QStringLiteral("china"), repoName(r), listing(r, 2), true,
                                              QDateTime::currentDateTimeUtc().addSecs(600));
        ScanRecord done = *HistoryTables(store).scan(s3);
        done.finishedAt = QDateTime::currentDateTimeUtc().addSecs(600);
        done.complete = true;
        HistoryTables(store).finishScan(done);
        out << "kept in " << outFile << " with the replica china's history (scan " << s3 << ")\n";
    }
    return 0;
}
