// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "store/storetopic.h"

namespace ferry {

// The history's topic of the store: every scan, every digest a tag held with its first and last
// seen times, the changes between scans, the errors a scan met. A re-scan that sees nothing new
// adds no history rows. Same thread rule as the Store.
class HistoryTables : public StoreTopic
{
public:
    // Reads and writes.
    explicit HistoryTables(Store &store)
        : StoreTopic(store, "HistoryTables")
    { }
    // Reads only: a write through it fails, with a warning.
    explicit HistoryTables(const Store &store)
        : StoreTopic(store, "HistoryTables")
    { }

    qint64 beginScan(const QString &planPath, const QDateTime &now, const QString &collector = QString());
    bool finishScan(const ScanRecord &scan);
    std::optional<ScanRecord> scan(qint64 id) const;
    std::optional<ScanRecord> lastScan() const;
    QList<ScanRecord> scans() const;

    // Records one registry listing of one repository. Tags that appear or move get a new
    // history row and a change; unchanged ones only get their last-seen time moved. Only a
    // complete listing can say that a tag vanished.
    ListingApplied applyListing(qint64 scanId, const QString &registry, const QString &repository, const QList<TagObservation> &tags,
                                bool complete, const QDateTime &now);

    QHash<QString, Observation> currentTags(const QString &registry, const QString &repository) const;
    // When this digest was first seen in this repository of this registry, under any tag.
    QDateTime digestFirstSeen(const QString &registry, const QString &repository, const QString &digest) const;
    QList<Observation> timeline(const QString &repository, const QString &tag) const;
    // Digests this registry's repository once had under a tag and no tag holds now, with
    // the time the last tag left them (the history's view of "untagged").
    QHash<QString, QDateTime> untaggedDigests(const QString &registry, const QString &repository) const;
    // Two registries' digests side by side, one repository at a time in repository order,
    // without holding either registry: visit(repository, a's rows, b's rows), one list empty
    // where only the other registry has the repository. visit returns false to stop.
    using PresencePairVisitor =
        std::function<bool(const QString &repository, const QList<DigestPresence> &a, const QList<DigestPresence> &b)>;
    bool visitDigestPresencePairs(const QString &a, const QString &b, const PresencePairVisitor &visit) const;
    // The first scan that saw each repository of a registry hold anything.
    QHash<QString, qint64> repositoryFirstScan(const QString &registry) const;

    QList<Change> changesSince(qint64 scanId) const;
    QList<Change> changesSince(const QDateTime &time) const;

    bool recordError(qint64 scanId, const QString &registry, const QString &repository, const QString &tag, const QString &message);
    QStringList scanErrors(qint64 scanId) const;

    qint64 observationCount() const;
};

} // namespace ferry
