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
