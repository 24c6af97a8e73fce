// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "cleanup/analysis.h"

#include "parse/manifest.h"
#include "store/clienttables.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>
#include <QTimeZone>

#include <algorithm>

namespace ferry {

QString ageText(qint64 seconds)
{
    if (seconds >= 2 * 86400)
        return QStringLiteral("%1 days").arg(seconds / 86400);
    if (seconds >= 2 * 3600)
        return QStringLiteral("%1 hours").arg(seconds / 3600);
    if (seconds >= 120)
        return QStringLiteral("%1 minutes").arg(seconds / 60);
    return QStringLiteral("%1 seconds").arg(seconds);
}

std::optional<DevTag> parseDevTag(const QString &tag)
{
    static const QRegularExpression re(QStringLiteral("^(\\d+\\.\\d+\\.\\d+)-dev\\.([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\\.(\\d{4}-\\d{2}-\\d{"
                                                      "2})\\.(\\d{2})-(\\d{2})-(\\d{2})\\.h([0-9a-f]{7})$"));
    const auto m = re.match(tag);
    if (!m.hasMatch())
        return std::nullopt;
    const QDate date = QDate::fromString(m.captured(3), QStringLiteral("yyyy-MM-dd"));
    const QTime time(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt());
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    return DevTag{m.captured(1), m.captured(2), QDateTime(date, time, QTimeZone::utc()), m.captured(7)};
}

QStringList RepositorySnapshot::tagsOf(const QString &digest) const
{
    QStringList out;
    for (const TagRecord &t : tags)
        if (t.digest == digest)
            out << t.name;
    out.sort();
    return out;
}

bool RepositorySnapshot::holds(const QString &digest) const
{
    if (digest.isEmpty() || deleted.contains(digest))
        return false;
    if (manifests.contains(digest) || untaggedSince.contains(digest) || present.contains(digest))
        return true;
    for (const TagRecord &t : tags)
        if (t.digest == digest)
            return true;
    return false;
}

namespace {

struct Proposal
{
    QSet<QString> tags;
    QString policy;
    QString reason;
    QDateTime ageFrom;
    QString ageSource;
};

// The time a tag's age counts from, and where it comes from.
std::pair<QDateTime, QString> tagTime(const RepositorySnapshot &snap, const TagRecord &t)
{
    if (t.updated.isValid())
        return {t.updated, QStringLiteral("registry's last update time")};
    if (t.created.isValid())
        return {t.created, QStringLiteral("registry's creation time")};
    const QDateTime seen = snap.firstSeen.value(t.name);
    if (seen.isValid())
        return {seen, QStringLiteral("first seen by Ferry")};
    return {{}, {}};
}

void propose(QMap<QString, Proposal> *out, const QString &digest, const QString &tag, const CleanupPolicy &p, const QString &reason,
             const QDateTime &ageFrom, const QString &ageSource)
{
    auto it = out->find(digest);
    if (it == out->end()) {
        it = out->insert(digest, Proposal{{}, p.name, reason, ageFrom, ageSource});
    } else if (!it->policy.split(u'+').contains(p.name)) {
        it->policy += u'+' + p.name;
    }
    if (!tag.isEmpty())
        it->tags.insert(tag);
}

QMap<QString, Proposal> proposals(const RepositorySnapshot &snap, const QList<CleanupPolicy> &policies, const CleanupConfig &config,
                                  const QDateTime &now)
{
    QMap<QString, Proposal> out;
    if (!config.protectingRepository(snap.repository, snap.registry).isEmpty())
        return out;
    for (const CleanupPolicy &p : policies) {
        if (p.registry != snap.registry)
            continue;
        auto oldEnough = [&](const QDateTime &t) { return !p.olderThanSeconds || (t.isValid() && t.secsTo(now) >= *p.olderThanSeconds); };
        switch (p.kind) {
        case CleanupPolicy::Kind::DevTags:
        case CleanupPolicy::Kind::Tags: {
            struct Entry
            {
                const TagRecord *tag;
                QDateTime time;
                QString source;
            };
            QMap<QString, QList<Entry>> groups;
            for (const TagRecord &t : snap.tags) {
                if (t.digest.isEmpty() || !config.protectingTag(t.name, snap.registry).isEmpty())
                    continue;
                if (p.kind == CleanupPolicy::Kind::DevTags) {
                    const auto dev = parseDevTag(t.name);
                    if (dev)
                        groups[dev->branch].append({&t, dev->builtAt, QStringLiteral("the build time in the tag")});
                } else {
                    const auto m = p.pattern.match(t.name);
                    if (!m.hasMatch())
                        continue;
                    const auto [time, source] = tagTime(snap, t);
                    groups[m.captured(QStringLiteral("group"))].append({&t, time, source});
                }
            }
            for (auto g = groups.begin(); g != groups.end(); ++g) {
                QList<Entry> &entries = g.value();
                // Newest first; a tag of unknown age counts as newest, so it is kept.
                std::stable_sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
                    if (a.time.isValid() != b.time.isValid())
                        return !a.time.isValid();
                    if (a.time != b.time)
                        return a.time > b.time;
                    return a.tag->name > b.tag->name;
                });
                for (int i = p.keepNewest; i < entries.size(); ++i) {
                    const Entry &e = entries[i];
                    if (!oldEnough(e.time))
                        continue;
                    QString reason = p.kind == CleanupPolicy::Kind::DevTags ? QStringLiteral("dev build of branch '%1'").arg(g.key())
                                                                            : QStringLiteral("tag matches /%1/").arg(p.pattern.pattern()) +
                            (g.key().isEmpty() ? QString() : QStringLiteral(" (group '%1')").arg(g.key()));
                    if (p.keepNewest > 0)
                        reason += QStringLiteral(", not among the newest %1 of its group").arg(p.keepNewest);
                    if (p.olderThanSeconds)
                        reason += QStringLiteral(", %1 old (policy: older than %2)")
                                      .arg(ageText(e.time.secsTo(now)), ageText(*p.olderThanSeconds));
                    propose(&out, e.tag->digest, e.tag->name, p, reason, e.time, e.source);
                }
            }
            break;
        }
        case CleanupPolicy::Kind::Untagged:
            for (auto it = snap.untaggedSince.begin(); it != snap.untaggedSince.end(); ++it) {
                if (!snap.tagsOf(it.key()).isEmpty() || !oldEnough(it.value()))
                    continue;
                propose(&out, it.key(), QString(), p,
                        QStringLiteral("untagged for %1 (policy: older than %2)")
                            .arg(ageText(it.value().secsTo(now)), ageText(*p.olderThanSeconds)),
                        it.value(), snap.untaggedAgeSource.value(it.key()));
            }
            break;
        case CleanupPolicy::Kind::Legacy:
            for (const TagRecord &t : snap.tags) {
                if (t.digest.isEmpty() || !config.protectingTag(t.name, snap.registry).isEmpty())
                    continue;
                const auto [time, source] = tagTime(snap, t);
                if (!oldEnough(time))
                    continue;
                propose(&out, t.digest, t.name, p,
                        QStringLiteral("in legacy registry %1; its content belongs in the target").arg(snap.registry), time, source);
            }
            break;
        case CleanupPolicy::Kind::HttpChartRepository:
            break; // files of an HTTP chart repository, not a registry's tags: ferryctl charts retire
        }
    }
    return out;
}

QString describeDigest(const RepositorySnapshot &snap, const QString &digest)
{
    const QStringList tags = snap.tagsOf(digest);
    const QString d = digest.left(19);
    return tags.isEmpty() ? QStringLiteral("%1 (untagged)").arg(d) : QStringLiteral("%1 (%2)").arg(d, tags.join(QStringLiteral(", ")));
}

// Why a digest must stay, given the digests that are going; empty when it may go.
// checks collects what was verified.
QString dependencyHold(const QString &digest, const RepositorySnapshot &snap, const QSet<QString> &going, const CleanupConfig &config,
                       QStringList *checks)
{
    static const QRegularExpression sigTag(QStringLiteral("^sha256-([0-9a-f]{64})(?:\\.(sig|att|sbom))?$"));
    const ManifestFacts facts = snap.manifests.value(digest);
    if (!facts.read)
        return facts.readError.isEmpty() ? QStringLiteral("its manifest was not read, so what it references is unknown")
                                         : QStringLiteral("its manifest could not be read: %1").arg(facts.readError);
    checks->append(QStringLiteral("manifest read (%1)").arg(facts.mediaType.isEmpty() ? QStringLiteral("unknown type") : facts.mediaType));

    for (const TagRecord &t : snap.tags) {
        if (t.digest != digest)
            continue;
        if (t.deleteEnabled == false || t.writeEnabled == false)
            return QStringLiteral("tag '%1' is locked (deleteEnabled=%2, writeEnabled=%3)")
                .arg(t.name, t.deleteEnabled == false ? QStringLiteral("false") : QStringLiteral("true"),
                     t.writeEnabled == false ? QStringLiteral("false") : QStringLiteral("true"));
    }
    if (facts.deleteEnabled == false || facts.writeEnabled == false)
        return QStringLiteral("the manifest is locked (deleteEnabled=%1, writeEnabled=%2)")
            .arg(facts.deleteEnabled == false ? QStringLiteral("false") : QStringLiteral("true"),
                 facts.writeEnabled == false ? QStringLiteral("false") : QStringLiteral("true"));
    checks->append(QStringLiteral("not locked"));

    for (auto it = snap.manifests.begin(); it != snap.manifests.end(); ++it) {
        if (it.key() == digest || going.contains(it.key()) || !snap.holds(it.key()))
            continue;
        const bool maybeIndex = mediatype::isIndexType(it->mediaType) || it->mediaType.isEmpty();
        if (!it->read && maybeIndex)
            return QStringLiteral("index %1 could not be read, so its children are unknown%2")
                .arg(describeDigest(snap, it.key()), it->readError.isEmpty() ? QString() : QStringLiteral(": ") + it->readError);
        if (it->children.contains(digest))
            return QStringLiteral("child of the kept index %1").arg(describeDigest(snap, it.key()));
    }
    checks->append(QStringLiteral("no kept index references it"));

    // A subject that is neither going nor proven absent is kept.
    auto keptSubject = [&](const QString &subject) {
        return subject != digest && !going.contains(subject) && !snap.absent.contains(subject);
    };
    auto describeSubject = [&](const QString &subject) {
        return snap.holds(subject) ? describeDigest(snap, subject) : subject.left(19) + QStringLiteral(" (not proven absent)");
    };
    if (!facts.subject.isEmpty() && keptSubject(facts.subject))
        return QStringLiteral("referrer (subject) of the kept image %1").arg(describeSubject(facts.subject));
    for (const QString &tag : snap.tagsOf(digest)) {
        const auto m = sigTag.match(tag);
        if (!m.hasMatch())
            continue;
        const QString subject = QStringLiteral("sha256:") + m.captured(1);
        const QString what = m.captured(2).isEmpty() ? QStringLiteral("referrers index") : QStringLiteral("cosign .%1").arg(m.captured(2));
        if (keptSubject(subject))
            return QStringLiteral("%1 of the kept image %2").arg(what, describeSubject(subject));
    }
    checks->append(QStringLiteral("not a referrer or signature of a kept image"));
    Q_UNUSED(config);
    return {};
}

QStringList dependenciesIn(const QString &digest, const RepositorySnapshot &snap, const QSet<QString> &going, QStringList *parents)
{
    static const QRegularExpression sigTag(QStringLiteral("^sha256-([0-9a-f]{64})(?:\\.(sig|att|sbom))?$"));
    QStringList deps;
    for (auto it = snap.manifests.begin(); it != snap.manifests.end(); ++it) {
        if (it.key() != digest && going.contains(it.key()) && it->children.contains(digest)) {
            deps << it.key();
            parents->append(it.key());
        }
    }
    const ManifestFacts facts = snap.manifests.value(digest);
    if (!facts.subject.isEmpty() && going.contains(facts.subject) && facts.subject != digest)
        deps << facts.subject;
    for (const QString &tag : snap.tagsOf(digest)) {
        const auto m = sigTag.match(tag);
        const QString subject = QStringLiteral("sha256:") + m.captured(1);
        if (m.hasMatch() && going.contains(subject) && subject != digest && !deps.contains(subject))
            deps << subject;
    }
    parents->sort();
    deps.sort();
    return deps;
}

} // namespace

QString clusterHoldReason(const QString &why)
{
    return QStringLiteral("a cluster uses it: %1").arg(why);
}

bool heldForACluster(const CleanupItem &item)
{
    return item.holdReason.startsWith(clusterHoldReason({}));
}

ClusterHolds ClusterHolds::from(const QList<ReferenceHold> &holds)
{
    ClusterHolds out;
    // Several clusters may hold one digest: the first place says why, the count the rest.
    QHash<QString, int> more;
    for (const ReferenceHold &h : holds) {
        QHash<QString, QString> &into = h.kind == u"tag" ? out.tags : out.digests;
        if (into.contains(h.value))
            ++more[h.kind + u'\n' + h.value];
        else
            into.insert(h.value, h.text());
    }
    for (auto it = more.begin(); it != more.end(); ++it) {
        const QString kind = it.key().section(u'\n', 0, 0), value = it.key().section(u'\n', 1);
        QHash<QString, QString> &into = kind == u"tag" ? out.tags : out.digests;
        into[value] += QStringLiteral(" (and %1 more)").arg(it.value());
    }
    return out;
}

QHash<QString, QString> clusterHeldDigests(const RepositorySnapshot &snap, const ClusterHolds &holds)
{
    QHash<QString, QString> held;
    if (holds.isEmpty())
        return held;
    for (auto it = holds.digests.begin(); it != holds.digests.end(); ++it)
        held.insert(it.key(), it.value());
    for (const TagRecord &t : snap.tags) {
        const auto named = holds.tags.constFind(t.name);
        if (named != holds.tags.cend() && !t.digest.isEmpty() && !held.contains(t.digest))
            held.insert(t.digest, *named);
    }
    // The children of a held index (and theirs), one level a round, bounded by the manifests known.
    QList<QString> frontier = held.keys();
    for (int depth = 0; depth < 8 && !frontier.isEmpty(); ++depth) {
        QList<QString> next;
        for (const QString &d : std::as_const(frontier)) {
            const auto facts = snap.manifests.constFind(d);
            if (facts == snap.manifests.cend())
                continue;
            for (const QString &child : facts->children) {
                if (held.contains(child))
                    continue;
                held.insert(child, QStringLiteral("child of the index %1, which %2").arg(describeDigest(snap, d), held.value(d)));
                next.append(child);
            }
        }
        frontier = next;
    }
    return held;
}

QSet<QString> candidateDigests(const RepositorySnapshot &snap, const QList<CleanupPolicy> &policies, const CleanupConfig &config,
                               const QDateTime &now)
{
    const auto props = proposals(snap, policies, config, now);
    QSet<QString> out;
    for (auto it = props.begin(); it != props.end(); ++it)
        out.insert(it.key());
    return out;
}

namespace {

// One proposal as an item, held back where a cluster uses it, another tag stays on the digest,
// or legacy content is not verified in the target.
CleanupItem proposedItem(const QString &digest, const Proposal &p, const RepositorySnapshot &snap, const CleanupConfig &config,
                         const VerifyResults &verify, const QStringList &verifyTargets, const ClusterHolds &clusters,
                         const QHash<QString, QString> &clusterHeld)
{
    CleanupItem item;
    item.digest = digest;
    item.tags = snap.tagsOf(digest);
    const ManifestFacts facts = snap.manifests.value(digest);
    item.mediaType = facts.mediaType;
    item.size = facts.size;
    item.ageFrom = p.ageFrom;
    item.ageSource = p.ageSource;
    item.policy = p.policy;
    item.reason = p.reason;
    item.action = QStringLiteral("delete");
    // What a cluster runs, pins or names is never proposed, whatever else holds.
    if (const auto why = clusterHeld.constFind(item.digest); why != clusterHeld.cend())
        item.holdReason = clusterHoldReason(*why);
    for (const QString &tag : std::as_const(item.tags)) {
        if (!item.holdReason.isEmpty())
            break;
        if (p.tags.contains(tag))
            continue;
        const QString protector = config.protectingTag(tag, snap.registry);
        item.holdReason = protector.isEmpty()
            ? QStringLiteral("the digest also carries tag '%1', which no policy selects (deleting the digest deletes every tag on it)")
                  .arg(tag)
            : QStringLiteral("the digest also carries the protected tag '%1' (protect: /%2/)").arg(tag, protector);
        break;
    }
    if (item.holdReason.isEmpty()) {
        if (clusters.scan)
            item.checks << QStringLiteral("no cluster runs, pins or names it (refs scan %1)").arg(clusters.scan);
        item.checks << (item.tags.isEmpty() ? QStringLiteral("untagged")
                                            : QStringLiteral("every tag on the digest is selected (%1)").arg(item.tags.size()));
        if (verify.contains(item.digest)) {
            const QString missing = verify.value(item.digest);
            if (!missing.isEmpty())
                item.holdReason = QStringLiteral("not verified in the target: %1").arg(missing);
            else {
                item.verifyIn = verifyTargets;
                item.checks << QStringLiteral("same digest verified in %1").arg(verifyTargets.join(QStringLiteral(", ")));
            }
        }
    }
    return item;
}

} // namespace

QList<CleanupItem> evaluateCleanup(const RepositorySnapshot &snap, const QList<CleanupPolicy> &policies, const CleanupConfig &config,
                                   const QDateTime &now, const VerifyResults &verify, const QStringList &verifyTargets,
                                   const ClusterHolds &clusters)
{
    const QMap<QString, Proposal> props = proposals(snap, policies, config, now);
    const QHash<QString, QString> clusterHeld = clusterHeldDigests(snap, clusters);
    QMap<QString, CleanupItem> items;
    QSet<QString> going;
    for (auto it = props.begin(); it != props.end(); ++it) {
        const CleanupItem item = proposedItem(it.key(), *it, snap, config, verify, verifyTargets, clusters, clusterHeld);
        if (item.holdReason.isEmpty())
            going.insert(item.digest);
        items.insert(item.digest, item);
    }

    QList<CleanupItem> ordered;
    for (;;) {
        // Hold back what depends on something kept, until nothing changes.
        bool changed = true;
        while (changed) {
            changed = false;
            for (const QString &d : QSet<QString>(going)) {
                QStringList checks;
                const QString hold = dependencyHold(d, snap, going, config, &checks);
                if (!hold.isEmpty()) {
                    items[d].holdReason = hold;
                    going.remove(d);
                    changed = true;
                }
            }
        }
        // Execution order: what an item depends on goes first (Kahn, by digest for ties).
        QMap<QString, QStringList> deps;
        for (const QString &d : std::as_const(going)) {
            QStringList parents;
            deps[d] = dependenciesIn(d, snap, going, &parents);
            items[d].parents = parents;
            items[d].dependsOn = deps[d];
        }
        ordered.clear();
        QSet<QString> placed;
        bool progress = true;
        while (progress) {
            progress = false;
            // Every item whose dependencies are placed, oldest first.
            QList<QString> ready;
            for (auto it = deps.begin(); it != deps.end(); ++it)
                if (!placed.contains(it.key()) && std::all_of(it->begin(), it->end(), [&](const QString &x) { return placed.contains(x); }))
                    ready << it.key();
            std::stable_sort(ready.begin(), ready.end(), [&](const QString &a, const QString &b) {
                const QDateTime ta = items[a].ageFrom, tb = items[b].ageFrom;
                return ta.isValid() && (!tb.isValid() || ta < tb);
            });
            for (const QString &d : std::as_const(ready)) {
                placed.insert(d);
                ordered.append(items[d]);
                progress = true;
            }
        }
        if (placed.size() == going.size())
            break;
        for (const QString &d : QSet<QString>(going)) {
            if (!placed.contains(d)) {
                items[d].holdReason = QStringLiteral("part of a reference cycle between manifests; left for a person to untangle");
                going.remove(d);
            }
        }
    }
    for (CleanupItem &item : ordered) {
        QStringList checks;
        dependencyHold(item.digest, snap, going, config, &checks);
        item.checks += checks;
    }
    for (auto it = items.begin(); it != items.end(); ++it) {
        if (!going.contains(it.key())) {
            it->action = QStringLiteral("keep");
            it->state = QStringLiteral("kept");
            it->parents.clear();
            it->dependsOn.clear();
            ordered.append(*it);
        }
    }
    for (int i = 0; i < ordered.size(); ++i)
        ordered[i].seq = i + 1;
    return ordered;
}

QString recheckItem(const CleanupItem &item, const RepositorySnapshot &snap, const CleanupConfig &config)
{
    const QString repoProtector = config.protectingRepository(snap.repository, snap.registry);
    if (!repoProtector.isEmpty())
        return QStringLiteral("the repository is now protected (/%1/)").arg(repoProtector);
    QStringList now = snap.tagsOf(item.digest);
    QStringList approved = item.tags;
    approved.sort();
    if (now != approved) {
        QStringList added, gone;
        for (const QString &t : now)
            if (!approved.contains(t))
                added << t;
        for (const QString &t : approved)
            if (!now.contains(t))
                gone << t;
        QStringList parts;
        if (!added.isEmpty())
            parts << QStringLiteral("now also tagged %1").arg(added.join(QStringLiteral(", ")));
        if (!gone.isEmpty())
            parts << QStringLiteral("no longer tagged %1").arg(gone.join(QStringLiteral(", ")));
        return QStringLiteral("the tags changed since approval: %1").arg(parts.join(QStringLiteral("; ")));
    }
    for (const QString &t : std::as_const(now)) {
        const QString p = config.protectingTag(t, snap.registry);
        if (!p.isEmpty())
            return QStringLiteral("tag '%1' is now protected (/%2/)").arg(t, p);
    }
    QStringList checks;
    return dependencyHold(item.digest, snap, {item.digest}, config, &checks);
}

QString batchHash(const BatchContent &content)
{
    QJsonArray items;
    auto strings = [](QStringList l, bool sort) {
        if (sort)
            l.sort();
        return QJsonArray::fromStringList(l);
    };
    for (const CleanupItem &i : content.items) {
        QJsonObject o;
        o.insert(QStringLiteral("seq"), i.seq);
        o.insert(QStringLiteral("action"), i.action);
        o.insert(QStringLiteral("digest"), i.digest);
        o.insert(QStringLiteral("tags"), strings(i.tags, true));
        o.insert(QStringLiteral("mediaType"), i.mediaType);
        o.insert(QStringLiteral("size"), i.size);
        o.insert(QStringLiteral("ageFrom"), i.ageFrom.isValid() ? i.ageFrom.toMSecsSinceEpoch() : qint64(0));
        o.insert(QStringLiteral("ageSource"), i.ageSource);
        o.insert(QStringLiteral("policy"), i.policy);
        o.insert(QStringLiteral("reason"), i.reason);
        o.insert(QStringLiteral("checks"), strings(i.checks, false));
        o.insert(QStringLiteral("holdReason"), i.holdReason);
        o.insert(QStringLiteral("parents"), strings(i.parents, true));
        o.insert(QStringLiteral("dependsOn"), strings(i.dependsOn, true));
        o.insert(QStringLiteral("verifyIn"), strings(i.verifyIn, true));
        items.append(o);
    }
    QJsonObject root;
    root.insert(QStringLiteral("registry"), content.registry);
    root.insert(QStringLiteral("repository"), content.repository);
    root.insert(QStringLiteral("listedAt"), content.listedAt.toMSecsSinceEpoch());
    root.insert(QStringLiteral("listingComplete"), content.listingComplete);
    root.insert(QStringLiteral("listingNote"), content.listingNote);
    root.insert(QStringLiteral("items"), items);
    const QByteArray canonical = QJsonDocument(root).toJson(QJsonDocument::Compact);
    return QStringLiteral("sha256:") + QString::fromLatin1(QCryptographicHash::hash(canonical, QCryptographicHash::Sha256).toHex());
}

} // namespace ferry
