// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Lag from a history written by hand with known times: arrivals, percentiles, breaches,
// in-flight ages, drift kept apart, unmeasurable digests left out, the chart buckets and
// the histogram.
#include "lag/lag.h"
#include "store/figuretables.h"
#include "store/historytables.h"
#include "store/store.h"
#include "testmain.h"

#include <QTemporaryDir>
#include <QTimeZone>

using namespace ferry;

namespace {

const QDateTime T0(QDate(2026, 11, 1), QTime(0, 0), QTimeZone::utc());

QString dg(int n)
{
    return QStringLiteral("sha256:%1").arg(n, 64, 10, QLatin1Char('0'));
}

TagObservation tag(const QString &name, int digest)
{
    return TagObservation{name, dg(digest), {}, {}, {}};
}

} // namespace

class TestLag : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void percentilesByNearestRank()
    {
        const LagStats s = lagStats({50, 10, 40, 20, 30, 60, 70, 80, 90, 100}, 65);
        QCOMPARE(s.count, 10);
        QCOMPARE(s.p50, 50);
        QCOMPARE(s.p90, 90);
        QCOMPARE(s.p99, 100);
        QCOMPARE(s.max, 100);
        QCOMPARE(s.breaches, 4);
        QCOMPARE(lagStats({7}, 5).p50, 7);
        QCOMPARE(lagStats({}, 5).count, 0);
    }

    // The two registries are merged one repository at a time in the store's order: a
    // repository only the replica has, one only the target has, names whose UTF-16 and
    // UTF-8 orders differ. keepRows keeps the oldest in flight and counts them all.
    void repositoriesMergedAndRowsKept()
    {
        QTemporaryDir dir;
        Store store(dir.filePath(QStringLiteral("merge.db")));
        QString err;
        QVERIFY(store.open(&err));
        QVERIFY(FigureTables(store).recordRegistries({{QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0},
                                                      {QStringLiteral("china"), QStringLiteral("replica"), QStringLiteral("gsoci"), 60}}));
        // U+FF5E sorts after U+10000 in UTF-8 order but before it in UTF-16 order.
        const QStringList repos = {QStringLiteral("a/both"), QStringLiteral("b/target-only"), QStringLiteral("c/replica-only"),
                                   QStringLiteral("d/\uFF5E"), QStringLiteral("d/") + QString::fromUcs4(U"\U00010000")};
        // Each scan adds three tags to every repository; the replica holds a, c and the
        // second d (in the same scans as the target), never b or the first d.
        for (int i = 0; i < 2; ++i) {
            const QDateTime at = T0.addSecs(600 * i);
            const qint64 scan = HistoryTables(store).beginScan(QStringLiteral("p.yaml"), at);
            for (int r = 0; r < repos.size(); ++r) {
                QList<TagObservation> listed;
                for (int s = 0; s <= i; ++s)
                    for (int t = 0; t < 3; ++t)
                        listed << tag(QStringLiteral("%1.%2").arg(s).arg(t), 100 * r + 10 * s + t);
                if (r != 2)
                    HistoryTables(store).applyListing(scan, QStringLiteral("gsoci"), repos[r], listed, true, at);
                if (r == 0 || r == 2 || r == 4)
                    HistoryTables(store).applyListing(scan, QStringLiteral("china"), repos[r], listed, true, at);
            }
            HistoryTables(store).finishScan(ScanRecord{scan, QStringLiteral("p.yaml"), at, at, true, false, 0, 0, {}, {}});
        }
        const QDateTime now = T0.addSecs(1200);
        const ReplicaLag all = computeLag(store, QDateTime(), {}, now).replicas.value(0);
        // In flight: b's six digests and the first d's six. Had the merge compared names in
        // UTF-16 order, the second d would have met none of its replica rows: six more.
        QCOMPARE(all.inFlightCount, 12);
        QCOMPARE(all.inFlight.size(), 12);
        QCOMPARE(all.inFlightBreaches, 12);
        // a's and the second d's first three predate Ferry; their second three arrived.
        QCOMPARE(all.predates, 6);
        QCOMPARE(all.samples.size(), 6);
        QCOMPARE(all.byRepository.keys(), (QStringList{QStringLiteral("a/both"), repos[4]}));
        const ReplicaLag kept = computeLag(store, QDateTime(), {}, now, 4).replicas.value(0);
        QCOMPARE(kept.inFlightCount, 12);
        QCOMPARE(kept.inFlightBreaches, 12);
        QCOMPARE(kept.inFlight.size(), 4);
        for (int i = 0; i < 3; ++i) // the oldest: b's first scan, then the first d's
            QCOMPARE(kept.inFlight.at(i).repository, QStringLiteral("b/target-only"));
        QCOMPARE(kept.inFlight.at(3).repository, repos[3]);
        QCOMPARE(kept.inFlight.first().ageSeconds, 1200);
    }

    // A view that keeps a few rows (keepRows) still charts every arrival: the histogram and
    // the buckets are the same as without the limit, only the full samples are cut, to the
    // latest. A chart's scatter takes points spread over all arrivals, first and last included.
    void keptViewChartsEveryArrival()
    {
        QTemporaryDir dir;
        Store store(dir.filePath(QStringLiteral("kept.db")));
        QString err;
        QVERIFY(store.open(&err));
        QVERIFY(FigureTables(store).recordRegistries({{QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0},
                                                      {QStringLiteral("china"), QStringLiteral("replica"), QStringLiteral("gsoci"), 600}}));
        // Tag t is in the target from scan t; the replica has it one scan later for even t,
        // two for odd t. Arrivals: 0 at scan 1, 1 and 2 at scan 3, 3 and 4 at scan 5.
        for (int i = 0; i < 6; ++i) {
            const QDateTime at = T0.addSecs(600 * i);
            const qint64 scan = HistoryTables(store).beginScan(QStringLiteral("p.yaml"), at);
            QList<TagObservation> target, replica;
            for (int t = 0; t <= i; ++t) {
                target << tag(QStringLiteral("1.%1").arg(t), t);
                if (t + 1 + t % 2 <= i)
                    replica << tag(QStringLiteral("1.%1").arg(t), t);
            }
            HistoryTables(store).applyListing(scan, QStringLiteral("gsoci"), QStringLiteral("app"), target, true, at);
            HistoryTables(store).applyListing(scan, QStringLiteral("china"), QStringLiteral("app"), replica, true, at);
            HistoryTables(store).finishScan(ScanRecord{scan, QStringLiteral("p.yaml"), at, at, true, false, 0, 0, {}, {}});
        }
        const QDateTime now = T0.addSecs(3600);
        const ReplicaLag all = computeLag(store, QDateTime(), {}, now).replicas.value(0);
        const ReplicaLag kept = computeLag(store, QDateTime(), {}, now, 2).replicas.value(0);
        QCOMPARE(all.samples.size(), 5);
        QCOMPARE(all.arrivals.size(), 5);
        QCOMPARE(kept.samples.size(), 2);
        QCOMPARE(kept.samples.at(0).tags, QStringList{QStringLiteral("1.3")}); // the latest two, oldest first
        QCOMPARE(kept.samples.at(1).tags, QStringList{QStringLiteral("1.4")});
        QCOMPARE(kept.arrivals.size(), 5);
        QCOMPARE(kept.stats.count, 5);
        QList<int> allBins, keptBins;
        for (const HistogramBin &b : lagHistogram(all))
            allBins << b.count;
        for (const HistogramBin &b : lagHistogram(kept))
            keptBins << b.count;
        QCOMPARE(keptBins, (QList<int>{0, 0, 3, 2, 0, 0})); // 600 s three times, 1200 s twice
        QCOMPARE(keptBins, allBins);
        QCOMPARE(lagBuckets(kept, 30).size(), lagBuckets(all, 30).size());
        const QList<LagPoint> three = lagChartPoints(kept, 3);
        QCOMPARE(three.size(), 3);
        QCOMPARE(three.first().arrivedMs, T0.addSecs(600).toMSecsSinceEpoch());
        QCOMPARE(three.last().arrivedMs, T0.addSecs(3000).toMSecsSinceEpoch());
        QCOMPARE(lagChartPoints(kept, 5000).size(), 5);
    }

    // An item in flight for hours beside arrivals of seconds would flatten them on zero: the
    // axis follows the arrivals and the label names the oldest beyond it; an item in flight
    // within a few times the arrivals' lag still stretches the axis to show it.
    // One count of what is beyond the SLO, and one summary of a replica, for every face: late
    // arrivals and items in flight beyond the SLO together (the terminal, the window, lag and
    // watch each added them up on their own).
    void oneSummaryOfAReplica()
    {
        ReplicaLag rl;
        rl.replica = QStringLiteral("china");
        rl.sloSeconds = 600;
        QCOMPARE(lagSummaryParts(rl),
                 (QStringList{QStringLiteral("no arrivals measured"), QStringLiteral("0 beyond the SLO of 10m"),
                              QStringLiteral("nothing in flight")}));
        rl.stats.count = 40;
        rl.stats.p50 = 30;
        rl.stats.p90 = 90;
        rl.stats.p99 = 700;
        rl.stats.max = 900;
        rl.stats.breaches = 5;
        InFlight oldest;
        oldest.ageSeconds = 3600;
        oldest.breach = true;
        rl.inFlight = {oldest};
        rl.inFlightCount = 38;
        rl.inFlightBreaches = 38;
        rl.drifted = 2;
        QCOMPARE(beyondSlo(rl), 43);
        const QStringList parts = lagSummaryParts(rl);
        QCOMPARE(parts.size(), 4);
        QCOMPARE(parts.at(1), QStringLiteral("43 beyond the SLO of 10m"));
        QCOMPARE(parts.at(2), QStringLiteral("38 in flight (oldest 60m)"));
        QCOMPARE(parts.at(3), QStringLiteral("2 drifted"));
        LagReport report;
        report.replicas = {rl, rl};
        QCOMPARE(beyondSlo(report), 86);
    }

    void chartAxisKeepsArrivalsReadable()
    {
        ReplicaLag lag;
        lag.sloSeconds = 10;
        lag.resolutionSeconds = 4;
        for (int i = 0; i < 6; ++i)
            lag.arrivals.append({T0.addSecs(60 * i).toMSecsSinceEpoch(), qint64(15 + i)}); // 15 … 20 s
        lag.inFlight.append(InFlight{QStringLiteral("app"), dg(1), {}, T0, 3 * 3600, true});
        const LagChartScale far = lagChartScale(lag);
        QCOMPARE(far.top, 20);
        QVERIFY(far.inFlightClipped);
        QCOMPARE(far.unit, QStringLiteral("seconds"));
        QCOMPARE(far.inFlightLabel, QStringLiteral("in flight (oldest 3h00m, at the top)"));
        lag.inFlight.first().ageSeconds = 70;
        const LagChartScale near = lagChartScale(lag);
        QCOMPARE(near.top, 70);
        QVERIFY(!near.inFlightClipped);
        QCOMPARE(near.inFlightLabel, QStringLiteral("in flight (age)"));
    }

    void lagFromHistory()
    {
        QTemporaryDir dir;
        Store store(dir.filePath(QStringLiteral("lag.db")));
        QString err;
        QVERIFY(store.open(&err));
        QVERIFY(FigureTables(store).recordRegistries({{QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0},
                                                      {QStringLiteral("china"), QStringLiteral("replica"), QStringLiteral("gsoci"), 700}}));
        const QString repo = QStringLiteral("team/app");
        // Scan every 5 minutes. At the first scan both hold 1.0 (not measurable); 1.1 is in
        // the target only. 1.1 reaches China at scan 3 (10 min), 1.2 appears at scan 2 and
        // reaches China at scan 5 (15 min, beyond the SLO of 11 min 40 s); 1.3 appears at scan 3 and
        // never arrives; China's 2.0 is another digest than the target's (drift).
        QList<QList<TagObservation>> target = {
            {tag(QStringLiteral("1.0"), 1), tag(QStringLiteral("1.1"), 2), tag(QStringLiteral("2.0"), 9)},
            {tag(QStringLiteral("1.0"), 1), tag(QStringLiteral("1.1"), 2), tag(QStringLiteral("1.2"), 3), tag(QStringLiteral("2.0"), 9)},
        };
        target << (target[1] + QList<TagObservation>{tag(QStringLiteral("1.3"), 4)});
        target << target[2] << target[2];
        QList<QList<TagObservation>> china = {
            {tag(QStringLiteral("1.0"), 1), tag(QStringLiteral("2.0"), 8)},
            {tag(QStringLiteral("1.0"), 1), tag(QStringLiteral("2.0"), 8)},
            {tag(QStringLiteral("1.0"), 1), tag(QStringLiteral("1.1"), 2), tag(QStringLiteral("2.0"), 8)},
            {tag(QStringLiteral("1.0"), 1), tag(QStringLiteral("1.1"), 2), tag(QStringLiteral("2.0"), 8)},
            {tag(QStringLiteral("1.0"), 1), tag(QStringLiteral("1.1"), 2), tag(QStringLiteral("1.2"), 3), tag(QStringLiteral("2.0"), 8)},
        };
        for (int i = 0; i < 5; ++i) {
            const QDateTime at = T0.addSecs(300 * i);
            const qint64 scan = HistoryTables(store).beginScan(QStringLiteral("p.yaml"), at);
            HistoryTables(store).applyListing(scan, QStringLiteral("gsoci"), repo, target[i], true, at);
            HistoryTables(store).applyListing(scan, QStringLiteral("china"), repo, china[i], true, at.addSecs(1));
            HistoryTables(store).finishScan(ScanRecord{scan, QStringLiteral("p.yaml"), at, at.addSecs(2), true, false, 0, 0, {}, {}});
        }
        const QDateTime now = T0.addSecs(1500);
        const LagReport r = computeLag(store, QDateTime(), {}, now);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.replicas.size(), 1);
        const ReplicaLag &c = r.replicas.first();
        QCOMPARE(c.replica, QStringLiteral("china"));
        QCOMPARE(c.target, QStringLiteral("gsoci"));
        QCOMPARE(c.resolutionSeconds, 300);
        QCOMPARE(c.predates, 1);
        QCOMPARE(c.drifted, 1);
        QCOMPARE(c.samples.size(), 2);
        QCOMPARE(c.samples.at(0).tags, QStringList{QStringLiteral("1.1")});
        QCOMPARE(c.samples.at(0).lagSeconds, 601); // seen at 0:00:00, answered at 0:10:01
        QCOMPARE(c.samples.at(1).lagSeconds, 901);
        QCOMPARE(c.stats.breaches, 1);
        QCOMPARE(c.breaches.size(), 1);
        QCOMPARE(c.breaches.first().tags, QStringList{QStringLiteral("1.2")});
        QCOMPARE(c.inFlight.size(), 1);
        QCOMPARE(c.inFlight.first().tags, QStringList{QStringLiteral("1.3")});
        QCOMPARE(c.inFlight.first().ageSeconds, 900);
        QVERIFY(c.inFlight.first().breach);
        QCOMPARE(c.byRepository.value(repo).count, 2);

        // A window: only arrivals since then.
        const LagReport recent = computeLag(store, T0.addSecs(1000), {}, now);
        QCOMPARE(recent.replicas.first().samples.size(), 1);
        QCOMPARE(recent.replicas.first().inFlight.size(), 1);
        QVERIFY(!computeLag(store, QDateTime(), QStringLiteral("nowhere"), now).error.isEmpty());

        const QList<HistogramBin> bins = lagHistogram(c);
        QCOMPARE(bins.size(), 6);
        QCOMPARE(bins.at(2).count, 1); // 601 s: within the SLO
        QVERIFY(!bins.at(2).beyondSlo);
        QCOMPARE(bins.at(3).count, 1); // 901 s: within twice the SLO
        QVERIFY(bins.at(3).beyondSlo);
        const QList<LagBucket> buckets = lagBuckets(c, 30);
        int counted = 0;
        for (const LagBucket &b : buckets)
            counted += b.stats.count;
        QCOMPARE(counted, 2);
        QVERIFY(buckets.first().start.secsTo(buckets.first().end) >= c.resolutionSeconds);
    }
};

FERRY_TEST_MAIN(TestLag)
#include "tst_lagstats.moc"
