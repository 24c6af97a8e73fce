// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "cli/cliregistry.h"

#include "core/workspace.h"
#include "parse/duration.h"
#include "plan/plan.h"
#include "store/store.h"

#include <QDir>
#include <QFileInfo>

#include "registry/credentials.h"
#include "registry/registryerror.h"

#include <QFile>
#include <QRegularExpression>

namespace ferry::cli {

int exitCodeFor(const ferry::RegistryError &error)
{
    using K = ferry::RegistryError::Kind;
    switch (error.kind) {
    case K::None: return ExitOk;
    case K::NotFound: return ExitNotFound;
    case K::Unauthorized:
    case K::Denied: return ExitAuth;
    case K::InvalidInput: return ExitUsage;
    default: return ExitRegistry;
    }
}

void addSessionOptions(CommandParser &parser)
{
    parser.addOption({QStringLiteral("plan"), QStringLiteral("The migration plan (YAML)."), QStringLiteral("file")});
    parser.addOption(
        {QStringLiteral("db"), QStringLiteral("The history database (default: the plan's store, or FERRY_DB)."), QStringLiteral("file")});
}

int openParsedSession(const CommandParser &parser, Workspace &workspace, const QString &command, SessionRule rule, QTextStream &err)
{
    const auto fail = [&](const QString &why, int code) {
        err << "ferryctl " << command << ": " << why << Qt::endl;
        return code;
    };
    if (rule.plan == PlanNeed::Required && !parser.isSet(QStringLiteral("plan")))
        return fail(QStringLiteral("--plan FILE is required") + (rule.planFor.isEmpty() ? QString() : QStringLiteral(": ") + rule.planFor),
                    ExitUsage);
    const QString db = rule.store == StoreNeed::None ? QString() : dbPath(parser);
    if (db.isEmpty() && (rule.store == StoreNeed::Create || rule.store == StoreNeed::Existing))
        return fail(QStringLiteral("give --db FILE or --plan FILE (or set FERRY_DB)"), ExitUsage);
    QString error;
    if (parser.isSet(QStringLiteral("plan"))) {
        if (!workspace.loadPlan(parser.value(QStringLiteral("plan")), &error))
            return fail(error, ExitUsage);
        for (const QString &w : workspace.plan()->warnings)
            err << "ferryctl " << command << ": warning: " << w << Qt::endl;
    }
    if (rule.store == StoreNeed::None || (rule.store == StoreNeed::IfExists && (db.isEmpty() || !Store::locationExists(db))))
        return -1;
    if (rule.store == StoreNeed::Existing && !Store::locationExists(db)) // opening it would create it, empty
        return fail(QStringLiteral("no database at %1; run %2 first, or give --db").arg(db, rule.scanFirst), rule.missingExit);
    if (!workspace.openDatabase(db, &error))
        return fail(error, rule.storeExit);
    return -1;
}

int openSession(CommandParser &parser, Workspace &workspace, const QString &command, const QStringList &args, PlanNeed plan,
                QTextStream &out, QTextStream &err)
{
    if (const int rc = parseCommand(parser, command, args, out, err); rc >= 0)
        return rc;
    return openParsedSession(parser, workspace, command, {plan}, err);
}

int parseCommand(CommandParser &parser, const QString &command, const QStringList &args, QTextStream &out, QTextStream &err)
{
    parser.addHelpOption();
    if (recordIfDescribing(parser, command))
        return ExitOk;
    QStringList argv = args;
    argv.prepend(QStringLiteral("ferryctl ") + command);
    if (!parser.parse(argv)) {
        err << "ferryctl " << command << ": " << parser.errorText() << Qt::endl;
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        // Qt writes the program's path ("Usage: /usr/bin/ferryctl [options]"); the command is what to type.
        QString help = parser.helpText();
        static const QRegularExpression usageLine(QStringLiteral("^Usage: \\S+"));
        help.replace(usageLine, QStringLiteral("Usage: ferryctl ") + command);
        out << help;
        return ExitOk;
    }
    return -1;
}

void addRegistryOptions(CommandParser &p)
{
    p.addOption({QStringLiteral("insecure"), QStringLiteral("Use plain HTTP for the registry.")});
    p.addOption(
        {QStringLiteral("ca-file"), QStringLiteral("Trust the PEM CA certificates in <file> for the registry."), QStringLiteral("file")});
    p.addOption({QStringLiteral("username"), QStringLiteral("User name (the password comes from --password-env or --password-stdin)."),
                 QStringLiteral("user")});
    p.addOption(
        {QStringLiteral("password-env"), QStringLiteral("Read the password from environment variable <name>."), QStringLiteral("name")});
    p.addOption({QStringLiteral("password-stdin"), QStringLiteral("Read the password from the first line of standard input.")});
    p.addOption({QStringLiteral("anonymous"), QStringLiteral("Ignore Docker's config.json; send no credentials.")});
    p.addOption({QStringLiteral("max-manifest-size"), QStringLiteral("Largest manifest accepted, in bytes (default 4194304)."),
                 QStringLiteral("bytes")});
    p.addOption({QStringLiteral("timeout"), QStringLiteral("Give up on a request after <seconds>, retries included (default 300)."),
                 QStringLiteral("seconds")});
}

bool registryConfigFromOptions(const CommandParser &p, const QString &host, RegistryConfig *config, QString *error, QTextStream &err)
{
    *config = RegistryConfig::forHost(host, p.isSet(QStringLiteral("insecure")));
    config->caFile = p.value(QStringLiteral("ca-file"));
    if (p.isSet(QStringLiteral("max-manifest-size"))) {
        bool ok = false;
        config->maxManifestBytes = p.value(QStringLiteral("max-manifest-size")).toLongLong(&ok);
        if (!ok || config->maxManifestBytes <= 0) {
            *error = QStringLiteral("--max-manifest-size takes a positive number of bytes");
            return false;
        }
    }
    if (p.isSet(QStringLiteral("timeout"))) {
        bool ok = false;
        const int secs = p.value(QStringLiteral("timeout")).toInt(&ok);
        if (!ok || secs <= 0) {
            *error = QStringLiteral("--timeout takes a positive number of seconds");
            return false;
        }
        config->requestDeadlineMs = secs * 1000;
        config->exchangeDeadlineMs = qMin(config->exchangeDeadlineMs, secs * 1000);
        config->transferTimeoutMs = qMin(config->transferTimeoutMs, secs * 1000);
    }
    if (p.isSet(QStringLiteral("username")) && p.isSet(QStringLiteral("anonymous"))) {
        *error = QStringLiteral("--anonymous sends no credentials and --username sends some: give one of them");
        return false;
    }
    if (p.isSet(QStringLiteral("username"))) {
        Credentials c;
        c.username = p.value(QStringLiteral("username"));
        c.source = QStringLiteral("the command line");
        if (p.isSet(QStringLiteral("password-env"))) {
            const QString var = p.value(QStringLiteral("password-env"));
            if (!qEnvironmentVariableIsSet(var.toLocal8Bit().constData())) {
                *error = QStringLiteral("environment variable %1 is not set").arg(var);
                return false;
            }
            c.password = qEnvironmentVariable(var.toLocal8Bit().constData());
        } else if (p.isSet(QStringLiteral("password-stdin"))) {
            QFile in;
            if (!in.open(stdin, QIODevice::ReadOnly)) {
                *error = QStringLiteral("cannot read standard input");
                return false;
            }
            c.password = QString::fromUtf8(in.readLine()).trimmed();
        } else {
            *error = QStringLiteral("--username needs --password-env or --password-stdin");
            return false;
        }
        config->credentials = c;
    } else if (!p.isSet(QStringLiteral("anonymous"))) {
        QString warning;
        config->credentials = credentials::fromDockerConfig(host, &warning);
        if (!warning.isEmpty())
            err << "ferryctl: warning: " << warning << Qt::endl;
    }
    return true;
}

QString defaultDbFor(const QString &planPath)
{
    return storeLocationForPlan(planPath);
}

QString dbPath(const CommandParser &p)
{
    return chooseStoreLocation(p.isSet(QStringLiteral("db")) ? p.value(QStringLiteral("db")) : QString(),
                               p.isSet(QStringLiteral("plan")) ? p.value(QStringLiteral("plan")) : QString());
}

std::optional<QDateTime> parseSince(const QString &text, QString *error)
{
    if (text.isEmpty())
        return QDateTime();
    if (const auto ms = parseDurationMs(text))
        return QDateTime::currentDateTimeUtc().addMSecs(-*ms);
    const QDateTime t = QDateTime::fromString(text, Qt::ISODate);
    if (!t.isValid()) {
        *error = QStringLiteral("--since takes an age (%1) or an ISO time (2026-11-27T08:00:00Z)").arg(durationGrammar());
        return std::nullopt;
    }
    return t.toUTC();
}

} // namespace ferry::cli
