// The sync-matrix model at a million rows: load, a filter keystroke, a state filter, sorts,
// and memory. Usage: bench_matrix_model [ROWS=1000000]
#include "syncmatrixmodel.h"

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QTextStream>

#include <sys/resource.h>

using namespace ferry;

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const int rows = app.arguments().size() > 1 ? app.arguments().at(1).toInt() : 1'000'000;
    const QStringList states{QStringLiteral("synced"), QStringLiteral("synced"), QStringLiteral("synced"), QStringLiteral("missing"),
                             QStringLiteral("drifted"), QStringLiteral("replicating"), QStringLiteral("lagging"), QStringLiteral("extra")};
    QList<MatrixRow> matrix;
    matrix.reserve(rows);
    for (int i = 0; i < rows; ++i) {
        MatrixRow r;
        r.repository = QStringLiteral("giantswarm/app-%1").arg(i / 1000, 4, 10, QLatin1Char('0'));
        r.tag = QStringLiteral("1.%1.%2").arg((i % 1000) / 10).arg(i % 10);
        r.state = states.at(i % states.size());
        const QString digest = QStringLiteral("sha256:%1").arg(QString::number(qHash(i), 16).rightJustified(64, u'0'));
        for (const char *reg : {"dockerhub", "gsoci", "china"})
            r.cells.insert(QLatin1String(reg), MatrixCell{digest, r.state, {}, {}, {}, {}});
        matrix.append(r);
    }
    SyncMatrixModel model;
    QElapsedTimer t;
    t.start();
    model.setMatrix(std::move(matrix));
    const qint64 loadMs = t.elapsed();
    t.restart();
    model.setFilter(QStringLiteral("app-05"));
    const qint64 keystroke1 = t.elapsed();
    const int afterFilter = model.rowCount();
    t.restart();
    model.setFilter(QStringLiteral("app-051"));
    const qint64 keystroke2 = t.elapsed();
    t.restart();
    model.setFilter(QString(), {QStringLiteral("missing"), QStringLiteral("drifted")});
    const qint64 stateFilter = t.elapsed();
    t.restart();
    model.setFilter(QString());
    const qint64 clearFilter = t.elapsed();
    t.restart();
    model.sort(SyncMatrixModel::StateColumn, Qt::DescendingOrder);
    const qint64 sortState = t.elapsed();
    t.restart();
    model.sort(SyncMatrixModel::TagColumn, Qt::AscendingOrder);
    const qint64 sortTag = t.elapsed();
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    QTextStream(stdout) << "rows: " << rows << "\n"
                        << "load into the model:          " << loadMs << " ms\n"
                        << "filter keystroke 'app-05':    " << keystroke1 << " ms (" << afterFilter << " rows)\n"
                        << "next keystroke 'app-051':     " << keystroke2 << " ms\n"
                        << "state filter missing,drifted: " << stateFilter << " ms\n"
                        << "clear filter:                 " << clearFilter << " ms\n"
                        << "sort by state:                " << sortState << " ms\n"
                        << "sort by tag:                  " << sortTag << " ms\n"
                        << "peak RSS (rows built in this process too): " << u.ru_maxrss / 1024 << " MiB\n";
    return 0;
}
