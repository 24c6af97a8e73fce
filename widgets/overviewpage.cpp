// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "overviewpage.h"

#include "syncmatrixmodel.h"

#include "dashboardcharts.h"
#include "matrix/syncstate.h"
#include "storeworker.h"

#include <QChart>
#include <QChartView>
#include <QProgressBar>

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QTimeZone>
#include <QVBoxLayout>

#include <algorithm>

namespace ferry {

OverviewPage::OverviewPage(SyncMatrixModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_headline(new QLabel(this))
    , m_tiles(new QGridLayout)
    , m_stages(new QVBoxLayout)
    , m_registryCounts(new QGridLayout)
    , m_trend(new QChartView(this))
{
    m_headline->setWordWrap(true);
    QFont f = m_headline->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    m_headline->setFont(f);
    QStringList states;
    for (SyncState s : syncstate::tileOrder())
        states << syncstate::name(s);
    for (int i = 0; i < states.size(); ++i) {
        auto *tile = new QLabel(this);
        tile->setTextFormat(Qt::RichText);
        tile->setAlignment(Qt::AlignCenter);
        tile->setMinimumSize(150, 64);
        tile->setFrameShape(QFrame::StyledPanel);
        connect(tile, &QLabel::linkActivated, this, &OverviewPage::stateActivated);
        m_counts.insert(states[i], tile);
        m_tiles->addWidget(tile, i / 4, i % 4);
    }
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_headline);
    layout->addLayout(m_stages);
    layout->addLayout(m_tiles);
    auto *perRegistry = new QLabel(tr("<b>Cells per registry</b> (each number opens the matrix behind it)"), this);
    layout->addWidget(perRegistry);
    m_registryCounts->setHorizontalSpacing(18);
    layout->addLayout(m_registryCounts);
    m_trend->setRenderHint(QPainter::Antialiasing);
    m_trend->setMinimumHeight(260);
    m_trend->setVisible(false);
    layout->addWidget(m_trend, 1);
    layout->addStretch(0);
    connect(&m_reader.watcher(), &QFutureWatcher<ReportData>::finished, this, [this] { showProgress(m_reader.watcher().result()); });
    connect(m_model, &QAbstractItemModel::modelReset, this, &OverviewPage::refresh);
    connect(m_model, &QAbstractItemModel::layoutChanged, this, &OverviewPage::refresh); // live batches during a scan
    refresh();
}

void OverviewPage::showProgress(const ReportData &data)
{
    m_data = data;
    while (QLayoutItem *item = m_stages->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (const StageProgress &st : std::as_const(m_data.stages)) {
        auto *row = new QWidget(this);
        auto *h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        QString text = QStringLiteral("<b>%1</b>: %2").arg(st.stage.toHtmlEscaped(), st.measure.toHtmlEscaped());
        if (!st.work.isEmpty()) // what is under way towards it, a link to the page it is done on
            text += QStringLiteral("<br><a href=\"%1\">%2 →</a>").arg(st.workView, st.work.toHtmlEscaped());
        auto *label = new QLabel(text, row);
        label->setObjectName(QStringLiteral("stage-label"));
        connect(label, &QLabel::linkActivated, this, &OverviewPage::pageRequested);
        auto *open = new QLabel(row);
        const qint64 left = st.total - st.done;
        open->setText(st.notScanned ? QString() : left > 0 ? QStringLiteral("<a href=\"open\">%1 open →</a>").arg(left) : tr("done"));
        open->setToolTip(st.view == u"charts"        ? tr("Versions of %1 in %2").arg(st.registry, st.openStates.join(QStringLiteral(", ")))
                             : st.registry.isEmpty() ? tr("Rows in %1").arg(st.openStates.join(QStringLiteral(", ")))
                                                     : tr("Cells of %1 in %2").arg(st.registry, st.openStates.join(QStringLiteral(", "))));
        connect(open, &QLabel::linkActivated, this, [this, st] {
            if (st.view == u"charts")
                Q_EMIT chartsRequested(st.registry, st.openStates);
            else
                Q_EMIT matrixRequested(st.registry, st.openStates);
        });
        auto *bar = new QProgressBar(row);
        bar->setRange(0, int(qMax<qint64>(1, st.total)));
        bar->setValue(int(st.done));
        bar->setFormat(st.notScanned        ? tr("not scanned yet (%1)").arg(st.unknownWhy)
                           : st.isUnknown() ? tr("unknown: %1 could not be read (%2)").arg(st.registry, st.shortWhy())
                                            : st.figure());
        if (st.notScanned)
            bar->setValue(0);
        if (st.unknown > 0)
            bar->setToolTip(tr("%L1 cells of %2 are unknown: %3").arg(st.unknown).arg(st.registry, st.unknownWhy));
        bar->setMinimumWidth(320);
        bar->setTextVisible(true);
        h->addWidget(label);
        h->addWidget(bar, 1);
        h->addWidget(open);
        m_stages->addWidget(row);
    }
    // Cells per registry and state, the states that occur, worst first.
    while (QLayoutItem *item = m_registryCounts->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    QStringList seen;
    for (auto reg = m_data.cellsByRegistry.constBegin(); reg != m_data.cellsByRegistry.constEnd(); ++reg)
        for (auto s = reg->constBegin(); s != reg->constEnd(); ++s)
            if (!seen.contains(s.key()))
                seen << s.key();
    std::sort(seen.begin(), seen.end(), [](const QString &a, const QString &b) {
        return SyncMatrixModel::stateRank(a) != SyncMatrixModel::stateRank(b)
            ? SyncMatrixModel::stateRank(a) > SyncMatrixModel::stateRank(b)
            : a < b;
    });
    for (int c = 0; c < seen.size(); ++c)
        m_registryCounts->addWidget(new QLabel(QStringLiteral("<i>%1</i>").arg(seen[c].toHtmlEscaped()), this), 0, c + 1, Qt::AlignRight);
    int rowIndex = 1;
    for (auto reg = m_data.cellsByRegistry.constBegin(); reg != m_data.cellsByRegistry.constEnd(); ++reg, ++rowIndex) {
        const QString role = m_data.registryRoles.value(reg.key());
        m_registryCounts->addWidget(
            new QLabel(QStringLiteral("<b>%1</b> %2")
                           .arg(reg.key().toHtmlEscaped(), role.isEmpty() ? QString() : u'(' + role.toHtmlEscaped() + u')'),
                       this),
            rowIndex, 0);
        for (int c = 0; c < seen.size(); ++c) {
            const int n = reg->value(seen[c]);
            auto *count = new QLabel(
                n == 0 ? QStringLiteral("–") : QStringLiteral("<a href=\"x\" style=\"text-decoration:none\">%L1</a>").arg(n), this);
            count->setObjectName(QStringLiteral("%1 %2 %3").arg(reg.key(), seen[c]).arg(n));
            const QString registry = reg.key(), state = seen[c];
            connect(count, &QLabel::linkActivated, this, [this, registry, state] { Q_EMIT matrixRequested(registry, {state}); });
            m_registryCounts->addWidget(count, rowIndex, c + 1, Qt::AlignRight);
        }
    }
    m_registryCounts->setColumnStretch(seen.size() + 1, 1);
    m_trend->setVisible(m_data.trend.size() >= 2);
    if (m_data.trend.size() >= 2)
        replaceChart(m_trend, makeStateTrendChart(m_data.trend));
    refresh();
    Q_EMIT historyReloaded();
}

OverviewPage::~OverviewPage() = default;

void OverviewPage::setWorkspace(const Workspace *workspace, bool readNow)
{
    m_reader.setWorkspace(workspace);
    if (readNow)
        reloadHistory();
}

void OverviewPage::reloadHistory()
{
    m_reader.read(
        [](const Workspace &w) { return w.reportData(QDateTime::fromMSecsSinceEpoch(0, QTimeZone::utc()), 0, ReportScope::Progress); });
}

QStringList OverviewPage::registryCountTexts() const
{
    QStringList out;
    for (int i = 0; i < m_registryCounts->count(); ++i)
        if (QWidget *w = m_registryCounts->itemAt(i)->widget(); w && !w->objectName().isEmpty())
            out << w->objectName();
    return out;
}

QStringList OverviewPage::stageTexts() const
{
    QStringList out;
    for (const StageProgress &st : m_data.stages)
        out << (st.isUnknown() ? QStringLiteral("%1: %2").arg(st.stage, st.figure())
                               : QStringLiteral("%1: %2/%3").arg(st.stage).arg(st.done).arg(st.total));
    return out;
}

QStringList OverviewPage::stageWork() const
{
    QStringList out;
    for (const StageProgress &st : m_data.stages)
        if (!st.work.isEmpty())
            out << st.work;
    return out;
}

void OverviewPage::refresh()
{
    const QMap<QString, int> counts = m_model->countsByState();
    // Until the stages are read, the counts by row state stand in for stage 1 (the rows' own
    // inPlan flag, which the stage counts, is not among the counts).
    int promised = 0, synced = 0;
    for (auto it = counts.constBegin(); it != counts.constEnd(); ++it) {
        const SyncState s = syncstate::parse(it.key());
        promised += syncstate::isPromised(s) ? it.value() : 0;
        synced += syncstate::targetHoldsSourceDigest(s) ? it.value() : 0;
    }
    // Once the stages are read, the headline is stage 1: the target's own cells, so that a
    // replica or a source that could not be read does not hide the target's progress.
    const StageProgress *stage1 = m_data.stages.isEmpty() ? nullptr : &m_data.stages.constFirst();
    if (promised == 0)
        m_headline->setText(tr(
            "No scan yet: press Scan now (F5) with a plan open, or run ferryctl scan or watch on this database: the window follows it."));
    else if (stage1 && stage1->isUnknown())
        m_headline->setText(tr("Whether the promised tags are in the target is unknown: %1").arg(stage1->unknownWhy));
    else if (stage1) // the same share, rounded the same way, as the stage's bar
        m_headline->setText(tr("%L1 of %L2 promised tags are in the target with the right digest (%3)")
                                .arg(stage1->done)
                                .arg(stage1->total)
                                .arg(stage1->share()));
    else
        m_headline->setText(tr("%L1 of %L2 promised tags are in the target with the right digest (%3 %)")
                                .arg(synced)
                                .arg(promised)
                                .arg(promised ? 100 * synced / promised : 0));
    for (auto it = m_counts.constBegin(); it != m_counts.constEnd(); ++it)
        it.value()->setText(
            QStringLiteral("<a href=\"%1\" style=\"text-decoration:none\"><span style=\"font-size:20pt\">%2</span><br>%1</a>")
                .arg(it.key(), QLocale().toString(counts.value(it.key()))));
}

} // namespace ferry
