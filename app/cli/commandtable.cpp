// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "cli/commandtable.h"

#include "cli/commands.h"
#include "core/pages.h"

#include <QTextStream>

namespace ferry::cli {

bool CommandParser::addOption(const QCommandLineOption &option)
{
    m_doc.options.append(option);
    return QCommandLineParser::addOption(option);
}

void CommandParser::addPositionalArgument(const QString &name, const QString &description, const QString &syntax)
{
    m_doc.positionals.append({name, description, syntax.isEmpty() ? name : syntax});
    QCommandLineParser::addPositionalArgument(name, description, syntax);
}

void CommandParser::setApplicationDescription(const QString &description)
{
    m_doc.description = description;
    QCommandLineParser::setApplicationDescription(description);
}

QCommandLineOption CommandParser::addHelpOption()
{
    m_doc.options.append(
        QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Displays help on the options.")));
    return QCommandLineParser::addHelpOption();
}

QCommandLineOption CommandParser::addVersionOption()
{
    m_doc.options.append(
        QCommandLineOption({QStringLiteral("v"), QStringLiteral("version")}, QStringLiteral("Displays version information.")));
    return QCommandLineParser::addVersionOption();
}

CommandDoc CommandParser::doc(const QString &command) const
{
    CommandDoc d = m_doc;
    d.command = command;
    return d;
}

const QList<CommandEntry> &ferryctlCommands()
{
    static const QList<CommandEntry> table = {
        {QStringLiteral("inspect"), QStringLiteral("[--json] REF"),
         QStringLiteral("digest, media type, platforms, subject and size of a manifest")},
        {QStringLiteral("tags"), QStringLiteral("[--json] REPO"),
         QStringLiteral("the tags of a repository, and whether the listing is complete")},
        {QStringLiteral("scan"), QStringLiteral("--plan FILE"),
         QStringLiteral("scan every registry of the plan and record the sync matrix")},
        {QStringLiteral("status"), QString(), QStringLiteral("the sync matrix (table, json or csv)")},
        {QStringLiteral("diff"), QString(), QStringLiteral("what appeared, moved and vanished")},
        {QStringLiteral("lag"), QString(), QStringLiteral("replication lag per replica: percentiles, breaches, items in flight")},
        {QStringLiteral("watch"), QStringLiteral("--plan FILE"),
         QStringLiteral("rescan on a schedule; on a terminal, the terminal dashboard follows the rounds")},
        {QStringLiteral("tui"), QStringLiteral("[--plan FILE]"),
         QStringLiteral("the dashboard in a terminal, with every page of the window")},
        {QStringLiteral("cleanup"), QStringLiteral("<subcommand>"), QStringLiteral("plan, review, approve and execute deletion batches")},
        {QStringLiteral("cleanup plan"), QStringLiteral("--plan FILE [--policy NAME]"),
         QStringLiteral("read the registries and write batches of proposed deletions")},
        {QStringLiteral("cleanup list"), QString(), QStringLiteral("the batches, their status and approvals")},
        {QStringLiteral("cleanup show"), QStringLiteral("BATCH"), QStringLiteral("every item, its tags, reason, checks and journal")},
        {QStringLiteral("cleanup approve"), QStringLiteral("BATCH --as NAME [--comment TEXT] [--hash HASH]"),
         QStringLiteral("approve a batch as reviewed, bound to its hash")},
        {QStringLiteral("cleanup reject"), QStringLiteral("BATCH [--as NAME] [--comment TEXT]"),
         QStringLiteral("reject a batch; it is never executed")},
        {QStringLiteral("cleanup remove"), QStringLiteral("BATCH SEQ... [--as NAME]"),
         QStringLiteral("a new batch without those items (the old one is superseded)")},
        {QStringLiteral("cleanup execute"), QStringLiteral("BATCH [--dry-run] [--pace DURATION]"),
         QStringLiteral("delete an approved batch, verifying every item first")},
        {QStringLiteral("cleanup resume"), QString(), QStringLiteral("finish runs that were interrupted")},
        {QStringLiteral("cleanup audit"), QString(), QStringLiteral("the audit log (table, json or csv)")},
        {QStringLiteral("copy"), QStringLiteral("<subcommand>"),
         QStringLiteral("plan, review, approve and execute copies of what a target lacks, by digest")},
        {QStringLiteral("copy plan"),
         QStringLiteral("--plan FILE [--state LIST] [--repository GLOB] [--tag GLOB] [--referenced-only] [--newest N] [--referrers]"),
         QStringLiteral("batches of the tags a target lacks, each pinned to the source's digest")},
        {QStringLiteral("copy list"), QString(), QStringLiteral("the copy batches, their status and progress")},
        {QStringLiteral("copy show"), QStringLiteral("BATCH"), QStringLiteral("every item: tag, digest, what the copy does, its state")},
        {QStringLiteral("copy approve"), QStringLiteral("BATCH --as NAME [--comment TEXT] [--hash HASH]"),
         QStringLiteral("approve a copy batch as reviewed, bound to its hash")},
        {QStringLiteral("copy reject"), QStringLiteral("BATCH [--as NAME] [--comment TEXT]"),
         QStringLiteral("reject a copy batch; it is never executed")},
        {QStringLiteral("copy execute"), QStringLiteral("BATCH [--dry-run]"),
         QStringLiteral("copy an approved batch: blobs, manifests by digest, the tag last, verified")},
        {QStringLiteral("copy resume"), QString(), QStringLiteral("finish copy batches that were interrupted or had failures")},
        {QStringLiteral("copy export"), QStringLiteral("BATCH --format script|skopeo-sync|csv"),
         QStringLiteral("an approved batch for other tools: skopeo copy script, skopeo sync YAML, CSV")},
        {QStringLiteral("batch"), QStringLiteral("<subcommand>"),
         QStringLiteral("the batches of every kind (cleanup, copy) in one list; show, approve or reject any by KIND:N")},
        {QStringLiteral("batch list"), QStringLiteral("[--kind KIND] [--status LIST] [--needs-lead] [--format table|json|csv]"),
         QStringLiteral("every batch, its status, what it holds and what the lead can do next")},
        {QStringLiteral("batch show"), QStringLiteral("KIND:N"), QStringLiteral("a batch of any kind, as its kind's show gives it")},
        {QStringLiteral("batch approve"), QStringLiteral("KIND:N --as NAME [--comment TEXT] [--hash HASH]"),
         QStringLiteral("approve a batch of any kind as reviewed, bound to its hash")},
        {QStringLiteral("batch reject"), QStringLiteral("KIND:N [--as NAME] [--comment TEXT]"),
         QStringLiteral("reject a batch of any kind; a rejection is final")},
        {QStringLiteral("batch audit"), QString(), QStringLiteral("the audit log of every kind (table, json or csv)")},
        {QStringLiteral("report"), QString(), QStringLiteral("a status report: md, html, pdf, csv or json")},
        {QStringLiteral("refs"), QStringLiteral("<subcommand>"),
         QStringLiteral("the clients' image references: where they pull from, can they switch")},
        {QStringLiteral("refs scan"), QString(),
         QStringLiteral("read the clients' manifests, join them to the matrix, record the burn-down")},
        {QStringLiteral("refs status"), QString(),
         QStringLiteral("every reference: where it pulls from and whether it can switch (--fail-on docker.io for CI)")},
        {QStringLiteral("refs diff"), QString(), QStringLiteral("references per cluster and registry, then and now")},
        {QStringLiteral("hosts"), QStringLiteral("<subcommand>"), QStringLiteral("containerd hosts.toml: generate, lint, explain")},
        {QStringLiteral("hosts generate"), QStringLiteral("--plan FILE -o DIR"),
         QStringLiteral("containerd certs.d for the plan: caches first, then the target")},
        {QStringLiteral("hosts lint"), QStringLiteral("DIR [--plan FILE]"),
         QStringLiteral("what in a certs.d breaks clusters (exit 5 on errors)")},
        {QStringLiteral("hosts explain"), QStringLiteral("REF --hosts-dir DIR"),
         QStringLiteral("the hosts containerd tries for REF, and what each holds")},
        {QStringLiteral("charts"), QStringLiteral("<subcommand>"),
         QStringLiteral("Helm charts, HTTP index versus OCI: scan, status, diff, catalog, releases, retire")},
        {QStringLiteral("charts scan"), QString(),
         QStringLiteral("read the HTTP index.yaml and the OCI charts of each chart repository; record the chart matrix")},
        {QStringLiteral("charts status"), QString(),
         QStringLiteral("per chart and version: same, missing-in-oci, only-in-oci, different-content, deprecated, unknown")},
        {QStringLiteral("charts diff"), QString(), QStringLiteral("what changed since an earlier charts scan")},
        {QStringLiteral("charts catalog"), QString(),
         QStringLiteral("the App Catalog: the last N versions per chart, from OCI and from the index")},
        {QStringLiteral("charts releases"), QString(),
         QStringLiteral("Flux HelmReleases and whether they still resolve charts from an HTTP repository")},
        {QStringLiteral("charts retire"), QStringLiteral("plan|execute"),
         QStringLiteral("plan or execute the retirement of an HTTP repository (cleanup kind http-chart-repository)")},
        {QStringLiteral("demo"), QString(),
         QStringLiteral("start the demo's local registries from the installed files and open the dashboard on them")},
    };
    return table;
}

QStringList commandGroups()
{
    QStringList groups;
    for (const CommandEntry &e : ferryctlCommands()) {
        const QString group = e.path.section(u' ', 0, 0);
        if (e.path.contains(u' ') && !groups.contains(group))
            groups.append(group);
    }
    return groups;
}

QList<CommandEntry> subcommandsOf(const QString &group)
{
    QList<CommandEntry> subs;
    for (const CommandEntry &e : ferryctlCommands())
        if (e.path.startsWith(group + u' '))
            subs.append(e);
    return subs;
}

namespace {

// "  name synopsis   summary" lines, the summaries in one column.
QString listing(const QList<CommandEntry> &entries, qsizetype skip)
{
    qsizetype width = 0;
    for (const CommandEntry &e : entries)
        width = qMax(width, e.path.mid(skip).size() + 1 + e.synopsis.size());
    width = qMin<qsizetype>(width, 34);
    QString text;
    for (const CommandEntry &e : entries) {
        const QString head = QString(e.path.mid(skip) + (e.synopsis.isEmpty() ? QString() : u' ' + e.synopsis));
        if (head.size() > width)
            text += QStringLiteral("  ") + head + QStringLiteral("\n") + QString(width + 4, u' ') + e.summary + u'\n';
        else
            text += QStringLiteral("  ") + head.leftJustified(width + 2) + e.summary + u'\n';
    }
    return text;
}

} // namespace

QString groupUsage(const QString &group, const QString &notes)
{
    const QList<CommandEntry> subs = subcommandsOf(group);
    QStringList names;
    for (const CommandEntry &e : subs)
        names.append(e.path.section(u' ', 1));
    QString text = QStringLiteral("Usage: ferryctl %1 <%2> [options]\n\n").arg(group, names.join(u'|'));
    text += listing(subs, group.size() + 1);
    if (!notes.isEmpty())
        text += u'\n' + notes;
    text += QStringLiteral("Run 'ferryctl %1 <subcommand> --help' for its options.\n").arg(group);
    return text;
}

QString exitCodesText()
{
    return QStringLiteral("0 ok, 1 not found, 2 usage, 3 authentication, 4 network or registry error, 5 a --fail-on matched (scan, "
                          "refs, charts) or hosts lint found errors, 6 a cleanup batch may not be executed, approved or planned "
                          "(charts retire), 7 the database could not be opened, 130 interrupted.");
}

QString ferryctlUsage()
{
    QList<CommandEntry> top;
    for (const CommandEntry &e : ferryctlCommands())
        if (!e.path.contains(u' '))
            top.append(e);
    QString text = QStringLiteral("Usage: ferryctl <command> [options]\n\nCommands:\n") + listing(top, 0);
    // The exit codes wrapped at about 100 columns.
    QString line = QStringLiteral("Exit codes:");
    QString wrapped;
    for (const QString &word : exitCodesText().split(u' ')) {
        if (line.size() + 1 + word.size() > 100) {
            wrapped += line + u'\n';
            line.clear();
        } else if (!line.isEmpty()) {
            line += u' ';
        }
        line += word;
    }
    text += u'\n' + wrapped + line + u'\n';
    text += QStringLiteral("Run 'ferryctl <command> --help' for a command's options.\n");
    return text;
}

namespace {
thread_local std::optional<CommandDoc> *t_describing = nullptr;
} // namespace

bool recordIfDescribing(const CommandParser &parser, const QString &command)
{
    if (!t_describing)
        return false;
    *t_describing = parser.doc(command);
    return true;
}

std::optional<CommandDoc> describeCommand(const QString &path)
{
    std::optional<CommandDoc> doc;
    t_describing = &doc;
    QString sink;
    QTextStream out(&sink);
    QTextStream err(&sink);
    runFerryctl(QStringList{QStringLiteral("ferryctl")} + path.split(u' '), out, err);
    t_describing = nullptr;
    return doc;
}

void addFerryOptions(CommandParser &parser)
{
    parser.setApplicationDescription(QStringLiteral("Ferry: the registry migration dashboard."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("plan"), QStringLiteral("The migration plan (default: the last one used)."), QStringLiteral("file")});
    parser.addOption(
        {QStringLiteral("db"),
         QStringLiteral("The history database, a file or a postgresql:// URL (default: the plan's store, else next to the plan)."),
         QStringLiteral("file")});
    parser.addOption({QStringLiteral("page"), QStringLiteral("Open on a page: ") + pages::spelled() + u'.', QStringLiteral("page")});
    parser.addOption({QStringLiteral("tui"), QStringLiteral("The dashboard in this terminal instead of a window (as ferryctl tui).")});
    parser.addOption({QStringLiteral("batch"),
                      QStringLiteral("Open the Batches page on this cleanup batch (with --page copies: on this copy batch)."),
                      QStringLiteral("id")});
    parser.addOption({QStringLiteral("state"), QStringLiteral("With --page images: show rows in this state."), QStringLiteral("state")});
    parser.addOption({QStringLiteral("demo"),
                      QStringLiteral("Start the demo's local registries (ferryctl demo --serve) and open its plan as "
                                     "soon as they answer; closing the window stops them.")});
    parser.addOption({QStringLiteral("demo-workdir"),
                      QStringLiteral("With --demo: keep the demo's registries, plan and database in <dir>."), QStringLiteral("dir")});
    parser.addPositionalArgument(QStringLiteral("PLAN"), QStringLiteral("The migration plan to open (as --plan)."),
                                 QStringLiteral("[PLAN]"));
}

} // namespace ferry::cli
