#include "fakeserver.h"

#include <QMetaObject>
#include <QPointer>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

namespace ferry::test {

QByteArray FakeRequest::header(const QByteArray &name) const
{
    for (const auto &h : headers)
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    return {};
}

QString FakeRequest::pathOnly() const
{
    const auto q = path.indexOf('?');
    return QString::fromLatin1(q < 0 ? path : path.left(q));
}

QUrlQuery FakeRequest::query() const
{
    const auto q = path.indexOf('?');
    return q < 0 ? QUrlQuery() : QUrlQuery(QString::fromLatin1(path.mid(q + 1)));
}

FakeResponse FakeResponse::json(int status, const QByteArray &body)
{
    FakeResponse r;
    r.status = status;
    r.body = body;
    r.headers.append(std::pair<QByteArray, QByteArray>("Content-Type", "application/json"));
    return r;
}

class FakeServerWorker : public QObject
{
public:
    FakeServerWorker(FakeServer *owner, const QHostAddress &address, const std::optional<QSslConfiguration> &tls)
        : m_owner(owner)
    {
        if (tls) {
            auto *ssl = new QSslServer(this);
            ssl->setSslConfiguration(*tls);
            m_server = ssl;
        } else {
            m_server = new QTcpServer(this);
        }
        m_server->listen(address, 0);
        // For a TLS server a connection is pending only once its handshake is done.
        connect(m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *s = m_server->nextPendingConnection()) {
                s->setParent(this);
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onData(s); });
                connect(s, &QTcpSocket::disconnected, this, [this, s] {
                    // A later socket may get the same address: forget this one's state.
                    m_buffers.remove(s);
                    m_served.remove(s);
                    s->deleteLater();
                });
            }
        });
    }
    quint16 port() const { return m_server->serverPort(); }

private:
    void onData(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        for (;;) {
            const auto end = buf.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            FakeRequest req;
            const QList<QByteArray> lines = buf.left(end).split('\n');
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            req.method = first.value(0);
            req.path = first.value(1);
            qsizetype length = 0;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines.at(i).trimmed();
                const auto colon = line.indexOf(':');
                if (colon <= 0)
                    continue;
                req.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
                if (line.left(colon).trimmed().toLower() == "content-length")
                    length = line.mid(colon + 1).trimmed().toLongLong();
            }
            if (buf.size() < end + 4 + length)
                return;
            req.body = buf.mid(end + 4, length);
            buf.remove(0, end + 4 + length);
            respond(s, req);
        }
    }

    void respond(QTcpSocket *s, const FakeRequest &req)
    {
        const FakeResponse r = m_owner->handle(req);
        if (r.stall)
            return; // keep the socket open, say nothing
        if (r.dropIfReused && m_served.value(s) > 0) {
            m_buffers.remove(s);
            m_served.remove(s);
            s->abort();
            return;
        }
        ++m_served[s];
        QByteArray out = "HTTP/1.1 " + QByteArray::number(r.status) + " X\r\n";
        bool hasLength = false;
        for (const auto &h : r.headers) {
            out += h.first + ": " + h.second + "\r\n";
            if (h.first.toLower() == "content-length")
                hasLength = true;
        }
        const bool head = req.method == "HEAD";
        if (r.chunked) {
            out += "Transfer-Encoding: chunked\r\n\r\n";
            for (qsizetype i = 0; i < r.body.size(); i += 7) {
                const QByteArray part = r.body.mid(i, 7);
                out += QByteArray::number(part.size(), 16) + ";ext=1\r\n" + part + "\r\n";
            }
            out += "0\r\nX-Trailer: yes\r\n\r\n";
            s->write(out);
            return;
        }
        if (r.closeDelimited) {
            out += "\r\n" + r.body;
            s->write(out);
            s->flush();
            s->disconnectFromHost();
            return;
        }
        if (!hasLength)
            out += "Content-Length: " + QByteArray::number(r.body.size()) + "\r\n";
        out += "\r\n";
        if (r.truncateAt >= 0) {
            out += r.body.left(r.truncateAt);
            s->write(out);
            s->flush();
            s->disconnectFromHost(); // cut mid-body
            return;
        }
        if (!head)
            out += r.body;
        if (r.delayMs > 0) {
            QPointer<QTcpSocket> guard(s);
            QTimer::singleShot(r.delayMs, this, [guard, out] {
                if (guard)
                    guard->write(out);
            });
            return;
        }
        s->write(out);
        if (r.closeAfter) {
            s->flush();
            s->disconnectFromHost();
        }
    }

    FakeServer *m_owner;
    QTcpServer *m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QHash<QTcpSocket *, int> m_served;
};

FakeServer::FakeServer(Handler handler, const QHostAddress &address, const std::optional<QSslConfiguration> &tls)
    : m_handler(std::move(handler))
    , m_address(address)
    , m_tls(tls)
{
    m_thread = new QThread;
    m_thread->start();
    // The worker and its sockets are created on the server thread and die there.
    auto *anchor = new QObject;
    anchor->moveToThread(m_thread);
    FakeServerWorker *worker = nullptr;
    QMetaObject::invokeMethod(anchor, [&] {
        worker = new FakeServerWorker(this, m_address, m_tls);
        worker->setParent(anchor);
    }, Qt::BlockingQueuedConnection);
    m_worker = anchor;
    m_port = worker->port();
}

FakeServer::~FakeServer()
{
    QObject *w = m_worker;
    QMetaObject::invokeMethod(w, [w] { delete w; }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

QString FakeServer::hostPort() const
{
    return m_address.toString() + u':' + QString::number(m_port);
}

FakeResponse FakeServer::handle(const FakeRequest &req)
{
    Handler h;
    {
        QMutexLocker lock(&m_mutex);
        m_requests.append(req);
        h = m_handler;
    }
    return h ? h(req) : FakeResponse{404, {}, {}, false, -1, 0};
}

QList<FakeRequest> FakeServer::requests() const
{
    QMutexLocker lock(&m_mutex);
    return m_requests;
}

int FakeServer::requestCount() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_requests.size());
}

int FakeServer::countPath(const QString &prefix) const
{
    QMutexLocker lock(&m_mutex);
    int n = 0;
    for (const FakeRequest &r : m_requests)
        if (r.pathOnly().startsWith(prefix))
            ++n;
    return n;
}

void FakeServer::setHandler(Handler handler)
{
    QMutexLocker lock(&m_mutex);
    m_handler = std::move(handler);
}

} // namespace ferry::test
