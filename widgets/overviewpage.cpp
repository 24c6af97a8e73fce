#include "overviewpage.h"

#include "reportrender.h"
#include "syncmatrixmodel.h"

#include <QChart>
#include <QChartView>
#include <QProgressBar>
#include "lagcharts.h"
#include "storeworker.h"

#include <QGridLayout>
#include <QLabel>
#include <QHBoxLayout>
#include <QTimeZone>
#include <QVBoxLayout>

namespace ferry {

OverviewPage::OverviewPage(SyncMatrixModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_headline(new QLabel(this))
    , m_tiles(new QGridLayout)
    , m_stages(new QVBoxLayout)
    , m_trend(new QChartView(this))
{
    m_headline->setWordWrap(true);
    QFont f = m_headline->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    m_headline->setFont(f);
    const QStringList states{QStringLiteral("missing"), QStringLiteral("drifted"), QStringLiteral("partial"), QStringLiteral("lagging"),
                             QStringLiteral("replicating"), QStringLiteral("unknown"), QStringLiteral("extra"), QStringLiteral("synced")};
    for (int i = 0; i < states.size(); ++i) {
        auto *tile = new QLabel(this);
        tile->setTextFormat(Qt::RichText);
        tile->setAlignment(Qt::AlignCenter);
        tile->setMinimumSize(150, 80);
        tile->setFrameShape(QFrame::StyledPanel);
        connect(tile, &QLabel::linkActivated, this, &OverviewPage::stateActivated);
        m_counts.insert(states[i], tile);
        m_tiles->addWidget(tile, i / 4, i % 4);
    }
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_headline);
    layout->addLayout(m_stages);
    layout->addLayout(m_tiles);
    m_trend->setRenderHint(QPainter::Antialiasing);
    m_trend->setMinimumHeight(260);
    m_trend->setVisible(false);
    layout->addWidget(m_trend, 1);
    layout->addStretch(0);
    connect(&m_watcher, &QFutureWatcher<ReportData>::finished, this, [this] {
        m_data = m_watcher.result();
        while (QLayoutItem *item = m_stages->takeAt(0)) {
            delete item->widget();
            delete item;
        }
        for (const StageProgress &st : std::as_const(m_data.stages)) {
            auto *row = new QWidget(this);
            auto *h = new QHBoxLayout(row);
            h->setContentsMargins(0, 0, 0, 0);
            auto *label = new QLabel(QStringLiteral("<b>%1</b>: %2").arg(st.stage.toHtmlEscaped(), st.measure.toHtmlEscaped()), row);
            auto *bar = new QProgressBar(row);
            bar->setRange(0, int(qMax<qint64>(1, st.total)));
            bar->setValue(int(st.done));
            bar->setFormat(QStringLiteral("%1 of %2 (%3)").arg(st.done).arg(st.total).arg(percent(st.done, st.total)));
            bar->setMinimumWidth(320);
            bar->setTextVisible(true);
            h->addWidget(label);
            h->addWidget(bar, 1);
            m_stages->addWidget(row);
        }
        m_trend->setVisible(m_data.trend.size() >= 2);
        if (m_data.trend.size() >= 2)
            replaceChart(m_trend, makeStateTrendChart(m_data.trend));
        Q_EMIT historyReloaded();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &OverviewPage::refresh);
    connect(m_model, &QAbstractItemModel::layoutChanged, this, &OverviewPage::refresh); // live batches during a scan
    refresh();
}

OverviewPage::~OverviewPage()
{
    m_watcher.waitForFinished();
}

void OverviewPage::setDatabase(const QString &dbPath)
{
    m_dbPath = dbPath;
    reloadHistory();
}

void OverviewPage::reloadHistory()
{
    if (m_dbPath.isEmpty() || m_watcher.isRunning())
        return;
    const QString path = m_dbPath;
    m_watcher.setFuture(runOnStore(
        path, [](Store &store) { return collectReport(store, QDateTime::fromMSecsSinceEpoch(0, QTimeZone::utc()), 0); },
        [](const QString &error) {
            ReportData d;
            d.errors << error;
            return d;
        }));
}

QStringList OverviewPage::stageTexts() const
{
    QStringList out;
    for (const StageProgress &st : m_data.stages)
        out << QStringLiteral("%1: %2/%3").arg(st.stage).arg(st.done).arg(st.total);
    return out;
}

void OverviewPage::refresh()
{
    const QMap<QString, int> counts = m_model->countsByState();
    int promised = 0;
    for (auto it = counts.constBegin(); it != counts.constEnd(); ++it)
        if (it.key() != u"extra")
            promised += it.value();
    const int synced = counts.value(QStringLiteral("synced")) + counts.value(QStringLiteral("replicating")) + counts.value(QStringLiteral("lagging"));
    m_headline->setText(promised == 0 ? tr("No scan yet: open a plan and press Scan now.")
                                      : tr("%L1 of %L2 promised tags are in the target with the right digest (%3 %)")
                                            .arg(synced).arg(promised).arg(promised ? 100 * synced / promised : 0));
    for (auto it = m_counts.constBegin(); it != m_counts.constEnd(); ++it)
        it.value()->setText(QStringLiteral("<a href=\"%1\" style=\"text-decoration:none\"><span style=\"font-size:20pt\">%2</span><br>%1</a>")
                                .arg(it.key())
                                .arg(counts.value(it.key())));
}

} // namespace ferry
