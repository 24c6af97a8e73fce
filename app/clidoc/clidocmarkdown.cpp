// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// docs/cli-reference.md: every command of ferry and ferryctl with its options, written from the
// same parsers as the man pages, so that the docs never hold a second hand-written copy.
#include "clidoc/clidoc.h"

namespace ferry::clidoc {

namespace {

using cli::CommandDoc;
using cli::CommandEntry;

// Text of a description for markdown: one paragraph per line of the original, characters that
// would start markup inside a sentence escaped.
QString md(const QString &text)
{
    QString s = text.trimmed();
    s.replace(u'\\', QStringLiteral("\\\\"));
    s.replace(u'*', QStringLiteral("\\*"));
    s.replace(u'_', QStringLiteral("\\_"));
    s.replace(u'<', QStringLiteral("&lt;"));
    s.replace(u'|', QStringLiteral("\\|"));
    QStringList lines = s.split(u'\n');
    for (QString &line : lines)
        line = line.trimmed();
    lines.removeAll(QString());
    return lines.join(QStringLiteral("  \n"));
}

QString dashed(const QString &name)
{
    return QString(name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + name;
}

QString usageLine(const QString &command, const CommandDoc &doc)
{
    QString t = command + QStringLiteral(" [options]");
    for (const cli::Positional &p : doc.positionals)
        t += u' ' + p.syntax;
    return QStringLiteral("```\n") + t + QStringLiteral("\n```\n");
}

QString options(const CommandDoc &doc)
{
    QString t;
    for (const QCommandLineOption &o : doc.options) {
        if (o.names().contains(QStringLiteral("help")))
            continue; // every command has it
        QStringList names;
        for (const QString &n : o.names())
            names.append(dashed(n));
        QString head = names.join(QStringLiteral(", "));
        if (!o.valueName().isEmpty())
            head += u' ' + o.valueName().toUpper();
        QString description = o.description().simplified();
        if (!o.defaultValues().isEmpty())
            description += QStringLiteral(" (default: %1)").arg(o.defaultValues().join(u','));
        t += QStringLiteral("- `") + head + QStringLiteral("`: ") + md(description) + u'\n';
    }
    for (const cli::Positional &p : doc.positionals)
        t += QStringLiteral("- `") + p.name + QStringLiteral("`: ") + md(p.description.simplified()) + u'\n';
    return t.isEmpty() ? QString() : QStringLiteral("\n") + t;
}

QString anchor(const QString &heading)
{
    return heading.toLower().replace(u' ', u'-');
}

QString commandSection(const QString &heading, const CommandDoc &doc, const QString &summary)
{
    QString t = QStringLiteral("\n### ") + heading + QStringLiteral("\n\n");
    const QString sentence = summary.left(1).toUpper() + summary.mid(1) + u'.';
    const bool described = !doc.description.trimmed().isEmpty();
    if (!summary.isEmpty() && (!described || doc.description.simplified() != sentence))
        t += md(sentence) + QStringLiteral("\n\n");
    t += usageLine(heading, doc);
    if (described)
        t += u'\n' + md(doc.description) + u'\n';
    return t + options(doc);
}

} // namespace

QString markdownReference(const CliDocs &docs)
{
    QString t =
        QStringLiteral("<!-- Written by ferry-clidoc from the programs' own option tables: do not edit. After changing a command's "
                       "options, run: build/dev/app/ferry-clidoc --markdown docs/cli-reference.md (tst_clidoc fails until then). -->\n"
                       "# Command reference: ferry and ferryctl\n\n"
                       "Every command and option, as the programs parse them; the man pages (`man ferryctl-copy`) and the shell "
                       "completions are written from the same tables. What each command is for, how its output reads, its JSON keys "
                       "and states: [cli.md](cli.md).\n\n");
    t += QStringLiteral("## ferryctl\n\n| command | what it does |\n|---|---|\n");
    for (const CommandEntry &e : docs.entries) {
        const QString heading = QStringLiteral("ferryctl ") + e.path;
        const QString target =
            docs.ferryctl.contains(e.path) ? heading : heading + u' ' + cli::subcommandsOf(e.path).value(0).path.mid(e.path.size() + 1);
        t += QStringLiteral("| [%1](#%2) | %3 |\n").arg(heading, anchor(target), md(e.summary));
    }
    t += QStringLiteral("\nExit codes: ") + md(cli::exitCodesText()) + QStringLiteral(" A command's own codes are in its description.\n");
    for (const CommandEntry &e : docs.entries)
        if (docs.ferryctl.contains(e.path))
            t += commandSection(QStringLiteral("ferryctl ") + e.path, docs.ferryctl.value(e.path), e.summary);
    t += QStringLiteral("\n## ferry\n");
    t += commandSection(QStringLiteral("ferry"), docs.ferry, QStringLiteral("the dashboard, in a window or (--tui) in this terminal"));
    return t;
}

} // namespace ferry::clidoc
