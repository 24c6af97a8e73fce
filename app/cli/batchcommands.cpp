// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferryctl batch: the batches of every kind (cleanup deletions and chart retirement, copies) in
// one list, and show, approve and reject for any of them by KIND:N. Each decision goes to the
// kind's own command, so the rules and the output are the ones ferryctl cleanup and copy give.
#include "cleanup/cleanupstore.h"
#include "cli/cleanupoutput.h"
#include "cli/cliregistry.h"
#include "cli/commands.h"
#include "cli/commandtable.h"
#include "core/batches.h"
#include "core/workspace.h"
#include "report/report.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ferry::cli {

namespace {

using cleanupout::iso;
using cleanupout::printAuditLog;

QString batchUsage()
{
    return groupUsage(QStringLiteral("batch"),
                      QStringLiteral("A batch is named by its kind and number: cleanup:4, copy:2 (chart retirement batches are cleanup "
                                     "batches). show, approve and reject take the options of ferryctl cleanup or copy for that kind.\n"
                                     "Exit codes: 0 done, 1 no such batch, 2 usage, 6 the batch may not be approved or rejected.\n"));
}

// Parses, then opens the database (openSession); -1 to go on, else the exit code.
int openStore(CommandParser &p, Workspace &ws, const QString &name, const QStringList &args, QTextStream &out, QTextStream &err)
{
    return openSession(p, ws, QStringLiteral("batch ") + name, args, PlanNeed::Optional, out, err);
}

QJsonObject listingJson(const BatchListing &l)
{
    return QJsonObject{{QStringLiteral("batch"), l.ref()},
                       {QStringLiteral("kind"), l.kind},
                       {QStringLiteral("id"), l.id},
                       {QStringLiteral("createdAt"), iso(l.createdAt)},
                       {QStringLiteral("plan"), l.plan},
                       {QStringLiteral("scope"), l.scope},
                       {QStringLiteral("what"), l.what},
                       {QStringLiteral("status"), l.status},
                       {QStringLiteral("hash"), l.hash},
                       {QStringLiteral("items"), l.items},
                       {QStringLiteral("finalItems"), l.finalItems},
                       {QStringLiteral("decidedBy"), l.decidedBy},
                       {QStringLiteral("decidedAt"), iso(l.decidedAt)},
                       {QStringLiteral("next"), l.next}};
}

int cmdList(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral("Every batch of every kind: its status, what it holds, and what the lead can do next."));
    addSessionOptions(p);
    p.addOption({QStringLiteral("kind"), QStringLiteral("Only this kind: cleanup or copy."), QStringLiteral("kind")});
    p.addOption({QStringLiteral("status"), QStringLiteral("Only batches in these statuses (comma-separated)."), QStringLiteral("list")});
    p.addOption({QStringLiteral("needs-lead"), QStringLiteral("Only batches the lead still has something to do about.")});
    p.addOption({QStringLiteral("format"), QStringLiteral("table, json or csv."), QStringLiteral("format"), QStringLiteral("table")});
    Workspace ws;
    if (const int rc = openStore(p, ws, QStringLiteral("list"), args, out, err); rc >= 0)
        return rc;
    const QString kind = p.value(QStringLiteral("kind"));
    if (!kind.isEmpty() && !batchKindNames().contains(kind)) {
        err << "ferryctl batch list: --kind is one of " << batchKindNames().join(QStringLiteral(", ")) << Qt::endl;
        return ExitUsage;
    }
    const QStringList statuses = p.value(QStringLiteral("status")).split(u',', Qt::SkipEmptyParts);
    QList<BatchListing> all;
    for (const BatchListing &l : listBatches(*ws.store(), kind))
        if ((statuses.isEmpty() || statuses.contains(l.status)) && (!p.isSet(QStringLiteral("needs-lead")) || batchNeedsLead(l.status)))
            all.append(l);
    const QString format = p.value(QStringLiteral("format"));
    if (format == u"json") {
        QJsonArray a;
        for (const BatchListing &l : std::as_const(all))
            a.append(listingJson(l));
        out << QJsonDocument(a).toJson(QJsonDocument::Indented);
    } else if (format == u"csv") {
        out << "batch,kind,id,created_at,status,scope,what,items,final_items,decided_by,decided_at,hash,next\n";
        for (const BatchListing &l : std::as_const(all))
            out << l.ref() << ',' << l.kind << ',' << l.id << ',' << iso(l.createdAt) << ',' << l.status << ',' << csvField(l.scope) << ','
                << csvField(l.what) << ',' << l.items << ',' << l.finalItems << ',' << csvField(l.decidedBy) << ',' << iso(l.decidedAt)
                << ',' << l.hash << ',' << csvField(l.next) << '\n';
    } else if (format == u"table") {
        for (const BatchListing &l : std::as_const(all))
            out << l.ref().leftJustified(11) << ' ' << l.status.leftJustified(10) << ' ' << l.scope.leftJustified(44) << ' ' << l.finalItems
                << '/' << l.items << " final  " << l.what
                << (l.decidedBy.isEmpty() ? QString() : QStringLiteral("  decided by %1").arg(l.decidedBy))
                << (l.next.isEmpty() ? QString() : QStringLiteral("  -> %1").arg(l.next)) << '\n';
        if (all.isEmpty())
            out << "no batches: ferryctl cleanup plan or ferryctl copy plan proposes some\n";
    } else {
        err << "ferryctl batch list: --format is table, json or csv" << Qt::endl;
        return ExitUsage;
    }
    return ExitOk;
}

// show, approve, reject: parsed here (so --help and the man page say what they take), then run
// by the kind's own command with the number.
int cmdForward(const QString &sub, const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(sub == u"show" ? QStringLiteral("A batch of any kind, as ferryctl cleanup show or copy show gives it.")
                                    : sub == u"approve"
                                    ? QStringLiteral("Approves a planned batch of any kind, as the hash the review showed; "
                                                     "an approval names who gives it.")
                                    : QStringLiteral("Rejects a planned or approved batch of any kind; a rejection is final."));
    addSessionOptions(p);
    p.addPositionalArgument(QStringLiteral("BATCH"), QStringLiteral("KIND:N, such as cleanup:4 or copy:2."));
    if (sub == u"show") {
        p.addOption({QStringLiteral("format"), QStringLiteral("table (text) or json."), QStringLiteral("format")});
    } else {
        p.addOption({QStringLiteral("as"), QStringLiteral("Who decides."), QStringLiteral("name")});
        p.addOption({QStringLiteral("comment"), QStringLiteral("Why."), QStringLiteral("text")});
    }
    if (sub == u"approve") {
        p.addOption({QStringLiteral("hash"), QStringLiteral("Only if the batch still holds this hash (the one reviewed)."),
                     QStringLiteral("hash")});
        p.addOption({QStringLiteral("without-fresh-refs"),
                     QStringLiteral("cleanup: approve although the refs scan is missing or stale (recorded with the approval).")});
    }
    if (const int rc = parseCommand(p, QStringLiteral("batch ") + sub, args, out, err); rc >= 0)
        return rc;
    if (p.positionalArguments().size() != 1) {
        err << "ferryctl batch " << sub << ": give one batch as KIND:N\n\n" << batchUsage();
        return ExitUsage;
    }
    QString error;
    const auto ref = parseBatchRef(p.positionalArguments().constFirst(), &error);
    if (!ref) {
        err << "ferryctl batch " << sub << ": " << error << Qt::endl;
        return ExitUsage;
    }
    if (sub == u"approve" && !p.isSet(QStringLiteral("as"))) {
        err << "ferryctl batch approve: --as NAME is required: an approval names who gave it" << Qt::endl;
        return ExitUsage;
    }
    // What was given, the number in place of KIND:N, for the kind's own command.
    QStringList forwarded{sub, QString::number(ref->id)};
    QStringList given = p.optionNames();
    given.removeDuplicates();
    for (const QString &name : std::as_const(given)) {
        if (name == u"without-fresh-refs")
            forwarded << QStringLiteral("--without-fresh-refs");
        else if (name != u"help")
            forwarded << QStringLiteral("--") + name << p.value(name);
    }
    return ref->kind == u"copy" ? runCopy(forwarded, out, err) : runCleanup(forwarded, out, err);
}

int cmdAudit(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(
        QStringLiteral("The audit log of every kind: each plan, approval, rejection, removal, run and refusal, with its batch."));
    addSessionOptions(p);
    p.addOption({QStringLiteral("format"), QStringLiteral("table, json or csv."), QStringLiteral("format"), QStringLiteral("table")});
    Workspace ws;
    if (const int rc = openStore(p, ws, QStringLiteral("audit"), args, out, err); rc >= 0)
        return rc;
    printAuditLog(CleanupStore(*ws.store()).auditLog(false), p.value(QStringLiteral("format")), true, out);
    return ExitOk;
}

} // namespace

int runBatch(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    if (sub.isEmpty() || sub == u"--help" || sub == u"-h" || sub == u"help") {
        (sub.isEmpty() ? err : out) << batchUsage();
        return sub.isEmpty() ? ExitUsage : ExitOk;
    }
    if (sub == u"list")
        return cmdList(rest, out, err);
    if (sub == u"show" || sub == u"approve" || sub == u"reject")
        return cmdForward(sub, rest, out, err);
    if (sub == u"audit")
        return cmdAudit(rest, out, err);
    err << "ferryctl batch: unknown subcommand '" << sub << "'\n\n" << batchUsage();
    return ExitUsage;
}

} // namespace ferry::cli
