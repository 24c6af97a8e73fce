// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QByteArray>
#include <QList>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>

#include <optional>
#include <utility>

namespace ferry {

using RawHeader = std::pair<QByteArray, QByteArray>;

// One HTTP exchange as the engine runs it. Authorization is kept apart from the other
// headers so that the redirect follower can drop it when the origin changes.
struct HttpRequest
{
    QByteArray method = QByteArrayLiteral("GET");
    QUrl url;
    QList<RawHeader> headers;
    QByteArray authorization;
    QByteArray body;
    qint64 maxBodyBytes = 8 * 1024 * 1024;
    int transferTimeoutMs = 30'000; // inactivity: no byte for this long aborts
    int deadlineMs = 120'000; // the whole exchange, redirects included
    int maxRedirects = 10;
    bool http2 = true; // offered over TLS; plain http:// is always HTTP/1.1
    // A request that may be sent again after a failure (a registry's retries). An upload's PATCH
    // is not: the registry may have taken part of it, and the caller starts the blob over.
    bool retryable = true;
    std::optional<QSslConfiguration> ssl;

    void setHeader(const QByteArray &name, const QByteArray &value);
};

enum class NetError {
    None,
    Connection, // refused, reset, host not found, closed early
    Timeout, // no progress within the transfer timeout
    Deadline, // the exchange took longer than its deadline
    Tls,
    TooLarge,
    Truncated,
    Redirect, // loop, too many hops, downgrade, bad Location
    Canceled,
    Other,
};

QString netErrorName(NetError e);
bool isTransient(NetError e);

struct HttpResponse
{
    int status = 0;
    NetError error = NetError::None;
    QString errorString;
    QList<RawHeader> headers;
    QByteArray body;
    QUrl url; // the URL that answered, after redirects
    int redirects = 0;
    bool http2 = false; // the answer came over HTTP/2

    bool hasHttpStatus() const { return error == NetError::None && status > 0; }
    // Case-insensitive; repeated headers are joined with ", " like Qt's rawHeader().
    QByteArray header(QByteArrayView name) const;
    QList<QByteArray> headerValues(QByteArrayView name) const;
};

// URLs in messages never carry query strings: signed storage URLs hold credentials there.
QString redactedUrl(const QUrl &url);

} // namespace ferry
