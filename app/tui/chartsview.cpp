// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The Charts page in a terminal (the RFC's stage 3): the same read, summary and retirement
// as the window's (chartsview.h). Per chart repository, every version of the HTTP index
// against the charts in OCI, then whether the HTTP repository can be retired.

#include "tui/views.h"

namespace ferry::tui {

namespace {

Style styleOfChart(const QString &state)
{
    return severityStyle(chartstate::severity(state));
}

// The state filter's steps: every state, the versions not yet in OCI, then each state.
QList<QStringList> filterSteps()
{
    QList<QStringList> steps{{}, chartstate::open()};
    for (const QString &s : chartstate::all())
        steps.append({s});
    return steps;
}

} // namespace

ChartsView::ChartsView(Host &host)
    : View(host)
{
    m_versions.setHorizontalHeaderLabels({QStringLiteral("State"), QStringLiteral("Chart"), QStringLiteral("Version"),
                                          QStringLiteral("Replicas"), QStringLiteral("App version"), QStringLiteral("Why")});
    m_table.setModel(&m_versions);
    m_table.setWidths({17, 18, 12, 14, 11, 0});
}

QString ChartsView::keys() const
{
    return QStringLiteral("↑↓ version  r repository  f state");
}

void ChartsView::reload()
{
    if (m_reading)
        return;
    m_reading = true;
    const std::shared_ptr<const Plan> plan = m_host.workspace().plan();
    whenReady(this,
              m_host.workspace().read([plan](Store &store) { return readChartsData(plan.get(), store); },
                                      [](const QString &error) {
                                          ChartsData d;
                                          d.error = error;
                                          return d;
                                      }),
              [this](const ChartsData &d) {
                  m_reading = false;
                  const QString shown =
                      m_repository < m_data.repositories.size() ? m_data.repositories[m_repository].scan.repository : m_wanted;
                  m_data = d;
                  m_repository = 0;
                  for (int i = 0; i < m_data.repositories.size(); ++i)
                      if (m_data.repositories[i].scan.repository == shown)
                          m_repository = i;
                  m_loaded = true;
                  fill();
              });
}

void ChartsView::showStates(const QString &repository, const QStringList &states)
{
    m_wanted = repository;
    for (int i = 0; i < m_data.repositories.size(); ++i)
        if (m_data.repositories[i].scan.repository == repository)
            m_repository = i;
    m_states = states;
    fill();
    m_table.setCurrent(0);
}

void ChartsView::fill()
{
    m_versions.removeRows(0, m_versions.rowCount());
    // The summary and the verdict once per read or repository, not on every frame.
    m_summary = !m_data.error.isEmpty() ? m_data.error
        : m_data.repositories.isEmpty() ? QStringLiteral("No charts scan yet: ferryctl charts scan --plan FILE reads the plan's `charts`.")
                                        : chartRepositorySummary(m_data.repositories[m_repository]);
    if (!m_data.releases.isEmpty())
        m_summary += QStringLiteral(" %1 of %2 Flux releases still resolve charts over HTTP.")
                         .arg(releasesOverHttp(m_data))
                         .arg(m_data.releases.size());
    m_retire.clear();
    if (m_repository >= m_data.repositories.size()) {
        m_host.redraw();
        return;
    }
    m_retire = retirementText(m_data.repositories[m_repository]).split(u'\n', Qt::SkipEmptyParts);
    const ChartRepositoryView &v = m_data.repositories[m_repository];
    for (const ChartVersionRow &r : v.rows) {
        if (!m_states.isEmpty() && !m_states.contains(r.state))
            continue;
        QStringList replicas;
        for (auto it = r.replicas.cbegin(); it != r.replicas.cend(); ++it)
            replicas << it.key() + u' ' + it.value();
        m_versions.appendRow({new QStandardItem(r.state), new QStandardItem(r.chart),
                              new QStandardItem(r.version + (r.deprecated ? QStringLiteral(" (deprecated)") : QString())),
                              new QStandardItem(replicas.join(QStringLiteral(", "))), new QStandardItem(r.appVersion),
                              new QStandardItem(r.reason)});
    }
    m_table.setCurrent(m_table.current()); // within the rows now shown
    m_host.redraw();
}

void ChartsView::draw(Screen &s, int top, int bottom)
{
    if (!m_loaded) {
        s.put(top, 1, QStringLiteral("Reading the charts scans from the store…"), Style::Dim);
        return;
    }
    int y = top;
    for (const QString &line : wrapWords(m_summary, s.cols() - 2))
        if (y < bottom)
            s.put(y++, 1, line, Style::Title);
    if (m_data.repositories.isEmpty() || y + 3 >= bottom)
        return;
    const ChartRepositoryView &v = m_data.repositories[m_repository];
    QString filter = QStringLiteral("Repository %1 (%2 of %3)   %4 of %5 versions")
                         .arg(v.scan.repository)
                         .arg(m_repository + 1)
                         .arg(m_data.repositories.size())
                         .arg(m_versions.rowCount())
                         .arg(v.rows.size());
    if (!m_states.isEmpty())
        filter += QStringLiteral("   State: ") + m_states.join(u',');
    s.put(y++, 1, filter);
    // The retirement's verdict at the bottom: ready, or its first blocker.
    const int tableBottom = bottom - qMin(2, int(m_retire.size()));
    m_table.draw(s, y, tableBottom, true, {},
                 [this](int row, int column) { return column == 0 ? styleOfChart(m_versions.item(row, 0)->text()) : Style::Normal; });
    for (int i = 0; i < 2 && i < m_retire.size() && tableBottom + i < bottom; ++i)
        s.put(tableBottom + i, 1, m_retire[i], v.retirement.ready() ? Style::Good : i == 0 ? Style::Warn : Style::Normal);
}

bool ChartsView::key(const KeyEvent &k)
{
    switch (k.key) {
    case 'r':
        if (!m_data.repositories.isEmpty()) {
            m_repository = (m_repository + 1) % int(m_data.repositories.size());
            m_wanted.clear();
            fill();
        }
        return true;
    case 'f': {
        const QList<QStringList> steps = filterSteps();
        const qsizetype at = steps.indexOf(m_states);
        m_states = steps[(at + 1) % steps.size()];
        fill();
        return true;
    }
    default: return m_table.key(k);
    }
}

} // namespace ferry::tui
