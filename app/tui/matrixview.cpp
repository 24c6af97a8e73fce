// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The Images page: the sync matrix (the window's model, filtered and sorted there), a
// filter typed as you go, a state filter, a sort, and a detail pane with every registry's
// digest and the tag's digest history.

#include "matrix/syncstate.h"
#include "store/historytables.h"
#include "tui/views.h"

namespace ferry::tui {

namespace {

QString when(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QStringLiteral("–");
}

} // namespace

MatrixView::MatrixView(Host &host)
    : View(host)
{
    m_table.setModel(&m_model);
}

QString MatrixView::keys() const
{
    return m_detail
        ? QStringLiteral("↑↓ row  Enter/Esc close detail  / filter  f state  o sort  c copy row")
        : QStringLiteral("/ filter  f state  F next state  o sort  O reverse  Enter detail  c copy row  C copy state  Esc clear");
}

void MatrixView::setLoading(const QString &what)
{
    m_loading = what;
}

void MatrixView::keepSelection(const std::function<void()> &change)
{
    const std::optional<MatrixRow> before = m_model.rowAt(m_table.current());
    change();
    if (before) {
        const int row = m_model.visibleRowOf(before->repository, before->tag);
        m_table.setCurrent(row >= 0 ? row : m_table.current());
    }
    m_table.setCurrent(m_table.current());
}

void MatrixView::setMatrix(const std::shared_ptr<CompactMatrix> &matrix, const QStringList &registryOrder)
{
    keepSelection([&] {
        m_model.setCompactMatrix(std::move(*matrix), registryOrder);
        m_model.setFilter(m_filter, m_states, m_registry);
        if (m_sortColumn >= 0)
            m_model.sort(m_sortColumn, m_descending ? Qt::DescendingOrder : Qt::AscendingOrder);
    });
    m_loading.clear();
    m_historyKey.clear();
    if (m_detail)
        readHistory();
}

void MatrixView::upsertRows(const QList<MatrixRow> &rows)
{
    keepSelection([&] { m_model.upsertRows(rows); });
}

void MatrixView::applyFilter()
{
    keepSelection([&] { m_model.setFilter(m_filter, m_states, m_registry); });
}

void MatrixView::showCells(const QString &registry, const QStringList &states)
{
    m_registry = registry;
    m_states = states;
    applyFilter();
    m_table.setCurrent(0);
}

void MatrixView::showRow(const QString &repository, const QString &tag)
{
    m_registry.clear();
    m_states.clear();
    m_filter = repository + u':' + tag;
    applyFilter();
    m_table.setCurrent(0);
    for (int i = 0; i < m_model.rowCount(); ++i)
        if (const std::optional<MatrixRow> r = m_model.rowAt(i); r && r->repository == repository && r->tag == tag) {
            m_table.setCurrent(i);
            break;
        }
}

QStringList MatrixView::stateChoices() const
{
    QStringList out;
    for (const SyncState st : syncstate::filterOrder())
        out << syncstate::name(st);
    return out;
}

void MatrixView::readHistory()
{
    const std::optional<MatrixRow> r = m_model.rowAt(m_table.current());
    if (!r)
        return;
    const QString key = r->repository + u':' + r->tag;
    if (key == m_historyKey)
        return;
    m_historyKey = key;
    m_history.clear();
    whenReady(this,
              m_host.workspace().read(
                  [repository = r->repository, tag = r->tag](Store &store) { return HistoryTables(store).timeline(repository, tag); },
                  [](const QString &) { return QList<Observation>(); }),
              [this, key](const QList<Observation> &history) {
                  if (key != m_historyKey)
                      return; // the selection moved on while it was read
                  m_history = history;
                  m_host.redraw();
              });
}

QList<std::pair<QString, Style>> MatrixView::detailLines(int width) const
{
    QList<std::pair<QString, Style>> lines;
    const std::optional<MatrixRow> r = m_model.rowAt(m_table.current());
    if (!r) {
        lines.append({QStringLiteral("No row selected."), Style::Dim});
        return lines;
    }
    lines.append({QStringLiteral("%1:%2  %3").arg(r->repository, r->tag, r->state), styleOfState(r->state)});
    if (!r->reason.isEmpty())
        lines.append({QStringLiteral("  ") + r->reason, Style::Normal});
    for (const QString &reg : m_model.registries()) {
        const auto c = r->cells.constFind(reg);
        if (c == r->cells.constEnd())
            continue;
        lines.append(
            {QStringLiteral("%1 %2 %3").arg(fit(reg, 12), fit(c->state, 11), c->digest.isEmpty() ? QStringLiteral("–") : c->digest),
             styleOfState(c->state)});
        QString mediaType = c->mediaType;
        if (mediaType.startsWith(QStringLiteral("application/vnd.")))
            mediaType = mediaType.mid(16);
        QString second = QStringLiteral("             first seen %1  last seen %2").arg(when(c->firstSeen), when(c->lastSeen));
        if (!mediaType.isEmpty())
            second += QStringLiteral("  ") + mediaType;
        if (c->firstSeen.isValid() || !mediaType.isEmpty())
            lines.append({second, Style::Dim});
        if (!c->reason.isEmpty())
            lines.append({QStringLiteral("             why: ") + c->reason, Style::Normal});
    }
    lines.append({QString(), Style::Normal});
    lines.append({QStringLiteral("Digest history"), Style::Title});
    if (m_history.isEmpty())
        lines.append({QStringLiteral("  (reading…)"), Style::Dim});
    for (const Observation &o : m_history)
        lines.append({QStringLiteral("  %1 %2  %3 – %4")
                          .arg(fit(o.registry, 10), width >= 130 ? o.digest : o.digest.left(19) + u'…', when(o.firstSeen),
                               o.goneAt.isValid() ? when(o.goneAt) : QStringLiteral("now")),
                      o.goneAt.isValid() ? Style::Dim : Style::Normal});
    return lines;
}

void MatrixView::draw(Screen &s, int top, int bottom)
{
    // The filter line: what is shown and how it is ordered.
    QString states = m_states.isEmpty() ? QStringLiteral("all") : m_states.join(u',');
    if (!m_registry.isEmpty())
        states = m_registry + u' ' + states;
    QString sort = QStringLiteral("store order");
    if (m_sortColumn >= 0)
        sort = m_model.headerData(m_sortColumn, Qt::Horizontal).toString() + (m_descending ? QStringLiteral(" ↓") : QStringLiteral(" ↑"));
    int x = 1;
    x += s.put(top, x, QStringLiteral("Filter: "), Style::Dim);
    x += s.put(top, x, m_filter.isEmpty() ? QStringLiteral("(none)") : m_filter, m_filter.isEmpty() ? Style::Dim : Style::Normal) + 2;
    x += s.put(top, x, QStringLiteral("State: "), Style::Dim);
    x += s.put(top, x, states) + 2;
    x += s.put(top, x, QStringLiteral("Sort: "), Style::Dim);
    x += s.put(top, x, sort) + 2;
    const QString count = QStringLiteral("%1 of %2 rows").arg(number(m_model.rowCount()), number(m_model.totalRows()));
    s.put(top, qMax(x, s.cols() - int(count.size()) - 1), count, Style::Dim);
    if (!m_loading.isEmpty())
        s.put(top + 1, 1, m_loading, Style::Dim);
    const int body = bottom - top - 1;
    int tableBottom = bottom;
    if (m_detail)
        tableBottom = body < 20 ? top + 1 : top + 1 + qMin(body * 2 / 5, m_model.rowCount() + 2); // the rest for the detail
    // Repository stretches; tag 20 at most; state 11; each registry's cell as wide as its name (7 to 12).
    QList<int> widths{0, qBound(8, s.cols() / 6, 20), 11};
    for (const QString &r : m_model.registries())
        widths << qBound(7, int(r.size()) + 1, 12);
    m_table.setWidths(widths);
    if (tableBottom > top + 1 + (m_loading.isEmpty() ? 0 : 1)) {
        const int from = top + 1 + (m_loading.isEmpty() ? 0 : 1);
        m_table.draw(
            s, from, tableBottom, true,
            [this](int row, int column) {
                // A registry's cell by its state: the digest is in the detail pane.
                const int role = column < SyncMatrixModel::NumFixedColumns ? int(Qt::DisplayRole) : int(SyncMatrixModel::StateRole);
                return m_model.data(m_model.index(row, column), role).toString();
            },
            [this](int row, int column) {
                if (column < SyncMatrixModel::StateColumn)
                    return Style::Normal;
                return styleOfState(m_model.data(m_model.index(row, column), SyncMatrixModel::StateRole).toString());
            });
        if (m_model.rowCount() == 0 && m_loading.isEmpty())
            s.put(from + 1, 2,
                  m_model.totalRows() == 0 ? QStringLiteral("The store holds no matrix yet: press s to scan.")
                                           : QStringLiteral("No row matches the filter (Esc clears it)."),
                  Style::Dim);
    }
    if (!m_detail)
        return;
    int y = tableBottom;
    s.fill(y++, 0, s.cols(), u'─', Style::Dim);
    for (const auto &[text, style] : detailLines(s.cols())) {
        if (y >= bottom)
            break;
        s.put(y++, 1, text, style);
    }
}

bool MatrixView::key(const KeyEvent &k)
{
    if (k.key == '/') {
        const QString before = m_filter;
        m_host.ask(
            {QStringLiteral("Filter rows by repository:tag (part of it, any case); Enter keeps it, Esc puts back the last one.")}, m_filter,
            [this](const QString &text) { m_filter = text; },
            [this](const QString &text) {
                m_filter = text;
                applyFilter();
            },
            [this, before] {
                m_filter = before;
                applyFilter();
            });
        return true;
    }
    if (k.key == 'F') { // the next state, worst first, then every state again
        const QStringList choices = QStringList{QString()} + stateChoices();
        qsizetype i = choices.indexOf(m_states.size() == 1 ? m_states.first() : QString());
        i = (i + 1) % choices.size();
        m_states = choices[i].isEmpty() ? QStringList() : QStringList{choices[i]};
        m_registry.clear();
        applyFilter();
        return true;
    }
    if (k.key == 'f') {
        // A picker: one state by its name or its start, or every state again with an empty line.
        const QStringList choices = stateChoices();
        m_host.ask(
            {QStringLiteral("Show the rows in one state: type it or its start; an empty line shows every state."),
             QStringLiteral("States: ") + choices.join(QStringLiteral(", "))},
            m_states.size() == 1 ? m_states.first() : QString(), [this, choices](const QString &text) {
                const QString typed = text.trimmed().toLower();
                const auto found = std::find_if(choices.begin(), choices.end(), [&](const QString &c) { return c.startsWith(typed); });
                if (!typed.isEmpty() && found == choices.end()) {
                    m_host.message(QStringLiteral("No state starts with '%1' (%2)").arg(typed, choices.join(QStringLiteral(", "))), true);
                    return;
                }
                m_states = typed.isEmpty() ? QStringList() : QStringList{*found};
                m_registry.clear();
                applyFilter();
            });
        return true;
    }
    if (k.key == 'o' || k.key == 'O') {
        if (k.key == 'o')
            m_sortColumn = (m_sortColumn + 1) % qMax(1, m_model.columnCount());
        else
            m_descending = !m_descending;
        m_sortColumn = qMax(0, m_sortColumn);
        keepSelection([&] { m_model.sort(m_sortColumn, m_descending ? Qt::DescendingOrder : Qt::AscendingOrder); });
        return true;
    }
    if (k.key == 'c' || k.key == 'C') {
        // What the target lacks, planned as copy batches by digest: this row, or every row in its state.
        const std::optional<MatrixRow> r = m_model.rowAt(m_table.current());
        if (!r)
            return true;
        if (!isCopyableState(r->state)) {
            m_host.message(
                QStringLiteral("%1:%2 is %3: nothing to copy (c copies a missing, partial or drifted row, C every row in its state)")
                    .arg(r->repository, r->tag, r->state),
                true);
            return true;
        }
        m_host.planCopies(k.key == 'c' ? copyPlanFor(r->repository, r->tag, r->state) : copyPlanFor({}, {}, r->state));
        return true;
    }
    if (k.key == key::Enter) {
        m_detail = !m_detail;
        if (m_detail)
            readHistory();
        return true;
    }
    if (k.key == key::Escape) {
        if (m_detail)
            m_detail = false;
        else {
            m_filter.clear();
            m_states.clear();
            m_registry.clear();
            applyFilter();
        }
        return true;
    }
    if (m_table.key(k)) {
        if (m_detail)
            readHistory();
        return true;
    }
    return false;
}

} // namespace ferry::tui
