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
// Whether a command may create the store; reads one that must exist (a missing one is not
// created: the command says to scan first); reads it only where there is one (IfExists: the
// workspace may have no store); or opens none (reads the plan alone).
enum class StoreNeed { Create, Existing, IfExists, None };
struct SessionRule
{
    SessionRule(PlanNeed planNeed = PlanNeed::Optional, StoreNeed storeNeed = StoreNeed::Create)
        : plan(planNeed)
        , store(storeNeed)
    { }
    PlanNeed plan = PlanNeed::Optional;
    StoreNeed store = StoreNeed::Create;
    int storeExit = ExitStore; // a store that cannot be opened (report: its documented 4)
    int missingExit = ExitUsage; // StoreNeed::Existing and there is none (report: 4)
    QString planFor; // PlanNeed::Required: what the plan gives the command, said when it is missing
    QString scanFirst = QStringLiteral("ferryctl scan --plan FILE"); // StoreNeed::Existing: what makes the store
};
// The one way a command opens its session: names the store by the one rule (--db, else the
// plan's store:, else FERRY_DB), loads --plan and opens the store in workspace, the plan's
// warnings on err. Returns -1 to go on, else the exit code, with why on err as
// "ferryctl COMMAND: ...": 2 usage or an unreadable plan, rule.storeExit a store that cannot be
// opened, rule.missingExit none where one must exist.
int openParsedSession(const CommandParser &parser, Workspace &workspace, const QString &command, SessionRule rule, QTextStream &err);
// The same after parsing the command's options (handling --help).
int openSession(CommandParser &parser, Workspace &workspace, const QString &command, const QStringList &args, PlanNeed plan,
                QTextStream &out, QTextStream &err);

// --since: an age (90s, 30m, 24h, 7d) back from now, or an ISO time; empty gives an invalid
// time (no limit). nullopt with *error for anything else.
std::optional<QDateTime> parseSince(const QString &text, QString *error);

} // namespace ferry::cli
