// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "registry/registryerror.h"

namespace ferry {

QString RegistryError::kindName(Kind k)
{
    switch (k) {
    case Kind::None: return QStringLiteral("ok");
    case Kind::NotFound: return QStringLiteral("not found");
    case Kind::Unauthorized: return QStringLiteral("unauthorized");
    case Kind::Denied: return QStringLiteral("denied");
    case Kind::RateLimited: return QStringLiteral("rate limited");
    case Kind::Network: return QStringLiteral("network error");
    case Kind::Timeout: return QStringLiteral("timeout");
    case Kind::Tls: return QStringLiteral("TLS error");
    case Kind::Server: return QStringLiteral("registry error");
    case Kind::Protocol: return QStringLiteral("protocol error");
    case Kind::TooLarge: return QStringLiteral("too large");
    case Kind::DigestMismatch: return QStringLiteral("digest mismatch");
    case Kind::InvalidManifest: return QStringLiteral("invalid manifest");
    case Kind::Unsupported: return QStringLiteral("unsupported");
    case Kind::Canceled: return QStringLiteral("canceled");
    case Kind::InvalidInput: return QStringLiteral("invalid input");
    }
    return QStringLiteral("error");
}

QString RegistryError::advice(Kind k)
{
    switch (k) {
    case Kind::Unauthorized:
        return QStringLiteral("Check the registry's credentials in the plan (the environment variable or file it names).");
    case Kind::Denied:
        return QStringLiteral(
            "The credentials work but lack permission: grant them pull (and, for cleanup, delete) on these repositories.");
    case Kind::RateLimited:
        return QStringLiteral(
            "The registry is throttling: wait for its window, lower the plan's rate limit, or authenticate for a larger budget.");
    case Kind::Network:
        return QStringLiteral("Check the registry's address in the plan and that it is up and reachable from this machine.");
    case Kind::Timeout: return QStringLiteral("The registry answered too slowly: check its health, or raise the plan's timeout.");
    case Kind::Tls: return QStringLiteral("The TLS handshake failed: check the certificate, or the CA file the plan names.");
    case Kind::Server: return QStringLiteral("The registry itself failed (5xx) after retries: try again later, or check its status page.");
    case Kind::Protocol:
    case Kind::InvalidManifest:
    case Kind::DigestMismatch:
        return QStringLiteral("The registry answered something Ferry cannot trust: check that the URL points at a registry's /v2/ API.");
    case Kind::NotFound: return QStringLiteral("The repository or tag does not exist there: check the plan's names.");
    case Kind::Unsupported: return QStringLiteral("The registry does not offer this API: check the registry kind in the plan.");
    case Kind::TooLarge: return QStringLiteral("The answer exceeded Ferry's size limit: this is a registry or proxy fault.");
    case Kind::Canceled: return QStringLiteral("The scan was stopped before this finished: scan again.");
    case Kind::InvalidInput: return QStringLiteral("Check the plan.");
    case Kind::None: break;
    }
    return {};
}

QString RegistryError::adviceForText(const QString &text)
{
    // Longest names first, so that "registry error" is not read as a shorter kind.
    static const Kind kinds[] = {Kind::DigestMismatch, Kind::InvalidManifest, Kind::RateLimited, Kind::Unauthorized, Kind::Unsupported,
                                 Kind::InvalidInput,   Kind::NotFound,        Kind::Network,     Kind::Protocol,     Kind::TooLarge,
                                 Kind::Canceled,       Kind::Timeout,         Kind::Denied,      Kind::Server,       Kind::Tls};
    for (const Kind k : kinds) {
        const QString name = kindName(k);
        if (text.startsWith(name) || text.contains(QStringLiteral(": ") + name))
            return advice(k);
    }
    return {};
}

QString RegistryError::toString() const
{
    if (ok())
        return QStringLiteral("ok");
    QString s = kindName(kind);
    if (httpStatus > 0)
        s += QStringLiteral(" (HTTP %1%2)").arg(httpStatus).arg(code.isEmpty() ? QString() : QStringLiteral(" ") + code);
    if (!message.isEmpty())
        s += QStringLiteral(": ") + message;
    return s;
}

RegistryError RegistryError::make(Kind k, QString message, int status, QString code)
{
    RegistryError e;
    e.kind = k;
    e.message = std::move(message);
    e.httpStatus = status;
    e.code = std::move(code);
    return e;
}

} // namespace ferry
