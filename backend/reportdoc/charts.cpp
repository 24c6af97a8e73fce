// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "reportdoc/charts.h"

#include "matrix/syncstate.h"

#include <QBuffer>
#include <QFontMetricsF>
#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QSvgGenerator>

#include <cmath>

namespace ferry {

namespace {

constexpr quint32 kSloRed = 0xb3261e;

QString timeFormatFor(qint64 spanMs)
{
    return spanMs > 86'400'000 ? QStringLiteral("MM-dd HH:mm") : QStringLiteral("HH:mm:ss");
}

QColor colourOf(quint32 rgb)
{
    return QColor::fromRgb(rgb);
}

} // namespace

ChartSpec stateTrendChart(const QList<StateCountPoint> &trend)
{
    ChartSpec c;
    c.title = QStringLiteral("Tags by state after each scan");
    c.xTitle = QStringLiteral("scan (local time)");
    c.yTitle = QStringLiteral("tags");
    if (!trend.isEmpty()) {
        c.xMin = qreal(trend.first().at.toMSecsSinceEpoch());
        c.xMax = qreal(trend.last().at.toMSecsSinceEpoch());
        c.timeFormat = timeFormatFor(trend.first().at.msecsTo(trend.last().at));
    }
    QStringList states;
    for (const StateCountPoint &p : trend) {
        const QMap<QString, int> rows = p.counts.value(QString());
        for (auto it = rows.begin(); it != rows.end(); ++it) {
            if (!states.contains(it.key()))
                states << it.key();
            c.yMax = qMax(c.yMax, qreal(it.value()));
        }
    }
    for (const QString &s : std::as_const(states)) {
        ChartSeries series;
        series.name = s;
        series.colour = syncstate::chartColour(syncstate::parse(s));
        for (const StateCountPoint &p : trend)
            series.points.append({qreal(p.at.toMSecsSinceEpoch()), qreal(p.counts.value(QString()).value(s))});
        c.series.append(series);
    }
    return c;
}

ChartSpec lagOverTimeChart(const ReplicaLag &lag, const QDateTime &now)
{
    ChartSpec c;
    c.title = QStringLiteral("Lag of arrivals in %1 over time").arg(lag.replica);
    c.xTitle = QStringLiteral("arrival in the replica (local time)");
    c.integerY = false;
    const auto [buckets, top, div, unit, clipped, flightLabel] = lagChartScale(lag);
    c.yTitle = QStringLiteral("lag (%1)").arg(unit);
    c.yMax = qMax(1.0, top / div * 1.1);
    QDateTime from = buckets.isEmpty() ? now.addSecs(-3600) : buckets.first().start;
    if (!lag.inFlight.isEmpty())
        from = qMin(from, lag.inFlight.first().targetSeen);
    c.xMin = qreal(from.toMSecsSinceEpoch());
    c.xMax = qreal(now.addMSecs(qMax<qint64>(1000, from.msecsTo(now) / 25)).toMSecsSinceEpoch());
    c.timeFormat = timeFormatFor(from.msecsTo(now));

    // Every arrival as a point: with few arrivals the percentile lines alone say little.
    ChartSeries points{QStringLiteral("arrivals"), ChartSeries::Kind::Points, 0x555555, 6, {}};
    for (const LagPoint &p : lagChartPoints(lag))
        points.points.append({qreal(p.arrivedMs), p.lagSeconds / div});
    ChartSeries p50{QStringLiteral("p50"), ChartSeries::Kind::Line, 0x1565c0, 2, {}};
    ChartSeries p90{QStringLiteral("p90"), ChartSeries::Kind::Line, 0xef6c00, 2, {}};
    ChartSeries max{QStringLiteral("max"), ChartSeries::Kind::Line, 0x8e24aa, 2, {}};
    for (const LagBucket &b : buckets) {
        const qreal x = qreal(b.start.toMSecsSinceEpoch() + b.start.msecsTo(b.end) / 2);
        p50.points.append({x, b.stats.p50 / div});
        p90.points.append({x, b.stats.p90 / div});
        max.points.append({x, b.stats.max / div});
    }
    ChartSeries slo{QStringLiteral("SLO %1").arg(durationText(lag.sloSeconds)), ChartSeries::Kind::DashedLine, kSloRed, 2, {}};
    slo.points = {{c.xMin, lag.sloSeconds / div}, {qreal(now.toMSecsSinceEpoch()), lag.sloSeconds / div}};
    // The oldest items still in flight, at their age now: a lag that is still growing.
    ChartSeries flight{flightLabel, ChartSeries::Kind::Points, kSloRed, 9, {}};
    for (qsizetype i = 0; i < lag.inFlight.size() && i < 50; ++i)
        flight.points.append({qreal(now.toMSecsSinceEpoch()), qMin(double(lag.inFlight[i].ageSeconds), top * 1.05) / div});
    c.series = {points, p50, p90, max, slo, flight};
    return c;
}

ChartSpec lagHistogramChart(const ReplicaLag &lag)
{
    ChartSpec c;
    c.title = QStringLiteral("Arrivals by lag (SLO %1)").arg(durationText(lag.sloSeconds));
    c.xTitle = QStringLiteral("lag, in multiples of the SLO");
    c.yTitle = QStringLiteral("arrivals");
    c.timeAxis = false;
    ChartSeries within{QStringLiteral("within the SLO"), ChartSeries::Kind::Bars, 0x4c9a5a, 0, {}};
    ChartSeries beyond{QStringLiteral("beyond the SLO"), ChartSeries::Kind::Bars, kSloRed, 0, {}};
    const QList<HistogramBin> bins = lagHistogram(lag);
    for (qsizetype i = 0; i < bins.size(); ++i) {
        c.categories << bins[i].label;
        (bins[i].beyondSlo ? beyond : within).points.append({qreal(i), qreal(bins[i].count)});
        c.yMax = qMax(c.yMax, qreal(bins[i].count) + 1);
    }
    c.series = {within, beyond};
    return c;
}

QList<qreal> niceTicks(qreal max, int ticks, bool integer)
{
    max = qMax<qreal>(max, integer ? 1 : 1e-9);
    const qreal raw = max / qMax(1, ticks);
    const qreal magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    qreal step = magnitude;
    for (qreal m : {1.0, 2.0, 5.0, 10.0})
        if (m * magnitude >= raw) {
            step = m * magnitude;
            break;
        }
    if (integer)
        step = qMax<qreal>(1, std::ceil(step));
    QList<qreal> out;
    for (qreal v = 0; v < max + step * 0.999 && out.size() < 100; v += step)
        out << v;
    return out;
}

namespace {

// Where values land in the plot's frame.
struct Plot
{
    const ChartSpec &spec;
    QRectF frame;
    qreal yTop;
    qreal x(qreal v) const
    {
        if (!spec.timeAxis) {
            const qreal slot = frame.width() / qMax<qsizetype>(1, spec.categories.size());
            return frame.left() + slot * (v + 0.5);
        }
        const qreal span = spec.xMax > spec.xMin ? spec.xMax - spec.xMin : 1;
        return frame.left() + (v - spec.xMin) / span * frame.width();
    }
    qreal y(qreal v) const { return frame.bottom() - v / yTop * frame.height(); }
};

// The series, clipped to the plot.
void paintSeries(QPainter &p, const Plot &plot)
{
    const ChartSpec &spec = plot.spec;
    const QRectF &frame = plot.frame;
    auto mapX = [&](qreal x) { return plot.x(x); };
    auto mapY = [&](qreal y) { return plot.y(y); };
    p.save();
    p.setClipRect(frame.adjusted(-6, -6, 6, 1));
    QHash<qint64, qreal> stacked; // bars: the height already drawn per category
    for (const ChartSeries &s : spec.series) {
        const QColor colour = colourOf(s.colour);
        switch (s.kind) {
        case ChartSeries::Kind::Line:
        case ChartSeries::Kind::DashedLine: {
            QPen pen(colour, s.size);
            pen.setStyle(s.kind == ChartSeries::Kind::DashedLine ? Qt::DashLine : Qt::SolidLine);
            p.setPen(pen);
            p.setBrush(Qt::NoBrush);
            QPainterPath path;
            for (qsizetype i = 0; i < s.points.size(); ++i) {
                const QPointF pt(mapX(s.points[i].x()), mapY(s.points[i].y()));
                i == 0 ? path.moveTo(pt) : path.lineTo(pt);
            }
            p.drawPath(path);
            break;
        }
        case ChartSeries::Kind::Points:
            p.setPen(Qt::NoPen);
            p.setBrush(colour);
            for (const QPointF &pt : s.points)
                p.drawEllipse(QPointF(mapX(pt.x()), mapY(pt.y())), s.size / 2, s.size / 2);
            break;
        case ChartSeries::Kind::Bars: {
            // Stacked per category: within and beyond the SLO share a column.
            const qreal slot = frame.width() / qMax<qsizetype>(1, spec.categories.size());
            p.setPen(Qt::NoPen);
            p.setBrush(colour);
            for (const QPointF &pt : s.points) {
                qreal &base = stacked[qint64(pt.x())];
                const qreal left = mapX(pt.x()) - slot * 0.35;
                p.drawRect(QRectF(QPointF(left, mapY(base + pt.y())), QPointF(left + slot * 0.7, mapY(base))));
                base += pt.y();
            }
            break;
        }
        }
    }
    p.restore();
}

// A swatch and a name per series, centred under the chart.
void paintLegend(QPainter &p, const QRectF &area, const ChartSpec &spec, const QFontMetricsF &fm)
{
    const qreal line = fm.height();
    const qreal legendHeight = line + 10;
    qreal legendWidth = 0;
    for (const ChartSeries &s : spec.series)
        legendWidth += 22 + fm.horizontalAdvance(s.name) + 18;
    qreal x = area.left() + qMax<qreal>(0, (area.width() - legendWidth) / 2);
    const qreal y = area.bottom() - legendHeight + 4;
    for (const ChartSeries &s : spec.series) {
        const QColor colour = colourOf(s.colour);
        if (s.kind == ChartSeries::Kind::Points) {
            p.setPen(Qt::NoPen);
            p.setBrush(colour);
            p.drawEllipse(QPointF(x + 8, y + line / 2), 4, 4);
        } else {
            p.fillRect(QRectF(x, y + line / 2 - 4, 16, 8), colour);
        }
        p.setPen(QColor(0x33, 0x33, 0x33));
        p.drawText(QRectF(x + 22, y, fm.horizontalAdvance(s.name) + 2, line), Qt::AlignLeft | Qt::AlignVCenter, s.name);
        x += 22 + fm.horizontalAdvance(s.name) + 18;
    }
}

} // namespace

void paintChart(QPainter &p, const QRectF &area, const ChartSpec &spec)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPixelSize(12);
    QFont titleFont = font;
    titleFont.setPixelSize(15);
    titleFont.setBold(true);
    const QFontMetricsF fm(font);
    const qreal line = fm.height();
    const QList<qreal> yTicks = niceTicks(spec.yMax, 5, spec.integerY);
    const qreal yTop = yTicks.isEmpty() ? 1 : yTicks.last();
    auto yLabel = [&](qreal v) { return spec.integerY ? QString::number(qint64(v)) : QString::number(v, 'g', 4); };
    qreal labelWidth = 0;
    for (qreal v : yTicks)
        labelWidth = qMax(labelWidth, fm.horizontalAdvance(yLabel(v)));

    // Title, legend at the foot, axis titles, then what is left is the plot.
    p.setPen(Qt::black);
    p.setFont(titleFont);
    const qreal titleHeight = QFontMetricsF(titleFont).height() + 8;
    p.drawText(QRectF(area.left(), area.top(), area.width(), titleHeight), Qt::AlignCenter, spec.title);
    p.setFont(font);
    const qreal legendHeight = line + 10;
    QRectF frame(area.left() + line + labelWidth + 14, area.top() + titleHeight + 6, 0, 0);
    frame.setRight(area.right() - 16);
    frame.setBottom(area.bottom() - legendHeight - 2 * line - 12);
    if (frame.width() < 10 || frame.height() < 10) {
        p.restore();
        return;
    }
    const Plot plot{spec, frame, yTop};
    auto mapX = [&](qreal x) { return plot.x(x); };
    auto mapY = [&](qreal y) { return plot.y(y); };

    // Grid and y axis.
    p.setPen(QPen(QColor(0xdd, 0xdd, 0xdd), 1));
    for (qreal v : yTicks) {
        const qreal y = mapY(v);
        p.drawLine(QPointF(frame.left(), y), QPointF(frame.right(), y));
    }
    p.setPen(QColor(0x33, 0x33, 0x33));
    for (qreal v : yTicks)
        p.drawText(QRectF(frame.left() - labelWidth - 8, mapY(v) - line / 2, labelWidth + 2, line), Qt::AlignRight | Qt::AlignVCenter,
                   yLabel(v));
    p.drawLine(frame.bottomLeft(), frame.bottomRight());
    p.drawLine(frame.bottomLeft(), frame.topLeft());
    // x axis labels.
    if (spec.timeAxis) {
        const int n = 6;
        for (int i = 0; i < n; ++i) {
            const qreal x = spec.xMin + (spec.xMax - spec.xMin) * i / (n - 1);
            const QString text = QDateTime::fromMSecsSinceEpoch(qint64(x)).toLocalTime().toString(spec.timeFormat);
            const qreal w = fm.horizontalAdvance(text);
            const qreal left = qBound(area.left(), mapX(x) - w / 2, area.right() - w);
            p.drawText(QRectF(left, frame.bottom() + 4, w + 1, line), Qt::AlignLeft, text);
        }
    } else {
        for (qsizetype i = 0; i < spec.categories.size(); ++i) {
            const qreal slot = frame.width() / spec.categories.size();
            p.drawText(QRectF(mapX(i) - slot / 2, frame.bottom() + 4, slot, line), Qt::AlignHCenter, spec.categories[i]);
        }
    }
    p.drawText(QRectF(frame.left(), frame.bottom() + line + 6, frame.width(), line), Qt::AlignHCenter, spec.xTitle);
    p.save();
    p.translate(area.left() + line / 2 + 2, frame.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-frame.height() / 2, -line / 2, frame.height(), line), Qt::AlignCenter, spec.yTitle);
    p.restore();

    paintSeries(p, plot);
    paintLegend(p, area, spec, fm);
    p.restore();
}

QByteArray chartSvg(const ChartSpec &spec, const QSize &size)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator gen;
    gen.setOutputDevice(&buffer);
    gen.setSize(size);
    gen.setViewBox(QRect(QPoint(0, 0), size));
    gen.setTitle(spec.title);
    QPainter p(&gen);
    paintChart(p, QRectF(QPointF(0, 0), size), spec);
    p.end();
    QByteArray svg = buffer.data();
    // Inline SVG: drop the XML prolog.
    const qsizetype start = svg.indexOf("<svg");
    return start > 0 ? svg.mid(start) : svg;
}

QImage chartImage(const ChartSpec &spec, const QSize &size, qreal scale)
{
    QImage img(size * scale, QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::white);
    QPainter p(&img);
    p.scale(scale, scale);
    paintChart(p, QRectF(QPointF(0, 0), size), spec);
    p.end();
    return img;
}

} // namespace ferry
