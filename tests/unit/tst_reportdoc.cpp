// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Reports as documents without Qt Widgets: this suite links ferry_reportdoc and runs under
// a QGuiApplication, as ferryctl report does.

#include "matrix/syncstate.h"
#include "reportdoc/charts.h"
#include "reportdoc/reportdocument.h"
#include "testmain.h"

#include <QGuiApplication>
#include <QImage>
#include <QTemporaryDir>
#include <QTimeZone>

using namespace ferry;

namespace {

QDateTime at(int minutes)
{
    return QDateTime(QDate(2026, 11, 30), QTime(12, 0), QTimeZone::utc()).addSecs(minutes * 60);
}

ReplicaLag someLag()
{
    ReplicaLag lag;
    lag.replica = QStringLiteral("china");
    lag.target = QStringLiteral("gsoci");
    lag.sloSeconds = 600;
    lag.resolutionSeconds = 60;
    for (int i = 0; i < 9; ++i) {
        LagSample s;
        s.repository = QStringLiteral("giantswarm/app");
        s.digest = QStringLiteral("sha256:%1").arg(i, 64, 10, QLatin1Char('0'));
        s.replicaSeen = at(10 * i);
        s.lagSeconds = 100 * (i + 1); // 100 … 900 s against an SLO of 600 s
        lag.samples << s;
    }
    return lag;
}

ReportData someReport()
{
    ReportData d;
    d.planName = QStringLiteral("leave-docker-hub");
    d.generatedAt = at(120);
    d.since = at(-60);
    for (int i = 0; i < 3; ++i) {
        StateCountPoint p;
        p.scan = i + 1;
        p.at = at(30 * i);
        p.counts[QString()] = {{QStringLiteral("synced"), 10 * i}, {QStringLiteral("missing"), 30 - 10 * i}};
        d.trend << p;
    }
    d.lag.replicas << someLag();
    return d;
}

} // namespace

class TestReportDoc : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void niceTicks_data()
    {
        QTest::addColumn<double>("max");
        QTest::addColumn<bool>("integer");
        QTest::addColumn<QList<qreal>>("ticks");
        QTest::newRow("small counts") << 4.0 << true << QList<qreal>{0, 1, 2, 3, 4};
        QTest::newRow("tags") << 93.0 << true << QList<qreal>{0, 20, 40, 60, 80, 100};
        QTest::newRow("nothing yet") << 0.0 << true << QList<qreal>{0, 1};
        QTest::newRow("minutes") << 1.1 << false << QList<qreal>{0, 0.5, 1, 1.5};
    }
    void niceTicks()
    {
        QFETCH(double, max);
        QFETCH(bool, integer);
        QFETCH(QList<qreal>, ticks);
        QCOMPARE(ferry::niceTicks(max, 5, integer), ticks);
    }

    void trendSeriesFollowTheStates()
    {
        const ChartSpec c = stateTrendChart(someReport().trend);
        QCOMPARE(c.series.size(), 2);
        for (const ChartSeries &s : c.series) {
            QCOMPARE(s.points.size(), 3);
            QCOMPARE(s.colour, syncstate::chartColour(syncstate::parse(s.name))); // one palette with the dashboard
        }
        QCOMPARE(c.yMax, 30.0);
        QCOMPARE(c.xMin, qreal(at(0).toMSecsSinceEpoch()));
        QCOMPARE(c.xMax, qreal(at(60).toMSecsSinceEpoch()));
    }

    void histogramSplitsAtTheSlo()
    {
        const ChartSpec c = lagHistogramChart(someLag());
        QCOMPARE(c.categories.size(), 6);
        QCOMPARE(c.series.size(), 2);
        qreal within = 0, beyond = 0;
        for (const QPointF &p : c.series[0].points)
            within += p.y();
        for (const QPointF &p : c.series[1].points)
            beyond += p.y();
        QCOMPARE(within, 6.0); // 100 … 600 s
        QCOMPARE(beyond, 3.0); // 700, 800, 900 s
    }

    void lagChartCarriesTheSlo()
    {
        const ChartSpec c = lagOverTimeChart(someLag(), at(120));
        const auto slo = std::find_if(c.series.begin(), c.series.end(), [](const ChartSeries &s) { return s.name.startsWith(u"SLO"); });
        QVERIFY(slo != c.series.end());
        QCOMPARE(slo->kind, ChartSeries::Kind::DashedLine);
        QCOMPARE(slo->points.first().y(), 10.0); // 600 s, in minutes (the largest lag is 15 min)
        QCOMPARE(c.yTitle, QStringLiteral("lag (minutes)"));
    }

    void chartsDrawSomething()
    {
        const ChartSpec c = lagHistogramChart(someLag());
        const QImage img = chartImage(c, QSize(450, 210), 1);
        QCOMPARE(img.size(), QSize(450, 210));
        int red = 0, green = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x) {
                const QRgb px = img.pixel(x, y);
                red += px == qRgb(0xb3, 0x26, 0x1e);
                green += px == qRgb(0x4c, 0x9a, 0x5a);
            }
        QVERIFY2(red > 500 && green > 500, qPrintable(QStringLiteral("red %1, green %2").arg(red).arg(green)));
        const QByteArray svg = chartSvg(c, QSize(900, 420));
        QVERIFY(svg.startsWith("<svg"));
        QVERIFY(svg.contains("Arrivals by lag (SLO 10m)"));
    }

    void attentionGroupsByCause()
    {
        // One replica's 401 on every row is one cause; lag reasons with other figures fold.
        AttentionGrouper g;
        auto row = [](const QString &tag, const QString &state, const QString &registry, const QString &why) {
            MatrixRow r;
            r.repository = QStringLiteral("giantswarm/app");
            r.tag = tag;
            r.state = state;
            r.reason = registry + QStringLiteral(": ") + why;
            r.cells.insert(QStringLiteral("gsoci"), MatrixCell{QStringLiteral("sha256:a"), QStringLiteral("synced"), {}, {}, {}, {}});
            r.cells.insert(registry, MatrixCell{{}, state, why, {}, {}, {}});
            return r;
        };
        for (int i = 0; i < 5; ++i)
            g.add(
                row(QStringLiteral("1.%1").arg(i), QStringLiteral("unknown"), QStringLiteral("china"), QStringLiteral("401 Unauthorized")));
        g.add(row(QStringLiteral("2.0"), QStringLiteral("lagging"), QStringLiteral("china"),
                  QStringLiteral("not replicated for 41 s (SLO 10 s)")));
        g.add(row(QStringLiteral("2.1"), QStringLiteral("lagging"), QStringLiteral("china"),
                  QStringLiteral("not replicated for 97 s (SLO 10 s)")));
        MatrixRow noCell;
        noCell.repository = QStringLiteral("giantswarm/x");
        noCell.tag = QStringLiteral("9");
        noCell.state = QStringLiteral("missing");
        noCell.reason = QStringLiteral("gsoci: not copied to gsoci yet");
        g.add(noCell);
        const QList<AttentionCause> causes = g.causes();
        QCOMPARE(causes.size(), 3);
        QCOMPARE(causes[0].registry, QStringLiteral("china"));
        QCOMPARE(causes[0].state, QStringLiteral("unknown"));
        QCOMPARE(causes[0].reason, QStringLiteral("401 Unauthorized"));
        QCOMPARE(causes[0].rows, 5);
        QCOMPARE(causes[0].examples.size(), 3);
        QCOMPARE(causes[1].rows, 2);
        // The figures the rows span, never a placeholder (the PDF said "for N s (SLO N s)").
        QCOMPARE(causes[1].reason, QStringLiteral("not replicated for 41-97 s (SLO 10 s)"));
        QCOMPARE(causes[2].registry, QString()); // no cell in that state: the row's own reason
        QCOMPARE(causes[2].examples, QStringList{QStringLiteral("giantswarm/x:9")});
    }

    void documents()
    {
        const ReportData d = someReport();
        const QByteArray html = reportHtml(d);
        QVERIFY(html.startsWith("<!DOCTYPE html>"));
        QCOMPARE(html.count("<svg"), 3); // trend, lag over time, histogram
        QVERIFY(html.contains("Replication lag of china"));
        QVERIFY(reportHtml(d, 50, {QStringLiteral("states")}).count("<svg") == 1);
        QTemporaryDir dir;
        const QString pdf = dir.filePath(QStringLiteral("r.pdf"));
        QVERIFY(writeReportPdf(d, pdf) >= 1);
        QFile f(pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.read(5) == "%PDF-");
        QVERIFY(qobject_cast<QGuiApplication *>(QCoreApplication::instance()));
        QVERIFY(!QCoreApplication::instance()->inherits("QApplication"));
    }
};

FERRY_TEST_MAIN_GUI(TestReportDoc)
#include "tst_reportdoc.moc"
