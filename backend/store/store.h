// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "matrix/matrixrow.h"
#include "registry/ratelimit.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <functional>
#include <memory>
#include <optional>

class QLockFile;

namespace ferry {

// Times as the store keeps them: UTC milliseconds since the epoch, NULL for none.
QVariant storedTime(const QDateTime &t);
QDateTime timeFromStore(const QVariant &v);

// One tag as a registry listing showed it.
struct TagObservation
{
    QString tag;
    QString digest;
    QString mediaType;
    QDateTime registryCreated;
    QDateTime registryUpdated;
};

// The history of one (registry, repository, tag): one row per digest it held.
struct Observation
{
    QString registry;
    QString repository;
    QString tag;
    QString digest;
    QString mediaType;
    QDateTime firstSeen;
    QDateTime lastSeen;
    QDateTime goneAt;
    QDateTime registryCreated;
    QDateTime registryUpdated;
};

struct ScanRecord
{
    qint64 id = 0;
    QString plan;
    QDateTime startedAt;
    QDateTime finishedAt;
    bool complete = false;
    bool interrupted = false;
    qint64 requests = 0;
    qint64 errors = 0;
    QString note;
    QString collector; // who scanned (ferryctl --collector, else the host's name)
};

struct Change
{
    qint64 scan = 0;
    QDateTime at;
    QString registry;
    QString repository;
    QString tag;
    QString kind; // appeared, moved, vanished
    QString oldDigest;
    QString newDigest;
};

// What the store knows of one digest in one repository of one registry.
struct DigestPresence
{
    QString repository;
    QString digest;
    QDateTime firstSeen; // first time any tag held it
    QDateTime registryCreated; // the registry's own time, where its API gives one
    bool current = false; // a tag holds it now
    qint64 firstScan = 0; // the scan that first saw it
    QStringList currentTags;
};

// A registry of the plan as the last scan recorded it (role names as the plan spells them).
struct RegistryRecord
{
    QString name;
    QString role;
    QString of;
    qint64 lagSloSeconds = 0;
};

// Rows (registry "") and cells (by registry) per state after one scan.
struct StateCountPoint
{
    qint64 scan = 0;
    QDateTime at;
    QMap<QString, QMap<QString, int>> counts;
};

struct RateLimitRecord
{
    qint64 scan = 0;
    QString registry;
    QDateTime at;
    int limit = -1;
    int remaining = -1;
    int windowSeconds = -1;
    QString source;
};

// What one scan saw of one registry: its requests, failures and latency, its listings.
struct RegistryScanStats
{
    qint64 scan = 0;
    QString registry;
    QDateTime at;
    qint64 requests = 0; // HTTP exchanges, retries and token fetches included
    qint64 answered = 0; // exchanges that got an HTTP status, whatever it was
    qint64 failures = 0; // requests that failed after every retry
    qint64 retries = 0;
    qint64 pauses = 0; // Retry-After / 429 pauses of the whole registry
    qint64 latencyMsAvg = -1; // -1: nothing answered
    int listings = 0; // repositories this scan listed in the registry
    int listingsFailed = 0;
    QString firstError; // what failed first, as the scan reported it
    // Reachable when any request got an HTTP answer (a 429 or a 401 is an answer).
    bool reachable() const { return answered > 0; }
    double errorRate() const { return requests > 0 ? double(failures) / double(requests) : 0.0; }
};

// One row of the matrix table as SQLite holds it, in UTF-8, viewed without copies (valid
// only during the visit; SQLite stores text as UTF-8, so nothing is translated). cells: per
// cell "registry US state US digest US reason US mediaType US firstSeenMs US lastSeenMs",
// cells separated by RS (0x1f, 0x1e).
struct RawMatrixRow
{
    QByteArrayView repository;
    QByteArrayView tag;
    QByteArrayView state;
    QByteArrayView reason;
    bool inPlan = true;
    QByteArrayView cells;
};

struct ListingApplied
{
    int appeared = 0;
    int moved = 0;
    int vanished = 0;
    int unchanged = 0;
};

// Ferry's history store: SQLite in WAL mode, written by one thread (the one that opened
// it), read by others through their own Store instances. It keeps every digest a tag held
// with first and last seen times, every scan, the changes between scans and the current
// sync matrix. A re-scan that sees nothing new adds no history rows.
//
// The same store runs on PostgreSQL when its location is a URL (postgresql://user@host:port/db,
// libpq's ?host=/socket/dir and ?sslmode= as query items): one schema, written for SQLite and
// translated, the same rows and the same answers. There every write transaction takes one
// transaction-scoped advisory lock first: the one-writer rule SQLite has, across machines.
class Store
{
public:
    explicit Store(QString path);
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    // A PostgreSQL URL (postgresql:// or postgres://) rather than a file.
    static bool isServerLocation(const QString &location);
    // A SQLite file that exists, or a server URL (whether its database answers, open says):
    // what commands that only read ask before opening, as opening a file creates it.
    static bool locationExists(const QString &location);
    // Whether a store can be reached, on the calling thread, through a connection of its own:
    // empty, or what failed. Opens no schema and takes no lock; a file always answers. The
    // window asks on a worker first, so that an unreachable server never freezes it.
    static QString probe(const QString &location);
    // The location as it may be shown: a URL without its password.
    static QString displayLocation(const QString &location);
    // The channel a PostgreSQL store notifies on after a scan, a matrix or a cleanup change.
    static QString notificationChannel() { return QStringLiteral("ferry_store"); }

    bool open(QString *error);
    QString path() const { return m_path; }
    bool isPostgres() const { return m_postgres; }
    // A named lock held until unlock() or until this store's connection ends (the process
    // dies): PostgreSQL's session advisory lock; beside a SQLite file, a lock file. Used so that
    // two collectors never write one registry's listings at once and two executors never run
    // one cleanup batch at once. Returns false when another holds it.
    bool tryLock(const QString &name);
    void unlock(const QString &name);
    // Tells followers (LISTEN) that something changed; a no-op on SQLite, where they watch the
    // file. Inside a transaction it is sent at commit.
    void notifyChanged(const QString &what);
    QString lastError() const { return m_lastError; }
    // Each topic of the schema (history, cleanup, figures) and its version in this database.
    QMap<QString, int> schemaVersions() const;

    // For the cleanup journal and other tables beside the scan's: one write transaction
    // (BEGIN IMMEDIATE), retried when the database is busy; work returns false to roll back.
    bool transaction(const std::function<bool()> &work);
    QSqlDatabase database() const;
    void setLastError(const QString &error) { m_lastError = error; }

private:
    // The topics of the history reach the connection's internals: the paired connection, the
    // matrix row's prepared statement, the write transaction.
    friend class HistoryTables;
    friend class MatrixTables;
    friend class FigureTables;

    // A second connection for a query read beside another: PostgreSQL streams one result at a
    // time per connection (Qt reads forward-only results row by row); SQLite needs none.
    QString pairedConnection() const;
    bool openFile(QString *error);
    bool openServer(QString *error);
    bool exec(const QString &sql);
    bool migrate(QString *error);
    bool schemaIsCurrent();
    bool readTopicVersions(int userVersion, QHash<QString, int> *versions);
    bool begin();
    bool commit();
    void rollback();

    QString m_path;
    QString m_connection;
    bool m_postgres = false;
    mutable QString m_pairedConnection;
    QMap<QString, std::shared_ptr<QLockFile>> m_locks; // lock files held, by name (SQLite)
    QString m_lastError;
    // matrixRow's statement, prepared once: a clients' join asks it for each reference.
    mutable std::unique_ptr<QSqlQuery> m_matrixRowQuery;
};

} // namespace ferry
