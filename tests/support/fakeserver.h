// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "managedprocess.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QMutex>
#include <QSslConfiguration>
#include <QString>
#include <QUrlQuery>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

class QThread;

namespace ferry::test {

struct FakeRequest
{
    QByteArray method;
    QByteArray path; // with query
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray header(const QByteArray &name) const;
    QString pathOnly() const;
    QUrlQuery query() const;
};

struct FakeResponse
{
    int status = 200;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool stall = false; // accept and never answer
    int truncateAt = -1; // send the full Content-Length but only this many body bytes, then close
    int delayMs = 0;
    bool chunked = false; // Transfer-Encoding: chunked, in 7-byte chunks
    bool closeDelimited = false; // no Content-Length: the body ends when the connection closes
    bool closeAfter = false; // close the connection after a complete response
    bool dropIfReused = false; // a request on a connection that already served one is dropped unanswered (a stale keep-alive)
    QByteArray raw; // written as it is instead of a composed answer (malformed framing); closes after when closeAfter

    static FakeResponse json(int status, const QByteArray &body);
    FakeResponse &with(const QByteArray &name, const QByteArray &value)
    {
        headers.append({name, value});
        return *this;
    }
};

// A scriptable HTTP server on its own thread, for faults and provider APIs that cannot run
// here. Listens on a loopback address only; records every request it sees. It speaks plain
// HTTP/1.1, HTTP/1.1 over TLS, or HTTP/2 over TLS (through h2front.py, which relays every
// scripted fault in HTTP/2's terms), with a certificate for 127.0.0.1, 127.0.0.2 and
// localhost signed by caFile().
class FakeServer
{
public:
    using Handler = std::function<FakeResponse(const FakeRequest &)>;
    enum class Transport { Plain, TlsHttp1, TlsHttp2 };

    // Without a transport: defaultTransport().
    explicit FakeServer(Handler handler, const QHostAddress &address = QHostAddress(QStringLiteral("127.0.0.1")),
                        std::optional<Transport> transport = std::nullopt);
    ~FakeServer();
    FakeServer(const FakeServer &) = delete;
    FakeServer &operator=(const FakeServer &) = delete;

    // FERRY_TEST_TRANSPORT: plain (the default), tls-http1 or tls-http2.
    static Transport defaultTransport();
    static QString transportName(Transport t);
    // The CA of every TLS FakeServer, as a PEM file (made once per process with openssl).
    static QString caFile();

    Transport transport() const { return m_transport; }
    bool isTls() const { return m_transport != Transport::Plain; }
    // Where clients connect: the HTTP/2 front for TlsHttp2.
    quint16 port() const { return m_frontPort ? m_frontPort : m_port; }
    QString hostPort() const;
    QString baseUrl() const { return (isTls() ? QStringLiteral("https://") : QStringLiteral("http://")) + hostPort(); }
    QList<FakeRequest> requests() const;
    int requestCount() const;
    int countPath(const QString &prefix) const;
    void setHandler(Handler handler);

private:
    friend class FakeServerWorker;
    FakeResponse handle(const FakeRequest &req);

    mutable QMutex m_mutex;
    Handler m_handler;
    QList<FakeRequest> m_requests;
    QHostAddress m_address;
    Transport m_transport = Transport::Plain;
    quint16 m_port = 0;
    quint16 m_frontPort = 0;
    std::unique_ptr<ManagedProcess> m_front;
    QThread *m_thread = nullptr;
    QObject *m_worker = nullptr;
};

} // namespace ferry::test
