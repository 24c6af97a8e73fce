// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The pages that show figures: the Overview (the RFC's stages, rows and cells by state, the
// lag in one line per replica), Replication (percentiles, lag over time, the lists) and
// Registries (reachability, latency, errors, the pull budget).

#include "matrix/syncstate.h"
#include "report/report.h"
#include "tui/views.h"

#include <QtConcurrent/QtConcurrentRun>

namespace ferry::tui {

namespace {

QString when(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QStringLiteral("–");
}

QString ago(const QDateTime &t)
{
    return t.isValid() ? durationText(qMax<qint64>(0, t.secsTo(QDateTime::currentDateTimeUtc()))) + QStringLiteral(" ago") : QString();
}

// One line for a replica: the percentiles, what is beyond its SLO, what is in flight.
QString lagLine(const ReplicaLag &rl)
{
    return lagSummaryParts(rl).join(QStringLiteral("  · "));
}

// Text on as many lines as it needs at width, broken after its " · " parts.
QStringList wrapParts(const QString &text, int width)
{
    QStringList lines{QString()};
    for (const QString &part : text.split(QStringLiteral("  · "))) {
        QString &last = lines.last();
        const QString next = last.isEmpty() ? part : last + QStringLiteral("  · ") + part;
        if (next.size() <= width || last.isEmpty())
            last = next;
        else
            lines << QStringLiteral("· ") + part;
    }
    return lines;
}

bool lagBreached(const ReplicaLag &rl)
{
    return beyondSlo(rl) > 0;
}

} // namespace

// ---- Overview ----------------------------------------------------------------------------

QString OverviewView::keys() const
{
    return QStringLiteral("↑↓ stage  Enter its open rows");
}

void OverviewView::setProgress(const ReportData &progress)
{
    m_progress = progress;
    m_loaded = true;
    m_stage = qBound(0, m_stage, qMax(0, int(m_progress.stages.size()) - 1));
}

void OverviewView::setLag(const LagReport &lag)
{
    m_lag = lag;
}

void OverviewView::draw(Screen &s, int top, int bottom)
{
    int y = top;
    if (!m_loaded) {
        s.put(y, 1, QStringLiteral("Reading the matrix from the store…"), Style::Dim);
        return;
    }
    const ReportData &p = m_progress;
    QString last = QStringLiteral("no scan yet: press s to scan the plan's registries");
    if (p.lastScan)
        last = QStringLiteral("last scan #%1, %2, %3 (%4)")
                   .arg(p.lastScan->id)
                   .arg(p.lastScan->interrupted    ? QStringLiteral("interrupted")
                            : p.lastScan->complete ? QStringLiteral("complete")
                                                   : QStringLiteral("incomplete"),
                        when(p.lastScan->finishedAt.isValid() ? p.lastScan->finishedAt : p.lastScan->startedAt),
                        ago(p.lastScan->finishedAt.isValid() ? p.lastScan->finishedAt : p.lastScan->startedAt));
    s.put(y, 1, QStringLiteral("Migration progress"), Style::Title);
    s.put(y++, 21, last, p.lastScan && p.lastScan->complete ? Style::Dim : Style::Warn);
    for (const QString &e : p.errors.mid(0, 2))
        s.put(y++, 3, e, Style::Bad);
    int nameWidth = 20;
    for (const StageProgress &st : p.stages)
        nameWidth = qMax(nameWidth, int(st.stage.size()) + 1);
    nameWidth = qMin(nameWidth, qMax(20, s.cols() - 40));
    const int barWidth = qBound(10, s.cols() - nameWidth - 28, 30);
    for (int i = 0; i < p.stages.size() && y < bottom; ++i, ++y) {
        const StageProgress &st = p.stages[i];
        if (i == m_stage)
            s.put(y, 0, QStringLiteral("▸"), Style::Title);
        s.put(y, 2, fit(st.stage, nameWidth - 1));
        const bool done = st.total > 0 && st.done >= st.total;
        if (st.isUnknown()) {
            s.put(y, 2 + nameWidth,
                  fit(st.notScanned ? st.figure() : QStringLiteral("unknown (%1)").arg(st.shortWhy()), s.cols() - nameWidth - 3),
                  st.notScanned ? Style::Dim : Style::Warn);
            continue;
        }
        s.put(y, 2 + nameWidth, bar(st.done, st.total, barWidth), done ? Style::Good : Style::Warn);
        s.put(y, 3 + nameWidth + barWidth, st.figure(), done ? Style::Good : Style::Normal);
    }
    if (p.stages.isEmpty() && y < bottom)
        s.put(y++, 2, QStringLiteral("The plan names no stages to measure yet."), Style::Dim);
    for (const StageProgress &st : p.stages) // the work under way towards a stage, on its page
        if (!st.work.isEmpty() && y < bottom)
            s.put(y++, 4, fit(QStringLiteral("%1: %2 (%3 page)").arg(st.stage.section(u':', 0, 0), st.work, st.workView), s.cols() - 5),
                  Style::Dim);
    ++y;
    if (y >= bottom)
        return;
    // Rows by state on the left, cells by registry on the right.
    const int right = 26;
    s.put(y, 1, QStringLiteral("Rows by state"), Style::Title);
    s.put(y, right, QStringLiteral("Cells by registry"), Style::Title);
    int ly = y + 1, ry = y + 1;
    for (const SyncState st : syncstate::tileOrder()) {
        const QString &name = syncstate::name(st);
        if (!p.rowsByState.contains(name) || ly >= bottom)
            continue;
        s.put(ly, 3, fit(name, 12), styleOfState(name));
        s.put(ly++, 15, fit(number(p.rowsByState.value(name)), 9, true));
    }
    if (p.rowsByState.isEmpty() && ly < bottom)
        s.put(ly++, 3, QStringLiteral("no rows"), Style::Dim);
    for (auto it = p.cellsByRegistry.begin(); it != p.cellsByRegistry.end() && ry < bottom; ++it, ++ry) {
        int x = right + 2;
        x += s.put(ry, x, fit(it.key() + u' ' + p.registryRoles.value(it.key()), 20));
        for (const SyncState st : syncstate::filterOrder()) {
            const QString &name = syncstate::name(st);
            if (!it->contains(name))
                continue;
            x += s.put(ry, x + 1, QStringLiteral("%1 %2").arg(name, number(it->value(name))), styleOfState(name)) + 1;
        }
    }
    y = qMax(ly, ry) + 1;
    if (y >= bottom)
        return;
    s.put(y++, 1, QStringLiteral("Replication lag"), Style::Title);
    if (m_lag.replicas.isEmpty() && y < bottom)
        s.put(y++, 3, m_lag.error.isEmpty() ? QStringLiteral("Reading the replicas' history…") : m_lag.error, Style::Dim);
    for (const ReplicaLag &rl : m_lag.replicas) {
        if (y >= bottom)
            break;
        const int w = s.put(y, 3, rl.replica + QStringLiteral(": "), Style::Normal);
        for (const QString &line : wrapParts(lagLine(rl), s.cols() - 4 - w))
            if (y < bottom)
                s.put(y++, 3 + w, line, lagBreached(rl) ? Style::Bad : Style::Good);
    }
}

bool OverviewView::key(const KeyEvent &k)
{
    switch (k.key) {
    case key::Up:
    case 'k': m_stage = qMax(0, m_stage - 1); return true;
    case key::Down:
    case 'j': m_stage = qMin(int(m_progress.stages.size()) - 1, m_stage + 1); return true;
    case key::Enter:
        if (m_stage >= 0 && m_stage < m_progress.stages.size()) {
            const StageProgress &st = m_progress.stages[m_stage];
            if (st.view == u"charts")
                m_host.showCharts(st.registry, st.openStates);
            else
                m_host.showCells(st.registry, st.openStates);
        }
        return true;
    default: return false;
    }
}

// ---- Replication ---------------------------------------------------------------------------

QString ReplicationView::keys() const
{
    return QStringLiteral("←→ replica  b beyond SLO  i in flight  ↑↓ scroll");
}

void ReplicationView::reload()
{ }

void ReplicationView::setLag(const LagReport &lag)
{
    m_lag = lag;
    m_loaded = true;
    m_replica = qBound(0, m_replica, qMax(0, int(m_lag.replicas.size()) - 1));
    ++m_lagGeneration; // the buckets were of the last report
    m_bucketsFor = m_bucketsWanted = {-1, -1};
}

// The p90 over time of a replica with a million arrivals takes tens of milliseconds: it is
// computed on the pool once per report, replica and width, not on every frame.
const QList<LagBucket> *ReplicationView::buckets(int width)
{
    const std::pair<int, int> key{m_replica, width};
    if (m_bucketsFor == key)
        return &m_buckets;
    if (m_bucketsWanted != key) {
        m_bucketsWanted = key;
        const ReplicaLag rl = m_lag.replicas[m_replica]; // shares the arrivals, copies nothing
        const int generation = m_lagGeneration;
        whenReady(this, QtConcurrent::run([rl, width] { return lagBuckets(rl, width); }),
                  [this, key, generation](const QList<LagBucket> &b) {
                      if (m_bucketsWanted != key || m_lagGeneration != generation)
                          return; // another replica, width or report meanwhile
                      m_buckets = b;
                      m_bucketsFor = key;
                      m_host.redraw();
                  });
    }
    return nullptr;
}

void ReplicationView::draw(Screen &s, int top, int bottom)
{
    int y = top;
    if (!m_loaded) {
        s.put(y, 1, QStringLiteral("Reading the replicas' history from the store…"), Style::Dim);
        return;
    }
    if (m_lag.replicas.isEmpty()) {
        s.put(y, 1, m_lag.error.isEmpty() ? QStringLiteral("The plan has no replica.") : m_lag.error, Style::Dim);
        return;
    }
    for (int i = 0; i < m_lag.replicas.size() && y + 1 < bottom; ++i) {
        const ReplicaLag &rl = m_lag.replicas[i];
        if (i == m_replica)
            s.put(y, 0, QStringLiteral("▸"), Style::Title);
        s.put(y++, 2,
              QStringLiteral("%1 ← %2   SLO %3 · resolution %4 · times: %5")
                  .arg(rl.replica, rl.target, durationText(rl.sloSeconds),
                       rl.resolutionSeconds > 0 ? durationText(rl.resolutionSeconds) : QStringLiteral("one scan"), rl.timeSource),
              Style::Title);
        for (const QString &line : wrapParts(lagLine(rl), s.cols() - 5))
            if (y < bottom)
                s.put(y++, 4, line, lagBreached(rl) ? Style::Bad : Style::Good);
    }
    const ReplicaLag &rl = m_lag.replicas[m_replica];
    ++y;
    // Lag over time: the p90 of each period, as many periods as the line has room for.
    const QList<LagBucket> *ready = buckets(qMax(10, s.cols() - 34));
    const QList<LagBucket> buckets = ready ? *ready : QList<LagBucket>();
    if (y < bottom && !ready) {
        s.put(y++, 2, QStringLiteral("lag over time: computing…"), Style::Dim);
    } else if (y < bottom && !buckets.isEmpty()) {
        QList<qint64> p90;
        qint64 top90 = 0;
        for (const LagBucket &b : buckets) {
            p90 << (b.stats.count > 0 ? b.stats.p90 : -1);
            top90 = qMax(top90, b.stats.p90);
        }
        const int w = s.put(y, 2, QStringLiteral("lag p90 over time "), Style::Normal);
        const QString line = sparkline(p90, qMax(top90, rl.sloSeconds));
        s.put(y, 2 + w, line, top90 > rl.sloSeconds ? Style::Warn : Style::Good);
        s.put(y++, 3 + w + int(line.size()), QStringLiteral("top %1").arg(durationText(qMax(top90, rl.sloSeconds))), Style::Dim);
        s.put(y++, 2 + w, QStringLiteral("%1 → %2").arg(when(buckets.first().start), when(buckets.last().end)), Style::Dim);
    } else if (y < bottom) {
        s.put(y++, 2, QStringLiteral("lag over time: no arrivals measured yet"), Style::Dim);
    }
    ++y;
    if (y >= bottom)
        return;
    const int count = m_showInFlight ? int(rl.inFlight.size()) : int(rl.breaches.size());
    s.put(y, 1, QStringLiteral("[b] beyond the SLO (%1)").arg(rl.stats.breaches), m_showInFlight ? Style::Dim : Style::Title);
    s.put(y++, 30, QStringLiteral("[i] in flight (%1)").arg(rl.inFlightCount), m_showInFlight ? Style::Title : Style::Dim);
    const int rows = bottom - y;
    m_offset = qBound(0, m_offset, qMax(0, count - rows));
    if (count == 0 && y < bottom)
        s.put(y++, 3, m_showInFlight ? QStringLiteral("nothing in flight") : QStringLiteral("no arrival beyond the SLO"), Style::Good);
    for (int i = m_offset; i < count && y < bottom; ++i, ++y) {
        if (m_showInFlight) {
            const InFlight &f = rl.inFlight[i];
            s.put(y, 3,
                  QStringLiteral("%1  %2:%3  %4")
                      .arg(fit(durationText(f.ageSeconds), 8, true), f.repository,
                           f.tags.isEmpty() ? QStringLiteral("(untagged)") : f.tags.join(u','), f.digest.left(19)),
                  f.breach ? Style::Bad : Style::Warn);
        } else {
            const LagSample &b = rl.breaches[i];
            s.put(y, 3,
                  QStringLiteral("%1  %2:%3  arrived %4")
                      .arg(fit(durationText(b.lagSeconds), 8, true), b.repository, b.tags.isEmpty() ? b.digest.left(19) : b.tags.join(u','),
                           when(b.replicaSeen)),
                  Style::Bad);
        }
    }
}

bool ReplicationView::key(const KeyEvent &k)
{
    switch (k.key) {
    case key::Left:
    case 'h':
        m_replica = qMax(0, m_replica - 1);
        m_offset = 0;
        return true;
    case key::Right:
    case 'l':
        m_replica = qMin(int(m_lag.replicas.size()) - 1, m_replica + 1);
        m_offset = 0;
        return true;
    case 'b':
        m_showInFlight = false;
        m_offset = 0;
        return true;
    case 'i':
        m_showInFlight = true;
        m_offset = 0;
        return true;
    case key::Up:
    case 'k': m_offset = qMax(0, m_offset - 1); return true;
    case key::Down:
    case 'j': ++m_offset; return true;
    case key::PageUp: m_offset = qMax(0, m_offset - 10); return true;
    case key::PageDown: m_offset += 10; return true;
    default: return false;
    }
}

// ---- Registries ----------------------------------------------------------------------------

RegistriesView::RegistriesView(Host &host)
    : View(host)
{
    m_table.setModel(&m_model);
    m_table.setWidths({12, 18, 12, 8, 7, 9, 0});
}

QString RegistriesView::keys() const
{
    return QStringLiteral("↑↓ registry");
}

void RegistriesView::reload()
{
    whenReady(this, m_host.workspace().registries(), [this](const RegistriesRead &r) {
        const QString name = m_model.statusAt(m_table.current()) ? m_model.statusAt(m_table.current())->name : QString();
        m_model.setStatuses(r.statuses);
        for (int i = 0; i < m_model.rowCount(); ++i)
            if (m_model.statusAt(i)->name == name)
                m_table.setCurrent(i);
        m_errors = r.lastScanErrors;
        if (!r.error.isEmpty())
            m_errors.prepend(r.error);
        m_loaded = true;
        m_host.redraw();
    });
}

void RegistriesView::draw(Screen &s, int top, int bottom)
{
    if (!m_loaded) {
        s.put(top, 1, QStringLiteral("Reading the registries' figures from the store…"), Style::Dim);
        return;
    }
    const int tableBottom = qMin(bottom, top + 2 + qMax(1, m_model.rowCount()));
    m_table.draw(s, top, tableBottom, true, {}, [this](int row, int) {
        const RegistryStatus *st = m_model.statusAt(row);
        return st ? severityStyle(registryHealthSeverity(registryHealth(*st))) : Style::Dim;
    });
    int y = tableBottom + 1;
    if (const RegistryStatus *st = m_model.statusAt(m_table.current()); st && y < bottom) {
        QString line = QStringLiteral("%1 (%2%3)").arg(st->name, st->role, st->of.isEmpty() ? QString() : QStringLiteral(" of ") + st->of);
        if (st->stats && !st->stats->firstError.isEmpty())
            line += QStringLiteral(": first error: ") + st->stats->firstError;
        s.put(y++, 1, line, st->stats && !st->stats->firstError.isEmpty() ? Style::Bad : Style::Normal);
        if (st->budget && y < bottom)
            s.put(y++, 3, QStringLiteral("pull budget: %1").arg(budgetText(*st->budget)));
        if (const QString copies = copyBudgetText(*st); !copies.isEmpty() && y < bottom)
            s.put(y++, 3, copies);
    }
    ++y;
    if (y >= bottom)
        return;
    s.put(y++, 1, QStringLiteral("Errors of the last scan (%1)").arg(m_errors.size()), Style::Title);
    if (m_errors.isEmpty() && y < bottom)
        s.put(y++, 3, QStringLiteral("none"), Style::Good);
    for (const QString &e : std::as_const(m_errors)) {
        if (y >= bottom)
            break;
        s.put(y++, 3, e, Style::Bad);
    }
}

bool RegistriesView::key(const KeyEvent &k)
{
    return m_table.key(k);
}

} // namespace ferry::tui
