// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QCommandLineParser>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ferry::cli {

// One positional argument of a command, as its parser declares it.
struct Positional
{
    QString name;
    QString description;
    QString syntax;
};

// What a command accepts, read from the parser the command itself builds: the man pages and
// the shell completions are made from this, so they cannot drift from what ferryctl parses.
struct CommandDoc
{
    QString command; // "scan", "cleanup approve"
    QString description;
    QList<QCommandLineOption> options;
    QList<Positional> positionals;
};

// A QCommandLineParser that keeps what is added to it (QCommandLineParser does not give its
// options back). Every ferryctl command, ferry and ferryctl tui parse with one.
class CommandParser : public QCommandLineParser
{
public:
    bool addOption(const QCommandLineOption &option);
    void addPositionalArgument(const QString &name, const QString &description, const QString &syntax = QString());
    void setApplicationDescription(const QString &description);
    QCommandLineOption addHelpOption();
    QCommandLineOption addVersionOption();
    CommandDoc doc(const QString &command) const;

private:
    CommandDoc m_doc;
};

// The commands of ferryctl: the top level ("scan") and the groups' subcommands
// ("cleanup approve"), each with its synopsis and a line of summary. The usage texts are
// written from this table, and so are the man pages and completions.
struct CommandEntry
{
    QString path; // "cleanup approve"
    QString synopsis; // "BATCH --as NAME [--comment TEXT] [--hash HASH]"
    QString summary;
};
const QList<CommandEntry> &ferryctlCommands();
// The top-level commands that have subcommands.
QStringList commandGroups();
// The subcommands of a group, in the table's order.
QList<CommandEntry> subcommandsOf(const QString &group);
// A group's usage: its subcommands from the table, then notes.
QString groupUsage(const QString &group, const QString &notes = QString());
// ferryctl's usage (ferryctl --help).
QString ferryctlUsage();
// What a command does on its exit codes: the text under "Exit codes" of ferryctl --help.
QString exitCodesText();

// The parser of a command as it is built to run: the command is called with a sink set, and
// its parser is recorded at parseCommand instead of being parsed. nullopt when the path does
// not reach a parser (an unknown command).
std::optional<CommandDoc> describeCommand(const QString &path);
// Called by parseCommand: true when a description was asked for (the command then returns).
bool recordIfDescribing(const CommandParser &parser, const QString &command);

// ferry's own options (the dashboard's command line).
void addFerryOptions(CommandParser &parser);

} // namespace ferry::cli
