// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "copypage.h"

#include "cleanup/cleanupstore.h"
#include "cleanupmodels.h"
#include "core/workspace.h"
#include "rowtable.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace ferry {

namespace {

QStandardItem *statusItem(const QString &status)
{
    auto *item = new QStandardItem(status);
    item->setData(severityColour(batchStatusSeverity(status)), Qt::BackgroundRole);
    return item;
}

QString actionText(const CopyItem &i)
{
    if (i.action == copyaction::Overwrite)
        return QObject::tr("overwrite %1").arg(i.replaces.left(19));
    if (i.action == copyaction::Platforms)
        return QObject::tr("add platforms to %1").arg(i.replaces.left(19));
    if (i.action == copyaction::Referrer)
        return QObject::tr("referrer, by digest");
    return QObject::tr("new tag");
}

} // namespace

CopyPage::CopyPage(QWidget *parent)
    : QWidget(parent)
    , m_batches(new QStandardItemModel(0, 6, this))
    , m_items(new QStandardItemModel(0, 6, this))
    , m_batchView(rowTable(m_batches, this))
    , m_itemView(rowTable(m_items, this))
    , m_header(new QLabel(this))
    , m_message(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_log(new QListWidget(this))
{
    m_batches->setHorizontalHeaderLabels({tr("Batch"), tr("Status"), tr("From → to"), tr("Done"), tr("To send"), tr("Pulls")});
    m_items->setHorizontalHeaderLabels({tr("#"), tr("Tag"), tr("Digest"), tr("The copy"), tr("State"), tr("What happened")});
    m_plan = new QPushButton(tr("Plan copies"), this);
    m_plan->setToolTip(tr("Batches of the tags a target lacks (missing, or an index with missing platforms), from the last scan"));
    m_approve = new QPushButton(tr("Approve…"), this);
    m_reject = new QPushButton(tr("Reject"), this);
    m_dryRun = new QPushButton(tr("Dry run"), this);
    m_execute = new QPushButton(tr("Copy"), this);
    m_stop = new QPushButton(tr("Stop"), this);
    connect(m_plan, &QPushButton::clicked, this, [this] { planCopies(); });
    connect(m_approve, &QPushButton::clicked, this, &CopyPage::askApproval);
    connect(m_reject, &QPushButton::clicked, this, [this] { rejectSelected(osUserName(), tr("rejected in the window")); });
    connect(m_dryRun, &QPushButton::clicked, this, [this] { runSelected(true); });
    connect(m_execute, &QPushButton::clicked, this, [this] { runSelected(false); });
    connect(m_stop, &QPushButton::clicked, this, &CopyPage::stop);
    auto *buttons = new QHBoxLayout;
    for (QPushButton *b : {m_plan, m_approve, m_reject, m_dryRun, m_execute, m_stop})
        buttons->addWidget(b);
    buttons->addStretch();
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setWordWrap(true);
    m_progress->setVisible(false);
    m_log->setVisible(false);
    m_log->setMaximumHeight(90);
    auto *itemsBox = new QWidget(this);
    auto *itemsLayout = new QVBoxLayout(itemsBox);
    itemsLayout->setContentsMargins(0, 0, 0, 0);
    itemsLayout->addWidget(m_header);
    itemsLayout->addWidget(m_itemView, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_batchView);
    split->addWidget(itemsBox);
    split->setSizes({220, 420});
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_message);
    layout->addWidget(m_log);
    connect(m_batchView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &CopyPage::onBatchClicked);
    connect(&m_watcher, &QFutureWatcher<CopyPageData>::finished, this, [this] {
        m_reading = false;
        show(m_watcher.result());
        if (std::exchange(m_reloadAgain, false))
            reload();
    });
    updateActions();
}

CopyPage::~CopyPage()
{
    m_job.reset();
    m_watcher.waitForFinished();
}

void CopyPage::setWorkspace(Workspace *workspace)
{
    m_workspace = workspace;
    m_selected = 0;
    reload();
}

void CopyPage::reload()
{
    if (!m_workspace)
        return;
    if (m_reading) {
        m_reloadAgain = true;
        return;
    }
    const qint64 selected = m_selected;
    m_reading = true;
    m_watcher.setFuture(readCopyBatches(*m_workspace, selected));
}

void CopyPage::show(const CopyPageData &data)
{
    if (!data.error.isEmpty()) {
        showMessage(data.error, true);
        return;
    }
    const QSignalBlocker block(m_batchView->selectionModel());
    m_batches->removeRows(0, m_batches->rowCount());
    int selectedRow = -1;
    for (const CopyBatch &b : data.batches) {
        QList<QStandardItem *> row{new QStandardItem(QString::number(b.id)),
                                   statusItem(b.status),
                                   new QStandardItem(QStringLiteral("%1 → %2/%3").arg(b.sourceRegistry, b.targetRegistry, b.repository)),
                                   new QStandardItem(tr("%1 of %2").arg(b.finalCount).arg(b.itemCount)),
                                   new QStandardItem(humanBytes(b.bytes)),
                                   new QStandardItem(QString::number(b.pulls))};
        row.first()->setData(b.id, Qt::UserRole);
        if (data.shown && data.shown->id == b.id)
            selectedRow = m_batches->rowCount();
        m_batches->appendRow(row);
    }
    m_current = data.shown;
    m_list = data.batches;
    m_selected = m_current ? m_current->id : 0;
    if (selectedRow >= 0) {
        m_batchView->selectRow(selectedRow);
        m_batchView->scrollTo(m_batches->index(selectedRow, 0));
    }
    m_items->removeRows(0, m_items->rowCount());
    if (m_current) {
        const CopyBatch &b = *m_current;
        m_header->setText(tr("<b>Copy batch %1</b> (%2): %3 → %4/%5, from scan %6 · %7 tag(s), %8 manifest(s), %9 blob(s) to send (%10), "
                             "%11 pull(s) at %3%12<br><small>hash %13</small>")
                              .arg(b.id)
                              .arg(b.status, b.sourceRegistry, b.targetRegistry, b.repository)
                              .arg(b.scan)
                              .arg(b.items.size())
                              .arg(b.manifests)
                              .arg(b.blobs)
                              .arg(humanBytes(b.bytes))
                              .arg(b.pulls)
                              .arg(b.decidedBy.isEmpty() ? QString() : tr(" · decided by %1").arg(b.decidedBy.toHtmlEscaped()))
                              .arg(b.hash));
        for (const CopyItem &i : b.items)
            m_items->appendRow({new QStandardItem(QString::number(i.seq)), new QStandardItem(i.tag.isEmpty() ? tr("(referrer)") : i.tag),
                                new QStandardItem(i.digest.left(19)), new QStandardItem(actionText(i)), new QStandardItem(i.state),
                                new QStandardItem(i.message)});
    } else {
        m_header->setText(data.batches.isEmpty() ? tr("No copy batches yet: <b>Plan copies</b> turns the tags a target lacks into "
                                                      "batches to review and approve.")
                                                 : QString());
    }
    m_batchView->resizeColumnsToContents();
    m_itemView->resizeColumnsToContents();
    updateActions();
    Q_EMIT batchesShown();
}

void CopyPage::setBatchListShown(bool shown)
{
    m_batchView->setVisible(shown);
}

void CopyPage::selectBatch(qint64 id)
{
    m_selected = id;
    reload();
}

void CopyPage::onBatchClicked()
{
    const QModelIndex i = m_batchView->currentIndex();
    if (!i.isValid())
        return;
    selectBatch(m_batches->item(i.row(), 0)->data(Qt::UserRole).toLongLong());
}

QString CopyPage::lastMessage() const
{
    return m_message->text();
}

QString CopyPage::headerText() const
{
    return m_header->text();
}

void CopyPage::updateActions()
{
    const bool busy = m_job != nullptr;
    const bool have = m_current.has_value();
    m_plan->setEnabled(!busy && m_workspace && m_workspace->plan());
    m_approve->setEnabled(!busy && have && copyApprovalBlocker(*m_current).isEmpty());
    m_reject->setEnabled(!busy && have && copyRejectionBlocker(*m_current).isEmpty());
    m_dryRun->setEnabled(!busy && have && copyExecutionBlocker(*m_current, true).isEmpty());
    m_execute->setEnabled(
        !busy && have && copyExecutionBlocker(*m_current, false).isEmpty() &&
        std::any_of(m_current->items.begin(), m_current->items.end(), [](const CopyItem &i) { return !copystate::isSettled(i.state); }));
    m_stop->setEnabled(busy);
}

void CopyPage::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b3261e") : QString());
}

void CopyPage::onProgress(const CopyProgress &p)
{
    m_progress->setVisible(true);
    if (p.total > 0) {
        m_progress->setRange(0, p.total);
        m_progress->setValue(p.done);
    }
    m_progress->setFormat(tr("%1: %2/%3, %4 sent").arg(p.phase).arg(p.done).arg(p.total).arg(humanBytes(p.bytes)));
    showMessage(p.message, false);
    if (p.phase != u"plan") {
        m_log->setVisible(true);
        if (m_log->count() > 500)
            delete m_log->takeItem(0);
        m_log->addItem(p.message);
        m_log->scrollToBottom();
    }
}

void CopyPage::runWork(const QString &what, const CopyRequest &request, std::function<QString(const CopyOutcome &, qint64 *)> describe)
{
    if (m_job || !m_workspace)
        return;
    QString error;
    m_job.reset(m_workspace->startCopy(withBatchPlan(request, m_current), &error));
    if (!m_job) {
        showMessage(error, true);
        return;
    }
    m_log->clear();
    showMessage(what, false);
    connect(m_job.get(), &CopyJob::progress, this, &CopyPage::onProgress);
    connect(m_job.get(), &CopyJob::finished, this, [this, describe](const CopyOutcome &outcome) {
        qint64 select = 0;
        const QString message = outcome.storeError.isEmpty() ? describe(outcome, &select) : outcome.storeError;
        m_job.release()->deleteLater(); // it is signalling: let the event loop delete it
        m_progress->setVisible(false);
        if (select)
            m_selected = select;
        reload();
        showMessage(message, !outcome.storeError.isEmpty() || !outcome.refused.isEmpty());
        updateActions();
        Q_EMIT workFinished(message);
    });
    updateActions();
}

void CopyPage::planCopies(const CopyPlanOptions &options)
{
    CopyRequest r;
    r.plan = options;
    runWork(tr("Reading the manifests the missing tags are made of…"), r, [this](const CopyOutcome &o, qint64 *select) {
        const CopyPlanResult &p = o.plan;
        *select = p.batches.isEmpty() ? 0 : p.batches.first();
        QString msg = p.batches.isEmpty() ? p.notes.join(u' ')
                                          : tr("Planned %n copy batch(es): ", nullptr, int(p.batches.size())) +
                tr("%1 tag(s), %2 blob(s) to send (%3), %4 pull(s) at the source.")
                    .arg(p.items)
                    .arg(p.blobs)
                    .arg(humanBytes(p.bytes))
                    .arg(p.pulls);
        if (!p.errors.isEmpty())
            msg += u' ' + p.errors.join(QStringLiteral(" "));
        return msg;
    });
}

void CopyPage::askApproval()
{
    if (!m_current)
        return;
    const CopyBatch b = *m_current;
    QDialog d(this);
    d.setObjectName(QStringLiteral("copyDecision"));
    d.setWindowTitle(tr("Approve copy batch %1").arg(b.id));
    auto *form = new QFormLayout(&d);
    auto *text = new QLabel(tr("Copy %1 tag(s) from %2 into %3/%4, each by the digest shown; a tag the target holds is only "
                               "overwritten where the review says so.\nHash: %5")
                                .arg(b.items.size())
                                .arg(b.sourceRegistry, b.targetRegistry, b.repository, b.hash),
                            &d);
    text->setWordWrap(true);
    form->addRow(text);
    QString remembered = QSettings().value(QStringLiteral("cleanup/decided-by")).toString();
    auto *who = new QLineEdit(remembered.isEmpty() ? osUserName() : remembered, &d);
    who->setObjectName(QStringLiteral("decisionName"));
    auto *why = new QLineEdit(&d);
    why->setObjectName(QStringLiteral("decisionComment"));
    form->addRow(tr("Name"), who);
    form->addRow(tr("Comment"), why);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &d);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &d, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &d, &QDialog::reject);
    if (d.exec() != QDialog::Accepted || who->text().trimmed().isEmpty() || m_selected != b.id)
        return;
    QSettings().setValue(QStringLiteral("cleanup/decided-by"), who->text().trimmed());
    approveSelected(who->text().trimmed(), why->text(), b.hash);
}

void CopyPage::approveSelected(const QString &name, const QString &comment, const QString &expectedHash)
{
    CopyRequest r;
    r.kind = CopyRequest::Kind::Approve;
    r.batch = m_selected;
    r.actor = name;
    r.comment = comment;
    r.expectedHash = expectedHash;
    runWork(tr("Approving…"), r, [id = m_selected](const CopyOutcome &o, qint64 *select) {
        *select = id;
        return o.refused.isEmpty() ? tr("Copy batch %1 approved.").arg(id) : o.refused;
    });
}

void CopyPage::rejectSelected(const QString &name, const QString &comment)
{
    CopyRequest r;
    r.kind = CopyRequest::Kind::Reject;
    r.batch = m_selected;
    r.actor = name;
    r.comment = comment;
    runWork(tr("Rejecting…"), r, [id = m_selected](const CopyOutcome &o, qint64 *select) {
        *select = id;
        return o.refused.isEmpty() ? tr("Copy batch %1 rejected; it will never run.").arg(id) : o.refused;
    });
}

void CopyPage::runSelected(bool dryRun)
{
    CopyRequest r;
    r.kind = CopyRequest::Kind::Execute;
    r.batch = m_selected;
    r.options.dryRun = dryRun;
    r.options.actor = osUserName();
    runWork(dryRun ? tr("Checking every item against both registries…") : tr("Copying…"), r,
            [id = m_selected](const CopyOutcome &o, qint64 *select) {
                *select = id;
                if (o.runs.isEmpty())
                    return QString();
                const CopyExecResult &run = o.runs.first();
                if (!run.refused.isEmpty())
                    return run.refused;
                return tr("Copy batch %1: %2; %3 sent, %4 blob(s) mounted, %5 already there%6")
                    .arg(id)
                    .arg(run.countsText(), humanBytes(run.transfer.bytesSent))
                    .arg(run.transfer.blobsMounted)
                    .arg(run.transfer.blobsPresent)
                    .arg(run.stopped ? tr("; stopped (Copy again finishes it)") : QString());
            });
}

void CopyPage::stop()
{
    if (m_job)
        m_job->cancel();
}

} // namespace ferry
