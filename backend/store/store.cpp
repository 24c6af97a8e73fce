// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "store/store.h"

#include <QAtomicInteger>
#include <QCryptographicHash>
#include <QSet>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QTimeZone>
#include <QVariant>

#include <cstring>

#include <sqlite3.h>

namespace ferry {

QVariant storedTime(const QDateTime &t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant(QMetaType::fromType<qint64>());
}

QDateTime timeFromStore(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), QTimeZone::utc());
}

namespace {

constexpr int kSchemaVersion = 5;

// Every schema change is a new step; a database is brought forward one step at a time.
const char *const kMigrations[] = {
    // 1: scans, observation history, changes, the matrix, rate limits, errors.
    R"SQL(
CREATE TABLE scans(
  id INTEGER PRIMARY KEY,
  plan TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  complete INTEGER NOT NULL DEFAULT 0,
  interrupted INTEGER NOT NULL DEFAULT 0,
  requests INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  note TEXT);
CREATE TABLE observations(
  id INTEGER PRIMARY KEY,
  registry TEXT NOT NULL,
  repository TEXT NOT NULL,
  tag TEXT NOT NULL,
  digest TEXT NOT NULL,
  media_type TEXT,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  gone_at INTEGER,
  registry_created INTEGER,
  registry_updated INTEGER,
  first_scan INTEGER NOT NULL,
  last_scan INTEGER NOT NULL);
CREATE INDEX observations_current ON observations(registry, repository, tag) WHERE gone_at IS NULL;
CREATE INDEX observations_digest ON observations(registry, repository, digest);
CREATE INDEX observations_tag ON observations(repository, tag);
CREATE TABLE changes(
  id INTEGER PRIMARY KEY,
  scan INTEGER NOT NULL,
  at INTEGER NOT NULL,
  registry TEXT NOT NULL,
  repository TEXT NOT NULL,
  tag TEXT NOT NULL,
  kind TEXT NOT NULL,
  old_digest TEXT,
  new_digest TEXT);
CREATE INDEX changes_scan ON changes(scan);
CREATE INDEX changes_at ON changes(at);
CREATE TABLE matrix(
  repository TEXT NOT NULL,
  tag TEXT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT,
  in_plan INTEGER NOT NULL,
  updated_scan INTEGER NOT NULL,
  content_hash INTEGER NOT NULL,
  cells TEXT NOT NULL,
  PRIMARY KEY(repository, tag)) WITHOUT ROWID;
CREATE INDEX matrix_state ON matrix(state);
CREATE TABLE rate_limits(
  scan INTEGER NOT NULL,
  registry TEXT NOT NULL,
  at INTEGER NOT NULL,
  rate_limit INTEGER,
  remaining INTEGER,
  window_seconds INTEGER,
  source TEXT);
CREATE TABLE scan_errors(
  scan INTEGER NOT NULL,
  registry TEXT NOT NULL,
  repository TEXT,
  tag TEXT,
  message TEXT NOT NULL);
)SQL",
    // 2: cleanup batches, their items, execution runs, the per-item journal, the audit log.
    R"SQL(
CREATE TABLE cleanup_batches(
  id INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  plan TEXT NOT NULL,
  registry TEXT NOT NULL,
  repository TEXT NOT NULL,
  policies TEXT NOT NULL,
  listed_at INTEGER NOT NULL,
  listing_complete INTEGER NOT NULL,
  listing_note TEXT,
  hash TEXT NOT NULL,
  derived_from INTEGER,
  status TEXT NOT NULL,
  decided_by TEXT,
  decided_at INTEGER,
  decided_hash TEXT,
  comment TEXT);
CREATE TABLE cleanup_items(
  batch INTEGER NOT NULL REFERENCES cleanup_batches(id),
  seq INTEGER NOT NULL,
  action TEXT NOT NULL,
  digest TEXT NOT NULL,
  tags TEXT NOT NULL,
  media_type TEXT,
  size INTEGER,
  age_from INTEGER,
  age_source TEXT,
  policy TEXT NOT NULL,
  reason TEXT NOT NULL,
  checks TEXT NOT NULL,
  hold_reason TEXT,
  parents TEXT NOT NULL,
  depends_on TEXT NOT NULL,
  verify_in TEXT NOT NULL,
  state TEXT NOT NULL,
  outcome TEXT,
  http_status INTEGER,
  updated_at INTEGER,
  PRIMARY KEY(batch, seq));
CREATE TABLE cleanup_runs(
  id INTEGER PRIMARY KEY,
  batch INTEGER NOT NULL REFERENCES cleanup_batches(id),
  dry_run INTEGER NOT NULL,
  actor TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  status TEXT NOT NULL,
  summary TEXT);
CREATE TABLE cleanup_journal(
  id INTEGER PRIMARY KEY,
  run INTEGER NOT NULL REFERENCES cleanup_runs(id),
  batch INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  state TEXT NOT NULL,
  http_status INTEGER,
  message TEXT);
CREATE INDEX cleanup_journal_batch ON cleanup_journal(batch, seq);
CREATE TABLE audit_log(
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  batch INTEGER,
  detail TEXT);
)SQL",
    // 3: the plan's registries as the last scan knew them, so that lag can be computed from
    // the database alone; the first time each registry's repository was listed.
    R"SQL(
CREATE TABLE plan_registries(
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  of TEXT,
  lag_slo INTEGER,
  updated_at INTEGER NOT NULL);
)SQL",
    // 4: counts of rows and cells by state after every scan that wrote the matrix, for trends.
    R"SQL(
CREATE TABLE scan_state_counts(
  scan INTEGER NOT NULL,
  registry TEXT NOT NULL,
  state TEXT NOT NULL,
  count INTEGER NOT NULL);
CREATE INDEX scan_state_counts_scan ON scan_state_counts(scan);
)SQL",
    // 5: what each scan saw of each registry (requests, failures, latency, listings), for the
    // Registries page: reachability, error rate and latency without re-asking the registry.
    R"SQL(
CREATE TABLE scan_registry_stats(
  scan INTEGER NOT NULL,
  registry TEXT NOT NULL,
  at INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  answered INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  retries INTEGER NOT NULL,
  pauses INTEGER NOT NULL,
  latency_ms_avg INTEGER NOT NULL,
  listings INTEGER NOT NULL,
  listings_failed INTEGER NOT NULL,
  first_error TEXT,
  PRIMARY KEY(scan, registry));
)SQL",
};

QVariant ms(const QDateTime &t)
{
    return storedTime(t);
}

QDateTime fromMs(const QVariant &v)
{
    return timeFromStore(v);
}

QString key(const QString &repository, const QString &tag)
{
    return repository + u'\n' + tag;
}

// What a row shows, hashed: a re-scan compares hashes instead of reading every cell back.
qint64 contentHash(const MatrixRow &r)
{
    QCryptographicHash h(QCryptographicHash::Sha1);
    auto add = [&h](const QString &s) {
        h.addData(s.toUtf8());
        h.addData(QByteArrayView("\x1f", 1));
    };
    add(r.state);
    add(r.reason);
    add(r.inPlan ? QStringLiteral("1") : QStringLiteral("0"));
    for (auto it = r.cells.constBegin(); it != r.cells.constEnd(); ++it) {
        add(it.key());
        add(it->digest);
        add(it->state);
        add(it->reason);
        add(it->mediaType);
        // An invalid QDateTime asks the local time zone (a stat of /etc/localtime) each time.
        add(it->firstSeen.isValid() ? QString::number(it->firstSeen.toMSecsSinceEpoch()) : QString());
        add(it->lastSeen.isValid() ? QString::number(it->lastSeen.toMSecsSinceEpoch()) : QString());
    }
    const QByteArray d = h.result();
    qint64 v = 0;
    memcpy(&v, d.constData(), sizeof v);
    return v;
}

// A row's cells in one column: a million-row matrix is then read with a million rows,
// not four million, and stored once. Fields are separated by U+001F, cells by U+001E;
// neither occurs in registry names, digests, states or the reasons Ferry writes.
QString encodeCells(const QMap<QString, MatrixCell> &cells)
{
    QString out;
    for (auto it = cells.constBegin(); it != cells.constEnd(); ++it) {
        if (!out.isEmpty())
            out += QChar(0x1e);
        const MatrixCell &c = *it;
        out += it.key() + QChar(0x1f) + c.state + QChar(0x1f) + c.digest + QChar(0x1f) +
            QString(c.reason).remove(QChar(0x1e)).remove(QChar(0x1f)) + QChar(0x1f) + c.mediaType + QChar(0x1f) +
            (c.firstSeen.isValid() ? QString::number(c.firstSeen.toMSecsSinceEpoch()) : QString()) + QChar(0x1f) +
            (c.lastSeen.isValid() ? QString::number(c.lastSeen.toMSecsSinceEpoch()) : QString());
    }
    return out;
}

QMap<QString, MatrixCell> decodeCells(QStringView text)
{
    QMap<QString, MatrixCell> out;
    if (text.isEmpty())
        return out;
    for (QStringView cell : text.split(QChar(0x1e))) {
        const auto f = cell.split(QChar(0x1f));
        if (f.size() < 7)
            continue;
        MatrixCell c;
        c.state = f[1].toString();
        c.digest = f[2].toString();
        c.reason = f[3].toString();
        c.mediaType = f[4].toString();
        if (!f[5].isEmpty())
            c.firstSeen = QDateTime::fromMSecsSinceEpoch(f[5].toLongLong(), QTimeZone::utc());
        if (!f[6].isEmpty())
            c.lastSeen = QDateTime::fromMSecsSinceEpoch(f[6].toLongLong(), QTimeZone::utc());
        out.insert(f[0].toString(), c);
    }
    return out;
}

} // namespace

Store::Store(QString path)
    : m_path(std::move(path))
{
    static QAtomicInteger<quint64> counter;
    m_connection = QStringLiteral("ferry-store-%1").arg(counter.fetchAndAddRelaxed(1));
}

Store::~Store()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

int Store::schemaVersion()
{
    return kSchemaVersion;
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
// never turn this into a deadlocked upgrade (reliability scenario 94).
bool Store::begin()
{
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (exec(QStringLiteral("BEGIN IMMEDIATE")))
            return true;
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

bool Store::open(QString *error)
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
    return migrate(error);
}

bool Store::migrate(QString *error)
{
    // The version is read and every step applied inside one write transaction (BEGIN
    // IMMEDIATE): two processes opening a new database at once wait for each other instead
    // of both creating the tables (seen: "table scans already exists").
    if (!begin()) {
        *error = QStringLiteral("cannot lock %1 to check its schema: %2").arg(m_path, m_lastError);
        return false;
    }
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.exec(QStringLiteral("PRAGMA user_version"));
    const int current = q.next() ? q.value(0).toInt() : 0;
    q.finish();
    if (current > kSchemaVersion) {
        rollback();
        *error =
            QStringLiteral("%1 was written by a newer Ferry (schema %2, this one knows %3)").arg(m_path).arg(current).arg(kSchemaVersion);
        return false;
    }
    for (int v = current; v < kSchemaVersion; ++v) {
        const QStringList statements = QString::fromUtf8(kMigrations[v]).split(u';', Qt::SkipEmptyParts);
        for (const QString &s : statements) {
            if (s.trimmed().isEmpty())
                continue;
            if (!exec(s)) {
                *error = QStringLiteral("migrating %1 to schema %2: %3").arg(m_path).arg(v + 1).arg(m_lastError);
                rollback();
                return false;
            }
        }
    }
    if (current < kSchemaVersion)
        exec(QStringLiteral("PRAGMA user_version=%1").arg(kSchemaVersion));
    if (!commit()) {
        *error = QStringLiteral("migrating %1 to schema %2: %3").arg(m_path).arg(kSchemaVersion).arg(m_lastError);
        rollback();
        return false;
    }
    return true;
}

qint64 Store::beginScan(const QString &planPath, const QDateTime &now)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("INSERT INTO scans(plan, started_at) VALUES(?, ?)"));
    q.addBindValue(planPath);
    q.addBindValue(ms(now));
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return 0;
    }
    return q.lastInsertId().toLongLong();
}

bool Store::finishScan(const ScanRecord &s)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("UPDATE scans SET finished_at=?, complete=?, interrupted=?, requests=?, errors=?, note=? WHERE id=?"));
    q.addBindValue(ms(s.finishedAt));
    q.addBindValue(s.complete ? 1 : 0);
    q.addBindValue(s.interrupted ? 1 : 0);
    q.addBindValue(s.requests);
    q.addBindValue(s.errors);
    q.addBindValue(s.note);
    q.addBindValue(s.id);
    if (!q.exec()) {
        m_lastError = q.lastError().text();
        return false;
    }
    exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
    return true;
}

static ScanRecord scanFrom(const QSqlQuery &q)
{
    ScanRecord s;
    s.id = q.value(0).toLongLong();
    s.plan = q.value(1).toString();
    s.startedAt = fromMs(q.value(2));
    s.finishedAt = fromMs(q.value(3));
    s.complete = q.value(4).toBool();
    s.interrupted = q.value(5).toBool();
    s.requests = q.value(6).toLongLong();
    s.errors = q.value(7).toLongLong();
    s.note = q.value(8).toString();
    return s;
}

std::optional<ScanRecord> Store::scan(qint64 id) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(
        QStringLiteral("SELECT id, plan, started_at, finished_at, complete, interrupted, requests, errors, note FROM scans WHERE id=?"));
    q.addBindValue(id);
    if (q.exec() && q.next())
        return scanFrom(q);
    return std::nullopt;
}

std::optional<ScanRecord> Store::lastScan() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (q.exec(QStringLiteral("SELECT id, plan, started_at, finished_at, complete, interrupted, requests, errors, note FROM scans ORDER BY "
                              "id DESC LIMIT 1")) &&
        q.next())
        return scanFrom(q);
    return std::nullopt;
}

QList<ScanRecord> Store::scans() const
{
    QList<ScanRecord> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.exec(
        QStringLiteral("SELECT id, plan, started_at, finished_at, complete, interrupted, requests, errors, note FROM scans ORDER BY id"));
    while (q.next())
        out.append(scanFrom(q));
    return out;
}

QHash<QString, Observation> Store::currentTags(const QString &registry, const QString &repository) const
{
    QHash<QString, Observation> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT tag, digest, media_type, first_seen, last_seen, registry_created, registry_updated FROM observations "
                             "WHERE registry=? AND repository=? AND gone_at IS NULL"));
    q.addBindValue(registry);
    q.addBindValue(repository);
    q.exec();
    while (q.next()) {
        Observation o;
        o.registry = registry;
        o.repository = repository;
        o.tag = q.value(0).toString();
        o.digest = q.value(1).toString();
        o.mediaType = q.value(2).toString();
        o.firstSeen = fromMs(q.value(3));
        o.lastSeen = fromMs(q.value(4));
        o.registryCreated = fromMs(q.value(5));
        o.registryUpdated = fromMs(q.value(6));
        out.insert(o.tag, o);
    }
    return out;
}

QHash<QString, QDateTime> Store::untaggedDigests(const QString &registry, const QString &repository) const
{
    QHash<QString, QDateTime> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT digest, MAX(gone_at) FROM observations o WHERE registry=? AND repository=? AND gone_at IS NOT NULL "
                             "AND NOT EXISTS(SELECT 1 FROM observations c WHERE c.registry=o.registry AND c.repository=o.repository "
                             "AND c.digest=o.digest AND c.gone_at IS NULL) GROUP BY digest"));
    q.addBindValue(registry);
    q.addBindValue(repository);
    q.exec();
    while (q.next())
        out.insert(q.value(0).toString(), fromMs(q.value(1)));
    return out;
}

bool Store::recordRegistries(const QList<RegistryRecord> &registries)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    return transaction([&] {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO plan_registries(name, role, of, lag_slo, updated_at) VALUES(?,?,?,?,?) "
                                 "ON CONFLICT(name) DO UPDATE SET role=excluded.role, of=excluded.of, lag_slo=excluded.lag_slo, "
                                 "updated_at=excluded.updated_at"));
        const qint64 now = QDateTime::currentDateTimeUtc().toMSecsSinceEpoch();
        for (const RegistryRecord &r : registries) {
            q.addBindValue(r.name);
            q.addBindValue(r.role);
            q.addBindValue(r.of);
            q.addBindValue(r.lagSloSeconds);
            q.addBindValue(now);
            if (!q.exec()) {
                m_lastError = q.lastError().text();
                return false;
            }
        }
        return true;
    });
}

QList<RegistryRecord> Store::registries() const
{
    QList<RegistryRecord> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.exec(QStringLiteral("SELECT name, role, of, lag_slo FROM plan_registries ORDER BY name"));
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toLongLong()});
    return out;
}

QHash<QString, DigestPresence> Store::digestPresence(const QString &registry) const
{
    QHash<QString, DigestPresence> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT repository, digest, MIN(first_seen), MIN(registry_created), MAX(gone_at IS NULL), "
                             "GROUP_CONCAT(CASE WHEN gone_at IS NULL THEN tag END, char(31)), MIN(first_scan) FROM observations WHERE "
                             "registry=? GROUP BY repository, digest"));
    q.addBindValue(registry);
    q.exec();
    while (q.next()) {
        DigestPresence p;
        p.repository = q.value(0).toString();
        p.digest = q.value(1).toString();
        p.firstSeen = fromMs(q.value(2));
        p.registryCreated = fromMs(q.value(3));
        p.current = q.value(4).toInt() == 1;
        const QString tags = q.value(5).toString();
        if (!tags.isEmpty())
            p.currentTags = tags.split(QChar(0x1f));
        p.currentTags.sort();
        p.firstScan = q.value(6).toLongLong();
        out.insert(p.repository + u'\n' + p.digest, p);
    }
    return out;
}

QHash<QString, qint64> Store::repositoryFirstScan(const QString &registry) const
{
    QHash<QString, qint64> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT repository, MIN(first_scan) FROM observations WHERE registry=? GROUP BY repository"));
    q.addBindValue(registry);
    q.exec();
    while (q.next())
        out.insert(q.value(0).toString(), q.value(1).toLongLong());
    return out;
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

ListingApplied Store::applyListing(qint64 scanId, const QString &registry, const QString &repository, const QList<TagObservation> &tags,
                                   bool complete, const QDateTime &now)
{
    ListingApplied stats;
    const QHash<QString, Observation> current = currentTags(registry, repository);
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    if (!begin())
        return stats;
    QSqlQuery insert(db), touch(db), gone(db), change(db);
    insert.prepare(QStringLiteral("INSERT INTO observations(registry, repository, tag, digest, media_type, first_seen, last_seen, "
                                  "registry_created, registry_updated, first_scan, last_scan) VALUES(?,?,?,?,?,?,?,?,?,?,?)"));
    touch.prepare(
        QStringLiteral("UPDATE observations SET last_seen=?, last_scan=? WHERE registry=? AND repository=? AND tag=? AND gone_at IS NULL"));
    gone.prepare(QStringLiteral("UPDATE observations SET gone_at=? WHERE registry=? AND repository=? AND tag=? AND gone_at IS NULL"));
    change.prepare(
        QStringLiteral("INSERT INTO changes(scan, at, registry, repository, tag, kind, old_digest, new_digest) VALUES(?,?,?,?,?,?,?,?)"));
    auto recordChange = [&](const QString &tag, const char *kind, const QString &oldD, const QString &newD) {
        change.addBindValue(scanId);
        change.addBindValue(ms(now));
        change.addBindValue(registry);
        change.addBindValue(repository);
        change.addBindValue(tag);
        change.addBindValue(QLatin1String(kind));
        change.addBindValue(oldD.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(oldD));
        change.addBindValue(newD.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(newD));
        change.exec();
    };
    QSet<QString> listed; // with or without a digest read: either way not gone
    for (const TagObservation &t : tags)
        listed.insert(t.tag);
    for (const TagObservation &t : tags) {
        if (t.digest.isEmpty())
            continue; // unread digest: neither present nor gone
        const auto it = current.constFind(t.tag);
        if (it != current.constEnd() && it->digest == t.digest) {
            touch.addBindValue(ms(now));
            touch.addBindValue(scanId);
            touch.addBindValue(registry);
            touch.addBindValue(repository);
            touch.addBindValue(t.tag);
            touch.exec();
            ++stats.unchanged;
            continue;
        }
        if (it != current.constEnd()) {
            gone.addBindValue(ms(now));
            gone.addBindValue(registry);
            gone.addBindValue(repository);
            gone.addBindValue(t.tag);
            gone.exec();
            recordChange(t.tag, "moved", it->digest, t.digest);
            ++stats.moved;
        } else {
            recordChange(t.tag, "appeared", QString(), t.digest);
            ++stats.appeared;
        }
        insert.addBindValue(registry);
        insert.addBindValue(repository);
        insert.addBindValue(t.tag);
        insert.addBindValue(t.digest);
        insert.addBindValue(t.mediaType);
        insert.addBindValue(ms(now));
        insert.addBindValue(ms(now));
        insert.addBindValue(ms(t.registryCreated));
        insert.addBindValue(ms(t.registryUpdated));
        insert.addBindValue(scanId);
        insert.addBindValue(scanId);
        if (!insert.exec())
            m_lastError = insert.lastError().text();
    }
    if (complete) {
        for (auto it = current.constBegin(); it != current.constEnd(); ++it) {
            if (listed.contains(it.key()))
                continue;
            gone.addBindValue(ms(now));
            gone.addBindValue(registry);
            gone.addBindValue(repository);
            gone.addBindValue(it.key());
            gone.exec();
            recordChange(it.key(), "vanished", it->digest, QString());
            ++stats.vanished;
        }
    }
    if (!commit())
        rollback();
    return stats;
}

QDateTime Store::digestFirstSeen(const QString &registry, const QString &repository, const QString &digest) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT MIN(first_seen) FROM observations WHERE registry=? AND repository=? AND digest=?"));
    q.addBindValue(registry);
    q.addBindValue(repository);
    q.addBindValue(digest);
    if (q.exec() && q.next())
        return fromMs(q.value(0));
    return {};
}

QList<Observation> Store::timeline(const QString &repository, const QString &tag) const
{
    QList<Observation> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT registry, digest, media_type, first_seen, last_seen, gone_at FROM observations "
                             "WHERE repository=? AND tag=? ORDER BY first_seen, registry"));
    q.addBindValue(repository);
    q.addBindValue(tag);
    q.exec();
    while (q.next()) {
        Observation o;
        o.registry = q.value(0).toString();
        o.repository = repository;
        o.tag = tag;
        o.digest = q.value(1).toString();
        o.mediaType = q.value(2).toString();
        o.firstSeen = fromMs(q.value(3));
        o.lastSeen = fromMs(q.value(4));
        o.goneAt = fromMs(q.value(5));
        out.append(o);
    }
    return out;
}

QList<MatrixRow> Store::matrix() const
{
    QList<MatrixRow> rows;
    forEachMatrixRow([&rows](MatrixRow &&r) {
        rows.append(std::move(r));
        return true;
    });
    return rows;
}

qint64 Store::forEachMatrixRow(const std::function<bool(MatrixRow &&)> &visit) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.exec(QStringLiteral("SELECT repository, tag, state, reason, in_plan, cells FROM matrix ORDER BY repository, tag"));
    qint64 n = 0;
    while (q.next()) {
        MatrixRow r;
        r.repository = q.value(0).toString();
        r.tag = q.value(1).toString();
        r.state = q.value(2).toString();
        r.reason = q.value(3).toString();
        r.inPlan = q.value(4).toBool();
        r.cells = decodeCells(q.value(5).toString());
        ++n;
        if (!visit(std::move(r)))
            break;
    }
    return n;
}

qint64 Store::forEachRawMatrixRow(const std::function<bool(const RawMatrixRow &)> &visit) const
{
    const QVariant handle = QSqlDatabase::database(m_connection).driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return -1;
    sqlite3 *db = *static_cast<sqlite3 *const *>(handle.constData());
    if (!db)
        return -1;
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT repository, tag, state, reason, in_plan, cells FROM matrix ORDER BY repository, tag", -1, &stmt,
                           nullptr) != SQLITE_OK)
        return -1;
    auto text = [stmt](int column) {
        const void *p = sqlite3_column_text16(stmt, column); // before _bytes16, as SQLite asks
        const int bytes = sqlite3_column_bytes16(stmt, column);
        return p ? QStringView(static_cast<const QChar *>(p), bytes / 2) : QStringView();
    };
    qint64 n = 0;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        RawMatrixRow r;
        r.repository = text(0);
        r.tag = text(1);
        r.state = text(2);
        r.reason = text(3);
        r.inPlan = sqlite3_column_int(stmt, 4) != 0;
        r.cells = text(5);
        ++n;
        if (!visit(r))
            break;
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

qint64 Store::matrixRowCount() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    return q.exec(QStringLiteral("SELECT COUNT(*) FROM matrix")) && q.next() ? q.value(0).toLongLong() : 0;
}

bool Store::recordStateCounts(qint64 scanId, const QMap<QString, QMap<QString, int>> &counts)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    return transaction([&] {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO scan_state_counts(scan, registry, state, count) VALUES(?,?,?,?)"));
        for (auto r = counts.begin(); r != counts.end(); ++r) {
            for (auto s = r->begin(); s != r->end(); ++s) {
                q.addBindValue(scanId);
                q.addBindValue(r.key().isNull() ? QStringLiteral("") : r.key());
                q.addBindValue(s.key());
                q.addBindValue(s.value());
                if (!q.exec())
                    return false;
            }
        }
        return true;
    });
}

QList<StateCountPoint> Store::stateCountHistory(const QDateTime &since) const
{
    QList<StateCountPoint> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral("SELECT c.scan, s.started_at, c.registry, c.state, c.count FROM scan_state_counts c JOIN scans s ON s.id = c.scan "
                       "WHERE s.started_at >= ? ORDER BY c.scan"));
    q.addBindValue(since.isValid() ? since.toMSecsSinceEpoch() : qint64(0));
    q.exec();
    while (q.next()) {
        if (out.isEmpty() || out.last().scan != q.value(0).toLongLong())
            out.append(StateCountPoint{q.value(0).toLongLong(), fromMs(q.value(1)), {}});
        out.last().counts[q.value(2).toString()][q.value(3).toString()] = q.value(4).toInt();
    }
    return out;
}

QList<RateLimitRecord> Store::rateLimits(const QDateTime &since) const
{
    QList<RateLimitRecord> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
        "SELECT scan, registry, at, rate_limit, remaining, window_seconds, source FROM rate_limits WHERE at >= ? ORDER BY at"));
    q.addBindValue(since.isValid() ? since.toMSecsSinceEpoch() : qint64(0));
    q.exec();
    while (q.next())
        out.append({q.value(0).toLongLong(), q.value(1).toString(), fromMs(q.value(2)), q.value(3).toInt(), q.value(4).toInt(),
                    q.value(5).toInt(), q.value(6).toString()});
    return out;
}

bool Store::recordRegistryStats(const QList<RegistryScanStats> &stats)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    return transaction([&] {
        QSqlQuery q(db);
        q.prepare(
            QStringLiteral("INSERT OR REPLACE INTO scan_registry_stats(scan, registry, at, requests, answered, failures, retries, pauses, "
                           "latency_ms_avg, listings, listings_failed, first_error) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)"));
        for (const RegistryScanStats &r : stats) {
            for (const QVariant &v :
                 {QVariant(r.scan), QVariant(r.registry), ms(r.at), QVariant(r.requests), QVariant(r.answered), QVariant(r.failures),
                  QVariant(r.retries), QVariant(r.pauses), QVariant(r.latencyMsAvg), QVariant(r.listings), QVariant(r.listingsFailed),
                  r.firstError.isEmpty() ? QVariant() : QVariant(r.firstError)})
                q.addBindValue(v);
            if (!q.exec()) {
                m_lastError = q.lastError().text();
                return false;
            }
        }
        return true;
    });
}

static const char kRegistryStatsColumns[] =
    "scan, registry, at, requests, answered, failures, retries, pauses, latency_ms_avg, listings, listings_failed, first_error";

static RegistryScanStats registryStatsFrom(const QSqlQuery &q)
{
    RegistryScanStats r;
    r.scan = q.value(0).toLongLong();
    r.registry = q.value(1).toString();
    r.at = fromMs(q.value(2));
    r.requests = q.value(3).toLongLong();
    r.answered = q.value(4).toLongLong();
    r.failures = q.value(5).toLongLong();
    r.retries = q.value(6).toLongLong();
    r.pauses = q.value(7).toLongLong();
    r.latencyMsAvg = q.value(8).toLongLong();
    r.listings = q.value(9).toInt();
    r.listingsFailed = q.value(10).toInt();
    r.firstError = q.value(11).toString();
    return r;
}

QList<RegistryScanStats> Store::latestRegistryStats() const
{
    QList<RegistryScanStats> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.exec(QStringLiteral(
               "SELECT %1 FROM scan_registry_stats s WHERE scan = (SELECT MAX(scan) FROM scan_registry_stats WHERE registry = s.registry) "
               "ORDER BY registry")
               .arg(QLatin1String(kRegistryStatsColumns)));
    while (q.next())
        out.append(registryStatsFrom(q));
    return out;
}

QList<RegistryScanStats> Store::registryStatsHistory(const QString &registry, const QDateTime &since) const
{
    QList<RegistryScanStats> out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1 FROM scan_registry_stats WHERE registry = ? AND at >= ? ORDER BY scan")
                  .arg(QLatin1String(kRegistryStatsColumns)));
    q.addBindValue(registry);
    q.addBindValue(since.isValid() ? since.toMSecsSinceEpoch() : qint64(0));
    q.exec();
    while (q.next())
        out.append(registryStatsFrom(q));
    return out;
}

bool Store::writeMatrix(qint64 scanId, const QList<MatrixRow> &rows, const QStringList &repositoriesCovered)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    // Only the keys and hashes of what is there: rows whose hash is the same are not touched.
    QHash<QString, qint64> existing;
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.exec(QStringLiteral("SELECT repository, tag, content_hash FROM matrix"));
        while (q.next())
            existing.insert(key(q.value(0).toString(), q.value(1).toString()), q.value(2).toLongLong());
    }
    if (!begin())
        return false;
    QSqlQuery upRow(db), delRow(db);
    upRow.prepare(QStringLiteral("INSERT OR REPLACE INTO matrix(repository, tag, state, reason, in_plan, updated_scan, content_hash, "
                                 "cells) VALUES(?,?,?,?,?,?,?,?)"));
    delRow.prepare(QStringLiteral("DELETE FROM matrix WHERE repository=? AND tag=?"));
    QSet<QString> written;
    written.reserve(rows.size());
    bool ok = true;
    for (const MatrixRow &r : rows) {
        const QString k = key(r.repository, r.tag);
        written.insert(k);
        const qint64 hash = contentHash(r);
        const auto it = existing.constFind(k);
        if (it != existing.constEnd() && *it == hash)
            continue; // unchanged: no write at all
        upRow.addBindValue(r.repository);
        upRow.addBindValue(r.tag);
        upRow.addBindValue(r.state);
        upRow.addBindValue(r.reason);
        upRow.addBindValue(r.inPlan ? 1 : 0);
        upRow.addBindValue(scanId);
        upRow.addBindValue(hash);
        upRow.addBindValue(encodeCells(r.cells));
        ok = ok && upRow.exec();
    }
    const QSet<QString> covered(repositoriesCovered.begin(), repositoriesCovered.end());
    for (auto it = existing.constBegin(); it != existing.constEnd(); ++it) {
        if (written.contains(it.key()))
            continue;
        const QString repository = it.key().section(u'\n', 0, 0);
        if (!covered.contains(repository))
            continue;
        const QString tag = it.key().section(u'\n', 1);
        delRow.addBindValue(repository);
        delRow.addBindValue(tag);
        delRow.exec();
    }
    if (!ok) {
        m_lastError = upRow.lastError().text();
        rollback();
        return false;
    }
    return commit();
}

static QList<Change> readChanges(QSqlQuery &q)
{
    QList<Change> out;
    while (q.next()) {
        Change c;
        c.scan = q.value(0).toLongLong();
        c.at = fromMs(q.value(1));
        c.registry = q.value(2).toString();
        c.repository = q.value(3).toString();
        c.tag = q.value(4).toString();
        c.kind = q.value(5).toString();
        c.oldDigest = q.value(6).toString();
        c.newDigest = q.value(7).toString();
        out.append(c);
    }
    return out;
}

QList<Change> Store::changesSince(qint64 scanId) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(
        QStringLiteral("SELECT scan, at, registry, repository, tag, kind, old_digest, new_digest FROM changes WHERE scan > ? ORDER BY id"));
    q.addBindValue(scanId);
    q.exec();
    return readChanges(q);
}

QList<Change> Store::changesSince(const QDateTime &time) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(
        QStringLiteral("SELECT scan, at, registry, repository, tag, kind, old_digest, new_digest FROM changes WHERE at >= ? ORDER BY id"));
    q.addBindValue(ms(time));
    q.exec();
    return readChanges(q);
}

bool Store::recordRateLimit(qint64 scanId, const QString &registry, const RateLimitReading &r)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(
        QStringLiteral("INSERT INTO rate_limits(scan, registry, at, rate_limit, remaining, window_seconds, source) VALUES(?,?,?,?,?,?,?)"));
    q.addBindValue(scanId);
    q.addBindValue(registry);
    q.addBindValue(ms(r.observedAt));
    q.addBindValue(r.limit);
    q.addBindValue(r.remaining);
    q.addBindValue(r.windowSeconds);
    q.addBindValue(r.source);
    return q.exec();
}

bool Store::recordError(qint64 scanId, const QString &registry, const QString &repository, const QString &tag, const QString &message)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("INSERT INTO scan_errors(scan, registry, repository, tag, message) VALUES(?,?,?,?,?)"));
    q.addBindValue(scanId);
    q.addBindValue(registry);
    q.addBindValue(repository);
    q.addBindValue(tag);
    q.addBindValue(message);
    return q.exec();
}

QStringList Store::scanErrors(qint64 scanId) const
{
    QStringList out;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT registry, repository, tag, message FROM scan_errors WHERE scan=?"));
    q.addBindValue(scanId);
    q.exec();
    while (q.next())
        out << QStringLiteral("%1 %2%3: %4")
                   .arg(q.value(0).toString(), q.value(1).toString(),
                        q.value(2).toString().isEmpty() ? QString() : u':' + q.value(2).toString(), q.value(3).toString());
    return out;
}

qint64 Store::observationCount() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (q.exec(QStringLiteral("SELECT COUNT(*) FROM observations")) && q.next())
        return q.value(0).toLongLong();
    return -1;
}

} // namespace ferry
