// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "matrix/matrixbuilder.h"

#include "matrix/syncstate.h"

namespace ferry {

namespace {

QString errorFor(const RepoListing &l, const QString &tag)
{
    for (const QString &e : l.details.errors)
        if (e.startsWith(tag + u':'))
            return e.mid(tag.size() + 1).trimmed();
    return QStringLiteral("the digest could not be read");
}

bool listed(const RepoListing *l)
{
    return l && l->done && !l->failed;
}

// Worse replica states rank higher when the row takes its replicas' worst.
int replicaRank(const QString &s)
{
    if (s == state::Drifted)
        return 4;
    if (s == state::Lagging)
        return 3;
    if (s == state::Replicating)
        return 2;
    if (s == state::Unknown)
        return 1;
    return 0;
}

class Builder
{
public:
    explicit Builder(const MatrixInput &in)
        : m_in(in)
    { }

    MatrixOutput run();

private:
    struct Promise
    {
        const ImageSet *set;
        QString tag;
    };
    struct Followers
    {
        QString target;
        QStringList replicas;
        QStringList caches;
        QStringList legacy;
    };

    const RepoListing *listing(const QString &registry, const QString &repository) const { return m_in.listing(registry, repository); }
    MatrixCell cellOf(const QString &registry, const QString &repository, const QString &tag, bool *present) const;
    void collectPromises();
    bool allListed(const QString &repo, const Followers &f) const;
    void addRow(const QString &repo, const Followers &f, const QString &tag, const ImageSet *set);
    MatrixCell targetCell(const QString &repo, const Followers &f, const QString &tag, const ImageSet *set, const MatrixCell &source,
                          bool sourcePresent, bool *present) const;
    MatrixCell replicaCell(const QString &replica, const QString &repo, const Followers &f, const QString &tag, const ImageSet *set,
                           const MatrixCell &target, bool targetPresent) const;
    QStringList extrasBeyondPlan(const QString &repo, const Followers &f, const QSet<QString> &promised) const;

    const MatrixInput &m_in;
    QHash<QString, QList<Promise>> m_promisedByRepo; // target repo -> promises
    QHash<QString, QString> m_repoTarget; // target repo -> target registry
    QStringList m_repoOrder;
    MatrixOutput m_out;
};

// A cell from one listing: the digest, or why there is none.
MatrixCell Builder::cellOf(const QString &registry, const QString &repository, const QString &tag, bool *present) const
{
    MatrixCell c;
    *present = false;
    const RepoListing *l = listing(registry, repository);
    if (!l || !l->done) {
        c.state = state::Unknown;
        c.reason = QStringLiteral("not checked in this scan");
        return c;
    }
    if (l->failed) {
        c.state = state::Unknown;
        c.reason = l->error;
        return c;
    }
    const TagRecord *t = findTag(l->details, tag);
    if (!t) {
        c.state = state::Absent;
        if (!l->details.complete) {
            c.state = state::Unknown;
            c.reason = QStringLiteral("the tag listing was incomplete: %1").arg(l->details.incompleteReason);
        }
        return c;
    }
    if (t->digest.isEmpty()) {
        c.state = state::Unknown;
        c.reason = errorFor(*l, tag);
        return c;
    }
    *present = true;
    c.state = state::Present;
    c.digest = t->digest;
    c.mediaType = t->mediaType;
    const MatrixHistory::TagSeen seen = m_in.history->tagSeen(registry, repository, tag);
    c.firstSeen = seen.firstSeen;
    c.lastSeen = seen.lastSeen;
    return c;
}

void Builder::collectPromises()
{
    for (const ImageSet &s : *m_in.sets) {
        if (m_in.onlyRepositories && !m_in.onlyRepositories->contains(s.targetRepository))
            continue;
        const RepoListing *dst = listing(s.targetRegistry, s.targetRepository);
        if (!dst)
            continue; // filtered out with --only
        if (!m_repoTarget.contains(s.targetRepository)) {
            m_repoTarget.insert(s.targetRepository, s.targetRegistry);
            m_repoOrder << s.targetRepository;
        }
        const RepoListing *from = dst;
        QStringList tags;
        if (s.kind == ImageSet::Kind::Mapping) {
            const RepoListing *src = listing(s.sourceRegistry, s.sourceRepository);
            if (listed(src))
                from = src;
            else if (s.tags.kind == TagFilter::Kind::List)
                tags = s.tags.list; // known without the source
            // else: the source could not be listed: keep the target's matching tags visible
            // as unknown instead of letting them disappear from the matrix.
        }
        if (tags.isEmpty() && listed(from))
            for (const TagRecord &t : from->details.tags)
                if (s.tags.matches(t.name))
                    tags << t.name;
        for (const QString &t : std::as_const(tags))
            m_promisedByRepo[s.targetRepository].append({&s, t});
    }
}

// An interrupted scan only rewrites repositories whose every listing finished.
bool Builder::allListed(const QString &repo, const Followers &f) const
{
    for (const QString &reg : QStringList{f.target} + f.replicas + f.caches + f.legacy) {
        const RepoListing *l = listing(reg, repo);
        if (l && !l->done)
            return false;
    }
    for (const Promise &p : m_promisedByRepo.value(repo)) {
        if (p.set->kind != ImageSet::Kind::Mapping)
            continue;
        const RepoListing *src = listing(p.set->sourceRegistry, p.set->sourceRepository);
        if (src && !src->done)
            return false;
    }
    return true;
}

MatrixCell Builder::targetCell(const QString &repo, const Followers &f, const QString &tag, const ImageSet *set, const MatrixCell &source,
                               bool sourcePresent, bool *present) const
{
    MatrixCell target = cellOf(f.target, repo, tag, present);
    const bool own = set && set->kind == ImageSet::Kind::Repositories;
    if (!set) {
        if (*present) {
            target.state = state::Extra;
            target.reason = QStringLiteral("in the target, not in the plan");
        }
    } else if (target.state == state::Unknown) {
        // stays unknown with its reason: an error is never shown as missing
    } else if (!*present && set->kind == ImageSet::Kind::Mapping && source.state == state::Unknown) {
        target.state = state::Unknown;
        target.reason = QStringLiteral("the source could not be read, so whether this tag is due is not known");
    } else if (!*present) {
        target.state = state::Missing;
        target.reason = QStringLiteral("not copied to %1 yet").arg(f.target);
    } else if (own) {
        target.state = state::Synced;
    } else if (!sourcePresent) {
        target.state = source.state == state::Unknown ? state::Unknown : state::Extra;
        target.reason = source.state == state::Unknown ? QStringLiteral("the source could not be read: %1").arg(source.reason)
                                                       : QStringLiteral("the source no longer has this tag");
    } else if (target.digest == source.digest) {
        target.state = state::Synced;
    } else if (const QString key = target.digest + u'\n' + source.digest; m_in.partialOf && m_in.partialOf->contains(key)) {
        target.state = state::Partial;
        target.reason = m_in.partialOf->value(key);
    } else {
        target.state = state::Drifted;
        const QDateTime sourceHadIt = m_in.history->digestFirstSeen(set->sourceRegistry, set->sourceRepository, target.digest);
        target.reason = sourceHadIt.isValid()
            ? QStringLiteral("the source moved the tag after it was copied (the target still holds the old digest)")
            : QStringLiteral("the target holds a digest the source never had");
    }
    return target;
}

// Replicas follow the target.
MatrixCell Builder::replicaCell(const QString &replica, const QString &repo, const Followers &f, const QString &tag, const ImageSet *set,
                                const MatrixCell &target, bool targetPresent) const
{
    bool rp = false;
    MatrixCell rc = cellOf(replica, repo, tag, &rp);
    if (rc.state == state::Unknown)
        return rc;
    if (!set) {
        // Beyond the plan, a replica is not judged for lag.
        rc.state = !rp ? state::Absent : (targetPresent && rc.digest == target.digest) ? state::Synced : state::Extra;
    } else if (!targetPresent) {
        rc.state = rp ? state::Extra : state::Absent;
        if (rp)
            rc.reason = QStringLiteral("in the replica, not in the target");
    } else if (rp && rc.digest == target.digest) {
        rc.state = state::Synced;
    } else if (rp && !m_in.history->digestFirstSeen(f.target, repo, rc.digest).isValid()) {
        rc.state = state::Drifted;
        rc.reason = QStringLiteral("the replica holds a digest the target never had");
    } else {
        const PlanRegistry *pr = m_in.plan->registry(replica);
        const QDateTime since = m_in.history->digestFirstSeen(f.target, repo, target.digest);
        const qint64 ageMs = since.isValid() ? since.msecsTo(m_in.now) : 0;
        // Milliseconds: whole seconds would let 1.9 s pass an SLO of 1 s.
        const bool breach = ageMs > pr->lagSloSeconds * 1000;
        rc.state = breach ? state::Lagging : state::Replicating;
        rc.reason = QStringLiteral("%1 for %2 s (SLO %3 s)")
                        .arg(rp ? QStringLiteral("behind the target") : QStringLiteral("not replicated"))
                        .arg(ageMs / 1000)
                        .arg(pr->lagSloSeconds);
    }
    return rc;
}

void Builder::addRow(const QString &repo, const Followers &f, const QString &tag, const ImageSet *set)
{
    MatrixRow row;
    row.repository = repo;
    row.tag = tag;
    row.inPlan = set != nullptr;
    QStringList reasons;
    MatrixCell source;
    bool sourcePresent = false;
    const bool mapped = set && set->kind == ImageSet::Kind::Mapping;
    if (mapped) {
        source = cellOf(set->sourceRegistry, set->sourceRepository, tag, &sourcePresent);
        if (source.state == state::Absent)
            source.reason = QStringLiteral("not at the source");
        row.cells.insert(set->sourceRegistry, source);
    }
    bool present = false;
    const MatrixCell target = targetCell(repo, f, tag, set, source, sourcePresent, &present);
    row.cells.insert(f.target, target);

    QString worstReplica;
    for (const QString &rname : f.replicas) {
        const MatrixCell rc = replicaCell(rname, repo, f, tag, set, target, present);
        if (replicaRank(rc.state) > replicaRank(worstReplica))
            worstReplica = rc.state;
        if (!rc.reason.isEmpty() && rc.state != state::Synced)
            reasons << rname + QStringLiteral(": ") + rc.reason;
        row.cells.insert(rname, rc);
    }
    for (const QString &cname : f.caches) {
        bool cp = false;
        MatrixCell cc = cellOf(cname, repo, tag, &cp);
        if (cp && cc.digest != target.digest) {
            cc.reason = QStringLiteral("the cache serves another digest than the target");
            cc.state = state::Drifted;
        }
        row.cells.insert(cname, cc);
    }
    for (const QString &lname : f.legacy) {
        bool lp = false;
        row.cells.insert(lname, cellOf(lname, repo, tag, &lp));
    }

    // The row's state: the target's, then the replicas', worst first.
    if (!set)
        row.state = state::Extra;
    else if (target.state == state::Unknown || target.state == state::Missing || target.state == state::Drifted ||
             target.state == state::Partial || target.state == state::Extra)
        row.state = target.state;
    else if (!worstReplica.isEmpty() && worstReplica != state::Synced && worstReplica != state::Absent)
        row.state = worstReplica;
    else
        row.state = state::Synced;
    if (!target.reason.isEmpty())
        reasons.prepend(f.target + QStringLiteral(": ") + target.reason);
    if (mapped && source.state == state::Unknown)
        reasons.prepend(set->sourceRegistry + QStringLiteral(": ") + source.reason);
    row.reason = reasons.join(QStringLiteral("; "));
    m_out.rows.append(row);
}

// What the target and its replicas hold beyond the plan, sorted.
QStringList Builder::extrasBeyondPlan(const QString &repo, const Followers &f, const QSet<QString> &promised) const
{
    QSet<QString> extras;
    for (const QString &reg : QStringList{f.target} + f.replicas) {
        const RepoListing *l = listing(reg, repo);
        if (!listed(l))
            continue;
        for (const TagRecord &t : l->details.tags)
            if (!promised.contains(t.name))
                extras.insert(t.name);
    }
    QStringList out(extras.begin(), extras.end());
    out.sort();
    return out;
}

MatrixOutput Builder::run()
{
    collectPromises();
    const QStringList legacy = m_in.plan->namesWithRole(RegistryRole::Legacy);
    for (const QString &repo : std::as_const(m_repoOrder)) {
        Followers f;
        f.target = m_repoTarget.value(repo);
        f.replicas = m_in.plan->followersOf(f.target, RegistryRole::Replica);
        f.caches = m_in.checkCaches ? m_in.plan->followersOf(f.target, RegistryRole::Cache) : QStringList();
        f.legacy = legacy;
        if (!allListed(repo, f))
            continue;
        m_out.coveredRepositories << repo;
        QSet<QString> promised;
        for (const Promise &p : m_promisedByRepo.value(repo)) {
            if (promised.contains(p.tag))
                continue;
            promised.insert(p.tag);
            addRow(repo, f, p.tag, p.set);
        }
        for (const QString &t : extrasBeyondPlan(repo, f, promised))
            addRow(repo, f, t, nullptr);
    }
    return std::move(m_out);
}

} // namespace

MatrixOutput buildMatrix(const MatrixInput &input)
{
    return Builder(input).run();
}

} // namespace ferry
