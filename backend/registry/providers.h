// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "registry/registryclient.h"

#include <QDateTime>
#include <QFuture>

#include <memory>
#include <optional>

namespace ferry {

struct TagRecord
{
    QString name;
    QString digest; // empty when it could not be read (see TagDetails::errors)
    QString mediaType;
    QDateTime created; // the registry's own times, where its API gives them
    QDateTime updated;
    std::optional<bool> deleteEnabled; // ACR locks; unknown elsewhere
    std::optional<bool> writeEnabled;
    bool digestFromHead = false; // read with a manifest HEAD, not from a bulk API
};

struct TagDetails
{
    QString repository;
    QList<TagRecord> tags;
    bool complete = false; // every tag listed and every digest read
    QString incompleteReason;
    QStringList errors; // per-tag failures ("1.2.3: timeout …")
    int pages = 0;
};

// The listing's record of one tag, or nullptr.
const TagRecord *findTag(const TagDetails &details, const QString &tag);

struct ManifestRecord
{
    QString digest;
    QStringList tags; // empty: untagged
    qint64 size = -1;
    QString mediaType;
    QString architecture;
    QString os;
    QDateTime created;
    QDateTime updated;
    std::optional<bool> deleteEnabled;
    std::optional<bool> writeEnabled;
};

struct ManifestDetails
{
    QString repository;
    QList<ManifestRecord> manifests;
    bool complete = false;
    QString incompleteReason;
    int pages = 0;
};

// Reads a repository's tags with their digests the cheapest way a registry allows: ACR's
// /acr/v1 API, Docker Hub's and Quay's tag APIs return thousands of digests in a few
// pages; any other registry gets tags/list and one manifest HEAD per tag (a HEAD is free on
// Docker Hub, a GET costs a pull).
class TagDetailsProvider
{
public:
    virtual ~TagDetailsProvider() = default;
    virtual QString kind() const = 0;
    virtual QFuture<Result<TagDetails>> listTagDetails(const QString &repository, quint64 group = 0) = 0;
    // Untagged manifests and their attributes; only ACR lists them.
    virtual QFuture<Result<ManifestDetails>> listManifests(const QString &repository, quint64 group = 0);

    // By the registry's kind. hubApi is the Docker Hub API client (kind dockerhub only).
    static std::unique_ptr<TagDetailsProvider> create(RegistryClient &registry, RegistryClient *hubApi = nullptr);
};

// Timestamps as the providers write them: ISO 8601 with up to 7 fractional digits (ACR),
// RFC 2822 (Quay), epoch seconds.
QDateTime parseProviderTime(const QJsonValue &value);

} // namespace ferry
