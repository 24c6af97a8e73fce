// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "report/report.h"

#include <QByteArray>

namespace ferry {

// The report as documents for people: HTML and PDF with charts, drawn with QPainter (no
// Qt Widgets, no Qt Charts, no display; a QGuiApplication on the offscreen platform is
// enough). ferryctl report and the dashboard's Export both write through these.

// Self-contained HTML: styles inline, charts as inline SVG.
QByteArray reportHtml(const ReportData &data, int topN = 50, const QStringList &sections = {});
// A paged PDF (A4): the same content, charts as high-resolution images, a header with the
// plan and the date on every page and "page N of M" at the foot. Returns the page count,
// or 0 when the file cannot be written.
int writeReportPdf(const ReportData &data, const QString &path, int topN = 50, const QStringList &sections = {});

} // namespace ferry
