// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "core/batchreads.h"
#include "core/cleanupjob.h"
#include "plan/plan.h"

#include <QFutureWatcher>
#include <QWidget>

#include <functional>
#include <memory>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableView;
class QTextBrowser;

namespace ferry {

// What the page reads off the GUI thread: the batches, the one shown in full, the last refs scan.
using CleanupPageData = CleanupBatchesRead;

class CleanupBatchModel;
class CleanupItemModel;
class Store;
class Workspace;

// Review and execution of cleanup batches: the batches with counts and bytes; each item
// with every tag that goes with it, why it is proposed or why it stays, the checks it
// passed and its journal state. Approve, reject, remove items, dry run, execute. Work runs
// as the workspace's cleanup jobs (a thread and store connection of their own); the page
// reads through the workspace's reads, never on the GUI thread.
class CleanupPage : public QWidget
{
    Q_OBJECT
public:
    explicit CleanupPage(QWidget *parent = nullptr);
    ~CleanupPage() override;

    // The session: its plan (maybe none), its database and read connection; the page's work
    // runs as the workspace's cleanup jobs. Call again when the plan or the database changes.
    void setWorkspace(Workspace *workspace);
    // Reads the batches again (off the GUI thread); the page shows them when the read is back.
    void reload();
    // A read is under way (or another is asked for after it).
    bool isLoading() const { return m_reading || m_reloadAgain; }
    // The batch whose items and header are shown; 0: none.
    qint64 shownBatch() const { return m_full ? m_full->id : 0; }

    qint64 selectedBatch() const;
    // The batches as last read (without their items), for the Batches page's list.
    const QList<CleanupBatch> &batches() const { return m_list; }
    // Inside the Batches page, whose list takes the place of this page's own.
    void setBatchListShown(bool shown);
    // Selects the batch and shows it once its items are read.
    void selectBatch(qint64 id);
    // The actions behind the buttons, without their dialogs (the tests drive these).
    void planCleanup();
    // Asks who approves (and, when the refs scan is missing or stale, for the override), then
    // approves the hash the lead saw.
    void askApproval();
    void approveSelected(const QString &name, const QString &comment, bool withoutFreshRefs = false, const QString &expectedHash = {});
    // Why approving the selected batch needs an override, or empty (refsStaleness).
    QString refsStalenessOfSelected() const;
    void rejectSelected(const QString &name, const QString &comment);
    void removeSelectedItems(const QString &name, const QString &comment);
    void runSelected(bool dryRun);
    void stop();
    // Stops the running job and waits for its item in flight to end (the window calls it
    // before the network threads go).
    void endWork() { m_job.reset(); }
    bool isBusy() const { return m_job != nullptr; }

    CleanupBatchModel *batchModel() const { return m_batches; }
    CleanupItemModel *itemModel() const { return m_items; }
    QTableView *itemView() const { return m_itemView; }
    QString lastMessage() const;
    QPushButton *approveButton() const { return m_approve; }
    QString headerText() const; // the selected batch's header, as shown

Q_SIGNALS:
    void workFinished(const QString &message);
    void batchesShown(); // a read is shown: the list and the batch

private:
    struct Outcome
    {
        QString message;
        bool error = false;
        qint64 select = 0;
    };
    void runWork(const QString &what, const CleanupRequest &request, std::function<Outcome(const CleanupOutcome &)> describe);
    void show(const CleanupPageData &data);
    void showSelected();
    void onBatchSelected();
    void onItemSelected();
    void updateActions();
    void showMessage(const QString &text, bool error);
    void onProgress(const CleanupProgress &p);

    std::shared_ptr<const Plan> m_planData;
    QString m_dbPath;
    Workspace *m_workspace = nullptr;
    QFutureWatcher<CleanupPageData> m_watcher;
    bool m_reading = false; // from the read's start until the page has shown its result
    bool m_reloadAgain = false;
    qint64 m_wanted = 0; // the batch to show once the next read is back
    std::optional<CleanupBatch> m_full; // the batch shown, with its items
    QList<CleanupBatch> m_list;
    std::optional<RefsScanInfo> m_lastRefs;
    std::function<void()> m_afterReload; // a job's outcome, said once the page shows its result
    CleanupBatchModel *m_batches;
    CleanupItemModel *m_items;
    QTableView *m_batchView;
    QTableView *m_itemView;
    QLabel *m_header;
    QTextBrowser *m_detail;
    QLabel *m_message;
    QProgressBar *m_progress;
    QListWidget *m_log;
    QPushButton *m_plan, *m_approve, *m_reject, *m_remove, *m_dryRun, *m_execute, *m_stop;
    std::unique_ptr<CleanupJob> m_job;
};

} // namespace ferry
