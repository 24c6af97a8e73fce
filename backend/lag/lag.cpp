// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "lag/lag.h"
#include "store/figuretables.h"
#include "store/historytables.h"

#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace ferry {

int beyondSlo(const ReplicaLag &rl)
{
    return rl.stats.breaches + rl.inFlightBreaches;
}

int beyondSlo(const LagReport &report)
{
    int n = 0;
    for (const ReplicaLag &rl : report.replicas)
        n += beyondSlo(rl);
    return n;
}

QStringList lagSummaryParts(const ReplicaLag &rl)
{
    QStringList parts;
    parts << (rl.stats.count > 0
                  ? QStringLiteral("p50 %1  p90 %2  p99 %3  max %4  (%L5 arrivals)")
                        .arg(durationText(rl.stats.p50), durationText(rl.stats.p90), durationText(rl.stats.p99), durationText(rl.stats.max))
                        .arg(rl.stats.count)
                  : QStringLiteral("no arrivals measured"));
    parts << QStringLiteral("%L1 beyond the SLO of %2").arg(beyondSlo(rl)).arg(durationText(rl.sloSeconds));
    parts << (rl.inFlight.isEmpty()
                  ? QStringLiteral("nothing in flight")
                  : QStringLiteral("%L1 in flight (oldest %2)").arg(rl.inFlightCount).arg(durationText(rl.inFlight.first().ageSeconds)));
    if (rl.drifted)
        parts << QStringLiteral("%L1 drifted").arg(rl.drifted);
    return parts;
}

QString durationText(qint64 s)
{
    if (s < 0)
        return QStringLiteral("-");
    if (s < 120)
        return QStringLiteral("%1s").arg(s);
    if (s < 7200)
        return QStringLiteral("%1m").arg(s / 60);
    if (s < 2 * 86400)
        return QStringLiteral("%1h%2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1d%2h").arg(s / 86400).arg((s % 86400) / 3600);
}

std::pair<double, QString> lagAxisUnit(qint64 maxSeconds)
{
    if (maxSeconds >= 3 * 3600)
        return {3600.0, QStringLiteral("hours")};
    if (maxSeconds >= 3 * 60)
        return {60.0, QStringLiteral("minutes")};
    return {1.0, QStringLiteral("seconds")};
}

LagChartScale lagChartScale(const ReplicaLag &lag)
{
    LagChartScale s;
    s.buckets = lagBuckets(lag, int(qBound(qsizetype(1), lagPoints(lag).size() / 3, qsizetype(30))));
    s.top = lag.sloSeconds;
    for (const LagBucket &b : std::as_const(s.buckets))
        s.top = qMax(s.top, b.stats.max);
    qint64 oldest = 0;
    for (const InFlight &f : lag.inFlight)
        oldest = qMax(oldest, f.ageSeconds);
    s.inFlightClipped = oldest > 4 * qMax<qint64>(1, s.top);
    if (!s.inFlightClipped)
        s.top = qMax(s.top, oldest);
    std::tie(s.secondsPerUnit, s.unit) = lagAxisUnit(s.top);
    s.inFlightLabel = s.inFlightClipped ? QStringLiteral("in flight (oldest %1, at the top)").arg(durationText(oldest))
                                        : QStringLiteral("in flight (age)");
    return s;
}

LagStats lagStats(QList<qint64> lags, qint64 slo)
{
    LagStats st;
    st.count = int(lags.size());
    if (lags.isEmpty())
        return st;
    std::sort(lags.begin(), lags.end());
    auto rank = [&](double p) {
        // Nearest rank: the smallest value with at least p of the values at or below it.
        const qsizetype n = qsizetype(std::ceil(p * double(lags.size())));
        return lags.at(std::clamp<qsizetype>(n - 1, 0, lags.size() - 1));
    };
    st.p50 = rank(0.50);
    st.p90 = rank(0.90);
    st.p99 = rank(0.99);
    st.max = lags.last();
    st.breaches = int(std::count_if(lags.begin(), lags.end(), [slo](qint64 l) { return l > slo; }));
    return st;
}

QList<LagPoint> lagPoints(const ReplicaLag &lag)
{
    if (!lag.arrivals.isEmpty() || lag.samples.isEmpty())
        return lag.arrivals;
    QList<LagPoint> points;
    points.reserve(lag.samples.size());
    for (const LagSample &s : lag.samples)
        points.append({s.replicaSeen.toMSecsSinceEpoch(), s.lagSeconds});
    return points;
}

QList<LagPoint> lagChartPoints(const ReplicaLag &lag, int maxPoints)
{
    const QList<LagPoint> all = lagPoints(lag);
    if (all.size() <= maxPoints || maxPoints <= 0)
        return maxPoints <= 0 ? QList<LagPoint>() : all;
    QList<LagPoint> out;
    out.reserve(maxPoints);
    for (int i = 0; i < maxPoints; ++i)
        out.append(all.at(qsizetype(double(i) * double(all.size() - 1) / double(maxPoints - 1))));
    return out;
}

QList<LagBucket> lagBuckets(const ReplicaLag &lag, int maxBuckets)
{
    QList<LagBucket> out;
    const QList<LagPoint> points = lagPoints(lag);
    if (points.isEmpty())
        return out;
    const qint64 span = qMax<qint64>(1, (points.last().arrivedMs - points.first().arrivedMs) / 1000);
    const qint64 widthMs = 1000 * std::max<qint64>({lag.resolutionSeconds, (span + maxBuckets - 1) / maxBuckets, qint64(1)});
    const auto at = [](qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()); };
    QList<qint64> current;
    qint64 startMs = points.first().arrivedMs;
    auto flush = [&] {
        if (!current.isEmpty())
            out.append({at(startMs), at(startMs + widthMs), lagStats(current, lag.sloSeconds)});
        current.clear();
    };
    for (const LagPoint &p : points) {
        for (; p.arrivedMs >= startMs + widthMs; startMs += widthMs)
            flush();
        current << p.lagSeconds;
    }
    flush();
    return out;
}

QList<HistogramBin> lagHistogram(const ReplicaLag &lag)
{
    const qint64 slo = qMax<qint64>(1, lag.sloSeconds);
    const struct
    {
        double factor;
        const char *label;
    } edges[] = {{0.25, "≤ ¼"}, {0.5, "≤ ½"}, {1, "≤ 1×"}, {2, "≤ 2×"}, {4, "≤ 4×"}};
    QList<HistogramBin> bins;
    for (const auto &e : edges)
        bins.append({QString::fromUtf8(e.label), 0, e.factor > 1});
    bins.append({QString::fromUtf8("> 4×"), 0, true});
    for (const LagPoint &p : lagPoints(lag)) {
        int i = 0;
        while (i < 5 && double(p.lagSeconds) > edges[i].factor * double(slo))
            ++i;
        ++bins[i].count;
    }
    return bins;
}

namespace {

qint64 medianScanInterval(const Store &store)
{
    const QList<ScanRecord> scans = HistoryTables(store).scans();
    QList<qint64> gaps; // milliseconds: timers fire a little early, whole seconds would truncate 0.98 s to 0
    for (qsizetype i = qMax<qsizetype>(1, scans.size() - 50); i < scans.size(); ++i)
        gaps << scans[i - 1].startedAt.msecsTo(scans[i].startedAt);
    if (gaps.isEmpty())
        return 0;
    std::sort(gaps.begin(), gaps.end());
    return qMax<qint64>(1, (gaps.at(gaps.size() / 2) + 500) / 1000);
}

} // namespace

namespace {

bool worseSample(const LagSample &a, const LagSample &b)
{
    // Worst first; ties by repository and digest, so that the same store prints the same
    // lines in the same order every time.
    return std::tie(b.lagSeconds, a.repository, a.digest) < std::tie(a.lagSeconds, b.repository, b.digest);
}

bool laterArrival(const LagSample &a, const LagSample &b)
{
    return std::tie(b.replicaSeen, b.repository, b.digest) < std::tie(a.replicaSeen, a.repository, a.digest);
}

bool olderInFlight(const InFlight &a, const InFlight &b)
{
    return std::tie(b.ageSeconds, a.repository, a.digest) < std::tie(a.ageSeconds, b.repository, b.digest);
}

// Sorted worst first and, with keep >= 0, cut to the worst keep. Called as the list grows
// (at twice keep) so that a million rows in flight are never all held.
template<typename T, typename Less>
void keepWorst(QList<T> *list, int keep, Less less)
{
    std::sort(list->begin(), list->end(), less);
    if (keep >= 0 && list->size() > keep)
        list->resize(keep);
}

// One repository of a replica: its arrivals, what is in flight, drift and what predates Ferry.
void lagOfRepository(const QString &repository, const QList<DigestPresence> &target, const QList<DigestPresence> &replica,
                     qint64 targetFirstScan, const QDateTime &since, const QDateTime &now, ReplicaLag *rl, QList<qint64> *repoLags,
                     bool *anyRegistryTimes)
{
    QHash<QString, const DigestPresence *> byDigest;
    QHash<QString, QString> replicaTag; // tag -> digest, to tell drift from lag
    for (const DigestPresence &p : replica) {
        byDigest.insert(p.digest, &p);
        for (const QString &t : p.currentTags)
            replicaTag.insert(t, p.digest);
    }
    for (const DigestPresence &t : target) {
        if (const DigestPresence *rp = byDigest.value(t.digest)) {
            // Both held it in the first scan that saw the repository: when it arrived is unknown.
            if (t.firstScan == targetFirstScan && rp->firstScan == t.firstScan) {
                ++rl->predates;
                continue;
            }
            if (since.isValid() && rp->firstSeen < since)
                continue;
            LagSample s{repository,  t.digest,      t.currentTags.isEmpty() ? rp->currentTags : t.currentTags,
                        t.firstSeen, rp->firstSeen, qMax<qint64>(0, t.firstSeen.secsTo(rp->firstSeen)),
                        -1};
            if (t.registryCreated.isValid() && rp->registryCreated.isValid()) {
                s.registryLagSeconds = qMax<qint64>(0, t.registryCreated.secsTo(rp->registryCreated));
                *anyRegistryTimes = true;
            }
            *repoLags << s.lagSeconds;
            if (s.lagSeconds > rl->sloSeconds)
                rl->breaches << s;
            rl->arrivals.append({s.replicaSeen.toMSecsSinceEpoch(), s.lagSeconds});
            rl->samples << s;
            continue;
        }
        if (!t.current)
            continue; // gone from the target before it reached the replica
        bool drift = false;
        for (const QString &tag : t.currentTags) {
            const QString other = replicaTag.value(tag);
            drift = drift || (!other.isEmpty() && other != t.digest);
        }
        if (drift) {
            ++rl->drifted;
            continue;
        }
        InFlight f{repository, t.digest, t.currentTags, t.firstSeen, t.firstSeen.secsTo(now), false};
        f.breach = f.ageSeconds > rl->sloSeconds;
        ++rl->inFlightCount;
        rl->inFlightBreaches += f.breach ? 1 : 0;
        rl->inFlight << f;
    }
}

} // namespace

LagReport computeLag(const Store &store, const QDateTime &since, const QString &onlyReplica, const QDateTime &now, int keepRows)
{
    LagReport report;
    report.generatedAt = now;
    report.since = since;
    const QList<RegistryRecord> regs = FigureTables(store).registries();
    const qint64 resolution = medianScanInterval(store);
    for (const RegistryRecord &r : regs) {
        if (r.role != u"replica" || (!onlyReplica.isEmpty() && r.name != onlyReplica))
            continue;
        ReplicaLag rl;
        rl.replica = r.name;
        rl.target = r.of;
        rl.sloSeconds = r.lagSloSeconds;
        rl.resolutionSeconds = resolution;
        rl.timeSource = QStringLiteral("Ferry's observations (scan times)");
        const QHash<QString, qint64> targetFirst = HistoryTables(store).repositoryFirstScan(r.of);
        bool anyRegistryTimes = false;
        // One repository at a time: the registries are never held whole.
        HistoryTables(store).visitDigestPresencePairs(
            r.of, r.name, [&](const QString &repository, const QList<DigestPresence> &target, const QList<DigestPresence> &replica) {
                if (target.isEmpty())
                    return true; // only in the replica: nothing to wait for
                QList<qint64> repoLags;
                lagOfRepository(repository, target, replica, targetFirst.value(repository), since, now, &rl, &repoLags, &anyRegistryTimes);
                if (!repoLags.isEmpty())
                    rl.byRepository.insert(repository, lagStats(repoLags, rl.sloSeconds));
                if (keepRows >= 0 && rl.inFlight.size() > 2 * keepRows + 1024)
                    keepWorst(&rl.inFlight, keepRows, olderInFlight);
                if (keepRows >= 0 && rl.breaches.size() > 2 * keepRows + 1024)
                    keepWorst(&rl.breaches, keepRows, worseSample);
                if (keepRows >= 0 && rl.samples.size() > 2 * keepRows + 1024)
                    keepWorst(&rl.samples, keepRows, laterArrival);
                return true;
            });
        if (anyRegistryTimes)
            rl.timeSource += QStringLiteral("; registryLagSeconds from the registries' creation times");
        QList<qint64> lags; // every arrival's lag, from the points that keep them
        lags.reserve(rl.arrivals.size());
        for (const LagPoint &p : std::as_const(rl.arrivals))
            lags << p.lagSeconds;
        rl.stats = lagStats(lags, rl.sloSeconds);
        if (keepRows >= 0)
            keepWorst(&rl.samples, keepRows, laterArrival);
        auto byArrival = [](const LagSample &a, const LagSample &b) {
            return std::tie(a.replicaSeen, a.repository, a.digest) < std::tie(b.replicaSeen, b.repository, b.digest);
        };
        std::sort(rl.samples.begin(), rl.samples.end(), byArrival);
        std::sort(rl.arrivals.begin(), rl.arrivals.end(), [](const LagPoint &a, const LagPoint &b) {
            return std::tie(a.arrivedMs, a.lagSeconds) < std::tie(b.arrivedMs, b.lagSeconds);
        });
        keepWorst(&rl.breaches, keepRows, worseSample);
        keepWorst(&rl.inFlight, keepRows, olderInFlight);
        report.replicas << rl;
    }
    if (report.replicas.isEmpty())
        report.error = onlyReplica.isEmpty() ? QStringLiteral("the database knows no replica (role: replica); scan a plan that has one")
                                             : QStringLiteral("the database knows no replica named %1").arg(onlyReplica);
    return report;
}

} // namespace ferry
