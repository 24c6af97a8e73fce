// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "net/httptypes.h"

#include <QHash>
#include <QObject>

#include <functional>

class QTcpSocket;
class QTimer;

namespace ferry {

// HTTP/1.1 over plain TCP with a keep-alive pool per host, for http:// registries (local
// pull-through caches, test and demo registries). Qt 6.4's HTTP stack reads response
// headers one byte per read() call on unencrypted sockets (strace: ~360 syscalls per
// manifest HEAD), which halves the request rate a scan reaches; this reads in chunks.
// TLS registries keep using QNetworkAccessManager (HTTP/2 where offered, proxies).
// One exchange per connection at a time, no pipelining; redirects are the caller's.
class PlainHttp : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(HttpResponse)>;

    explicit PlainHttp(QObject *parent = nullptr);
    ~PlainHttp() override;

    // Runs on this object's thread; done() runs exactly once, also for abort().
    quint64 start(const HttpRequest &request, Done done);
    void abort(quint64 id);

    static constexpr int kMaxConnectionsPerHost = 48;

private:
    struct Connection;
    struct Exchange;

    void assign(Exchange *ex);
    void attach(Exchange *ex, Connection *c);
    void writeRequest(Exchange *ex);
    void onReadable(Connection *c);
    bool parse(Exchange *ex, Connection *c); // true when the response is complete
    enum class HeadStep { More, Body, Done }; // wait for bytes (or failed), read a body, complete
    HeadStep parseHead(Exchange *ex, Connection *c);
    bool parseChunked(Exchange *ex, Connection *c);
    bool fail(Exchange *ex, NetError error, const QString &what); // completes ex; false
    bool refuseIfTooLarge(Exchange *ex); // completes ex when it passed its limit
    void onDisconnected(Connection *c, const QString &why);
    void complete(Exchange *ex, HttpResponse response, bool keepConnection);
    void release(Connection *c, bool keep);
    void startNext(const QString &hostKey);
    static QString hostKey(const QUrl &url);

    QHash<quint64, Exchange *> m_exchanges;
    QHash<QString, QList<Connection *>> m_idle;
    QHash<QString, int> m_open;
    QHash<QString, QList<Exchange *>> m_waiting;
    quint64 m_nextId = 1;
};

} // namespace ferry
