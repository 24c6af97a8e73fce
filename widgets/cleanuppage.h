// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "plan/plan.h"

#include <QFutureWatcher>
#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableView;
class QTextBrowser;

namespace ferry {

class CleanupBatchModel;
class CleanupItemModel;
class CleanupEngine;
class NetworkService;
class Store;
struct CleanupProgress;

// Review and execution of cleanup batches: the batches with counts and bytes; each item
// with every tag that goes with it, why it is proposed or why it stays, the checks it
// passed and its journal state. Approve, reject, remove items, dry run, execute. Work runs
// on a worker thread with a store connection of its own; the page only reads.
class CleanupPage : public QWidget
{
    Q_OBJECT
public:
    explicit CleanupPage(QWidget *parent = nullptr);
    ~CleanupPage() override;

    // The session's plan (nullptr: none open), its database, the window's read connection and network.
    void setContext(std::shared_ptr<const Plan> plan, const QString &dbPath, Store *readStore, NetworkService *network);
    void reload();

    qint64 selectedBatch() const;
    void selectBatch(qint64 id);
    // The actions behind the buttons, without their dialogs (the tests drive these).
    void planCleanup();
    void approveSelected(const QString &name, const QString &comment);
    void rejectSelected(const QString &name, const QString &comment);
    void removeSelectedItems(const QString &name, const QString &comment);
    void runSelected(bool dryRun);
    void stop();
    bool isBusy() const { return m_watcher.isRunning(); }

    CleanupBatchModel *batchModel() const { return m_batches; }
    CleanupItemModel *itemModel() const { return m_items; }
    QTableView *itemView() const { return m_itemView; }
    QString lastMessage() const;

Q_SIGNALS:
    void workFinished(const QString &message);

private:
    struct Outcome
    {
        QString message;
        bool error = false;
        qint64 select = 0;
    };
    void runWork(const QString &what, std::function<Outcome(CleanupEngine &)> work);
    void onBatchSelected();
    void onItemSelected();
    void updateActions();
    void showMessage(const QString &text, bool error);
    void onProgress(const CleanupProgress &p);

    std::shared_ptr<const Plan> m_planData;
    QString m_dbPath;
    Store *m_store = nullptr;
    NetworkService *m_network = nullptr;
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
    QFutureWatcher<Outcome> m_watcher;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace ferry
