// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferryctl report: the weekly status, in Markdown, HTML, PDF, CSV or JSON.
#include "cli/cliregistry.h"
#include "cli/commands.h"
#include "core/workspace.h"
#include "report/report.h"
#include "reportdoc/reportdocument.h"

#include "cli/commandtable.h"
#include "store/store.h"
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <unistd.h>

namespace ferry::cli {

int runReport(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(
        QStringLiteral("Writes a status report from the history database: progress per stage, tags by state per registry and their\n"
                       "trend, changes in the period, what needs attention, replication lag, Docker Hub's pull budget, cleanup\n"
                       "batches and the last scan's errors. CSV is one line per repository:tag per registry (streamed).\n"
                       "Exit codes: 0 written, 2 usage, 4 the database or the output cannot be used."));
    p.addOption({QStringLiteral("db"), QStringLiteral("The history database, a file or a postgresql:// URL."), QStringLiteral("file")});
    p.addOption({QStringLiteral("plan"), QStringLiteral("The plan (its database is next to it)."), QStringLiteral("file")});
    p.addOption({QStringLiteral("format"), QStringLiteral("md, html, pdf, csv or json."), QStringLiteral("format"), QStringLiteral("md")});
    p.addOption(
        {QStringLiteral("since"), QStringLiteral("The period: an age (24h, 7d) or an ISO time (default: 7d)."), QStringLiteral("time")});
    p.addOption({QStringLiteral("top"), QStringLiteral("Rows of each list in documents (default 50; CSV and JSON have all)."),
                 QStringLiteral("n"), QStringLiteral("50")});
    p.addOption(
        {QStringLiteral("sections"),
         QStringLiteral("Sections of a document, comma-separated (default: all): %1.").arg(reportSections().join(QStringLiteral(", "))),
         QStringLiteral("list")});
    p.addOption({{QStringLiteral("o"), QStringLiteral("output")},
                 QStringLiteral("The file to write (default: standard output; PDF needs a file)."),
                 QStringLiteral("file")});
    if (const int rc = parseCommand(p, QStringLiteral("report"), args, out, err); rc >= 0)
        return rc;
    const QString format = p.value(QStringLiteral("format"));
    if (!QStringList{QStringLiteral("md"), QStringLiteral("html"), QStringLiteral("pdf"), QStringLiteral("csv"), QStringLiteral("json")}
             .contains(format)) {
        err << "ferryctl report: --format is md, html, pdf, csv or json" << Qt::endl;
        return ExitUsage;
    }
    const QString output = p.value(QStringLiteral("output"));
    if (format == u"pdf" && output.isEmpty()) {
        err << "ferryctl report: a PDF needs -o FILE" << Qt::endl;
        return ExitUsage;
    }
    QString sinceError;
    const auto parsedSince = parseSince(p.value(QStringLiteral("since")), &sinceError);
    if (!parsedSince) {
        err << "ferryctl report: " << sinceError << Qt::endl;
        return ExitUsage;
    }
    const QDateTime since = *parsedSince;
    const QStringList sections = p.value(QStringLiteral("sections")).split(u',', Qt::SkipEmptyParts);
    for (const QString &s : sections) {
        if (!reportSections().contains(s)) {
            err << "ferryctl report: --sections: unknown section '" << s << "' (sections: " << reportSections().join(u',') << ")"
                << Qt::endl;
            return ExitUsage;
        }
    }
    bool ok = false;
    const int top = p.value(QStringLiteral("top")).toInt(&ok);
    if (!ok || top < 1) {
        err << "ferryctl report: --top takes a positive number" << Qt::endl;
        return ExitUsage;
    }
    Workspace workspace; // a report on a database that does not exist would report on nothing: it is not created
    SessionRule rule(PlanNeed::Optional, StoreNeed::Existing);
    rule.storeExit = rule.missingExit = ExitRegistry; // documented: 4 when the database cannot be used
    if (const int rc = openParsedSession(p, workspace, QStringLiteral("report"), rule, err); rc >= 0)
        return rc;
    Store &store = *workspace.store();
    QElapsedTimer clock;
    clock.start();
    if (format == u"pdf") {
        const int pages = writeReportPdf(collectReport(store, since, top), output, top, sections);
        if (pages == 0) {
            err << "ferryctl report: cannot write " << output << Qt::endl;
            return ExitRegistry;
        }
        err << "wrote " << output << ": " << pages << " page(s) in " << clock.elapsed() << " ms" << Qt::endl;
        return ExitOk;
    }
    QSaveFile file(output);
    QFile stdoutFile;
    QIODevice *dev = nullptr;
    if (output.isEmpty()) {
        out.flush();
        stdoutFile.open(stdout, QIODevice::WriteOnly);
        dev = &stdoutFile;
    } else {
        if (!file.open(QIODevice::WriteOnly)) {
            err << "ferryctl report: cannot write " << output << ": " << file.errorString() << Qt::endl;
            return ExitRegistry;
        }
        dev = &file;
    }
    bool written = true;
    if (format == u"csv") {
        const bool tty = ::isatty(STDERR_FILENO) && !output.isEmpty();
        written = writeReportCsv(store, dev, [&](qint64 done, qint64 total) {
            if (tty)
                err << "\r\033[K[report] " << done << '/' << total << " rows" << Qt::flush;
        });
        if (tty)
            err << "\r\033[K";
    } else {
        const ReportData data = collectReport(store, since, format == u"json" ? -1 : top);
        const QByteArray bytes = format == u"md" ? reportMarkdown(data, top, sections)
            : format == u"json"                  ? reportJson(data)
                                                 : reportHtml(data, top, sections);
        written = dev->write(bytes) == bytes.size();
    }
    if (!output.isEmpty()) {
        if (!written || !file.commit()) {
            err << "ferryctl report: cannot write " << output << ": " << file.errorString() << Qt::endl;
            return ExitRegistry;
        }
        err << "wrote " << output << " in " << clock.elapsed() << " ms" << Qt::endl;
    }
    return written ? ExitOk : ExitRegistry;
}

} // namespace ferry::cli
