// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "parse/semver.h"
#include "registry/registryconfig.h"

#include <QList>
#include <QPair>
#include <QRegularExpression>
#include <QString>
#include <QUrl>

#include <optional>

namespace ferry {

enum class RegistryRole { Source, Target, Replica, Cache, Legacy };
QString roleName(RegistryRole role);

struct PlanRegistry
{
    QString name;
    RegistryRole role = RegistryRole::Source;
    QString of; // replica/cache: the registry it follows
    qint64 lagSloSeconds = 7200; // replica: replication lag objective
    QString credentials; // "docker-config", "anonymous", or "env:USER_VAR:PASS_VAR"
    // The host clients write in image references for this registry, when it is not the
    // URL's: a stand-in or an internal mirror of docker.io (`client-name: docker.io`).
    QString clientName;
    // Copies from this registry pause while its pull budget is at or below this floor (-1: never),
    // looking at the budget again every budgetPollMs (a HEAD, which Docker Hub does not count).
    int budgetFloor = -1;
    qint64 budgetPollMs = 60'000;
    RegistryConfig config;
};

// Which tags of a repository an image set promises.
struct TagFilter
{
    enum class Kind { All, List, Regex, Semver };
    Kind kind = Kind::All;
    QStringList list;
    QRegularExpression regex;
    std::optional<SemverConstraint> semver;

    bool matches(const QString &tag) const;
    QString describe() const;
};

// One line of the plan's images: either a mapping from a source repository to a target
// repository (retagger's job), or the target's own repositories matched by a glob (the
// target is the truth; replicas must follow).
struct ImageSet
{
    enum class Kind { Mapping, Repositories };
    Kind kind = Kind::Mapping;
    QString sourceRegistry;
    QString sourceRepository;
    QString targetRegistry;
    QString targetRepository;
    QString repositoryGlob; // Repositories: e.g. giantswarm/*
    TagFilter tags;
    QString origin; // file:line, for messages
};

// Cleanup policies (plan key `cleanup`): which tags and manifests may be proposed for
// deletion. A policy only proposes; the safety checks and the lead's approval decide.
struct CleanupPolicy
{
    enum class Kind { DevTags, Tags, Untagged, Legacy, HttpChartRepository };
    QString name;
    Kind kind = Kind::DevTags;
    QString registry; // http-chart-repository: the plan's chart repository
    QString repositoryGlob; // empty: the plan's repositories in that registry
    std::optional<qint64> olderThanSeconds;
    int keepNewest = 0; // per group: dev branch, or the regex's 'group' capture
    QRegularExpression pattern; // kind tags
    bool verifyReplicas = false; // kind legacy: the digest must also be in the target's replicas
    QString origin; // file:line
};
QString cleanupKindName(CleanupPolicy::Kind kind);

struct CleanupConfig
{
    int batchSize = 100; // delete items per batch
    qint64 maxListingAgeSeconds = 86'400; // a batch planned longer ago cannot be executed
    qint64 recheckWindowSeconds = 30; // the executor re-lists a repository this often
    // With clients: a batch is approved without an override only when the last refs scan (what
    // the clusters run and pin) is at most this old.
    qint64 refsMaxAgeSeconds = 86'400;
    QList<QRegularExpression> protectTags;
    QList<QRegularExpression> protectRepositories;
    QStringList protectRegistries; // where protect applies; empty: every registry
    QList<CleanupPolicy> policies;

    // The pattern that protects it in that registry, or empty.
    QString protectingTag(const QString &tag, const QString &registry) const;
    QString protectingRepository(const QString &repository, const QString &registry) const;
};

// Where the clients' manifests of one cluster are (plan key `clients`): Kubernetes YAML,
// kubectl JSON dumps, Helm values, Flux objects, and the cluster's containerd certs.d.
struct ClientSource
{
    QString cluster;
    QString customer;
    QStringList paths; // files and directories, absolute (relative ones are read from the plan's directory)
    QString hostsDir; // the cluster's containerd certs.d, if known
    QString origin; // plan file:line
};

// An HTTP Helm repository (an index.yaml) and the OCI repositories its charts move to (plan
// key `charts`): the RFC's stage 3. Chart C of the index is <target>/<prefix>/C in OCI, its
// version V the tag V with '+' written '_' (as helm push writes it).
struct ChartRepository
{
    QString name;
    QUrl indexUrl; // the index.yaml
    PlanRegistry http; // how to reach the HTTP side: credentials, ca-file (config.baseUrl: scheme://host)
    QString targetRegistry; // the plan's registry that holds the charts as OCI artifacts
    QString targetPrefix; // repository prefix there: charts/giantswarm
    TagFilter versions; // which versions the migration covers (semver as Flux's semver filter)
    // And, as Flux's semverFilter next to a semver range, a regular expression a version must
    // match too (versions: {semver: ">=1.0", semver-filter: ".*-rc.*"}); invalid: none.
    QRegularExpression versionFilter;
    int catalogSize = 5; // the App Catalog shows the last N versions of each chart
    // ChartMuseum-style API that removes one version: DELETE <deleteApi>/<chart>/<version>;
    // empty: the HTTP repository's files are only exported as a list.
    QUrl deleteApi;
    QString origin; // file:line

    QString ociRepository(const QString &chart) const;
    bool covers(const QString &version) const;
    static QString ociTag(const QString &version);
};

struct Plan
{
    QString path;
    QString name;
    int version = 1;
    QList<PlanRegistry> registries;
    QList<ImageSet> images;
    CleanupConfig cleanup;
    QList<ClientSource> clients;
    QList<ChartRepository> charts;
    // Where the plan's history is kept (the plan key store:): a PostgreSQL URL, or a SQLite
    // file (relative to the plan's directory); empty: <plan>.ferry.db beside the plan.
    QString store;
    QStringList warnings;

    // store, or the file beside the plan when it has none.
    QString storeLocation() const;

    const PlanRegistry *registry(const QString &name) const;
    QStringList namesWithRole(RegistryRole role) const;
    const ChartRepository *chartRepository(const QString &name) const;
    QStringList followersOf(const QString &target, RegistryRole role) const;
    // The repository in `target` that holds what `registry`'s repository holds: the
    // mapping's target for a mapped source, the same name otherwise.
    // Returns {target registry, repository}; the registry is empty when the plan has no target.
    QPair<QString, QString> targetFor(const QString &registry, const QString &repository) const;
    // The repositories the plan knows in a registry (mapped, or the target's names), for
    // cleanup policies without their own glob; globs are returned as they are.
    QStringList repositoriesIn(const QString &registry) const;

    // Reads and validates a plan. Errors name the file, line and column and say what is
    // expected; unknown keys are errors.
    static std::optional<Plan> load(const QString &path, QString *error);
    static std::optional<Plan> parse(const QByteArray &yaml, const QString &path, QString *error);
};

// The store a plan file names (its store: key, read without validating the rest of the plan),
// else <plan>.ferry.db beside it: what --db defaults to wherever a plan is given.
QString storeLocationForPlan(const QString &planPath);
// The one rule every face opens its store by: the location given (--db), else the plan's
// (storeLocationForPlan), else FERRY_DB; empty when none of them names one.
QString chooseStoreLocation(const QString &given, const QString &planPath);
// A store: value as a location: a PostgreSQL URL as it is, a file relative to planDir. Empty
// with *error when it is neither.
QString resolveStoreLocation(const QString &value, const QString &planDir, QString *error);

// retagger's skopeo-sync files (`skopeo sync --src yaml`): the repositories and tag filters
// they select, as image sets from sourceRegistry to targetPrefix/<last path component>.
std::optional<QList<ImageSet>> importSkopeoSync(const QString &path, const QString &sourceRegistry, const QString &targetRegistry,
                                                const QString &targetPrefix, QString *error, QStringList *warnings);

// A first plan from a retagger skopeo-sync file: each registry host of the file becomes a source
// registry, targetHost ("gsoci.azurecr.io") the target, and the file is imported as it is
// (targetPrefix: the repositories' path in the target). The text is YAML that Plan::parse
// accepts; nullopt with *error when the file cannot be read or is not a skopeo-sync file.
std::optional<QByteArray> planFromSkopeoSync(const QString &syncPath, const QString &targetHost, const QString &targetPrefix,
                                             QString *error);

// "giantswarm/*" style globs for repository names ('*' does not cross '/', '**' does).
bool repositoryGlobMatches(const QString &glob, const QString &repository);
// The same glob compiled once, for callers that match many names.
QRegularExpression repositoryGlobRegex(const QString &glob);

} // namespace ferry
