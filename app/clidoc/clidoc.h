// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "cli/commandtable.h"

#include <QMap>

#include <optional>

namespace ferry::clidoc {

// Every command's parser, as the program builds it: ferryctl's commands in the table's order,
// and the dashboard's ("ferry").
struct CliDocs
{
    QList<cli::CommandEntry> entries; // ferryctl's command table
    QMap<QString, cli::CommandDoc> ferryctl; // by path ("cleanup approve")
    cli::CommandDoc ferry;
};

// nullopt with *error when a command of the table does not build a parser.
std::optional<CliDocs> collect(QString *error);

// file name ("ferryctl-cleanup.1") -> roff text. One page for ferry, one for ferryctl, one
// per ferryctl command (a group's page has all its subcommands).
QMap<QString, QString> manPages(const CliDocs &docs, const QString &version, const QString &date);

// docs/cli-reference.md: every command and option of ferryctl and ferry, in markdown.
QString markdownReference(const CliDocs &docs);

// program is "ferryctl" or "ferry".
QString bashCompletion(const CliDocs &docs, const QString &program);
QString zshCompletion(const CliDocs &docs, const QString &program);
QString fishCompletion(const CliDocs &docs, const QString &program);

} // namespace ferry::clidoc
