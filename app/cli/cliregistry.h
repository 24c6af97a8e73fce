// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "registry/registryconfig.h"
#include "registry/registryerror.h"

#include "cli/commandtable.h"
#include <QDateTime>

#include <QTextStream>
#include <optional>

namespace ferry {
class Workspace;
}

namespace ferry::cli {

// Exit codes of ferryctl: a contract with operators' scripts.
// ExitStore: the database could not be opened, locked or migrated (a store error is not a
// registry's: retrying the scan will not help, the file or its permissions need a look).
enum ExitCode { ExitOk = 0, ExitNotFound = 1, ExitUsage = 2, ExitAuth = 3, ExitRegistry = 4, ExitStore = 7 };

int exitCodeFor(const ferry::RegistryError &error);

// Parses a command's options, handling --help. Returns -1 to go on, or the exit code.
int parseCommand(CommandParser &parser, const QString &command, const QStringList &args, QTextStream &out, QTextStream &err);

// The options every command that talks to a registry shares.
void addRegistryOptions(CommandParser &parser);
// Builds the registry configuration for host from those options and Docker's config.json.
// Returns false with *error for a usage problem.
bool registryConfigFromOptions(const CommandParser &parser, const QString &host, RegistryConfig *config, QString *error, QTextStream &err);

// The history database next to a plan: <dir>/<plan name>.ferry.db.
QString defaultDbFor(const QString &planPath);
// --db, else next to --plan, else FERRY_DB.
QString dbPath(const CommandParser &parser);

// The options of a command that opens the migration's session: --plan and --db.
void addSessionOptions(CommandParser &parser);
// Whether a command needs --plan, or reads the store alone (a plan given is still loaded).
enum class PlanNeed { Optional, Required };
// The one way a command opens its session: parses its options (handling --help), names the
// store by the one rule (--db, else the plan's store:, else FERRY_DB), loads --plan and opens
// the store in workspace. Returns -1 to go on, else the exit code, with why on err as
// "ferryctl COMMAND: ...": 2 usage or an unreadable plan, 7 a store that cannot be opened.
int openSession(CommandParser &parser, Workspace &workspace, const QString &command, const QStringList &args, PlanNeed plan,
                QTextStream &out, QTextStream &err);

// --since: an age (90s, 30m, 24h, 7d) back from now, or an ISO time; empty gives an invalid
// time (no limit). nullopt with *error for anything else.
std::optional<QDateTime> parseSince(const QString &text, QString *error);

} // namespace ferry::cli
