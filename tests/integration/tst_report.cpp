// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferryctl report in every format from a store seeded with known content: the numbers in
// Markdown and HTML match the store, CSV and JSON parse and round-trip, and the PDF's text
// (pdftotext) holds the key figures on the expected pages. Then the demo's own database, after its
// story (releases, the replica's lag and outage, cleanups, copies): every format, no placeholder.
#include "cleanup/cleanupstore.h"
#include "report/report.h"
#include "store/figuretables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "store/store.h"
#include "testmain.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace ferry;
using namespace ferry::test;

namespace {

// RFC 4180 fields of one CSV line.
QStringList csvLine(const QString &line)
{
    QStringList out;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted) {
            if (c == u'"' && i + 1 < line.size() && line[i + 1] == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            out << field;
            field.clear();
        } else {
            field += c;
        }
    }
    out << field;
    return out;
}

} // namespace

class TestReport : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;
    QList<MatrixRow> m_rows;

    Run report(const QString &format, const QString &file, const QStringList &extra = {}) const
    {
        return run(ferryctlPath(),
                   QStringList{QStringLiteral("report"), QStringLiteral("--db"), m_db, QStringLiteral("--format"), format,
                               QStringLiteral("-o"), m_dir.filePath(file)} +
                       extra);
    }
    QByteArray read(const QString &file) const
    {
        QFile f(m_dir.filePath(file));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty()) {
            FERRY_SKIP(QStringLiteral("pdftotext is missing (poppler-utils)"));
        }
        m_db = m_dir.filePath(QStringLiteral("report.db"));
        Store store(m_db);
        QString err;
        QVERIFY(store.open(&err));
        QVERIFY(FigureTables(store).recordRegistries({{QStringLiteral("hub"), QStringLiteral("source"), {}, 0},
                                                      {QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0},
                                                      {QStringLiteral("china"), QStringLiteral("replica"), QStringLiteral("gsoci"), 60}}));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        auto d = [](int n) { return QStringLiteral("sha256:%1").arg(n, 64, 10, QLatin1Char('0')); };
        // Three scans an hour apart: 1.0 and 1.1 copied, 2.0 missing, the dev build extra; 1.1
        // moves in the last scan; China gets 1.0 after 30 min and 1.1 never.
        for (int i = 0; i < 3; ++i) {
            const QDateTime at = now.addSecs(-3600 * (2 - i));
            const qint64 scan = HistoryTables(store).beginScan(QStringLiteral("/plans/leave-docker-hub.yaml"), at);
            QList<TagObservation> target{{QStringLiteral("1.0"), d(1), {}, {}, {}},
                                         {QStringLiteral("1.1"), d(i == 2 ? 5 : 2), {}, {}, {}},
                                         {QStringLiteral("0.9.0-dev.main.2026-01-01.10-00-00.habcdef0"), d(9), {}, {}, {}}};
            HistoryTables(store).applyListing(scan, QStringLiteral("gsoci"), QStringLiteral("team/app"), target, true, at);
            QList<TagObservation> china;
            if (i >= 1)
                china << TagObservation{QStringLiteral("1.0"), d(1), {}, {}, {}};
            HistoryTables(store).applyListing(scan, QStringLiteral("china"), QStringLiteral("team/app"), china, true,
                                              at.addSecs(i >= 1 ? -1800 : 0));
            m_rows.clear();
            auto row = [&](const QString &tag, const QString &state, bool inPlan, const QMap<QString, MatrixCell> &cells) {
                m_rows.append(MatrixRow{QStringLiteral("team/app"), tag, state, {}, inPlan, cells});
            };
            row(QStringLiteral("1.0"), QStringLiteral("synced"), true,
                {{QStringLiteral("hub"), {d(1), QStringLiteral("present"), {}, {}, at, at}},
                 {QStringLiteral("gsoci"), {d(1), QStringLiteral("synced"), {}, {}, at, at}},
                 {QStringLiteral("china"), {d(1), QStringLiteral("synced"), {}, {}, at, at}}});
            row(QStringLiteral("1.1"), i == 2 ? QStringLiteral("drifted") : QStringLiteral("lagging"), true,
                {{QStringLiteral("hub"), {d(2), QStringLiteral("present"), {}, {}, at, at}},
                 {QStringLiteral("gsoci"),
                  {d(i == 2 ? 5 : 2),
                   i == 2 ? QStringLiteral("drifted") : QStringLiteral("synced"),
                   QStringLiteral("moved, \"by hand\""),
                   {},
                   at,
                   at}},
                 {QStringLiteral("china"), {{}, QStringLiteral("lagging"), QStringLiteral("not replicated"), {}, {}, {}}}});
            row(QStringLiteral("2.0"), QStringLiteral("missing"), true,
                {{QStringLiteral("hub"), {d(3), QStringLiteral("present"), {}, {}, at, at}},
                 {QStringLiteral("gsoci"), {{}, QStringLiteral("missing"), {}, {}, {}, {}}}});
            row(QStringLiteral("0.9.0-dev.main.2026-01-01.10-00-00.habcdef0"), QStringLiteral("extra"), false,
                {{QStringLiteral("gsoci"), {d(9), QStringLiteral("extra"), {}, {}, at, at}}});
            QVERIFY(MatrixTables(store).writeMatrix(scan, m_rows, {QStringLiteral("team/app")}));
            QMap<QString, QMap<QString, int>> counts;
            for (const MatrixRow &r : std::as_const(m_rows)) {
                ++counts[QString()][r.state];
                for (auto it = r.cells.begin(); it != r.cells.end(); ++it)
                    ++counts[it.key()][it->state];
            }
            QVERIFY(MatrixTables(store).recordStateCounts(scan, counts));
            RateLimitReading rl;
            rl.present = true;
            rl.limit = 100;
            rl.remaining = 90 - 24 * i;
            rl.windowSeconds = 21600;
            rl.source = QStringLiteral("203.0.113.7");
            rl.observedAt = at;
            QVERIFY(FigureTables(store).recordRateLimit(scan, QStringLiteral("hub"), rl));
            HistoryTables(store).finishScan(
                ScanRecord{scan, QStringLiteral("/plans/leave-docker-hub.yaml"), at, at.addSecs(5), true, false, 40, 0, {}, {}});
        }
        CleanupStore cs(store);
        CleanupBatch b;
        b.createdAt = b.listedAt = now;
        b.plan = QStringLiteral("/plans/leave-docker-hub.yaml");
        b.registry = QStringLiteral("gsoci");
        b.repository = QStringLiteral("team/app");
        b.policies = QStringLiteral("dev-builds");
        b.listingComplete = true;
        CleanupItem item;
        item.seq = 1;
        item.action = QStringLiteral("delete");
        item.digest = d(9);
        item.tags = {QStringLiteral("0.9.0-dev.main.2026-01-01.10-00-00.habcdef0")};
        item.policy = QStringLiteral("dev-builds");
        item.reason = QStringLiteral("old");
        b.items = {item};
        b.hash = batchHash(b.content());
        QVERIFY(cs.addBatch(&b));
        QVERIFY(cs.decide(b.id, batchstatus::Approved, QStringLiteral("lead"), b.hash, {}, {batchstatus::Planned}));
    }

    // A replica that cannot be reached makes its own stage unknown and leaves stage 1 alone
    // (seen: "Stage 1: 0 of 1,010" while 955 target cells were synced).
    void stagesCountTheirOwnRegistrysCells()
    {
        const QString db = m_dir.filePath(QStringLiteral("unreachable.db"));
        {
            Store store(db);
            QString err;
            QVERIFY(store.open(&err));
            QVERIFY(
                FigureTables(store).recordRegistries({{QStringLiteral("hub"), QStringLiteral("source"), {}, 0},
                                                      {QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0},
                                                      {QStringLiteral("china"), QStringLiteral("replica"), QStringLiteral("gsoci"), 60}}));
            const QDateTime at = QDateTime::currentDateTimeUtc();
            const qint64 scan = HistoryTables(store).beginScan(QStringLiteral("/plans/p.yaml"), at);
            auto d = [](int n) { return QStringLiteral("sha256:%1").arg(n, 64, 10, QLatin1Char('0')); };
            const MatrixCell china{{}, QStringLiteral("unknown"), QStringLiteral("connection refused"), {}, {}, {}};
            QList<MatrixRow> rows;
            for (int i = 0; i < 3; ++i)
                rows.append(MatrixRow{QStringLiteral("team/app"),
                                      QStringLiteral("1.%1").arg(i),
                                      QStringLiteral("unknown"),
                                      {},
                                      true,
                                      {{QStringLiteral("hub"), {d(i), QStringLiteral("present"), {}, {}, at, at}},
                                       {QStringLiteral("gsoci"),
                                        i < 2 ? MatrixCell{d(i), QStringLiteral("synced"), {}, {}, at, at}
                                              : MatrixCell{{}, QStringLiteral("missing"), {}, {}, {}, {}}},
                                       {QStringLiteral("china"), china}}});
            QVERIFY(MatrixTables(store).writeMatrix(scan, rows, {QStringLiteral("team/app")}));
            RegistryScanStats down;
            down.scan = scan;
            down.registry = QStringLiteral("china");
            down.at = at;
            down.requests = 4;
            down.failures = 4;
            down.firstError = QStringLiteral("network error: GET https://china.example/v2/: Connection refused");
            QVERIFY(FigureTables(store).recordRegistryStats({down}));
            HistoryTables(store).finishScan(
                ScanRecord{scan, QStringLiteral("/plans/p.yaml"), at, at.addSecs(1), false, false, 10, 4, {}, {}});
        }
        Store store(db);
        QString err;
        QVERIFY(store.open(&err));
        const ReportData data = collectReport(store, {});
        QCOMPARE(data.stages.size(), 2);
        QCOMPARE(data.stages[0].done, 2);
        QCOMPARE(data.stages[0].total, 3);
        QVERIFY(!data.stages[0].isUnknown());
        QVERIFY(data.stages[1].isUnknown());
        QVERIFY2(data.stages[1].figure().startsWith(QStringLiteral("unknown (network error")), qPrintable(data.stages[1].figure()));
        QVERIFY(data.stages[1].figure().contains(QStringLiteral("Connection refused")));
        QCOMPARE(data.stages[1].shortWhy(), QStringLiteral("Connection refused")); // the bar's words

        const Run json =
            run(ferryctlPath(), {QStringLiteral("report"), QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(json.exitCode == 0, json.err.constData());
        const QJsonArray stages = QJsonDocument::fromJson(json.out).object().value(QStringLiteral("stages")).toArray();
        QCOMPARE(stages.size(), 2);
        QCOMPARE(stages[0].toObject().value(QStringLiteral("done")).toInt(), 2);
        QCOMPARE(stages[1].toObject().value(QStringLiteral("unknown")).toInt(), 2); // the target holds two: two replica cells are due
        QVERIFY(stages[1].toObject().value(QStringLiteral("unknownReason")).toString().contains(QStringLiteral("Connection refused")));
        const Run md =
            run(ferryctlPath(), {QStringLiteral("report"), QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("md")});
        QVERIFY2(md.out.contains("unknown (network error"), md.out.constData());
        QVERIFY(md.out.contains("| 2 | 3 | 66.7 % |"));
    }

    // A cache the scans do not check (no --check-caches) has a stage that says so: it was left out
    // before, and a lead could not tell "not measured" from "not planned".
    void aStageNotScannedSaysSo()
    {
        const QString db = m_dir.filePath(QStringLiteral("nocache.db"));
        {
            Store store(db);
            QString err;
            QVERIFY(store.open(&err));
            QVERIFY(
                FigureTables(store).recordRegistries({{QStringLiteral("hub"), QStringLiteral("source"), {}, 0},
                                                      {QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0},
                                                      {QStringLiteral("cache-eu"), QStringLiteral("cache"), QStringLiteral("hub"), 0}}));
            const QDateTime at = QDateTime::currentDateTimeUtc();
            const qint64 scan = HistoryTables(store).beginScan(QStringLiteral("/plans/p.yaml"), at);
            const QString d = QStringLiteral("sha256:%1").arg(1, 64, 10, QLatin1Char('0'));
            const QList<MatrixRow> rows{MatrixRow{QStringLiteral("team/app"),
                                                  QStringLiteral("1.0"),
                                                  QStringLiteral("synced"),
                                                  {},
                                                  true,
                                                  {{QStringLiteral("hub"), {d, QStringLiteral("present"), {}, {}, at, at}},
                                                   {QStringLiteral("gsoci"), {d, QStringLiteral("synced"), {}, {}, at, at}}}}};
            QVERIFY(MatrixTables(store).writeMatrix(scan, rows, {QStringLiteral("team/app")}));
            HistoryTables(store).finishScan(
                ScanRecord{scan, QStringLiteral("/plans/p.yaml"), at, at.addSecs(1), true, false, 4, 0, {}, {}});
        }
        Store store(db);
        QString err;
        QVERIFY(store.open(&err));
        const ReportData data = collectReport(store, {});
        QCOMPARE(data.stages.size(), 2);
        QVERIFY(data.stages[1].stage.contains(QStringLiteral("cache-eu")));
        QVERIFY(data.stages[1].notScanned);
        QVERIFY(data.stages[1].isUnknown()); // no figure: not 0 %
        QVERIFY2(data.stages[1].figure().startsWith(QStringLiteral("not scanned yet (")), qPrintable(data.stages[1].figure()));
        QVERIFY(data.stages[1].figure().contains(QStringLiteral("--check-caches")));
        const Run json =
            run(ferryctlPath(), {QStringLiteral("report"), QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(json.exitCode == 0, json.err.constData());
        const QJsonArray stages = QJsonDocument::fromJson(json.out).object().value(QStringLiteral("stages")).toArray();
        QCOMPARE(stages.size(), 2);
        QVERIFY(stages[1].toObject().value(QStringLiteral("notScanned")).toBool());
        QVERIFY(!stages[0].toObject().contains(QStringLiteral("notScanned")));
        const Run md =
            run(ferryctlPath(), {QStringLiteral("report"), QStringLiteral("--db"), db, QStringLiteral("--format"), QStringLiteral("md")});
        QVERIFY2(md.out.contains("not scanned yet (the scans do not check caches: ferryctl scan --check-caches)"), md.out.constData());
    }

    void markdownMatchesTheStore()
    {
        const Run r = report(QStringLiteral("md"), QStringLiteral("r.md"));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString md = QString::fromUtf8(read(QStringLiteral("r.md")));
        QVERIFY(md.startsWith(QStringLiteral("# Registry migration status: leave-docker-hub\n")));
        // Promised: 1.0, 1.1, 2.0; in the target with the source's digest: 1.0 only (1.1 drifted).
        QVERIFY2(md.contains(QStringLiteral(
                     "| Stage 1: images in gsoci | promised tags in the target with the source's digest | 1 | 3 | 33.3 % |")),
                 qPrintable(md));
        // In the target: 1.0, 1.1, the dev build; replicated: 1.0.
        QVERIFY(
            md.contains(QStringLiteral("| Stage 4: China replica china | target tags replicated with the same digest | 1 | 3 | 33.3 % |")));
        for (const char *line :
             {"| drifted | 1 |", "| extra | 1 |", "| missing | 1 |", "| synced | 1 |",
              "| gsoci | target | drifted 1, extra 1, missing 1, synced 1 |", "4 appeared, 1 moved, 0 vanished.",
              "2 rows are drifted, missing, partial, lagging or unknown.", "| team/app | 2.0 | missing |",
              "Trend over the period (3 scans, first to last): drifted 0 → 1;", "**china** (of gsoci, SLO 60s", "1 arrivals, p50 30m",
              "| hub | 100 | 42 | 6h00m | 203.0.113.7 |", "| gsoci/team/app | approved | 1 | 0 | lead, "})
            QVERIFY2(md.contains(QString::fromUtf8(line)), line);
    }

    // ferryctl status: the registries' columns by role as the scan recorded them (the source,
    // the target, the replica; not alphabetically), and --repository GLOB choosing rows.
    void statusOrdersRegistriesAndFiltersRepositories()
    {
        Run r = run(ferryctlPath(), {QStringLiteral("status"), QStringLiteral("--db"), m_db});
        QCOMPARE(r.exitCode, 0);
        const QByteArray header = r.out.left(r.out.indexOf('\n'));
        QVERIFY2(header.indexOf("HUB") > 0 && header.indexOf("HUB") < header.indexOf("GSOCI") &&
                     header.indexOf("GSOCI") < header.indexOf("CHINA"),
                 header.constData());
        r = run(ferryctlPath(),
                {QStringLiteral("status"), QStringLiteral("--db"), m_db, QStringLiteral("--repository"), QStringLiteral("team/*")});
        QVERIFY2(r.out.contains("4 rows"), r.out.constData());
        r = run(ferryctlPath(),
                {QStringLiteral("status"), QStringLiteral("--db"), m_db, QStringLiteral("--repository"), QStringLiteral("other/*")});
        QVERIFY2(r.out.contains("0 rows"), r.out.constData());
    }

    void htmlIsSelfContained()
    {
        const Run r = report(QStringLiteral("html"), QStringLiteral("r.html"));
        QVERIFY2(r.exitCode == 0, qPrintable(QStringLiteral("exit %1: %2").arg(r.exitCode).arg(QString::fromUtf8(r.err))));
        const QByteArray html = read(QStringLiteral("r.html"));
        QVERIFY(html.startsWith("<!DOCTYPE html>"));
        QVERIFY(html.contains("<style>"));
        QCOMPARE(html.count("<svg"), 3); // the trend, china's lag over time, china's histogram
        QVERIFY(html.contains("33.3 %"));
        QVERIFY(html.contains("Tags by state after each scan"));
        QVERIFY(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("<link"));
    }

    void jsonParsesAndRoundTrips()
    {
        const Run r = report(QStringLiteral("json"), QStringLiteral("r.json"));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(read(QStringLiteral("r.json")), &pe);
        QVERIFY2(pe.error == QJsonParseError::NoError, qPrintable(pe.errorString()));
        const QJsonObject o = doc.object();
        QCOMPARE(o.value(QStringLiteral("schema")).toString(), QStringLiteral("ferry.report/v1"));
        QCOMPARE(o.value(QStringLiteral("plan")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("leave-docker-hub"));
        QCOMPARE(o.value(QStringLiteral("stages")).toArray().first().toObject().value(QStringLiteral("done")).toInt(), 1);
        QCOMPARE(o.value(QStringLiteral("rowsByState")).toObject().value(QStringLiteral("missing")).toInt(), 1);
        QCOMPARE(o.value(QStringLiteral("attention")).toArray().size(), 2);
        QCOMPARE(o.value(QStringLiteral("trend")).toArray().size(), 3);
        QCOMPARE(o.value(QStringLiteral("changes")).toObject().value(QStringLiteral("moved")).toInt(), 1);
        QCOMPARE(o.value(QStringLiteral("pullBudget")).toArray().last().toObject().value(QStringLiteral("remaining")).toInt(), 42);
        QCOMPARE(o.value(QStringLiteral("cleanup")).toArray().first().toObject().value(QStringLiteral("decidedBy")).toString(),
                 QStringLiteral("lead"));
        const QJsonObject lag = o.value(QStringLiteral("replication")).toArray().first().toObject();
        QCOMPARE(lag.value(QStringLiteral("lag")).toObject().value(QStringLiteral("p50")).toInteger(), 1800);
        QCOMPARE(QJsonDocument::fromJson(doc.toJson()), doc);
    }

    void csvHasEveryCellAndRoundTrips()
    {
        const Run r = report(QStringLiteral("csv"), QStringLiteral("r.csv"));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QStringList lines = QString::fromUtf8(read(QStringLiteral("r.csv"))).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.first(), QStringLiteral("repository,tag,state,registry,cell_state,digest,first_seen,last_seen,reason"));
        QMap<QString, QStringList> byKey;
        for (const QString &l : lines.mid(1)) {
            const QStringList f = csvLine(l);
            QCOMPARE(f.size(), 9);
            byKey.insert(f[1] + u'/' + f[3], f);
        }
        int cells = 0;
        for (const MatrixRow &row : std::as_const(m_rows)) {
            for (auto it = row.cells.begin(); it != row.cells.end(); ++it) {
                ++cells;
                const QStringList f = byKey.value(row.tag + u'/' + it.key());
                QCOMPARE(f.value(0), row.repository);
                QCOMPARE(f.value(2), row.state);
                QCOMPARE(f.value(4), it->state);
                QCOMPARE(f.value(5), it->digest);
                QCOMPARE(f.value(8), it->reason); // quotes and commas survive
            }
        }
        QCOMPARE(lines.size() - 1, cells);
    }

    void pdfHoldsTheKeyFigures()
    {
        const Run r = report(QStringLiteral("pdf"), QStringLiteral("r.pdf"));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(read(QStringLiteral("r.pdf")).startsWith("%PDF-"));
        const Run info = run(QStringLiteral("pdfinfo"), {m_dir.filePath(QStringLiteral("r.pdf"))});
        QVERIFY(info.out.contains("Registry migration status: leave-docker-hub"));
        const int pages = QString::fromUtf8(info.out).section(QStringLiteral("Pages:"), 1).trimmed().section(u'\n', 0, 0).toInt();
        QVERIFY2(pages >= 2 && pages <= 6, qPrintable(QString::number(pages)));
        const Run text =
            run(QStringLiteral("pdftotext"), {QStringLiteral("-layout"), m_dir.filePath(QStringLiteral("r.pdf")), QStringLiteral("-")});
        for (const char *s :
             {"Registry migration status: leave-docker-hub", "Stage 1: images in gsoci", "33.3 %", "4 appeared, 1 moved, 0 vanished",
              "Ferry · leave-docker-hub", "Tags by state over the period", "Replication lag of china", "Arrivals in china by lag"})
            QVERIFY2(text.out.contains(s), s);
        QVERIFY(text.out.contains(QStringLiteral("page 1 of %1").arg(pages).toUtf8()));
        QVERIFY(text.out.contains(QStringLiteral("page %1 of %1").arg(pages).toUtf8()));
    }

    void sectionsChooseWhatDocumentsHold()
    {
        const QStringList only{QStringLiteral("--sections"), QStringLiteral("progress,lag")};
        QVERIFY(report(QStringLiteral("md"), QStringLiteral("s.md"), only).exitCode == 0);
        const QByteArray md = read(QStringLiteral("s.md"));
        QVERIFY(md.startsWith("# Registry migration status: leave-docker-hub"));
        QVERIFY(md.contains("## Progress by stage") && md.contains("## Replication lag"));
        for (const char *gone : {"## Tags by state", "## Changes", "## Needs attention", "## Docker Hub", "## Cleanup", "## Errors"})
            QVERIFY2(!md.contains(gone), gone);
        QVERIFY(report(QStringLiteral("html"), QStringLiteral("s.html"), only).exitCode == 0);
        QCOMPARE(read(QStringLiteral("s.html")).count("<svg"), 2); // the lag charts, no trend
        QCOMPARE(report(QStringLiteral("md"), QStringLiteral("x.md"), {QStringLiteral("--sections"), QStringLiteral("progress,gossip")})
                     .exitCode,
                 2);
    }

    // Every report of the demo, after its whole story: nothing a reader would take for a bug. The
    // cause lines once printed "not replicated for N s (SLO N s)" in the PDF and the HTML.
    void demoReportsHaveNoPlaceholder()
    {
        const QString work = m_dir.filePath(QStringLiteral("demo"));
        const Run demo = run(ferryctlPath(), {QStringLiteral("demo"), QStringLiteral("--no-gui"), QStringLiteral("--workdir"), work},
                             QProcessEnvironment::systemEnvironment(), {}, 280'000);
        QVERIFY2(demo.exitCode == 0, demo.err.right(2000).constData());
        const QString db = QDir(work).filePath(QStringLiteral("leave-docker-hub.ferry.db"));
        QVERIFY2(QFile::exists(db), qPrintable(db));
        // Qt's unfilled arguments, the old placeholder, numbers that are not numbers.
        const QRegularExpression placeholder(QStringLiteral(R"(%\d|\bN s\b|SLO N\b|\b(?:NaN|nan|-?inf)\b|\(null\))"));
        for (const QString &format :
             {QStringLiteral("md"), QStringLiteral("html"), QStringLiteral("json"), QStringLiteral("csv"), QStringLiteral("pdf")}) {
            const QString file = m_dir.filePath(QStringLiteral("demo.") + format);
            const Run r =
                run(ferryctlPath(),
                    {QStringLiteral("report"), QStringLiteral("--db"), db, QStringLiteral("--format"), format, QStringLiteral("-o"), file});
            QVERIFY2(r.exitCode == 0, qPrintable(format + u": " + QString::fromUtf8(r.err)));
            QString text;
            if (format == u"pdf") {
                const Run t = run(QStringLiteral("pdftotext"), {QStringLiteral("-layout"), file, QStringLiteral("-")});
                QCOMPARE(t.exitCode, 0);
                text = QString::fromUtf8(t.out);
            } else {
                QFile f(file);
                QVERIFY(f.open(QIODevice::ReadOnly));
                text = QString::fromUtf8(f.readAll());
            }
            QVERIFY2(text.size() > 2000, qPrintable(format));
            const QRegularExpressionMatch m = placeholder.match(text);
            QVERIFY2(!m.hasMatch(),
                     qPrintable(QStringLiteral("%1 report: '%2' in …%3…")
                                    .arg(format, m.captured(), text.mid(qMax<qsizetype>(0, m.capturedStart() - 80), 160))));
            if (format == u"md") // the story reached the report: the replica's lateness, with its figures
                QVERIFY2(QRegularExpression(QStringLiteral(R"(not replicated for \d+(-\d+)? s \(SLO \d+ s\))")).match(text).hasMatch(),
                         qPrintable(text.left(3000)));
        }
    }

    void usageErrors()
    {
        QCOMPARE(
            run(ferryctlPath(), {QStringLiteral("report"), QStringLiteral("--db"), m_db, QStringLiteral("--format"), QStringLiteral("pdf")})
                .exitCode,
            2);
        QCOMPARE(run(ferryctlPath(),
                     {QStringLiteral("report"), QStringLiteral("--db"), m_db, QStringLiteral("--format"), QStringLiteral("docx")})
                     .exitCode,
                 2);
        const Run toStdout = run(ferryctlPath(), {QStringLiteral("report"), QStringLiteral("--db"), m_db});
        QCOMPARE(toStdout.exitCode, 0);
        QVERIFY(toStdout.out.startsWith("# Registry migration status"));
        // A database that is not there is an error, not an empty report (and not a new file).
        QTemporaryDir dir;
        const QString missing = dir.filePath(QStringLiteral("typo.ferry.db"));
        const Run none = run(ferryctlPath(), {QStringLiteral("report"), QStringLiteral("--db"), missing});
        QCOMPARE(none.exitCode, 4);
        QVERIFY2(none.err.contains("no database at"), none.err.constData());
        QVERIFY(!QFile::exists(missing));
    }
};

FERRY_TEST_MAIN(TestReport)
#include "tst_report.moc"
