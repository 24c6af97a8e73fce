// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QWidget>

class QLabel;
class QStackedWidget;
class QTabBar;
class QStandardItemModel;
class QTableView;

namespace ferry {

class CleanupPage;
class CopyPage;

// Every batch the lead decides on, cleanup and copy, in one list with its kind: the newest first,
// what it works on, its items and who decided. The batch selected opens below in its kind's page
// (review, approve by hash, dry run, run with progress), whose own list is not shown. The two
// pages read their batches; this list is made from what they show, so both always agree.
class BatchesPage : public QWidget
{
    Q_OBJECT
public:
    BatchesPage(CleanupPage *cleanup, CopyPage *copies, QWidget *parent = nullptr);

    // "cleanup" or "copy": the kind's page below, on the batch it shows.
    void showKind(const QString &kind);
    QString shownKind() const;
    QStandardItemModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QTabBar *kindTabs() const { return m_kinds; }

private:
    void rebuild();
    void onRowChanged();
    void selectShown();

    CleanupPage *m_cleanup;
    CopyPage *m_copies;
    QStandardItemModel *m_model;
    QTableView *m_view;
    QLabel *m_summary;
    QTabBar *m_kinds; // Cleanup, Copies: the review below, and its Plan button, with no batch yet
    QStackedWidget *m_detail;
};

} // namespace ferry
