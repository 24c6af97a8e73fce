// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "lag/lag.h"

#include <QList>

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
QT_END_NAMESPACE

namespace ferry {

// One time bucket of arrivals: percentiles of the lags of digests that arrived in it.
struct LagBucket
{
    QDateTime start;
    QDateTime end;
    LagStats stats;
};
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

// The charts the Replication page shows and reports render offscreen. Callers own them.
// QChartView::setChart releases the previous chart without deleting it: this deletes it.
void replaceChart(QChartView *view, QChart *chart);

QChart *makeLagOverTimeChart(const ReplicaLag &lag);
QChart *makeLagHistogramChart(const ReplicaLag &lag);

} // namespace ferry
