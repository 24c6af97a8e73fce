#pragma once

#include "net/httptypes.h"

#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>

#include <functional>

class QNetworkReply;
class QTimer;

namespace ferry {

// Runs HTTP exchanges on the thread that owns it (a network thread): one
// QNetworkAccessManager, no Qt redirect following (Qt 6.4 forwards Authorization to other
// hosts), no Qt auth or disk cache, a transfer timeout and a deadline on every exchange,
// a body size limit enforced while reading.
class HttpEngine : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(HttpResponse)>;

    explicit HttpEngine(QObject *parent = nullptr);
    ~HttpEngine() override;

    // Must be called on this object's thread. The callback runs exactly once, on this
    // thread, also for abort() (with NetError::Canceled).
    quint64 start(HttpRequest request, Callback callback);
    void abort(quint64 handle);
    int inFlight() const { return int(m_exchanges.size()); }

private:
    struct Exchange
    {
        HttpRequest original;
        HttpRequest current;
        Callback callback;
        QNetworkReply *reply = nullptr;
        QTimer *deadline = nullptr;
        QByteArray body;
        int hops = 0;
        bool tooLarge = false;
        bool timedOutByDeadline = false;
        bool canceled = false;
    };

    void send(quint64 handle);
    void onFinished(quint64 handle);
    void finish(quint64 handle, HttpResponse response);

    QNetworkAccessManager *m_nam; // a child: moves with the engine to its network thread
    QHash<quint64, Exchange *> m_exchanges;
    quint64 m_nextHandle = 1;
};

} // namespace ferry
