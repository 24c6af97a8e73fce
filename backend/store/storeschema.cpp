// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "store/storeinternal.h"

#include <QRegularExpression>

namespace ferry::storesql {

namespace {

// Each topic of the store has its own steps: a change to the cleanup tables is a new
// cleanup step and touches no other topic's version. A database records each topic's
// version in schema_topics and is brought forward one step at a time, topic by topic.
// Steps are never edited once released; "was N" is the step's number in the single list
// that databases written before topics (user_version 1 to 5) were counted in.

const char *const kHistory[] = {
    // 1 (was 1): scans, observation history, changes, the matrix, rate limits, errors.
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
    // 2 (was 3): the plan's registries as the last scan knew them, so that lag can be computed from
    // the database alone; the first time each registry's repository was listed.
    R"SQL(
CREATE TABLE plan_registries(
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  of TEXT,
  lag_slo INTEGER,
  updated_at INTEGER NOT NULL);
)SQL",
    // 3 (was 4): counts of rows and cells by state after every scan that wrote the matrix, for trends.
    R"SQL(
CREATE TABLE scan_state_counts(
  scan INTEGER NOT NULL,
  registry TEXT NOT NULL,
  state TEXT NOT NULL,
  count INTEGER NOT NULL);
CREATE INDEX scan_state_counts_scan ON scan_state_counts(scan);
)SQL",
    // 4: who scanned: collectors of a shared store name themselves.
    R"SQL(
ALTER TABLE scans ADD COLUMN collector TEXT;
)SQL",
};

const char *const kCleanup[] = {
    // 1 (was 2): cleanup batches, their items, execution runs, the per-item journal, the audit log.
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
    // 2: the references scan a batch was planned against (cleanup holds back what the clusters
    // run), whether the plan has clients and how old a refs scan may be, and an approval's
    // override when it was given without a fresh refs scan.
    R"SQL(
ALTER TABLE cleanup_batches ADD COLUMN refs_scan INTEGER;
ALTER TABLE cleanup_batches ADD COLUMN refs_at INTEGER;
ALTER TABLE cleanup_batches ADD COLUMN refs_required INTEGER;
ALTER TABLE cleanup_batches ADD COLUMN refs_max_age INTEGER;
ALTER TABLE cleanup_batches ADD COLUMN refs_override TEXT;
)SQL",
    // 3: the audit log names each line's kind of batch (cleanup, copy): the batches of every
    // kind are decided and run by one set of rules and share the log. Older lines are cleanup's.
    R"SQL(
ALTER TABLE audit_log ADD COLUMN kind TEXT;
)SQL",
};

const char *const kFigures[] = {
    // 1 (was 5): what each scan saw of each registry (requests, failures, latency, listings), for the
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

const char *const kClients[] = {
    // 1: the clients' burn-down, one row per references scan, cluster and registry pulled from.
    R"SQL(
CREATE TABLE client_counts(
  at INTEGER NOT NULL,
  cluster TEXT NOT NULL,
  registry TEXT NOT NULL,
  refs INTEGER NOT NULL,
  switch_ready INTEGER NOT NULL,
  PRIMARY KEY(at, cluster, registry));
)SQL",
    // 2: what the clusters run, pin and name, per plan registry and repository their content can
    // come from, so that cleanup never proposes (or deletes) it; one row set per references scan.
    R"SQL(
CREATE TABLE refs_scans(
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  clusters TEXT NOT NULL,
  refs INTEGER NOT NULL,
  holds INTEGER NOT NULL);
CREATE TABLE refs_holds(
  scan INTEGER NOT NULL,
  registry TEXT NOT NULL,
  repository TEXT NOT NULL,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  cluster TEXT NOT NULL,
  file TEXT NOT NULL,
  line INTEGER NOT NULL);
CREATE INDEX refs_holds_repository ON refs_holds(scan, registry, repository);
)SQL",
};

const char *const kCharts[] = {
    // 1: charts scans of the HTTP Helm repositories against their OCI side, each with its versions.
    R"SQL(
CREATE TABLE chart_scans(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  repository TEXT NOT NULL,
  index_url TEXT NOT NULL,
  versions INTEGER NOT NULL,
  error TEXT);
CREATE INDEX chart_scans_repository ON chart_scans(repository, at);
CREATE TABLE chart_versions(
  scan INTEGER NOT NULL,
  chart TEXT NOT NULL,
  version TEXT NOT NULL,
  state TEXT NOT NULL,
  http_digest TEXT,
  oci_digest TEXT,
  manifest_digest TEXT,
  app_version TEXT,
  created INTEGER,
  deprecated INTEGER NOT NULL,
  url TEXT,
  reason TEXT,
  PRIMARY KEY(scan, chart, version)) WITHOUT ROWID;
)SQL",
    // 2: the target's replicas, per version: whether each holds the target's chart manifest.
    R"SQL(
CREATE TABLE chart_replicas(
  scan INTEGER NOT NULL,
  chart TEXT NOT NULL,
  version TEXT NOT NULL,
  registry TEXT NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY(scan, chart, version, registry)) WITHOUT ROWID;
)SQL",
};

const char *const kCopy[] = {
    // 1: copy batches (what is missing in a target, copied by digest once approved), their items,
    // runs, the per-item journal, and the blobs known to be in each target repository.
    R"SQL(
CREATE TABLE copy_batches(
  id INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  plan TEXT NOT NULL,
  source_registry TEXT NOT NULL,
  target_registry TEXT NOT NULL,
  repository TEXT NOT NULL,
  scan INTEGER NOT NULL,
  hash TEXT NOT NULL,
  status TEXT NOT NULL,
  decided_by TEXT,
  decided_at INTEGER,
  decided_hash TEXT,
  comment TEXT,
  manifests INTEGER NOT NULL,
  blobs INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  pulls INTEGER NOT NULL);
CREATE TABLE copy_items(
  batch INTEGER NOT NULL REFERENCES copy_batches(id),
  seq INTEGER NOT NULL,
  source_repository TEXT NOT NULL,
  tag TEXT NOT NULL,
  digest TEXT NOT NULL,
  media_type TEXT,
  action TEXT NOT NULL,
  replaces TEXT,
  manifests INTEGER NOT NULL,
  blobs INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  pulls INTEGER NOT NULL,
  state TEXT NOT NULL,
  http_status INTEGER,
  message TEXT,
  updated_at INTEGER,
  PRIMARY KEY(batch, seq)) WITHOUT ROWID;
CREATE TABLE copy_runs(
  id INTEGER PRIMARY KEY,
  batch INTEGER NOT NULL REFERENCES copy_batches(id),
  dry_run INTEGER NOT NULL,
  actor TEXT,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  status TEXT NOT NULL,
  summary TEXT);
CREATE TABLE copy_journal(
  id INTEGER PRIMARY KEY,
  run INTEGER NOT NULL,
  batch INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  state TEXT NOT NULL,
  http_status INTEGER,
  message TEXT);
CREATE INDEX copy_journal_batch ON copy_journal(batch, seq);
CREATE TABLE copy_blobs(
  registry TEXT NOT NULL,
  digest TEXT NOT NULL,
  repository TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY(registry, digest, repository)) WITHOUT ROWID;
)SQL",
};

// The numbers of a topic's first steps in the single list; steps written since have none.
const int kHistoryWas[] = {1, 3, 4};
const int kCleanupWas[] = {2};
const int kFiguresWas[] = {5};
static_assert(std::size(kHistoryWas) <= std::size(kHistory) && std::size(kCleanupWas) <= std::size(kCleanup) &&
              std::size(kFiguresWas) <= std::size(kFigures));

const SchemaTopic kTopics[] = {
    {"history", kHistory, kHistoryWas}, // scans, observations, changes, the matrix, the plan's registries, state counts
    {"cleanup", kCleanup, kCleanupWas}, // batches, items, runs, the journal, the audit log (of every kind)
    {"figures", kFigures, kFiguresWas}, // what each scan saw of each registry
    {"clients", kClients, {}}, // the clients' references per cluster and registry, over time (no step before topics)
    {"charts", kCharts, {}}, // charts scans: HTTP index versus OCI, per chart and version
    {"copy", kCopy, {}}, // copy batches, items, runs, the journal, blobs known per target repository
};

} // namespace

QString schemaStatement(const QString &sqlite, bool postgres)
{
    if (!postgres)
        return sqlite;
    static const QRegularExpression identity(QStringLiteral("\\bINTEGER PRIMARY KEY( AUTOINCREMENT)?"));
    static const QRegularExpression integer(QStringLiteral("\\bINTEGER\\b"));
    static const QRegularExpression text(QStringLiteral("\\bTEXT\\b"));
    static const QRegularExpression withoutRowid(QStringLiteral("\\)\\s*WITHOUT ROWID"));
    QString s = sqlite;
    s.replace(identity, QStringLiteral("BIGSERIALKEY"));
    s.replace(integer, QStringLiteral("BIGINT"));
    s.replace(text, QStringLiteral("TEXT COLLATE \"C\""));
    s.replace(withoutRowid, QStringLiteral(")"));
    s.replace(QStringLiteral("BIGSERIALKEY"), QStringLiteral("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"));
    return s;
}

std::span<const SchemaTopic> schemaTopics()
{
    return kTopics;
}

} // namespace ferry::storesql
