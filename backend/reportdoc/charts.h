// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "lag/lag.h"
#include "store/store.h"

#include <QByteArray>
#include <QImage>
#include <QList>
#include <QPointF>
#include <QRectF>
#include <QSize>
#include <QStringList>

class QPainter;

namespace ferry {

// A report chart as data: what to draw, not how. The builders below are plain functions of
// the report's figures; paintChart draws a spec with QPainter on any device (an SVG, an
// image for the PDF), so reports need neither Qt Widgets nor Qt Charts nor a display.
struct ChartSeries
{
    enum class Kind { Line, DashedLine, Points, Bars };
    QString name;
    Kind kind = Kind::Line;
    quint32 colour = 0x555555; // 0xRRGGBB
    qreal size = 2; // line width or point diameter, in pixels at scale 1
    QList<QPointF> points; // x in ms since the epoch (time axis) or a category index (bars)
};

struct ChartSpec
{
    QString title;
    QString xTitle;
    QString yTitle;
    bool timeAxis = true; // false: x is a category index into categories
    QStringList categories;
    QString timeFormat = QStringLiteral("HH:mm:ss"); // time-axis labels, local time
    qreal xMin = 0, xMax = 1; // time axis range
    qreal yMax = 1; // the axis runs from 0 to a nice number at or above this
    bool integerY = true; // tick labels without decimals
    QList<ChartSeries> series;
};

// Rows by state after each scan (the rows' counts, "" in StateCountPoint::counts).
ChartSpec stateTrendChart(const QList<StateCountPoint> &trend);
// Arrivals in the replica over time (p50, p90, max per period, every arrival), the SLO, and
// the oldest items still in flight at their age now.
ChartSpec lagOverTimeChart(const ReplicaLag &lag, const QDateTime &now = QDateTime::currentDateTimeUtc());
// Arrivals by lag in multiples of the SLO, within and beyond it.
ChartSpec lagHistogramChart(const ReplicaLag &lag);

// Axis ticks from 0: a step of 1, 2 or 5 times a power of ten, about `ticks` of them.
QList<qreal> niceTicks(qreal max, int ticks = 5, bool integer = true);

void paintChart(QPainter &painter, const QRectF &area, const ChartSpec &spec);
// Inline SVG (no XML prolog), size in pixels.
QByteArray chartSvg(const ChartSpec &spec, const QSize &size);
// A white image of size × scale pixels (the PDF embeds it at size).
QImage chartImage(const ChartSpec &spec, const QSize &size, qreal scale);

} // namespace ferry
