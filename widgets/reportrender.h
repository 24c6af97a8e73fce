// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "report/report.h"

#include <QByteArray>
#include <QImage>

QT_BEGIN_NAMESPACE
class QChart;
QT_END_NAMESPACE

namespace ferry {

// The charts a report holds: rows by state over the period, and per replica the lag over
// time and the histogram. The same chart code as the dashboard, rendered offscreen; needs
// a QApplication (the offscreen platform is enough) and the GUI thread.
QChart *makeStateTrendChart(const QList<StateCountPoint> &trend);
QByteArray chartSvg(QChart *chart, const QSize &size);
QImage chartImage(QChart *chart, const QSize &size, qreal scale);

// Self-contained HTML: styles inline, charts as inline SVG.
QByteArray reportHtml(const ReportData &data, int topN = 50, const QStringList &sections = {});
// A paged PDF (A4): the same content, charts as high-resolution images, a header with the
// plan and the date on every page and "page N of M" at the foot. Returns the page count,
// or 0 when the file cannot be written.
int writeReportPdf(const ReportData &data, const QString &path, int topN = 50, const QStringList &sections = {});

} // namespace ferry
