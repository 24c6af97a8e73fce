// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "teststore.h"

#include "postgresserver.h"

#include <QCoreApplication>
#include <QHash>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

#include <memory>

namespace ferry::test {

namespace {

QMutex g_mutex;
std::unique_ptr<PostgresServer> g_server; // guarded by g_mutex
QHash<QString, QString> g_databases; // file path -> database name

void stopServer()
{
    QMutexLocker lock(&g_mutex);
    g_server.reset();
}

PostgresServer *server()
{
    if (g_server)
        return g_server.get();
    auto s = std::make_unique<PostgresServer>();
    QString error;
    if (!s->start(&error))
        qFatal("FERRY_TEST_STORE=postgresql, but the test's PostgreSQL 15 did not start: %s", qPrintable(error));
    g_server = std::move(s);
    qAddPostRoutine(stopServer); // with the application, not after it
    return g_server.get();
}

// CREATE DATABASE through a connection of its own, on whichever thread asks.
QString createDatabase(PostgresServer *s, int n)
{
    const QString name = QStringLiteral("ferry_test_%1").arg(n);
    const QString connection = QStringLiteral("ferry-test-admin-%1").arg(n);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        db.setHostName(s->socketDir());
        db.setPort(s->port());
        db.setUserName(s->user());
        db.setDatabaseName(s->database());
        if (!db.open())
            qFatal("cannot connect to the test's PostgreSQL: %s", qPrintable(db.lastError().text()));
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("CREATE DATABASE %1").arg(name)))
            qFatal("CREATE DATABASE %s failed: %s", qPrintable(name), qPrintable(q.lastError().text()));
    }
    QSqlDatabase::removeDatabase(connection);
    return name;
}

} // namespace

bool testStoreIsPostgres()
{
    return qEnvironmentVariable("FERRY_TEST_STORE") == u"postgresql";
}

QString testStore(const QString &filePath)
{
    if (!testStoreIsPostgres())
        return filePath;
    QMutexLocker lock(&g_mutex);
    PostgresServer *s = server();
    QString name = g_databases.value(filePath);
    if (name.isEmpty()) {
        name = createDatabase(s, int(g_databases.size()) + 1);
        g_databases.insert(filePath, name);
    }
    return s->url(name);
}

QSqlDatabase addStoreConnection(const QString &location, const QString &connectionName)
{
    if (!location.startsWith(QLatin1String("postgresql://"))) {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
        db.setDatabaseName(location);
        return db;
    }
    const QUrl url(location);
    const QUrlQuery query(url);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
    db.setHostName(query.queryItemValue(QStringLiteral("host"), QUrl::FullyDecoded));
    db.setPort(query.queryItemValue(QStringLiteral("port")).toInt());
    db.setUserName(url.userName());
    db.setDatabaseName(url.path().mid(1));
    return db;
}

QString testStoreServerUrl(const QString &database)
{
    QMutexLocker lock(&g_mutex);
    return server()->url(database);
}

} // namespace ferry::test
