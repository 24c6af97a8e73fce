// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The dashboard's matrix at a million rows: building the compact matrix a row at a time (as
// the worker does from the store), a filter keystroke, a state filter, a registry filter,
// sorts, a live batch, and memory. With a database it also times the store read the window
// does on its worker thread.
//   bench_matrix_model [ROWS=1000000]
//   bench_matrix_model --db FILE      (a database made by bench_store)
#include "report/progress.h"
#include "report/report.h"
#include "store/matrixtables.h"
#include "syncmatrixmodel.h"

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QTextStream>
#include <QTimeZone>

#include "benchutil.h"

using namespace ferry;
using ferry::bench::peakRssMiB;

namespace {

MatrixRow syntheticRow(int i)
{
    static const QStringList states{QStringLiteral("synced"),  QStringLiteral("synced"),  QStringLiteral("synced"),
                                    QStringLiteral("missing"), QStringLiteral("drifted"), QStringLiteral("replicating"),
                                    QStringLiteral("lagging"), QStringLiteral("extra")};
    MatrixRow r;
    r.repository = QStringLiteral("giantswarm/app-%1").arg(i / 1000, 4, 10, QLatin1Char('0'));
    r.tag = QStringLiteral("1.%1.%2").arg((i % 1000) / 10).arg(i % 10);
    r.state = states.at(i % states.size());
    const QString digest = QStringLiteral("sha256:%1").arg(QString::number(qHash(i), 16).rightJustified(64, u'0'));
    const QDateTime seen = QDateTime::fromMSecsSinceEpoch(1'790'000'000'000 + i, QTimeZone::utc()); // as the store returns them
    for (const char *reg : {"dockerhub", "gsoci", "china"})
        r.cells.insert(QLatin1String(reg),
                       MatrixCell{digest, r.state, {}, QStringLiteral("application/vnd.oci.image.index.v1+json"), seen, seen});
    return r;
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const QStringList args = app.arguments();
    QTextStream out(stdout);
    QElapsedTimer t;
    CompactMatrix matrix;
    t.start();
    if (args.size() > 2 && args.at(1) == u"--db") {
        Store store(args.at(2));
        QString error;
        if (!store.open(&error)) {
            out << error << "\n";
            return 1;
        }
        qint64 n = 0;
        MatrixTables(store).forEachMatrixRow([&n](MatrixRow &&r) {
            n += r.cells.size();
            return true;
        });
        out << "read the store's rows alone (MatrixRow values):             " << t.elapsed() << " ms\n";
        t.restart();
        matrix = CompactMatrix::fromStore(store);
        out << "read the store into the compact matrix (the window's worker): " << t.elapsed() << " ms\n";
        t.restart();
        const ReportData progress = collectProgress(store, QDateTime::fromMSecsSinceEpoch(0, QTimeZone::utc()),
                                                    [&matrix](ProgressTally &tally) { matrix.tally(&tally); });
        out << "the Overview's stages from it (same worker):                  " << t.elapsed() << " ms (" << progress.stages.size()
            << " stages)\n";
        t.restart();
        const ReportData fromRows = collectReport(store, QDateTime::fromMSecsSinceEpoch(0, QTimeZone::utc()), 0, ReportScope::Progress);
        out << "the same from the store's rows (before the snapshot):         " << t.elapsed() << " ms"
            << (fromRows.rowsByState == progress.rowsByState ? "" : " (THE COUNTS DIFFER)") << "\n";
    } else {
        const int rows = args.size() > 1 ? args.at(1).toInt() : 1'000'000;
        matrix.reserve(rows);
        for (int i = 0; i < rows; ++i)
            matrix.append(syntheticRow(i));
        out << "build the compact matrix, row by row:  " << t.elapsed() << " ms\n";
    }
    const qint64 rows = matrix.size();
    const qint64 approx = matrix.approximateBytes();
    SyncMatrixModel model;
    t.restart();
    model.setCompactMatrix(std::move(matrix), {QStringLiteral("dockerhub"), QStringLiteral("gsoci"), QStringLiteral("china")});
    const qint64 handOver = t.elapsed();
    t.restart();
    model.setFilter(QStringLiteral("app-05"));
    const qint64 keystroke1 = t.elapsed();
    const int afterFilter = model.rowCount();
    t.restart();
    model.setFilter(QStringLiteral("app-051"));
    const qint64 keystroke2 = t.elapsed();
    t.restart();
    model.setFilter(QStringLiteral("1.5"));
    const qint64 keystroke3 = t.elapsed();
    const int tagMatches = model.rowCount();
    t.restart();
    model.setFilter(QString(), {QStringLiteral("missing"), QStringLiteral("drifted")});
    const qint64 stateFilter = t.elapsed();
    t.restart();
    model.setFilter(QString(), {QStringLiteral("lagging")}, QStringLiteral("china"));
    const qint64 registryFilter = t.elapsed();
    t.restart();
    model.setFilter(QString());
    const qint64 clearFilter = t.elapsed();
    t.restart();
    model.sort(SyncMatrixModel::StateColumn, Qt::DescendingOrder);
    const qint64 sortState = t.elapsed();
    t.restart();
    model.sort(SyncMatrixModel::RepositoryColumn, Qt::AscendingOrder);
    const qint64 sortRepository = t.elapsed();
    t.restart();
    model.sort(SyncMatrixModel::TagColumn, Qt::AscendingOrder);
    const qint64 sortTag = t.elapsed();
    t.restart();
    model.sort(SyncMatrixModel::NumFixedColumns + 2, Qt::DescendingOrder);
    const qint64 sortCell = t.elapsed();
    QList<MatrixRow> batch;
    for (int i = 0; i < 2000; ++i)
        batch << syntheticRow(i * 7 % int(rows));
    t.restart();
    model.upsertRows(batch);
    const qint64 live = t.elapsed();
    for (MatrixRow &r : batch)
        r.state = QStringLiteral("synced");
    t.restart();
    model.upsertRows(batch);
    const qint64 live2 = t.elapsed();
    out << "rows: " << rows << "\n"
        << "hand the matrix to the model (GUI thread): " << handOver << " ms\n"
        << "filter keystroke 'app-05':    " << keystroke1 << " ms (" << afterFilter << " rows)\n"
        << "next keystroke 'app-051':     " << keystroke2 << " ms\n"
        << "keystroke '1.5' (tags):       " << keystroke3 << " ms (" << tagMatches << " rows)\n"
        << "state filter missing,drifted: " << stateFilter << " ms\n"
        << "china cells lagging:          " << registryFilter << " ms\n"
        << "clear filter:                 " << clearFilter << " ms\n"
        << "sort by state:                " << sortState << " ms\n"
        << "sort by repository:           " << sortRepository << " ms\n"
        << "sort by tag:                  " << sortTag << " ms\n"
        << "sort by a registry's cells:   " << sortCell << " ms\n"
        << "first live batch, 2,000 rows: " << live << " ms (indexes the rows by repository and tag)\n"
        << "next live batch, 2,000 rows:  " << live2 << " ms\n"
        << "compact matrix, approximate:  " << approx / (1024 * 1024) << " MiB\n"
        << "peak RSS of the process:      " << peakRssMiB() << " MiB\n";
    return 0;
}
