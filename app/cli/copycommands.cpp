// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferryctl copy: plan, review, approve and execute copies of what a target lacks, by digest.
#include "cleanup/cleanupstore.h"
#include "cli/cleanupoutput.h"
#include "cli/cliregistry.h"
#include "cli/commands.h"
#include "cli/commandtable.h"
#include "cli/interruption.h"
#include "copy/copyengine.h"
#include "core/copyjob.h"
#include "core/workspace.h"
#include "matrix/syncstate.h"
#include "store/store.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ferry::cli {

namespace {

using cleanupout::bytesText;

// Exit codes beyond the common ones, as for cleanup: a contract for scripts.
constexpr int ExitRefused = 6; // the batch may not be approved or executed
constexpr int ExitInterrupted = 130;

QString copyUsage()
{
    return groupUsage(QStringLiteral("copy"),
                      QStringLiteral("Every subcommand takes --db FILE or --plan FILE (the database next to it) or FERRY_DB.\n"
                                     "Exit codes: 0 ok, 1 no such batch, 2 usage or plan error, 4 an item failed or was refused,\n"
                                     "6 the batch may not be approved or executed, 130 interrupted (resume finishes it).\n"));
}

struct Context
{
    CommandParser parser;
    Workspace workspace;
    std::shared_ptr<const Plan> plan;
    QString batchPlan; // the plan file of the batch to execute, when --plan was not given
};

int open(Context &ctx, const QString &name, const QStringList &args, bool needPlan, QTextStream &out, QTextStream &err)
{
    addSessionOptions(ctx.parser);
    if (const int rc = openSession(ctx.parser, ctx.workspace, QStringLiteral("copy ") + name, args,
                                   needPlan ? PlanNeed::Required : PlanNeed::Optional, out, err);
        rc >= 0)
        return rc;
    ctx.plan = ctx.workspace.plan();
    return -1;
}

// The plan a batch was made from, unless --plan gave one.
bool planForBatch(Context &ctx, const CopyBatch &b, const QString &name, QTextStream &err)
{
    if (ctx.plan)
        return true;
    QString error;
    ctx.plan = ctx.workspace.planForBatch(b.plan, &error); // the rule every face follows
    if (!ctx.plan) {
        err << "ferryctl copy " << name << ": batch " << b.id << ": " << error << "\n  give --plan FILE" << Qt::endl;
        return false;
    }
    ctx.batchPlan = b.plan; // the job chooses the same plan by the same rule
    return true;
}

std::optional<CopyBatch> batchArgument(Context &ctx, const QString &name, QTextStream &err, int *rc)
{
    bool ok = false;
    const qint64 id = ctx.parser.positionalArguments().value(0).toLongLong(&ok);
    if (!ok || id <= 0) {
        err << "ferryctl copy " << name << ": give the batch number (see ferryctl copy list)" << Qt::endl;
        *rc = ExitUsage;
        return std::nullopt;
    }
    auto b = CopyStore(*ctx.workspace.store()).batch(id);
    if (!b) {
        err << "ferryctl copy " << name << ": no copy batch " << id << Qt::endl;
        *rc = ExitNotFound;
    }
    return b;
}

// Runs one copy operation as a job of the workspace (waitForJob), under the plan the command
// holds or the batch's own. A job that cannot start (or open the store) says so in storeError.
CopyOutcome runJob(Context &ctx, CopyRequest request, QTextStream &err)
{
    CopyOutcome outcome;
    outcome.kind = request.kind;
    request.batchPlan = ctx.batchPlan;
    std::unique_ptr<CopyJob> job(ctx.workspace.startCopy(request, &outcome.storeError));
    if (!job)
        return outcome;
    return waitForJob<CopyOutcome, CopyProgress>(std::move(job), err);
}

// A job that could not open the database: exit 7 with why.
bool storeFailed(const CopyOutcome &o, const QString &name, QTextStream &err)
{
    if (o.storeError.isEmpty())
        return false;
    err << "ferryctl copy " << name << ": " << o.storeError << Qt::endl;
    return true;
}

QJsonObject itemJson(const CopyItem &i)
{
    return QJsonObject{{QStringLiteral("seq"), i.seq},
                       {QStringLiteral("sourceRepository"), i.sourceRepository},
                       {QStringLiteral("tag"), i.tag},
                       {QStringLiteral("digest"), i.digest},
                       {QStringLiteral("mediaType"), i.mediaType},
                       {QStringLiteral("action"), i.action},
                       {QStringLiteral("replaces"), i.replaces},
                       {QStringLiteral("manifests"), i.manifests},
                       {QStringLiteral("blobs"), i.blobs},
                       {QStringLiteral("bytes"), i.bytes},
                       {QStringLiteral("pulls"), i.pulls},
                       {QStringLiteral("state"), i.state},
                       {QStringLiteral("message"), i.message}};
}

QJsonObject batchJson(const CopyBatch &b, bool withItems)
{
    QJsonObject o{{QStringLiteral("id"), b.id},
                  {QStringLiteral("kind"), QStringLiteral("copy")},
                  {QStringLiteral("createdAt"), b.createdAt.toString(Qt::ISODate)},
                  {QStringLiteral("plan"), b.plan},
                  {QStringLiteral("source"), b.sourceRegistry},
                  {QStringLiteral("target"), b.targetRegistry},
                  {QStringLiteral("repository"), b.repository},
                  {QStringLiteral("scan"), b.scan},
                  {QStringLiteral("hash"), b.hash},
                  {QStringLiteral("status"), b.status},
                  {QStringLiteral("decidedBy"), b.decidedBy},
                  {QStringLiteral("comment"), b.comment},
                  {QStringLiteral("items"), b.itemCount},
                  {QStringLiteral("finalItems"), b.finalCount},
                  {QStringLiteral("manifests"), b.manifests},
                  {QStringLiteral("blobs"), b.blobs},
                  {QStringLiteral("bytes"), b.bytes},
                  {QStringLiteral("pulls"), b.pulls}};
    if (withItems) {
        QJsonArray items;
        for (const CopyItem &i : b.items)
            items.append(itemJson(i));
        o.insert(QStringLiteral("itemList"), items);
    }
    return o;
}

QString actionText(const CopyItem &i)
{
    if (i.action == copyaction::Overwrite)
        return QStringLiteral("overwrite %1").arg(i.replaces.left(19));
    if (i.action == copyaction::Referrer)
        return QStringLiteral("referrer, by digest");
    if (i.action == copyaction::Platforms)
        return QStringLiteral("add platforms to %1").arg(i.replaces.left(19));
    return QStringLiteral("new tag");
}

// Per source: the pulls the batches need and the budget left, as the last answer said.
QJsonObject budgetsJson(const CopyPlanResult &r)
{
    QJsonObject o;
    for (auto it = r.pullsBySource.begin(); it != r.pullsBySource.end(); ++it) {
        const RateLimitReading rl = r.budgets.value(it.key());
        QJsonObject b{{QStringLiteral("pullsNeeded"), it.value()}};
        if (rl.present) {
            b.insert(QStringLiteral("limit"), rl.limit);
            b.insert(QStringLiteral("remaining"), rl.remaining);
            b.insert(QStringLiteral("windowSeconds"), rl.windowSeconds);
        }
        o.insert(it.key(), b);
    }
    return o;
}

int cmdPlan(const QStringList &args, QTextStream &out, QTextStream &err)
{
    Context ctx;
    CommandParser &p = ctx.parser;
    p.setApplicationDescription(QStringLiteral("Turns the last scan's rows whose target lacks the source's digest into copy batches, "
                                               "one per target repository, each item pinned to that digest."));
    p.addOption({QStringLiteral("state"),
                 QStringLiteral("Target states to copy: missing, partial, drifted (default missing,partial; "
                                "drifted overwrites a tag and is only copied when asked)."),
                 QStringLiteral("list")});
    p.addOption({QStringLiteral("repository"), QStringLiteral("Only target repositories matching this glob (repeatable)."),
                 QStringLiteral("glob")});
    p.addOption({QStringLiteral("referenced-only"), QStringLiteral("Only tags a cluster runs, pins or names (the last refs scan).")});
    p.addOption({QStringLiteral("newest"), QStringLiteral("At most N tags per repository, newest first."), QStringLiteral("n")});
    p.addOption({QStringLiteral("tag"), QStringLiteral("Only tags matching this glob (repeatable)."), QStringLiteral("glob")});
    p.addOption({QStringLiteral("referrers"),
                 QStringLiteral("Also the chosen digests' cosign tags (sha256-<hex>.sig/.att/.sbom), "
                                "tag-schema indexes and OCI referrers.")});
    p.addOption({QStringLiteral("format"), QStringLiteral("text (default) or json."), QStringLiteral("format")});
    if (const int rc = open(ctx, QStringLiteral("plan"), args, true, out, err); rc >= 0)
        return rc;
    CopyPlanOptions o;
    for (const QString &s : p.value(QStringLiteral("state")).split(u',', Qt::SkipEmptyParts)) {
        if (s != state::Missing && s != state::Partial && s != state::Drifted) {
            err << "ferryctl copy plan: --state takes missing, partial and drifted, not '" << s << "'" << Qt::endl;
            return ExitUsage;
        }
        o.states << s;
    }
    o.repositories = p.values(QStringLiteral("repository"));
    o.referencedOnly = p.isSet(QStringLiteral("referenced-only"));
    o.tags = p.values(QStringLiteral("tag"));
    o.referrers = p.isSet(QStringLiteral("referrers"));
    if (p.isSet(QStringLiteral("newest"))) {
        bool ok = false;
        o.newest = p.value(QStringLiteral("newest")).toInt(&ok);
        if (!ok || o.newest <= 0) {
            err << "ferryctl copy plan: --newest takes a number above 0" << Qt::endl;
            return ExitUsage;
        }
    }
    CopyRequest request;
    request.kind = CopyRequest::Kind::Plan;
    request.plan = o;
    const CopyOutcome outcome = runJob(ctx, request, err);
    if (storeFailed(outcome, QStringLiteral("plan"), err))
        return ExitStore;
    const CopyPlanResult &r = outcome.plan;
    for (const QString &e : r.errors)
        err << "ferryctl copy plan: " << e << Qt::endl;
    CopyStore cs(*ctx.workspace.store());
    if (p.value(QStringLiteral("format")) == u"json") {
        QJsonArray batches;
        for (qint64 id : r.batches)
            if (const auto b = cs.batch(id))
                batches.append(batchJson(*b, true));
        out << QJsonDocument(QJsonObject{{QStringLiteral("scan"), r.scan},
                                         {QStringLiteral("batches"), batches},
                                         {QStringLiteral("items"), r.items},
                                         {QStringLiteral("manifests"), r.manifests},
                                         {QStringLiteral("blobs"), r.blobs},
                                         {QStringLiteral("bytes"), r.bytes},
                                         {QStringLiteral("pulls"), r.pulls},
                                         {QStringLiteral("planningPulls"), r.planningPulls},
                                         {QStringLiteral("budgets"), budgetsJson(r)},
                                         {QStringLiteral("notes"), QJsonArray::fromStringList(r.notes)},
                                         {QStringLiteral("errors"), QJsonArray::fromStringList(r.errors)}})
                   .toJson(QJsonDocument::Indented);
    } else {
        for (qint64 id : r.batches)
            if (const auto b = cs.batch(id))
                out << "copy batch " << b->id << ": " << b->sourceRegistry << " -> " << b->targetRegistry << '/' << b->repository << ", "
                    << b->items.size() << " tags, " << b->manifests << " manifests, " << b->blobs << " blobs to send ("
                    << bytesText(b->bytes) << "), " << b->pulls << " pulls at " << b->sourceRegistry << Qt::endl;
        for (const QString &n : r.notes)
            out << n << Qt::endl;
        // The pulls the batches need against what the source's budget has left.
        for (auto it = r.pullsBySource.begin(); it != r.pullsBySource.end(); ++it) {
            const RateLimitReading rl = r.budgets.value(it.key());
            if (!rl.present)
                continue;
            out << it.key() << ": " << pullsAgainstBudgetText(it.value(), rl.remaining, rl.limit, rl.windowSeconds) << Qt::endl;
        }
        if (!r.batches.isEmpty())
            out << "Review with ferryctl copy show N, approve with ferryctl copy approve N --as NAME." << Qt::endl;
    }
    return r.errors.isEmpty() ? ExitOk : ExitRegistry;
}

int cmdList(const QStringList &args, QTextStream &out, QTextStream &err)
{
    Context ctx;
    ctx.parser.setApplicationDescription(QStringLiteral("The copy batches, their status and progress."));
    ctx.parser.addOption({QStringLiteral("format"), QStringLiteral("text (default) or json."), QStringLiteral("format")});
    if (const int rc = open(ctx, QStringLiteral("list"), args, false, out, err); rc >= 0)
        return rc;
    const QList<CopyBatch> all = CopyStore(*ctx.workspace.store()).batches();
    if (ctx.parser.value(QStringLiteral("format")) == u"json") {
        QJsonArray a;
        for (const CopyBatch &b : all)
            a.append(batchJson(b, false));
        out << QJsonDocument(a).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    for (const CopyBatch &b : all)
        out << QString::number(b.id).rightJustified(4) << "  " << b.status.leftJustified(10) << ' '
            << QStringLiteral("%1 -> %2/%3").arg(b.sourceRegistry, b.targetRegistry, b.repository).leftJustified(40) << ' ' << b.finalCount
            << '/' << b.itemCount << " done  " << bytesText(b.bytes) << "  " << b.pulls << " pulls" << Qt::endl;
    if (all.isEmpty())
        out << "no copy batches: ferryctl copy plan --plan FILE" << Qt::endl;
    return ExitOk;
}

int cmdShow(const QStringList &args, QTextStream &out, QTextStream &err)
{
    Context ctx;
    ctx.parser.setApplicationDescription(QStringLiteral("Every item of a copy batch: tag, digest, what the copy does, its journal."));
    ctx.parser.addOption({QStringLiteral("format"), QStringLiteral("text (default) or json."), QStringLiteral("format")});
    ctx.parser.addPositionalArgument(QStringLiteral("BATCH"), QStringLiteral("The batch number."));
    if (const int rc = open(ctx, QStringLiteral("show"), args, false, out, err); rc >= 0)
        return rc;
    int rc = ExitOk;
    const auto b = batchArgument(ctx, QStringLiteral("show"), err, &rc);
    if (!b)
        return rc;
    const QList<JournalEntry> journal = CopyStore(*ctx.workspace.store()).journalOf(b->id);
    if (ctx.parser.value(QStringLiteral("format")) == u"json") {
        QJsonObject o = batchJson(*b, true);
        QJsonArray j;
        for (const JournalEntry &e : journal)
            j.append(QJsonObject{{QStringLiteral("run"), e.run},
                                 {QStringLiteral("seq"), e.seq},
                                 {QStringLiteral("at"), e.at.toString(Qt::ISODateWithMs)},
                                 {QStringLiteral("state"), e.state},
                                 {QStringLiteral("message"), e.message}});
        o.insert(QStringLiteral("journal"), j);
        o.insert(QStringLiteral("approvalBlocker"), copyApprovalBlocker(*b));
        out << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    out << "copy batch " << b->id << " (" << b->status << "): " << b->sourceRegistry << " -> " << b->targetRegistry << '/' << b->repository
        << ", from scan " << b->scan << "\n  hash " << b->hash << "\n  " << b->items.size() << " tags, " << b->manifests << " manifests, "
        << b->blobs << " blobs to send (" << bytesText(b->bytes) << "), " << b->pulls << " pulls at " << b->sourceRegistry << '\n';
    if (!b->decidedBy.isEmpty())
        out << "  " << (b->status == batchstatus::Rejected ? QStringLiteral("rejected") : QStringLiteral("approved")) << " by "
            << b->decidedBy << (b->comment.isEmpty() ? QString() : QStringLiteral(": ") + b->comment) << '\n';
    for (const CopyItem &i : b->items)
        out << QString::number(i.seq).rightJustified(4) << "  "
            << (i.tag.isEmpty() ? QString(i.sourceRepository + QStringLiteral(" (referrer)")) : QString(i.sourceRepository + u':' + i.tag))
                   .leftJustified(36)
            << ' ' << i.digest.left(19) << "  " << actionText(i).leftJustified(34) << ' ' << i.state
            << (i.message.isEmpty() ? QString() : QStringLiteral(": ") + i.message) << '\n';
    out.flush();
    return ExitOk;
}

int cmdDecide(const QString &sub, const QStringList &args, QTextStream &out, QTextStream &err)
{
    Context ctx;
    CommandParser &p = ctx.parser;
    p.setApplicationDescription(sub == u"approve" ? QStringLiteral("Approves a planned copy batch, as the hash the review showed.")
                                                  : QStringLiteral("Rejects a copy batch: it will never run."));
    p.addOption({QStringLiteral("as"), QStringLiteral("Who decides (default: the OS user)."), QStringLiteral("name")});
    p.addOption({QStringLiteral("comment"), QStringLiteral("Why."), QStringLiteral("text")});
    if (sub == u"approve")
        p.addOption({QStringLiteral("hash"), QStringLiteral("Only if the batch still holds this hash."), QStringLiteral("hash")});
    p.addPositionalArgument(QStringLiteral("BATCH"), QStringLiteral("The batch number."));
    if (const int rc = open(ctx, sub, args, false, out, err); rc >= 0)
        return rc;
    int rc = ExitOk;
    const auto b = batchArgument(ctx, sub, err, &rc);
    if (!b)
        return rc;
    if (sub == u"approve" && !p.isSet(QStringLiteral("as")) && osUserName().isEmpty()) {
        err << "ferryctl copy approve: say who approves with --as NAME" << Qt::endl;
        return ExitUsage;
    }
    CopyRequest request;
    request.kind = sub == u"approve" ? CopyRequest::Kind::Approve : CopyRequest::Kind::Reject;
    request.batch = b->id;
    request.actor = p.value(QStringLiteral("as"));
    request.comment = p.value(QStringLiteral("comment"));
    if (sub == u"approve") // reject has no --hash: asking for it made Qt warn on stderr
        request.expectedHash = p.value(QStringLiteral("hash"));
    const CopyOutcome outcome = runJob(ctx, request, err);
    if (storeFailed(outcome, sub, err))
        return ExitStore;
    const QString &why = outcome.refused;
    if (!why.isEmpty()) {
        err << "ferryctl copy " << sub << ": " << why << Qt::endl;
        return ExitRefused;
    }
    out << "copy batch " << b->id << (sub == u"approve" ? " approved as " : " rejected; it held ") << b->hash << Qt::endl;
    return ExitOk;
}

void printRun(const CopyExecResult &r, QTextStream &out)
{
    out << "copy batch " << r.batch << ": " << (r.countsText().isEmpty() ? QStringLiteral("nothing to do") : r.countsText()) << "; "
        << r.transfer.blobsUploaded << " blobs sent (" << bytesText(r.transfer.bytesSent) << "), " << r.transfer.blobsMounted
        << " mounted, " << r.transfer.blobsPresent << " already there, " << r.transfer.pulls << " pulls"
        << (r.transfer.budgetPauses ? QStringLiteral(", %1 budget pauses").arg(r.transfer.budgetPauses) : QString())
        << (r.stopped ? QStringLiteral("; stopped (ferryctl copy resume finishes it)") : QString()) << Qt::endl;
    for (const CopyItem &i : r.items)
        if (i.state != copystate::Copied && i.state != copystate::AlreadyPresent)
            out << "  " << i.seq << ' ' << i.tag << ": " << i.state << " - " << i.message << Qt::endl;
}

QJsonObject runJson(const CopyExecResult &r)
{
    QJsonArray items;
    for (const CopyItem &i : r.items)
        items.append(itemJson(i));
    QJsonObject counts;
    for (auto it = r.counts.begin(); it != r.counts.end(); ++it)
        counts.insert(it.key(), it.value());
    return QJsonObject{{QStringLiteral("batch"), r.batch},
                       {QStringLiteral("run"), r.run},
                       {QStringLiteral("refused"), r.refused},
                       {QStringLiteral("stopped"), r.stopped},
                       {QStringLiteral("counts"), counts},
                       {QStringLiteral("items"), items},
                       {QStringLiteral("blobsUploaded"), r.transfer.blobsUploaded},
                       {QStringLiteral("blobsMounted"), r.transfer.blobsMounted},
                       {QStringLiteral("blobsPresent"), r.transfer.blobsPresent},
                       {QStringLiteral("bytesSent"), r.transfer.bytesSent},
                       {QStringLiteral("manifestsPut"), r.transfer.manifestsPut},
                       {QStringLiteral("pulls"), r.transfer.pulls},
                       {QStringLiteral("budgetPauses"), r.transfer.budgetPauses}};
}

int cmdExecute(const QString &sub, const QStringList &args, QTextStream &out, QTextStream &err)
{
    Context ctx;
    CommandParser &p = ctx.parser;
    p.setApplicationDescription(sub == u"execute"
                                    ? QStringLiteral("Copies an approved batch item by item, the tag last, then verifies it.")
                                    : QStringLiteral("Finishes every copy batch with items not done (interrupted or failed)."));
    p.addOption({QStringLiteral("as"), QStringLiteral("Who runs it (default: the OS user)."), QStringLiteral("name")});
    p.addOption({QStringLiteral("format"), QStringLiteral("text (default) or json."), QStringLiteral("format")});
    if (sub == u"execute") {
        p.addOption({QStringLiteral("dry-run"), QStringLiteral("Check every item against both registries; copy nothing.")});
        p.addPositionalArgument(QStringLiteral("BATCH"), QStringLiteral("The batch number."));
    }
    if (const int rc = open(ctx, sub, args, false, out, err); rc >= 0)
        return rc;
    CopyExecOptions o;
    o.dryRun = p.isSet(QStringLiteral("dry-run"));
    o.actor = p.value(QStringLiteral("as"));
    QList<CopyExecResult> runs;
    if (sub == u"execute") {
        int rc = ExitOk;
        const auto b = batchArgument(ctx, sub, err, &rc);
        if (!b)
            return rc;
        if (!planForBatch(ctx, *b, sub, err))
            return ExitUsage;
        CopyRequest request;
        request.kind = CopyRequest::Kind::Execute;
        request.batch = b->id;
        request.options = o;
        const CopyOutcome outcome = runJob(ctx, request, err);
        if (storeFailed(outcome, sub, err))
            return ExitStore;
        runs = outcome.runs;
    } else {
        QList<CopyBatch> open;
        for (const CopyBatch &b : CopyStore(*ctx.workspace.store()).batches())
            if (batchIsUnderway(b.status))
                open << b;
        if (open.isEmpty()) {
            out << "no copy batch to resume" << Qt::endl;
            return ExitOk;
        }
        if (!planForBatch(ctx, open.last(), sub, err))
            return ExitUsage;
        CopyRequest request;
        request.kind = CopyRequest::Kind::Resume;
        request.options = o;
        const CopyOutcome outcome = runJob(ctx, request, err);
        if (storeFailed(outcome, sub, err))
            return ExitStore;
        runs = outcome.runs;
    }
    int rc = ExitOk;
    QJsonArray json;
    for (const CopyExecResult &r : std::as_const(runs)) {
        if (!r.refused.isEmpty()) {
            err << "ferryctl copy " << sub << ": " << r.refused << Qt::endl;
            rc = ExitRefused;
            continue;
        }
        if (p.value(QStringLiteral("format")) == u"json")
            json.append(runJson(r));
        else
            printRun(r, out);
        if (r.stopped)
            rc = ExitInterrupted;
        else if (r.hasFailures() && rc == ExitOk)
            rc = ExitRegistry;
    }
    if (p.value(QStringLiteral("format")) == u"json")
        out << QJsonDocument(json).toJson(QJsonDocument::Indented);
    if (runs.isEmpty())
        out << "nothing to resume" << Qt::endl;
    return rc;
}

int cmdExport(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace

int runCopy(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    if (sub.isEmpty() || sub == u"--help" || sub == u"-h" || sub == u"help") {
        (sub.isEmpty() ? err : out) << copyUsage();
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
    if (sub == u"execute" || sub == u"resume")
        return cmdExecute(sub, rest, out, err);
    if (sub == u"export")
        return cmdExport(rest, out, err);
    err << "ferryctl copy: unknown subcommand '" << sub << "'\n\n" << copyUsage();
    return ExitUsage;
}

namespace {

// The host:port (and path) skopeo reaches a registry at.
QString skopeoHost(const Plan &plan, const QString &registry)
{
    const PlanRegistry *r = plan.registry(registry);
    return r ? r->config.baseUrl.authority() : registry;
}

int cmdExport(const QStringList &args, QTextStream &out, QTextStream &err)
{
    Context ctx;
    CommandParser &p = ctx.parser;
    p.setApplicationDescription(QStringLiteral("Writes an approved batch for those who copy with other tools: a script of digest-pinned "
                                               "skopeo copy --all, a skopeo sync YAML (by tag, each with its approved digest), or CSV."));
    p.addOption({QStringLiteral("format"), QStringLiteral("script (default), skopeo-sync or csv."), QStringLiteral("format")});
    p.addOption({QStringLiteral("output"), QStringLiteral("Write here instead of standard output."), QStringLiteral("file")});
    p.addPositionalArgument(QStringLiteral("BATCH"), QStringLiteral("The batch number."));
    if (const int rc = open(ctx, QStringLiteral("export"), args, false, out, err); rc >= 0)
        return rc;
    int rc = ExitOk;
    const auto b = batchArgument(ctx, QStringLiteral("export"), err, &rc);
    if (!b)
        return rc;
    if (const QString why = copyExecutionBlocker(*b, false); !why.isEmpty()) {
        err << "ferryctl copy export: " << why << Qt::endl;
        return ExitRefused;
    }
    if (!planForBatch(ctx, *b, QStringLiteral("export"), err))
        return ExitUsage;
    const QString format = p.isSet(QStringLiteral("format")) ? p.value(QStringLiteral("format")) : QStringLiteral("script");
    const QString src = skopeoHost(*ctx.plan, b->sourceRegistry);
    const QString dst = skopeoHost(*ctx.plan, b->targetRegistry);
    QString text;
    if (format == u"script") {
        // Every item is tried (skopeo refuses what it would have to convert to keep the digest); the
        // ones that failed are named at the end and the script exits 1.
        text = QStringLiteral("#!/bin/sh\n# Copy batch %1 (%2), approved by %3: digest-pinned, the tag kept.\n"
                              "# Extra skopeo options go after the script's name. A later ferryctl scan verifies the digests.\n"
                              "failed=\"\"\n")
                   .arg(b->id)
                   .arg(b->hash, b->decidedBy);
        for (const CopyItem &i : b->items)
            text += i.tag.isEmpty()
                ? QStringLiteral("# %1: a referrer without a tag; Ferry copies it by digest (ferryctl copy execute %2)\n")
                      .arg(i.digest)
                      .arg(b->id)
                : QStringLiteral(
                      "skopeo copy --all --preserve-digests \"$@\" docker://%1/%2@%3 docker://%4/%5:%6 || failed=\"$failed %6\"\n")
                      .arg(src, i.sourceRepository, i.digest, dst, b->repository, i.tag);
        text += QStringLiteral("if [ -n \"$failed\" ]; then echo \"not copied:$failed\" >&2; exit 1; fi\n");
    } else if (format == u"skopeo-sync") {
        QMap<QString, QList<const CopyItem *>> byRepo;
        for (const CopyItem &i : b->items)
            byRepo[i.sourceRepository] << &i;
        // skopeo sync writes a YAML source's image under DESTINATION/<the last part of its path>: the
        // destination is the target repository's parent, and a renamed repository cannot be said.
        const PlanRegistry *source = ctx.plan->registry(b->sourceRegistry);
        const bool plainHttp = source && (source->config.insecure || source->config.baseUrl.scheme() == u"http");
        const QString parent = b->repository.contains(u'/') ? dst + u'/' + b->repository.section(u'/', 0, -2) : dst;
        text = QStringLiteral("# Copy batch %1 (%2): skopeo sync --all --src yaml --dest docker THIS %3\n"
                              "# (by tag: skopeo sync keeps no digest; a later ferryctl scan verifies each against the approved one)\n"
                              "%4%5:\n%6  images:\n")
                   .arg(b->id)
                   .arg(b->hash, parent,
                        byRepo.size() == 1 && byRepo.firstKey().section(u'/', -1) != b->repository.section(u'/', -1)
                            ? QStringLiteral("# NOTE: skopeo sync names the copy %1, not %2: copy it with the script format\n")
                                  .arg(byRepo.firstKey().section(u'/', -1), b->repository)
                            : QString(),
                        src,
                        plainHttp ? QStringLiteral("  tls-verify: false\n")
                                  : QStringLiteral("  # a private CA: cert-dir: DIR (a directory of its .crt files)\n"));
        for (auto it = byRepo.begin(); it != byRepo.end(); ++it) {
            text += QStringLiteral("    %1:\n").arg(it.key());
            for (const CopyItem *i : it.value())
                if (!i->tag.isEmpty())
                    text += QStringLiteral("      - \"%1\" # approved %2\n").arg(i->tag, i->digest);
        }
    } else if (format == u"csv") {
        text = QStringLiteral("batch,seq,source,source_repository,tag,digest,target,repository,action,replaces,state\n");
        for (const CopyItem &i : b->items)
            text += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11\n")
                        .arg(b->id)
                        .arg(i.seq)
                        .arg(b->sourceRegistry, i.sourceRepository, i.tag, i.digest, b->targetRegistry, b->repository, i.action, i.replaces,
                             i.state);
    } else {
        err << "ferryctl copy export: --format is script, skopeo-sync or csv" << Qt::endl;
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("output"))) {
        QFile f(p.value(QStringLiteral("output")));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(text.toUtf8()) < 0) {
            err << "ferryctl copy export: cannot write " << f.fileName() << ": " << f.errorString() << Qt::endl;
            return ExitUsage;
        }
        return ExitOk;
    }
    out << text;
    return ExitOk;
}

} // namespace

} // namespace ferry::cli
