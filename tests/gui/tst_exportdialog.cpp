// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The Export dialog, offscreen: the preview shows the report, and exports in Markdown, CSV
// and PDF finish through the worker thread with the files written.
#include "core/workspace.h"
#include "exportdialog.h"
#include "store/figuretables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "store/store.h"
#include "testmain.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace ferry;

class TestExportDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void previewAndExport()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("e.db"));
        {
            Store store(db);
            QString err;
            QVERIFY(store.open(&err));
            QVERIFY(FigureTables(store).recordRegistries({{QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0}}));
            const QDateTime now = QDateTime::currentDateTimeUtc();
            const qint64 scan = HistoryTables(store).beginScan(QStringLiteral("/p/demo.yaml"), now);
            QList<MatrixRow> rows;
            for (int i = 0; i < 30; ++i) {
                MatrixRow r{QStringLiteral("team/app"),
                            QStringLiteral("1.%1.0").arg(i),
                            i % 3 ? QStringLiteral("synced") : QStringLiteral("missing"),
                            {},
                            true,
                            {}};
                r.cells.insert(QStringLiteral("gsoci"), MatrixCell{{}, r.state, {}, {}, now, now});
                rows << r;
            }
            QVERIFY(MatrixTables(store).writeMatrix(scan, rows, {QStringLiteral("team/app")}));
            HistoryTables(store).finishScan(ScanRecord{scan, QStringLiteral("/p/demo.yaml"), now, now, true, false, 3, 0, {}, {}});
        }
        Workspace workspace;
        QString error;
        QVERIFY2(workspace.openDatabase(db, &error), qPrintable(error));
        ExportDialog dialog(&workspace);
        QSignalSpy preview(&dialog, &ExportDialog::previewReady);
        QVERIFY(preview.wait(10'000));
        QVERIFY(dialog.previewText().contains(QStringLiteral("Registry migration status: demo")));
        QVERIFY(dialog.previewText().contains(QStringLiteral("10 rows are drifted, missing")));
        dialog.setSections({QStringLiteral("progress")});
        QVERIFY(preview.wait(10'000));
        QVERIFY(!dialog.previewText().contains(QStringLiteral("Needs attention")));
        QVERIFY(dialog.previewText().contains(QStringLiteral("Progress by stage")));
        dialog.setSections({});
        QSignalSpy exported(&dialog, &ExportDialog::exported);
        const struct
        {
            const char *format;
            const char *file;
            QByteArray start;
        } cases[] = {
            {"md", "r.md", "# Registry migration status: demo"},
            {"csv", "r.csv", "repository,tag,state,registry,cell_state"},
            {"pdf", "r.pdf", "%PDF-"},
        };
        for (const auto &c : cases) {
            const QString path = dir.filePath(QLatin1String(c.file));
            dialog.exportTo(path, QLatin1String(c.format), 7);
            QVERIFY(exported.wait(20'000));
            QCOMPARE(exported.takeFirst().at(1).toBool(), true);
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(f.readAll().startsWith(c.start), c.format);
            QVERIFY(dialog.status().startsWith(QStringLiteral("Wrote ")));
        }
    }
};

FERRY_TEST_MAIN_WIDGETS(TestExportDialog)
#include "tst_exportdialog.moc"
