// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "store/store.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

#include <utility>

namespace ferry {

// One digest that reached a replica: when the target first had it, when the replica first
// answered with it. Times are Ferry's observations (a scan's time), so a lag is known to
// within the scan interval; registryLagSeconds uses the registries' own creation times
// where both APIs give them (ACR), -1 otherwise.
struct LagSample
{
    QString repository;
    QString digest;
    QStringList tags;
    QDateTime targetSeen;
    QDateTime replicaSeen;
    qint64 lagSeconds = 0;
    qint64 registryLagSeconds = -1;
};

// One arrival reduced to what charts and histograms need: 16 bytes, so that every arrival
// of a million can be kept where the samples themselves are not.
struct LagPoint
{
    qint64 arrivedMs = 0; // when the replica first answered with it (ms since the epoch, UTC)
    qint64 lagSeconds = 0;
};

// In the target, not (yet) in the replica: its age so far.
struct InFlight
{
    QString repository;
    QString digest;
    QStringList tags;
    QDateTime targetSeen;
    qint64 ageSeconds = 0;
    bool breach = false;
};

struct LagStats
{
    int count = 0;
    qint64 p50 = 0;
    qint64 p90 = 0;
    qint64 p99 = 0;
    qint64 max = 0;
    int breaches = 0;
};
// Nearest-rank percentiles of a set of lags (seconds).
LagStats lagStats(QList<qint64> lags, qint64 sloSeconds);

struct ReplicaLag
{
    QString replica;
    QString target;
    qint64 sloSeconds = 0;
    qint64 resolutionSeconds = 0; // median time between scans: what a lag is known to within
    QString timeSource; // which times the figures use
    LagStats stats;
    QMap<QString, LagStats> byRepository;
    QList<LagPoint> arrivals; // every arrival in the window, oldest first: charts and histograms use these
    QList<LagSample> samples; // arrivals in the window in full, oldest first (the latest keepRows of computeLag, if given)
    QList<LagSample> breaches; // samples beyond the SLO, worst first (stats.breaches counts them all)
    QList<InFlight> inFlight; // oldest first (the oldest keepRows of computeLag, if given)
    int inFlightCount = 0; // every digest in flight, kept or not
    int inFlightBreaches = 0; // of those, beyond the SLO
    int drifted = 0; // the replica holds another digest: drift, not lag
    int predates = 0; // both already held it when Ferry first looked: not measurable
};

struct LagReport
{
    QDateTime generatedAt;
    QDateTime since;
    QList<ReplicaLag> replicas;
    QString error; // the database knows no replicas, or none by that name
};

// Lag of every replica (or one) from the store's history: arrivals since `since` (invalid:
// all), everything in flight now. Read one repository at a time. keepRows >= 0 keeps only
// that many of the worst breaches, the oldest in flight and the latest samples (a view that
// shows a few hundred need not hold a million); the counts, percentiles, `arrivals` and
// everything derived from them (buckets, histogram) are over all of them.
LagReport computeLag(const Store &store, const QDateTime &since, const QString &onlyReplica = {},
                     const QDateTime &now = QDateTime::currentDateTimeUtc(), int keepRows = -1);

QString durationText(qint64 seconds);

// What is beyond a replica's SLO: the arrivals that came late and the items in flight for longer
// than the SLO. The one count every face says ("N beyond the SLO") and `lag --fail-on-breach` tests.
int beyondSlo(const ReplicaLag &rl);
int beyondSlo(const LagReport &report); // over every replica
// A replica's lag in a few parts, for one line of any face: the percentiles (or "no arrivals
// measured"), what is beyond the SLO, what is in flight, what drifted.
QStringList lagSummaryParts(const ReplicaLag &rl);
// The unit a lag axis reads best in for its largest value: {seconds per unit, its name}.
std::pair<double, QString> lagAxisUnit(qint64 maxSeconds);

// One time bucket of arrivals: percentiles of the lags of digests that arrived in it.
struct LagBucket
{
    QDateTime start;
    QDateTime end;
    LagStats stats;
};
// The arrivals a chart or histogram counts: `arrivals`, or, for a ReplicaLag put together by
// hand with samples only, the samples reduced to points.
QList<LagPoint> lagPoints(const ReplicaLag &lag);
// At most maxPoints of them, spread evenly over all arrivals (a scatter of a million points
// draws no better than one of a few thousand), oldest first.
QList<LagPoint> lagChartPoints(const ReplicaLag &lag, int maxPoints = 5000);

// Buckets of at least the measurement resolution, at most `maxBuckets` over the span.
QList<LagBucket> lagBuckets(const ReplicaLag &lag, int maxBuckets = 30);

// Histogram classes relative to the SLO: ≤¼, ≤½, ≤1, ≤2, ≤4 and >4 times the SLO.
struct HistogramBin
{
    QString label;
    int count = 0;
    bool beyondSlo = false;
};
QList<HistogramBin> lagHistogram(const ReplicaLag &lag);

// What a chart of lag over time needs, for the dashboard's chart and the report's alike: the
// arrivals in periods (about three per period, at most 30), the largest lag or age to show (at
// least the SLO), and the axis unit that suits it. An item in flight far older than every
// arrival (more than 4 times the largest lag or the SLO) does not stretch the axis, or the
// arrivals would lie flat on zero: the chart draws such items at the top and says so.
struct LagChartScale
{
    QList<LagBucket> buckets;
    qint64 top = 0;
    double secondsPerUnit = 1;
    QString unit;
    bool inFlightClipped = false; // some item in flight is older than top
    // The in-flight series' name: "in flight (age)", or "in flight (oldest 3h14m, at the top)".
    QString inFlightLabel;
};
LagChartScale lagChartScale(const ReplicaLag &lag);

} // namespace ferry
