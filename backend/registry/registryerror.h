// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QMetaType>
#include <QString>

namespace ferry {

// What went wrong talking to a registry, in terms an operator can act on. Never holds a
// secret: messages are built from statuses, error codes and redacted URLs.
struct RegistryError
{
    enum class Kind {
        None,
        NotFound,
        Unauthorized, // no or rejected credentials
        Denied, // authenticated, not permitted (403, missing scope)
        RateLimited,
        Network, // unreachable, reset, truncated
        Timeout,
        Tls,
        Server, // 5xx after retries
        Protocol, // the registry answered something we cannot use
        TooLarge,
        DigestMismatch,
        InvalidManifest,
        Unsupported, // 405/400 on delete, API absent
        Canceled,
        InvalidInput,
    };

    Kind kind = Kind::None;
    int httpStatus = 0;
    QString code; // OCI error code, e.g. MANIFEST_UNKNOWN
    QString message;

    bool ok() const { return kind == Kind::None; }
    QString toString() const;
    static QString kindName(Kind k);
    // What the operator can do about an error of this kind, in one sentence.
    static QString advice(Kind k);
    // The same for an error kept as text (toString's form, maybe after "repository: ").
    static QString adviceForText(const QString &text);
    static RegistryError make(Kind k, QString message, int status = 0, QString code = {});
};

template<typename T>
struct Result
{
    T value{};
    RegistryError error;
    bool ok() const { return error.ok(); }

    static Result failure(RegistryError e)
    {
        Result r;
        r.error = std::move(e);
        return r;
    }
    static Result success(T v)
    {
        Result r;
        r.value = std::move(v);
        return r;
    }
};

} // namespace ferry

Q_DECLARE_METATYPE(ferry::RegistryError)
