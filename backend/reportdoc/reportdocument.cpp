// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "reportdoc/reportdocument.h"

#include "reportdoc/charts.h"

#include <QAbstractTextDocumentLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QTextCursor>
#include <QTextDocument>

namespace ferry {

namespace {

const char kStyle[] =
    "body{font-family:-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;max-width:1100px;margin:2em "
    "auto;color:#1d1d1f;line-height:1.45}"
    "h1{font-size:1.6em;border-bottom:2px solid #1565c0;padding-bottom:.3em}h2{font-size:1.25em;margin-top:1.6em;color:#1565c0}"
    "table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #d0d7de;padding:.25em .6em;font-size:.92em}"
    "th{background:#f3f6fa}code{font-family:'DejaVu Sans Mono',monospace;font-size:.9em}.charts svg{max-width:100%;height:auto}";

const QSize kChartSize(900, 420);

struct ReportChart
{
    QString caption;
    ChartSpec spec;
};

QList<ReportChart> reportCharts(const ReportData &d, const QStringList &sections)
{
    QList<ReportChart> out;
    auto want = [&](const char *s) { return sections.isEmpty() || sections.contains(QLatin1String(s)); };
    if (d.trend.size() >= 2 && want("states"))
        out.append({QStringLiteral("Tags by state over the period"), stateTrendChart(d.trend)});
    for (const ReplicaLag &r : d.lag.replicas) {
        if (!want("lag"))
            break;
        out.append({QStringLiteral("Replication lag of %1").arg(r.replica), lagOverTimeChart(r, d.generatedAt)});
        out.append({QStringLiteral("Arrivals in %1 by lag").arg(r.replica), lagHistogramChart(r)});
    }
    return out;
}

} // namespace

QByteArray reportHtml(const ReportData &data, int topN, const QStringList &sections)
{
    QTextDocument doc;
    doc.setMarkdown(QString::fromUtf8(reportMarkdown(data, topN, sections)));
    QString body = doc.toHtml();
    // Keep the body of Qt's HTML, with our own styles around it.
    const qsizetype b = body.indexOf(QStringLiteral("<body"));
    const qsizetype bodyStart = b >= 0 ? body.indexOf(u'>', b) + 1 : 0;
    const qsizetype bodyEnd = body.lastIndexOf(QStringLiteral("</body>"));
    body = body.mid(bodyStart, bodyEnd > bodyStart ? bodyEnd - bodyStart : -1);
    QString charts;
    for (const ReportChart &c : reportCharts(data, sections))
        charts += QStringLiteral("<h3>%1</h3>\n").arg(c.caption.toHtmlEscaped()) + QString::fromUtf8(chartSvg(c.spec, kChartSize)) + u'\n';
    const QString html =
        QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%1</title><style>%2</style></head>\n"
                       "<body>\n%3\n<h2>Charts</h2>\n<div class=\"charts\">\n%4</div>\n</body></html>\n")
            .arg(QStringLiteral("Registry migration status: %1").arg(data.planName).toHtmlEscaped(), QLatin1String(kStyle), body,
                 charts.isEmpty() ? QStringLiteral("<p>No trend or replica yet.</p>") : charts);
    return html.toUtf8();
}

int writeReportPdf(const ReportData &data, const QString &path, int topN, const QStringList &sections)
{
    QPdfWriter pdf(path);
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setPageMargins(QMarginsF(15, 18, 15, 18), QPageLayout::Millimeter);
    pdf.setResolution(150);
    pdf.setTitle(QStringLiteral("Registry migration status: %1").arg(data.planName));
    pdf.setCreator(QStringLiteral("Ferry"));
    QTextDocument doc;
    doc.setDefaultFont(QFont(QStringLiteral("DejaVu Sans"), 9));
    doc.setMarkdown(QString::fromUtf8(reportMarkdown(data, topN, sections)));
    const QRect page = pdf.pageLayout().paintRectPixels(pdf.resolution());
    const int header = 40, footer = 40;
    const QSizeF body(page.width(), page.height() - header - footer);
    // Lay out in 96 dpi units, scaled to the writer's resolution when painting.
    const qreal scale = pdf.resolution() / 96.0;
    doc.setPageSize(QSizeF(body.width() / scale, body.height() / scale));
    QTextCursor cursor(&doc);
    cursor.movePosition(QTextCursor::End);
    const QList<ReportChart> charts = reportCharts(data, sections);
    if (!charts.isEmpty()) {
        cursor.insertBlock();
        QTextCharFormat heading;
        heading.setFontWeight(QFont::Bold);
        heading.setFontPointSize(13);
        cursor.insertText(QStringLiteral("Charts"), heading);
    }
    int n = 0;
    const qreal width = doc.pageSize().width() - 2 * doc.documentMargin() - 4;
    for (const ReportChart &c : charts) {
        const QString name = QStringLiteral("chart%1.png").arg(n++);
        const QImage img = chartImage(c.spec, kChartSize, 2.5);
        doc.addResource(QTextDocument::ImageResource, QUrl(name), img);
        cursor.insertBlock();
        QTextCharFormat caption;
        caption.setFontWeight(QFont::Bold);
        cursor.insertText(c.caption, caption);
        cursor.insertBlock();
        QTextImageFormat f;
        f.setName(name);
        f.setWidth(width);
        f.setHeight(width * 420.0 / 900.0);
        cursor.insertImage(f);
    }
    const int pages = doc.pageCount();
    QPainter p;
    if (!p.begin(&pdf))
        return 0;
    const QString title =
        QStringLiteral("Ferry · %1 · %2").arg(data.planName, data.generatedAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")));
    for (int i = 0; i < pages; ++i) {
        if (i > 0)
            pdf.newPage();
        p.save();
        p.setFont(QFont(QStringLiteral("DejaVu Sans"), 8));
        p.setPen(QColor(0x55, 0x55, 0x55));
        p.drawText(QRect(0, 0, page.width(), header - 8), Qt::AlignLeft | Qt::AlignBottom, title);
        p.drawLine(0, header - 4, page.width(), header - 4);
        p.drawText(QRect(0, page.height() - footer + 8, page.width(), footer - 8), Qt::AlignRight | Qt::AlignTop,
                   QStringLiteral("page %1 of %2").arg(i + 1).arg(pages));
        p.restore();
        p.save();
        p.translate(0, header);
        p.scale(scale, scale);
        const QRectF clip(0, i * doc.pageSize().height(), doc.pageSize().width(), doc.pageSize().height());
        p.translate(0, -clip.top());
        QAbstractTextDocumentLayout::PaintContext ctx;
        ctx.clip = clip;
        p.setClipRect(clip);
        doc.documentLayout()->draw(&p, ctx);
        p.restore();
    }
    p.end();
    return pages;
}

} // namespace ferry
