// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QString>

namespace ferry {

// A parsed image reference: [host[:port]/]repository[:tag][@digest]. Docker Hub names are
// normalised the way Docker does it (docker.io/nginx is registry-1.docker.io/library/nginx).
struct ImageReference
{
    QString registry; // host[:port] to connect to; Docker Hub becomes registry-1.docker.io
    QString repository; // lower-case path, library/ added for Docker Hub official images
    QString tag;
    QString digest;

    bool isDockerHub() const;
    QString reference() const { return digest.isEmpty() ? tag : digest; }
    QString toString() const;

    // Empty error string on success. requireTagOrDigest=false accepts a bare repository
    // (for tag listing); a missing tag then stays empty instead of becoming "latest".
    static ImageReference parse(const QString &text, QString *error, bool repositoryOnly = false);
};

namespace reference {
bool isValidRepository(QStringView name);
bool isValidTag(QStringView tag);
// The hostname Docker's config.json keys Docker Hub credentials under.
QString dockerHubConfigKey();
QString normaliseRegistryHost(const QString &host);
} // namespace reference

} // namespace ferry
