// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "fakeserver.h"

#include <QFile>
#include <QMetaObject>
#include <QPointer>
#include <QProcess>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
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
        if (!r.raw.isEmpty()) {
            s->write(r.raw);
            if (r.closeAfter) {
                s->flush();
                s->disconnectFromHost();
            }
            return;
        }
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

namespace {

struct TestPki
{
    QTemporaryDir dir;
    QString caFile, certFile, keyFile;
    QSslConfiguration server;
};

bool openssl(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral("openssl"), args);
    return p.waitForFinished(60'000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

// One CA and one server certificate per test process, for every TLS FakeServer.
const TestPki &testPki()
{
    static TestPki *pki = [] {
        auto *k = new TestPki;
        const QString d = k->dir.path();
        k->caFile = d + QStringLiteral("/ca.crt");
        k->certFile = d + QStringLiteral("/server.crt");
        k->keyFile = d + QStringLiteral("/server.key");
        const QString ext = d + QStringLiteral("/server.ext");
        QFile e(ext);
        if (e.open(QIODevice::WriteOnly))
            e.write("subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
        e.close();
        const bool ok =
            openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                     QStringLiteral("-nodes"), QStringLiteral("-keyout"), d + QStringLiteral("/ca.key"), QStringLiteral("-out"), k->caFile,
                     QStringLiteral("-subj"), QStringLiteral("/CN=Ferry fault-test CA"), QStringLiteral("-days"), QStringLiteral("2")}) &&
            openssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                     QStringLiteral("-keyout"), k->keyFile, QStringLiteral("-out"), d + QStringLiteral("/server.csr"),
                     QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1")}) &&
            openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), d + QStringLiteral("/server.csr"),
                     QStringLiteral("-CA"), k->caFile, QStringLiteral("-CAkey"), d + QStringLiteral("/ca.key"),
                     QStringLiteral("-CAcreateserial"), QStringLiteral("-out"), k->certFile, QStringLiteral("-days"), QStringLiteral("2"),
                     QStringLiteral("-extfile"), ext});
        if (!ok)
            qFatal("openssl could not make the fault server's certificates (installer/setup.sh installs openssl)");
        QFile c(k->certFile), key(k->keyFile);
        if (!c.open(QIODevice::ReadOnly) || !key.open(QIODevice::ReadOnly))
            qFatal("cannot read the fault server's certificate");
        k->server = QSslConfiguration::defaultConfiguration();
        k->server.setLocalCertificate(QSslCertificate(c.readAll(), QSsl::Pem));
        k->server.setPrivateKey(QSslKey(key.readAll(), QSsl::Rsa, QSsl::Pem));
        k->server.setPeerVerifyMode(QSslSocket::VerifyNone);
        return k;
    }();
    return *pki;
}

} // namespace

FakeServer::Transport FakeServer::defaultTransport()
{
    const QString name = qEnvironmentVariable("FERRY_TEST_TRANSPORT", QStringLiteral("plain"));
    for (Transport t : {Transport::Plain, Transport::TlsHttp1, Transport::TlsHttp2})
        if (transportName(t) == name)
            return t;
    qFatal("FERRY_TEST_TRANSPORT=%s is not plain, tls-http1 or tls-http2", qPrintable(name));
}

QString FakeServer::transportName(Transport t)
{
    switch (t) {
    case Transport::Plain: return QStringLiteral("plain");
    case Transport::TlsHttp1: return QStringLiteral("tls-http1");
    case Transport::TlsHttp2: return QStringLiteral("tls-http2");
    }
    return {};
}

QString FakeServer::caFile()
{
    return testPki().caFile;
}

FakeServer::FakeServer(Handler handler, const QHostAddress &address, std::optional<Transport> transport)
    : m_handler(std::move(handler))
    , m_address(address)
    , m_transport(transport.value_or(defaultTransport()))
{
    // HTTP/1.1 over TLS is served here; HTTP/2 by h2front.py in front of a plain listener.
    std::optional<QSslConfiguration> tls;
    if (m_transport == Transport::TlsHttp1)
        tls = testPki().server;
    m_thread = new QThread;
    m_thread->start();
    // The worker and its sockets are created on the server thread and die there.
    auto *anchor = new QObject;
    anchor->moveToThread(m_thread);
    FakeServerWorker *worker = nullptr;
    QMetaObject::invokeMethod(
        anchor,
        [&] {
            worker = new FakeServerWorker(this, m_address, tls);
            worker->setParent(anchor);
        },
        Qt::BlockingQueuedConnection);
    m_worker = anchor;
    m_port = worker->port();
    if (m_transport == Transport::TlsHttp2) {
        const TestPki &pki = testPki();
        QString error;
        for (int attempt = 0; attempt < 3 && !m_frontPort; ++attempt) {
            const quint16 port = freeLoopbackPort();
            auto front = std::make_unique<ManagedProcess>();
            if (front->start(QStringLiteral("/usr/bin/python3"),
                             {QStringLiteral(FERRY_TEST_SUPPORT_DIR "/h2front.py"), QStringLiteral("--listen"), m_address.toString(),
                              QStringLiteral("--port"), QString::number(port), QStringLiteral("--upstream-port"), QString::number(m_port),
                              QStringLiteral("--cert"), pki.certFile, QStringLiteral("--key"), pki.keyFile},
                             port, &error, 15'000, m_address.toString())) {
                m_front = std::move(front);
                m_frontPort = port;
            }
        }
        if (!m_frontPort)
            qFatal("the HTTP/2 front did not start (python3-h2; installer/setup.sh installs it): %s", qPrintable(error));
    }
}

FakeServer::~FakeServer()
{
    if (m_front)
        m_front->stop();
    QObject *w = m_worker;
    QMetaObject::invokeMethod(
        w, [w] { delete w; }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

QString FakeServer::hostPort() const
{
    const QString host = m_address.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + m_address.toString() + u']' : m_address.toString();
    return host + u':' + QString::number(port());
}

FakeResponse FakeServer::handle(const FakeRequest &req)
{
    Handler h;
    {
        QMutexLocker lock(&m_mutex);
        m_requests.append(req);
        h = m_handler;
    }
    if (h)
        return h(req);
    FakeResponse notFound;
    notFound.status = 404;
    return notFound;
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
