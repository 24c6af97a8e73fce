// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "net/plainhttp.h"

#include <QTcpSocket>
#include <QTimer>

#include <optional>

namespace ferry {

struct PlainHttp::Connection
{
    QTcpSocket *socket = nullptr;
    QString key;
    Exchange *exchange = nullptr;
    QByteArray buffer;
    int served = 0; // exchanges completed on it: a reused connection may have been closed by the server
};

struct PlainHttp::Exchange
{
    quint64 id = 0;
    HttpRequest request;
    Done done;
    Connection *connection = nullptr;
    QTimer *inactivity = nullptr;
    bool headersDone = false;
    int interim = 0; // 1xx answers skipped before the real one
    bool anyByte = false;
    bool retriedStale = false;
    int status = 0;
    QList<RawHeader> headers;
    qint64 contentLength = -1;
    bool chunked = false;
    bool noBody = false;
    bool closeDelimited = false;
    bool connectionClose = false;
    qint64 chunkLeft = -1; // -1: expecting a chunk-size line
    QByteArray body;
};

namespace {

// A chunk-size line: hex digits only (an optional extension after ';'). Signs, spaces
// inside, empty sizes and sizes past 2^60 are malformed, not "something to try".
std::optional<qint64> chunkSize(QByteArrayView line)
{
    const qsizetype semi = line.indexOf(';');
    QByteArrayView digits = (semi < 0 ? line : line.first(semi)).trimmed();
    if (digits.isEmpty() || digits.size() > 15)
        return std::nullopt;
    qint64 v = 0;
    for (char ch : digits) {
        const int d = ch >= '0' && ch <= '9' ? ch - '0'
            : ch >= 'a' && ch <= 'f'         ? ch - 'a' + 10
            : ch >= 'A' && ch <= 'F'         ? ch - 'A' + 10
                                             : -1;
        if (d < 0)
            return std::nullopt;
        v = v * 16 + d;
    }
    return v;
}

// Host header: IPv6 literals go in brackets (RFC 9110 7.2), the port when not the default.
QByteArray hostHeader(const QUrl &url)
{
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    if (url.port() > 0)
        host += ':' + QByteArray::number(url.port());
    return host;
}

} // namespace

PlainHttp::PlainHttp(QObject *parent)
    : QObject(parent)
{ }

PlainHttp::~PlainHttp()
{
    const auto ids = m_exchanges.keys();
    for (quint64 id : ids)
        abort(id);
    // Kept-alive connections: their sockets are children and go with this object.
    for (const QList<Connection *> &idle : std::as_const(m_idle))
        qDeleteAll(idle);
    m_idle.clear();
}

QString PlainHttp::hostKey(const QUrl &url)
{
    return url.host() + u':' + QString::number(url.port(80));
}

quint64 PlainHttp::start(const HttpRequest &request, Done done)
{
    auto *ex = new Exchange;
    ex->id = m_nextId++;
    ex->request = request;
    ex->done = std::move(done);
    ex->inactivity = new QTimer(this);
    ex->inactivity->setSingleShot(true);
    const quint64 id = ex->id;
    connect(ex->inactivity, &QTimer::timeout, this, [this, id] {
        Exchange *e = m_exchanges.value(id);
        if (!e)
            return;
        HttpResponse r;
        r.url = e->request.url;
        r.error = NetError::Timeout;
        r.errorString = QStringLiteral("%1 sent nothing for %2 ms").arg(redactedUrl(e->request.url)).arg(e->request.transferTimeoutMs);
        complete(e, r, false);
    });
    m_exchanges.insert(id, ex);
    ex->inactivity->start(request.transferTimeoutMs);
    assign(ex);
    return id;
}

void PlainHttp::assign(Exchange *ex)
{
    const QString key = hostKey(ex->request.url);
    QList<Connection *> &idle = m_idle[key];
    if (!idle.isEmpty()) {
        attach(ex, idle.takeLast());
        writeRequest(ex);
        return;
    }
    if (m_open.value(key) >= kMaxConnectionsPerHost) {
        m_waiting[key].append(ex);
        return;
    }
    auto *c = new Connection;
    c->key = key;
    c->socket = new QTcpSocket(this);
    ++m_open[key];
    QTcpSocket *s = c->socket;
    connect(s, &QTcpSocket::connected, this, [this, c] {
        c->socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        if (c->exchange)
            writeRequest(c->exchange);
    });
    connect(s, &QTcpSocket::readyRead, this, [this, c] { onReadable(c); });
    connect(s, &QTcpSocket::disconnected, this, [this, c] { onDisconnected(c, QStringLiteral("the server closed the connection")); });
    connect(s, &QTcpSocket::errorOccurred, this, [this, c](QAbstractSocket::SocketError) { onDisconnected(c, c->socket->errorString()); });
    attach(ex, c);
    s->connectToHost(ex->request.url.host(), quint16(ex->request.url.port(80)));
}

void PlainHttp::attach(Exchange *ex, Connection *c)
{
    ex->connection = c;
    c->exchange = ex;
    c->buffer.clear();
}

void PlainHttp::writeRequest(Exchange *ex)
{
    const HttpRequest &r = ex->request;
    QByteArray out = r.method + ' ' + r.url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment) + " HTTP/1.1\r\n";
    if (!out.contains(" /"))
        out = r.method + " /" + out.mid(r.method.size() + 1);
    out += "Host: " + hostHeader(r.url) + "\r\n";
    out += "User-Agent: ferry/0.1\r\nConnection: keep-alive\r\n";
    for (const auto &h : r.headers)
        out += h.first + ": " + h.second + "\r\n";
    if (!r.authorization.isEmpty())
        out += "Authorization: " + r.authorization + "\r\n";
    if (!r.body.isEmpty() || r.method == "POST" || r.method == "PUT")
        out += "Content-Length: " + QByteArray::number(r.body.size()) + "\r\n";
    out += "\r\n" + r.body;
    ex->connection->socket->write(out);
}

void PlainHttp::onReadable(Connection *c)
{
    c->buffer += c->socket->readAll();
    Exchange *ex = c->exchange;
    if (!ex) {
        // Bytes on an idle connection: the server broke the protocol; drop it.
        release(c, false);
        return;
    }
    ex->anyByte = true;
    ex->inactivity->start(ex->request.transferTimeoutMs);
    if (parse(ex, c)) {
        HttpResponse r;
        r.status = ex->status;
        r.headers = ex->headers;
        r.body = ex->body;
        r.url = ex->request.url;
        complete(ex, r, !ex->connectionClose);
    }
}

bool PlainHttp::fail(Exchange *ex, NetError error, const QString &what)
{
    HttpResponse r;
    r.url = ex->request.url;
    r.status = error == NetError::Truncated || error == NetError::TooLarge ? ex->status : 0;
    r.error = error;
    r.errorString = QStringLiteral("%1 %2").arg(redactedUrl(ex->request.url), what);
    complete(ex, r, false);
    return false;
}

// Refused as soon as the declared or received size passes the limit: reading on would
// only fill memory.
bool PlainHttp::refuseIfTooLarge(Exchange *ex)
{
    if (ex->body.size() <= ex->request.maxBodyBytes && ex->contentLength <= ex->request.maxBodyBytes)
        return false;
    HttpResponse r;
    r.url = ex->request.url;
    r.status = ex->status;
    r.error = NetError::TooLarge;
    r.errorString = QStringLiteral("%1 answered more than %2 bytes").arg(redactedUrl(ex->request.url)).arg(ex->request.maxBodyBytes);
    complete(ex, r, false);
    return true;
}

PlainHttp::HeadStep PlainHttp::parseHead(Exchange *ex, Connection *c)
{
    QByteArray &buf = c->buffer;
    auto failStep = [&](NetError error, const QString &what) {
        fail(ex, error, what);
        return HeadStep::More;
    };
    // Interim answers (100 Continue, 103 Early Hints) come before the real one: skip them.
    while (!ex->headersDone) {
        const auto end = buf.indexOf("\r\n\r\n");
        if (end < 0) {
            if (buf.size() > 256 * 1024)
                return failStep(NetError::Other, QStringLiteral("sent more than 256 KiB of headers"));
            return HeadStep::More;
        }
        const QList<QByteArray> lines = buf.left(end).split('\n');
        const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
        bool statusOk = false;
        ex->status = statusLine.value(1).toInt(&statusOk);
        if (!statusOk || ex->status < 100 || ex->status > 999 || !statusLine.value(0).startsWith("HTTP/1."))
            return failStep(NetError::Other, QStringLiteral("answered something that is not HTTP/1.x"));
        if (ex->status >= 100 && ex->status < 200 && ex->status != 101) {
            // A registry sends one or two; an endless stream of them would hold the request until
            // its deadline.
            constexpr int kMaxInterim = 16;
            if (++ex->interim > kMaxInterim)
                return failStep(NetError::Other, QStringLiteral("sent more than %1 interim (1xx) answers and no answer").arg(kMaxInterim));
            buf.remove(0, end + 4);
            ex->status = 0;
            continue;
        }
        ex->headers.clear();
        bool lengthOk = true;
        const bool http10 = statusLine.value(0) == "HTTP/1.0";
        bool keepAlive10 = false;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const auto colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = line.left(colon).trimmed();
            const QByteArray value = line.mid(colon + 1).trimmed();
            ex->headers.append({name, value});
            const QByteArray lower = name.toLower();
            if (lower == "content-length") {
                bool ok = false;
                const qint64 n = value.toLongLong(&ok);
                // Two different lengths, a sign or garbage: where the body ends is unknown.
                if (!ok || n < 0 || value.startsWith('+') || (ex->contentLength >= 0 && ex->contentLength != n))
                    lengthOk = false;
                ex->contentLength = n;
            } else if (lower == "transfer-encoding" && value.toLower().contains("chunked"))
                ex->chunked = true;
            else if (lower == "connection") {
                ex->connectionClose = value.toLower().contains("close");
                keepAlive10 = value.toLower().contains("keep-alive");
            }
        }
        if (http10 && !keepAlive10)
            ex->connectionClose = true;
        buf.remove(0, end + 4);
        ex->headersDone = true;
        ex->noBody = ex->request.method == "HEAD" || ex->status == 204 || ex->status == 304 || ex->status == 101;
        if (!lengthOk && !ex->chunked && !ex->noBody)
            return failStep(NetError::Other, QStringLiteral("sent an invalid Content-Length"));
        if (ex->noBody)
            return HeadStep::Done;
        if (!ex->chunked && ex->contentLength < 0) {
            ex->closeDelimited = true;
            ex->connectionClose = true;
        }
    }
    return HeadStep::Body;
}

bool PlainHttp::parseChunked(Exchange *ex, Connection *c)
{
    QByteArray &buf = c->buffer;
    for (;;) {
        if (ex->chunkLeft < 0) {
            const auto eol = buf.indexOf("\r\n");
            if (eol < 0)
                return false;
            const std::optional<qint64> parsed = chunkSize(QByteArrayView(buf).first(eol));
            if (!parsed)
                return fail(ex, NetError::Truncated, QStringLiteral("sent a malformed chunk"));
            const qint64 size = *parsed;
            // A chunk that would take the body past the limit is refused on its size
            // line, before its bytes are read.
            if (size > ex->request.maxBodyBytes - ex->body.size())
                return fail(ex, NetError::TooLarge, QStringLiteral("answered more than %1 bytes").arg(ex->request.maxBodyBytes));
            buf.remove(0, eol + 2);
            if (size == 0) {
                // Trailers end with an empty line.
                const auto t = buf.indexOf("\r\n");
                if (t < 0) {
                    ex->chunkLeft = -2;
                    return false;
                }
                if (t == 0) {
                    buf.remove(0, 2);
                    return true;
                }
                const auto tend = buf.indexOf("\r\n\r\n");
                if (tend < 0)
                    return false;
                buf.remove(0, tend + 4);
                return true;
            }
            ex->chunkLeft = size;
        }
        if (ex->chunkLeft == -2) {
            const auto t = buf.indexOf("\r\n");
            if (t < 0)
                return false;
            buf.remove(0, t + 2);
            return true;
        }
        if (buf.size() < ex->chunkLeft + 2) {
            if (buf.size() > 2 * 1024 * 1024 && ex->chunkLeft > 0) {
                // A large chunk is moved into the body as it arrives.
                const qint64 take = qMin<qint64>(buf.size(), ex->chunkLeft);
                ex->body += buf.left(take);
                buf.remove(0, take);
                ex->chunkLeft -= take;
            }
            return false;
        }
        ex->body += buf.left(ex->chunkLeft);
        buf.remove(0, ex->chunkLeft + 2);
        ex->chunkLeft = -1;
        if (refuseIfTooLarge(ex))
            return false;
    }
}

bool PlainHttp::parse(Exchange *ex, Connection *c)
{
    QByteArray &buf = c->buffer;
    switch (parseHead(ex, c)) {
    case HeadStep::More: return false;
    case HeadStep::Done: return true;
    case HeadStep::Body: break;
    }
    if (refuseIfTooLarge(ex))
        return false;
    if (ex->chunked)
        return parseChunked(ex, c);
    if (ex->closeDelimited) {
        ex->body += buf;
        buf.clear();
        refuseIfTooLarge(ex);
        return false; // complete when the server closes
    }
    const qint64 need = ex->contentLength - ex->body.size();
    ex->body += buf.left(need);
    buf.remove(0, qMin<qint64>(need, buf.size()));
    return ex->body.size() >= ex->contentLength;
}

void PlainHttp::onDisconnected(Connection *c, const QString &why)
{
    Exchange *ex = c->exchange;
    if (!ex) {
        release(c, false);
        return;
    }
    if (ex->headersDone && ex->closeDelimited) {
        HttpResponse r;
        r.status = ex->status;
        r.headers = ex->headers;
        r.body = ex->body;
        r.url = ex->request.url;
        complete(ex, r, false);
        return;
    }
    if (!ex->anyByte && c->served > 0 && !ex->retriedStale) {
        // A kept-alive connection the server had already closed: try once on a fresh one.
        ex->retriedStale = true;
        c->exchange = nullptr;
        ex->connection = nullptr;
        release(c, false);
        assign(ex);
        return;
    }
    HttpResponse r;
    r.url = ex->request.url;
    if (ex->headersDone) {
        r.status = ex->status;
        r.headers = ex->headers;
        r.error = NetError::Truncated;
        r.errorString =
            QStringLiteral("%1 sent %2 of %3 bytes").arg(redactedUrl(ex->request.url)).arg(ex->body.size()).arg(ex->contentLength);
    } else {
        r.error = NetError::Connection;
        r.errorString = QStringLiteral("%1: %2").arg(redactedUrl(ex->request.url), why);
    }
    complete(ex, r, false);
}

void PlainHttp::complete(Exchange *ex, HttpResponse response, bool keepConnection)
{
    m_exchanges.remove(ex->id);
    ex->inactivity->stop();
    ex->inactivity->deleteLater();
    Connection *c = ex->connection;
    Done done = std::move(ex->done);
    delete ex;
    if (c) {
        c->exchange = nullptr;
        ++c->served;
        release(c, keepConnection);
    }
    if (done)
        done(std::move(response));
}

void PlainHttp::release(Connection *c, bool keep)
{
    const QString key = c->key;
    if (keep && c->socket->state() == QAbstractSocket::ConnectedState && c->buffer.isEmpty()) {
        m_idle[key].append(c);
    } else {
        m_idle[key].removeAll(c);
        c->socket->disconnect(this);
        c->socket->abort();
        c->socket->deleteLater();
        --m_open[key];
        delete c;
    }
    startNext(key);
}

void PlainHttp::startNext(const QString &key)
{
    QList<Exchange *> &waiting = m_waiting[key];
    if (!waiting.isEmpty() && (!m_idle.value(key).isEmpty() || m_open.value(key) < kMaxConnectionsPerHost))
        assign(waiting.takeFirst());
}

void PlainHttp::abort(quint64 id)
{
    Exchange *ex = m_exchanges.value(id);
    if (!ex)
        return;
    for (auto &list : m_waiting)
        list.removeAll(ex);
    HttpResponse r;
    r.url = ex->request.url;
    r.error = NetError::Canceled;
    r.errorString = QStringLiteral("canceled");
    complete(ex, r, false);
}

} // namespace ferry
