// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The Clients page in a terminal: the same read and figures as the window's (clientsview.h),
// per cluster and registry pulled from, then every reference with its state.

#include "plan/plan.h"
#include "tui/views.h"

#include <QFileInfo>

namespace ferry::tui {

namespace {

Style styleOfRef(RefState s)
{
    return severityStyle(refStateSeverity(s));
}

} // namespace

ClientsView::ClientsView(Host &host)
    : View(host)
{
    m_clusters.setHorizontalHeaderLabels({QStringLiteral("Cluster"), QStringLiteral("Pulls from"), QStringLiteral("Refs"),
                                          QStringLiteral("Ready"), QStringLiteral("Share")});
    m_refs.setHorizontalHeaderLabels({QStringLiteral("Cluster"), QStringLiteral("Pulls from"), QStringLiteral("State"),
                                      QStringLiteral("Reference"), QStringLiteral("Where")});
    m_clusterTable.setModel(&m_clusters);
    m_clusterTable.setWidths({14, 18, 7, 7, 6});
    m_refTable.setModel(&m_refs);
    m_refTable.setWidths({10, 12, 18, 0, 22});
}

QString ClientsView::keys() const
{
    return QStringLiteral("↑↓ row  Tab clusters/references  Enter the reference's matrix row");
}

void ClientsView::reload()
{
    const std::shared_ptr<const Plan> plan = m_host.workspace().plan();
    if (!plan || plan->clients.isEmpty()) {
        show(ClientsData{});
        return;
    }
    if (m_reading)
        return;
    m_reading = true;
    // Seconds at a hundred thousand objects: on the pool, as the window reads them.
    whenReady(this,
              m_host.workspace().read([plan](Store &store) { return readClientsData(*plan, store); },
                                      [](const QString &error) {
                                          ClientsData d;
                                          d.error = error;
                                          return d;
                                      }),
              [this](const ClientsData &d) {
                  m_reading = false;
                  show(d);
              });
}

void ClientsView::show(const ClientsData &data)
{
    m_summary = clientsSummary(data);
    m_references = data.join.references;
    m_clusters.removeRows(0, m_clusters.rowCount());
    m_refs.removeRows(0, m_refs.rowCount());
    for (auto c = data.join.byCluster.begin(); c != data.join.byCluster.end(); ++c)
        for (auto r = c->begin(); r != c->end(); ++r)
            m_clusters.appendRow({new QStandardItem(c.key()), new QStandardItem(r.key()), new QStandardItem(QString::number(r->first)),
                                  new QStandardItem(QString::number(r->second)),
                                  new QStandardItem(r->first ? QStringLiteral("%1 %").arg(100 * r->second / r->first) : QString())});
    for (const JoinedReference &j : std::as_const(m_references))
        m_refs.appendRow({new QStandardItem(j.ref.cluster), new QStandardItem(j.pullsFrom), new QStandardItem(refStateText(j.state)),
                          new QStandardItem(j.ref.ref.canonical()),
                          new QStandardItem(QStringLiteral("%1:%2").arg(QFileInfo(j.ref.file).fileName()).arg(j.ref.line))});
    m_clusterTable.setCurrent(m_clusterTable.current()); // within the rows now shown
    m_refTable.setCurrent(m_refTable.current());
    m_loaded = true;
    m_host.redraw();
}

void ClientsView::draw(Screen &s, int top, int bottom)
{
    if (!m_loaded) {
        s.put(top, 1, QStringLiteral("Reading the clients' manifests…"), Style::Dim);
        return;
    }
    int y = top;
    for (const QString &line : wrapWords(m_summary, s.cols() - 2))
        if (y < bottom)
            s.put(y++, 1, line, Style::Title);
    if (m_clusters.rowCount() == 0 || y + 4 >= bottom)
        return;
    const int clustersBottom = qMin(bottom - 4, y + 2 + qMax(1, m_clusters.rowCount()));
    m_clusterTable.draw(s, y + 1, clustersBottom, !m_refsFocused, {}, [this](int row, int column) {
        const int total = m_clusters.item(row, 2)->text().toInt();
        const int ready = m_clusters.item(row, 3)->text().toInt();
        return column == 4 ? (ready == total ? Style::Good : ready == 0 ? Style::Bad : Style::Warn) : Style::Normal;
    });
    // The references below; the selected one's reason on the last line.
    const int refsBottom = bottom - 1;
    m_refTable.draw(s, clustersBottom + 1, refsBottom, m_refsFocused, {}, [this](int row, int column) {
        return column == 2 && row < m_references.size() ? styleOfRef(m_references[row].state) : Style::Normal;
    });
    if (const int i = m_refTable.current(); i >= 0 && i < m_references.size()) {
        const JoinedReference &j = m_references[i];
        s.put(refsBottom, 1,
              QStringLiteral("%1 in %2:%3 (%4 %5): %6")
                  .arg(j.ref.written, j.ref.file)
                  .arg(j.ref.line)
                  .arg(j.ref.kind, j.ref.object, j.why.isEmpty() ? refStateText(j.state) : j.why),
              styleOfRef(j.state));
    }
}

bool ClientsView::key(const KeyEvent &k)
{
    if (k.key == key::Tab) {
        m_refsFocused = !m_refsFocused;
        m_host.redraw();
        return true;
    }
    if (k.key == key::Enter && m_refsFocused) {
        const int i = m_refTable.current();
        if (i < 0 || i >= m_references.size() || m_references[i].targetRepository.isEmpty()) {
            m_host.message(QStringLiteral("That reference is outside the plan: no matrix row"), true);
            return true;
        }
        m_host.showRow(m_references[i].targetRepository, m_references[i].ref.ref.tag);
        return true;
    }
    return m_refsFocused ? m_refTable.key(k) : m_clusterTable.key(k);
}

} // namespace ferry::tui
