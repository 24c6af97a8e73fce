// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Copy planning: the matrix's rows whose target lacks the source's digest become batches, one
// per target repository, each item pinned to the digest the last scan saw at the source.

#include "copy/copyengine.h"
#include "store/clienttables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"

#include "cleanup/cleanupstore.h"
#include "matrix/syncstate.h"
#include "parse/manifest.h"
#include "plan/plancredentials.h"
#include "registry/registryclient.h"

#include <QRegularExpression>

#include <algorithm>

namespace ferry {

namespace {

constexpr int kMaxIndexChildren = 256; // an index with more is refused, not walked

// The mapping of the plan that fills this target repository from a source, or nullptr.
const ImageSet *mappingFor(const Plan &plan, const QString &targetRepository)
{
    for (const ImageSet &s : plan.images)
        if (s.kind == ImageSet::Kind::Mapping && s.targetRepository == targetRepository && !s.sourceRegistry.isEmpty())
            return &s;
    return nullptr;
}

struct Candidate
{
    const ImageSet *mapping = nullptr;
    QString tag;
    QString digest;
    QString mediaType;
    QString targetState;
    QString targetDigest;
    QDateTime seen;
};

// The tags and digests a cluster runs, pins or names in a target repository, by the last refs scan.
QSet<QString> clusterHeld(const Store &store, const QString &registry, const QString &repository)
{
    QSet<QString> out;
    for (const ReferenceHold &h : ClientTables(store).referenceHolds(registry, repository))
        out.insert(h.value);
    return out;
}

// The matrix's rows whose target cell is in one of states, with the source's digest, by target
// registry and repository.
QMap<std::pair<QString, QString>, QList<Candidate>> candidates(const Plan &plan, const Store &store, const CopyPlanOptions &options,
                                                               const QStringList &states)
{
    QMap<std::pair<QString, QString>, QList<Candidate>> byRepository;
    MatrixTables(store).forEachMatrixRow([&](MatrixRow &&row) {
        const ImageSet *m = mappingFor(plan, row.repository);
        if (!m || !row.inPlan)
            return true;
        if (!options.repositories.isEmpty() &&
            std::none_of(options.repositories.begin(), options.repositories.end(),
                         [&](const QString &g) { return repositoryGlobMatches(g, row.repository); }))
            return true;
        const MatrixCell source = row.cells.value(m->sourceRegistry);
        const MatrixCell target = row.cells.value(m->targetRegistry);
        if (source.digest.isEmpty() || !states.contains(target.state))
            return true;
        byRepository[{m->targetRegistry, row.repository}].append(
            {m, row.tag, source.digest, source.mediaType, target.state, target.digest, source.firstSeen});
        return true;
    });
    return byRepository;
}

// A cosign tag (sha256-<hex>.sig, .att, .sbom) or a referrers tag-schema index (sha256-<hex>)
// of one of these digests' hex.
bool isReferrerTag(const QString &tag, const QSet<QString> &hexes)
{
    static const QRegularExpression re(QStringLiteral("^sha256-([0-9a-f]{64})(\\.(sig|att|sbom))?$"));
    const QRegularExpressionMatch m = re.match(tag);
    return m.hasMatch() && hexes.contains(m.captured(1));
}

// The candidates the options choose in one repository, sorted by tag: --tag, --referenced-only,
// then --newest; with --referrers the cosign and tag-schema tags of the chosen digests come along.
QList<Candidate> choose(const QList<Candidate> &all, const CopyPlanOptions &o, const QSet<QString> &held)
{
    QList<Candidate> cands;
    for (const Candidate &c : all) {
        if (!o.tags.isEmpty() && std::none_of(o.tags.begin(), o.tags.end(), [&](const QString &g) {
                return QRegularExpression(QRegularExpression::wildcardToRegularExpression(g)).match(c.tag).hasMatch();
            }))
            continue;
        if (o.referencedOnly && !held.contains(c.tag) && !held.contains(c.digest))
            continue;
        cands << c;
    }
    std::sort(cands.begin(), cands.end(), [](const Candidate &a, const Candidate &b) {
        return a.seen != b.seen ? a.seen > b.seen : a.tag > b.tag; // newest first
    });
    if (o.newest > 0 && cands.size() > o.newest)
        cands = cands.mid(0, o.newest);
    if (o.referrers) {
        QSet<QString> tags, hexes;
        for (const Candidate &c : std::as_const(cands)) {
            tags.insert(c.tag);
            hexes.insert(c.digest.section(u':', 1));
        }
        for (const Candidate &c : all)
            if (!tags.contains(c.tag) && isReferrerTag(c.tag, hexes))
                cands << c;
    }
    std::sort(cands.begin(), cands.end(), [](const Candidate &a, const Candidate &b) { return a.tag < b.tag; });
    return cands;
}

} // namespace

QString copyApprovalBlocker(const CopyBatch &b)
{
    if (const QString why = batchApprovalBlocker(copyBatchKind(), batchFacts(b)); !why.isEmpty())
        return why;
    if (b.items.isEmpty())
        return QStringLiteral("copy batch %1 has nothing to copy").arg(b.id);
    return {};
}

QString copyRejectionBlocker(const CopyBatch &b)
{
    return batchRejectionBlocker(copyBatchKind(), batchFacts(b));
}

QString copyExecutionBlocker(const CopyBatch &b, bool dryRun)
{
    BatchFacts facts = batchFacts(b);
    facts.recomputedHash = b.recomputedHash();
    return batchExecutionBlocker(copyBatchKind(), facts, dryRun);
}

Task<CopyEngine::ItemShape> CopyEngine::readShape(const QString &registry, const QString &repository, const QString &digest)
{
    ItemShape shape;
    RegistryClient *c = client(registry);
    if (!c) {
        shape.error = QStringLiteral("the plan has no registry %1").arg(registry);
        co_return shape;
    }
    const PlanRegistry *budget = m_plan.registry(registry);
    const auto fallback = Result<ManifestFetch>::failure(RegistryError::make(RegistryError::Kind::Canceled, QStringLiteral("abandoned")));
    if (!co_await waitForBudget(c, budget, repository, digest, nullptr)) {
        shape.error = QStringLiteral("stopped while waiting for the pull budget");
        co_return shape;
    }
    const Result<ManifestFetch> top = co_await awaitFuture(c->getManifest(repository, digest, m_group), fallback);
    releasePull(budget);
    ++shape.pulls;
    if (!top.ok()) {
        shape.error = top.error.toString();
        co_return shape;
    }
    ++shape.manifests;
    QList<Manifest> images;
    if (top.value.manifest.isIndex()) {
        if (top.value.manifest.children.size() > kMaxIndexChildren) {
            shape.error = QStringLiteral("%1@%2 is an index of %3 manifests, more than %4")
                              .arg(repository, digest)
                              .arg(top.value.manifest.children.size())
                              .arg(kMaxIndexChildren);
            co_return shape;
        }
        for (const Descriptor &d : top.value.manifest.children) {
            if (!co_await waitForBudget(c, budget, repository, digest, nullptr)) {
                shape.error = QStringLiteral("stopped while waiting for the pull budget");
                co_return shape;
            }
            const Result<ManifestFetch> child = co_await awaitFuture(c->getManifest(repository, d.digest, m_group), fallback);
            releasePull(budget);
            ++shape.pulls;
            if (!child.ok()) {
                shape.error = child.error.toString();
                co_return shape;
            }
            if (child.value.manifest.isIndex()) {
                shape.error = QStringLiteral("%1@%2 nests an index in an index; not copied").arg(repository, digest);
                co_return shape;
            }
            ++shape.manifests;
            images.append(child.value.manifest);
        }
    } else {
        images.append(top.value.manifest);
    }
    for (const Manifest &m : std::as_const(images)) {
        if (m.config && !m.config->digest.isEmpty())
            shape.blobs.insert(m.config->digest, qMax<qint64>(0, m.config->size));
        for (const Descriptor &l : m.layers)
            shape.blobs.insert(l.digest, qMax<qint64>(0, l.size));
    }
    co_return shape;
}

Task<QList<CopyItem>> CopyEngine::referrersOf(const QString &sourceRegistry, const QList<CopyItem> &items)
{
    QList<CopyItem> out;
    RegistryClient *c = client(sourceRegistry);
    QSet<QString> known;
    for (const CopyItem &i : items)
        known.insert(i.digest);
    for (const CopyItem &i : items) {
        if (!c || m_canceled)
            break;
        const auto fallback =
            Result<ReferrerList>::failure(RegistryError::make(RegistryError::Kind::Canceled, QStringLiteral("abandoned")));
        const Result<ReferrerList> r = co_await awaitFuture(c->referrers(i.sourceRepository, i.digest, m_group), fallback);
        for (const Descriptor &d : r.value.referrers) {
            if (known.contains(d.digest))
                continue;
            known.insert(d.digest);
            CopyItem ref;
            ref.sourceRepository = i.sourceRepository;
            ref.digest = d.digest;
            ref.mediaType = d.mediaType;
            ref.action = copyaction::Referrer;
            out << ref;
        }
    }
    co_return out;
}

Task<> CopyEngine::addItem(CopyBatch *b, CopyItem item, QMap<QString, ItemShape> *shapes, QSet<QString> *batchBlobs, CopyPlanResult *out)
{
    if (!shapes->contains(item.digest)) {
        shapes->insert(item.digest, co_await readShape(b->sourceRegistry, item.sourceRepository, item.digest));
        out->planningPulls += (*shapes)[item.digest].pulls;
    }
    const ItemShape shape = shapes->value(item.digest);
    if (!shape.error.isEmpty()) {
        out->errors << QStringLiteral("%1:%2 (%3) left out: %4").arg(item.sourceRepository, item.tag, item.digest, shape.error);
        co_return;
    }
    item.seq = int(b->items.size()) + 1;
    item.manifests = shape.manifests;
    item.pulls = shape.pulls;
    RegistryClient *target = client(b->targetRegistry);
    for (auto bl = shape.blobs.begin(); bl != shape.blobs.end(); ++bl) {
        ++item.blobs;
        item.bytes += bl.value();
        if (batchBlobs->contains(bl.key()))
            continue;
        batchBlobs->insert(bl.key());
        int status = 0;
        if (target) {
            HttpRequest head;
            head.method = QByteArrayLiteral("HEAD");
            head.url = target->urlFor(QStringLiteral("/v2/%1/blobs/%2").arg(b->repository, bl.key()));
            const HttpResponse r = co_await send(target, head, QStringLiteral("repository:%1:pull").arg(b->repository));
            status = r.status;
        }
        if (status != 200) { // the target lacks it: it will be sent (or mounted)
            ++b->blobs;
            b->bytes += bl.value();
        }
    }
    b->manifests += item.manifests;
    b->pulls += item.pulls;
    b->items.append(item);
}

bool isCopyableState(const QString &s)
{
    return s == state::Missing || s == state::Partial || s == state::Drifted;
}

CopyPlanOptions copyPlanFor(const QString &repository, const QString &tag, const QString &s)
{
    CopyPlanOptions o;
    o.states = {s};
    if (!repository.isEmpty())
        o.repositories = {repository};
    if (!tag.isEmpty())
        o.tags = {tag};
    return o;
}

Task<CopyPlanResult> CopyEngine::plan(CopyPlanOptions options)
{
    CopyPlanResult out;
    m_canceled = false;
    const QStringList states = options.states.isEmpty() ? QStringList{state::Missing, state::Partial} : options.states;
    const auto scan = HistoryTables(m_store).lastScan();
    if (!scan) {
        out.errors << QStringLiteral("no scan in the store yet: ferryctl scan --plan %1 first").arg(m_plan.path);
        co_return out;
    }
    out.scan = scan->id;

    // Candidates per (target registry, target repository), from the matrix as the last scan left it.
    const QMap<std::pair<QString, QString>, QList<Candidate>> byRepository = candidates(m_plan, m_store, options, states);
    // Tags an open batch already copies (planned, or under way with items not done): planned
    // again they would be reviewed, approved and counted twice.
    QHash<QString, qint64> pending; // "registry/repository:tag@digest" -> its batch
    for (const CopyBatch &listed : m_copy.batches()) {
        if (listed.status != batchstatus::Planned && !batchIsUnderway(listed.status))
            continue;
        if (const auto open = m_copy.batch(listed.id))
            for (const CopyItem &i : open->items)
                if (!copystate::isSettled(i.state))
                    pending.insert(QStringLiteral("%1/%2:%3@%4").arg(open->targetRegistry, open->repository, i.tag, i.digest), open->id);
    }

    int repoDone = 0;
    for (auto it = byRepository.begin(); it != byRepository.end() && !m_canceled; ++it) {
        const QString targetRegistry = it.key().first, repository = it.key().second;
        report(QStringLiteral("plan"), repoDone++, int(byRepository.size()), QStringLiteral("%1/%2").arg(targetRegistry, repository));
        const QList<Candidate> cands =
            choose(it.value(), options, options.referencedOnly ? clusterHeld(m_store, targetRegistry, repository) : QSet<QString>());
        if (cands.isEmpty())
            continue;

        CopyBatch b;
        b.createdAt = QDateTime::currentDateTimeUtc();
        b.plan = m_plan.path;
        b.sourceRegistry = cands.first().mapping->sourceRegistry;
        b.targetRegistry = targetRegistry;
        b.repository = repository;
        b.scan = scan->id;
        b.status = batchstatus::Planned;
        QList<CopyItem> wanted;
        for (const Candidate &c : cands) {
            if (const qint64 in = pending.value(QStringLiteral("%1/%2:%3@%4").arg(targetRegistry, repository, c.tag, c.digest))) {
                out.notes << QStringLiteral("%1:%2 is already in copy batch %3; not planned again").arg(repository, c.tag).arg(in);
                continue;
            }
            CopyItem item;
            item.sourceRepository = c.mapping->sourceRepository;
            item.tag = c.tag;
            item.digest = c.digest;
            item.mediaType = c.mediaType;
            item.action = c.targetState == state::Drifted ? copyaction::Overwrite
                : c.targetState == state::Partial         ? copyaction::Platforms
                                                          : copyaction::New;
            item.replaces = c.targetState == state::Missing ? QString() : c.targetDigest;
            wanted << item;
        }
        if (options.referrers)
            wanted << co_await referrersOf(b.sourceRegistry, wanted);
        QSet<QString> batchBlobs;
        QMap<QString, ItemShape> shapes; // by digest: tags sharing a digest read it once
        for (const CopyItem &item : std::as_const(wanted)) {
            if (m_canceled)
                break;
            co_await addItem(&b, item, &shapes, &batchBlobs, &out);
        }
        if (b.items.isEmpty())
            continue;
        b.hash = b.recomputedHash();
        if (!m_copy.addBatch(&b)) {
            out.errors << QStringLiteral("%1/%2: the batch could not be stored: %3").arg(targetRegistry, repository, m_copy.lastError());
            continue;
        }
        out.batches << b.id;
        out.items += int(b.items.size());
        out.manifests += b.manifests;
        out.blobs += b.blobs;
        out.bytes += b.bytes;
        out.pulls += b.pulls;
        out.pullsBySource[b.sourceRegistry] += b.pulls;
        if (RegistryClient *source = client(b.sourceRegistry); source && source->stats().rateLimit.present)
            out.budgets.insert(b.sourceRegistry, source->stats().rateLimit);
    }
    if (byRepository.isEmpty())
        out.notes << QStringLiteral("nothing to copy: no row of the last scan's matrix is %1 in a mapped target").arg(states.join(u'/'));
    report(QStringLiteral("plan"), repoDone, int(byRepository.size()), QStringLiteral("planned %1 batches").arg(out.batches.size()));
    co_return out;
}

} // namespace ferry
