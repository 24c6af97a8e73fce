// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "replicationpage.h"

#include "dashboardcharts.h"
#include "store/store.h"

#include "storeworker.h"
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ferry {

namespace {

// Rows each list shows; the rest are counted (computeLag does not hold them).
constexpr int kShownRows = 500;

QTableWidget *makeTable(QWidget *parent, const QStringList &headers)
{
    auto *t = new QTableWidget(0, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->horizontalHeader()->setStretchLastSection(true);
    t->setAlternatingRowColors(true);
    t->setWordWrap(false);
    t->setTextElideMode(Qt::ElideMiddle);
    return t;
}

QTableWidgetItem *cell(const QString &text, const QString &repository = {}, const QString &tag = {})
{
    auto *i = new QTableWidgetItem(text);
    i->setData(Qt::UserRole, repository);
    i->setData(Qt::UserRole + 1, tag);
    return i;
}

} // namespace

ReplicationPage::ReplicationPage(QWidget *parent)
    : QWidget(parent)
    , m_replica(new QComboBox(this))
    , m_summary(new QLabel(this))
    , m_overTime(new QChartView(this))
    , m_histogram(new QChartView(this))
    , m_breaches(makeTable(this, {tr("Lag"), tr("Repository"), tr("Tags"), tr("Arrived")}))
    , m_inFlight(makeTable(this, {tr("Age"), tr("Repository"), tr("Tags"), tr("In the target since")}))
{
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    for (QChartView *v : {m_overTime, m_histogram}) {
        v->setRenderHint(QPainter::Antialiasing);
        v->setMinimumHeight(260);
    }
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Replica:"), this));
    top->addWidget(m_replica);
    top->addWidget(m_summary, 1);
    auto *charts = new QHBoxLayout;
    charts->addWidget(m_overTime, 3);
    charts->addWidget(m_histogram, 2);
    auto *lists = new QGridLayout;
    lists->addWidget(new QLabel(tr("<b>Arrivals beyond the SLO</b> (double-click: the row in the matrix)"), this), 0, 0);
    lists->addWidget(new QLabel(tr("<b>In flight</b>: in the target, not yet in the replica, oldest first"), this), 0, 1);
    lists->addWidget(m_breaches, 1, 0);
    lists->addWidget(m_inFlight, 1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(charts, 3);
    layout->addLayout(lists, 2);
    connect(m_replica, &QComboBox::currentTextChanged, this, &ReplicationPage::show);
    for (QTableWidget *t : {m_breaches, m_inFlight})
        connect(t, &QTableWidget::itemDoubleClicked, this, [this](QTableWidgetItem *item) {
            Q_EMIT rowActivated(item->data(Qt::UserRole).toString(), item->data(Qt::UserRole + 1).toString());
        });
    connect(&m_reader.watcher(), &QFutureWatcher<LagReport>::finished, this, [this] {
        m_report = m_reader.watcher().result();
        const QString keep = m_replica->currentText();
        QSignalBlocker block(m_replica);
        m_replica->clear();
        for (const ReplicaLag &r : m_report.replicas)
            m_replica->addItem(r.replica);
        if (m_replica->findText(keep) >= 0)
            m_replica->setCurrentText(keep);
        show(m_replica->currentText());
        Q_EMIT reloaded();
    });
}

ReplicationPage::~ReplicationPage() = default;

void ReplicationPage::setWorkspace(const Workspace *workspace, bool readNow)
{
    m_reader.setWorkspace(workspace);
    if (readNow)
        reload();
}

void ReplicationPage::reload()
{
    // The tables show the worst kShownRows: the rest are counted, not held.
    m_reader.read([](const Workspace &w) { return w.lag(QDateTime(), kShownRows); });
    // The first read goes through every observation of every replica: at a million tags, a
    // while. Until it is in, the page says so rather than stay blank.
    if (m_report.replicas.isEmpty() && m_report.error.isEmpty())
        m_summary->setText(tr("Reading the replicas' history from the store…"));
}

QString ReplicationPage::summary() const
{
    return m_summary->text();
}

namespace {

// The last line of a table cut at kShownRows says how many more there are and where they are.
void addMoreRow(QTableWidget *table, qsizetype total)
{
    if (total <= kShownRows)
        return;
    const int r = table->rowCount();
    table->insertRow(r);
    auto *more =
        new QTableWidgetItem(ReplicationPage::tr("… and %L1 more (ferryctl lag --format csv lists them all)").arg(total - kShownRows));
    more->setFlags(Qt::ItemIsEnabled);
    table->setItem(r, 0, more);
    table->setSpan(r, 0, 1, table->columnCount());
}

} // namespace

void ReplicationPage::show(const QString &replica)
{
    const ReplicaLag *lag = nullptr;
    for (const ReplicaLag &r : m_report.replicas)
        if (r.replica == replica)
            lag = &r;
    m_breaches->setRowCount(0);
    m_inFlight->setRowCount(0);
    if (!lag) {
        m_summary->setText(m_report.error.isEmpty() ? tr("No replica yet.") : m_report.error.toHtmlEscaped());
        replaceChart(m_overTime, new QChart);
        replaceChart(m_histogram, new QChart);
        return;
    }
    QString text =
        tr("<b>%1</b> of %2 · SLO %3 · ").arg(lag->replica.toHtmlEscaped(), lag->target.toHtmlEscaped(), durationText(lag->sloSeconds));
    if (lag->stats.count)
        text += tr("%L1 arrivals: p50 <b>%2</b>, p90 <b>%3</b>, p99 %4, max %5 · ")
                    .arg(lag->stats.count)
                    .arg(durationText(lag->stats.p50), durationText(lag->stats.p90), durationText(lag->stats.p99),
                         durationText(lag->stats.max));
    else
        text += tr("no arrivals measured yet · ");
    const int breaches = beyondSlo(*lag);
    text += breaches ? tr("<span style='color:#b3261e'><b>%L1 beyond the SLO</b></span> · ").arg(breaches) : tr("none beyond the SLO · ");
    text += tr("%L1 in flight").arg(lag->inFlightCount);
    if (lag->drifted)
        text += tr(" · %L1 drifted (another digest: drift, not lag)").arg(lag->drifted);
    text += tr("<br><small>Measured from %1; known to within %2 (the time between scans).</small>")
                .arg(lag->timeSource.toHtmlEscaped(), lag->resolutionSeconds > 0 ? durationText(lag->resolutionSeconds) : tr("one scan"));
    m_summary->setText(text);
    replaceChart(m_overTime, makeLagOverTimeChart(*lag));
    replaceChart(m_histogram, makeLagHistogramChart(*lag));
    // The worst first, at most kShownRows each: a replica added last week has a million items
    // in flight, and a table of a million rows would hold the window for seconds.
    for (const LagSample &s : lag->breaches) {
        if (m_breaches->rowCount() == kShownRows)
            break;
        const int r = m_breaches->rowCount();
        m_breaches->insertRow(r);
        const QString tag = s.tags.value(0);
        m_breaches->setItem(r, 0, cell(durationText(s.lagSeconds), s.repository, tag));
        m_breaches->setItem(r, 1, cell(s.repository, s.repository, tag));
        m_breaches->setItem(r, 2, cell(s.tags.isEmpty() ? s.digest.left(19) : s.tags.join(QStringLiteral(", ")), s.repository, tag));
        m_breaches->setItem(r, 3, cell(s.replicaSeen.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")), s.repository, tag));
    }
    for (const InFlight &f : lag->inFlight) {
        if (m_inFlight->rowCount() == kShownRows)
            break;
        const int r = m_inFlight->rowCount();
        m_inFlight->insertRow(r);
        const QString tag = f.tags.value(0);
        auto *age = cell(durationText(f.ageSeconds), f.repository, tag);
        if (f.breach)
            age->setForeground(QColor(0xb3, 0x26, 0x1e));
        m_inFlight->setItem(r, 0, age);
        m_inFlight->setItem(r, 1, cell(f.repository, f.repository, tag));
        m_inFlight->setItem(r, 2, cell(f.tags.isEmpty() ? f.digest.left(19) : f.tags.join(QStringLiteral(", ")), f.repository, tag));
        m_inFlight->setItem(r, 3, cell(f.targetSeen.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")), f.repository, tag));
    }
    addMoreRow(m_breaches, lag->stats.breaches);
    addMoreRow(m_inFlight, lag->inFlightCount);
    for (QTableWidget *t : {m_breaches, m_inFlight}) {
        t->resizeColumnToContents(0);
        t->resizeColumnToContents(1);
    }
}

} // namespace ferry
