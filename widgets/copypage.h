// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "core/batchreads.h"
#include "core/copyjob.h"

#include <QFutureWatcher>
#include <QWidget>

#include <memory>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace ferry {

class Workspace;

// What the page shows, read on a pool thread: the batches, and the selected one with its items.
using CopyPageData = CopyBatchesRead;

// Copy batches: what each copies from which source into which target repository, its items
// (tag, digest, what the copy does to the target's tag, state and message), approval by hash,
// dry run, execution with progress in items and bytes, and Docker Hub's budget pauses when they
// happen. Work runs as the workspace's copy jobs; reads run on a pool thread.
class CopyPage : public QWidget
{
    Q_OBJECT
public:
    explicit CopyPage(QWidget *parent = nullptr);
    ~CopyPage() override;

    void setWorkspace(Workspace *workspace);
    void reload();

    qint64 selectedBatch() const { return m_selected; }
    // The batches as last read (without their items), for the Batches page's list.
    const QList<CopyBatch> &batches() const { return m_list; }
    // Inside the Batches page, whose list takes the place of this page's own.
    void setBatchListShown(bool shown);
    void selectBatch(qint64 id);
    // The actions behind the buttons, without their dialogs (the tests drive these).
    void planCopies(const CopyPlanOptions &options = {});
    void askApproval();
    void approveSelected(const QString &name, const QString &comment, const QString &expectedHash = {});
    void rejectSelected(const QString &name, const QString &comment);
    void runSelected(bool dryRun);
    void stop();
    void endWork() { m_job.reset(); }
    bool isBusy() const { return m_job != nullptr; }
    // A read is under way, or done but not shown yet, or another is asked for after it.
    bool isReading() const { return m_reading || m_reloadAgain; }

    QStandardItemModel *batchModel() const { return m_batches; }
    QStandardItemModel *itemModel() const { return m_items; }
    QString lastMessage() const;
    QString headerText() const;

Q_SIGNALS:
    void workFinished(const QString &message);
    void batchesShown(); // a read is shown: the list and the batch

private:
    void show(const CopyPageData &data);
    void onBatchClicked();
    void onProgress(const CopyProgress &p);
    void updateActions();
    void showMessage(const QString &text, bool error);
    void runWork(const QString &what, const CopyRequest &request, std::function<QString(const CopyOutcome &, qint64 *select)> describe);

    Workspace *m_workspace = nullptr;
    QStandardItemModel *m_batches;
    QStandardItemModel *m_items;
    QTableView *m_batchView;
    QTableView *m_itemView;
    QLabel *m_header;
    QLabel *m_message;
    QProgressBar *m_progress;
    QListWidget *m_log;
    QPushButton *m_plan;
    QPushButton *m_approve;
    QPushButton *m_reject;
    QPushButton *m_dryRun;
    QPushButton *m_execute;
    QPushButton *m_stop;
    QFutureWatcher<CopyPageData> m_watcher;
    std::optional<CopyBatch> m_current;
    QList<CopyBatch> m_list;
    qint64 m_selected = 0;
    bool m_reading = false; // from the read's start until the page has shown its result
    bool m_reloadAgain = false;
    std::unique_ptr<CopyJob> m_job;
};

} // namespace ferry
