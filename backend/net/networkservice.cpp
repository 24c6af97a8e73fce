// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "net/networkservice.h"

#include "net/httpengine.h"

#include <QThread>

namespace ferry {

NetworkService::NetworkService(int threads)
{
    for (int i = 0; i < qMax(1, threads); ++i) {
        auto *t = new QThread;
        t->setObjectName(QStringLiteral("ferry-net-%1").arg(i));
        auto *engine = new HttpEngine;
        engine->moveToThread(t);
        QObject::connect(t, &QThread::finished, engine, &QObject::deleteLater);
        t->start();
        m_threads.append(t);
        m_engines.append(engine);
    }
}

NetworkService::~NetworkService()
{
    for (QThread *t : std::as_const(m_threads)) {
        t->quit();
        t->wait();
        delete t;
    }
}

HttpEngine *NetworkService::engineFor(const QString &registryKey) const
{
    return m_engines.at(int(qHash(registryKey) % uint(m_engines.size())));
}

} // namespace ferry
