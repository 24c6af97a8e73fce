// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "net/httptypes.h"

#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>

#include <functional>

class QNetworkReply;
class QTimer;

namespace ferry {

class PlainHttp;

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
        quint64 plainId = 0;
        QNetworkAccessManager *nam = nullptr;
        QTimer *deadline = nullptr;
        QByteArray body;
        int hops = 0;
        bool tooLarge = false;
        bool timedOutByDeadline = false;
        bool canceled = false;
    };

    void send(quint64 handle);
    void onFinished(quint64 handle);
    void onPlainFinished(quint64 handle, HttpResponse response);
    void process(quint64 handle, HttpResponse response);
    void finish(quint64 handle, HttpResponse response);

    // Qt 6.4 opens at most 6 connections per host and manager: a registry answering at
    // its ceiling needs more in flight, so each engine spreads exchanges over several
    // managers (children: they move with the engine to its network thread).
    PlainHttp *m_plain; // http:// origins
    QList<QNetworkAccessManager *> m_nams;
    QHash<QNetworkAccessManager *, int> m_load;
    QNetworkAccessManager *pickManager();
    QHash<quint64, Exchange *> m_exchanges;
    quint64 m_nextHandle = 1;
};

} // namespace ferry
