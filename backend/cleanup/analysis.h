// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "plan/plan.h"
#include "registry/providers.h"
#include "store/clienttables.h"
#include "store/store.h"

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace ferry {

// X.Y.Z-dev.<branch>.<YYYY-MM-DD>.<HH-MM-SS>.h<sha7>, the RFC's dev-build tag.
struct DevTag
{
    QString version;
    QString branch;
    QDateTime builtAt; // UTC
    QString sha;
};
std::optional<DevTag> parseDevTag(const QString &tag);

// "40 days", "5 hours", "12 minutes": an age as the reviews write it.
QString ageText(qint64 seconds);

// What Ferry knows of one manifest of a repository.
struct ManifestFacts
{
    QString mediaType;
    qint64 size = -1; // manifest plus what it references, as declared (shared layers count)
    QStringList children; // index entries
    QString subject; // OCI subject digest
    bool read = false; // the manifest itself was fetched
    QString readError; // fetching it failed: nothing that depends on it may be deleted
    std::optional<bool> deleteEnabled; // ACR manifest attributes
    std::optional<bool> writeEnabled;
    QDateTime updated; // registry time, where the provider gives it
};

// One repository of one registry as it stands: every tag with its digest, the manifests
// Ferry read, the untagged digests it knows of. Both the planner and the executor build
// one and run the same checks over it.
struct RepositorySnapshot
{
    QString registry;
    QString repository;
    QDateTime listedAt;
    bool complete = false;
    QString incompleteReason;
    QList<TagRecord> tags;
    QHash<QString, ManifestFacts> manifests; // by digest
    QHash<QString, QDateTime> untaggedSince; // digests no tag points at, and since when
    QHash<QString, QString> untaggedAgeSource;
    QHash<QString, QDateTime> firstSeen; // tag -> when Ferry first saw its current digest
    QSet<QString> present; // digests a HEAD found (not read)
    QSet<QString> absent; // digests a HEAD proved absent

    QStringList tagsOf(const QString &digest) const;
    bool holds(const QString &digest) const; // tagged, or known untagged and not deleted
    QSet<QString> deleted; // removed during this run
};

// One deletion candidate (action delete) or a candidate that the checks hold back (keep).
struct CleanupItem
{
    int seq = 0;
    QString action; // "delete" or "keep"
    QString digest;
    QStringList tags; // every tag on the digest when planned: all go with it
    QString mediaType;
    qint64 size = -1;
    QDateTime ageFrom; // the time its age counts from
    QString ageSource; // tag timestamp, registry time, first seen by Ferry, …
    QString policy;
    QString reason; // why a policy proposes it
    QStringList checks; // the safety checks it passed
    QString holdReason; // action keep: why it must stay
    QStringList parents; // indexes in the same plan that reference it (deleted first)
    QStringList dependsOn; // other planned digests that must go first (parents, subjects)
    QStringList verifyIn; // legacy: "registry/repository" that must still hold the digest

    // Execution state, not part of the approved content.
    QString state = QStringLiteral("planned");
    QString outcome;
    int httpStatus = 0;
    QDateTime updatedAt;
};

// What the clusters run, pin or name in one repository, from the last refs scan: a digest or a
// tag -> why it must stay ("runs in berlin, pods.json:212"). Cleanup never proposes it, and the
// executor asks again right before each DELETE.
struct ClusterHolds
{
    QHash<QString, QString> digests;
    QHash<QString, QString> tags;
    qint64 scan = 0; // the refs scan they come from; 0: none was asked
    bool isEmpty() const { return digests.isEmpty() && tags.isEmpty(); }
    static ClusterHolds from(const QList<ReferenceHold> &holds);
};

// The hold reason of an item a cluster uses, and whether an item was held for that.
QString clusterHoldReason(const QString &why);
bool heldForACluster(const CleanupItem &item);

// Every digest of a snapshot the clusters hold, with why: the digests they run or pin, the
// digest each tag they name points at, and the children of any of those that is an index.
QHash<QString, QString> clusterHeldDigests(const RepositorySnapshot &snap, const ClusterHolds &holds);

// Whether a digest is verified in another registry (legacy policies); filled by the
// planner with live HEADs: digest -> empty when verified, else what is missing.
using VerifyResults = QHash<QString, QString>;

// The digests a policy set proposes in a snapshot, before any safety check: the planner
// reads these manifests before evaluating.
QSet<QString> candidateDigests(const RepositorySnapshot &snap, const QList<CleanupPolicy> &policies, const CleanupConfig &config,
                               const QDateTime &now);

// Proposes items from the policies and holds back every candidate that a safety rule
// protects: what a cluster runs, pins or names (and the children of such an index),
// protected tags and repositories, digests that also carry a kept tag, children
// of kept indexes, referrers and cosign signatures of kept images, locked tags and
// manifests, manifests Ferry could not read, legacy digests not verified in the target.
// Items come out in execution order: indexes before their children, subjects before
// their referrers.
QList<CleanupItem> evaluateCleanup(const RepositorySnapshot &snap, const QList<CleanupPolicy> &policies, const CleanupConfig &config,
                                   const QDateTime &now, const VerifyResults &verify, const QStringList &verifyTargets,
                                   const ClusterHolds &clusters = {});

// Right before a DELETE: whether the item may still go, judged on a fresh snapshot in
// which everything else that is present counts as kept. Returns why not, or empty.
QString recheckItem(const CleanupItem &item, const RepositorySnapshot &snap, const CleanupConfig &config);

// The hash of exactly what a batch holds: registry, repository, listing facts and every
// item's content (not its execution state).
struct BatchContent
{
    QString registry;
    QString repository;
    QDateTime listedAt;
    bool listingComplete = false;
    QString listingNote;
    QList<CleanupItem> items;
};
QString batchHash(const BatchContent &content);

} // namespace ferry
