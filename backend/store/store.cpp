// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The store's connection, schema and scans. The topics live beside it: observations
// (storeobservations.cpp), the matrix (storematrix.cpp), registry figures (storefigures.cpp).

#include "store/store.h"
#include "store/storeinternal.h"
#include "store/storetopic.h"

#include <QAtomicInteger>
#include <QFileInfo>
#include <QLockFile>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QTimeZone>
#include <QUrl>
#include <QUrlQuery>

namespace ferry {

using namespace storesql;

QVariant storedTime(const QDateTime &t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant(QMetaType::fromType<qint64>());
}

QDateTime timeFromStore(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), QTimeZone::utc());
}

Store::Store(QString path)
    : m_path(std::move(path))
{
    static QAtomicInteger<quint64> counter;
    m_connection = QStringLiteral("ferry-store-%1").arg(counter.fetchAndAddRelaxed(1));
}

Store::~Store()
{
    m_matrixRowQuery.reset(); // before its connection goes
    if (!m_pairedConnection.isEmpty()) {
        {
            QSqlDatabase paired = QSqlDatabase::database(m_pairedConnection, false);
            if (paired.isOpen())
                paired.close();
        }
        QSqlDatabase::removeDatabase(m_pairedConnection);
    }
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QMap<QString, int> Store::schemaVersions() const
{
    QMap<QString, int> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (q.exec(QStringLiteral("SELECT topic, version FROM schema_topics")))
        while (q.next())
            out.insert(q.value(0).toString(), q.value(1).toInt());
    return out;
}

bool Store::exec(const QString &sql)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (!q.exec(sql)) {
        m_lastError = q.lastError().text();
        return false;
    }
    return true;
}

// BEGIN IMMEDIATE: take the write lock up front, so that a reader's open statement can
// never turn this into a deadlocked upgrade (reliability scenario 94). On PostgreSQL the same
// rule: one transaction-scoped advisory lock that every writer takes first, so that the
// checks a transaction makes (a batch approved, an item not yet sent) hold until it commits.
bool Store::begin()
{
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (m_postgres) {
            if (exec(QStringLiteral("BEGIN"))) {
                if (exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kWriteLockKey)))
                    return true;
                const QString err = m_lastError;
                rollback();
                m_lastError = err;
            }
        } else if (exec(QStringLiteral("BEGIN IMMEDIATE"))) {
            return true;
        }
        QThread::msleep(50 * (attempt + 1));
    }
    return false;
}

bool Store::commit()
{
    return exec(QStringLiteral("COMMIT"));
}

void Store::rollback()
{
    exec(QStringLiteral("ROLLBACK"));
}

bool Store::isServerLocation(const QString &location)
{
    return location.startsWith(QLatin1String("postgresql://")) || location.startsWith(QLatin1String("postgres://"));
}

bool Store::locationExists(const QString &location)
{
    return isServerLocation(location) || QFileInfo::exists(location);
}

QString Store::displayLocation(const QString &location)
{
    if (!isServerLocation(location))
        return location;
    QUrl u(location);
    u.setPassword(QString());
    QUrlQuery q(u);
    if (q.hasQueryItem(QStringLiteral("password"))) {
        q.removeAllQueryItems(QStringLiteral("password"));
        u.setQuery(q);
    }
    return u.toString();
}

QString Store::probe(const QString &location)
{
    if (!isServerLocation(location))
        return {};
    Store s(location);
    s.m_postgres = true;
    QString error;
    return s.openServer(&error) ? QString() : error;
}

bool Store::open(QString *error)
{
    m_postgres = isServerLocation(m_path);
    if (!(m_postgres ? openServer(error) : openFile(error)))
        return false;
    return migrate(error);
}

bool Store::openFile(QString *error)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    if (!db.open()) {
        *error = QStringLiteral("cannot open %1: %2").arg(m_path, db.lastError().text());
        return false;
    }
    exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    exec(QStringLiteral("PRAGMA foreign_keys=ON"));
    return true;
}

// postgresql://user:password@host:port/dbname?sslmode=require, as libpq writes it; the host
// may also be a query item (?host=/run/postgresql, a Unix socket's directory), and every
// other query item is a libpq connection option.
bool Store::openServer(QString *error)
{
    const QString shown = displayLocation(m_path);
    const QUrl url(m_path);
    if (!url.isValid()) {
        *error = QStringLiteral("%1 is not a PostgreSQL URL: %2").arg(shown, url.errorString());
        return false;
    }
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
        *error = QStringLiteral("cannot open %1: Qt's PostgreSQL driver is not installed (apt install libqt6sql6-psql)").arg(shown);
        return false;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connection);
    QUrlQuery query(url);
    auto take = [&](const QString &name, const QString &fallback) {
        const QString v = query.queryItemValue(name, QUrl::FullyDecoded);
        query.removeAllQueryItems(name);
        return v.isEmpty() ? fallback : v;
    };
    db.setHostName(take(QStringLiteral("host"), url.host()));
    const int port = take(QStringLiteral("port"), QString::number(url.port(5432))).toInt();
    db.setPort(port > 0 ? port : 5432);
    db.setUserName(take(QStringLiteral("user"), url.userName(QUrl::FullyDecoded)));
    db.setPassword(take(QStringLiteral("password"), url.password(QUrl::FullyDecoded)));
    db.setDatabaseName(take(QStringLiteral("dbname"), url.path(QUrl::FullyDecoded).mid(1)));
    QStringList options;
    bool timeout = false, application = false;
    for (const auto &[k, v] : query.queryItems(QUrl::FullyDecoded)) {
        options << k + u'=' + v;
        timeout = timeout || k == u"connect_timeout";
        application = application || k == u"application_name";
    }
    if (!timeout)
        options << QStringLiteral("connect_timeout=10");
    if (!application)
        options << QStringLiteral("application_name=ferry");
    db.setConnectOptions(options.join(u';'));
    if (!db.open()) {
        *error = QStringLiteral("cannot open %1: %2").arg(shown, db.lastError().text().trimmed());
        return false;
    }
    return true;
}

QString Store::pairedConnection() const
{
    if (!m_postgres)
        return m_connection;
    if (m_pairedConnection.isEmpty()) {
        m_pairedConnection = m_connection + QStringLiteral("-paired");
        QSqlDatabase::cloneDatabase(m_connection, m_pairedConnection).open();
    }
    return m_pairedConnection;
}

bool Store::tryLock(const QString &name)
{
    if (m_postgres) {
        QSqlQuery q(QSqlDatabase::database(m_connection));
        q.prepare(QStringLiteral("SELECT pg_try_advisory_lock(%1, hashtext(?))").arg(kNamedLockClass));
        q.addBindValue(name);
        if (!q.exec() || !q.next()) {
            m_lastError = q.lastError().text();
            return false;
        }
        return q.value(0).toBool();
    }
    if (m_locks.contains(name))
        return true;
    QString safe = name;
    safe.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    auto lock = std::make_shared<QLockFile>(m_path + QStringLiteral(".lock-") + safe);
    lock->setStaleLockTime(0); // a lock file is stale only when its process is gone
    if (!lock->tryLock(0))
        return false;
    m_locks.insert(name, lock);
    return true;
}

void Store::unlock(const QString &name)
{
    if (!m_postgres) {
        m_locks.remove(name);
        return;
    }
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT pg_advisory_unlock(%1, hashtext(?))").arg(kNamedLockClass));
    q.addBindValue(name);
    q.exec();
}

void Store::notifyChanged(const QString &what)
{
    if (!m_postgres)
        return;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT pg_notify(?, ?)"));
    q.addBindValue(notificationChannel());
    q.addBindValue(what);
    q.exec();
}

// Each topic's version: from schema_topics, or, in a database from before topics (and a
// new one, at 0), from its single-list version: the steps numbered up to it are in.
bool Store::readTopicVersions(int userVersion, QHash<QString, int> *versions)
{
    if (userVersion == kTopicsUserVersion) {
        QSqlQuery q(QSqlDatabase::database(m_connection));
        if (!q.exec(QStringLiteral("SELECT topic, version FROM schema_topics"))) {
            m_lastError = q.lastError().text();
            return false;
        }
        while (q.next())
            versions->insert(q.value(0).toString(), q.value(1).toInt());
        return true;
    }
    for (const SchemaTopic &t : schemaTopics())
        versions->insert(QString::fromLatin1(t.name),
                         int(std::count_if(t.legacySteps.begin(), t.legacySteps.end(), [&](int was) { return was <= userVersion; })));
    return exec(
        schemaStatement(QStringLiteral("CREATE TABLE schema_topics(topic TEXT PRIMARY KEY, version INTEGER NOT NULL)"), m_postgres));
}

// Every topic at this Ferry's version, read without a transaction: then opening takes no
// write lock, and a reader (the window, ferryctl status) never waits for a writer's long
// transaction (a million-row matrix holds it for a minute on PostgreSQL).
namespace {

// PostgreSQL has no user_version: a database there is either new or kept per topic. pg_tables
// is read with the statement's snapshot; to_regclass would answer from the session's catalog
// cache, which taking an advisory lock does not refresh (a second opener of a new database saw
// no table after the first had created it).
QString topicsTableQuery()
{
    return QStringLiteral("SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
                          "AND tablename = 'schema_topics') THEN %1 ELSE 0 END")
        .arg(kTopicsUserVersion);
}

} // namespace

bool Store::schemaIsCurrent()
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.exec(m_postgres ? topicsTableQuery() : QStringLiteral("PRAGMA user_version"));
    if (!q.next() || q.value(0).toInt() != kTopicsUserVersion)
        return false;
    q.finish();
    QHash<QString, int> versions;
    if (!q.exec(QStringLiteral("SELECT topic, version FROM schema_topics")))
        return false;
    while (q.next())
        versions.insert(q.value(0).toString(), q.value(1).toInt());
    for (const SchemaTopic &t : schemaTopics())
        if (versions.value(QString::fromLatin1(t.name), -1) != int(t.steps.size()))
            return false;
    return true;
}

bool Store::migrate(QString *error)
{
    if (schemaIsCurrent())
        return true;
    // The versions are read and every step applied inside one write transaction (BEGIN
    // IMMEDIATE): two processes opening a new database at once wait for each other instead
    // of both creating the tables (seen: "table scans already exists").
    const QString shown = displayLocation(m_path);
    if (!begin()) {
        *error = QStringLiteral("cannot lock %1 to check its schema: %2").arg(shown, m_lastError);
        return false;
    }
    auto fail = [&](const QString &why) {
        *error = why;
        rollback();
        return false;
    };
    // PostgreSQL has no user_version: a database there is either new or kept per topic.
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.exec(m_postgres ? topicsTableQuery() : QStringLiteral("PRAGMA user_version"));
    const int userVersion = q.next() ? q.value(0).toInt() : 0;
    q.finish();
    if (userVersion > kTopicsUserVersion)
        return fail(QStringLiteral("%1 was written by a newer Ferry (schema %2, this one knows %3)")
                        .arg(shown)
                        .arg(userVersion)
                        .arg(kTopicsUserVersion));
    QHash<QString, int> versions;
    if (!readTopicVersions(userVersion, &versions))
        return fail(QStringLiteral("cannot read the schema versions of %1: %2").arg(shown, m_lastError));
    for (const SchemaTopic &t : schemaTopics()) {
        const QString topic = QString::fromLatin1(t.name);
        const int known = int(t.steps.size());
        int v = versions.value(topic);
        if (v > known)
            return fail(QStringLiteral("%1 was written by a newer Ferry (its %2 tables are at version %3, this one knows %4)")
                            .arg(shown, topic)
                            .arg(v)
                            .arg(known));
        if (v == known && userVersion == kTopicsUserVersion)
            continue;
        for (; v < known; ++v) {
            for (const QString &statement : QString::fromUtf8(t.steps[v]).split(u';', Qt::SkipEmptyParts)) {
                if (!statement.trimmed().isEmpty() && !exec(schemaStatement(statement, m_postgres)))
                    return fail(QStringLiteral("migrating %1: %2 step %3: %4").arg(shown, topic).arg(v + 1).arg(m_lastError));
            }
        }
        if (!exec(QStringLiteral("INSERT INTO schema_topics(topic, version) VALUES('%1', %2) ON CONFLICT(topic) DO UPDATE SET "
                                 "version=excluded.version")
                      .arg(topic)
                      .arg(known)))
            return fail(QStringLiteral("migrating %1: %2: %3").arg(shown, topic, m_lastError));
    }
    if (userVersion != kTopicsUserVersion && !m_postgres)
        exec(QStringLiteral("PRAGMA user_version=%1").arg(kTopicsUserVersion));
    if (!commit())
        return fail(QStringLiteral("migrating %1: %2").arg(shown, m_lastError));
    return true;
}

bool Store::transaction(const std::function<bool()> &work)
{
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (!begin())
            continue;
        if (!work()) {
            const QString err = m_lastError;
            rollback();
            m_lastError = err;
            return false;
        }
        if (commit())
            return true;
        rollback();
        QThread::msleep(50 * (attempt + 1));
    }
    return false;
}

QSqlDatabase Store::database() const
{
    return QSqlDatabase::database(m_connection);
}

Store *StoreTopic::writable() const
{
    if (!m_writable)
        qWarning("ferry: a write through a read-only %s (made from a const Store) was refused", m_name);
    return m_writable;
}

} // namespace ferry
