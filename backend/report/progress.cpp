// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "report/progress.h"
#include "store/charttables.h"

#include "store/chartstate.h"

#include "copy/copystore.h"
#include "matrix/syncstate.h"
#include "report/report.h"
#include "store/store.h"

#include <QVarLengthArray>

namespace ferry {

ProgressTally::ProgressTally(const QMap<QString, QString> &registryRoles)
    : m_roles(registryRoles)
{
    // The registries the stages are about have codes from the start, in name order: a stage
    // whose registry no row mentions still counts (as nothing done).
    for (auto it = registryRoles.constBegin(); it != registryRoles.constEnd(); ++it)
        registryCode(it.key());
}

int ProgressTally::stateCode(QStringView name)
{
    for (qsizetype i = 0; i < m_states.size(); ++i)
        if (m_states.at(i).name == name)
            return int(i);
    State s;
    s.name = name.toString();
    if (const std::optional<SyncState> known = syncstate::fromName(name)) {
        s.known = true;
        s.replicated = syncstate::isReplicated(*known);
        s.unknown = *known == SyncState::Unknown;
        s.present = *known == SyncState::Present;
        s.absent = *known == SyncState::Absent;
        s.legacyVerdict = syncstate::isLegacyVerdict(*known);
    }
    m_states.append(s);
    return int(m_states.size() - 1);
}

int ProgressTally::registryCode(QStringView name)
{
    for (qsizetype i = 0; i < m_registries.size(); ++i)
        if (m_registries.at(i).name == name)
            return int(i);
    Registry r;
    r.name = name.toString();
    const QString role = m_roles.value(r.name);
    r.role = role == u"target" ? Role::Target
        : role == u"replica"   ? Role::Replica
        : role == u"cache"     ? Role::Cache
        : role == u"legacy"    ? Role::Legacy
                               : Role::Other;
    m_registries.append(r);
    m_cellOf.append(-1);
    return int(m_registries.size() - 1);
}

void ProgressTally::add(const MatrixRow &row)
{
    QVarLengthArray<Cell, 8> cells;
    for (auto it = row.cells.constBegin(); it != row.cells.constEnd(); ++it)
        cells.append({registryCode(it.key()), stateCode(it->state), !it->digest.isEmpty()});
    add(stateCode(row.state), row.inPlan, cells);
}

void ProgressTally::add(int rowState, bool inPlan, std::span<const Cell> cells)
{
    ++m_states[rowState].rows;
    int targetState = -1;
    bool targetHas = false;
    for (const Cell &c : cells) {
        Registry &reg = m_registries[c.registry];
        if (reg.cells.size() <= c.state)
            reg.cells.resize(m_states.size());
        ++reg.cells[c.state];
        m_cellOf[c.registry] = c.state;
        if (reg.role == Role::Target) {
            targetState = c.state;
            targetHas = targetHas || c.hasDigest;
        }
    }
    if (inPlan) {
        ++m_promised;
        m_promisedSynced += targetState >= 0 && m_states.at(targetState).replicated; // in the target with the source's digest
        m_promisedUnknown += targetState >= 0 && m_states.at(targetState).unknown;
    }
    // Stages count the cells of the registry each stage is about, so that trouble in one
    // registry (a replica that cannot be reached) leaves the other stages' figures alone.
    // No cell (a registry the row does not concern) is no state at all, not unknown.
    for (qsizetype i = 0; i < m_registries.size(); ++i) {
        Registry &reg = m_registries[i];
        const int s = m_cellOf.at(i);
        const State *st = s >= 0 ? &m_states.at(s) : nullptr;
        if (targetHas && reg.role == Role::Replica && st) {
            reg.done += st->replicated;
            reg.unknown += st->unknown;
        } else if (targetHas && reg.role == Role::Cache && st) {
            reg.done += st->present;
            reg.unknown += st->unknown;
        } else if (reg.role == Role::Legacy && st && st->legacyVerdict) {
            ++m_legacyTotal;
            m_legacyGone += st->absent;
            m_legacyUnknown += st->unknown;
        }
    }
    m_inTarget += targetHas;
    for (const Cell &c : cells)
        m_cellOf[c.registry] = -1;
}

QString StageProgress::figure() const
{
    if (notScanned)
        return QStringLiteral("not scanned yet (%1)").arg(unknownWhy);
    if (isUnknown())
        return QStringLiteral("unknown (%1)").arg(unknownWhy);
    QString out = QStringLiteral("%1 of %2 (%3)").arg(done).arg(total).arg(share());
    if (unknown > 0)
        out += QStringLiteral(", %1 unknown").arg(unknown);
    return out;
}

QString StageProgress::share() const
{
    return percent(done, total);
}

QString StageProgress::shortWhy() const
{
    const qsizetype colon = unknownWhy.lastIndexOf(QStringLiteral(": "));
    const QString tail = colon < 0 ? unknownWhy : unknownWhy.mid(colon + 2);
    return tail.size() > 80 ? tail.left(79) + QChar(0x2026) : tail;
}

void ProgressTally::finish(ReportData *d, const QMap<QString, QString> &whyUnknown) const
{
    d->rowsByState.clear();
    d->cellsByRegistry.clear();
    d->stages.clear();
    for (const State &s : m_states)
        if (s.rows > 0)
            d->rowsByState.insert(s.name, int(s.rows));
    for (const Registry &r : m_registries)
        for (qsizetype s = 0; s < r.cells.size(); ++s)
            if (r.cells.at(s) > 0)
                d->cellsByRegistry[r.name].insert(m_states.at(s).name, int(r.cells.at(s)));
    auto stage = [&](const QString &name, const QString &measure, qint64 done, qint64 total, const QString &registry,
                     const QStringList &open, qint64 unknown) {
        StageProgress p;
        p.stage = name;
        p.measure = measure;
        p.done = done;
        p.total = total;
        p.registry = registry;
        p.openStates = open;
        p.unknown = unknown;
        if (unknown > 0)
            p.unknownWhy = whyUnknown.value(registry, QStringLiteral("the last scan could not read %1").arg(registry));
        d->stages.append(p);
    };
    const QStringList targets = m_roles.keys(QStringLiteral("target")), legacy = m_roles.keys(QStringLiteral("legacy"));
    const QString targetNames = targets.isEmpty() ? QStringLiteral("the target") : targets.join(QStringLiteral(", "));
    stage(QStringLiteral("Stage 1: images in %1").arg(targetNames), QStringLiteral("promised tags in the target with the source's digest"),
          m_promisedSynced, m_promised, targets.value(0), {state::Missing, state::Drifted, state::Partial, state::Unknown},
          m_promisedUnknown);
    for (const Registry &c : m_registries) {
        if (c.role != Role::Cache)
            continue;
        const bool checked = d->cellsByRegistry.contains(c.name);
        stage(QStringLiteral("Stage 2: pull-through cache %1").arg(c.name), QStringLiteral("target tags the cache serves"), c.done,
              m_inTarget, c.name, {state::Absent, state::Missing, state::Unknown}, checked ? c.unknown : 0);
        if (!checked) { // said so, rather than left out or shown as 0 %
            d->stages.last().notScanned = true;
            d->stages.last().unknownWhy = QStringLiteral("the scans do not check caches: ferryctl scan --check-caches");
        }
    }
    for (const Registry &rep : m_registries)
        if (rep.role == Role::Replica)
            stage(QStringLiteral("Stage 4: China replica %1").arg(rep.name), QStringLiteral("target tags replicated with the same digest"),
                  rep.done, m_inTarget, rep.name, {state::Replicating, state::Lagging, state::Missing, state::Drifted, state::Unknown},
                  rep.unknown);
    if (!legacy.isEmpty())
        stage(QStringLiteral("Clean up: legacy registries (%1)").arg(legacy.join(QStringLiteral(", "))),
              QStringLiteral("rows of the plan no longer (or never) held by a legacy registry"), m_legacyGone, m_legacyTotal,
              legacy.first(), {state::Present, state::Unknown}, m_legacyUnknown);
}

void appendChartStages(const Store &store, ReportData *d)
{
    auto at = std::find_if(d->stages.begin(), d->stages.end(),
                           [](const StageProgress &s) { return !s.stage.startsWith(u"Stage 1") && !s.stage.startsWith(u"Stage 2"); });
    qsizetype pos = at - d->stages.begin();
    for (const ChartScanRecord &latest : ChartTables(store).latestChartScans()) {
        // A failed read leaves the last figures standing, marked unknown with the reason.
        ChartScanRecord scan = latest;
        QList<ChartVersionRow> rows = ChartTables(store).chartVersions(scan.id);
        if (rows.isEmpty() && !latest.error.isEmpty()) {
            const QList<ChartScanRecord> all = ChartTables(store).chartScans(latest.repository);
            for (auto it = all.crbegin(); it != all.crend(); ++it)
                if (it->versions > 0) {
                    scan = *it;
                    rows = ChartTables(store).chartVersions(it->id);
                    break;
                }
        }
        StageProgress p;
        p.stage = QStringLiteral("Stage 3: charts of %1 in OCI").arg(latest.repository);
        p.measure = QStringLiteral("versions of the HTTP index in OCI with the same content");
        p.registry = latest.repository;
        p.view = QStringLiteral("charts");
        p.openStates = chartstate::open();
        for (const ChartVersionRow &r : std::as_const(rows)) {
            if (!chartVersionOnHttp(r))
                continue; // only in OCI: nothing the HTTP side still has to give
            ++p.total;
            p.done += chartVersionVerified(r) ? 1 : 0; // the retirement's own rule
            if (r.state == QLatin1String(chartstate::Unknown)) {
                ++p.unknown;
                if (p.unknownWhy.isEmpty())
                    p.unknownWhy = r.reason;
            }
        }
        if (!latest.error.isEmpty()) {
            p.unknown = p.total - p.done;
            p.unknownWhy = latest.error;
        }
        d->stages.insert(pos++, p);
    }
}

void describeCopyWork(const Store &store, ReportData *d)
{
    if (d->stages.isEmpty())
        return;
    int waiting = 0, waitingTags = 0, running = 0, left = 0, done = 0;
    for (const CopyBatch &b : CopyStore(const_cast<Store &>(store)).batches()) {
        if (b.status == batchstatus::Planned) {
            ++waiting;
            waitingTags += b.itemCount;
        } else if (batchIsUnderway(b.status)) {
            done += b.finalCount;
            if (b.itemCount > b.finalCount) {
                ++running;
                left += b.itemCount - b.finalCount;
            }
        }
    }
    const auto count = [](int n, const QString &one, const QString &many) {
        return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
    };
    QStringList parts;
    if (waiting > 0)
        parts << QStringLiteral("%1 in %2 await%3 approval")
                     .arg(count(waitingTags, QStringLiteral("tag"), QStringLiteral("tags")),
                          count(waiting, QStringLiteral("batch"), QStringLiteral("batches")),
                          waitingTags == 1 ? QStringLiteral("s") : QString());
    if (running > 0)
        parts << QStringLiteral("%1 left to copy in %2")
                     .arg(left)
                     .arg(count(running, QStringLiteral("approved batch"), QStringLiteral("approved batches")));
    if (done > 0)
        parts << QStringLiteral("%1 done").arg(done);
    if (parts.isEmpty())
        return;
    StageProgress &stage1 = d->stages.first();
    stage1.work = QStringLiteral("copies: ") + parts.join(QStringLiteral(", "));
    stage1.workView = QStringLiteral("copies");
}

} // namespace ferry
