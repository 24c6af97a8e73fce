// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "registry/providers.h"

#include "parse/auth.h"
#include "parse/digest.h"
#include "parse/linkheader.h"
#include "parse/reference.h"
#include "registry/promise.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QPromise>
#include <QRegularExpression>
#include <QSet>
#include <QTimeZone>
#include <QUrlQuery>

namespace ferry {

const TagRecord *findTag(const TagDetails &details, const QString &tag)
{
    for (const TagRecord &t : details.tags)
        if (t.name == tag)
            return &t;
    return nullptr;
}

QDateTime parseProviderTime(const QJsonValue &value)
{
    if (value.isDouble()) {
        const qint64 secs = qint64(value.toDouble());
        return secs > 0 ? QDateTime::fromSecsSinceEpoch(secs, QTimeZone::utc()) : QDateTime();
    }
    QString s = value.toString().trimmed();
    if (s.isEmpty())
        return {};
    // Qt reads at most milliseconds; ACR writes 100-ns ticks.
    static const QRegularExpression frac(QStringLiteral("(\\.\\d{3})\\d+"));
    s.replace(frac, QStringLiteral("\\1"));
    QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(s, Qt::RFC2822Date);
    return t.isValid() ? t.toUTC() : QDateTime();
}

QFuture<Result<ManifestDetails>> TagDetailsProvider::listManifests(const QString &repository, quint64)
{
    return QtFuture::makeReadyFuture(Result<ManifestDetails>::failure(RegistryError::make(
        RegistryError::Kind::Unsupported, QStringLiteral("%1 registries do not list untagged manifests of %2").arg(kind(), repository))));
}

namespace {

std::optional<bool> optBool(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isBool() ? std::optional<bool>(v.toBool()) : std::nullopt;
}

// Reads a JSON API page by page. next() says where the following page is (empty: done).
// Guards: same origin, no page twice, a page cap; a failed page after the first makes the
// result incomplete instead of failed.
struct JsonPager : std::enable_shared_from_this<JsonPager>
{
    RegistryClient *client = nullptr;
    QString scope;
    quint64 group = 0;
    QUrl first;
    int maxPages = 10'000;
    int pages = 0;
    QSet<QString> visited;
    // Returns false with *error for an unreadable page.
    std::function<bool(const QJsonObject &page, const HttpResponse &r, QUrl *next, QString *error)> consume;
    std::function<void(bool complete, QString reason, int pages)> done;
    std::function<void(RegistryError)> failed;

    void fetch(const QUrl &url)
    {
        visited.insert(url.toString());
        HttpRequest req;
        req.url = url;
        req.setHeader("Accept", "application/json");
        auto self = shared_from_this();
        client->send(req, scope, group).then([self, url](const HttpResponse &r) { self->onPage(url, r); });
    }
    void onPage(const QUrl &url, const HttpResponse &r)
    {
        const QString what = QStringLiteral("GET %1").arg(redactedUrl(url));
        if (!r.hasHttpStatus() || r.status != 200) {
            if (pages == 0)
                failed(errorFromResponse(r, what));
            else
                done(false, QStringLiteral("page %1 failed: %2").arg(pages + 1).arg(errorFromResponse(r, what).toString()), pages);
            return;
        }
        const QJsonDocument doc = QJsonDocument::fromJson(r.body);
        QUrl next;
        QString err;
        if (!doc.isObject() || !consume(doc.object(), r, &next, &err)) {
            if (err.isEmpty())
                err = QStringLiteral("not a JSON object");
            if (pages == 0)
                failed(RegistryError::make(RegistryError::Kind::Protocol, what + QStringLiteral(": ") + err, r.status));
            else
                done(false, QStringLiteral("page %1 unreadable: %2").arg(pages + 1).arg(err), pages);
            return;
        }
        ++pages;
        if (next.isEmpty()) {
            done(true, {}, pages);
            return;
        }
        next = url.resolved(next);
        if (next.scheme() != first.scheme() || next.authority() != first.authority()) {
            done(false, QStringLiteral("page %1 links to another host (%2); not followed").arg(pages).arg(redactedUrl(next)), pages);
            return;
        }
        if (visited.contains(next.toString())) {
            done(false, QStringLiteral("pagination loop after page %1").arg(pages), pages);
            return;
        }
        if (pages >= maxPages) {
            done(false, QStringLiteral("stopped after the page cap of %1 pages").arg(maxPages), pages);
            return;
        }
        fetch(next);
    }
};

using PageConsumer = std::function<bool(const QJsonObject &, const HttpResponse &, QUrl *, QString *)>;

// The callbacks never hold the pager: the request in flight keeps it alive, and it goes
// away with the last page.
void startPager(RegistryClient *client, const QString &scope, quint64 group, const QUrl &first, PageConsumer consume,
                std::function<void(bool, QString, int)> done, std::function<void(RegistryError)> failed)
{
    auto pager = std::make_shared<JsonPager>();
    pager->client = client;
    pager->scope = scope;
    pager->group = group;
    pager->maxPages = client->config().maxPages;
    pager->first = first;
    pager->consume = std::move(consume);
    pager->done = std::move(done);
    pager->failed = std::move(failed);
    pager->fetch(first);
}

// Fills in digests the bulk API did not give, one HEAD per tag through the registry's
// queue (its concurrency cap and rate limits apply), then finishes the promise.
void completeWithHeads(RegistryClient &registry, const std::shared_ptr<QPromise<Result<TagDetails>>> &p, TagDetails details, quint64 group)
{
    QList<qsizetype> missing;
    for (qsizetype i = 0; i < details.tags.size(); ++i)
        if (!digest::isValid(details.tags.at(i).digest))
            missing.append(i);
    if (missing.isEmpty()) {
        fulfil(p, Result<TagDetails>::success(std::move(details)));
        return;
    }
    struct State
    {
        QMutex mutex;
        TagDetails details;
        qsizetype left = 0;
    };
    auto st = std::make_shared<State>();
    st->details = std::move(details);
    st->left = missing.size();
    const QString repo = st->details.repository;
    for (qsizetype i : std::as_const(missing)) {
        const QString tag = st->details.tags.at(i).name;
        registry.headManifest(repo, tag, group).then([st, p, i, tag](const Result<ManifestHead> &h) {
            QMutexLocker lock(&st->mutex);
            TagRecord &rec = st->details.tags[i];
            if (h.ok()) {
                rec.digest = h.value.digest;
                if (rec.mediaType.isEmpty())
                    rec.mediaType = h.value.mediaType;
                rec.digestFromHead = true;
            } else if (h.error.kind != RegistryError::Kind::NotFound) {
                st->details.errors.append(QStringLiteral("%1: %2").arg(tag, h.error.toString()));
            } else {
                st->details.errors.append(QStringLiteral("%1: listed but its manifest is gone (deleted while listing)").arg(tag));
            }
            if (--st->left == 0) {
                if (!st->details.errors.isEmpty() && st->details.complete) {
                    st->details.complete = false;
                    st->details.incompleteReason =
                        QStringLiteral("%1 of %2 digests could not be read").arg(st->details.errors.size()).arg(st->details.tags.size());
                }
                TagDetails out = std::move(st->details);
                lock.unlock();
                fulfil(p, Result<TagDetails>::success(std::move(out)));
            }
        });
    }
}

class GenericProvider : public TagDetailsProvider
{
public:
    explicit GenericProvider(RegistryClient &r)
        : m_registry(r)
    { }
    QString kind() const override { return QStringLiteral("oci"); }

    QFuture<Result<TagDetails>> listTagDetails(const QString &repository, quint64 group) override
    {
        auto p = makePromise<Result<TagDetails>>();
        RegistryClient &reg = m_registry;
        reg.listTags(repository, group).then([&reg, p, repository, group](const Result<Listing> &l) {
            if (!l.ok()) {
                fulfil(p, Result<TagDetails>::failure(l.error));
                return;
            }
            TagDetails d;
            d.repository = repository;
            d.complete = l.value.complete;
            d.incompleteReason = l.value.incompleteReason;
            d.pages = l.value.pages;
            for (const QString &t : l.value.names)
                d.tags.append(TagRecord{t, {}, {}, {}, {}, {}, {}, false});
            completeWithHeads(reg, p, std::move(d), group);
        });
        return p->future();
    }

private:
    RegistryClient &m_registry;
};

// Finishing a tag listing: digests the bulk API lacked are read with HEADs.
std::function<void(bool, QString, int)> finishTags(RegistryClient &reg, const std::shared_ptr<QPromise<Result<TagDetails>>> &p,
                                                   const std::shared_ptr<TagDetails> &details, quint64 group)
{
    return [&reg, p, details, group](bool complete, QString reason, int pages) {
        details->complete = complete;
        details->incompleteReason = reason;
        details->pages = pages;
        completeWithHeads(reg, p, std::move(*details), group);
    };
}

template<typename T>
std::function<void(RegistryError)> failWith(const std::shared_ptr<QPromise<Result<T>>> &p)
{
    return [p](RegistryError e) { fulfil(p, Result<T>::failure(std::move(e))); };
}

bool readLink(const HttpResponse &r, QUrl *next, QString *error)
{
    bool malformed = false;
    *next = nextLink(r.header("Link"), r.url, &malformed);
    if (malformed)
        *error = QStringLiteral("unreadable Link header");
    return !malformed;
}

class AcrProvider : public TagDetailsProvider
{
public:
    explicit AcrProvider(RegistryClient &r)
        : m_registry(r)
    { }
    QString kind() const override { return QStringLiteral("acr"); }

    QFuture<Result<TagDetails>> listTagDetails(const QString &repository, quint64 group) override
    {
        auto p = makePromise<Result<TagDetails>>();
        auto details = std::make_shared<TagDetails>();
        details->repository = repository;
        QUrl first = m_registry.urlFor(QStringLiteral("/acr/v1/%1/_tags").arg(repository));
        first.setQuery(QStringLiteral("n=100"));
        auto consume = [details](const QJsonObject &page, const HttpResponse &r, QUrl *next, QString *error) {
            const QJsonValue tags = page.value(QStringLiteral("tags"));
            if (!tags.isArray() && !tags.isNull() && !tags.isUndefined()) {
                *error = QStringLiteral("'tags' is not a list");
                return false;
            }
            for (const QJsonValue &v : tags.toArray()) {
                const QJsonObject t = v.toObject();
                const QJsonObject attrs = t.value(QStringLiteral("changeableAttributes")).toObject();
                TagRecord rec;
                rec.name = t.value(QStringLiteral("name")).toString();
                rec.digest = t.value(QStringLiteral("digest")).toString();
                rec.created = parseProviderTime(t.value(QStringLiteral("createdTime")));
                rec.updated = parseProviderTime(t.value(QStringLiteral("lastUpdateTime")));
                rec.deleteEnabled = optBool(attrs, "deleteEnabled");
                rec.writeEnabled = optBool(attrs, "writeEnabled");
                if (reference::isValidTag(rec.name))
                    details->tags.append(rec);
            }
            return readLink(r, next, error);
        };
        startPager(&m_registry, repositoryScope(repository, {QStringLiteral("pull")}), group, first, consume,
                   finishTags(m_registry, p, details, group), failWith(p));
        return p->future();
    }

    QFuture<Result<ManifestDetails>> listManifests(const QString &repository, quint64 group) override
    {
        auto p = makePromise<Result<ManifestDetails>>();
        auto details = std::make_shared<ManifestDetails>();
        details->repository = repository;
        QUrl first = m_registry.urlFor(QStringLiteral("/acr/v1/%1/_manifests").arg(repository));
        first.setQuery(QStringLiteral("n=100"));
        auto consume = [details](const QJsonObject &page, const HttpResponse &r, QUrl *next, QString *error) {
            for (const QJsonValue &v : page.value(QStringLiteral("manifests")).toArray()) {
                const QJsonObject m = v.toObject();
                const QJsonObject attrs = m.value(QStringLiteral("changeableAttributes")).toObject();
                ManifestRecord rec;
                rec.digest = m.value(QStringLiteral("digest")).toString();
                for (const QJsonValue &t : m.value(QStringLiteral("tags")).toArray())
                    rec.tags.append(t.toString());
                rec.size = m.value(QStringLiteral("imageSize")).toInteger(-1);
                rec.mediaType = m.value(QStringLiteral("mediaType")).toString();
                rec.architecture = m.value(QStringLiteral("architecture")).toString();
                rec.os = m.value(QStringLiteral("os")).toString();
                rec.created = parseProviderTime(m.value(QStringLiteral("createdTime")));
                rec.updated = parseProviderTime(m.value(QStringLiteral("lastUpdateTime")));
                rec.deleteEnabled = optBool(attrs, "deleteEnabled");
                rec.writeEnabled = optBool(attrs, "writeEnabled");
                if (digest::isValid(rec.digest))
                    details->manifests.append(rec);
            }
            return readLink(r, next, error);
        };
        auto done = [p, details](bool complete, QString reason, int pages) {
            details->complete = complete;
            details->incompleteReason = reason;
            details->pages = pages;
            fulfil(p, Result<ManifestDetails>::success(std::move(*details)));
        };
        startPager(&m_registry, repositoryScope(repository, {QStringLiteral("pull")}), group, first, consume, done, failWith(p));
        return p->future();
    }

private:
    RegistryClient &m_registry;
};

// One page of a provider API's tag list: `listKey` holds objects with a name and a digest
// under `digestKey`; `more` fills in the provider's own fields. Invalid tags are left out, an
// invalid digest reads as none.
template<typename More>
bool readTagRecords(const QJsonObject &page, const QString &listKey, const QString &digestKey, TagDetails *details, QString *error,
                    More more)
{
    const QJsonValue list = page.value(listKey);
    if (!list.isArray()) {
        *error = QStringLiteral("'%1' is not a list").arg(listKey);
        return false;
    }
    for (const QJsonValue &v : list.toArray()) {
        const QJsonObject t = v.toObject();
        TagRecord rec;
        rec.name = t.value(QStringLiteral("name")).toString();
        rec.digest = t.value(digestKey).toString();
        if (!digest::isValid(rec.digest))
            rec.digest.clear();
        more(t, rec);
        if (reference::isValidTag(rec.name))
            details->tags.append(rec);
    }
    return true;
}

class DockerHubProvider : public TagDetailsProvider
{
public:
    DockerHubProvider(RegistryClient &r, RegistryClient *api)
        : m_registry(r)
        , m_api(api)
    { }
    QString kind() const override { return QStringLiteral("dockerhub"); }

    QFuture<Result<TagDetails>> listTagDetails(const QString &repository, quint64 group) override
    {
        if (!m_api)
            return GenericProvider(m_registry).listTagDetails(repository, group);
        auto p = makePromise<Result<TagDetails>>();
        const auto slash = repository.indexOf(u'/');
        const QString ns = slash > 0 ? repository.left(slash) : QStringLiteral("library");
        const QString repo = slash > 0 ? repository.mid(slash + 1) : repository;
        auto details = std::make_shared<TagDetails>();
        details->repository = repository;
        QUrl first = m_api->urlFor(QStringLiteral("/v2/namespaces/%1/repositories/%2/tags").arg(ns, repo));
        first.setQuery(QStringLiteral("page_size=100"));
        auto consume = [details](const QJsonObject &page, const HttpResponse &, QUrl *next, QString *error) {
            // A tag-level digest is what the registry serves for the tag; images[] are the
            // platform children and never stand in for an index digest.
            const bool ok = readTagRecords(page, QStringLiteral("results"), QStringLiteral("digest"), details.get(), error,
                                           [](const QJsonObject &t, TagRecord &rec) {
                                               rec.mediaType = t.value(QStringLiteral("media_type")).toString();
                                               rec.updated = parseProviderTime(t.value(QStringLiteral("last_updated")));
                                               rec.created = parseProviderTime(t.value(QStringLiteral("tag_last_pushed")));
                                           });
            if (!ok)
                return false;
            const QString n = page.value(QStringLiteral("next")).toString();
            *next = n.isEmpty() ? QUrl() : QUrl(n);
            return true;
        };
        startPager(m_api, QString(), group, first, consume, finishTags(m_registry, p, details, group), failWith(p));
        return p->future();
    }

private:
    RegistryClient &m_registry;
    RegistryClient *m_api;
};

class QuayProvider : public TagDetailsProvider
{
public:
    explicit QuayProvider(RegistryClient &r)
        : m_registry(r)
    { }
    QString kind() const override { return QStringLiteral("quay"); }

    QFuture<Result<TagDetails>> listTagDetails(const QString &repository, quint64 group) override
    {
        auto p = makePromise<Result<TagDetails>>();
        auto details = std::make_shared<TagDetails>();
        details->repository = repository;
        auto pageUrl = [base = m_registry.urlFor(QStringLiteral("/api/v1/repository/%1/tag/").arg(repository))](int page) {
            QUrl u = base;
            u.setQuery(QStringLiteral("page=%1&limit=100&onlyActiveTags=true").arg(page));
            return u;
        };
        auto consume = [details, pageUrl](const QJsonObject &page, const HttpResponse &, QUrl *next, QString *error) {
            const bool ok = readTagRecords(page, QStringLiteral("tags"), QStringLiteral("manifest_digest"), details.get(), error,
                                           [](const QJsonObject &t, TagRecord &rec) {
                                               rec.created = parseProviderTime(t.value(QStringLiteral("start_ts")));
                                               rec.updated = parseProviderTime(t.value(QStringLiteral("last_modified")));
                                               if (!rec.updated.isValid())
                                                   rec.updated = rec.created;
                                           });
            if (!ok)
                return false;
            if (page.value(QStringLiteral("has_additional")).toBool()) {
                const int current = page.value(QStringLiteral("page")).toInt(0);
                if (current <= 0) {
                    *error = QStringLiteral("has_additional without a page number");
                    return false;
                }
                *next = pageUrl(current + 1);
            }
            return true;
        };
        startPager(&m_registry, repositoryScope(repository, {QStringLiteral("pull")}), group, pageUrl(1), consume,
                   finishTags(m_registry, p, details, group), failWith(p));
        return p->future();
    }

private:
    RegistryClient &m_registry;
};

} // namespace

std::unique_ptr<TagDetailsProvider> TagDetailsProvider::create(RegistryClient &registry, RegistryClient *hubApi)
{
    const QString k = registry.config().kind;
    if (k == u"acr")
        return std::make_unique<AcrProvider>(registry);
    if (k == u"dockerhub")
        return std::make_unique<DockerHubProvider>(registry, hubApi);
    if (k == u"quay")
        return std::make_unique<QuayProvider>(registry);
    return std::make_unique<GenericProvider>(registry);
}

} // namespace ferry
