// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "clidoc/clidoc.h"

#include <QRegularExpression>

namespace ferry::clidoc {

using cli::CommandDoc;
using cli::CommandEntry;

std::optional<CliDocs> collect(QString *error)
{
    CliDocs docs;
    docs.entries = cli::ferryctlCommands();
    const QStringList groups = cli::commandGroups();
    for (const CommandEntry &e : docs.entries) {
        if (groups.contains(e.path))
            continue;
        const std::optional<CommandDoc> doc = cli::describeCommand(e.path);
        if (!doc) {
            *error = QStringLiteral("'ferryctl %1' is in the command table but builds no parser").arg(e.path);
            return std::nullopt;
        }
        docs.ferryctl.insert(e.path, *doc);
    }
    cli::CommandParser ferry;
    cli::addFerryOptions(ferry);
    docs.ferry = ferry.doc(QStringLiteral("ferry"));
    return docs;
}

namespace {

// How an option's value is completed: files, directories, or nothing (free text).
enum class ValueKind { None, Flag, File, Dir };

ValueKind valueKind(const QCommandLineOption &o)
{
    const QString v = o.valueName();
    if (v.isEmpty())
        return ValueKind::Flag;
    if (v == u"file" || v == u"files" || v == u"path")
        return ValueKind::File;
    if (v == u"dir" || v == u"directory")
        return ValueKind::Dir;
    return ValueKind::None;
}

QString dashed(const QString &name)
{
    return QString(name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + name;
}

// The first sentence of a description, on one line, for completion menus.
QString brief(const QString &description)
{
    QString s = description.simplified();
    static const QRegularExpression sentenceEnd(QStringLiteral("[.;](\\s|$)")); // a colon leads on: "With --demo: keep ..."
    const auto m = sentenceEnd.match(s);
    if (m.hasMatch())
        s = s.left(m.capturedStart());
    if (s.size() > 90)
        s = s.left(87) + QStringLiteral("...");
    return s;
}

// ---- roff ----

QString roff(const QString &text)
{
    QString s = text;
    s.replace(u'\\', QStringLiteral("\\e"));
    s.replace(u'-', QStringLiteral("\\-"));
    QStringList lines = s.split(u'\n');
    for (QString &line : lines) {
        line = line.trimmed();
        if (line.startsWith(u'.') || line.startsWith(u'\''))
            line.prepend(QStringLiteral("\\&"));
    }
    lines.removeAll(QString());
    return lines.join(QStringLiteral("\n.br\n"));
}

QString optionsSection(const CommandDoc &doc)
{
    QString t;
    for (const QCommandLineOption &o : doc.options) {
        QStringList names;
        for (const QString &n : o.names())
            names.append(QStringLiteral("\\fB") + roff(dashed(n)) + QStringLiteral("\\fR"));
        t += QStringLiteral(".TP\n") + names.join(QStringLiteral(", "));
        if (!o.valueName().isEmpty())
            t += QStringLiteral(" \\fI") + roff(o.valueName()) + QStringLiteral("\\fR");
        t += u'\n' + roff(o.description()) + u'\n';
    }
    return t;
}

QString synopsisLine(const QString &command, const CommandDoc &doc)
{
    QString t = QStringLiteral(".B ") + roff(command) + QStringLiteral("\n[\\fIoptions\\fR]");
    for (const cli::Positional &p : doc.positionals)
        t += u' ' + roff(p.syntax);
    return t + u'\n';
}

QString header(const QString &name, const QString &summary, const QString &version, const QString &date)
{
    return QStringLiteral(".\\\" Written by ferry-clidoc from the program's own option tables: do not edit.\n"
                          ".TH %1 1 \"%2\" \"Ferry %3\" \"Ferry Manual\"\n.SH NAME\n%4 \\- %5\n")
        .arg(roff(name.toUpper()), date, version, roff(name), roff(summary));
}

QString exitStatus()
{
    return QStringLiteral(".SH EXIT STATUS\n") + roff(cli::exitCodesText()) + u'\n';
}

QString commandPage(const CliDocs &docs, const CommandEntry &top, const QString &version, const QString &date)
{
    const QString name = QStringLiteral("ferryctl-") + top.path;
    QString t = header(name, top.summary, version, date) + QStringLiteral(".SH SYNOPSIS\n");
    const QList<CommandEntry> subs = cli::subcommandsOf(top.path);
    if (subs.isEmpty()) {
        const CommandDoc &doc = docs.ferryctl.value(top.path);
        t += synopsisLine(QStringLiteral("ferryctl ") + top.path, doc);
        t += QStringLiteral(".SH DESCRIPTION\n") + roff(doc.description) + QStringLiteral("\n.SH OPTIONS\n") + optionsSection(doc);
    } else {
        for (const CommandEntry &sub : subs) {
            t += synopsisLine(QStringLiteral("ferryctl ") + sub.path, docs.ferryctl.value(sub.path));
            t += QStringLiteral(".br\n");
        }
        t += QStringLiteral(".SH DESCRIPTION\n") + roff(top.summary) + QStringLiteral(".\n.SH SUBCOMMANDS\n");
        for (const CommandEntry &sub : subs) {
            const CommandDoc &doc = docs.ferryctl.value(sub.path);
            t += QStringLiteral(".SS \"") + roff(sub.path) + QStringLiteral("\"\n") + roff(doc.description) + u'\n';
            t += optionsSection(doc);
        }
    }
    t += exitStatus();
    t += QStringLiteral(".SH SEE ALSO\n\\fBferryctl\\fR(1), \\fBferry\\fR(1)\n");
    return t;
}

QString ferryctlPage(const CliDocs &docs, const QString &version, const QString &date)
{
    QString t =
        header(QStringLiteral("ferryctl"), QStringLiteral("the headless twin of the Ferry registry migration dashboard"), version, date);
    t += QStringLiteral(".SH SYNOPSIS\n.B ferryctl\n\\fIcommand\\fR [\\fIoptions\\fR]\n"
                        ".SH DESCRIPTION\n"
                        "Ferry shows, per image and tag, whether every registry of a migration holds the right digest, how far "
                        "replicas lag, which cleanups are pending, and executes approved cleanups. ferryctl does all of it "
                        "without a window: for scripts, CI and an SSH session (ferryctl tui).\n"
                        ".SH COMMANDS\n");
    QStringList seeAlso{QStringLiteral("\\fBferry\\fR(1)")};
    for (const CommandEntry &e : docs.entries) {
        if (e.path.contains(u' '))
            continue;
        t += QStringLiteral(".TP\n\\fB") + roff(e.path) + QStringLiteral("\\fR");
        if (!e.synopsis.isEmpty())
            t += u' ' + roff(e.synopsis);
        t += u'\n' + roff(e.summary) + QStringLiteral(". See \\fBferryctl\\-") + roff(e.path) + QStringLiteral("\\fR(1).\n");
        seeAlso.append(QStringLiteral("\\fBferryctl\\-") + roff(e.path) + QStringLiteral("\\fR(1)"));
    }
    t += exitStatus();
    t += QStringLiteral(".SH ENVIRONMENT\n"
                        ".TP\n.B FERRY_DB\nThe history database when neither \\-\\-db nor \\-\\-plan is given.\n"
                        ".TP\n.B DOCKER_CONFIG\nWhere Docker's config.json with the registries' credentials is read from.\n"
                        ".TP\n.B NO_COLOR\nNo colour in the terminal views.\n");
    t += QStringLiteral(".SH SEE ALSO\n") + seeAlso.join(QStringLiteral(",\n")) + u'\n';
    return t;
}

QString ferryPage(const CliDocs &docs, const QString &version, const QString &date)
{
    QString t = header(QStringLiteral("ferry"), QStringLiteral("the registry migration dashboard"), version, date);
    t += QStringLiteral(".SH SYNOPSIS\n") + synopsisLine(QStringLiteral("ferry"), docs.ferry);
    t += QStringLiteral(".SH DESCRIPTION\n") + roff(docs.ferry.description) +
        QStringLiteral("\nWithout a plan (and with none used before) the window offers to open one, to import a retagger "
                       "or skopeo sync file, or to start the demo (\\fBferryctl demo\\fR).\n"
                       ".SH OPTIONS\n") +
        optionsSection(docs.ferry);
    t += QStringLiteral(".SH SEE ALSO\n\\fBferryctl\\fR(1)\n");
    return t;
}

// ---- completion helpers ----

struct Leaf
{
    QString path; // "" for ferry
    CommandDoc doc;
};

QList<Leaf> leaves(const CliDocs &docs, const QString &program)
{
    QList<Leaf> list;
    if (program == u"ferry") {
        list.append({QString(), docs.ferry});
        return list;
    }
    for (const CommandEntry &e : docs.entries)
        if (docs.ferryctl.contains(e.path))
            list.append({e.path, docs.ferryctl.value(e.path)});
    return list;
}

QList<CommandEntry> topCommands(const CliDocs &docs)
{
    QList<CommandEntry> top;
    for (const CommandEntry &e : docs.entries)
        if (!e.path.contains(u' '))
            top.append(e);
    return top;
}

QString words(const QList<CommandEntry> &entries, qsizetype skip)
{
    QStringList w;
    for (const CommandEntry &e : entries)
        w.append(e.path.mid(skip));
    return w.join(u' ');
}

QString singleQuoted(QString s)
{
    s.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + s + u'\'';
}

} // namespace

QMap<QString, QString> manPages(const CliDocs &docs, const QString &version, const QString &date)
{
    QMap<QString, QString> pages;
    pages.insert(QStringLiteral("ferry.1"), ferryPage(docs, version, date));
    pages.insert(QStringLiteral("ferryctl.1"), ferryctlPage(docs, version, date));
    for (const CommandEntry &e : topCommands(docs))
        pages.insert(QStringLiteral("ferryctl-%1.1").arg(e.path), commandPage(docs, e, version, date));
    return pages;
}

QString bashCompletion(const CliDocs &docs, const QString &program)
{
    const bool nested = program == u"ferryctl";
    const QString fn = u'_' + program;
    QString t = QStringLiteral("# bash completion for %1, written by ferry-clidoc from %1's own option tables: do not edit.\n"
                               "%2()\n{\n"
                               "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" path=\"\"\n")
                    .arg(program, fn);
    if (nested) {
        t += QStringLiteral("    if [[ $COMP_CWORD -eq 1 ]]; then\n"
                            "        COMPREPLY=($(compgen -W \"%1\" -- \"$cur\"))\n        return\n    fi\n"
                            "    path=\"${COMP_WORDS[1]}\"\n    case \"$path\" in\n")
                 .arg(words(topCommands(docs), 0));
        for (const QString &group : cli::commandGroups())
            t += QStringLiteral("    %1)\n        if [[ $COMP_CWORD -eq 2 ]]; then\n"
                                "            COMPREPLY=($(compgen -W \"%2\" -- \"$cur\"))\n            return\n        fi\n"
                                "        path=\"$path ${COMP_WORDS[2]}\";;\n")
                     .arg(group, words(cli::subcommandsOf(group), group.size() + 1));
        t += QStringLiteral("    esac\n");
    }
    // Option values: files, directories, or free text (nothing offered).
    QStringList fileCases, dirCases, textCases;
    for (const Leaf &leaf : leaves(docs, program))
        for (const QCommandLineOption &o : leaf.doc.options)
            for (const QString &n : o.names()) {
                const QString pattern = QStringLiteral("\"%1|%2\"").arg(leaf.path, dashed(n));
                switch (valueKind(o)) {
                case ValueKind::File: fileCases.append(pattern); break;
                case ValueKind::Dir: dirCases.append(pattern); break;
                case ValueKind::None: textCases.append(pattern); break;
                case ValueKind::Flag: break;
                }
            }
    t += QStringLiteral("    case \"$path|$prev\" in\n");
    if (!fileCases.isEmpty())
        t += QStringLiteral("    %1)\n        COMPREPLY=($(compgen -f -- \"$cur\")); return;;\n").arg(fileCases.join(u'|'));
    if (!dirCases.isEmpty())
        t += QStringLiteral("    %1)\n        COMPREPLY=($(compgen -d -- \"$cur\")); return;;\n").arg(dirCases.join(u'|'));
    if (!textCases.isEmpty())
        t += QStringLiteral("    %1)\n        COMPREPLY=(); return;;\n").arg(textCases.join(u'|'));
    t += QStringLiteral("    esac\n    local opts=\"\"\n    case \"$path\" in\n");
    for (const Leaf &leaf : leaves(docs, program)) {
        QStringList opts;
        for (const QCommandLineOption &o : leaf.doc.options)
            for (const QString &n : o.names())
                opts.append(dashed(n));
        t += QStringLiteral("    \"%1\") opts=\"%2\";;\n").arg(leaf.path, opts.join(u' '));
    }
    t += QStringLiteral("    esac\n"
                        "    if [[ \"$cur\" == -* ]]; then\n"
                        "        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
                        "    else\n"
                        "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
                        "    fi\n"
                        "}\n"
                        "complete -o filenames -F %1 %2\n")
             .arg(fn, program);
    return t;
}

namespace {

QString zshEscape(const QString &s)
{
    QString e = s;
    e.replace(u'\\', QStringLiteral("\\\\"));
    e.replace(u'[', QStringLiteral("\\["));
    e.replace(u']', QStringLiteral("\\]"));
    e.replace(u':', QStringLiteral("\\:"));
    return e;
}

QString zshDescribeList(const QList<CommandEntry> &entries, qsizetype skip)
{
    QStringList items;
    for (const CommandEntry &e : entries)
        items.append(singleQuoted(e.path.mid(skip) + u':' + zshEscape(brief(e.summary))));
    return items.join(QStringLiteral("\n            "));
}

QString zshArguments(const CommandDoc &doc)
{
    QStringList specs;
    for (const QCommandLineOption &o : doc.options)
        for (const QString &n : o.names()) {
            QString spec = dashed(n) + u'[' + zshEscape(brief(o.description())) + u']';
            switch (valueKind(o)) {
            case ValueKind::File: spec += u':' + o.valueName() + QStringLiteral(":_files"); break;
            case ValueKind::Dir: spec += u':' + o.valueName() + QStringLiteral(":_files -/"); break;
            case ValueKind::None: spec += u':' + o.valueName() + QStringLiteral(": "); break;
            case ValueKind::Flag: break;
            }
            specs.append(singleQuoted(spec));
        }
    specs.append(singleQuoted(QStringLiteral("*:argument:_files")));
    return QStringLiteral("_arguments ") + specs.join(QStringLiteral(" \\\n                "));
}

} // namespace

QString zshCompletion(const CliDocs &docs, const QString &program)
{
    QString t = QStringLiteral("#compdef %1\n# zsh completion for %1, written by ferry-clidoc from %1's own option tables: do not edit.\n"
                               "_%1() {\n")
                    .arg(program);
    if (program == u"ferry") {
        t += QStringLiteral("    ") + zshArguments(docs.ferry) + QStringLiteral("\n}\n_ferry \"$@\"\n");
        return t;
    }
    t += QStringLiteral("    local -a entries\n    if (( CURRENT == 2 )); then\n        entries=(\n            %1\n        )\n"
                        "        _describe -t commands 'ferryctl command' entries\n        return\n    fi\n"
                        "    local cmdpath=$words[2] depth=2\n    case $cmdpath in\n")
             .arg(zshDescribeList(topCommands(docs), 0));
    for (const QString &group : cli::commandGroups())
        t += QStringLiteral("    %1)\n        if (( CURRENT == 3 )); then\n            entries=(\n            %2\n            )\n"
                            "            _describe -t commands 'ferryctl %1 subcommand' entries\n            return\n        fi\n"
                            "        cmdpath=\"$cmdpath $words[3]\"; depth=3;;\n")
                 .arg(group, zshDescribeList(cli::subcommandsOf(group), group.size() + 1));
    t += QStringLiteral("    esac\n    words=(\"${(@)words[depth,-1]}\")\n    (( CURRENT -= depth - 1 ))\n    case $cmdpath in\n");
    for (const Leaf &leaf : leaves(docs, program))
        t += QStringLiteral("    %1)\n        %2;;\n").arg(singleQuoted(leaf.path), zshArguments(leaf.doc));
    t += QStringLiteral("    esac\n}\n_ferryctl \"$@\"\n");
    return t;
}

QString fishCompletion(const CliDocs &docs, const QString &program)
{
    const bool nested = program == u"ferryctl";
    QString t =
        QStringLiteral("# fish completion for %1, written by ferry-clidoc from %1's own option tables: do not edit.\n").arg(program);
    QString condition;
    if (nested) {
        t += QStringLiteral("function __ferryctl_path\n"
                            "    set -l tokens (commandline -opc)\n"
                            "    switch \"$tokens[2]\"\n"
                            "        case %1\n"
                            "            echo $tokens[2..3]\n"
                            "        case '*'\n"
                            "            echo $tokens[2]\n"
                            "    end\n"
                            "end\n"
                            "complete -c ferryctl -f\n")
                 .arg(cli::commandGroups().join(u' '));
        for (const CommandEntry &e : topCommands(docs))
            t += QStringLiteral("complete -c ferryctl -n 'test (count (commandline -opc)) -eq 1' -a %1 -d %2\n")
                     .arg(e.path, singleQuoted(brief(e.summary)));
        for (const QString &group : cli::commandGroups())
            for (const CommandEntry &e : cli::subcommandsOf(group))
                t += QStringLiteral("complete -c ferryctl -n 'test \"$(__ferryctl_path)\" = %1' -a %2 -d %3\n")
                         .arg(group, e.path.section(u' ', 1), singleQuoted(brief(e.summary)));
    }
    for (const Leaf &leaf : leaves(docs, program)) {
        const QString cond = nested ? QStringLiteral(" -n 'test \"$(__ferryctl_path)\" = \"%1\"'").arg(leaf.path) : QString();
        if (nested)
            t += QStringLiteral("complete -c ferryctl%1 -F\n").arg(cond); // positionals: files
        for (const QCommandLineOption &o : leaf.doc.options) {
            QString line = QStringLiteral("complete -c ") + program + cond;
            for (const QString &n : o.names())
                line += (n.size() == 1 ? QStringLiteral(" -s ") : QStringLiteral(" -l ")) + n;
            switch (valueKind(o)) {
            case ValueKind::File: line += QStringLiteral(" -r -F"); break;
            case ValueKind::Dir: line += QStringLiteral(" -r -f -a '(__fish_complete_directories)'"); break;
            case ValueKind::None: line += QStringLiteral(" -x"); break;
            case ValueKind::Flag: break;
            }
            t += line + QStringLiteral(" -d ") + singleQuoted(brief(o.description())) + u'\n';
        }
    }
    return t;
}

} // namespace ferry::clidoc
