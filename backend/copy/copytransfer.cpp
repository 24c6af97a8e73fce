// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Moving one digest: manifests by digest (children before their index), blobs checked on the
// target first, mounted from another repository of the target that holds them, else streamed
// from the source in bounded chunks with the digest verified on the way.

#include "copy/copytransfer.h"

#include "parse/digest.h"
#include "parse/manifest.h"
#include "registry/registryclient.h"

#include <QUrlQuery>

namespace ferry {

namespace {

constexpr qint64 kChunk = 4 * 1024 * 1024; // bytes read from the source and sent per PATCH: memory stays bounded
constexpr int kMaxDepth = 2; // an index of manifests; nothing deeper

QString pushScope(const QString &repository)
{
    return QStringLiteral("repository:%1:pull,push").arg(repository);
}

QString statusText(const HttpResponse &r)
{
    if (!r.hasHttpStatus())
        return r.errorString.isEmpty() ? netErrorName(r.error) : r.errorString;
    QString body = QString::fromUtf8(r.body.left(300)).simplified();
    return body.isEmpty() ? QStringLiteral("HTTP %1").arg(r.status) : QStringLiteral("HTTP %1: %2").arg(r.status).arg(body);
}

// The upload URL a registry answered with, resolved; only on the registry's own origin, which is
// where the credentials go.
std::optional<QUrl> uploadLocation(const HttpResponse &r, const RegistryClient &target, QString *why)
{
    const QByteArray loc = r.header("Location");
    if (loc.isEmpty()) {
        *why = QStringLiteral("the target answered the upload without a Location");
        return std::nullopt;
    }
    const QUrl url = r.url.resolved(QUrl::fromEncoded(loc));
    const QUrl base = target.config().baseUrl;
    if (url.scheme() != base.scheme() || url.host() != base.host() ||
        url.port(base.scheme() == u"https" ? 443 : 80) != base.port(base.scheme() == u"https" ? 443 : 80)) {
        *why = QStringLiteral("the target sent an upload location on another origin (%1); not followed").arg(redactedUrl(url));
        return std::nullopt;
    }
    return url;
}

QUrl withDigest(QUrl url, const QString &digest)
{
    QUrlQuery q(url);
    q.addQueryItem(QStringLiteral("digest"), digest);
    url.setQuery(q);
    return url;
}

bool distributable(const Descriptor &d)
{
    return !d.mediaType.contains(QLatin1String("foreign")) && !d.mediaType.contains(QLatin1String("nondistributable"));
}

} // namespace

Task<bool> CopyEngine::waitForBudget(RegistryClient *source, const PlanRegistry *registry, const QString &repository,
                                     const QString &reference, int *pauses)
{
    if (!source || !registry || registry->budgetFloor < 0)
        co_return true;
    int status = 0;
    // No reading yet: the first worker asks with a HEAD, which Docker Hub does not count; the
    // others wait for its answer instead of all pulling blind at the start (into 429s).
    for (int i = 0; !source->stats().rateLimit.present && i < 3'000; ++i) {
        if (!m_budgetProbed.contains(registry->name)) {
            m_budgetProbed.insert(registry->name, false);
            co_await headManifest(source, repository, reference, &status);
            m_budgetProbed.insert(registry->name, true);
        } else if (m_budgetProbed.value(registry->name)) {
            break; // no headers (a paid account): no budget to keep
        } else {
            co_await pause(10);
        }
    }
    for (int round = 0;; ++round) {
        // The pulls other workers have asked for and not seen answered count as spent already.
        const RateLimitReading rl = source->stats().rateLimit;
        const int left = rl.remaining - m_pullsInFlight.value(registry->name);
        if (!rl.present || rl.remaining < 0 || left > registry->budgetFloor) {
            ++m_pullsInFlight[registry->name];
            co_return true;
        }
        if (m_canceled)
            co_return false;
        // A rolling window frees about limit/window pulls a second: an estimate, said as one.
        const int need = registry->budgetFloor + 1 - left;
        const qint64 secs = rl.limit > 0 && rl.windowSeconds > 0 ? qint64(need) * rl.windowSeconds / rl.limit : -1;
        const QString when = secs >= 0 ? QDateTime::currentDateTime().addSecs(secs).toString(QStringLiteral("HH:mm")) : QStringLiteral("?");
        if (round == 0 && pauses)
            ++*pauses;
        report(QStringLiteral("paused"), 0, 0,
               QStringLiteral("paused: %1 budget, %2 of %3 left (floor %4), resumes ~%5")
                   .arg(registry->name)
                   .arg(rl.remaining)
                   .arg(rl.limit)
                   .arg(registry->budgetFloor)
                   .arg(when));
        co_await pause(int(qMin<qint64>(registry->budgetPollMs, 3'600'000)));
        // A HEAD, which Docker Hub does not count, brings the headers up to date.
        co_await headManifest(source, repository, reference, &status);
    }
}

void CopyEngine::releasePull(const PlanRegistry *registry)
{
    if (registry && registry->budgetFloor >= 0 && m_pullsInFlight.value(registry->name) > 0)
        --m_pullsInFlight[registry->name];
}

Task<QString> CopyEngine::putManifest(Transfer *t, const QString &reference, const QByteArray &raw, const QString &mediaType)
{
    HttpRequest put;
    put.method = QByteArrayLiteral("PUT");
    put.url = t->target->urlFor(QStringLiteral("/v2/%1/manifests/%2").arg(t->repository, reference));
    put.setHeader("Content-Type", mediaType.toUtf8());
    put.body = raw;
    put.maxBodyBytes = 64 * 1024;
    const HttpResponse r = co_await send(t->target, put, pushScope(t->repository));
    if (r.status != 201 && r.status != 200)
        co_return QStringLiteral("the target refused the manifest %1: %2").arg(reference, statusText(r));
    ++t->stats->manifestsPut;
    co_return QString();
}

Task<> CopyEngine::waitUntilFree(const QString &key)
{
    for (int i = 0; m_inFlight.contains(key) && i < 60'000; ++i)
        co_await pause(20);
}

Task<> CopyEngine::claim(const QString &key)
{
    co_await waitUntilFree(key);
    m_inFlight.insert(key);
}

// Clears a flag when it goes, if it was the one that set it.
struct Flag
{
    bool *flag;
    bool set;
    ~Flag()
    {
        if (set)
            *flag = false;
    }
};

Task<QString> CopyEngine::copyManifest(Transfer *t, const QString &reference, const QString &digest, int depth)
{
    if (depth > kMaxDepth)
        co_return QStringLiteral("%1 nests manifests deeper than an index; not copied").arg(digest);
    if (!digest::isValid(digest))
        co_return QStringLiteral("'%1' is not a digest").arg(digest);
    // Two items of one digest (2.0.0 and latest), or two indexes sharing a child, copy it one
    // after the other: the second then finds it in the target. The item's own manifest is
    // claimed by the item, which holds it until its tag is written.
    const QString key = t->manifestKey(digest);
    std::optional<CopyClaim> held;
    if (depth > 0) {
        co_await claim(key);
        held.emplace(&m_inFlight, key);
    }
    // Put (or found) by an earlier item of this run: not written again. Distribution rewrites a
    // manifest's link in place on every PUT, and an index another worker PUTs meanwhile is checked
    // against that link: it found it empty and was refused (MANIFEST_BLOB_UNKNOWN, seen in CI).
    const bool inTarget = m_inTarget.contains(key);
    int status = 0;
    if (depth > 0) {
        if (inTarget)
            co_return QString();
        co_await headManifest(t->target, t->repository, digest, &status);
        if (status == 200) {
            m_inTarget.insert(key);
            co_return QString(); // a registry accepts a manifest only with everything it names
        }
    }
    if (!co_await waitForBudget(t->source, t->sourcePlan, t->sourceRepository, reference, &t->stats->budgetPauses))
        co_return QStringLiteral("stopped while waiting for the pull budget");
    const auto fallback = Result<ManifestFetch>::failure(RegistryError::make(RegistryError::Kind::Canceled, QStringLiteral("abandoned")));
    const Result<ManifestFetch> got = co_await awaitFuture(t->source->getManifest(t->sourceRepository, reference, m_group), fallback);
    releasePull(t->sourcePlan);
    ++t->stats->pulls;
    if (depth == 0 && !got.ok() && got.error.kind == RegistryError::Kind::NotFound) {
        t->moved = true;
        co_return QStringLiteral("the source no longer has %1 %2; nothing copied").arg(t->sourceRepository, reference);
    }
    if (!got.ok())
        co_return QStringLiteral("the source's manifest %1 could not be read: %2").arg(reference, got.error.toString());
    if (got.value.digest != digest && reference != digest) {
        t->moved = true;
        co_return QStringLiteral("the source's %1 moved to %2 since approval (approved %3); nothing copied")
            .arg(reference, got.value.digest, digest);
    }
    if (got.value.digest != digest)
        co_return QStringLiteral("the source served %1 for %2; nothing copied").arg(got.value.digest, digest);
    const Manifest &m = got.value.manifest;
    const QString type = !m.mediaType.isEmpty() ? m.mediaType : got.value.contentType;
    if (depth == 0) {
        t->topRaw = got.value.raw;
        t->topType = type;
    }
    if (inTarget)
        co_return QString(); // the item's tag still needs the bytes read above
    if (m.isIndex()) {
        for (const Descriptor &child : m.children)
            if (const QString err = co_await copyManifest(t, child.digest, child.digest, depth + 1); !err.isEmpty())
                co_return err;
    } else {
        QList<Descriptor> blobs = m.layers;
        if (m.config && !m.config->digest.isEmpty())
            blobs.prepend(*m.config);
        for (const Descriptor &d : std::as_const(blobs)) {
            if (m_canceled)
                co_return QStringLiteral("stopped");
            if (!distributable(d))
                continue; // foreign layers stay where their URLs point
            if (const QString err = co_await copyBlob(t, d.digest, d.size); !err.isEmpty())
                co_return err;
        }
    }
    if (depth == 0)
        co_return QString(); // the item PUTs it by its tag: one write, not one by digest and one by tag
    // A PUT by digest is idempotent: no HEAD first (it would cost a round trip per manifest).
    const QString put = co_await putManifest(t, digest, got.value.raw, type);
    if (put.isEmpty())
        m_inTarget.insert(key);
    co_return put;
}

Task<bool> CopyEngine::blobInTarget(Transfer *t, const QString &digest)
{
    HttpRequest head;
    head.method = QByteArrayLiteral("HEAD");
    head.url = t->target->urlFor(QStringLiteral("/v2/%1/blobs/%2").arg(t->repository, digest));
    const HttpResponse r = co_await send(t->target, head, pushScope(t->repository));
    co_return r.status == 200;
}

Task<QString> CopyEngine::copyBlob(Transfer *t, const QString &digest, qint64 size)
{
    if (!digest::isValid(digest) || digest::algorithmOf(digest) != u"sha256")
        co_return QStringLiteral("blob '%1' has no sha256 digest; not copied").arg(digest);
    // Another item sending the same blob to another repository of the target: wait for it, then
    // mount it from there (the shared base layer of a registry's repositories is sent once).
    const QString anywhere = QStringLiteral("blob ") + t->targetRegistry + u'@' + digest;
    co_await waitUntilFree(anywhere);
    // Another item sending the same blob to the same repository: wait for it, then find it there.
    const QString key = t->targetRegistry + u'/' + t->repository + u'@' + digest;
    co_await claim(key);
    const CopyClaim claimed(&m_inFlight, key);
    if (m_inTarget.contains(key)) {
        ++t->stats->blobsPresent;
        co_return QString();
    }
    if (co_await blobInTarget(t, digest)) {
        ++t->stats->blobsPresent;
        m_inTarget.insert(key);
        m_copy.recordBlob(t->targetRegistry, t->repository, digest);
        co_return QString();
    }
    HttpRequest post;
    post.method = QByteArrayLiteral("POST");
    post.maxBodyBytes = 64 * 1024;
    QString scope = pushScope(t->repository);
    const QString from = m_copy.repositoryHolding(t->targetRegistry, digest, t->repository);
    QUrl url = t->target->urlFor(QStringLiteral("/v2/%1/blobs/uploads/").arg(t->repository));
    if (!from.isEmpty()) {
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("mount"), digest);
        q.addQueryItem(QStringLiteral("from"), from);
        url.setQuery(q);
        scope += QStringLiteral(" repository:%1:pull").arg(from);
    }
    post.url = url;
    HttpResponse r = co_await send(t->target, post, scope);
    if (r.status == 201) {
        ++t->stats->blobsMounted;
        m_inTarget.insert(key);
        m_copy.recordBlob(t->targetRegistry, t->repository, digest);
        co_return QString();
    }
    if (r.status != 202)
        co_return QStringLiteral("the target refused to start an upload of %1: %2").arg(digest, statusText(r));
    QString why;
    const auto location = uploadLocation(r, *t->target, &why);
    if (!location)
        co_return why;
    std::optional<CopyClaim> sending;
    if (!m_inFlight.contains(anywhere)) {
        m_inFlight.insert(anywhere);
        sending.emplace(&m_inFlight, anywhere);
    }
    const QString uploaded = co_await uploadBlob(t, digest, size, *location);
    if (uploaded.isEmpty())
        m_inTarget.insert(key);
    co_return uploaded;
}

Task<QString> CopyEngine::streamBlob(Transfer *t, const QString &digest, qint64 size, QUrl *location, QByteArray *finalBody)
{
    digest::Hasher hash;
    const QUrl sourceUrl = t->source->urlFor(QStringLiteral("/v2/%1/blobs/%2").arg(t->sourceRepository, digest));
    const QString sourceScope = QStringLiteral("repository:%1:pull").arg(t->sourceRepository);
    if (size >= 0 && size <= kChunk) {
        // Small: one GET, and the bytes go with the closing PUT.
        HttpRequest get;
        get.url = sourceUrl;
        get.maxBodyBytes = kChunk + 1;
        const HttpResponse body = co_await send(t->source, get, sourceScope);
        if (body.status != 200)
            co_return QStringLiteral("the source's blob %1 could not be read: %2").arg(digest, statusText(body));
        hash.add(body.body);
        *finalBody = body.body;
    } else {
        // Large (or of unknown size): ranges of the source, each sent as a PATCH, in order.
        // The next range is asked for while the current one is sent: the source and the target work
        // at once, and at most two chunks are held.
        const auto rangeRequest = [&](qint64 from) {
            HttpRequest get;
            get.url = sourceUrl;
            get.maxBodyBytes = kChunk + 1;
            get.setHeader("Range", QByteArrayLiteral("bytes=") + QByteArray::number(from) + '-' + QByteArray::number(from + kChunk - 1));
            return t->source->send(get, sourceScope, m_group);
        };
        HttpResponse abandoned;
        abandoned.error = NetError::Canceled;
        abandoned.errorString = QStringLiteral("the request was abandoned");
        qint64 offset = 0;
        QFuture<HttpResponse> pending = rangeRequest(0);
        while (size < 0 || offset < size) {
            if (m_canceled)
                co_return QStringLiteral("stopped");
            const HttpResponse part = co_await awaitFuture(pending, abandoned);
            if (part.status == 206 && !part.body.isEmpty() && part.body.size() == kChunk && (size < 0 || offset + kChunk < size))
                pending = rangeRequest(offset + kChunk);
            if (part.status == 416 && size < 0)
                break;
            if (part.status != 206 && !(part.status == 200 && offset == 0))
                co_return QStringLiteral("the source's blob %1 could not be read from byte %2: %3")
                    .arg(digest)
                    .arg(offset)
                    .arg(statusText(part));
            if (part.body.isEmpty())
                break;
            hash.add(part.body);
            HttpRequest patch;
            patch.method = QByteArrayLiteral("PATCH");
            patch.url = *location;
            patch.retryable = false;
            patch.maxBodyBytes = 64 * 1024;
            patch.setHeader("Content-Type", "application/octet-stream");
            patch.setHeader("Content-Range", QByteArray::number(offset) + '-' + QByteArray::number(offset + part.body.size() - 1));
            patch.body = part.body;
            const HttpResponse sent = co_await send(t->target, patch, pushScope(t->repository));
            if (sent.status != 202)
                co_return QStringLiteral("the target refused bytes %1 of %2: %3").arg(offset).arg(digest, statusText(sent));
            QString why;
            const auto next = uploadLocation(sent, *t->target, &why);
            if (!next)
                co_return why;
            *location = *next;
            offset += part.body.size();
            m_bytes += part.body.size();
            t->stats->bytesSent += part.body.size();
            if (part.status == 200 || part.body.size() < kChunk)
                break;
        }
        if (size >= 0 && offset != size)
            co_return QStringLiteral("the source sent %1 bytes of %2, which declares %3").arg(offset).arg(digest).arg(size);
    }
    const QString got = hash.result();
    if (got != digest)
        co_return QStringLiteral("the source served bytes for %1 that hash to %2; nothing tagged").arg(digest, got);
    co_return QString();
}

Task<QString> CopyEngine::uploadBlob(Transfer *t, const QString &digest, qint64 size, QUrl location)
{
    // Large blobs stream one at a time, so that memory stays bounded whatever runs beside.
    const bool large = size < 0 || size > kChunk;
    for (int i = 0; large && m_streaming && i < 360'000; ++i)
        co_await pause(20);
    if (large)
        m_streaming = true;
    const Flag streaming{&m_streaming, large};
    QByteArray finalBody;
    const QString failure = co_await streamBlob(t, digest, size, &location, &finalBody);
    if (!failure.isEmpty()) {
        // The registry drops the unfinished upload; resume starts the blob over.
        HttpRequest del;
        del.method = QByteArrayLiteral("DELETE");
        del.url = location;
        del.retryable = false;
        co_await send(t->target, del, pushScope(t->repository));
        co_return failure;
    }
    HttpRequest put;
    put.method = QByteArrayLiteral("PUT");
    put.url = withDigest(location, digest);
    put.maxBodyBytes = 64 * 1024;
    put.setHeader("Content-Type", "application/octet-stream");
    put.body = finalBody;
    const HttpResponse done = co_await send(t->target, put, pushScope(t->repository));
    if (done.status != 201)
        co_return QStringLiteral("the target refused blob %1: %2").arg(digest, statusText(done));
    m_bytes += finalBody.size();
    t->stats->bytesSent += finalBody.size();
    ++t->stats->blobsUploaded;
    m_copy.recordBlob(t->targetRegistry, t->repository, digest);
    co_return QString();
}

} // namespace ferry
