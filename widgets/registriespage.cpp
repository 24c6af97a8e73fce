// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "registriespage.h"

#include "dashboardcharts.h"
#include "registry/registryerror.h"
#include "storeworker.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <QValueAxis>

namespace ferry {

RegistriesPage::RegistriesPage(QWidget *parent)
    : QWidget(parent)
    , m_model(new RegistriesModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_summary(new QLabel(this))
    , m_view(new QTableView(this))
    , m_details(new QTextBrowser(this))
    , m_chart(new QChartView(this))
{
    m_summary->setWordWrap(true);
    QFont f = m_summary->font();
    f.setPointSizeF(f.pointSizeF() * 1.2);
    m_summary->setFont(f);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(RegistriesModel::SortRole);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // the plan's order until the lead sorts
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->setVisible(false);
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_details->setOpenLinks(false);
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->setMinimumHeight(220);

    auto *lower = new QSplitter(Qt::Horizontal, this);
    lower->addWidget(m_details);
    lower->addWidget(m_chart);
    m_chart->setMinimumWidth(460);
    lower->setStretchFactor(0, 2);
    lower->setStretchFactor(1, 3);
    lower->setSizes({440, 640});
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(lower);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({260, 420});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &RegistriesPage::showDetails);
    connect(&m_watcher, &QFutureWatcher<RegistriesData>::finished, this, [this] {
        const QString current = m_view->currentIndex().isValid()
            ? m_view->currentIndex().siblingAtColumn(RegistriesModel::NameColumn).data().toString()
            : QString();
        m_data = m_watcher.result();
        m_model->setStatuses(m_data.statuses);
        m_view->resizeColumnsToContents();
        int reachable = 0, scanned = 0;
        QString budget;
        QStringList failing;
        for (const RegistryStatus &s : std::as_const(m_data.statuses)) {
            if (!s.stats)
                continue;
            ++scanned;
            // An answer to nothing but failed listings is an outage too (registryHealth).
            if (registryHealth(s) == u"failing")
                failing << s.name;
            else
                ++reachable;
            if (s.budget && budget.isEmpty())
                budget = tr("; %1's pull budget: %2").arg(s.name, budgetText(*s.budget));
        }
        m_summary->setText(!m_data.error.isEmpty() ? m_data.error
                               : scanned == 0
                               ? tr("No scan has touched a registry yet: press Scan now.")
                               : tr("%1 of %2 scanned registries reachable%3%4.")
                                     .arg(reachable)
                                     .arg(scanned)
                                     .arg(failing.isEmpty() ? QString() : tr("; failing: %1").arg(failing.join(QStringLiteral(", "))))
                                     .arg(budget));
        // Keep the selection on the same registry across reloads; the first row otherwise.
        int row = 0;
        for (int r = 0; r < m_proxy->rowCount(); ++r)
            if (m_proxy->index(r, RegistriesModel::NameColumn).data().toString() == current)
                row = r;
        if (m_proxy->rowCount() > 0)
            m_view->setCurrentIndex(m_proxy->index(row, 0));
        showDetails();
        Q_EMIT reloaded();
    });
    m_details->setHtml(tr("<p>Select a registry.</p>"));
}

RegistriesPage::~RegistriesPage()
{
    m_watcher.waitForFinished();
}

void RegistriesPage::setWorkspace(const Workspace *workspace, bool readNow)
{
    m_workspace = workspace;
    if (readNow)
        reload();
}

void RegistriesPage::reload()
{
    if (!m_workspace || m_workspace->databasePath().isEmpty() || m_watcher.isRunning())
        return;
    m_watcher.setFuture(m_workspace->registries(QDateTime::currentDateTimeUtc().addDays(-30)));
}

QString RegistriesPage::summary() const
{
    return m_summary->text();
}

void RegistriesPage::showDetails()
{
    const QModelIndex current = m_proxy->mapToSource(m_view->currentIndex());
    const RegistryStatus *s = m_model->statusAt(current.row());
    if (!s) {
        m_details->setHtml(tr("<p>Select a registry.</p>"));
        replaceChart(m_chart, new QChart);
        return;
    }
    QString html = QStringLiteral("<h3>%1</h3><p>%2").arg(s->name.toHtmlEscaped(), s->role.toHtmlEscaped());
    if (!s->of.isEmpty())
        html += tr(" of %1").arg(s->of.toHtmlEscaped());
    if (s->lagSloSeconds > 0)
        html += tr(", lag SLO %1 s").arg(s->lagSloSeconds);
    if (m_urls.contains(s->name))
        html += QStringLiteral("<br><tt>%1</tt>").arg(m_urls.value(s->name).toHtmlEscaped());
    html += QStringLiteral("</p>");
    if (!s->stats) {
        html += s->role == u"cache" ? tr("<p>Ferry does not scan pull-through caches unless the scan is asked to check them: a cache "
                                         "holds what was pulled through it, so its absences are not migration gaps.</p>")
                                    : tr("<p>No scan has touched this registry yet.</p>");
    } else {
        const RegistryScanStats &st = *s->stats;
        html += tr("<p>Scan #%1 (%2): %L3 requests, %L4 answered, %L5 failed after retries, %L6 retries, %L7 pauses for the registry's "
                   "rate limit; %8 of %9 repository listings failed.</p>")
                    .arg(st.scan)
                    .arg(st.at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")))
                    .arg(st.requests)
                    .arg(st.answered)
                    .arg(st.failures)
                    .arg(st.retries)
                    .arg(st.pauses)
                    .arg(st.listingsFailed)
                    .arg(st.listings);
        if (!st.firstError.isEmpty()) {
            html += tr("<p><b>What failed:</b> %1</p>").arg(st.firstError.toHtmlEscaped());
            const QString advice = RegistryError::adviceForText(st.firstError);
            if (!advice.isEmpty())
                html += tr("<p><b>What to do:</b> %1</p>").arg(advice.toHtmlEscaped());
        }
    }
    if (s->budget) {
        const RateLimitRecord &b = *s->budget;
        html += tr("<h4>Pull budget</h4><p>%1<br>limit %2, remaining %3, window %4 s<br>source: %5, read %6</p>")
                    .arg(budgetText(b).toHtmlEscaped())
                    .arg(b.limit)
                    .arg(b.remaining)
                    .arg(b.windowSeconds)
                    .arg(b.source.toHtmlEscaped(), b.at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    }
    if (const QString copies = copyBudgetText(*s); !copies.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(QString(copies.left(1).toUpper() + copies.mid(1)).toHtmlEscaped());
    m_details->setHtml(html);

    // Latency and failures over the scans of the last 30 days.
    auto *chart = new QChart;
    chart->setTitle(tr("%1: mean latency and failed requests per scan").arg(s->name));
    chart->legend()->setAlignment(Qt::AlignBottom);
    const QList<RegistryScanStats> history = m_data.history.value(s->name);
    auto *latency = new QLineSeries;
    latency->setName(tr("mean latency (ms)"));
    auto *failures = new QScatterSeries;
    failures->setName(tr("failed requests"));
    failures->setMarkerSize(9);
    failures->setColor(QColor(0xc0, 0x39, 0x2b));
    qint64 maxLatency = 1, maxFailures = 1;
    for (const RegistryScanStats &st : history) {
        const qreal x = qreal(st.at.toMSecsSinceEpoch());
        if (st.latencyMsAvg >= 0) {
            latency->append(x, qreal(st.latencyMsAvg));
            maxLatency = qMax(maxLatency, st.latencyMsAvg);
        }
        failures->append(x, qreal(st.failures));
        maxFailures = qMax(maxFailures, st.failures);
    }
    chart->addSeries(latency);
    chart->addSeries(failures);
    auto *x = new QDateTimeAxis;
    x->setFormat(QStringLiteral("MM-dd HH:mm"));
    x->setTickCount(4);
    chart->addAxis(x, Qt::AlignBottom);
    auto *yLatency = new QValueAxis;
    yLatency->setRange(0, qreal(maxLatency) * 1.2);
    yLatency->setLabelFormat(QStringLiteral("%d"));
    yLatency->setTitleText(tr("ms"));
    chart->addAxis(yLatency, Qt::AlignLeft);
    auto *yFailures = new QValueAxis;
    // Whole numbers of failures: 0-4 when there are few, else a little headroom.
    yFailures->setRange(0, maxFailures <= 4 ? 4.0 : qreal(maxFailures) * 1.2);
    yFailures->setTickCount(5);
    yFailures->setLabelFormat(QStringLiteral("%d"));
    yFailures->setTitleText(tr("failed"));
    chart->addAxis(yFailures, Qt::AlignRight);
    latency->attachAxis(x);
    latency->attachAxis(yLatency);
    failures->attachAxis(x);
    failures->attachAxis(yFailures);
    if (!history.isEmpty()) {
        const QDateTime first = history.first().at, last = history.last().at;
        x->setRange(first.addSecs(-60), last.addSecs(60));
    }
    replaceChart(m_chart, chart);
}

} // namespace ferry
