// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Reports at a million rows. Two steps, so that the second one's peak memory is the
// report's alone:
//   bench_report make DB [ROWS=1000000]   a matrix of ROWS tags in three registries
//   bench_report csv DB OUT               the CSV report, streamed: time and peak memory
//   bench_report md DB OUT                collecting the data and the Markdown report
#include "report/report.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>

#include "benchutil.h"

using namespace ferry;
using ferry::bench::peakRssMiB;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList a = app.arguments();
    QTextStream out(stdout);
    if (a.size() < 4 && !(a.size() >= 3 && a[1] == u"make")) {
        out << "usage: bench_report make DB [ROWS] | csv DB OUT | md DB OUT\n";
        return 2;
    }
    Store store(a[2]);
    QString error;
    if (!store.open(&error)) {
        out << error << '\n';
        return 1;
    }
    QElapsedTimer t;
    t.start();
    if (a[1] == u"make") {
        const int rows = a.size() > 3 ? a[3].toInt() : 1'000'000;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const qint64 scan = HistoryTables(store).beginScan(QStringLiteral("bench.yaml"), now);
        const QStringList states{QStringLiteral("synced"), QStringLiteral("missing"), QStringLiteral("drifted"), QStringLiteral("lagging")};
        QList<MatrixRow> batch;
        QStringList repos;
        for (int i = 0; i < rows; ++i) {
            const QString d = QStringLiteral("sha256:%1").arg(i, 64, 10, QLatin1Char('0'));
            MatrixRow r{
                QStringLiteral("giantswarm/repo-%1").arg(i / 1000), QStringLiteral("1.%1.0").arg(i % 1000), states[i % 4], {}, true, {}};
            r.cells.insert(QStringLiteral("hub"), MatrixCell{d, QStringLiteral("present"), {}, {}, now, now});
            r.cells.insert(QStringLiteral("gsoci"), MatrixCell{d, r.state, {}, {}, now, now});
            r.cells.insert(QStringLiteral("china"), MatrixCell{d, QStringLiteral("synced"), {}, {}, now, now});
            batch.append(r);
            if (repos.isEmpty() || repos.last() != r.repository)
                repos << r.repository;
        }
        MatrixTables(store).writeMatrix(scan, batch, repos);
        HistoryTables(store).finishScan(ScanRecord{scan, QStringLiteral("bench.yaml"), now, now, true, false, 0, 0, {}, {}});
        out << "made " << rows << " rows in " << t.elapsed() << " ms\n";
        return 0;
    }
    QFile file(a[3]);
    if (!file.open(QIODevice::WriteOnly))
        return 1;
    if (a[1] == u"csv") {
        writeReportCsv(store, &file);
        file.close();
        out << "csv: " << MatrixTables(store).matrixRowCount() << " rows, " << file.size() / (1024 * 1024) << " MiB in " << t.elapsed()
            << " ms, peak memory " << peakRssMiB() << " MiB\n";
    } else {
        const ReportData d = collectReport(store, {}, 50);
        const qint64 collected = t.elapsed();
        file.write(reportMarkdown(d, 50));
        out << "md: collected in " << collected << " ms, written in " << t.elapsed() << " ms, peak memory " << peakRssMiB() << " MiB\n";
    }
    return 0;
}
