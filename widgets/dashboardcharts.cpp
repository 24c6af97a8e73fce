// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "dashboardcharts.h"

#include "matrix/syncstate.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QPen>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>

namespace ferry {

namespace {

QColor stateColour(const QString &s)
{
    return QColor::fromRgb(syncstate::chartColour(syncstate::parse(s)));
}

} // namespace

QChart *makeStateTrendChart(const QList<StateCountPoint> &trend)
{
    auto *chart = new QChart;
    chart->setTitle(QStringLiteral("Tags by state after each scan"));
    QStringList states;
    int top = 1;
    for (const StateCountPoint &p : trend) {
        const QMap<QString, int> rows = p.counts.value(QString());
        for (auto it = rows.begin(); it != rows.end(); ++it) {
            if (!states.contains(it.key()))
                states << it.key();
            top = qMax(top, it.value());
        }
    }
    auto *x = new QDateTimeAxis;
    x->setFormat(trend.size() > 1 && trend.first().at.daysTo(trend.last().at) > 1 ? QStringLiteral("MM-dd HH:mm")
                                                                                  : QStringLiteral("HH:mm:ss"));
    x->setTitleText(QStringLiteral("scan (local time)"));
    if (!trend.isEmpty())
        x->setRange(trend.first().at.toLocalTime(), trend.last().at.toLocalTime());
    auto *y = new QValueAxis;
    y->setRange(0, top * 1.1);
    y->applyNiceNumbers();
    y->setLabelFormat(QStringLiteral("%d"));
    y->setTitleText(QStringLiteral("tags"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (const QString &s : std::as_const(states)) {
        auto *series = new QLineSeries;
        series->setName(s);
        QPen pen(stateColour(s));
        pen.setWidth(2);
        series->setPen(pen);
        for (const StateCountPoint &p : trend)
            series->append(qreal(p.at.toMSecsSinceEpoch()), p.counts.value(QString()).value(s));
        chart->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(y);
    }
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

void replaceChart(QChartView *view, QChart *chart)
{
    QChart *old = view->chart();
    view->setChart(chart);
    if (old != chart)
        delete old;
}

QChart *makeLagOverTimeChart(const ReplicaLag &lag)
{
    auto *chart = new QChart;
    chart->setTitle(QStringLiteral("Lag of arrivals in %1 over time").arg(lag.replica));
    const auto [buckets, top, div, unit, clipped, flightLabel] = lagChartScale(lag);
    auto *p50 = new QLineSeries;
    p50->setName(QStringLiteral("p50"));
    auto *p90 = new QLineSeries;
    p90->setName(QStringLiteral("p90"));
    auto *max = new QLineSeries;
    max->setName(QStringLiteral("max"));
    for (const LagBucket &b : buckets) {
        const qreal x = qreal(b.start.toMSecsSinceEpoch() + b.start.msecsTo(b.end) / 2);
        p50->append(x, b.stats.p50 / div);
        p90->append(x, b.stats.p90 / div);
        max->append(x, b.stats.max / div);
    }
    // The oldest items still in flight, at their age now: a lag that is still growing.
    auto *flight = new QScatterSeries;
    flight->setName(flightLabel);
    flight->setMarkerSize(9);
    flight->setColor(QColor(0xb3, 0x26, 0x1e));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (qsizetype i = 0; i < lag.inFlight.size() && i < 50; ++i)
        flight->append(qreal(now.toMSecsSinceEpoch()), qMin(double(lag.inFlight[i].ageSeconds), top * 1.05) / div); // clipped: at the top
    // Every arrival as a point: with few arrivals the percentile lines alone say little.
    auto *points = new QScatterSeries;
    points->setName(QStringLiteral("arrivals"));
    points->setMarkerSize(6);
    points->setColor(QColor(0x55, 0x55, 0x55));
    for (const LagPoint &p : lagChartPoints(lag))
        points->append(qreal(p.arrivedMs), p.lagSeconds / div);
    auto *slo = new QLineSeries;
    slo->setName(QStringLiteral("SLO %1").arg(durationText(lag.sloSeconds)));
    QPen dashed(QColor(0xb3, 0x26, 0x1e));
    dashed.setStyle(Qt::DashLine);
    dashed.setWidth(2);
    slo->setPen(dashed);
    QDateTime from = buckets.isEmpty() ? now.addSecs(-3600) : buckets.first().start;
    if (!lag.inFlight.isEmpty())
        from = qMin(from, lag.inFlight.first().targetSeen);
    slo->append(qreal(from.toMSecsSinceEpoch()), lag.sloSeconds / div);
    slo->append(qreal(now.toMSecsSinceEpoch()), lag.sloSeconds / div);
    auto *x = new QDateTimeAxis;
    x->setFormat(from.daysTo(now) > 1 ? QStringLiteral("MM-dd HH:mm") : QStringLiteral("HH:mm:ss"));
    x->setTitleText(QStringLiteral("arrival in the replica (local time)"));
    x->setRange(from.toLocalTime(), now.addMSecs(qMax<qint64>(1000, from.msecsTo(now) / 25)).toLocalTime());
    x->setTickCount(6);
    auto *y = new QValueAxis;
    y->setTitleText(QStringLiteral("lag (%1)").arg(unit));
    y->setRange(0, qMax(1.0, top / div * 1.1));
    y->applyNiceNumbers();
    y->setLabelFormat(QStringLiteral("%g"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QXYSeries *s : std::initializer_list<QXYSeries *>{points, p50, p90, max, slo, flight}) {
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

QChart *makeLagHistogramChart(const ReplicaLag &lag)
{
    auto *chart = new QChart;
    chart->setTitle(QStringLiteral("Arrivals by lag (SLO %1)").arg(durationText(lag.sloSeconds)));
    const QList<HistogramBin> bins = lagHistogram(lag);
    auto *within = new QBarSet(QStringLiteral("within the SLO"));
    auto *beyond = new QBarSet(QStringLiteral("beyond the SLO"));
    within->setColor(QColor(0x4c, 0x9a, 0x5a));
    beyond->setColor(QColor(0xb3, 0x26, 0x1e));
    QStringList labels;
    int top = 1;
    for (const HistogramBin &b : bins) {
        labels << b.label;
        *within << (b.beyondSlo ? 0 : b.count);
        *beyond << (b.beyondSlo ? b.count : 0);
        top = qMax(top, b.count);
    }
    auto *series = new QBarSeries;
    series->append(within);
    series->append(beyond);
    series->setBarWidth(0.9);
    chart->addSeries(series);
    auto *x = new QBarCategoryAxis;
    x->append(labels);
    x->setTitleText(QStringLiteral("lag, in multiples of the SLO"));
    auto *y = new QValueAxis;
    y->setRange(0, top + 1);
    if (top + 1 <= 10)
        y->setTickCount(top + 2);
    else
        y->applyNiceNumbers();
    y->setLabelFormat(QStringLiteral("%d"));
    y->setTitleText(QStringLiteral("arrivals"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

} // namespace ferry
