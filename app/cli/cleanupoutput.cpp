// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "cli/cleanupoutput.h"

#include "report/report.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ferry::cli::cleanupout {

QString iso(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}

QString bytesText(qint64 b)
{
    if (b <= 0)
        return QStringLiteral("-");
    if (b >= 1 << 20)
        return QStringLiteral("%1 MiB").arg(b / double(1 << 20), 0, 'f', 1);
    if (b >= 1 << 10)
        return QStringLiteral("%1 KiB").arg(b / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 B").arg(b);
}

QJsonObject itemJson(const CleanupItem &i)
{
    return QJsonObject{{QStringLiteral("seq"), i.seq},
                       {QStringLiteral("action"), i.action},
                       {QStringLiteral("digest"), i.digest},
                       {QStringLiteral("tags"), QJsonArray::fromStringList(i.tags)},
                       {QStringLiteral("mediaType"), i.mediaType},
                       {QStringLiteral("size"), i.size},
                       {QStringLiteral("ageFrom"), iso(i.ageFrom)},
                       {QStringLiteral("ageSource"), i.ageSource},
                       {QStringLiteral("policy"), i.policy},
                       {QStringLiteral("reason"), i.reason},
                       {QStringLiteral("checks"), QJsonArray::fromStringList(i.checks)},
                       {QStringLiteral("holdReason"), i.holdReason},
                       {QStringLiteral("parents"), QJsonArray::fromStringList(i.parents)},
                       {QStringLiteral("dependsOn"), QJsonArray::fromStringList(i.dependsOn)},
                       {QStringLiteral("verifyIn"), QJsonArray::fromStringList(i.verifyIn)},
                       {QStringLiteral("state"), i.state},
                       {QStringLiteral("outcome"), i.outcome},
                       {QStringLiteral("httpStatus"), i.httpStatus}};
}

QJsonObject batchJson(const CleanupBatch &b)
{
    return QJsonObject{{QStringLiteral("id"), b.id},
                       {QStringLiteral("createdAt"), iso(b.createdAt)},
                       {QStringLiteral("plan"), b.plan},
                       {QStringLiteral("registry"), b.registry},
                       {QStringLiteral("repository"), b.repository},
                       {QStringLiteral("policies"), b.policies},
                       {QStringLiteral("listedAt"), iso(b.listedAt)},
                       {QStringLiteral("listingComplete"), b.listingComplete},
                       {QStringLiteral("listingNote"), b.listingNote},
                       {QStringLiteral("hash"), b.hash},
                       {QStringLiteral("derivedFrom"), b.derivedFrom},
                       {QStringLiteral("status"), b.status},
                       {QStringLiteral("decidedBy"), b.decidedBy},
                       {QStringLiteral("decidedAt"), iso(b.decidedAt)},
                       {QStringLiteral("decidedHash"), b.decidedHash},
                       {QStringLiteral("comment"), b.comment},
                       {QStringLiteral("deleteItems"), b.deleteCount},
                       {QStringLiteral("keepItems"), b.keepCount},
                       {QStringLiteral("bytes"), b.bytes},
                       {QStringLiteral("finishedItems"), b.finalCount},
                       {QStringLiteral("refsScan"), b.refsScan},
                       {QStringLiteral("refsAt"), iso(b.refsAt)},
                       {QStringLiteral("refsRequired"), b.refsRequired},
                       {QStringLiteral("refsOverride"), b.refsOverride}};
}

void printRun(const CleanupExecResult &r, bool dry, QTextStream &out)
{
    out << (dry ? "Dry run of batch " : "Batch ") << r.batch << (r.run ? QStringLiteral(" (run %1)").arg(r.run) : QString()) << ":\n";
    for (const CleanupItem &i : r.items)
        out << QStringLiteral("  %1. %2  %3  %4\n").arg(i.seq, 3).arg(i.state, -14).arg(i.digest).arg(i.outcome);
    const QString counts = r.countsText();
    out << "  " << (counts.isEmpty() ? QStringLiteral("nothing to do") : counts) << (r.stopped ? QStringLiteral(" (STOPPED)") : QString())
        << '\n';
}

QJsonObject runJson(const CleanupExecResult &r, bool dry)
{
    QJsonArray items;
    for (const CleanupItem &i : r.items)
        items.append(QJsonObject{{QStringLiteral("seq"), i.seq},
                                 {QStringLiteral("digest"), i.digest},
                                 {QStringLiteral("tags"), QJsonArray::fromStringList(i.tags)},
                                 {QStringLiteral("state"), i.state},
                                 {QStringLiteral("outcome"), i.outcome},
                                 {QStringLiteral("httpStatus"), i.httpStatus}});
    QJsonObject counts;
    for (auto it = r.counts.begin(); it != r.counts.end(); ++it)
        counts.insert(it.key(), it.value());
    return QJsonObject{{QStringLiteral("batch"), r.batch},     {QStringLiteral("run"), r.run},         {QStringLiteral("dryRun"), dry},
                       {QStringLiteral("refused"), r.refused}, {QStringLiteral("stopped"), r.stopped}, {QStringLiteral("items"), items},
                       {QStringLiteral("counts"), counts}};
}

void printAuditLog(const QList<AuditEntry> &log, const QString &format, bool byKind, QTextStream &out)
{
    const auto ref = [byKind](const AuditEntry &e) {
        return !e.batch ? QString() : byKind ? QStringLiteral("%1:%2").arg(e.kind).arg(e.batch) : QString::number(e.batch);
    };
    if (format == u"json") {
        QJsonArray a;
        for (const AuditEntry &e : log) {
            QJsonObject o{{QStringLiteral("at"), iso(e.at)}, {QStringLiteral("actor"), e.actor}, {QStringLiteral("action"), e.action}};
            if (byKind) {
                o.insert(QStringLiteral("kind"), e.kind);
                o.insert(QStringLiteral("batch"), ref(e));
            } else {
                o.insert(QStringLiteral("batch"), e.batch);
            }
            o.insert(QStringLiteral("detail"), e.detail);
            a.append(o);
        }
        out << QJsonDocument(a).toJson(QJsonDocument::Indented);
    } else if (format == u"csv") {
        out << (byKind ? "at,actor,action,kind,batch,detail\n" : "at,actor,action,batch,detail\n");
        for (const AuditEntry &e : log)
            out << iso(e.at) << ',' << csvField(e.actor) << ',' << csvField(e.action) << ',' << (byKind ? e.kind + u',' : QString())
                << ref(e) << ',' << csvField(e.detail) << '\n';
    } else {
        for (const AuditEntry &e : log)
            out << iso(e.at) << "  " << e.actor << "  " << e.action
                << (e.batch ? (byKind ? QStringLiteral(" %1") : QStringLiteral(" batch %1")).arg(ref(e)) : QString()) << "  " << e.detail
                << '\n';
    }
}

} // namespace ferry::cli::cleanupout
