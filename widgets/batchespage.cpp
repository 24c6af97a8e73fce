// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "batchespage.h"

#include "cleanupmodels.h"
#include "cleanuppage.h"
#include "copypage.h"
#include "ops/batch.h"
#include "rowtable.h"
#include "severitycolour.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QTabBar>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace ferry {

namespace {

enum Column { KindColumn, IdColumn, StatusColumn, ItemsColumn, PlannedColumn, DecidedColumn, WhatColumn, NumColumns };
constexpr int KindRole = Qt::UserRole;
constexpr int IdRole = Qt::UserRole + 1;

// One row of the list, whatever its kind.
struct Row
{
    QString kind; // "cleanup", "copy"
    qint64 id = 0;
    QString status;
    QString what;
    QString items;
    QDateTime planned;
    QString decidedBy;
};

QList<QStandardItem *> cells(const Row &r)
{
    QList<QStandardItem *> row;
    row << new QStandardItem(r.kind) << new QStandardItem(QString::number(r.id)) << new QStandardItem(r.status)
        << new QStandardItem(r.items) << new QStandardItem(QLocale().toString(r.planned.toLocalTime(), QLocale::ShortFormat))
        << new QStandardItem(r.decidedBy) << new QStandardItem(r.what);
    row[StatusColumn]->setData(severityColour(batchStatusSeverity(r.status)), Qt::BackgroundRole);
    for (QStandardItem *c : row) {
        c->setData(r.kind, KindRole);
        c->setData(r.id, IdRole);
    }
    return row;
}

} // namespace

BatchesPage::BatchesPage(CleanupPage *cleanup, CopyPage *copies, QWidget *parent)
    : QWidget(parent)
    , m_cleanup(cleanup)
    , m_copies(copies)
    , m_model(new QStandardItemModel(0, NumColumns, this))
    , m_view(rowTable(m_model, this))
    , m_summary(new QLabel(this))
    , m_kinds(new QTabBar(this))
    , m_detail(new QStackedWidget(this))
{
    m_kinds->addTab(tr("Cleanup"));
    m_kinds->addTab(tr("Copies"));
    m_kinds->setToolTip(tr("The review below: a cleanup batch or a copy batch, with Plan cleanup or Plan copies"));
    m_model->setHorizontalHeaderLabels({tr("Kind"), tr("Batch"), tr("Status"), tr("Items"), tr("Planned"), tr("Decided by"), tr("What")});
    m_summary->setWordWrap(true);
    m_cleanup->setBatchListShown(false);
    m_copies->setBatchListShown(false);
    m_detail->addWidget(m_cleanup);
    m_detail->addWidget(m_copies);
    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_summary);
    topLayout->addWidget(m_view, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    auto *bottom = new QWidget(this);
    auto *bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->setSpacing(0);
    bottomLayout->addWidget(m_kinds);
    bottomLayout->addWidget(m_detail, 1);
    split->addWidget(top);
    split->addWidget(bottom);
    split->setStretchFactor(1, 1);
    split->setSizes({190, 560});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
    connect(m_cleanup, &CleanupPage::batchesShown, this, &BatchesPage::rebuild);
    connect(m_copies, &CopyPage::batchesShown, this, &BatchesPage::rebuild);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &BatchesPage::onRowChanged);
    connect(m_kinds, &QTabBar::currentChanged, this,
            [this](int tab) { showKind(tab == 1 ? QStringLiteral("copy") : QStringLiteral("cleanup")); });
    rebuild();
}

void BatchesPage::showKind(const QString &kind)
{
    const bool copy = kind == u"copy";
    m_detail->setCurrentWidget(copy ? static_cast<QWidget *>(m_copies) : static_cast<QWidget *>(m_cleanup));
    {
        const QSignalBlocker block(m_kinds);
        m_kinds->setCurrentIndex(copy ? 1 : 0);
    }
    selectShown();
}

QString BatchesPage::shownKind() const
{
    return m_detail->currentWidget() == m_copies ? QStringLiteral("copy") : QStringLiteral("cleanup");
}

void BatchesPage::rebuild()
{
    QList<Row> rows;
    for (const CleanupBatch &b : m_cleanup->batches())
        rows << Row{QStringLiteral("cleanup"),
                    b.id,
                    b.status,
                    tr("delete in %1/%2").arg(b.registry, b.repository),
                    tr("%1 to delete, %2 kept · %3").arg(b.deleteCount).arg(b.keepCount).arg(humanBytes(b.bytes)),
                    b.createdAt,
                    b.decidedBy};
    for (const CopyBatch &b : m_copies->batches())
        rows << Row{QStringLiteral("copy"),
                    b.id,
                    b.status,
                    tr("copy %1 → %2/%3").arg(b.sourceRegistry, b.targetRegistry, b.repository),
                    b.bytes > 0 ? tr("%1 of %2 done · %3 to send").arg(b.finalCount).arg(b.itemCount).arg(humanBytes(b.bytes))
                                : tr("%1 of %2 done").arg(b.finalCount).arg(b.itemCount),
                    b.createdAt,
                    b.decidedBy};
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Row &a, const Row &b) { return a.planned != b.planned ? a.planned > b.planned : a.id > b.id; });
    int waiting = 0;
    {
        const QSignalBlocker block(m_view->selectionModel());
        m_model->removeRows(0, m_model->rowCount());
        for (const Row &r : std::as_const(rows)) {
            m_model->appendRow(cells(r));
            waiting += r.status == batchstatus::Planned;
        }
    }
    for (int c : {int(KindColumn), int(IdColumn), int(StatusColumn), int(ItemsColumn), int(PlannedColumn), int(DecidedColumn)})
        m_view->resizeColumnToContents(c);
    m_summary->setText(rows.isEmpty() ? tr("No batches yet. Plan a cleanup or copies below; nothing runs without approval.")
                                      : tr("%n batch(es), cleanup and copy; %1 wait for a decision. Select one to review it below.",
                                           nullptr, int(rows.size()))
                                            .arg(waiting));
    selectShown();
}

// The row of the batch the page below shows, selected without asking that page again.
void BatchesPage::selectShown()
{
    const QString kind = shownKind();
    const qint64 id = kind == u"copy" ? m_copies->selectedBatch() : m_cleanup->selectedBatch();
    const QSignalBlocker block(m_view->selectionModel());
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const QStandardItem *it = m_model->item(r, 0);
        if (it->data(KindRole).toString() == kind && it->data(IdRole).toLongLong() == id) {
            m_view->setCurrentIndex(m_model->index(r, 0));
            m_view->scrollTo(m_model->index(r, 0));
            return;
        }
    }
    m_view->clearSelection();
}

void BatchesPage::onRowChanged()
{
    const QStandardItem *it = m_model->item(m_view->currentIndex().row(), 0);
    if (!it)
        return;
    const qint64 id = it->data(IdRole).toLongLong();
    const bool copy = it->data(KindRole).toString() == u"copy";
    m_detail->setCurrentWidget(copy ? static_cast<QWidget *>(m_copies) : static_cast<QWidget *>(m_cleanup));
    {
        const QSignalBlocker block(m_kinds);
        m_kinds->setCurrentIndex(copy ? 1 : 0);
    }
    if (copy)
        m_copies->selectBatch(id);
    else
        m_cleanup->selectBatch(id);
}

} // namespace ferry
