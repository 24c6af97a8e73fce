// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "cleanuppage.h"

#include "cleanup/cleanupengine.h"
#include "cleanupmodels.h"
#include "core/workspace.h"
#include "plan/plan.h"
#include "store/store.h"

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <utility>

namespace ferry {

namespace {

// Who decides, and why. The name is asked every time, remembered from the last decision (else
// the OS user), and never left empty: an approval names a person. refsStale, when not empty,
// says why the clusters' references are not known fresh: the decision then needs the box that
// approves without a fresh refs scan ticked, and records it.
struct Decision
{
    QString name;
    QString comment;
    bool withoutFreshRefs = false;
};

bool askDecision(QWidget *parent, const QString &title, const QString &what, const QString &refsStale, Decision *out)
{
    QDialog d(parent);
    d.setObjectName(QStringLiteral("cleanupDecision"));
    d.setWindowTitle(title);
    auto *form = new QFormLayout(&d);
    auto *text = new QLabel(what, &d);
    text->setWordWrap(true);
    form->addRow(text);
    QString remembered = QSettings().value(QStringLiteral("cleanup/decided-by")).toString();
    if (remembered.isEmpty())
        remembered = osUserName();
    auto *who = new QLineEdit(remembered, &d);
    who->setObjectName(QStringLiteral("decisionName"));
    who->setPlaceholderText(QObject::tr("who decides (recorded with the decision)"));
    auto *why = new QLineEdit(&d);
    why->setObjectName(QStringLiteral("decisionComment"));
    form->addRow(QObject::tr("Name"), who);
    form->addRow(QObject::tr("Comment"), why);
    QCheckBox *override = nullptr;
    if (!refsStale.isEmpty()) {
        auto *warning =
            new QLabel(QObject::tr("<b>The clusters' references are not known fresh:</b> %1.").arg(refsStale.toHtmlEscaped()), &d);
        warning->setWordWrap(true);
        warning->setStyleSheet(QStringLiteral("color: #b3261e"));
        form->addRow(warning);
        override = new QCheckBox(QObject::tr("Approve without a fresh refs scan (recorded with the approval, shown in the review, the "
                                             "journal and the reports)"),
                                 &d);
        override->setObjectName(QStringLiteral("withoutFreshRefs"));
        form->addRow(override);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &d);
    form->addRow(buttons);
    auto updateOk = [&] {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!who->text().trimmed().isEmpty() && (!override || override->isChecked()));
    };
    updateOk();
    QObject::connect(who, &QLineEdit::textChanged, &d, updateOk);
    if (override)
        QObject::connect(override, &QCheckBox::toggled, &d, updateOk);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &d, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &d, &QDialog::reject);
    if (d.exec() != QDialog::Accepted || who->text().trimmed().isEmpty())
        return false;
    out->name = who->text().trimmed();
    out->comment = why->text();
    out->withoutFreshRefs = override && override->isChecked();
    QSettings().setValue(QStringLiteral("cleanup/decided-by"), out->name);
    return true;
}

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

} // namespace

CleanupPage::CleanupPage(QWidget *parent)
    : QWidget(parent)
    , m_batches(new CleanupBatchModel(this))
    , m_items(new CleanupItemModel(this))
    , m_batchView(new QTableView(this))
    , m_itemView(new QTableView(this))
    , m_header(new QLabel(this))
    , m_detail(new QTextBrowser(this))
    , m_message(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_log(new QListWidget(this))
{
    m_plan = new QPushButton(tr("Plan cleanup"), this);
    m_approve = new QPushButton(tr("Approve…"), this);
    m_reject = new QPushButton(tr("Reject…"), this);
    m_remove = new QPushButton(tr("Remove selected items"), this);
    m_dryRun = new QPushButton(tr("Dry run"), this);
    m_execute = new QPushButton(tr("Execute"), this);
    m_stop = new QPushButton(tr("Stop"), this);
    m_plan->setToolTip(tr("Read the registries the plan's cleanup policies name and propose batches. Nothing is deleted."));
    m_approve->setToolTip(tr("Record who approves exactly this batch (its hash)."));
    m_remove->setToolTip(tr("Make a new batch without the selected items; it needs its own approval."));
    m_dryRun->setToolTip(tr("The same path as Execute, with every check; only the DELETE is skipped."));
    m_execute->setToolTip(tr("Delete the approved items, each re-checked right before its DELETE and journaled."));
    auto *buttons = new QHBoxLayout;
    for (QPushButton *b : {m_plan, m_approve, m_reject, m_remove, m_dryRun, m_execute, m_stop})
        buttons->addWidget(b);
    buttons->addStretch(1);

    for (QTableView *v : {m_batchView, m_itemView}) {
        v->setSelectionBehavior(QAbstractItemView::SelectRows);
        v->verticalHeader()->hide();
        v->horizontalHeader()->setStretchLastSection(false);
        v->setAlternatingRowColors(true);
        v->setWordWrap(false);
    }
    m_batchView->setModel(m_batches);
    m_batchView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_batchView->horizontalHeader()->setSectionResizeMode(CleanupBatchModel::RepositoryColumn, QHeaderView::Stretch);
    m_itemView->setModel(m_items);
    m_itemView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_itemView->horizontalHeader()->setSectionResizeMode(CleanupItemModel::WhyColumn, QHeaderView::Stretch);
    m_itemView->setColumnWidth(CleanupItemModel::TagsColumn, 300);
    m_header->setWordWrap(true);
    m_header->setTextFormat(Qt::RichText);
    m_message->setWordWrap(true);
    m_progress->setVisible(false);
    m_log->setVisible(false);
    m_log->setMaximumHeight(110);

    auto *itemsBox = new QWidget(this);
    auto *itemsLayout = new QVBoxLayout(itemsBox);
    itemsLayout->setContentsMargins(0, 0, 0, 0);
    itemsLayout->addWidget(m_header);
    itemsLayout->addWidget(m_itemView, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_batchView);
    split->addWidget(itemsBox);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 4);
    split->setStretchFactor(2, 2);
    split->setSizes({260, 330, 160});

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_message);
    layout->addWidget(m_progress);
    layout->addWidget(m_log);
    layout->addWidget(split, 1);

    connect(m_batchView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &CleanupPage::onBatchSelected);
    connect(&m_watcher, &QFutureWatcher<CleanupPageData>::finished, this, [this] {
        m_reading = false;
        show(m_watcher.result());
        if (std::exchange(m_reloadAgain, false))
            reload();
        else if (m_afterReload)
            std::exchange(m_afterReload, {})();
    });
    connect(m_itemView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &CleanupPage::onItemSelected);
    connect(m_itemView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &CleanupPage::updateActions);
    connect(m_plan, &QPushButton::clicked, this, &CleanupPage::planCleanup);
    connect(m_approve, &QPushButton::clicked, this, &CleanupPage::askApproval);
    connect(m_reject, &QPushButton::clicked, this, [this] {
        Decision d;
        if (askDecision(this, tr("Reject batch %1").arg(selectedBatch()),
                        tr("A rejected batch is never executed, nor approved again: to change your mind, plan again."), {}, &d))
            rejectSelected(d.name, d.comment);
    });
    connect(m_remove, &QPushButton::clicked, this,
            [this] { removeSelectedItems(batchActor(QSettings().value(QStringLiteral("cleanup/decided-by")).toString()), QString()); });
    connect(m_dryRun, &QPushButton::clicked, this, [this] { runSelected(true); });
    connect(m_execute, &QPushButton::clicked, this, [this] {
        const CleanupBatch *b = m_batches->batchAt(m_batchView->currentIndex().row());
        if (!b)
            return;
        const auto answer = QMessageBox::question(
            this, tr("Execute batch %1").arg(b->id),
            tr("Delete %1 digest(s) from %2/%3? This cannot be undone.\nEach item is re-checked right before its DELETE; "
               "an item whose tags changed since approval is skipped.")
                .arg(b->deleteCount)
                .arg(b->registry, b->repository));
        if (answer == QMessageBox::Yes)
            runSelected(false);
    });
    connect(m_stop, &QPushButton::clicked, this, &CleanupPage::stop);
    updateActions();
}

// A job still running is cancelled by its destructor and ends its current item first.
CleanupPage::~CleanupPage()
{
    m_job.reset();
    m_watcher.waitForFinished();
}

void CleanupPage::setWorkspace(Workspace *workspace)
{
    m_workspace = workspace;
    m_planData = workspace ? workspace->plan() : nullptr;
    m_dbPath = workspace ? workspace->databasePath() : QString();
    reload();
}

void CleanupPage::reload()
{
    if (!m_workspace) {
        show({});
        return;
    }
    if (m_reading) {
        m_reloadAgain = true;
        return;
    }
    m_reading = true;
    const qint64 wanted = m_wanted ? m_wanted : selectedBatch();
    m_watcher.setFuture(readCleanupBatches(*m_workspace, wanted));
}

void CleanupPage::show(const CleanupPageData &data)
{
    if (!data.error.isEmpty()) {
        showMessage(data.error, true);
        return;
    }
    {
        const QSignalBlocker block(m_batchView->selectionModel());
        m_batches->setBatches(data.batches);
        const int row = data.shown ? m_batches->rowOf(data.shown->id) : -1;
        if (row >= 0)
            m_batchView->setCurrentIndex(m_batches->index(row, 0));
    }
    for (int c : {int(CleanupBatchModel::IdColumn), int(CleanupBatchModel::StatusColumn), int(CleanupBatchModel::DeletesColumn),
                  int(CleanupBatchModel::HeldColumn), int(CleanupBatchModel::SizeColumn), int(CleanupBatchModel::DecidedColumn),
                  int(CleanupBatchModel::HashColumn)})
        m_batchView->resizeColumnToContents(c);
    m_full = data.shown;
    m_list = data.batches;
    m_lastRefs = data.lastRefs;
    // A batch asked for while this read was under way is read next (the window's --batch at start).
    if (!m_reloadAgain || (data.shown && data.shown->id == m_wanted))
        m_wanted = 0;
    showSelected();
    const QString empty = !m_planData
        ? tr("Open a plan with cleanup policies to plan a cleanup.")
        : tr("No cleanup batches yet. 'Plan cleanup' reads the registries and proposes some; nothing is deleted without approval.");
    if (m_batches->rowCount() == 0 && m_message->text().isEmpty())
        showMessage(empty, false);
    else if (m_batches->rowCount() > 0 && m_message->text() == empty)
        showMessage({}, false); // batches arrived (another writer's plan): the empty-state text goes
    updateActions();
    Q_EMIT batchesShown();
}

qint64 CleanupPage::selectedBatch() const
{
    const CleanupBatch *b = m_batches->batchAt(m_batchView->currentIndex().row());
    return b ? b->id : 0;
}

void CleanupPage::setBatchListShown(bool shown)
{
    m_batchView->setVisible(shown);
}

void CleanupPage::selectBatch(qint64 id)
{
    const int row = m_batches->rowOf(id);
    if (row >= 0) {
        const QSignalBlocker block(m_batchView->selectionModel());
        m_batchView->setCurrentIndex(m_batches->index(row, 0));
    }
    m_wanted = id;
    reload();
}

// The user moved to another batch: its items are read, then shown.
void CleanupPage::onBatchSelected()
{
    const qint64 id = selectedBatch();
    if (m_full && m_full->id == id) {
        showSelected();
        return;
    }
    m_wanted = id;
    reload();
}

void CleanupPage::showSelected()
{
    const CleanupBatch *b = m_batches->batchAt(m_batchView->currentIndex().row());
    const std::optional<CleanupBatch> &full = m_full;
    if (!b || !full || full->id != b->id) {
        m_items->setItems({});
        m_header->clear();
        m_detail->clear();
        updateActions();
        return;
    }
    m_items->setItems(full ? full->items : QList<CleanupItem>());
    m_itemView->resizeColumnToContents(CleanupItemModel::SeqColumn);
    m_itemView->resizeColumnToContents(CleanupItemModel::ActionColumn);
    m_itemView->resizeColumnToContents(CleanupItemModel::DigestColumn);
    m_itemView->resizeColumnToContents(CleanupItemModel::PolicyColumn);
    m_itemView->resizeColumnToContents(CleanupItemModel::StateColumn);
    QString header =
        tr("<b>Batch %1</b> · %2/%3 · policies %4 · listed %5%6<br>"
           "<b>%7</b> to delete (%8), <b>%9</b> held back · hash <code>%10</code>")
            .arg(b->id)
            .arg(esc(b->registry), esc(b->repository), esc(b->policies),
                 b->listedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                 b->listingComplete ? QString()
                                    : tr(" · <span style='color:#b3261e'>INCOMPLETE listing: %1</span>").arg(esc(b->listingNote)))
            .arg(b->deleteCount)
            .arg(humanBytes(b->bytes))
            .arg(b->keepCount)
            .arg(b->hash.mid(7, 16));
    if (!b->decidedBy.isEmpty())
        header += tr("<br>%1 by <b>%2</b> at %3%4")
                      .arg(b->status == batchstatus::Rejected ? tr("Rejected") : tr("Approved"), esc(b->decidedBy),
                           b->decidedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                           b->comment.isEmpty() ? QString() : QStringLiteral(": “%1”").arg(esc(b->comment)));
    if (b->refsScan)
        header += tr("<br>Clusters: refs scan %1 of %2; what they run, pin and name is held back")
                      .arg(b->refsScan)
                      .arg(b->refsAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    else if (b->refsRequired)
        header += tr("<br><span style='color:#b3261e'>Planned without a refs scan: what the clusters run and pin was not asked.</span>");
    if (!b->refsOverride.isEmpty())
        header += tr("<br><span style='color:#b3261e'><b>Approved without a fresh refs scan:</b> %1</span>").arg(esc(b->refsOverride));
    if (full && full->recomputedHash() != b->hash)
        header += tr("<br><span style='color:#b3261e'><b>ALTERED:</b> the items no longer hash to the planned hash; this batch cannot be "
                     "approved or executed.</span>");
    m_header->setText(header);
    if (m_items->rowCount() > 0)
        m_itemView->setCurrentIndex(m_items->index(0, 0));
    else
        m_detail->clear();
    updateActions();
}

void CleanupPage::onItemSelected()
{
    const CleanupItem *i = m_items->itemAt(m_itemView->currentIndex().row());
    if (!i) {
        m_detail->clear();
        return;
    }
    QString html =
        tr("<b>%1. %2</b> <code>%3</code><br>").arg(i->seq).arg(i->action == u"delete" ? tr("Delete") : tr("Keep"), esc(i->digest));
    html +=
        tr("<b>Tags that go with it:</b> %1<br>").arg(i->tags.isEmpty() ? tr("none (untagged)") : esc(i->tags.join(QStringLiteral(", "))));
    html += tr("<b>Policy:</b> %1 — %2<br>").arg(esc(i->policy), esc(i->reason));
    if (i->ageFrom.isValid())
        html += tr("<b>Age from:</b> %1 (%2)<br>")
                    .arg(i->ageFrom.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")), esc(i->ageSource));
    if (!i->holdReason.isEmpty())
        html += tr("<b>Held back:</b> %1<br>").arg(esc(i->holdReason));
    if (i->action == u"delete" && !i->checks.isEmpty())
        html += tr("<b>Checks passed:</b> %1<br>").arg(esc(i->checks.join(QStringLiteral("; "))));
    if (!i->parents.isEmpty())
        html += tr("<b>Deleted after its index:</b> %1<br>").arg(esc(i->parents.join(QStringLiteral(", "))));
    if (!i->verifyIn.isEmpty())
        html += tr("<b>Verified again right before deleting in:</b> %1<br>").arg(esc(i->verifyIn.join(QStringLiteral(", "))));
    html += tr("<b>State:</b> %1%2").arg(esc(i->state), i->outcome.isEmpty() ? QString() : QStringLiteral(" — ") + esc(i->outcome));
    m_detail->setHtml(html);
}

void CleanupPage::updateActions()
{
    const CleanupBatch *b = m_batches->batchAt(m_batchView->currentIndex().row());
    const bool busy = isBusy();
    const bool ready = !busy && b && m_workspace && !m_dbPath.isEmpty();
    const QString s = b ? b->status : QString();
    m_plan->setEnabled(!busy && m_planData && !m_dbPath.isEmpty());
    const QString approvalBlocked = b ? approvalBlocker(*b) : QString();
    m_approve->setEnabled(ready && approvalBlocked.isEmpty());
    m_approve->setToolTip(approvalBlocked.isEmpty() ? tr("Record who approves exactly this batch (its hash).") : approvalBlocked);
    m_reject->setEnabled(ready && (s == batchstatus::Planned || s == batchstatus::Approved));
    bool deleteSelected = false;
    for (const QModelIndex &i : m_itemView->selectionModel()->selectedRows())
        deleteSelected = deleteSelected || i.data(CleanupItemModel::ActionRole).toString() == u"delete";
    m_remove->setEnabled(ready && deleteSelected && (s == batchstatus::Planned || s == batchstatus::Approved));
    m_dryRun->setEnabled(ready && b->listingComplete &&
                         (s == batchstatus::Planned || s == batchstatus::Approved || s == batchstatus::Executing));
    m_execute->setEnabled(ready && b->listingComplete && (s == batchstatus::Approved || s == batchstatus::Executing));
    m_stop->setEnabled(busy);
}

void CleanupPage::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b3261e; font-weight: bold") : QString());
}

QString CleanupPage::headerText() const
{
    return m_header->text();
}

QString CleanupPage::lastMessage() const
{
    return m_message->text();
}

void CleanupPage::onProgress(const CleanupProgress &p)
{
    m_progress->setVisible(true);
    m_progress->setRange(0, qMax(1, p.total));
    m_progress->setValue(p.done);
    m_progress->setFormat(tr("%1: %2/%3").arg(p.phase).arg(p.done).arg(p.total));
    showMessage(p.message, false);
    if (p.phase != u"plan") {
        m_log->setVisible(true);
        m_log->addItem(p.message);
        m_log->scrollToBottom();
        // "deleted sha256:…: message": move the row's state as the journal does.
        const QString state = p.message.section(u' ', 0, 0);
        for (int r = 0; r < m_items->rowCount(); ++r) {
            const CleanupItem *i = m_items->itemAt(r);
            if (i && p.message.section(u' ', 1, 1).startsWith(i->digest.left(19)) && i->action == u"delete")
                m_items->setState(i->seq, state, p.message.section(QStringLiteral(": "), 1));
        }
    }
}

void CleanupPage::runWork(const QString &what, const CleanupRequest &request, std::function<Outcome(const CleanupOutcome &)> describe)
{
    if (m_job || !m_workspace || m_dbPath.isEmpty())
        return;
    QString error;
    m_job.reset(m_workspace->startCleanup(withBatchPlan(request, m_full), &error));
    if (!m_job) {
        showMessage(error, true);
        return;
    }
    m_log->clear();
    showMessage(what, false);
    connect(m_job.get(), &CleanupJob::progress, this, &CleanupPage::onProgress);
    connect(m_job.get(), &CleanupJob::finished, this, [this, describe](const CleanupOutcome &outcome) {
        const Outcome o = outcome.storeError.isEmpty() ? describe(outcome) : Outcome{outcome.storeError, true, 0};
        m_job.release()->deleteLater(); // it is signalling: let the event loop delete it
        m_progress->setVisible(false);
        // Said once the page shows what the work left in the store.
        m_afterReload = [this, o] {
            showMessage(o.message, o.error);
            updateActions();
            Q_EMIT workFinished(o.message);
        };
        m_wanted = o.select ? o.select : selectedBatch();
        reload();
    });
    updateActions();
}

void CleanupPage::planCleanup()
{
    runWork(tr("Reading the registries the cleanup policies name…"), CleanupRequest{}, [](const CleanupOutcome &outcome) {
        const CleanupPlanResult &r = outcome.plan;
        QString msg = tr("Planned %n batch(es): ", nullptr, int(r.batches.size())) +
            tr("%1 deletion(s) proposed, %2 held back by the safety checks.").arg(r.deleteItems).arg(r.keepItems);
        if (!r.errors.isEmpty())
            msg += u' ' + r.errors.join(QStringLiteral(" "));
        return Outcome{msg, !r.errors.isEmpty(), r.batches.isEmpty() ? 0 : r.batches.first()};
    });
}

QString CleanupPage::refsStalenessOfSelected() const
{
    const CleanupBatch *b = m_batches->batchAt(m_batchView->currentIndex().row());
    return b ? refsStaleness(*b, m_lastRefs, QDateTime::currentDateTimeUtc()) : QString();
}

void CleanupPage::askApproval()
{
    const CleanupBatch *b = m_batches->batchAt(m_batchView->currentIndex().row());
    if (!b)
        return;
    const qint64 id = b->id;
    const QString hash = b->hash;
    Decision d;
    if (askDecision(this, tr("Approve batch %1").arg(id),
                    tr("Approve deleting %1 digest(s) (%2) from %3/%4 with every tag on them.\nHash: %5")
                        .arg(b->deleteCount)
                        .arg(humanBytes(b->bytes), b->registry, b->repository, hash),
                    refsStalenessOfSelected(), &d) &&
        selectedBatch() == id)
        approveSelected(d.name, d.comment, d.withoutFreshRefs, hash);
}

void CleanupPage::approveSelected(const QString &name, const QString &comment, bool withoutFreshRefs, const QString &expectedHash)
{
    const qint64 id = selectedBatch();
    CleanupRequest request;
    request.kind = CleanupRequest::Kind::Approve;
    request.batch = id;
    request.actor = name;
    request.comment = comment;
    request.withoutFreshRefs = withoutFreshRefs;
    request.expectedHash = expectedHash; // what the lead saw is what is approved
    runWork(tr("Approving batch %1…").arg(id), request, [id, name](const CleanupOutcome &outcome) {
        const QString &err = outcome.refused;
        return err.isEmpty() ? Outcome{tr("Batch %1 approved by %2.").arg(id).arg(name.trimmed()), false, id} : Outcome{err, true, id};
    });
}

void CleanupPage::rejectSelected(const QString &name, const QString &comment)
{
    const qint64 id = selectedBatch();
    CleanupRequest request;
    request.kind = CleanupRequest::Kind::Reject;
    request.batch = id;
    request.actor = name;
    request.comment = comment;
    runWork(tr("Rejecting batch %1…").arg(id), request, [id](const CleanupOutcome &outcome) {
        const QString &err = outcome.refused;
        return err.isEmpty() ? Outcome{tr("Batch %1 rejected.").arg(id), false, id} : Outcome{err, true, id};
    });
}

void CleanupPage::removeSelectedItems(const QString &name, const QString &comment)
{
    const qint64 id = selectedBatch();
    QList<int> seqs;
    for (const QModelIndex &i : m_itemView->selectionModel()->selectedRows())
        if (i.data(CleanupItemModel::ActionRole).toString() == u"delete")
            seqs << i.data(CleanupItemModel::SeqRole).toInt();
    if (seqs.isEmpty())
        return;
    CleanupRequest request;
    request.kind = CleanupRequest::Kind::RemoveItems;
    request.batch = id;
    request.seqs = seqs;
    request.actor = name;
    request.comment = comment;
    runWork(tr("Making a new batch without %n item(s)…", nullptr, int(seqs.size())), request, [id](const CleanupOutcome &outcome) {
        const qint64 nb = outcome.newBatch;
        const QString &err = outcome.refused;
        return err.isEmpty() ? Outcome{tr("Batch %1 replaces batch %2; review and approve it.").arg(nb).arg(id), false, nb}
                             : Outcome{err, true, id};
    });
}

void CleanupPage::runSelected(bool dryRun)
{
    const qint64 id = selectedBatch();
    CleanupRequest request;
    request.kind = CleanupRequest::Kind::Execute;
    request.batch = id;
    request.options.dryRun = dryRun;
    runWork(dryRun ? tr("Dry run of batch %1…").arg(id) : tr("Executing batch %1…").arg(id), request,
            [id, dryRun](const CleanupOutcome &outcome) {
                if (outcome.runs.isEmpty())
                    return Outcome{tr("Batch %1: nothing ran").arg(id), true, id};
                const CleanupExecResult &r = outcome.runs.first();
                if (!r.refused.isEmpty())
                    return Outcome{tr("Refused: %1").arg(r.refused), true, id};
                return Outcome{(dryRun ? tr("Dry run of batch %1: %2").arg(id) : tr("Batch %1: %2").arg(id)).arg(r.countsText()) +
                                   (r.stopped ? tr(" (stopped; Execute again to finish)") : QString()),
                               r.hasFailures() || r.stopped, id};
            });
}

void CleanupPage::stop()
{
    if (m_job)
        m_job->cancel();
}

} // namespace ferry
