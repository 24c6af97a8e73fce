// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "lag/lag.h"
#include "store/store.h"

#include <QList>

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
QT_END_NAMESPACE

namespace ferry {

// The dashboard's live charts (Qt Charts: hover, resize). Reports draw theirs with
// reportdoc/charts.h instead. Callers own the charts.
// QChartView::setChart releases the previous chart without deleting it: this deletes it.
void replaceChart(QChartView *view, QChart *chart);

QChart *makeStateTrendChart(const QList<StateCountPoint> &trend);
QChart *makeLagOverTimeChart(const ReplicaLag &lag);
QChart *makeLagHistogramChart(const ReplicaLag &lag);

} // namespace ferry
