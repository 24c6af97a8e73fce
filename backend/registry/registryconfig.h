// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "registry/credentials.h"

#include <QSslConfiguration>
#include <QString>
#include <QUrl>

#include <optional>

namespace ferry {

// How to reach one registry and how hard to push it. Plans and the command line both end
// up here.
struct RegistryConfig
{
    QString name; // the plan's name for it; the host when none
    QUrl baseUrl; // scheme://host[:port], no path
    QString kind = QStringLiteral("oci"); // oci, acr, dockerhub, quay
    QUrl apiUrl; // Docker Hub's hub API (https://hub.docker.com); others use baseUrl
    Credentials credentials;
    QString caFile; // extra PEM CA bundle trusted for this registry
    bool insecure = false; // allows plain http://
    // Offer HTTP/2 in the TLS handshake (ALPN). Both protocols work; which one is faster
    // was measured, see the README's figures. The plan's `http2: false` turns it off.
    bool http2 = true;

    int concurrency = 8; // requests in flight to this registry
    double requestsPerSecond = 0; // 0: no cap
    int maxAttempts = 5; // per request, retries included
    int transferTimeoutMs = 30'000; // no byte for this long: the attempt failed
    int exchangeDeadlineMs = 120'000; // one attempt, redirects included
    int requestDeadlineMs = 300'000; // one request, all attempts and waits included
    int maxRetryAfterMs = 120'000; // a longer Retry-After fails the request instead
    int backoffBaseMs = 250;
    int backoffCapMs = 8'000;
    qint64 maxManifestBytes = 4 * 1024 * 1024; // as containers/image (skopeo) and oras
    int maxPages = 10'000;
    int pageSize = 0; // tags/list ?n=; 0: the registry's default

    QString key() const { return name.isEmpty() ? baseUrl.authority() : name; }

    // https://host unless insecure, then http://host.
    static RegistryConfig forHost(const QString &host, bool insecure);
    // Default TLS configuration plus caFile, or nullopt with *error set when the file is
    // unreadable; an empty optional without error means Qt's defaults.
    std::optional<QSslConfiguration> sslConfiguration(QString *error) const;
};

} // namespace ferry
