// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "cleanup/cleanupstore.h"
#include "copy/copystore.h"
#include "lag/lag.h"
#include "store/store.h"

#include <QHash>
#include <QIODevice>

#include <functional>
#include <optional>

namespace ferry {

// Version of the JSON report schema; a change that removes or renames a key bumps it.
inline constexpr char kReportSchema[] = "ferry.report/v1";

struct StageProgress
{
    QString stage; // the RFC's words
    QString measure; // what is counted
    qint64 done = 0;
    qint64 total = 0;
    // The matrix behind what is not done yet: cells of this registry in these states, or
    // rows in these states where registry is empty. The dashboard links the bar to it.
    QString registry;
    QStringList openStates;
    // Where the bar leads: empty for the matrix; "charts" for the chart matrix, registry then
    // naming the plan's chart repository and openStates the chart states not done.
    QString view;
    // Cells of the stage's registry whose state is not known (it could not be read), and
    // why, from the last scan that touched it. A stage whose every cell is unknown has no
    // figure: it shows as "unknown (why)", never as 0 %.
    qint64 unknown = 0;
    QString unknownWhy;
    // The work under way towards the stage, and the page it is done on: for stage 1 the copy
    // batches ("copies: 34 tags in 3 batches await approval, 4 left to copy in 1 approved batch, 22 done"),
    // with workView "copies". Empty when there is none.
    QString work;
    QString workView;
    // The scans do not measure the stage yet (a cache they do not check): shown as "not scanned
    // yet (how to)", with unknownWhy saying how, rather than left out or counted as 0 %.
    bool notScanned = false;
    bool isUnknown() const { return notScanned || (total > 0 && done == 0 && unknown >= total); }
    // "12 of 40 (30 %)", "unknown (why)", with "N unknown" when some cells are.
    QString figure() const;
    QString share() const; // "30 %", "30.5 %", "–" without a total
    // The root cause alone (the last part of Ferry's "where: what: why" messages), for a
    // bar's few words; the whole reason goes to its tooltip.
    QString shortWhy() const;
};

// Rows that need attention for one reason: a registry, the state its cells are in and why
// (figures in the reason folded, so "behind the target for 41 s" and "… for 97 s" are one).
struct AttentionCause
{
    QString registry;
    QString state;
    QString reason;
    qint64 rows = 0;
    QStringList examples; // repository:tag, the first few
    // The figures of the group's reasons, by their place in the text: the lowest and highest
    // seen ("not replicated for 12-340 s (SLO 60 s)"); reason is written from them.
    QList<double> low, high;
    QString folded; // the reason with each figure as "%1", "%2", ...
};

// Groups attention rows by the cell that puts each in its state (the row's own reason when
// no cell does), largest group first; ties by registry and reason.
class AttentionGrouper
{
public:
    void add(const MatrixRow &row);
    QList<AttentionCause> causes() const;

private:
    QHash<QString, AttentionCause> m_causes;
};

struct ReportData
{
    QString planPath;
    QString planName;
    QDateTime generatedAt;
    QDateTime since; // the report's period starts here
    std::optional<ScanRecord> lastScan;
    QList<StageProgress> stages;
    QMap<QString, int> rowsByState;
    QMap<QString, QMap<QString, int>> cellsByRegistry; // registry -> state -> count
    QMap<QString, QString> registryRoles;
    QList<StateCountPoint> trend;
    QList<Change> changes;
    int appeared = 0, moved = 0, vanished = 0;
    QList<MatrixRow> attention; // drifted, missing, partial, lagging, unknown rows
    qint64 attentionTotal = 0;
    QList<AttentionCause> causes; // every attention row grouped by cause, the largest first
    LagReport lag;
    QList<RateLimitRecord> rateLimits;
    QList<CleanupBatch> batches;
    QList<CopyBatch> copies; // with their items, for the states they ended in
    // The clients' burn-down: the last refs scan's counts per cluster and registry pulled from,
    // and the first refs scan's of the period (empty: no refs scan recorded).
    QList<ClientCount> clientsNow;
    QList<ClientCount> clientsThen;
    QStringList errors; // of the last scan: what made cells unknown
};

// Everything a status report says, read from the store. `since` invalid: the last 7 days.
// attentionLimit caps the rows kept in `attention` (documents show the first N; JSON wants
// all: -1); attentionTotal always counts them all.
// What to collect: everything (reports), or the progress only (stages, rows and cells by
// state, the trend: the Overview), which skips lag, changes, budgets and cleanup (reading
// lag means every observation of every replica: seconds at a million tags).
enum class ReportScope { Everything, Progress };
ReportData collectReport(const Store &store, const QDateTime &since, qint64 attentionLimit = -1,
                         ReportScope scope = ReportScope::Everything);
// The progress alone (as the scope Progress, but for attention, left empty) from rows the
// caller gives the tally: the window gives its snapshot of the matrix, so that the Overview's
// figures need no second read of the store's rows. The rest (roles, trend) is read from store.
class ProgressTally;
ReportData collectProgress(const Store &store, const QDateTime &since, const std::function<void(ProgressTally &)> &rows);

// The sections of a document, as --sections and the Export dialog name them.
QStringList reportSections(); // progress, states, changes, attention, lag, budget, clients, copies, cleanup, errors
// sections: the ones to include (empty: all); the title and period are always there.
QByteArray reportMarkdown(const ReportData &data, int topN = 50, const QStringList &sections = {});
QByteArray reportJson(const ReportData &data);
// One line per repository:tag per registry, streamed from the store; progress(done, total).
// Columns: repository,tag,state,registry,cell_state,digest,first_seen,last_seen,reason.
bool writeReportCsv(const Store &store, QIODevice *out, const std::function<void(qint64, qint64)> &progress = {});

QString percent(qint64 done, qint64 total);
// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
QString csvField(const QString &s);

} // namespace ferry
