// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferryctl cleanup: plan, review, approve and execute deletion batches.
#include "cleanup/cleanupengine.h"
#include "cli/cliregistry.h"
#include "cli/commands.h"
#include "cli/interruption.h"
#include "core/cleanupjob.h"
#include "core/workspace.h"
#include "net/networkservice.h"
#include "parse/duration.h"
#include "plan/plan.h"
#include "report/report.h"
#include "store/store.h"

#include "cli/cleanupoutput.h"
#include "cli/commandtable.h"
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace ferry::cli {

namespace {

using namespace cleanupout;

// Exit codes of the cleanup commands, beyond the common ones: a contract for scripts.
constexpr int ExitRefused = 6; // the batch may not be executed (not approved, altered, stale…)
constexpr int ExitInterrupted = 130;

QString cleanupUsage()
{
    return groupUsage(QStringLiteral("cleanup"),
                      QStringLiteral("Every subcommand takes --db FILE or --plan FILE (the database next to it) or FERRY_DB.\n"
                                     "Exit codes: 0 ok, 1 no such batch, 2 usage or plan error, 4 a registry or item failed,\n"
                                     "6 the batch may not be executed or approved, 130 interrupted (resume finishes it).\n"));
}

// A cleanup command's session: its options, the plan (when given or needed) and the
// database, through a Workspace (the network threads are the workspace's too).
struct Context
{
    CommandParser parser;
    Workspace workspace;
    // The plan as read when the command started, held here: the workspace reads an edited
    // file again, and a batch being executed must keep the plan it started with.
    std::shared_ptr<const Plan> planHeld;
    const Plan *plan = nullptr;
    QString batchPlan; // the plan file of the batch to execute, when --plan was not given
    Store *store = nullptr; // the workspace's connection
};

// Parses options, opens the store and, when needed or given, the plan (openSession).
int open(Context &ctx, const QString &name, const QStringList &args, bool needPlan, QTextStream &out, QTextStream &err)
{
    addSessionOptions(ctx.parser);
    if (const int rc = openSession(ctx.parser, ctx.workspace, QStringLiteral("cleanup ") + name, args,
                                   needPlan ? PlanNeed::Required : PlanNeed::Optional, out, err);
        rc >= 0)
        return rc;
    ctx.planHeld = ctx.workspace.plan();
    ctx.plan = ctx.planHeld.get();
    ctx.store = ctx.workspace.store();
    return -1;
}

// The plan a batch was made from, unless --plan gave one.
bool planForBatch(Context &ctx, qint64 batchId, const QString &name, QTextStream &err)
{
    if (ctx.plan)
        return true;
    CleanupStore cs(*ctx.store);
    const auto b = cs.batch(batchId);
    if (!b)
        return true; // the engine says "no batch"
    QString error;
    ctx.planHeld = ctx.workspace.planForBatch(b->plan, &error); // the rule every face follows
    if (!ctx.planHeld) {
        err << "ferryctl cleanup " << name << ": batch " << batchId << ": " << error << "\n  give --plan FILE" << Qt::endl;
        return false;
    }
    ctx.plan = ctx.planHeld.get();
    ctx.batchPlan = b->plan;
    return true;
}

bool batchArgument(const CommandParser &p, const QString &name, qint64 *id, QTextStream &err)
{
    bool ok = false;
    *id = p.positionalArguments().value(0).toLongLong(&ok);
    if (!ok || *id <= 0) {
        err << "ferryctl cleanup " << name << ": give the batch number (see ferryctl cleanup list)" << Qt::endl;
        return false;
    }
    return true;
}

// Runs one cleanup operation as a job of the workspace (waitForJob). The store had been opened
// by open(); a job that cannot open it again says so in storeError.
CleanupOutcome runJob(Context &ctx, const CleanupRequest &request, QTextStream &err)
{
    CleanupOutcome outcome;
    outcome.kind = request.kind;
    std::unique_ptr<CleanupJob> job(ctx.workspace.startCleanup(request, &outcome.storeError));
    if (!job)
        return outcome;
    return waitForJob<CleanupOutcome, CleanupProgress>(std::move(job), err);
}

// A job that could not open the database: exit 7 with why.
bool storeFailed(const CleanupOutcome &o, const QString &name, QTextStream &err)
{
    if (o.storeError.isEmpty())
        return false;
    err << "ferryctl cleanup " << name << ": " << o.storeError << Qt::endl;
    return true;
}

int cmdPlan(const QStringList &args, QTextStream &out, QTextStream &err)
{
    Context ctx;
    ctx.parser.setApplicationDescription(
        QStringLiteral("Reads the registries the plan's cleanup policies name and writes batches of proposed deletions.\n"
                       "Nothing is deleted: a batch must be approved, then executed."));
    ctx.parser.addOption({QStringLiteral("policy"), QStringLiteral("Only this policy (repeatable)."), QStringLiteral("name")});
    ctx.parser.addOption({QStringLiteral("format"), QStringLiteral("table or json."), QStringLiteral("format"), QStringLiteral("table")});
    if (const int rc = open(ctx, QStringLiteral("plan"), args, true, out, err); rc >= 0)
        return rc;
    CleanupRequest request;
    request.kind = CleanupRequest::Kind::Plan;
    request.policies = ctx.parser.values(QStringLiteral("policy"));
    const CleanupOutcome outcome = runJob(ctx, request, err);
    if (storeFailed(outcome, QStringLiteral("plan"), err))
        return ExitStore;
    const CleanupPlanResult &r = outcome.plan;
    CleanupStore cs(*ctx.store);
    if (ctx.parser.value(QStringLiteral("format")) == u"json") {
        QJsonArray batches;
        for (qint64 id : std::as_const(r.batches))
            if (const auto b = cs.batch(id))
                batches.append(batchJson(*b));
        out << QJsonDocument(QJsonObject{{QStringLiteral("batches"), batches},
                                         {QStringLiteral("deleteItems"), r.deleteItems},
                                         {QStringLiteral("keepItems"), r.keepItems},
                                         {QStringLiteral("clusterHeldItems"), r.clusterHeld},
                                         {QStringLiteral("refsScan"), r.refsScan},
                                         {QStringLiteral("refsAt"), iso(r.refsAt)},
                                         {QStringLiteral("refsStale"), r.refsStale},
                                         {QStringLiteral("notes"), QJsonArray::fromStringList(r.notes)},
                                         {QStringLiteral("errors"), QJsonArray::fromStringList(r.errors)}})
                   .toJson(QJsonDocument::Indented);
    } else {
        out << "Planned " << r.batches.size() << " batch(es): " << r.deleteItems << " deletion(s) proposed, " << r.keepItems
            << " candidate(s) held back by the safety checks";
        if (r.clusterHeld > 0)
            out << ", " << r.clusterHeld << " of them because a cluster runs, pins or names them";
        out << ".\n";
        if (r.refsScan)
            out << "  clusters: refs scan " << r.refsScan << " of " << iso(r.refsAt) << '\n';
        for (qint64 id : std::as_const(r.batches)) {
            const auto b = cs.batch(id);
            if (!b)
                continue;
            out << QStringLiteral("  batch %1  %2/%3  %4 to delete (%5), %6 held  %7%8\n")
                       .arg(b->id)
                       .arg(b->registry, b->repository)
                       .arg(b->deleteCount)
                       .arg(bytesText(b->bytes))
                       .arg(b->keepCount)
                       .arg(b->hash.left(19), b->listingComplete ? QString() : QStringLiteral("  BLOCKED: incomplete listing"));
        }
        for (const QString &n : std::as_const(r.notes))
            out << "  note: " << n << '\n';
        if (!r.batches.isEmpty())
            out << "Review with 'ferryctl cleanup show BATCH', then approve with 'ferryctl cleanup approve BATCH --as NAME'.\n";
    }
    out.flush();
    if (!r.refsStale.isEmpty())
        err << "ferryctl cleanup plan: warning: " << r.refsStale << "; approval will need --without-fresh-refs" << Qt::endl;
    for (const QString &e : std::as_const(r.errors))
        err << "ferryctl cleanup plan: " << e << Qt::endl;
    if (StopSignal::requested())
        return ExitInterrupted;
    return r.errors.isEmpty() ? ExitOk : ExitRegistry;
}

int cmdList(const QStringList &args, QTextStream &out, QTextStream &err)
{
    Context ctx;
    ctx.parser.setApplicationDescription(QStringLiteral("Lists the cleanup batches."));
    ctx.parser.addOption({QStringLiteral("format"), QStringLiteral("table or json."), QStringLiteral("format"), QStringLiteral("table")});
    if (const int rc = open(ctx, QStringLiteral("list"), args, false, out, err); rc >= 0)
        return rc;
    const QList<CleanupBatch> batches = CleanupStore(*ctx.store).batches();
    if (ctx.parser.value(QStringLiteral("format")) == u"json") {
        QJsonArray a;
        for (const CleanupBatch &b : batches)
            a.append(batchJson(b));
        out << QJsonDocument(a).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    out << QStringLiteral("%1  %2  %3  %4  %5  %6  %7\n")
               .arg(QStringLiteral("batch"), 5)
               .arg(QStringLiteral("status"), -10)
               .arg(QStringLiteral("registry/repository"), -36)
               .arg(QStringLiteral("delete"), 6)
               .arg(QStringLiteral("held"), 4)
               .arg(QStringLiteral("size"), 9)
               .arg(QStringLiteral("decided by"));
    for (const CleanupBatch &b : batches) {
        QString status = b.status;
        if (b.status == batchstatus::Executing)
            status += QStringLiteral(" %1/%2").arg(b.finalCount).arg(b.deleteCount);
        out << QStringLiteral("%1  %2  %3  %4  %5  %6  %7\n")
                   .arg(b.id, 5)
                   .arg(status, -10)
                   .arg(b.registry + u'/' + b.repository, -36)
                   .arg(b.deleteCount, 6)
                   .arg(b.keepCount, 4)
                   .arg(bytesText(b.bytes), 9)
                   .arg(b.decidedBy.isEmpty() ? (b.listingComplete ? QStringLiteral("-") : QStringLiteral("BLOCKED: incomplete listing"))
                                              : QStringLiteral("%1 %2").arg(b.decidedBy, iso(b.decidedAt)));
    }
    return ExitOk;
}

int cmdShow(const QStringList &args, QTextStream &out, QTextStream &err)
{
    Context ctx;
    ctx.parser.setApplicationDescription(
        QStringLiteral("Shows a batch: every item, every tag that goes with it, why, what was checked, and the journal."));
    ctx.parser.addPositionalArgument(QStringLiteral("batch"), QStringLiteral("The batch number."));
    ctx.parser.addOption({QStringLiteral("format"), QStringLiteral("table or json."), QStringLiteral("format"), QStringLiteral("table")});
    if (const int rc = open(ctx, QStringLiteral("show"), args, false, out, err); rc >= 0)
        return rc;
    qint64 id = 0;
    if (!batchArgument(ctx.parser, QStringLiteral("show"), &id, err))
        return ExitUsage;
    CleanupStore cs(*ctx.store);
    const auto b = cs.batch(id);
    if (!b) {
        err << "ferryctl cleanup show: there is no batch " << id << Qt::endl;
        return ExitNotFound;
    }
    const QString recomputed = b->recomputedHash();
    const QList<JournalEntry> journal = cs.journalOf(id);
    const QList<BatchRun> runs = cs.runs(id);
    if (ctx.parser.value(QStringLiteral("format")) == u"json") {
        QJsonObject o = batchJson(*b);
        o.insert(QStringLiteral("hashMatches"), recomputed == b->hash);
        QJsonArray items, j, r;
        for (const CleanupItem &i : b->items)
            items.append(itemJson(i));
        for (const JournalEntry &e : journal)
            j.append(QJsonObject{{QStringLiteral("run"), e.run},
                                 {QStringLiteral("seq"), e.seq},
                                 {QStringLiteral("at"), iso(e.at)},
                                 {QStringLiteral("state"), e.state},
                                 {QStringLiteral("httpStatus"), e.httpStatus},
                                 {QStringLiteral("message"), e.message}});
        for (const BatchRun &run : runs)
            r.append(QJsonObject{{QStringLiteral("id"), run.id},
                                 {QStringLiteral("dryRun"), run.dryRun},
                                 {QStringLiteral("actor"), run.actor},
                                 {QStringLiteral("startedAt"), iso(run.startedAt)},
                                 {QStringLiteral("finishedAt"), iso(run.finishedAt)},
                                 {QStringLiteral("status"), run.status},
                                 {QStringLiteral("summary"), run.summary}});
        o.insert(QStringLiteral("items"), items);
        o.insert(QStringLiteral("journal"), j);
        o.insert(QStringLiteral("runs"), r);
        out << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    out << "Batch " << b->id << ": " << b->registry << '/' << b->repository << " (" << b->policies << ")\n"
        << "  status   " << b->status
        << (b->decidedBy.isEmpty() ? QString() : QStringLiteral(" by %1 at %2").arg(b->decidedBy, iso(b->decidedAt)))
        << (b->comment.isEmpty() ? QString() : QStringLiteral(": \"%1\"").arg(b->comment)) << '\n'
        << "  hash     " << b->hash
        << (recomputed == b->hash ? QString() : QStringLiteral("  ALTERED: the items hash to %1").arg(recomputed)) << '\n'
        << "  listing  " << iso(b->listedAt)
        << (b->listingComplete ? QStringLiteral(", complete") : QStringLiteral(", INCOMPLETE: ") + b->listingNote) << '\n'
        << "  items    " << b->deleteCount << " to delete (" << bytesText(b->bytes) << "), " << b->keepCount << " held back\n";
    if (b->derivedFrom)
        out << "  from     batch " << b->derivedFrom << " with items removed\n";
    if (b->refsScan)
        out << "  clusters refs scan " << b->refsScan << " of " << iso(b->refsAt) << ": what they run, pin and name is held back\n";
    else if (b->refsRequired)
        out << "  clusters NO REFS SCAN when planned: what the clusters run and pin was not asked\n";
    if (!b->refsOverride.isEmpty())
        out << "  APPROVED WITHOUT A FRESH REFS SCAN: " << b->refsOverride << '\n';
    for (const CleanupItem &i : b->items) {
        out << '\n'
            << QStringLiteral("%1. %2 %3")
                   .arg(i.seq, 3)
                   .arg(i.action == u"delete" ? QStringLiteral("DELETE") : QStringLiteral("KEEP  "), i.digest)
            << "  [" << i.state << "]\n";
        out << "       tags    " << (i.tags.isEmpty() ? QStringLiteral("(untagged)") : i.tags.join(QStringLiteral(", "))) << '\n';
        out << "       policy  " << i.policy << ": " << i.reason << '\n';
        if (i.ageFrom.isValid())
            out << "       age     from " << iso(i.ageFrom) << " (" << i.ageSource << ")\n";
        if (!i.holdReason.isEmpty())
            out << "       held    " << i.holdReason << '\n';
        if (!i.checks.isEmpty() && i.action == u"delete")
            out << "       checked " << i.checks.join(QStringLiteral("; ")) << '\n';
        if (!i.parents.isEmpty())
            out << "       after   its index " << i.parents.join(QStringLiteral(", ")) << '\n';
        if (!i.verifyIn.isEmpty())
            out << "       verify  still in " << i.verifyIn.join(QStringLiteral(", ")) << " right before deleting\n";
        if (!i.outcome.isEmpty())
            out << "       outcome " << i.outcome << '\n';
    }
    if (!journal.isEmpty()) {
        out << "\nJournal:\n";
        for (const JournalEntry &e : journal)
            out << "  " << iso(e.at) << "  run " << e.run << (e.seq ? QStringLiteral("  item %1").arg(e.seq) : QStringLiteral("  batch"))
                << "  " << e.state << (e.httpStatus ? QStringLiteral(" (%1)").arg(e.httpStatus) : QString()) << "  " << e.message << '\n';
    }
    return ExitOk;
}

int cmdDecide(const QString &name, const QStringList &args, QTextStream &out, QTextStream &err)
{
    Context ctx;
    ctx.parser.setApplicationDescription(
        name == u"approve" ? QStringLiteral("Approves a batch: records who, when, and the hash of exactly what was approved.")
                           : QStringLiteral("Rejects a batch; it is never executed, nor approved again (plan again to propose it anew)."));
    ctx.parser.addPositionalArgument(QStringLiteral("batch"), QStringLiteral("The batch number."));
    ctx.parser.addOption({QStringLiteral("as"), QStringLiteral("Who decides (default: the OS user)."), QStringLiteral("name")});
    ctx.parser.addOption({QStringLiteral("comment"), QStringLiteral("Why."), QStringLiteral("text")});
    if (name == u"approve") {
        ctx.parser.addOption({QStringLiteral("hash"),
                              QStringLiteral("Approve only if the batch still holds exactly this hash (from show)."),
                              QStringLiteral("hash")});
        ctx.parser.addOption({QStringLiteral("without-fresh-refs"),
                              QStringLiteral("Approve although the plan has clients and the last refs scan is missing or older than "
                                             "cleanup.refs-max-age; recorded with the approval and shown in the review, journal and "
                                             "reports.")});
    }
    if (const int rc = open(ctx, name, args, false, out, err); rc >= 0)
        return rc;
    qint64 id = 0;
    if (!batchArgument(ctx.parser, name, &id, err))
        return ExitUsage;
    if (name == u"approve" && !ctx.parser.isSet(QStringLiteral("as"))) {
        err << "ferryctl cleanup approve: --as NAME is required: an approval names who gave it" << Qt::endl;
        return ExitUsage;
    }
    CleanupRequest request;
    request.kind = name == u"approve" ? CleanupRequest::Kind::Approve : CleanupRequest::Kind::Reject;
    request.batch = id;
    request.actor = ctx.parser.value(QStringLiteral("as"));
    request.comment = ctx.parser.value(QStringLiteral("comment"));
    if (name == u"approve") {
        request.expectedHash = ctx.parser.value(QStringLiteral("hash"));
        request.withoutFreshRefs = ctx.parser.isSet(QStringLiteral("without-fresh-refs"));
    }
    const CleanupOutcome outcome = runJob(ctx, request, err);
    if (storeFailed(outcome, name, err))
        return ExitStore;
    const QString &error = outcome.refused;
    if (!error.isEmpty()) {
        err << "ferryctl cleanup " << name << ": " << error << Qt::endl;
        return error.startsWith(QStringLiteral("there is no batch")) ? ExitNotFound : ExitRefused;
    }
    const auto b = CleanupStore(*ctx.store).batch(id);
    out << "Batch " << id << ' ' << b->status << " by " << b->decidedBy << " at " << iso(b->decidedAt) << ", hash " << b->hash << '\n';
    if (!b->refsOverride.isEmpty())
        out << "  approved WITHOUT A FRESH REFS SCAN: " << b->refsOverride << '\n';
    return ExitOk;
}

int cmdRemove(const QStringList &args, QTextStream &out, QTextStream &err)
{
    Context ctx;
    ctx.parser.setApplicationDescription(
        QStringLiteral("Makes a new batch without the given items (and what depends on them); the old one is superseded."));
    ctx.parser.addPositionalArgument(QStringLiteral("batch"), QStringLiteral("The batch number."));
    ctx.parser.addPositionalArgument(QStringLiteral("seq"), QStringLiteral("Item numbers to remove."), QStringLiteral("SEQ..."));
    ctx.parser.addOption({QStringLiteral("as"), QStringLiteral("Who (default: the OS user)."), QStringLiteral("name")});
    ctx.parser.addOption({QStringLiteral("comment"), QStringLiteral("Why."), QStringLiteral("text")});
    if (const int rc = open(ctx, QStringLiteral("remove"), args, false, out, err); rc >= 0)
        return rc;
    qint64 id = 0;
    if (!batchArgument(ctx.parser, QStringLiteral("remove"), &id, err))
        return ExitUsage;
    QList<int> seqs;
    for (const QString &s : ctx.parser.positionalArguments().mid(1)) {
        bool ok = false;
        seqs << s.toInt(&ok);
        if (!ok) {
            err << "ferryctl cleanup remove: '" << s << "' is not an item number" << Qt::endl;
            return ExitUsage;
        }
    }
    if (seqs.isEmpty()) {
        err << "ferryctl cleanup remove: give the item numbers to remove" << Qt::endl;
        return ExitUsage;
    }
    CleanupRequest request;
    request.kind = CleanupRequest::Kind::RemoveItems;
    request.batch = id;
    request.seqs = seqs;
    request.actor = ctx.parser.value(QStringLiteral("as"));
    request.comment = ctx.parser.value(QStringLiteral("comment"));
    const CleanupOutcome outcome = runJob(ctx, request, err);
    if (storeFailed(outcome, QStringLiteral("remove"), err))
        return ExitStore;
    const QString &error = outcome.refused;
    const qint64 newBatch = outcome.newBatch;
    if (!error.isEmpty()) {
        err << "ferryctl cleanup remove: " << error << Qt::endl;
        return error.startsWith(QStringLiteral("there is no batch")) ? ExitNotFound : ExitRefused;
    }
    out << "Batch " << newBatch << " replaces batch " << id << "; review and approve it.\n";
    return ExitOk;
}

int exitFor(const CleanupExecResult &r)
{
    if (!r.refused.isEmpty())
        return r.refused.startsWith(QStringLiteral("there is no batch")) ? ExitNotFound : ExitRefused;
    if (r.stopped)
        return StopSignal::requested() ? ExitInterrupted : ExitRegistry;
    for (const QString &bad : {itemstate::Failed, itemstate::Refused, itemstate::NotPermitted})
        if (r.counts.value(bad) > 0)
            return ExitRegistry;
    return ExitOk;
}

int cmdExecute(const QString &name, const QStringList &args, QTextStream &out, QTextStream &err)
{
    Context ctx;
    const bool resume = name == u"resume";
    ctx.parser.setApplicationDescription(
        resume ? QStringLiteral("Finishes every run that did not end; items already accounted for are not touched again.")
               : QStringLiteral("Executes an approved batch: each item is re-checked right before its DELETE and journaled.\n"
                                "--dry-run takes the same path and skips only the DELETE."));
    if (!resume) {
        ctx.parser.addPositionalArgument(QStringLiteral("batch"), QStringLiteral("The batch number."));
        ctx.parser.addOption({QStringLiteral("dry-run"), QStringLiteral("Report what would happen; delete nothing.")});
    }
    ctx.parser.addOption({QStringLiteral("as"), QStringLiteral("Who runs it (default: the OS user)."), QStringLiteral("name")});
    ctx.parser.addOption(
        {QStringLiteral("pace"), QStringLiteral("Pause between deletions, e.g. 200ms or 1s."), QStringLiteral("duration")});
    ctx.parser.addOption({QStringLiteral("format"), QStringLiteral("table or json."), QStringLiteral("format"), QStringLiteral("table")});
    if (const int rc = open(ctx, name, args, false, out, err); rc >= 0)
        return rc;
    CleanupExecOptions options;
    options.dryRun = !resume && ctx.parser.isSet(QStringLiteral("dry-run"));
    options.actor = ctx.parser.value(QStringLiteral("as"));
    if (ctx.parser.isSet(QStringLiteral("pace"))) {
        const auto pace = parseDurationMs(ctx.parser.value(QStringLiteral("pace")));
        if (!pace || *pace > 3'600'000) {
            err << "ferryctl cleanup " << name << ": --pace takes " << durationGrammar() << ", at most 1h" << Qt::endl;
            return ExitUsage;
        }
        options.paceMs = int(*pace);
    }
    qint64 id = 0;
    if (!resume && !batchArgument(ctx.parser, name, &id, err))
        return ExitUsage;
    if (!resume && !planForBatch(ctx, id, name, err))
        return ExitUsage;
    if (resume && !ctx.plan) {
        // The plan of the first unfinished batch.
        CleanupStore cs(*ctx.store);
        for (const CleanupBatch &b : cs.batches()) {
            if (b.status == batchstatus::Executing) {
                if (!planForBatch(ctx, b.id, name, err))
                    return ExitUsage;
                break;
            }
        }
        if (!ctx.plan) {
            out << "Nothing to resume.\n";
            return ExitOk;
        }
    }
    CleanupRequest request;
    request.kind = resume ? CleanupRequest::Kind::Resume : CleanupRequest::Kind::Execute;
    request.batch = id;
    request.options = options;
    request.batchPlan = ctx.batchPlan;
    const CleanupOutcome outcome = runJob(ctx, request, err);
    if (storeFailed(outcome, name, err))
        return ExitStore;
    const QList<CleanupExecResult> &results = outcome.runs;
    int rc = ExitOk;
    QJsonArray json;
    for (const CleanupExecResult &r : std::as_const(results)) {
        if (!r.refused.isEmpty())
            err << "ferryctl cleanup " << name << ": REFUSED: " << r.refused << Qt::endl;
        if (ctx.parser.value(QStringLiteral("format")) == u"json")
            json.append(runJson(r, options.dryRun));
        else if (r.refused.isEmpty())
            printRun(r, options.dryRun, out);
        rc = std::max(rc, exitFor(r));
        if (exitFor(r) == ExitInterrupted)
            rc = ExitInterrupted;
    }
    if (ctx.parser.value(QStringLiteral("format")) == u"json")
        out << QJsonDocument(resume ? QJsonValue(json).toArray() : json).toJson(QJsonDocument::Indented);
    else if (resume && results.isEmpty())
        out << "Nothing to resume.\n";
    return rc;
}

int cmdAudit(const QStringList &args, QTextStream &out, QTextStream &err)
{
    Context ctx;
    ctx.parser.setApplicationDescription(QStringLiteral("The audit log: every plan, approval, rejection, removal, run and refusal."));
    ctx.parser.addOption(
        {QStringLiteral("format"), QStringLiteral("table, json or csv."), QStringLiteral("format"), QStringLiteral("table")});
    if (const int rc = open(ctx, QStringLiteral("audit"), args, false, out, err); rc >= 0)
        return rc;
    printAuditLog(CleanupStore(*ctx.store).auditLog(), ctx.parser.value(QStringLiteral("format")), false, out);
    return ExitOk;
}

} // namespace

int runCleanup(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    if (sub.isEmpty() || sub == u"--help" || sub == u"-h" || sub == u"help") {
        (sub.isEmpty() ? err : out) << cleanupUsage();
        return sub.isEmpty() ? ExitUsage : ExitOk;
    }
    if (sub == u"plan")
        return cmdPlan(rest, out, err);
    if (sub == u"list")
        return cmdList(rest, out, err);
    if (sub == u"show")
        return cmdShow(rest, out, err);
    if (sub == u"approve" || sub == u"reject")
        return cmdDecide(sub, rest, out, err);
    if (sub == u"remove")
        return cmdRemove(rest, out, err);
    if (sub == u"execute" || sub == u"resume")
        return cmdExecute(sub, rest, out, err);
    if (sub == u"audit")
        return cmdAudit(rest, out, err);
    err << "ferryctl cleanup: unknown subcommand '" << sub << "'\n\n" << cleanupUsage();
    return ExitUsage;
}

} // namespace ferry::cli
