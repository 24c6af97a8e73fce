// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "chartspage.h"

#include "core/workspace.h"
#include "severitycolour.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace ferry {

namespace {

// What the window says when a charts scan ends: per repository its versions by state, what
// could not be read (an index, OCI repositories read only in part) and the warnings.
QString scanMessage(const ChartsScanReport &report)
{
    if (!report.error.isEmpty())
        return report.error;
    QStringList parts;
    for (const ChartsScanOutcome &o : report.outcomes) {
        int versions = 0;
        for (const int n : o.counts)
            versions += n;
        QString part = o.error.isEmpty() ? QObject::tr("%1: %n versions", nullptr, versions).arg(o.repository)
                                         : QObject::tr("%1: %2").arg(o.repository, o.error);
        if (!o.partial.isEmpty())
            part += QObject::tr(" (read only in part, their versions unknown: %1)").arg(o.partial.join(QStringLiteral("; ")));
        if (!o.warnings.isEmpty())
            part += QObject::tr(" (%n warning(s): %1)", nullptr, int(o.warnings.size())).arg(o.warnings.constFirst());
        if (!o.storeError.isEmpty())
            part += QObject::tr(" (not recorded: %1)").arg(o.storeError);
        parts << part;
    }
    QString text = QObject::tr("Charts scanned: %1").arg(parts.join(QStringLiteral("; ")));
    if (!report.warnings.isEmpty())
        text += u' ' + QObject::tr("Credentials: %1").arg(report.warnings.join(QStringLiteral("; ")));
    return text;
}

} // namespace

namespace {

enum Column { StateColumn, ChartColumn, VersionColumn, ReplicasColumn, AppVersionColumn, CreatedColumn, HttpColumn, OciColumn, WhyColumn };

QString shortDigest(const QString &d)
{
    return d.isEmpty() ? QStringLiteral("–") : d.mid(7, 12);
}

// Versions in the states picked (empty: all) whose chart or version holds the filter text.
class VersionFilter : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setStates(const QStringList &states)
    {
        m_states = states;
        invalidateFilter();
    }
    void setText(const QString &text)
    {
        m_text = text.trimmed();
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        const QAbstractItemModel *m = sourceModel();
        if (!m_states.isEmpty() && !m_states.contains(m->index(row, StateColumn, parent).data().toString()))
            return false;
        return m_text.isEmpty() || m->index(row, ChartColumn, parent).data().toString().contains(m_text, Qt::CaseInsensitive) ||
            m->index(row, VersionColumn, parent).data().toString().startsWith(m_text);
    }

private:
    QStringList m_states;
    QString m_text;
};

constexpr int SortRole = Qt::UserRole + 1; // chart, then semver order: the rows come sorted, their ordinal breaks ties

} // namespace

ChartsPage::ChartsPage(QWidget *parent)
    : QWidget(parent)
    , m_summary(new QLabel(this))
    , m_repository(new QComboBox(this))
    , m_state(new QComboBox(this))
    , m_filter(new QLineEdit(this))
    , m_scan(new QPushButton(tr("Scan charts"), this))
    , m_versions(new QStandardItemModel(this))
    , m_proxy(new VersionFilter(this))
    , m_view(new QTableView(this))
    , m_catalog(new QTreeWidget(this))
    , m_releases(new QStandardItemModel(this))
    , m_releasesView(new QTableView(this))
    , m_retire(new QPlainTextEdit(this))
{
    m_summary->setWordWrap(true);
    QFont f = m_summary->font();
    f.setPointSizeF(f.pointSizeF() * 1.2);
    m_summary->setFont(f);
    m_state->addItem(tr("All states"), QStringList());
    m_state->addItem(tr("Not yet in OCI (missing, different, unknown)"), chartstate::open());
    for (const QString &s : chartstate::all())
        m_state->addItem(s, QStringList{s});
    m_filter->setPlaceholderText(tr("Filter by chart or version"));
    m_filter->setClearButtonEnabled(true);
    m_scan->setToolTip(tr("Read every chart repository of the plan again: the HTTP index and the charts in OCI"));
    m_versions->setHorizontalHeaderLabels({tr("State"), tr("Chart"), tr("Version"), tr("Replicas"), tr("App version"), tr("Created"),
                                           tr("HTTP .tgz"), tr("OCI chart layer"), tr("Why")});
    m_releases->setHorizontalHeaderLabels({tr("Cluster"), tr("HelmRelease"), tr("Chart"), tr("Resolves via"), tr("Source"), tr("State")});
    for (QTableView *v : {m_view, m_releasesView}) {
        v->setSelectionBehavior(QAbstractItemView::SelectRows);
        v->verticalHeader()->setVisible(false);
        v->setWordWrap(false);
        v->horizontalHeader()->setStretchLastSection(true);
        v->setSortingEnabled(true);
        v->setEditTriggers(QAbstractItemView::NoEditTriggers);
        v->verticalHeader()->setDefaultSectionSize(v->fontMetrics().height() + 6);
    }
    m_repository->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_proxy->setSortRole(SortRole);
    m_proxy->setSourceModel(m_versions);
    m_view->setModel(m_proxy);
    m_releasesView->setModel(m_releases);
    m_catalog->setHeaderLabels({tr("Chart"), tr("In the catalog from OCI"), tr("Lost when discovery switches")});
    m_catalog->setRootIsDecorated(false);
    m_retire->setReadOnly(true);
    m_retire->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Repository:"), this));
    bar->addWidget(m_repository);
    bar->addWidget(m_state);
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_scan);
    auto *side = new QTabWidget(this);
    side->addTab(m_catalog, tr("App Catalog"));
    side->addTab(m_releasesView, tr("Flux releases"));
    side->addTab(m_retire, tr("Retire the HTTP repository"));
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_view);
    split->addWidget(side);
    split->setSizes({760, 400});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    connect(m_repository, &QComboBox::currentIndexChanged, this, &ChartsPage::showRepository);
    connect(m_state, &QComboBox::currentIndexChanged, this,
            [this] { static_cast<VersionFilter *>(m_proxy)->setStates(m_state->currentData().toStringList()); });
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &t) { static_cast<VersionFilter *>(m_proxy)->setText(t); });
    connect(m_scan, &QPushButton::clicked, this, &ChartsPage::scanNow);
    connect(&m_watcher, &QFutureWatcher<ChartsData>::finished, this, [this] {
        show(m_watcher.result());
        Q_EMIT reloaded();
    });
    connect(&m_scanWatcher, &QFutureWatcher<ChartsScanReport>::finished, this, [this] {
        m_scan->setEnabled(true);
        Q_EMIT scanned(scanMessage(m_scanWatcher.result()));
        reload();
    });
    m_summary->setText(tr("No charts yet: the plan's `charts` list names each HTTP Helm repository and its OCI side."));
}

ChartsPage::~ChartsPage()
{
    endWork();
}

void ChartsPage::endWork()
{
    m_watcher.waitForFinished();
    m_scanWatcher.waitForFinished();
}

void ChartsPage::setWorkspace(Workspace *workspace, bool readNow)
{
    m_workspace = workspace;
    if (readNow)
        reload();
}

void ChartsPage::reload()
{
    if (!m_workspace || m_watcher.isRunning())
        return;
    const std::shared_ptr<const Plan> plan = m_workspace->plan();
    m_watcher.setFuture(m_workspace->read([plan](Store &store) { return readChartsData(plan.get(), store); },
                                          [](const QString &error) {
                                              ChartsData d;
                                              d.error = error;
                                              return d;
                                          }));
}

void ChartsPage::scanNow()
{
    if (!m_workspace || m_scanWatcher.isRunning())
        return;
    m_scan->setEnabled(false);
    QPointer<QLabel> status = m_summary;
    m_scanWatcher.setFuture(m_workspace->scanCharts({}, [status](const QString &repository, const QString &what, qint64 n, qint64 total) {
        const QString text =
            QObject::tr("Scanning charts of %1: %2 (%3 of %4)").arg(repository, what).arg(n + 1).arg(qMax<qint64>(total, 1));
        QMetaObject::invokeMethod(
            status,
            [status, text] {
                if (status)
                    status->setText(text);
            },
            Qt::QueuedConnection);
    }));
}

void ChartsPage::showStates(const QString &repository, const QStringList &states)
{
    m_pendingRepository = repository;
    m_pendingStates = states;
    const int i = m_repository->findText(repository);
    if (i >= 0)
        m_repository->setCurrentIndex(i);
    for (int s = 0; s < m_state->count(); ++s)
        if (m_state->itemData(s).toStringList() == states)
            m_state->setCurrentIndex(s);
}

QString ChartsPage::summary() const
{
    return m_summary->text();
}

void ChartsPage::show(const ChartsData &data)
{
    m_data = data;
    const QString current = m_pendingRepository.isEmpty() ? m_repository->currentText() : m_pendingRepository;
    {
        const QSignalBlocker block(m_repository);
        m_repository->clear();
        for (const ChartRepositoryView &v : std::as_const(m_data.repositories))
            m_repository->addItem(v.scan.repository);
        m_repository->setCurrentIndex(qMax(0, m_repository->findText(current)));
    }
    m_releases->removeRows(0, m_releases->rowCount());
    for (const ReleaseSource &r : std::as_const(m_data.releases)) {
        auto *via = new QStandardItem(r.via);
        via->setBackground(severityColour(r.via == u"http" ? Severity::Warning : r.via == u"oci" ? Severity::Ok : Severity::Muted));
        auto *where = new QStandardItem(r.release.object);
        where->setToolTip(QStringLiteral("%1:%2").arg(r.release.file).arg(r.release.line));
        m_releases->appendRow({new QStandardItem(r.release.cluster), where, new QStandardItem(r.release.chart + u' ' + r.release.version),
                               via, new QStandardItem(r.url.isEmpty() ? r.release.sourceKind + u' ' + r.release.source : r.url),
                               new QStandardItem(r.state)});
    }
    m_releasesView->resizeColumnsToContents();
    if (!data.error.isEmpty())
        m_summary->setText(data.error);
    showRepository(m_repository->currentIndex());
    if (!m_pendingStates.isEmpty())
        showStates(m_pendingRepository, std::exchange(m_pendingStates, {}));
    m_pendingRepository.clear();
    if (!m_data.releases.isEmpty())
        m_summary->setText(m_summary->text() + u' ' +
                           tr("%n Flux release(s) still resolve charts over HTTP.", nullptr, releasesOverHttp(m_data)));
}

void ChartsPage::showRepository(int index)
{
    m_versions->removeRows(0, m_versions->rowCount());
    m_catalog->clear();
    if (index < 0 || index >= m_data.repositories.size()) {
        if (m_data.error.isEmpty())
            m_summary->setText(tr("No charts scan yet: ferryctl charts scan --plan FILE, or Scan charts, reads the plan's `charts`."));
        m_retire->clear();
        return;
    }
    const ChartRepositoryView &v = m_data.repositories.at(index);
    m_versions->setRowCount(int(v.rows.size()));
    int row = 0;
    for (const ChartVersionRow &r : v.rows) {
        auto *state = new QStandardItem(r.state);
        state->setBackground(severityColour(chartstate::severity(r.state)));
        auto *http = new QStandardItem(shortDigest(r.httpDigest));
        http->setToolTip(r.httpDigest.isEmpty() ? tr("not in the index") : r.httpDigest + u'\n' + r.url);
        auto *oci = new QStandardItem(shortDigest(r.ociDigest));
        oci->setToolTip(r.ociDigest.isEmpty() ? tr("not in OCI") : r.ociDigest + tr("\nmanifest ") + r.manifestDigest);
        QStringList replicaParts;
        bool allSame = !r.replicas.isEmpty();
        for (auto it = r.replicas.cbegin(); it != r.replicas.cend(); ++it) {
            replicaParts << (it.value() == u"same" ? QString(it.key() + QStringLiteral(" ✓")) : QString(it.key() + u' ' + it.value()));
            allSame = allSame && it.value() == u"same";
        }
        auto *replicas = new QStandardItem(replicaParts.join(QStringLiteral(", ")));
        if (!r.replicas.isEmpty())
            replicas->setBackground(severityColour(allSame ? Severity::Ok : Severity::Warning));
        replicas->setToolTip(tr("Whether each replica of the target holds the target's chart manifest under this version"));
        auto *why = new QStandardItem(r.reason);
        why->setToolTip(r.reason);
        const QList<QStandardItem *> items{
            state,
            new QStandardItem(r.chart),
            new QStandardItem(r.version + (r.deprecated ? tr(" (deprecated)") : QString())),
            replicas,
            new QStandardItem(r.appVersion),
            new QStandardItem(r.created.isValid() ? r.created.toString(QStringLiteral("yyyy-MM-dd")) : QString()),
            http,
            oci,
            why};
        for (int c = 0; c < items.size(); ++c) {
            // Versions sort by semver (1.10.0 after 1.9.1), everything else by its text, then the same way.
            items[c]->setData(c == VersionColumn ? QVariant(row)
                                                 : QVariant(items[c]->text() + QStringLiteral("\x01%1").arg(row, 8, 10, QLatin1Char('0'))),
                              SortRole);
            m_versions->setItem(row, c, items[c]);
        }
        ++row;
    }
    m_view->sortByColumn(VersionColumn, Qt::AscendingOrder);
    m_view->resizeColumnsToContents();
    m_view->setColumnWidth(WhyColumn, 320);
    for (const CatalogEntry &e : v.catalog) {
        auto *item = new QTreeWidgetItem(m_catalog,
                                         {e.chart, e.oci.isEmpty() ? tr("(nothing in OCI)") : e.oci.join(QStringLiteral("  ")),
                                          e.lostOnSwitch.join(QStringLiteral("  "))});
        item->setToolTip(1, tr("From the index today: %1").arg(e.http.join(QStringLiteral("  "))));
        if (!e.lostOnSwitch.isEmpty())
            item->setForeground(2, QColor(0xb0, 0x30, 0x20));
    }
    m_catalog->resizeColumnToContents(0);
    m_catalog->resizeColumnToContents(1);
    m_summary->setText(chartRepositorySummary(v));
    m_retire->setPlainText(retirementText(v));
}

} // namespace ferry
