// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "clientspage.h"

#include "clients/inventory.h"
#include "core/workspace.h"
#include "dashboardcharts.h"
#include "severitycolour.h"
#include "syntaxhighlighting.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineSeries>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>

namespace ferry {

namespace {

enum RefColumn { ClusterColumn, PullsFromColumn, StateColumn, ReferenceColumn, TargetColumn, WhereColumn };
constexpr int RepositoryRole = Qt::UserRole + 1;
constexpr int TagRole = Qt::UserRole + 2;

// Filters the references by the cluster and registry picked above (empty: all).
class ReferenceFilter : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void pick(const QString &cluster, const QString &registry)
    {
        m_cluster = cluster;
        m_registry = registry;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        const QAbstractItemModel *m = sourceModel();
        return (m_cluster.isEmpty() || m->index(row, ClusterColumn, parent).data().toString() == m_cluster) &&
            (m_registry.isEmpty() || m->index(row, PullsFromColumn, parent).data().toString() == m_registry);
    }

private:
    QString m_cluster, m_registry;
};

// What the window says when a refs scan from the Clients page ends.
QString recordMessage(const ClientsData &data)
{
    if (!data.error.isEmpty())
        return QObject::tr("The refs scan was not recorded: %1").arg(data.error);
    const ClientsTally t = tallyClients(data);
    if (!data.record->holdsRecorded)
        return QObject::tr("Refs scan: the burn-down is recorded (%L1 references); what the clusters run is not recorded for cleanup "
                           "without the plan's registries")
            .arg(t.references);
    return QObject::tr("Refs scan recorded: %L1 references in %2 clusters; cleanup holds back what they run and pin, and approves "
                       "against this scan")
        .arg(t.references)
        .arg(t.clusters);
}

} // namespace

ClientsPage::ClientsPage(QWidget *parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_clusters(new QStandardItemModel(this))
    , m_clustersView(new QTableView(this))
    , m_refs(new QStandardItemModel(this))
    , m_refsProxy(new ReferenceFilter(this))
    , m_refsView(new QTableView(this))
    , m_hosts(new QPlainTextEdit(this))
    , m_chart(new QChartView(this))
    , m_record(new QPushButton(tr("Record refs scan"), this))
{
    m_record->setObjectName(QStringLiteral("clients-record-refs"));
    m_record->setToolTip(tr("Reads the clusters' files again and records what they run, pin and name: cleanup holds those digests "
                            "back and approves its batches only against a fresh refs scan; the burn-down gains a point. "
                            "The same as ferryctl refs scan."));
    m_summary->setWordWrap(true);
    QFont f = m_summary->font();
    f.setPointSizeF(f.pointSizeF() * 1.2);
    m_summary->setFont(f);
    m_clusters->setHorizontalHeaderLabels({tr("Cluster"), tr("Pulls from"), tr("References"), tr("Switch-ready"), tr("Share")});
    m_refs->setHorizontalHeaderLabels({tr("Cluster"), tr("Pulls from"), tr("State"), tr("Reference"), tr("Target"), tr("Written in")});
    for (QTableView *v : {m_clustersView, m_refsView}) {
        v->setSelectionBehavior(QAbstractItemView::SelectRows);
        v->setSelectionMode(QAbstractItemView::SingleSelection);
        v->verticalHeader()->setVisible(false);
        v->setWordWrap(false);
        v->horizontalHeader()->setStretchLastSection(true);
        v->setSortingEnabled(true);
        v->setEditTriggers(QAbstractItemView::NoEditTriggers);
    }
    m_clustersView->setModel(m_clusters);
    m_refsProxy->setSourceModel(m_refs);
    m_refsView->setModel(m_refsProxy);
    m_refsView->setToolTip(tr("Double-click a reference to open its row of the matrix"));
    m_hosts->setReadOnly(true);
    m_hosts->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_hosts->setLineWrapMode(QPlainTextEdit::NoWrap);
    highlighting::attach(m_hosts->document(), QStringLiteral("toml"));
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->setMinimumHeight(200);

    auto *side = new QTabWidget(this);
    side->addTab(m_chart, tr("Burn-down"));
    side->addTab(m_hosts, tr("containerd hosts.toml"));
    auto *upper = new QSplitter(Qt::Horizontal, this);
    upper->addWidget(m_clustersView);
    upper->addWidget(side);
    upper->setSizes({520, 560});
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(upper);
    split->addWidget(m_refsView);
    split->setSizes({300, 380});
    auto *head = new QHBoxLayout;
    head->addWidget(m_summary, 1);
    head->addWidget(m_record, 0, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(head);
    layout->addWidget(split, 1);
    connect(m_record, &QPushButton::clicked, this, &ClientsPage::recordRefsScan);

    connect(m_clustersView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        auto *filter = static_cast<ReferenceFilter *>(m_refsProxy);
        if (!current.isValid())
            filter->pick({}, {});
        else
            filter->pick(current.siblingAtColumn(0).data().toString(), current.siblingAtColumn(1).data().toString());
    });
    connect(m_refsView, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        const QModelIndex source = m_refsProxy->mapToSource(index).siblingAtColumn(ReferenceColumn);
        const QString repository = source.data(RepositoryRole).toString();
        if (!repository.isEmpty())
            Q_EMIT matrixRowRequested(repository, source.data(TagRole).toString());
    });
    connect(&m_watcher, &QFutureWatcher<ClientsData>::finished, this, [this] {
        m_data = m_watcher.result();
        m_record->setEnabled(true);
        show(m_data);
        if (m_data.record)
            Q_EMIT refsRecorded(recordMessage(m_data));
        Q_EMIT reloaded();
    });
    m_summary->setText(tr("No clients yet: the plan's `clients` list names each cluster's manifests and containerd certs.d."));
}

ClientsPage::~ClientsPage()
{
    m_watcher.waitForFinished();
}

void ClientsPage::setWorkspace(const Workspace *workspace, bool readNow)
{
    m_workspace = workspace;
    if (readNow)
        reload();
}

void ClientsPage::reload()
{
    read(false);
}

void ClientsPage::recordRefsScan()
{
    read(true);
}

void ClientsPage::read(bool record)
{
    if (!m_workspace || m_watcher.isRunning())
        return;
    const std::shared_ptr<const Plan> plan = m_workspace->plan();
    if (!plan || plan->clients.isEmpty()) {
        m_record->setEnabled(false); // nothing to read
        show(ClientsData{});
        return;
    }
    // The manifests are read and joined on a pool thread: a hundred thousand objects take seconds.
    m_record->setEnabled(false);
    m_watcher.setFuture(m_workspace->read([plan, record](Store &store) { return readClientsData(*plan, store, record); },
                                          [](const QString &error) {
                                              ClientsData d;
                                              d.error = error;
                                              return d;
                                          }));
}

QString ClientsPage::summary() const
{
    return m_summary->text();
}

void ClientsPage::show(const ClientsData &data)
{
    m_clusters->removeRows(0, m_clusters->rowCount());
    m_refs->removeRows(0, m_refs->rowCount());
    if (!data.error.isEmpty()) {
        m_summary->setText(data.error);
        return;
    }
    for (auto c = data.join.byCluster.begin(); c != data.join.byCluster.end(); ++c)
        for (auto r = c->begin(); r != c->end(); ++r) {
            auto *share = new QStandardItem(r->first ? QStringLiteral("%1 %").arg(100 * r->second / r->first) : QString());
            share->setData(r->first ? double(r->second) / r->first : 0.0, Qt::UserRole);
            auto number = [](int n) {
                auto *i = new QStandardItem(QString::number(n));
                i->setData(n, Qt::DisplayRole);
                return i;
            };
            m_clusters->appendRow({new QStandardItem(c.key()), new QStandardItem(r.key()), number(r->first), number(r->second), share});
        }
    for (const JoinedReference &j : data.join.references) {
        auto *reference = new QStandardItem(j.ref.ref.canonical());
        reference->setData(j.targetRepository, RepositoryRole);
        reference->setData(j.ref.ref.tag, TagRole);
        reference->setToolTip(j.ref.written);
        auto *state = new QStandardItem(refStateText(j.state));
        state->setBackground(severityColour(refStateSeverity(j.state)));
        state->setToolTip(j.why);
        auto *where = new QStandardItem(
            QStringLiteral("%1:%2  %3 %4").arg(QFileInfo(j.ref.file).fileName()).arg(j.ref.line).arg(j.ref.kind, j.ref.object));
        where->setToolTip(j.ref.file);
        m_refs->appendRow({new QStandardItem(j.ref.cluster), new QStandardItem(j.pullsFrom), state, reference,
                           new QStandardItem(j.targetRegistry.isEmpty() ? QString() : j.targetRegistry + u'/' + j.targetRepository),
                           where});
    }
    m_clustersView->resizeColumnsToContents();
    m_refsView->resizeColumnsToContents();
    m_hosts->setPlainText(ferry::hostsText(data));
    showBurnDown(data.history);
    m_summary->setText(clientsSummary(data));
    m_summary->setToolTip(data.warnings.join(u'\n'));
}

void ClientsPage::showBurnDown(const QList<ClientCount> &history)
{
    auto *chart = new QChart;
    chart->setTitle(tr("References by registry pulled from, over the refs scans"));
    QMap<QString, QMap<qint64, int>> byRegistry; // summed over clusters
    QSet<qint64> scans;
    for (const ClientCount &c : history) {
        byRegistry[c.registry][c.at.toMSecsSinceEpoch()] += c.references;
        scans.insert(c.at.toMSecsSinceEpoch());
    }
    for (auto it = byRegistry.begin(); it != byRegistry.end(); ++it)
        for (qint64 at : std::as_const(scans))
            it->insert(at, it->value(at)); // a registry no reference pulls from any more counts 0, not nothing
    if (byRegistry.isEmpty()) {
        chart->setTitle(tr("No refs scan yet: ferryctl refs scan --plan FILE records one"));
        replaceChart(m_chart, chart);
        return;
    }
    auto *x = new QDateTimeAxis;
    const qint64 span = scans.isEmpty() ? 0 : *std::max_element(scans.begin(), scans.end()) - *std::min_element(scans.begin(), scans.end());
    x->setFormat(span < 3'600'000 ? QStringLiteral("HH:mm:ss") : QStringLiteral("MM-dd HH:mm"));
    auto *y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%d"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    int maxValue = 1;
    for (auto it = byRegistry.begin(); it != byRegistry.end(); ++it) {
        auto *series = new QLineSeries;
        series->setName(it.key());
        series->setPointsVisible(true);
        for (auto p = it->begin(); p != it->end(); ++p) {
            series->append(double(p.key()), p.value());
            maxValue = qMax(maxValue, p.value());
        }
        chart->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(y);
    }
    y->setRange(0, maxValue);
    replaceChart(m_chart, chart);
}

} // namespace ferry
