// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "registry/registryclient.h"

#include "net/httpengine.h"
#include "net/networkservice.h"
#include "parse/auth.h"
#include "parse/digest.h"
#include "parse/linkheader.h"
#include "parse/reference.h"
#include "registry/promise.h"

#include <QAtomicInteger>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPromise>
#include <QSet>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <memory>

namespace ferry {

namespace {

QStringList pullScope()
{
    return {QStringLiteral("pull")};
}

} // namespace

QString deleteOutcomeName(DeleteOutcome o)
{
    switch (o) {
    case DeleteOutcome::Deleted: return QStringLiteral("deleted");
    case DeleteOutcome::AlreadyAbsent: return QStringLiteral("already absent");
    case DeleteOutcome::Refused: return QStringLiteral("refused");
    case DeleteOutcome::NotPermitted: return QStringLiteral("not permitted");
    case DeleteOutcome::Failed: return QStringLiteral("failed");
    }
    return QStringLiteral("failed");
}

namespace {

// "GET URL: cause": the transport's message names the URL too ("URL: Connection refused",
// "URL sent nothing for 30000 ms"); an error says it once.
QString whatThenCause(const QString &what, const QString &cause)
{
    const QString url = what.section(u' ', 1);
    if (url.isEmpty() || !cause.startsWith(url))
        return what + QStringLiteral(": ") + cause;
    QString rest = cause.mid(url.size());
    rest = rest.startsWith(QStringLiteral(": ")) ? rest.mid(2) : rest.trimmed();
    return what + QStringLiteral(": ") + rest;
}

} // namespace

RegistryError errorFromResponse(const HttpResponse &r, const QString &what)
{
    using K = RegistryError::Kind;
    if (!r.hasHttpStatus() && r.error != NetError::Truncated) {
        K k = K::Network;
        switch (r.error) {
        case NetError::Timeout:
        case NetError::Deadline: k = K::Timeout; break;
        case NetError::Tls: k = K::Tls; break;
        case NetError::TooLarge: k = K::TooLarge; break;
        case NetError::Redirect: k = K::Protocol; break;
        case NetError::Canceled: k = K::Canceled; break;
        default: k = K::Network; break;
        }
        QString text = whatThenCause(what, r.errorString);
        // OpenSSL's word for an answer that is not TLS at all: a plain-HTTP registry.
        if (k == K::Tls && r.errorString.contains(QStringLiteral("wrong version number")))
            text +=
                QStringLiteral(" (the registry answers in plain HTTP: give it an http:// URL, insecure: true in the plan, or --insecure)");
        return RegistryError::make(k, text);
    }
    if (r.error == NetError::Truncated)
        return RegistryError::make(K::Network, whatThenCause(what, r.errorString), r.status);

    // OCI error bodies: {"errors":[{"code":…,"message":…}]}; read at most 64 KiB of them.
    QString code, message;
    const QJsonObject body = QJsonDocument::fromJson(r.body.left(64 * 1024)).object();
    const QJsonArray errors = body.value(QStringLiteral("errors")).toArray();
    if (!errors.isEmpty()) {
        const QJsonObject e = errors.first().toObject();
        code = e.value(QStringLiteral("code")).toString();
        message = e.value(QStringLiteral("message")).toString().left(300);
    }
    QString text = what;
    if (!r.errorString.isEmpty())
        text = whatThenCause(what, r.errorString);
    else if (!message.isEmpty())
        text += QStringLiteral(": ") + message;

    const int s = r.status;
    K k = K::Protocol;
    if (s == 404)
        k = K::NotFound;
    else if (s == 401)
        k = K::Unauthorized;
    else if (s == 403)
        k = K::Denied;
    else if (s == 429) {
        k = K::RateLimited;
        const QByteArray ra = r.header("Retry-After");
        text += ra.isEmpty() ? QStringLiteral(" (try again later)")
                             : QStringLiteral(" (the registry asks to retry after %1)").arg(QString::fromLatin1(ra));
    } else if (s >= 500)
        k = K::Server;
    else if (s == 405 || (s == 400 && code == u"UNSUPPORTED"))
        k = K::Unsupported;
    return RegistryError::make(k, text, s, code);
}

RegistryClient::RegistryClient(NetworkService &network, RegistryConfig config)
    : m_config(std::move(config))
{
    m_config.sslConfiguration(&m_configError);
    if (m_config.baseUrl.scheme() == u"http" && !m_config.insecure)
        m_configError =
            QStringLiteral("%1 is plain http; allow it with --insecure (or insecure: true in the plan)").arg(m_config.baseUrl.toString());
    HttpEngine *engine = network.engineFor(m_config.key());
    m_session = new RegistrySession(m_config, engine);
    m_session->moveToThread(engine->thread());
}

RegistryClient::~RegistryClient()
{
    RegistrySession *s = m_session;
    if (QThread::currentThread() == s->thread()) {
        delete s;
        return;
    }
    // Every pending future is finished (Canceled) before the session goes.
    QMetaObject::invokeMethod(
        s, [s] { delete s; }, Qt::BlockingQueuedConnection);
}

quint64 RegistryClient::newGroup()
{
    static QAtomicInteger<quint64> next(1);
    return next.fetchAndAddRelaxed(1);
}

void RegistryClient::post(std::function<void()> fn) const
{
    QMetaObject::invokeMethod(m_session, std::move(fn), Qt::QueuedConnection);
}

void RegistryClient::enqueue(HttpRequest request, const QString &scope, quint64 group, RegistrySession::Callback cb) const
{
    RegistrySession *s = m_session;
    if (!m_configError.isEmpty()) {
        const QString err = m_configError;
        post([cb, err, url = request.url] { cb(HttpResponse{0, NetError::Other, err, {}, {}, url, 0}); });
        return;
    }
    post([s, request = std::move(request), scope, group, cb = std::move(cb)]() mutable {
        s->enqueue(RegistrySession::Request{std::move(request), scope, group}, std::move(cb));
    });
}

QUrl RegistryClient::urlFor(const QString &path) const
{
    QUrl u = m_config.baseUrl;
    u.setPath(path);
    return u;
}

void RegistryClient::cancelGroup(quint64 group)
{
    RegistrySession *s = m_session;
    post([s, group] { s->cancelGroup(group); });
}

void RegistryClient::cancelAll()
{
    RegistrySession *s = m_session;
    post([s] { s->cancelAll(); });
}

SessionStats RegistryClient::stats() const
{
    return m_session->stats();
}

QFuture<HttpResponse> RegistryClient::send(HttpRequest request, const QString &scope, quint64 group)
{
    auto p = makePromise<HttpResponse>();
    enqueue(std::move(request), scope, group, [p](HttpResponse r) { fulfil(p, std::move(r)); });
    return p->future();
}

QFuture<Result<bool>> RegistryClient::ping(quint64 group)
{
    auto p = makePromise<Result<bool>>();
    HttpRequest req;
    req.url = urlFor(QStringLiteral("/v2/"));
    req.maxBodyBytes = 64 * 1024;
    const QString what = QStringLiteral("GET %1").arg(redactedUrl(req.url));
    enqueue(req, QString(), group, [p, what](HttpResponse r) {
        if (r.hasHttpStatus() && r.status == 200)
            fulfil(p, Result<bool>::success(true));
        else
            fulfil(p, Result<bool>::failure(errorFromResponse(r, what)));
    });
    return p->future();
}

namespace {

// Walks Link-paginated listings on the session's thread.
struct PageWalk : std::enable_shared_from_this<PageWalk>
{
    std::function<void(HttpRequest, RegistrySession::Callback)> enqueue;
    RegistryClient::PageExtractor extract;
    std::shared_ptr<QPromise<Result<Listing>>> promise;
    QUrl first;
    QSet<QString> visited;
    QSet<QString> seen;
    Listing listing;
    int maxPages = 10'000;

    void finishIncomplete(const QString &why)
    {
        listing.complete = false;
        listing.incompleteReason = why;
        finishOk();
    }
    void finishOk()
    {
        listing.names.sort(); // registries differ in order (Docker Hub: index order)
        fulfil(promise, Result<Listing>::success(listing));
    }
    void fetch(const QUrl &url)
    {
        visited.insert(url.toString());
        HttpRequest req;
        req.url = url;
        req.setHeader("Accept", "application/json");
        auto self = shared_from_this();
        enqueue(req, [self, url](HttpResponse r) { self->onPage(url, r); });
    }
    void onPage(const QUrl &url, const HttpResponse &r)
    {
        const QString what = QStringLiteral("GET %1").arg(redactedUrl(url));
        if (!r.hasHttpStatus() || r.status != 200) {
            if (listing.pages == 0) {
                fulfil(promise, Result<Listing>::failure(errorFromResponse(r, what)));
                return;
            }
            finishIncomplete(QStringLiteral("page %1 failed: %2").arg(listing.pages + 1).arg(errorFromResponse(r, what).toString()));
            return;
        }
        QStringList names;
        QString err;
        if (!extract(r.body, &names, &err)) {
            if (listing.pages == 0) {
                fulfil(promise,
                       Result<Listing>::failure(
                           RegistryError::make(RegistryError::Kind::Protocol, what + QStringLiteral(": ") + err, r.status)));
                return;
            }
            finishIncomplete(QStringLiteral("page %1 unreadable: %2").arg(listing.pages + 1).arg(err));
            return;
        }
        ++listing.pages;
        int added = 0;
        for (const QString &n : std::as_const(names)) {
            if (seen.contains(n))
                continue;
            seen.insert(n);
            listing.names.append(n);
            ++added;
        }
        bool malformed = false;
        const QUrl next = nextLink(r.header("Link"), url, &malformed);
        if (malformed) {
            finishIncomplete(QStringLiteral("unreadable Link header after page %1").arg(listing.pages));
            return;
        }
        if (next.isEmpty()) {
            listing.complete = true;
            finishOk();
            return;
        }
        if (next.scheme() != first.scheme() || next.authority() != first.authority()) {
            finishIncomplete(QStringLiteral("page %1 links to another host (%2); not followed").arg(listing.pages).arg(redactedUrl(next)));
            return;
        }
        if (visited.contains(next.toString())) {
            finishIncomplete(QStringLiteral("pagination loop: page %1 links back to a page already read").arg(listing.pages));
            return;
        }
        if (added == 0 && !names.isEmpty()) {
            finishIncomplete(QStringLiteral("page %1 added no new names; pagination is not progressing").arg(listing.pages));
            return;
        }
        if (listing.pages >= maxPages) {
            finishIncomplete(QStringLiteral("stopped after the page cap of %1 pages").arg(maxPages));
            return;
        }
        fetch(next);
    }
};

bool extractNames(const QByteArray &body, const QString &key, QStringList *names, QString *error, QStringList *warnings, bool tags)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (!doc.isObject()) {
        *error = QStringLiteral("not a JSON object (%1)").arg(pe.errorString());
        return false;
    }
    const QJsonValue v = doc.object().value(key);
    if (v.isNull() || v.isUndefined())
        return true; // "tags": null is an empty repository (Nexus, some Distribution versions)
    if (!v.isArray()) {
        *error = QStringLiteral("'%1' is not a list").arg(key);
        return false;
    }
    for (const QJsonValue &item : v.toArray()) {
        const QString n = item.toString();
        if (n.isEmpty())
            continue;
        const bool valid = tags ? reference::isValidTag(n) : reference::isValidRepository(n);
        if (!valid) {
            warnings->append(QStringLiteral("ignored invalid name '%1'").arg(n.left(200)));
            continue;
        }
        names->append(n);
    }
    return true;
}

} // namespace

QFuture<Result<Listing>> RegistryClient::listPaged(const QUrl &firstUrl, const QString &scope, PageExtractor extract, quint64 group)
{
    auto p = makePromise<Result<Listing>>();
    auto walk = std::make_shared<PageWalk>();
    walk->promise = p;
    walk->first = firstUrl;
    walk->extract = std::move(extract);
    walk->maxPages = m_config.maxPages;
    walk->enqueue = [this, scope, group](HttpRequest req, RegistrySession::Callback cb) {
        // Already on the session thread for every page after the first.
        if (QThread::currentThread() == m_session->thread())
            m_session->enqueue(RegistrySession::Request{std::move(req), scope, group}, std::move(cb));
        else
            enqueue(std::move(req), scope, group, std::move(cb));
    };
    walk->fetch(firstUrl);
    return p->future();
}

QFuture<Result<Listing>> RegistryClient::listTags(const QString &repository, quint64 group)
{
    if (!reference::isValidRepository(repository))
        return QtFuture::makeReadyFuture(Result<Listing>::failure(
            RegistryError::make(RegistryError::Kind::InvalidInput, QStringLiteral("invalid repository name '%1'").arg(repository))));
    QUrl url = urlFor(QStringLiteral("/v2/%1/tags/list").arg(repository));
    url.setQuery(QStringLiteral("n=%1").arg(m_config.pageSize > 0 ? m_config.pageSize : 1000));
    auto warnings = std::make_shared<QStringList>();
    return listPaged(
        url, repositoryScope(repository, pullScope()),
        [warnings](const QByteArray &body, QStringList *names, QString *error) {
            return extractNames(body, QStringLiteral("tags"), names, error, warnings.get(), true);
        },
        group);
}

QFuture<Result<Listing>> RegistryClient::catalog(quint64 group)
{
    QUrl url = urlFor(QStringLiteral("/v2/_catalog"));
    url.setQuery(QStringLiteral("n=1000"));
    auto warnings = std::make_shared<QStringList>();
    return listPaged(
        url, catalogScope(),
        [warnings](const QByteArray &body, QStringList *names, QString *error) {
            return extractNames(body, QStringLiteral("repositories"), names, error, warnings.get(), false);
        },
        group);
}

QFuture<Result<ManifestFetch>> RegistryClient::getManifest(const QString &repository, const QString &reference, quint64 group)
{
    auto p = makePromise<Result<ManifestFetch>>();
    const bool byDigest = reference.contains(u':');
    if (!reference::isValidRepository(repository) || (byDigest ? !digest::isValid(reference) : !reference::isValidTag(reference))) {
        fulfil(p,
               Result<ManifestFetch>::failure(RegistryError::make(RegistryError::Kind::InvalidInput,
                                                                  QStringLiteral("invalid reference %1:%2").arg(repository, reference))));
        return p->future();
    }
    HttpRequest req;
    req.url = urlFor(QStringLiteral("/v2/%1/manifests/%2").arg(repository, reference));
    req.setHeader("Accept", mediatype::acceptHeader());
    req.maxBodyBytes = m_config.maxManifestBytes;
    const QString what = QStringLiteral("GET %1/%2:%3").arg(m_config.key(), repository, reference);
    const qint64 limit = m_config.maxManifestBytes;
    enqueue(req, repositoryScope(repository, pullScope()), group, [p, what, reference, byDigest, limit](HttpResponse r) {
        if (r.error == NetError::TooLarge) {
            fulfil(p,
                   Result<ManifestFetch>::failure(
                       RegistryError::make(RegistryError::Kind::TooLarge,
                                           QStringLiteral("%1: the manifest is larger than the %2-byte limit; raise it with "
                                                          "--max-manifest-size if this registry really serves such manifests")
                                               .arg(what)
                                               .arg(limit))));
            return;
        }
        if (!r.hasHttpStatus() || r.status != 200) {
            fulfil(p, Result<ManifestFetch>::failure(errorFromResponse(r, what)));
            return;
        }
        // Hashing and parsing up to a few MiB is pool work, not network-thread work.
        (void)QtConcurrent::run([p, r = std::move(r), what, reference, byDigest]() {
            ManifestFetch f;
            f.raw = r.body;
            f.contentType = QString::fromLatin1(r.header("Content-Type"));
            f.headerDigest = QString::fromLatin1(r.header("Docker-Content-Digest")).trimmed();
            const ManifestParseResult parsed = parseManifest(f.raw, r.header("Content-Type"));
            f.manifest = parsed.manifest;
            f.digest = parsed.manifest.digest;
            if (byDigest && digest::algorithmOf(reference) != u"sha256")
                f.digest = digest::compute(f.raw, digest::algorithmOf(reference));
            if (byDigest && f.digest != reference) {
                fulfil(p,
                       Result<ManifestFetch>::failure(RegistryError::make(
                           RegistryError::Kind::DigestMismatch,
                           QStringLiteral("%1: the bytes received hash to %2, not to the digest asked for; nothing was recorded")
                               .arg(what, f.digest))));
                return;
            }
            if (!parsed.ok()) {
                fulfil(p,
                       Result<ManifestFetch>::failure(
                           RegistryError::make(RegistryError::Kind::InvalidManifest, QStringLiteral("%1: %2").arg(what, parsed.error))));
                return;
            }
            if (!f.headerDigest.isEmpty() && f.headerDigest != f.digest)
                f.warnings.append(QStringLiteral("the registry's Docker-Content-Digest %1 differs from the digest of the bytes it sent; "
                                                 "the bytes' digest %2 is used")
                                      .arg(f.headerDigest, f.digest));
            f.warnings += parsed.manifest.warnings;
            fulfil(p, Result<ManifestFetch>::success(std::move(f)));
        });
    });
    return p->future();
}

QFuture<Result<ManifestHead>> RegistryClient::headManifest(const QString &repository, const QString &reference, quint64 group)
{
    auto p = makePromise<Result<ManifestHead>>();
    const bool byDigest = reference.contains(u':');
    if (!reference::isValidRepository(repository) || (byDigest ? !digest::isValid(reference) : !reference::isValidTag(reference))) {
        fulfil(p,
               Result<ManifestHead>::failure(RegistryError::make(RegistryError::Kind::InvalidInput,
                                                                 QStringLiteral("invalid reference %1:%2").arg(repository, reference))));
        return p->future();
    }
    HttpRequest req;
    req.method = QByteArrayLiteral("HEAD");
    req.url = urlFor(QStringLiteral("/v2/%1/manifests/%2").arg(repository, reference));
    req.setHeader("Accept", mediatype::acceptHeader());
    const QString what = QStringLiteral("HEAD %1/%2:%3").arg(m_config.key(), repository, reference);
    auto viaGet = [this, p, repository, reference, group] {
        getManifest(repository, reference, group).then([p](const Result<ManifestFetch> &g) {
            if (!g.ok()) {
                fulfil(p, Result<ManifestHead>::failure(g.error));
                return;
            }
            ManifestHead h;
            h.digest = g.value.digest;
            h.mediaType = g.value.manifest.mediaType;
            h.size = g.value.raw.size();
            h.viaGet = true;
            fulfil(p, Result<ManifestHead>::success(h));
        });
    };
    enqueue(req, repositoryScope(repository, pullScope()), group, [p, what, reference, byDigest, viaGet](HttpResponse r) {
        if (r.hasHttpStatus() && r.status == 200) {
            const QString d = QString::fromLatin1(r.header("Docker-Content-Digest")).trimmed();
            // Without a digest header (older registries, some proxies) the body decides.
            if (!digest::isValid(d) || (byDigest && d != reference)) {
                viaGet();
                return;
            }
            ManifestHead h;
            h.digest = d;
            h.mediaType = QString::fromLatin1(r.header("Content-Type").split(';').constFirst().trimmed());
            bool ok = false;
            const qint64 len = r.header("Content-Length").toLongLong(&ok);
            h.size = ok ? len : -1;
            fulfil(p, Result<ManifestHead>::success(h));
            return;
        }
        // HEAD refused or without a body to explain itself: ask with GET.
        if (r.hasHttpStatus() && (r.status == 405 || r.status == 403 || r.status == 400)) {
            viaGet();
            return;
        }
        fulfil(p, Result<ManifestHead>::failure(errorFromResponse(r, what)));
    });
    return p->future();
}

QFuture<Result<ReferrerList>> RegistryClient::referrers(const QString &repository, const QString &subjectDigest, quint64 group)
{
    auto p = makePromise<Result<ReferrerList>>();
    if (!reference::isValidRepository(repository) || !digest::isValid(subjectDigest)) {
        fulfil(p,
               Result<ReferrerList>::failure(RegistryError::make(RegistryError::Kind::InvalidInput,
                                                                 QStringLiteral("invalid subject %1@%2").arg(repository, subjectDigest))));
        return p->future();
    }
    HttpRequest req;
    req.url = urlFor(QStringLiteral("/v2/%1/referrers/%2").arg(repository, subjectDigest));
    req.setHeader("Accept", mediatype::OciIndex);
    req.maxBodyBytes = m_config.maxManifestBytes;
    const QString what = QStringLiteral("GET %1/%2/referrers/%3").arg(m_config.key(), repository, subjectDigest);
    const QString fallbackTag = digest::toTagSchema(subjectDigest);
    auto fallback = [this, p, repository, fallbackTag, group] {
        getManifest(repository, fallbackTag, group).then([p](const Result<ManifestFetch> &g) {
            ReferrerList list;
            list.viaTagSchema = true;
            if (!g.ok()) {
                if (g.error.kind == RegistryError::Kind::NotFound)
                    fulfil(p, Result<ReferrerList>::success(list)); // no referrers
                else
                    fulfil(p, Result<ReferrerList>::failure(g.error));
                return;
            }
            list.referrers = g.value.manifest.children;
            fulfil(p, Result<ReferrerList>::success(list));
        });
    };
    enqueue(req, repositoryScope(repository, pullScope()), group, [p, what, fallback](HttpResponse r) {
        if (r.hasHttpStatus() && r.status == 200) {
            const ManifestParseResult parsed = parseManifest(r.body, QByteArray(mediatype::OciIndex));
            if (!parsed.ok() || !parsed.manifest.isIndex()) {
                fulfil(p,
                       Result<ReferrerList>::failure(RegistryError::make(
                           RegistryError::Kind::Protocol, what + QStringLiteral(": the referrers answer is not an OCI index"))));
                return;
            }
            ReferrerList list;
            list.referrers = parsed.manifest.children;
            fulfil(p, Result<ReferrerList>::success(list));
            return;
        }
        // No referrers API: the spec's fallback is the sha256-<hex> tag.
        if (r.hasHttpStatus() && (r.status == 404 || r.status == 405 || r.status == 400)) {
            fallback();
            return;
        }
        fulfil(p, Result<ReferrerList>::failure(errorFromResponse(r, what)));
    });
    return p->future();
}

namespace {

DeleteResult deleteResultFrom(const HttpResponse &r, const QString &what)
{
    DeleteResult d;
    d.httpStatus = r.status;
    if (!r.hasHttpStatus()) {
        d.outcome = DeleteOutcome::Failed;
        d.message = errorFromResponse(r, what).toString();
        return d;
    }
    const RegistryError e = errorFromResponse(r, what);
    switch (r.status) {
    case 200:
    case 202:
    case 204:
        d.outcome = DeleteOutcome::Deleted;
        d.message = what;
        break;
    case 404:
        d.outcome = DeleteOutcome::AlreadyAbsent; // also a retried DELETE whose first try worked
        d.message = what + QStringLiteral(": already absent");
        break;
    case 400:
    case 405:
    case 412:
        d.outcome = DeleteOutcome::Refused; // deletes disabled, locked, immutable, a cache
        d.message = e.toString();
        break;
    case 401:
    case 403:
        d.outcome = DeleteOutcome::NotPermitted;
        d.message = e.toString();
        break;
    default:
        d.outcome = DeleteOutcome::Failed;
        d.message = e.toString();
        break;
    }
    return d;
}

} // namespace

QFuture<DeleteResult> RegistryClient::deleteManifest(const QString &repository, const QString &digestText, quint64 group)
{
    const bool valid = reference::isValidRepository(repository) && digest::isValid(digestText);
    return deleteReference(repository, digestText, u'@', valid ? QString() : QStringLiteral("digest"), group);
}

QFuture<DeleteResult> RegistryClient::deleteTag(const QString &repository, const QString &tag, quint64 group)
{
    const bool valid = reference::isValidRepository(repository) && reference::isValidTag(tag);
    return deleteReference(repository, tag, u':', valid ? QString() : QStringLiteral("tag"), group);
}

// DELETE /v2/<repository>/manifests/<reference>, with the delete scope; `invalid` names what
// is not valid (nothing is sent then).
QFuture<DeleteResult> RegistryClient::deleteReference(const QString &repository, const QString &ref, QChar separator,
                                                      const QString &invalid, quint64 group)
{
    auto p = makePromise<DeleteResult>();
    if (!invalid.isEmpty()) {
        fulfil(p,
               DeleteResult{
                   DeleteOutcome::Failed, 0,
                   QStringLiteral("refusing to DELETE %1%2%3: not a valid repository and %4").arg(repository, separator, ref, invalid)});
        return p->future();
    }
    HttpRequest req;
    req.method = QByteArrayLiteral("DELETE");
    req.url = urlFor(QStringLiteral("/v2/%1/manifests/%2").arg(repository, ref));
    req.maxBodyBytes = 64 * 1024;
    const QString what = QStringLiteral("DELETE %1/%2%3%4").arg(m_config.key(), repository, separator, ref);
    enqueue(req, repositoryScope(repository, {QStringLiteral("pull"), QStringLiteral("delete")}), group,
            [p, what](HttpResponse r) { fulfil(p, deleteResultFrom(r, what)); });
    return p->future();
}

} // namespace ferry
