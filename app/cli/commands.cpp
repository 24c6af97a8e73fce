// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "cli/commands.h"

#include "cli/cliregistry.h"
#include "net/networkservice.h"
#include "parse/reference.h"
#include "registry/registryclient.h"

#include "cli/commandtable.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <memory>

namespace ferry::cli {

namespace {

QJsonObject rateLimitJson(const RateLimitReading &r)
{
    return QJsonObject{{QStringLiteral("limit"), r.limit},
                       {QStringLiteral("remaining"), r.remaining},
                       {QStringLiteral("windowSeconds"), r.windowSeconds},
                       {QStringLiteral("source"), r.source}};
}

QString humanSize(qint64 bytes)
{
    if (bytes < 0)
        return QStringLiteral("unknown");
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat) + QStringLiteral(" (%1 bytes)").arg(bytes);
}

// Parses the command line of inspect or tags (the registry options and one REF or REPO) and
// makes a client for its registry; a return >= 0 is the exit code (usage errors written).
int clientForArgument(CommandParser &parser, const QString &command, const QString &what, const QString &whatHelp, const QStringList &args,
                      NetworkService &network, ImageReference *ref, std::unique_ptr<RegistryClient> *client, QTextStream &out,
                      QTextStream &err)
{
    addRegistryOptions(parser);
    parser.addPositionalArgument(what, whatHelp);
    if (const int rc = parseCommand(parser, command, args, out, err); rc >= 0)
        return rc;
    const bool repositoryOnly = what == u"REPO";
    if (parser.positionalArguments().size() != 1) {
        err << "ferryctl " << command << ": expected exactly one " << what << Qt::endl;
        return ExitUsage;
    }
    QString perr;
    *ref = ImageReference::parse(parser.positionalArguments().constFirst(), &perr, repositoryOnly);
    RegistryConfig config;
    if (perr.isEmpty())
        registryConfigFromOptions(parser, ref->registry, &config, &perr, err);
    if (!perr.isEmpty()) {
        err << "ferryctl " << command << ": " << perr << Qt::endl;
        return ExitUsage;
    }
    *client = std::make_unique<RegistryClient>(network, config);
    if (!(*client)->configError().isEmpty()) {
        err << "ferryctl " << command << ": " << (*client)->configError() << Qt::endl;
        return ExitUsage;
    }
    return -1;
}

} // namespace

int runInspect(const QStringList &args, NetworkService &network, QTextStream &out, QTextStream &err)
{
    CommandParser parser;
    parser.setApplicationDescription(QStringLiteral("Shows the digest, media type, platforms, subject and size of REF."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON (keys: digest, mediaType, platforms, subject, size, ...).")});
    ImageReference ref;
    std::unique_ptr<RegistryClient> client;
    if (const int rc = clientForArgument(parser, QStringLiteral("inspect"), QStringLiteral("REF"),
                                         QStringLiteral("host[:port]/repository[:tag|@digest]"), args, network, &ref, &client, out, err);
        rc >= 0)
        return rc;
    auto future = client->getManifest(ref.repository, ref.reference());
    future.waitForFinished();
    const Result<ManifestFetch> r = future.result();
    if (!r.ok()) {
        err << "ferryctl inspect: " << r.error.toString() << Qt::endl;
        return exitCodeFor(r.error);
    }
    const Manifest &m = r.value.manifest;
    const RateLimitReading rl = client->stats().rateLimit;
    for (const QString &w : r.value.warnings)
        err << "ferryctl inspect: warning: " << w << Qt::endl;

    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray platforms;
        QJsonArray manifests;
        for (const Descriptor &c : m.children) {
            QJsonObject entry{
                {QStringLiteral("digest"), c.digest}, {QStringLiteral("mediaType"), c.mediaType}, {QStringLiteral("size"), c.size}};
            if (c.platform) {
                entry.insert(QStringLiteral("os"), c.platform->os);
                entry.insert(QStringLiteral("architecture"), c.platform->architecture);
                if (!c.platform->variant.isEmpty())
                    entry.insert(QStringLiteral("variant"), c.platform->variant);
            }
            manifests.append(entry);
            if (c.platform && !c.platform->isEmpty() && !c.platform->isUnknown())
                platforms.append(entry);
        }
        QJsonObject o{{QStringLiteral("reference"), ref.toString()},
                      {QStringLiteral("digest"), r.value.digest},
                      {QStringLiteral("mediaType"), m.mediaType},
                      {QStringLiteral("kind"), manifestKindName(m.kind)},
                      {QStringLiteral("artifact"), artifactClassName(m.artifactClass)},
                      {QStringLiteral("size"), m.rawSize},
                      {QStringLiteral("contentSize"), m.contentSize},
                      {QStringLiteral("platforms"), platforms},
                      {QStringLiteral("manifests"), manifests}};
        o.insert(QStringLiteral("subject"),
                 m.subject ? QJsonValue(QJsonObject{{QStringLiteral("digest"), m.subject->digest},
                                                    {QStringLiteral("mediaType"), m.subject->mediaType}})
                           : QJsonValue(QJsonValue::Null));
        if (!m.artifactType.isEmpty())
            o.insert(QStringLiteral("artifactType"), m.artifactType);
        if (m.config)
            o.insert(QStringLiteral("configMediaType"), m.config->mediaType);
        if (rl.present)
            o.insert(QStringLiteral("rateLimit"), rateLimitJson(rl));
        if (!r.value.warnings.isEmpty())
            o.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(r.value.warnings));
        out << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return ExitOk;
    }

    out << "Reference:   " << ref.toString() << '\n'
        << "Digest:      " << r.value.digest << '\n'
        << "Media type:  " << m.mediaType << '\n'
        << "Kind:        " << artifactClassName(m.artifactClass) << " (" << manifestKindName(m.kind) << ")\n"
        << "Size:        " << humanSize(m.rawSize) << " manifest, " << humanSize(m.contentSize) << " referenced\n";
    if (!m.artifactType.isEmpty())
        out << "Artifact:    " << m.artifactType << '\n';
    out << "Subject:     " << (m.subject ? m.subject->digest : QStringLiteral("-")) << '\n';
    if (m.isIndex()) {
        out << "Manifests:   " << m.children.size() << '\n';
        for (const Descriptor &c : m.children) {
            QString what = c.platform ? c.platform->toString() : QStringLiteral("-");
            if (c.platform && c.platform->isUnknown())
                what = QStringLiteral("attestation");
            out << "  " << what.leftJustified(20) << ' ' << c.digest << '\n';
        }
    }
    if (rl.present)
        out << "Pull budget: " << rl.remaining << " of " << rl.limit << " per " << rl.windowSeconds << " s (" << rl.source << ")\n";
    out.flush();
    return ExitOk;
}

int runTags(const QStringList &args, NetworkService &network, QTextStream &out, QTextStream &err)
{
    CommandParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Lists the tags of REPO, sorted, and says whether the listing is complete (exit 4 when it is not)."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON (keys: repository, tags, complete, pages, incompleteReason).")});
    ImageReference ref;
    std::unique_ptr<RegistryClient> client;
    if (const int rc = clientForArgument(parser, QStringLiteral("tags"), QStringLiteral("REPO"), QStringLiteral("host[:port]/repository"),
                                         args, network, &ref, &client, out, err);
        rc >= 0)
        return rc;
    auto future = client->listTags(ref.repository);
    future.waitForFinished();
    const Result<Listing> r = future.result();
    if (!r.ok()) {
        err << "ferryctl tags: " << r.error.toString() << Qt::endl;
        return exitCodeFor(r.error);
    }
    for (const QString &w : r.value.warnings)
        err << "ferryctl tags: warning: " << w << Qt::endl;
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonObject o{{QStringLiteral("repository"), QString(ref.registry + u'/' + ref.repository)},
                      {QStringLiteral("tags"), QJsonArray::fromStringList(r.value.names)},
                      {QStringLiteral("complete"), r.value.complete},
                      {QStringLiteral("pages"), r.value.pages}};
        if (!r.value.complete)
            o.insert(QStringLiteral("incompleteReason"), r.value.incompleteReason);
        out << QJsonDocument(o).toJson(QJsonDocument::Indented);
    } else {
        for (const QString &t : r.value.names)
            out << t << '\n';
        out.flush();
        if (r.value.complete)
            err << "complete: " << r.value.names.size() << " tags in " << r.value.pages << " page(s)" << Qt::endl;
    }
    if (!r.value.complete) {
        err << "ferryctl tags: INCOMPLETE listing (" << r.value.names.size() << " tags so far): " << r.value.incompleteReason << Qt::endl;
        return ExitRegistry;
    }
    return ExitOk;
}

int runFerryctl(const QStringList &arguments, QTextStream &out, QTextStream &err)
{
    if (arguments.size() < 2) {
        err << ferryctlUsage();
        return ExitUsage;
    }
    const QString command = arguments.at(1);
    const QStringList rest = arguments.mid(2);
    if (command == u"--help" || command == u"-h" || command == u"help") {
        out << ferryctlUsage();
        return ExitOk;
    }
    if (command == u"--version") {
        out << "ferryctl " << QCoreApplication::applicationVersion() << Qt::endl;
        return ExitOk;
    }
    if (command == u"status")
        return runStatus(rest, out, err);
    if (command == u"diff")
        return runDiff(rest, out, err);
    if (command == u"cleanup")
        return runCleanup(rest, out, err);
    if (command == u"copy")
        return runCopy(rest, out, err);
    if (command == u"batch")
        return runBatch(rest, out, err);
    if (command == u"lag")
        return runLag(rest, out, err);
    if (command == u"report")
        return runReport(rest, out, err);
    if (command == u"watch")
        return runWatch(rest, out, err);
    if (command == u"tui")
        return runTui(rest, out, err);
    if (command == u"refs")
        return runRefs(rest, out, err);
    if (command == u"hosts")
        return runHosts(rest, out, err);
    if (command == u"charts")
        return runCharts(rest, out, err);
    if (command == u"demo")
        return runDemo(rest, out, err);
    if (command == u"scan")
        return runScan(rest, out, err);
    NetworkService network(2);
    if (command == u"inspect")
        return runInspect(rest, network, out, err);
    if (command == u"tags")
        return runTags(rest, network, out, err);
    err << "ferryctl: unknown command '" << command << "'\n\n" << ferryctlUsage();
    return ExitUsage;
}

} // namespace ferry::cli
