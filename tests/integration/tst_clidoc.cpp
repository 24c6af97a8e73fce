// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The man pages and shell completions (ferry-clidoc) against the real programs and shells:
// every command of the table builds a parser, its --help and its man page name the same
// options, man renders every page without a warning, and bash, fish and zsh (in a real
// terminal, tmux) complete commands, subcommands, options and file values.

#include "clidoc/clidoc.h"
#include "testmain.h"
#include "testutil.h"
#include "tmux.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <tuple>

using namespace ferry;
using namespace ferry::test;

class TestCliDoc : public QObject
{
    Q_OBJECT

    clidoc::CliDocs m_docs;
    QString m_dir; // the build's doc directory: man/, completions/
    QTemporaryDir m_tmp;

    QString completions(const QString &name) const { return QDir(m_dir).filePath(QStringLiteral("completions/") + name); }

    QStringList optionNames(const cli::CommandDoc &doc) const
    {
        QStringList names;
        for (const QCommandLineOption &o : doc.options)
            for (const QString &n : o.names())
                names.append(QString(n.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + n);
        return names;
    }

    // What bash offers for a command line (the last word is completed), via the generated script.
    QStringList bashComplete(const QStringList &words) const
    {
        QStringList quoted;
        for (const QString &w : words)
            quoted.append(u'\'' + w + u'\'');
        const QString script = QStringLiteral("source '%1'; COMP_WORDS=(%2); COMP_CWORD=%3; _ferryctl; printf '%s\\n' \"${COMPREPLY[@]}\"")
                                   .arg(completions(QStringLiteral("ferryctl.bash")), quoted.join(u' '))
                                   .arg(words.size() - 1);
        const Run r = run(QStringLiteral("bash"), {QStringLiteral("--norc"), QStringLiteral("-c"), script});
        return QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
    }

    QStringList fishComplete(const QString &line) const
    {
        const Run r = run(QStringLiteral("fish"),
                          {QStringLiteral("--no-config"), QStringLiteral("-c"),
                           QStringLiteral("source '%1'; complete -C'%2'").arg(completions(QStringLiteral("ferryctl.fish")), line)});
        QStringList values;
        for (const QString &l : QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts))
            values.append(l.section(u'\t', 0, 0));
        return values;
    }

private Q_SLOTS:
    void initTestCase()
    {
        for (const char *tool : {"bash", "fish", "zsh", "tmux", "man"})
            if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty())
                FERRY_SKIP(QStringLiteral("%1 is not installed (installer/setup.sh installs it)").arg(QString::fromLatin1(tool)));
        m_dir = qEnvironmentVariable("FERRY_DOC_DIR");
        QVERIFY2(QFileInfo::exists(m_dir + QStringLiteral("/stamp")), "FERRY_DOC_DIR has no generated pages (the ferry_docs target)");
        QString error;
        const auto docs = clidoc::collect(&error);
        QVERIFY2(docs, qPrintable(error));
        m_docs = *docs;
        QVERIFY(m_tmp.isValid());
    }

    // Every command that opens the migration's session does it by one rule (openParsedSession):
    // with neither --db nor --plan nor FERRY_DB it names both; a command that reads a store
    // that must exist says what makes it and creates no file; a command that needs the plan
    // says so; an unreadable plan is a usage error naming the command. Exit codes as documented.
    void everyCommandOpensItsSessionByOneRule()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("FERRY_DB"));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_tmp.path()); // report's offscreen platform warns without one
        // Runs "ferryctl COMMAND more…"; true when it exits code with "ferryctl COMMAND: " then says on stderr.
        const auto answers = [&](const QString &command, const QStringList &more, int code, const QString &says) {
            const Run r = run(ferryctlPath(), command.split(u' ') + more, env);
            const QString err = QString::fromUtf8(r.err);
            if (r.exitCode == code && err.startsWith(QStringLiteral("ferryctl %1: ").arg(command)) && err.contains(says))
                return true;
            qWarning("ferryctl %s %s: exit %d, %s", qPrintable(command), qPrintable(more.join(u' ')), r.exitCode, qPrintable(err));
            return false;
        };
        const QString missing = m_tmp.filePath(QStringLiteral("typo.ferry.db"));
        const QString noPlan = m_tmp.filePath(QStringLiteral("no-such-plan.yaml"));
        for (const char *command :
             {"status", "diff", "lag", "report", "cleanup list", "copy list", "batch list", "refs diff", "charts status"}) {
            const QString c = QString::fromLatin1(command);
            QVERIFY(answers(c, {}, 2, QStringLiteral("give --db FILE or --plan FILE (or set FERRY_DB)")));
            QVERIFY(answers(c, {QStringLiteral("--plan"), noPlan}, 2, QString()));
        }
        // Readers of a store that must exist: "no database at", what makes it, no new file.
        for (const auto &[command, first, code] :
             {std::tuple{"status", "ferryctl scan --plan FILE", 2}, std::tuple{"diff", "ferryctl scan --plan FILE", 2},
              std::tuple{"report", "ferryctl scan --plan FILE", 4}, std::tuple{"refs diff", "ferryctl refs scan", 2},
              std::tuple{"charts status", "ferryctl charts scan", 2}}) {
            QVERIFY(answers(QString::fromLatin1(command), {QStringLiteral("--db"), missing}, code,
                            QStringLiteral("no database at %1; run %2 first").arg(missing, QString::fromLatin1(first))));
            QVERIFY2(!QFile::exists(missing), command);
        }
        // The commands that need the plan say so.
        for (const char *command : {"scan", "watch", "charts scan"})
            QVERIFY(answers(QString::fromLatin1(command), {QStringLiteral("--db"), missing}, 2, QStringLiteral("--plan FILE is required")));
        // A store that cannot be opened (a directory where the file should be): 7, report's documented 4.
        for (const auto &[command, code] :
             {std::pair{"lag", 7}, std::pair{"report", 4}, std::pair{"cleanup list", 7}, std::pair{"status", 7}})
            QVERIFY(answers(QString::fromLatin1(command), {QStringLiteral("--db"), m_tmp.path()}, code, QString()));
    }

    // Every leaf of the table builds a parser, and ferryctl's own --help names the same options.
    void helpAndTableAgree()
    {
        QCOMPARE(m_docs.ferryctl.size(), cli::ferryctlCommands().size() - cli::commandGroups().size());
        QVERIFY(m_docs.ferryctl.contains(QStringLiteral("charts retire")));
        for (const auto &[path, doc] : m_docs.ferryctl.asKeyValueRange()) {
            QStringList args = path.split(u' ');
            args.append(QStringLiteral("--help"));
            const Run r = run(ferryctlPath(), args);
            QCOMPARE(r.exitCode, 0);
            const QString help = QString::fromUtf8(r.out);
            QVERIFY2(help.startsWith(QStringLiteral("Usage: ferryctl ") + path), qPrintable(path + u": " + help.left(80)));
            for (const QString &option : optionNames(doc))
                QVERIFY2(help.contains(option), qPrintable(path + QStringLiteral(" --help lacks ") + option));
            QVERIFY2(!doc.description.isEmpty(), qPrintable(path + QStringLiteral(" has no description")));
        }
        // A group's usage lists its subcommands from the table.
        for (const QString &group : cli::commandGroups()) {
            const Run r = run(ferryctlPath(), {group, QStringLiteral("--help")});
            QCOMPARE(r.exitCode, 0);
            for (const cli::CommandEntry &e : cli::subcommandsOf(group))
                QVERIFY2(QString::fromUtf8(r.out).contains(QString(QStringLiteral("  ") + e.path.section(u' ', 1) + u' ')),
                         qPrintable(e.path));
        }
        // A name not in the table is refused.
        QCOMPARE(run(ferryctlPath(), {QStringLiteral("cleanup"), QStringLiteral("purge")}).exitCode, 2);
    }

    // The installed pages are what the table gives now, render without a warning, and name
    // every option of their commands.
    void manPagesRender()
    {
        const QMap<QString, QString> pages = clidoc::manPages(m_docs, QStringLiteral(FERRY_VERSION), QString());
        QCOMPARE(QDir(m_dir + QStringLiteral("/man")).entryList({QStringLiteral("*.1.gz")}, QDir::Files).size(), pages.size());
        QVERIFY(pages.contains(QStringLiteral("ferryctl-cleanup.1")));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("MANWIDTH"), QStringLiteral("100"));
        env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
        for (const QString &name : pages.keys()) {
            const QString file = m_dir + QStringLiteral("/man/") + name + QStringLiteral(".gz"); // gzip -9n, as Debian installs them
            const Run r = run(QStringLiteral("man"), {QStringLiteral("--warnings"), QStringLiteral("-l"), file}, env);
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.err.isEmpty(), qPrintable(name + u": " + QString::fromUtf8(r.err)));
            // man joins words with hyphens it may break; compare without line breaks.
            const QString text = QString::fromUtf8(r.out).simplified().replace(QStringLiteral("‐ "), QString());
            const QString command = name.chopped(2).replace(QStringLiteral("ferryctl-"), QString());
            for (const auto &[path, doc] : m_docs.ferryctl.asKeyValueRange())
                if (path.section(u' ', 0, 0) == command)
                    for (const QString &option : optionNames(doc))
                        QVERIFY2(text.contains(option), qPrintable(name + QStringLiteral(" lacks ") + option));
        }
        const Run ferry = run(QStringLiteral("man"), {QStringLiteral("-l"), m_dir + QStringLiteral("/man/ferry.1.gz")}, env);
        for (const QString &option : optionNames(m_docs.ferry))
            QVERIFY2(ferry.out.contains(option.toUtf8()), qPrintable(QStringLiteral("ferry.1 lacks ") + option));
    }

    // docs/cli-reference.md is what the table gives now (regenerated, never edited by hand),
    // and names every command and option.
    void docsReferenceIsCurrent()
    {
        const QString generated = clidoc::markdownReference(m_docs);
        for (const auto &[path, doc] : m_docs.ferryctl.asKeyValueRange()) {
            QVERIFY2(generated.contains(QStringLiteral("\n### ferryctl ") + path + u'\n'), qPrintable(path));
            for (const QString &option : optionNames(doc))
                QVERIFY2(generated.contains(option) || option == u"--help" || option == u"-h",
                         qPrintable(path + QStringLiteral(" lacks ") + option));
        }
        QFile built(m_dir + QStringLiteral("/cli-reference.md"));
        QVERIFY2(built.open(QIODevice::ReadOnly), "the build wrote no cli-reference.md");
        QCOMPARE(QString::fromUtf8(built.readAll()), generated);
        QFile committed(qEnvironmentVariable("FERRY_SOURCE_DIR") + QStringLiteral("/docs/cli-reference.md"));
        QVERIFY2(committed.open(QIODevice::ReadOnly), "docs/cli-reference.md is missing");
        QVERIFY2(QString::fromUtf8(committed.readAll()) == generated,
                 "docs/cli-reference.md is not what the option tables give: run ferry-clidoc --markdown docs/cli-reference.md "
                 "(build/dev/app/ferry-clidoc) and commit it");
    }

    void bashCompletes()
    {
        QCOMPARE(bashComplete({QStringLiteral("ferryctl"), QStringLiteral("cle")}), QStringList{QStringLiteral("cleanup")});
        QCOMPARE(bashComplete({QStringLiteral("ferryctl"), QStringLiteral("cleanup"), QStringLiteral("ap")}),
                 QStringList{QStringLiteral("approve")});
        QCOMPARE(bashComplete({QStringLiteral("ferryctl"), QStringLiteral("cleanup"), QStringLiteral("approve"), QStringLiteral("--co")}),
                 QStringList{QStringLiteral("--comment")});
        // The same word under two commands: charts scan has --plan too, but not scan's --check-caches.
        QVERIFY(bashComplete({QStringLiteral("ferryctl"), QStringLiteral("scan"), QStringLiteral("--ch")})
                    .contains(QStringLiteral("--check-caches")));
        QVERIFY(
            bashComplete({QStringLiteral("ferryctl"), QStringLiteral("charts"), QStringLiteral("scan"), QStringLiteral("--ch")}).isEmpty());
        // A file value, and a directory value.
        QVERIFY(writeFile(m_tmp.filePath(QStringLiteral("plans/leave.yaml")), "version: 1\n"));
        QCOMPARE(bashComplete({QStringLiteral("ferryctl"), QStringLiteral("scan"), QStringLiteral("--plan"),
                               m_tmp.filePath(QStringLiteral("plans/le"))}),
                 QStringList{m_tmp.filePath(QStringLiteral("plans/leave.yaml"))});
        QCOMPARE(bashComplete({QStringLiteral("ferryctl"), QStringLiteral("hosts"), QStringLiteral("generate"), QStringLiteral("-o"),
                               m_tmp.filePath(QStringLiteral("pl"))}),
                 QStringList{m_tmp.filePath(QStringLiteral("plans"))});
    }

    void fishCompletes()
    {
        QCOMPARE(fishComplete(QStringLiteral("ferryctl cleanup ap")), QStringList{QStringLiteral("approve")});
        QVERIFY(fishComplete(QStringLiteral("ferryctl sc")).contains(QStringLiteral("scan")));
        QVERIFY(fishComplete(QStringLiteral("ferryctl scan --check")).contains(QStringLiteral("--check-caches")));
        QVERIFY(!fishComplete(QStringLiteral("ferryctl charts scan --check")).contains(QStringLiteral("--check-caches")));
        QVERIFY(fishComplete(QStringLiteral("ferryctl charts retire --ex")).contains(QStringLiteral("--export")));
    }

    // zsh's completion system in a real terminal: Tab on a subcommand and on an option.
    void zshCompletesInTerminal()
    {
        Tmux t(m_tmp.filePath(QStringLiteral("tmux")));
        QVERIFY(t.start(QStringLiteral("zsh -f"), 100, 20, {QStringLiteral("HOME=") + m_tmp.path()}));
        t.text(QStringLiteral("fpath=(%1 $fpath); autoload -U compinit; compinit -u -D; PS1='ready%% '")
                   .arg(QDir(m_dir).filePath(QStringLiteral("completions"))));
        t.keys({QStringLiteral("Enter")});
        QVERIFY(t.waitFor(QStringLiteral("ready%")).contains(u"ready%"));
        t.text(QStringLiteral("ferryctl cleanup ap"));
        t.keys({QStringLiteral("Tab")});
        QString screen = t.waitFor(QStringLiteral("ferryctl cleanup approve"));
        QVERIFY2(screen.contains(u"ferryctl cleanup approve"), qPrintable(screen));
        t.keys({QStringLiteral("C-u")});
        t.text(QStringLiteral("ferryctl report --form"));
        t.keys({QStringLiteral("Tab")});
        screen = t.waitFor(QStringLiteral("ferryctl report --format"));
        QVERIFY2(screen.contains(u"ferryctl report --format"), qPrintable(screen));
    }
};

FERRY_TEST_MAIN(TestCliDoc)
#include "tst_clidoc.moc"
