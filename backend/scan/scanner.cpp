// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "scan/scanner.h"

#include "net/networkservice.h"
#include "registry/credentials.h"
#include "registry/registryclient.h"

#include <QSet>

namespace ferry {

QStringList state::rowStates()
{
    return {Synced, Missing, Drifted, Partial, Replicating, Lagging, Extra, Unknown};
}

Scanner::Scanner(const Plan &plan, Store &store, NetworkService &network, ScanOptions options, QObject *parent)
    : QObject(parent)
    , m_plan(plan)
    , m_store(store)
    , m_network(network)
    , m_options(std::move(options))
{
    qRegisterMetaType<ScanProgress>();
    qRegisterMetaType<ScanSummary>();
}

Scanner::~Scanner() = default;

Credentials planCredentials(const PlanRegistry &r, QStringList *errors)
{
    if (r.credentials == u"anonymous")
        return {};
    if (r.credentials.startsWith(QStringLiteral("env:"))) {
        const QStringList parts = r.credentials.split(u':');
        QString err;
        Credentials c = credentials::fromEnvironment(parts.value(1), parts.value(2), &err);
        if (!err.isEmpty())
            errors->append(QStringLiteral("%1: %2").arg(r.name, err));
        return c;
    }
    QString warning;
    Credentials c = credentials::fromDockerConfig(r.config.baseUrl.authority(), &warning);
    if (!warning.isEmpty())
        errors->append(QStringLiteral("%1: %2").arg(r.name, warning));
    return c;
}

namespace {

bool isIndexType(const QString &mediaType)
{
    return mediaType == QLatin1String(mediatype::OciIndex) || mediaType == QLatin1String(mediatype::DockerList);
}

} // namespace

void Scanner::start()
{
    m_clock.start();
    m_startedAt = QDateTime::currentDateTimeUtc();
    m_scanId = m_store.beginScan(m_plan.path, m_startedAt);
    if (m_options.liveRowsIntervalMs > 0 && m_options.writeMatrix) {
        m_liveTimer = new QTimer(this);
        m_liveTimer->setSingleShot(true); // restarted by the next finished listing
        m_liveTimer->setInterval(m_options.liveRowsIntervalMs);
        connect(m_liveTimer, &QTimer::timeout, this, &Scanner::emitLiveRows);
    }
    QList<RegistryRecord> records;
    for (const PlanRegistry &r : std::as_const(m_plan.registries))
        records.append({r.name, roleName(r.role), r.of, r.role == RegistryRole::Replica ? r.lagSloSeconds : 0});
    m_store.recordRegistries(records);
    m_group = RegistryClient::newGroup();
    for (const PlanRegistry &r : std::as_const(m_plan.registries)) {
        if (r.role == RegistryRole::Cache && !m_options.checkCaches)
            continue;
        if (!m_options.registries.isEmpty() && !m_options.registries.contains(r.name))
            continue;
        RegistryConfig cfg = r.config;
        cfg.credentials = planCredentials(r, &m_errors);
        auto client = std::make_unique<RegistryClient>(m_network, cfg);
        RegistryClient *hubApi = nullptr;
        if (cfg.kind == u"dockerhub" && cfg.apiUrl.isValid()) {
            RegistryConfig api = cfg;
            api.name = r.name + QStringLiteral("-hub-api");
            api.baseUrl = cfg.apiUrl;
            api.insecure = cfg.apiUrl.scheme() == u"http";
            api.credentials = {};
            auto apiClient = std::make_unique<RegistryClient>(m_network, api);
            hubApi = apiClient.get();
            m_clients[api.name] = std::move(apiClient);
        }
        m_providers[r.name] = TagDetailsProvider::create(*client, hubApi);
        m_clients[r.name] = std::move(client);
    }
    expandRepositories();
}

void Scanner::cancel()
{
    if (m_canceled || m_finished)
        return;
    m_canceled = true;
    m_pending.clear();
    for (auto &[name, client] : m_clients)
        client->cancelGroup(m_group);
}

void Scanner::expandRepositories()
{
    for (const ImageSet &s : std::as_const(m_plan.images)) {
        if (s.kind == ImageSet::Kind::Mapping) {
            m_sets.append(s);
            continue;
        }
        auto it = m_clients.find(s.targetRegistry);
        if (it == m_clients.end())
            continue;
        ++m_expanding;
        it->second->catalog(m_group).then(this, [this, s](const Result<Listing> &catalog) {
            --m_expanding;
            if (!catalog.ok()) {
                if (catalog.error.kind != RegistryError::Kind::Canceled) {
                    m_errors.append(QStringLiteral("%1: cannot list repositories for %2: %3")
                                        .arg(s.targetRegistry, s.repositoryGlob, catalog.error.toString()));
                    m_store.recordError(m_scanId, s.targetRegistry, s.repositoryGlob, QString(), catalog.error.toString());
                }
            } else {
                if (!catalog.value.complete)
                    m_errors.append(QStringLiteral("%1: the repository catalog is incomplete: %2")
                                        .arg(s.targetRegistry, catalog.value.incompleteReason));
                for (const QString &repo : catalog.value.names) {
                    if (!repositoryGlobMatches(s.repositoryGlob, repo))
                        continue;
                    ImageSet one = s;
                    one.targetRepository = repo;
                    m_sets.append(one);
                }
            }
            if (m_expanding == 0)
                planListings();
        });
    }
    if (m_expanding == 0)
        planListings();
}

void Scanner::planListings()
{
    if (m_canceled) {
        finish();
        return;
    }
    QStringList order;
    auto want = [&](const QString &registry, const QString &repository) {
        if (!m_providers.count(registry))
            return;
        const QString k = listingKey(registry, repository);
        if (m_listings.contains(k))
            return;
        m_listings.insert(k, RepoListing{registry, repository, false, false, {}, {}});
        order << k;
    };
    const QStringList legacy = m_plan.namesWithRole(RegistryRole::Legacy);
    QSet<QString> cacheRepos;
    for (const ImageSet &s : std::as_const(m_sets)) {
        if (m_options.only.isValid() && !m_options.only.pattern().isEmpty() && !m_options.only.match(s.targetRepository).hasMatch())
            continue;
        if (s.kind == ImageSet::Kind::Mapping)
            want(s.sourceRegistry, s.sourceRepository);
        want(s.targetRegistry, s.targetRepository);
        for (const QString &r : m_plan.followersOf(s.targetRegistry, RegistryRole::Replica))
            want(r, s.targetRepository);
        if (m_options.cacheSample < 0 || cacheRepos.size() < m_options.cacheSample || cacheRepos.contains(s.targetRepository)) {
            cacheRepos.insert(s.targetRepository);
            for (const QString &r : m_plan.followersOf(s.targetRegistry, RegistryRole::Cache))
                want(r, s.targetRepository);
        }
        for (const QString &r : legacy)
            want(r, s.targetRepository);
    }
    m_pending = order;
    emitProgress();
    if (m_listings.isEmpty()) {
        finish();
        return;
    }
    pump();
}

void Scanner::pump()
{
    while (!m_canceled && m_running < m_options.maxParallelListings && !m_pending.isEmpty()) {
        const QString k = m_pending.takeFirst();
        const RepoListing &l = m_listings[k];
        ++m_running;
        m_providers.at(l.registry)->listTagDetails(l.repository, m_group).then(this, [this, k](const Result<TagDetails> &r) {
            onListing(k, r);
        });
    }
    if (m_running == 0 && (m_pending.isEmpty() || m_canceled))
        checkPartials();
}

void Scanner::onListing(const QString &key, const Result<TagDetails> &result)
{
    --m_running;
    RepoListing &l = m_listings[key];
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (result.ok() || result.error.kind == RegistryError::Kind::NotFound) {
        // A repository the registry does not have is a complete, empty listing: its tags
        // are missing, not unknown.
        l.details = result.ok() ? result.value : TagDetails{l.repository, {}, true, {}, {}, 1};
        l.done = true;
        QList<TagObservation> obs;
        obs.reserve(l.details.tags.size());
        for (const TagRecord &t : std::as_const(l.details.tags))
            obs.append(TagObservation{t.name, t.digest, t.mediaType, t.created, t.updated});
        m_store.applyListing(m_scanId, l.registry, l.repository, obs, l.details.complete, now);
        if (!l.details.complete) {
            m_errors.append(QStringLiteral("%1 %2: incomplete listing: %3").arg(l.registry, l.repository, l.details.incompleteReason));
            m_store.recordError(m_scanId, l.registry, l.repository, QString(), l.details.incompleteReason);
        }
        for (const QString &e : std::as_const(l.details.errors))
            m_store.recordError(m_scanId, l.registry, l.repository, e.section(u':', 0, 0), e.section(u':', 1).trimmed());
    } else if (result.error.kind != RegistryError::Kind::Canceled) {
        l.done = true;
        l.failed = true;
        l.error = result.error.toString();
        m_errors.append(QStringLiteral("%1 %2: %3").arg(l.registry, l.repository, l.error));
        m_store.recordError(m_scanId, l.registry, l.repository, QString(), l.error);
    }
    if (m_liveTimer) {
        // Which target repositories this listing feeds: its own, or those mapped from it.
        for (const ImageSet &s : std::as_const(m_sets))
            if (s.targetRepository == l.repository || (s.sourceRegistry == l.registry && s.sourceRepository == l.repository))
                m_liveDirty.insert(s.targetRepository);
        if (!m_liveTimer->isActive())
            m_liveTimer->start();
    }
    emitProgress();
    pump();
}

void Scanner::emitLiveRows()
{
    if (m_finished || m_liveDirty.isEmpty())
        return;
    QStringList covered;
    const QList<MatrixRow> rows = computeMatrix(&covered, &m_liveDirty);
    // Repositories still waiting for a listing stay dirty for the next batch.
    for (const QString &repo : std::as_const(covered))
        m_liveDirty.remove(repo);
    if (!rows.isEmpty())
        Q_EMIT rowsReady(rows);
}

const Scanner::RepoListing *Scanner::listing(const QString &registry, const QString &repository) const
{
    const auto it = m_listings.constFind(listingKey(registry, repository));
    return it == m_listings.constEnd() ? nullptr : &*it;
}

static const TagRecord *findTag(const TagDetails &d, const QString &tag)
{
    for (const TagRecord &t : d.tags)
        if (t.name == tag)
            return &t;
    return nullptr;
}

void Scanner::checkPartials()
{
    if (m_finished)
        return;
    if (m_canceled || !m_options.writeMatrix) {
        finish();
        return;
    }
    // A target digest that differs from an index at the source may be a subset of its
    // platforms (retagger without --all): compare platform sets, reading each index once.
    struct Pair
    {
        QString sourceRegistry, sourceRepository, sourceDigest, targetRegistry, targetRepository, targetDigest;
    };
    QList<Pair> pairs;
    QSet<QString> seen;
    for (const ImageSet &s : std::as_const(m_sets)) {
        if (s.kind != ImageSet::Kind::Mapping)
            continue;
        const RepoListing *src = listing(s.sourceRegistry, s.sourceRepository);
        const RepoListing *dst = listing(s.targetRegistry, s.targetRepository);
        if (!src || !dst || !src->done || !dst->done || src->failed || dst->failed)
            continue;
        for (const TagRecord &t : src->details.tags) {
            if (t.digest.isEmpty() || !isIndexType(t.mediaType) || !s.tags.matches(t.name))
                continue;
            const TagRecord *d = findTag(dst->details, t.name);
            if (!d || d->digest.isEmpty() || d->digest == t.digest)
                continue;
            const QString k = d->digest + u'\n' + t.digest;
            if (seen.contains(k))
                continue;
            seen.insert(k);
            pairs.append({s.sourceRegistry, s.sourceRepository, t.digest, s.targetRegistry, s.targetRepository, d->digest});
        }
    }
    if (pairs.isEmpty()) {
        finish();
        return;
    }
    auto left = std::make_shared<int>(int(pairs.size()));
    for (const Pair &p : std::as_const(pairs)) {
        auto src = m_clients.at(p.sourceRegistry)->getManifest(p.sourceRepository, p.sourceDigest, m_group);
        auto dst = m_clients.at(p.targetRegistry)->getManifest(p.targetRepository, p.targetDigest, m_group);
        src.then(this, [this, p, left, dst](const Result<ManifestFetch> &s) mutable {
            dst.then(this, [this, p, left, s](const Result<ManifestFetch> &d) {
                if (s.ok() && d.ok()) {
                    QSet<QString> sourceChildren;
                    QStringList sourcePlatforms;
                    for (const Descriptor &c : s.value.manifest.children) {
                        sourceChildren.insert(c.digest);
                        if (c.platform && !c.platform->isUnknown())
                            sourcePlatforms << c.platform->toString();
                    }
                    const Manifest &tm = d.value.manifest;
                    QString reason;
                    if (tm.isIndex()) {
                        QStringList missing = sourcePlatforms;
                        bool subset = true;
                        for (const Descriptor &c : tm.children) {
                            if (!sourceChildren.contains(c.digest))
                                subset = false;
                            if (c.platform)
                                missing.removeAll(c.platform->toString());
                        }
                        if (subset && !missing.isEmpty())
                            reason =
                                QStringLiteral("the target lacks %1 of the source's platforms").arg(missing.join(QStringLiteral(", ")));
                    } else if (sourceChildren.contains(p.targetDigest)) {
                        QString platform;
                        for (const Descriptor &c : s.value.manifest.children)
                            if (c.digest == p.targetDigest && c.platform)
                                platform = c.platform->toString();
                        reason = QStringLiteral("the target holds only the %1 image of the source's %2-platform index")
                                     .arg(platform.isEmpty() ? QStringLiteral("single") : platform)
                                     .arg(sourcePlatforms.size());
                    }
                    if (!reason.isEmpty())
                        m_partialOf.insert(p.targetDigest + u'\n' + p.sourceDigest, reason);
                }
                if (--*left == 0)
                    finish();
            });
        });
    }
}

QList<MatrixRow> Scanner::computeMatrix(QStringList *coveredRepositories, const QSet<QString> *onlyRepositories)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<MatrixRow> rows;
    QSet<QString> covered;
    QHash<QString, QHash<QString, Observation>> history; // listing key -> tag -> observation
    auto observed = [&](const QString &registry, const QString &repository, const QString &tag) -> Observation {
        const QString k = listingKey(registry, repository);
        if (!history.contains(k))
            history.insert(k, m_store.currentTags(registry, repository));
        return history.value(k).value(tag);
    };
    auto errorFor = [](const RepoListing *l, const QString &tag) {
        for (const QString &e : l->details.errors)
            if (e.startsWith(tag + u':'))
                return e.mid(tag.size() + 1).trimmed();
        return QStringLiteral("the digest could not be read");
    };
    // A cell from one listing: the digest, or why there is none.
    auto cellOf = [&](const QString &registry, const QString &repository, const QString &tag, bool *present) {
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
            c.reason = errorFor(l, tag);
            return c;
        }
        *present = true;
        c.state = state::Present;
        c.digest = t->digest;
        c.mediaType = t->mediaType;
        const Observation o = observed(registry, repository, tag);
        c.firstSeen = o.firstSeen;
        c.lastSeen = o.lastSeen;
        return c;
    };

    struct Promise
    {
        const ImageSet *set;
        QString tag;
    };
    QHash<QString, QList<Promise>> promisedByRepo; // target repo -> promises
    QHash<QString, QString> repoTarget; // target repo -> target registry
    QStringList repoOrder;
    for (const ImageSet &s : std::as_const(m_sets)) {
        if (onlyRepositories && !onlyRepositories->contains(s.targetRepository))
            continue;
        const RepoListing *dst = listing(s.targetRegistry, s.targetRepository);
        if (!dst)
            continue; // filtered out with --only
        if (!repoTarget.contains(s.targetRepository)) {
            repoTarget.insert(s.targetRepository, s.targetRegistry);
            repoOrder << s.targetRepository;
        }
        QStringList tags;
        if (s.kind == ImageSet::Kind::Mapping) {
            const RepoListing *src = listing(s.sourceRegistry, s.sourceRepository);
            if (src && src->done && !src->failed) {
                for (const TagRecord &t : src->details.tags)
                    if (s.tags.matches(t.name))
                        tags << t.name;
            } else if (s.tags.kind == TagFilter::Kind::List) {
                tags = s.tags.list; // known without the source
            } else if (dst->done && !dst->failed) {
                // The source could not be listed: keep the target's matching tags visible
                // as unknown instead of letting them disappear from the matrix.
                for (const TagRecord &t : dst->details.tags)
                    if (s.tags.matches(t.name))
                        tags << t.name;
            }
        } else if (dst->done && !dst->failed) {
            for (const TagRecord &t : dst->details.tags)
                if (s.tags.matches(t.name))
                    tags << t.name;
        }
        for (const QString &t : std::as_const(tags))
            promisedByRepo[s.targetRepository].append({&s, t});
    }

    for (const QString &repo : std::as_const(repoOrder)) {
        const QString targetReg = repoTarget.value(repo);
        const QStringList replicas = m_plan.followersOf(targetReg, RegistryRole::Replica);
        const QStringList caches = m_options.checkCaches ? m_plan.followersOf(targetReg, RegistryRole::Cache) : QStringList();
        const QStringList legacy = m_plan.namesWithRole(RegistryRole::Legacy);
        // An interrupted scan only rewrites repositories whose every listing finished.
        bool allDone = true;
        for (const QString &reg : QStringList{targetReg} + replicas + caches + legacy) {
            const RepoListing *l = listing(reg, repo);
            if (l && !l->done)
                allDone = false;
        }
        for (const Promise &p : promisedByRepo.value(repo)) {
            if (p.set->kind == ImageSet::Kind::Mapping) {
                const RepoListing *src = listing(p.set->sourceRegistry, p.set->sourceRepository);
                if (src && !src->done)
                    allDone = false;
            }
        }
        if (!allDone)
            continue;
        covered.insert(repo);

        QSet<QString> promisedTags;
        auto addRow = [&](const QString &tag, const ImageSet *set) {
            MatrixRow row;
            row.repository = repo;
            row.tag = tag;
            row.inPlan = set != nullptr;
            bool present = false;
            QStringList reasons;
            MatrixCell source;
            bool sourcePresent = false;
            if (set && set->kind == ImageSet::Kind::Mapping) {
                source = cellOf(set->sourceRegistry, set->sourceRepository, tag, &sourcePresent);
                if (source.state == state::Absent)
                    source.reason = QStringLiteral("not at the source");
                row.cells.insert(set->sourceRegistry, source);
            }
            MatrixCell target = cellOf(targetReg, repo, tag, &present);
            const bool own = set && set->kind == ImageSet::Kind::Repositories;
            if (!set) {
                if (present) {
                    target.state = state::Extra;
                    target.reason = QStringLiteral("in the target, not in the plan");
                }
            } else if (target.state == state::Unknown) {
                // stays unknown with its reason: an error is never shown as missing
            } else if (!present && set->kind == ImageSet::Kind::Mapping && source.state == state::Unknown) {
                target.state = state::Unknown;
                target.reason = QStringLiteral("the source could not be read, so whether this tag is due is not known");
            } else if (!present) {
                target.state = state::Missing;
                target.reason = QStringLiteral("not copied to %1 yet").arg(targetReg);
            } else if (own) {
                target.state = state::Synced;
            } else if (!sourcePresent) {
                target.state = source.state == state::Unknown ? state::Unknown : state::Extra;
                target.reason = source.state == state::Unknown ? QStringLiteral("the source could not be read: %1").arg(source.reason)
                                                               : QStringLiteral("the source no longer has this tag");
            } else if (target.digest == source.digest) {
                target.state = state::Synced;
            } else if (m_partialOf.contains(target.digest + u'\n' + source.digest)) {
                target.state = state::Partial;
                target.reason = m_partialOf.value(target.digest + u'\n' + source.digest);
            } else {
                target.state = state::Drifted;
                const QDateTime sourceHadIt = m_store.digestFirstSeen(set->sourceRegistry, set->sourceRepository, target.digest);
                target.reason = sourceHadIt.isValid()
                    ? QStringLiteral("the source moved the tag after it was copied (the target still holds the old digest)")
                    : QStringLiteral("the target holds a digest the source never had");
            }
            row.cells.insert(targetReg, target);

            // Replicas follow the target.
            QString worstReplica;
            auto rank = [](const QString &s) {
                if (s == state::Drifted)
                    return 4;
                if (s == state::Lagging)
                    return 3;
                if (s == state::Replicating)
                    return 2;
                if (s == state::Unknown)
                    return 1;
                return 0;
            };
            for (const QString &rname : replicas) {
                bool rp = false;
                MatrixCell rc = cellOf(rname, repo, tag, &rp);
                if (rc.state != state::Unknown) {
                    if (!set) {
                        // Beyond the plan, a replica is not judged for lag.
                        rc.state = !rp ? state::Absent : (present && rc.digest == target.digest) ? state::Synced : state::Extra;
                    } else if (!present) {
                        rc.state = rp ? state::Extra : state::Absent;
                        if (rp)
                            rc.reason = QStringLiteral("in the replica, not in the target");
                    } else if (rp && rc.digest == target.digest) {
                        rc.state = state::Synced;
                    } else {
                        const bool targetHadIt = rp && m_store.digestFirstSeen(targetReg, repo, rc.digest).isValid();
                        if (rp && !targetHadIt) {
                            rc.state = state::Drifted;
                            rc.reason = QStringLiteral("the replica holds a digest the target never had");
                        } else {
                            const PlanRegistry *pr = m_plan.registry(rname);
                            const QDateTime since = m_store.digestFirstSeen(targetReg, repo, target.digest);
                            const qint64 ageMs = since.isValid() ? since.msecsTo(now) : 0;
                            const qint64 age = ageMs / 1000;
                            // Milliseconds: whole seconds would let 1.9 s pass an SLO of 1 s.
                            const bool breach = ageMs > pr->lagSloSeconds * 1000;
                            rc.state = breach ? state::Lagging : state::Replicating;
                            rc.reason = QStringLiteral("%1 for %2 s (SLO %3 s)")
                                            .arg(rp ? QStringLiteral("behind the target") : QStringLiteral("not replicated"))
                                            .arg(age)
                                            .arg(pr->lagSloSeconds);
                        }
                    }
                }
                if (rank(rc.state) > rank(worstReplica))
                    worstReplica = rc.state;
                if (!rc.reason.isEmpty() && rc.state != state::Synced)
                    reasons << rname + QStringLiteral(": ") + rc.reason;
                row.cells.insert(rname, rc);
            }
            for (const QString &cname : caches) {
                bool cp = false;
                MatrixCell cc = cellOf(cname, repo, tag, &cp);
                if (cp && cc.digest != target.digest) {
                    cc.reason = QStringLiteral("the cache serves another digest than the target");
                    cc.state = state::Drifted;
                }
                row.cells.insert(cname, cc);
            }
            for (const QString &lname : legacy) {
                bool lp = false;
                row.cells.insert(lname, cellOf(lname, repo, tag, &lp));
            }

            // The row's state: the target's, then the replicas', worst first.
            if (!set)
                row.state = state::Extra;
            else if (target.state == state::Unknown)
                row.state = state::Unknown;
            else if (target.state == state::Missing)
                row.state = state::Missing;
            else if (target.state == state::Drifted || target.state == state::Partial || target.state == state::Extra)
                row.state = target.state;
            else if (!worstReplica.isEmpty() && worstReplica != state::Synced && worstReplica != state::Absent)
                row.state = worstReplica;
            else
                row.state = state::Synced;
            if (!target.reason.isEmpty())
                reasons.prepend(targetReg + QStringLiteral(": ") + target.reason);
            if (set && set->kind == ImageSet::Kind::Mapping && source.state == state::Unknown)
                reasons.prepend(set->sourceRegistry + QStringLiteral(": ") + source.reason);
            row.reason = reasons.join(QStringLiteral("; "));
            rows.append(row);
        };

        for (const Promise &p : promisedByRepo.value(repo)) {
            if (promisedTags.contains(p.tag))
                continue;
            promisedTags.insert(p.tag);
            addRow(p.tag, p.set);
        }
        // What the target and its replicas hold beyond the plan.
        QSet<QString> extras;
        for (const QString &reg : QStringList{targetReg} + replicas) {
            const RepoListing *l = listing(reg, repo);
            if (!l || !l->done || l->failed)
                continue;
            for (const TagRecord &t : l->details.tags)
                if (!promisedTags.contains(t.name))
                    extras.insert(t.name);
        }
        QStringList extraList(extras.begin(), extras.end());
        extraList.sort();
        for (const QString &t : std::as_const(extraList))
            addRow(t, nullptr);
    }
    *coveredRepositories = QStringList(covered.begin(), covered.end());
    return rows;
}

qint64 Scanner::totalRequests() const
{
    qint64 n = 0;
    for (const auto &[name, client] : m_clients)
        n += client->stats().requests;
    return n;
}

void Scanner::emitProgress()
{
    ScanProgress p;
    p.listingsTotal = int(m_listings.size());
    for (const RepoListing &l : std::as_const(m_listings))
        if (l.done)
            ++p.listingsDone;
    p.requests = totalRequests();
    p.errors = m_errors.size();
    const double secs = m_clock.elapsed() / 1000.0;
    p.requestsPerSecond = secs > 0 ? p.requests / secs : 0;
    Q_EMIT progress(p);
}

void Scanner::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_liveTimer)
        m_liveTimer->stop();
    ScanSummary summary;
    summary.scanId = m_scanId;
    summary.interrupted = m_canceled;
    QStringList covered;
    const QList<MatrixRow> rows = m_options.writeMatrix ? computeMatrix(&covered) : QList<MatrixRow>();
    if (m_options.writeMatrix && !m_store.writeMatrix(m_scanId, rows, covered)) {
        summary.storeFailed = true;
        m_errors.append(QStringLiteral("writing the matrix failed: %1").arg(m_store.lastError()));
    }
    QMap<QString, QMap<QString, int>> counts;
    for (const MatrixRow &r : rows) {
        ++summary.rowsByState[r.state];
        ++counts[QString()][r.state];
        for (auto it = r.cells.begin(); it != r.cells.end(); ++it)
            ++counts[it.key()][it->state];
    }
    if (m_options.writeMatrix && !m_canceled)
        m_store.recordStateCounts(m_scanId, counts);
    summary.rows = int(rows.size());
    bool allDone = true;
    for (const RepoListing &l : std::as_const(m_listings))
        if (!l.done || l.failed || !l.details.complete)
            allDone = false;
    summary.complete = !m_canceled && allDone && m_errors.isEmpty();
    summary.requests = totalRequests();
    summary.errors = m_errors;
    summary.elapsedMs = m_clock.elapsed();
    QList<RegistryScanStats> registryStats;
    for (const auto &[name, client] : m_clients) {
        const SessionStats st = client->stats();
        if (st.rateLimit.present)
            m_store.recordRateLimit(m_scanId, name, st.rateLimit);
        RegistryScanStats r;
        r.scan = m_scanId;
        r.registry = name;
        r.at = m_startedAt;
        r.requests = st.requests;
        r.answered = st.answered;
        r.failures = st.failures;
        r.retries = st.retries;
        r.pauses = st.pauses;
        r.latencyMsAvg = st.completed > 0 ? st.latencyMsTotal / st.completed : -1;
        for (const RepoListing &l : std::as_const(m_listings)) {
            if (l.registry != name)
                continue;
            ++r.listings;
            if (l.failed) {
                ++r.listingsFailed;
                if (r.firstError.isEmpty())
                    r.firstError = l.repository + QStringLiteral(": ") + l.error;
            }
        }
        for (const QString &e : std::as_const(m_errors))
            if (r.firstError.isEmpty() && (e.startsWith(name + u':') || e.startsWith(name + u' ')))
                r.firstError = e.mid(name.size() + 1).trimmed();
        if (r.requests > 0 || r.listings > 0)
            registryStats << r;
    }
    m_store.recordRegistryStats(registryStats);
    ScanRecord rec;
    rec.id = m_scanId;
    rec.plan = m_plan.path;
    rec.startedAt = m_startedAt;
    rec.finishedAt = QDateTime::currentDateTimeUtc();
    rec.complete = summary.complete;
    rec.interrupted = m_canceled;
    rec.requests = summary.requests;
    rec.errors = m_errors.size();
    rec.note = m_canceled        ? QStringLiteral("interrupted; what was read is kept")
        : !m_options.writeMatrix ? QStringLiteral("quick round: %1 only").arg(m_options.registries.join(QStringLiteral(", ")))
                                 : QString();
    m_store.finishScan(rec);
    emitProgress();
    Q_EMIT finished(summary);
}

} // namespace ferry
