// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "report/report.h"
#include "store/clienttables.h"
#include "store/figuretables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"

#include "matrix/syncstate.h"
#include "report/progress.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>

#include <algorithm>

#include <tuple>

namespace ferry {

namespace {

QString iso(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}

QString md(QString s)
{
    return s.replace(u'|', QStringLiteral("\\|"));
}

QString humanBytesText(qint64 bytes)
{
    if (bytes <= 0)
        return QStringLiteral("–");
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace

QString csvField(const QString &s)
{
    if (s.contains(u',') || s.contains(u'"') || s.contains(u'\n'))
        return u'"' + QString(s).replace(QStringLiteral("\""), QStringLiteral("\"\"")) + u'"';
    return s;
}

QString percent(qint64 done, qint64 total)
{
    if (total <= 0)
        return QStringLiteral("–");
    return QStringLiteral("%1 %").arg(100.0 * double(done) / double(total), 0, 'f', done == total || done == 0 ? 0 : 1);
}

void AttentionGrouper::add(const MatrixRow &row)
{
    static const QRegularExpression figures(QStringLiteral("\\d+(\\.\\d+)?"));
    auto addCause = [&](const QString &registry, const QString &reason) {
        // The reason with its figures taken out: rows that differ only in them are one cause.
        QString folded;
        QList<double> values;
        qsizetype from = 0;
        for (auto m = figures.globalMatch(reason); m.hasNext();) {
            const QRegularExpressionMatch f = m.next();
            folded += reason.mid(from, f.capturedStart() - from) + u'%' + QString::number(values.size() + 1);
            values << f.captured().toDouble();
            from = f.capturedEnd();
        }
        folded += reason.mid(from);
        AttentionCause &c = m_causes[registry + u'\n' + row.state + u'\n' + folded];
        if (c.rows == 0) {
            c.registry = registry;
            c.state = row.state;
            c.folded = folded;
            c.low = c.high = values;
        }
        for (qsizetype i = 0; i < values.size() && i < c.low.size(); ++i) {
            c.low[i] = qMin(c.low[i], values[i]);
            c.high[i] = qMax(c.high[i], values[i]);
        }
        ++c.rows;
        if (c.examples.size() < 3)
            c.examples << row.repository + u':' + row.tag;
    };
    bool found = false;
    for (auto it = row.cells.begin(); it != row.cells.end(); ++it) {
        if (it->state != row.state)
            continue;
        addCause(it.key(), it->reason);
        found = true;
    }
    if (!found)
        addCause(QString(), row.reason);
}

QList<AttentionCause> AttentionGrouper::causes() const
{
    QList<AttentionCause> out = m_causes.values();
    for (AttentionCause &c : out) { // each figure as it was, or the range its rows span: never a placeholder
        QString text = c.folded;
        for (qsizetype i = c.low.size(); i-- > 0;) {
            const QString figure = c.low[i] == c.high[i]
                ? QString::number(c.low[i], 'g', 12)
                : QStringLiteral("%1-%2").arg(QString::number(c.low[i], 'g', 12), QString::number(c.high[i], 'g', 12));
            text.replace(u'%' + QString::number(i + 1), figure); // from the last: %1 is not part of %10
        }
        c.reason = text;
    }
    std::sort(out.begin(), out.end(), [](const AttentionCause &a, const AttentionCause &b) {
        return std::tie(b.rows, a.registry, a.state, a.reason) < std::tie(a.rows, b.registry, b.state, b.reason);
    });
    return out;
}

ReportData collectProgress(const Store &store, const QDateTime &sinceIn, const std::function<void(ProgressTally &)> &rows)
{
    ReportData d;
    d.generatedAt = QDateTime::currentDateTimeUtc();
    d.since = sinceIn.isValid() ? sinceIn : d.generatedAt.addDays(-7);
    d.lastScan = HistoryTables(store).lastScan();
    d.planPath = d.lastScan ? d.lastScan->plan : QString();
    d.planName = d.planPath.isEmpty() ? QStringLiteral("(no scan yet)") : QFileInfo(d.planPath).completeBaseName();
    for (const RegistryRecord &r : FigureTables(store).registries())
        d.registryRoles.insert(r.name, r.role);
    ProgressTally tally(d.registryRoles);
    rows(tally);
    QMap<QString, QString> whyUnknown; // registry -> what failed in the last scan that touched it
    for (const RegistryScanStats &st : FigureTables(store).latestRegistryStats())
        if (!st.firstError.isEmpty())
            whyUnknown.insert(st.registry, st.firstError);
    tally.finish(&d, whyUnknown);
    describeCopyWork(store, &d);
    appendChartStages(store, &d);
    d.trend = MatrixTables(store).stateCountHistory(d.since);
    return d;
}

ReportData collectReport(const Store &store, const QDateTime &sinceIn, qint64 attentionLimit, ReportScope scope)
{
    QList<MatrixRow> attention;
    qint64 attentionTotal = 0;
    AttentionGrouper causes;
    ReportData d = collectProgress(store, sinceIn, [&](ProgressTally &tally) {
        MatrixTables(store).forEachMatrixRow([&](MatrixRow &&r) {
            tally.add(r);
            if (const auto rs = syncstate::fromName(r.state); rs && syncstate::needsAttention(*rs)) {
                ++attentionTotal;
                causes.add(r);
                if (attentionLimit < 0 || attention.size() < attentionLimit)
                    attention.append(std::move(r));
            }
            return true;
        });
    });
    d.attention = std::move(attention);
    d.attentionTotal = attentionTotal;
    d.causes = causes.causes();
    if (scope == ReportScope::Progress)
        return d;
    d.changes = HistoryTables(store).changesSince(d.since);
    for (const Change &c : std::as_const(d.changes)) {
        d.appeared += c.kind == u"appeared";
        d.moved += c.kind == u"moved";
        d.vanished += c.kind == u"vanished";
    }
    d.lag = computeLag(store, d.since);
    d.rateLimits = FigureTables(store).rateLimits(d.since);
    CleanupStore cs(const_cast<Store &>(store));
    d.batches = cs.batches();
    CopyStore copies(const_cast<Store &>(store));
    for (const CopyBatch &b : copies.batches())
        if (const auto full = copies.batch(b.id))
            d.copies << *full;
    const QList<ClientCount> clients = ClientTables(store).clientCountHistory(d.since);
    if (!clients.isEmpty()) {
        for (const ClientCount &c : clients) {
            if (c.at == clients.first().at)
                d.clientsThen << c;
            if (c.at == clients.last().at)
                d.clientsNow << c;
        }
    }
    if (d.lastScan)
        d.errors = HistoryTables(store).scanErrors(d.lastScan->id);
    return d;
}

QStringList reportSections()
{
    return {QStringLiteral("progress"), QStringLiteral("states"), QStringLiteral("changes"), QStringLiteral("attention"),
            QStringLiteral("lag"),      QStringLiteral("budget"), QStringLiteral("clients"), QStringLiteral("copies"),
            QStringLiteral("cleanup"),  QStringLiteral("errors")};
}

namespace {

// Keeps the title block and the "## " sections asked for.
QString keepSections(const QString &markdown, const QStringList &sections)
{
    if (sections.isEmpty())
        return markdown;
    static const QMap<QString, QString> byHeading{{QStringLiteral("Progress by stage"), QStringLiteral("progress")},
                                                  {QStringLiteral("Tags by state"), QStringLiteral("states")},
                                                  {QStringLiteral("Changes in the period"), QStringLiteral("changes")},
                                                  {QStringLiteral("Needs attention"), QStringLiteral("attention")},
                                                  {QStringLiteral("Replication lag"), QStringLiteral("lag")},
                                                  {QStringLiteral("Docker Hub pull budget"), QStringLiteral("budget")},
                                                  {QStringLiteral("Clients"), QStringLiteral("clients")},
                                                  {QStringLiteral("Copies"), QStringLiteral("copies")},
                                                  {QStringLiteral("Cleanup"), QStringLiteral("cleanup")},
                                                  {QStringLiteral("Errors of the last scan"), QStringLiteral("errors")}};
    const QStringList parts = markdown.split(QStringLiteral("\n## "));
    QString out = parts.first();
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QString heading = parts[i].section(u'\n', 0, 0).trimmed();
        if (sections.contains(byHeading.value(heading)))
            out += QStringLiteral("\n## ") + parts[i];
    }
    return out;
}

} // namespace

namespace {

// The rows that need attention: their causes first, then the first topN rows.
QString attentionMarkdown(const ReportData &d, int topN)
{
    QString o;
    o += QStringLiteral("\n## Needs attention\n\n%1 rows are drifted, missing, partial, lagging or unknown").arg(d.attentionTotal);
    o += d.attentionTotal > topN ? QStringLiteral(" (the first %1; all of them are in the CSV and JSON reports).\n").arg(topN)
                                 : QStringLiteral(".\n");
    if (!d.causes.isEmpty()) {
        // Causes first: one replica's 401 is one line here, not a page of rows.
        o += QStringLiteral("\nBy cause:\n\n| registry | state | why | rows | for example |\n|---|---|---|---:|---|\n");
        for (qsizetype i = 0; i < d.causes.size() && i < topN; ++i) {
            const AttentionCause &c = d.causes[i];
            o += QStringLiteral("| %1 | %2 | %3 | %4 | %5 |\n")
                     .arg(md(c.registry), c.state, md(c.reason))
                     .arg(c.rows)
                     .arg(md(c.examples.join(QStringLiteral(", "))));
        }
        if (d.causes.size() > topN)
            o += QStringLiteral("\n… and %1 more causes.\n").arg(d.causes.size() - topN);
    }
    if (!d.attention.isEmpty())
        o += QStringLiteral("\nThe rows:\n\n| repository | tag | state | why |\n|---|---|---|---|\n");
    for (qsizetype i = 0; i < d.attention.size() && i < topN; ++i)
        o += QStringLiteral("| %1 | %2 | %3 | %4 |\n")
                 .arg(md(d.attention[i].repository), md(d.attention[i].tag), d.attention[i].state, md(d.attention[i].reason));
    return o;
}

} // namespace

// The clients' burn-down: the last refs scan's counts against the period's first.
static QString clientsSection(const ReportData &d)
{
    QString o;
    o += QStringLiteral("\n## Clients\n\n");
    if (d.clientsNow.isEmpty()) {
        o += QStringLiteral("No refs scan in the period (ferryctl refs scan --plan FILE records one).\n");
    } else {
        int refs = 0, ready = 0;
        for (const ClientCount &c : d.clientsNow) {
            refs += c.references;
            ready += c.switchReady;
        }
        o += QStringLiteral(
                 "Refs scan of %1: %2 references, %3 switch-ready or switched (%4).\n\n"
                 "| cluster | pulls from | references | switch-ready | first refs scan of the period |\n|---|---|---:|---:|---:|\n")
                 .arg(iso(d.clientsNow.first().at))
                 .arg(refs)
                 .arg(ready)
                 .arg(percent(ready, refs));
        QMap<QPair<QString, QString>, QPair<int, int>> rows; // (cluster, registry) -> (then, now); a registry gone counts 0
        for (const ClientCount &c : d.clientsThen)
            rows[{c.cluster, c.registry}].first = c.references;
        QMap<QPair<QString, QString>, int> readyNow;
        for (const ClientCount &c : d.clientsNow) {
            rows[{c.cluster, c.registry}].second = c.references;
            readyNow[{c.cluster, c.registry}] = c.switchReady;
        }
        for (auto it = rows.begin(); it != rows.end(); ++it)
            o += QStringLiteral("| %1 | %2 | %3 | %4 | %5 |\n")
                     .arg(md(it.key().first), md(it.key().second))
                     .arg(it->second)
                     .arg(readyNow.value(it.key()))
                     .arg(it->first);
    }
    return o;
}

namespace {

// Copy batches: what each copies into which repository, who approved it, and what its items came to.
QString copiesSection(const ReportData &d)
{
    QString o = QStringLiteral("\n## Copies\n\n");
    if (d.copies.isEmpty())
        return o + QStringLiteral("No copy batches planned.\n");
    o += QStringLiteral(
        "| batch | from → to | status | tags | to send | pulls | approved by | items |\n|---:|---|---|---:|---:|---:|---|---|\n");
    for (const CopyBatch &b : d.copies) {
        QMap<QString, int> states;
        for (const CopyItem &i : b.items)
            ++states[i.state];
        QStringList parts;
        for (auto it = states.begin(); it != states.end(); ++it)
            parts << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
        o += QStringLiteral("| %1 | %2 → %3/%4 | %5 | %6 | %7 | %8 | %9 | %10 |\n")
                 .arg(b.id)
                 .arg(md(b.sourceRegistry), md(b.targetRegistry), md(b.repository), b.status)
                 .arg(b.itemCount)
                 .arg(humanBytesText(b.bytes))
                 .arg(b.pulls)
                 .arg(b.decidedBy.isEmpty() ? QStringLiteral("–") : QStringLiteral("%1, %2").arg(md(b.decidedBy), iso(b.decidedAt)),
                      parts.join(QStringLiteral(", ")));
    }
    return o;
}

} // namespace

QByteArray reportMarkdown(const ReportData &d, int topN, const QStringList &sections)
{
    QString o;
    o += QStringLiteral("# Registry migration status: %1\n\n").arg(md(d.planName));
    o += QStringLiteral("Generated %1 for the period since %2.").arg(iso(d.generatedAt), iso(d.since));
    if (d.lastScan)
        o += QStringLiteral(" Last scan: #%1 at %2, %3, %4 requests, %5 errors.")
                 .arg(d.lastScan->id)
                 .arg(iso(d.lastScan->startedAt),
                      d.lastScan->complete          ? QStringLiteral("complete")
                          : d.lastScan->interrupted ? QStringLiteral("interrupted")
                                                    : QStringLiteral("INCOMPLETE"))
                 .arg(d.lastScan->requests)
                 .arg(d.lastScan->errors);
    o += QStringLiteral("\n\n## Progress by stage\n\n| stage | measure | done | of | share |\n|---|---|---:|---:|---:|\n");
    for (const StageProgress &s : d.stages)
        o += s.isUnknown() ? QStringLiteral("| %1 | %2 | – | %3 | %4 |\n").arg(md(s.stage), md(s.measure)).arg(s.total).arg(md(s.figure()))
                           : QStringLiteral("| %1 | %2 | %3 | %4 | %5%6 |\n")
                                 .arg(md(s.stage), md(s.measure))
                                 .arg(s.done)
                                 .arg(s.total)
                                 .arg(percent(s.done, s.total), s.unknown > 0 ? QStringLiteral(", %1 unknown").arg(s.unknown) : QString());
    for (const StageProgress &s : d.stages)
        if (!s.work.isEmpty())
            o += QStringLiteral("\n%1: %2.\n").arg(md(s.stage.section(u':', 0, 0)), md(s.work));
    o += QStringLiteral("\n## Tags by state\n\n| state | rows |\n|---|---:|\n");
    for (auto it = d.rowsByState.begin(); it != d.rowsByState.end(); ++it)
        o += QStringLiteral("| %1 | %2 |\n").arg(it.key()).arg(it.value());
    o += QStringLiteral("\nPer registry (cells):\n\n| registry | role | states |\n|---|---|---|\n");
    for (auto it = d.cellsByRegistry.begin(); it != d.cellsByRegistry.end(); ++it) {
        QStringList parts;
        for (auto s = it->begin(); s != it->end(); ++s)
            parts << QStringLiteral("%1 %2").arg(s.key()).arg(s.value());
        o += QStringLiteral("| %1 | %2 | %3 |\n").arg(md(it.key()), d.registryRoles.value(it.key()), parts.join(QStringLiteral(", ")));
    }
    if (d.trend.size() >= 2) {
        const QMap<QString, int> first = d.trend.first().counts.value(QString()), last = d.trend.last().counts.value(QString());
        o += QStringLiteral("\nTrend over the period (%1 scans, first to last):").arg(d.trend.size());
        QStringList states = first.keys() + last.keys();
        states.removeDuplicates();
        states.sort();
        for (const QString &s : std::as_const(states))
            o += QStringLiteral(" %1 %2 → %3;").arg(s).arg(first.value(s)).arg(last.value(s));
        o += u'\n';
    }
    o += QStringLiteral("\n## Changes in the period\n\n%1 appeared, %2 moved, %3 vanished.\n").arg(d.appeared).arg(d.moved).arg(d.vanished);
    int shown = 0;
    for (const Change &c : d.changes) {
        if (c.kind == u"appeared" || shown >= topN)
            continue;
        if (shown++ == 0)
            o += QStringLiteral("\n| when | registry | tag | change | from | to |\n|---|---|---|---|---|---|\n");
        o += QStringLiteral("| %1 | %2 | %3:%4 | %5 | %6 | %7 |\n")
                 .arg(iso(c.at), md(c.registry), md(c.repository), md(c.tag), c.kind, c.oldDigest.left(19), c.newDigest.left(19));
    }
    o += attentionMarkdown(d, topN);
    o += QStringLiteral("\n## Replication lag\n\n");
    if (d.lag.replicas.isEmpty())
        o += QStringLiteral("No replica is known.\n");
    for (const ReplicaLag &r : d.lag.replicas) {
        const int flightBreaches = r.inFlightBreaches;
        o += QStringLiteral("**%1** (of %2, SLO %3; resolution %4; times: %5): %6 arrivals, p50 %7, p90 %8, p99 %9, max %10; "
                            "%11 arrivals and %12 items in flight beyond the SLO; %13 in flight%14.\n\n")
                 .arg(r.replica, r.target, durationText(r.sloSeconds),
                      r.resolutionSeconds > 0 ? durationText(r.resolutionSeconds) : QStringLiteral("one scan"), r.timeSource)
                 .arg(r.stats.count)
                 .arg(durationText(r.stats.p50), durationText(r.stats.p90), durationText(r.stats.p99), durationText(r.stats.max))
                 .arg(r.stats.breaches)
                 .arg(flightBreaches)
                 .arg(r.inFlightCount)
                 .arg(r.inFlight.isEmpty() ? QString() : QStringLiteral(" (oldest %1)").arg(durationText(r.inFlight.first().ageSeconds)));
        for (qsizetype i = 0; i < r.breaches.size() && i < 10; ++i)
            o += QStringLiteral("- late: %1:%2 arrived after %3\n")
                     .arg(md(r.breaches[i].repository), md(r.breaches[i].tags.join(u',')))
                     .arg(durationText(r.breaches[i].lagSeconds));
        if (!r.breaches.isEmpty())
            o += u'\n';
    }
    o += QStringLiteral("\n## Docker Hub pull budget\n\n");
    if (d.rateLimits.isEmpty())
        o += QStringLiteral("No readings in the period (registries that send `ratelimit-*` headers record them at every scan).\n");
    else {
        o += QStringLiteral("| when | registry | limit | remaining | window | source |\n|---|---|---:|---:|---:|---|\n");
        for (qsizetype i = qMax<qsizetype>(0, d.rateLimits.size() - topN); i < d.rateLimits.size(); ++i) {
            const RateLimitRecord &r = d.rateLimits[i];
            o += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 |\n")
                     .arg(iso(r.at), md(r.registry))
                     .arg(r.limit)
                     .arg(r.remaining)
                     .arg(durationText(r.windowSeconds), md(r.source));
        }
    }
    o += clientsSection(d);
    o += copiesSection(d);
    o += QStringLiteral("\n## Cleanup\n\n");
    if (d.batches.isEmpty())
        o += QStringLiteral("No batches planned.\n");
    else {
        o += QStringLiteral(
            "| batch | registry/repository | status | delete | held | decided by | executed |\n|---:|---|---|---:|---:|---|---:|\n");
        for (const CleanupBatch &b : d.batches)
            o += QStringLiteral("| %1 | %2/%3 | %4 | %5 | %6 | %7 | %8 |\n")
                     .arg(b.id)
                     .arg(md(b.registry), md(b.repository), b.status)
                     .arg(b.deleteCount)
                     .arg(b.keepCount)
                     .arg(b.decidedBy.isEmpty() ? QStringLiteral("–") : QStringLiteral("%1, %2").arg(md(b.decidedBy), iso(b.decidedAt)))
                     .arg(b.finalCount);
        for (const CleanupBatch &b : d.batches)
            if (!b.refsOverride.isEmpty())
                o += QStringLiteral("\nBatch %1 was approved by %2 **without a fresh refs scan**: %3.\n")
                         .arg(b.id)
                         .arg(md(b.decidedBy), md(b.refsOverride));
    }
    o += QStringLiteral("\n## Errors of the last scan\n\n");
    if (d.errors.isEmpty())
        o += QStringLiteral("None.\n");
    for (qsizetype i = 0; i < d.errors.size() && i < topN; ++i)
        o += QStringLiteral("- %1\n").arg(md(d.errors[i]));
    return keepSections(o, sections).toUtf8();
}

namespace {

// The rows that need attention, each with its cells.
QJsonArray attentionJson(const QList<MatrixRow> &rows)
{
    QJsonArray attention;
    for (const MatrixRow &r : rows) {
        QJsonObject cells;
        for (auto it = r.cells.begin(); it != r.cells.end(); ++it)
            cells.insert(it.key(),
                         QJsonObject{{QStringLiteral("state"), it->state},
                                     {QStringLiteral("digest"), it->digest},
                                     {QStringLiteral("reason"), it->reason}});
        attention.append(QJsonObject{{QStringLiteral("repository"), r.repository},
                                     {QStringLiteral("tag"), r.tag},
                                     {QStringLiteral("state"), r.state},
                                     {QStringLiteral("reason"), r.reason},
                                     {QStringLiteral("registries"), cells}});
    }
    return attention;
}

// Per replica: lag percentiles, breaches and what is in flight.
QJsonArray replicationJson(const LagReport &report)
{
    QJsonArray lag;
    for (const ReplicaLag &r : report.replicas) {
        QJsonArray breaches, inFlight;
        for (const LagSample &s : r.breaches)
            breaches.append(QJsonObject{{QStringLiteral("repository"), s.repository},
                                        {QStringLiteral("digest"), s.digest},
                                        {QStringLiteral("tags"), QJsonArray::fromStringList(s.tags)},
                                        {QStringLiteral("lagSeconds"), s.lagSeconds},
                                        {QStringLiteral("replicaSeen"), iso(s.replicaSeen)}});
        for (const InFlight &f : r.inFlight)
            inFlight.append(QJsonObject{{QStringLiteral("repository"), f.repository},
                                        {QStringLiteral("digest"), f.digest},
                                        {QStringLiteral("tags"), QJsonArray::fromStringList(f.tags)},
                                        {QStringLiteral("ageSeconds"), f.ageSeconds},
                                        {QStringLiteral("breach"), f.breach}});
        lag.append(QJsonObject{{QStringLiteral("replica"), r.replica},
                               {QStringLiteral("target"), r.target},
                               {QStringLiteral("sloSeconds"), r.sloSeconds},
                               {QStringLiteral("resolutionSeconds"), r.resolutionSeconds},
                               {QStringLiteral("timeSource"), r.timeSource},
                               {QStringLiteral("lag"),
                                QJsonObject{{QStringLiteral("count"), r.stats.count},
                                            {QStringLiteral("p50"), r.stats.p50},
                                            {QStringLiteral("p90"), r.stats.p90},
                                            {QStringLiteral("p99"), r.stats.p99},
                                            {QStringLiteral("max"), r.stats.max},
                                            {QStringLiteral("breaches"), r.stats.breaches}}},
                               {QStringLiteral("breaches"), breaches},
                               {QStringLiteral("inFlight"), inFlight}});
    }
    return lag;
}

} // namespace

// The copy batches as JSON, each with how many of its items ended in each state.
static QJsonArray copiesJson(const ReportData &d)
{
    QJsonArray copies;
    for (const CopyBatch &b : d.copies) {
        QJsonObject states;
        for (const CopyItem &i : b.items)
            states.insert(i.state, states.value(i.state).toInt() + 1);
        copies.append(QJsonObject{{QStringLiteral("id"), b.id},
                                  {QStringLiteral("source"), b.sourceRegistry},
                                  {QStringLiteral("target"), b.targetRegistry},
                                  {QStringLiteral("repository"), b.repository},
                                  {QStringLiteral("status"), b.status},
                                  {QStringLiteral("items"), b.itemCount},
                                  {QStringLiteral("states"), states},
                                  {QStringLiteral("bytes"), b.bytes},
                                  {QStringLiteral("pulls"), b.pulls},
                                  {QStringLiteral("hash"), b.hash},
                                  {QStringLiteral("decidedBy"), b.decidedBy},
                                  {QStringLiteral("decidedAt"), iso(b.decidedAt)}});
    }
    return copies;
}

QByteArray reportJson(const ReportData &d)
{
    auto statesJson = [](const QMap<QString, int> &m) {
        QJsonObject o;
        for (auto it = m.begin(); it != m.end(); ++it)
            o.insert(it.key(), it.value());
        return o;
    };
    QJsonObject root;
    root.insert(QStringLiteral("schema"), QLatin1String(kReportSchema));
    root.insert(QStringLiteral("plan"), QJsonObject{{QStringLiteral("name"), d.planName}, {QStringLiteral("path"), d.planPath}});
    root.insert(QStringLiteral("generatedAt"), iso(d.generatedAt));
    root.insert(QStringLiteral("since"), iso(d.since));
    if (d.lastScan)
        root.insert(QStringLiteral("lastScan"),
                    QJsonObject{{QStringLiteral("id"), d.lastScan->id},
                                {QStringLiteral("startedAt"), iso(d.lastScan->startedAt)},
                                {QStringLiteral("finishedAt"), iso(d.lastScan->finishedAt)},
                                {QStringLiteral("complete"), d.lastScan->complete},
                                {QStringLiteral("requests"), d.lastScan->requests},
                                {QStringLiteral("errors"), d.lastScan->errors}});
    QJsonArray stages;
    for (const StageProgress &s : d.stages) {
        QJsonObject o{{QStringLiteral("stage"), s.stage},
                      {QStringLiteral("measure"), s.measure},
                      {QStringLiteral("done"), s.done},
                      {QStringLiteral("total"), s.total}};
        if (!s.view.isEmpty())
            o.insert(QStringLiteral("view"), s.view);
        if (!s.work.isEmpty())
            o.insert(QStringLiteral("work"), s.work);
        if (s.unknown > 0) {
            o.insert(QStringLiteral("unknown"), s.unknown);
            o.insert(QStringLiteral("unknownReason"), s.unknownWhy);
        }
        if (s.notScanned)
            o.insert(QStringLiteral("notScanned"), true);
        stages.append(o);
    }
    root.insert(QStringLiteral("stages"), stages);
    root.insert(QStringLiteral("rowsByState"), statesJson(d.rowsByState));
    QJsonObject regs;
    for (auto it = d.cellsByRegistry.begin(); it != d.cellsByRegistry.end(); ++it)
        regs.insert(it.key(),
                    QJsonObject{{QStringLiteral("role"), d.registryRoles.value(it.key())},
                                {QStringLiteral("cellsByState"), statesJson(it.value())}});
    root.insert(QStringLiteral("registries"), regs);
    QJsonArray trend;
    for (const StateCountPoint &p : d.trend)
        trend.append(QJsonObject{{QStringLiteral("scan"), p.scan},
                                 {QStringLiteral("at"), iso(p.at)},
                                 {QStringLiteral("rowsByState"), statesJson(p.counts.value(QString()))}});
    root.insert(QStringLiteral("trend"), trend);
    QJsonArray changes;
    for (const Change &c : d.changes)
        changes.append(QJsonObject{{QStringLiteral("scan"), c.scan},
                                   {QStringLiteral("at"), iso(c.at)},
                                   {QStringLiteral("registry"), c.registry},
                                   {QStringLiteral("repository"), c.repository},
                                   {QStringLiteral("tag"), c.tag},
                                   {QStringLiteral("kind"), c.kind},
                                   {QStringLiteral("oldDigest"), c.oldDigest},
                                   {QStringLiteral("newDigest"), c.newDigest}});
    root.insert(QStringLiteral("changes"),
                QJsonObject{{QStringLiteral("appeared"), d.appeared},
                            {QStringLiteral("moved"), d.moved},
                            {QStringLiteral("vanished"), d.vanished},
                            {QStringLiteral("items"), changes}});
    root.insert(QStringLiteral("attention"), attentionJson(d.attention));
    root.insert(QStringLiteral("replication"), replicationJson(d.lag));
    QJsonArray rl;
    for (const RateLimitRecord &r : d.rateLimits)
        rl.append(QJsonObject{{QStringLiteral("registry"), r.registry},
                              {QStringLiteral("at"), iso(r.at)},
                              {QStringLiteral("limit"), r.limit},
                              {QStringLiteral("remaining"), r.remaining},
                              {QStringLiteral("windowSeconds"), r.windowSeconds},
                              {QStringLiteral("source"), r.source}});
    root.insert(QStringLiteral("pullBudget"), rl);
    QJsonArray batches;
    for (const CleanupBatch &b : d.batches)
        batches.append(QJsonObject{{QStringLiteral("id"), b.id},
                                   {QStringLiteral("registry"), b.registry},
                                   {QStringLiteral("repository"), b.repository},
                                   {QStringLiteral("status"), b.status},
                                   {QStringLiteral("deleteItems"), b.deleteCount},
                                   {QStringLiteral("keepItems"), b.keepCount},
                                   {QStringLiteral("finishedItems"), b.finalCount},
                                   {QStringLiteral("bytes"), b.bytes},
                                   {QStringLiteral("hash"), b.hash},
                                   {QStringLiteral("decidedBy"), b.decidedBy},
                                   {QStringLiteral("decidedAt"), iso(b.decidedAt)},
                                   {QStringLiteral("refsOverride"), b.refsOverride}});
    root.insert(QStringLiteral("cleanup"), batches);
    root.insert(QStringLiteral("copies"), copiesJson(d));
    auto counts = [](const QList<ClientCount> &list) {
        QJsonArray a;
        for (const ClientCount &c : list)
            a.append(QJsonObject{{QStringLiteral("cluster"), c.cluster},
                                 {QStringLiteral("registry"), c.registry},
                                 {QStringLiteral("references"), c.references},
                                 {QStringLiteral("switchReady"), c.switchReady}});
        return a;
    };
    root.insert(QStringLiteral("clients"),
                QJsonObject{{QStringLiteral("at"),
                             d.clientsNow.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(iso(d.clientsNow.first().at))},
                            {QStringLiteral("counts"), counts(d.clientsNow)},
                            {QStringLiteral("periodStart"), counts(d.clientsThen)}});
    root.insert(QStringLiteral("errors"), QJsonArray::fromStringList(d.errors));
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

bool writeReportCsv(const Store &store, QIODevice *out, const std::function<void(qint64, qint64)> &progress)
{
    const qint64 total = MatrixTables(store).matrixRowCount();
    if (out->write("repository,tag,state,registry,cell_state,digest,first_seen,last_seen,reason\n") < 0)
        return false;
    bool ok = true;
    qint64 done = 0;
    QByteArray buffer;
    MatrixTables(store).forEachMatrixRow([&](MatrixRow &&r) {
        for (auto it = r.cells.begin(); it != r.cells.end(); ++it) {
            buffer += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9\n")
                          .arg(csvField(r.repository), csvField(r.tag), r.state, csvField(it.key()), it->state, it->digest,
                               iso(it->firstSeen), iso(it->lastSeen), csvField(it->reason))
                          .toUtf8();
        }
        if (buffer.size() > (1 << 20)) {
            ok = out->write(buffer) == buffer.size();
            buffer.clear();
        }
        if (++done % 10'000 == 0 && progress)
            progress(done, total);
        return ok;
    });
    if (ok && !buffer.isEmpty())
        ok = out->write(buffer) == buffer.size();
    if (progress)
        progress(done, total);
    return ok;
}

} // namespace ferry
