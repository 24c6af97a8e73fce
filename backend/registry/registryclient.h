// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "net/httptypes.h"
#include "parse/manifest.h"
#include "registry/registryconfig.h"
#include "registry/registryerror.h"
#include "registry/registrysession.h"

#include <QFuture>
#include <QStringList>

#include <functional>

namespace ferry {

class NetworkService;

// A listing of names (tags, repositories) that knows whether it is whole. An incomplete
// listing is still returned, with the reason, and must never drive a deletion.
struct Listing
{
    QStringList names;
    bool complete = false;
    QString incompleteReason;
    int pages = 0;
    QStringList warnings;
};

struct ManifestHead
{
    QString digest;
    QString mediaType;
    qint64 size = -1;
    bool viaGet = false; // the registry sent no usable digest header; the body was hashed
};

struct ManifestFetch
{
    QString digest; // computed over the bytes received (canonical payload for schema 1)
    QString headerDigest; // Docker-Content-Digest as sent, may differ or be empty
    QByteArray raw;
    QString contentType;
    Manifest manifest;
    QStringList warnings;
};

struct ReferrerList
{
    QList<Descriptor> referrers;
    bool viaTagSchema = false; // the registry has no referrers API; sha256-<hex> tag used
};

enum class DeleteOutcome { Deleted, AlreadyAbsent, Refused, NotPermitted, Failed };
QString deleteOutcomeName(DeleteOutcome o);

struct DeleteResult
{
    DeleteOutcome outcome = DeleteOutcome::Failed;
    int httpStatus = 0;
    QString message;
};

// The OCI distribution API of one registry, usable from any thread. Every call returns at
// once; the work runs on the registry's network thread through its RegistrySession, and
// the future finishes exactly once (Canceled when the client goes away first).
class RegistryClient
{
public:
    RegistryClient(NetworkService &network, RegistryConfig config);
    ~RegistryClient();
    RegistryClient(const RegistryClient &) = delete;
    RegistryClient &operator=(const RegistryClient &) = delete;

    const RegistryConfig &config() const { return m_config; }
    // Set when the configuration cannot work (an unreadable CA file): calls will fail.
    QString configError() const { return m_configError; }

    static quint64 newGroup();

    QFuture<Result<bool>> ping(quint64 group = 0);
    QFuture<Result<Listing>> listTags(const QString &repository, quint64 group = 0);
    QFuture<Result<Listing>> catalog(quint64 group = 0);
    // HEAD with the full Accept list; GET and hash when the digest header is missing.
    QFuture<Result<ManifestHead>> headManifest(const QString &repository, const QString &reference, quint64 group = 0);
    // GET, hash the raw bytes, verify against a digest reference, parse on the thread pool.
    QFuture<Result<ManifestFetch>> getManifest(const QString &repository, const QString &reference, quint64 group = 0);
    QFuture<Result<ReferrerList>> referrers(const QString &repository, const QString &digest, quint64 group = 0);
    // Removes the manifest and with it every tag that points at it.
    QFuture<DeleteResult> deleteManifest(const QString &repository, const QString &digest, quint64 group = 0);
    // Removes one tag only; never falls back to deleting the digest.
    QFuture<DeleteResult> deleteTag(const QString &repository, const QString &tag, quint64 group = 0);

    // For provider adapters: one request through the same queue, auth and retries.
    QFuture<HttpResponse> send(HttpRequest request, const QString &scope, quint64 group = 0);
    // Follows Link headers from firstUrl, collecting whatever names extract() finds in
    // each page, with a loop guard and the page cap.
    using PageExtractor = std::function<bool(const QByteArray &body, QStringList *names, QString *error)>;
    QFuture<Result<Listing>> listPaged(const QUrl &firstUrl, const QString &scope, PageExtractor extract, quint64 group = 0);

    void cancelGroup(quint64 group);
    void cancelAll();
    SessionStats stats() const;
    RegistrySession *session() const { return m_session; }

    QUrl urlFor(const QString &path) const;

private:
    QFuture<DeleteResult> deleteReference(const QString &repository, const QString &ref, QChar separator, const QString &invalid,
                                          quint64 group);
    void post(std::function<void()> fn) const;
    void enqueue(HttpRequest request, const QString &scope, quint64 group, RegistrySession::Callback cb) const;

    RegistryConfig m_config;
    QString m_configError;
    RegistrySession *m_session = nullptr;
};

// Maps a final response to an error an operator can act on. `what` says what was asked.
RegistryError errorFromResponse(const HttpResponse &response, const QString &what);

} // namespace ferry
