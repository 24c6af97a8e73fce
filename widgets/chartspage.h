// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "charts/chartsview.h"
#include "core/workspace.h"

#include <QFutureWatcher>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;
class QTreeWidget;

namespace ferry {

class Workspace;

// The RFC's stage 3: per chart repository, every version's state (the HTTP index against the
// charts in OCI), the App Catalog as it will read from OCI (the last N versions per chart, and
// what the switch would lose), the Flux releases that still resolve charts over HTTP, and
// whether the HTTP repository can be retired. "Scan charts" reads both sides again.
class ChartsPage : public QWidget
{
    Q_OBJECT
public:
    explicit ChartsPage(QWidget *parent = nullptr);
    ~ChartsPage() override;

    // The workspace's network is taken here, on the GUI thread; the scans run on a pool thread.
    void setWorkspace(Workspace *workspace, bool readNow = true);
    void reload();
    // Shows one repository's versions in these states (the Overview's stage 3 bar).
    void showStates(const QString &repository, const QStringList &states);
    void scanNow();
    // Waits for the read and the scan in flight (the window, before the network threads go).
    void endWork();

    QString summary() const;
    QTableView *versionsView() const { return m_view; }
    QSortFilterProxyModel *versionsProxy() const { return m_proxy; }
    QTreeWidget *catalogTree() const { return m_catalog; }
    QTableView *releasesView() const { return m_releasesView; }
    QPlainTextEdit *retireText() const { return m_retire; }
    QComboBox *stateFilter() const { return m_state; }
    bool isScanning() const { return m_scanWatcher.isRunning(); }

Q_SIGNALS:
    void reloaded();
    void scanned(const QString &message);

private:
    void show(const ChartsData &data);
    void showRepository(int index);

    Workspace *m_workspace = nullptr;
    ChartsData m_data;
    QLabel *m_summary;
    QComboBox *m_repository;
    QComboBox *m_state;
    QLineEdit *m_filter;
    QPushButton *m_scan;
    QStandardItemModel *m_versions;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_view;
    QTreeWidget *m_catalog;
    QStandardItemModel *m_releases;
    QTableView *m_releasesView;
    QPlainTextEdit *m_retire;
    QFutureWatcher<ChartsData> m_watcher;
    QFutureWatcher<ChartsScanReport> m_scanWatcher;
    QString m_pendingRepository;
    QStringList m_pendingStates;
};

} // namespace ferry
