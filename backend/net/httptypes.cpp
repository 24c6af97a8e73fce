// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "net/httptypes.h"

namespace ferry {

void HttpRequest::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            h.second = value;
            return;
        }
    }
    headers.append({name, value});
}

QString netErrorName(NetError e)
{
    switch (e) {
    case NetError::None: return QStringLiteral("none");
    case NetError::Connection: return QStringLiteral("connection failed");
    case NetError::Timeout: return QStringLiteral("timed out");
    case NetError::Deadline: return QStringLiteral("deadline exceeded");
    case NetError::Tls: return QStringLiteral("TLS error");
    case NetError::TooLarge: return QStringLiteral("response too large");
    case NetError::Truncated: return QStringLiteral("response truncated");
    case NetError::Redirect: return QStringLiteral("redirect refused");
    case NetError::Canceled: return QStringLiteral("canceled");
    case NetError::Other: return QStringLiteral("network error");
    }
    return QStringLiteral("network error");
}

bool isTransient(NetError e)
{
    return e == NetError::Connection || e == NetError::Timeout || e == NetError::Truncated || e == NetError::Other;
}

QByteArray HttpResponse::header(QByteArrayView name) const
{
    return headerValues(name).join(", ");
}

QList<QByteArray> HttpResponse::headerValues(QByteArrayView name) const
{
    QList<QByteArray> out;
    for (const auto &h : headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            out.append(h.second);
    }
    return out;
}

QString redactedUrl(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveQuery | QUrl::RemoveUserInfo | QUrl::RemoveFragment).toString();
}

} // namespace ferry
