// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "clients/clientsview.h"

#include <QFutureWatcher>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;

QT_BEGIN_NAMESPACE
class QChartView;
QT_END_NAMESPACE

namespace ferry {

class Workspace;

// The clients' side: per cluster and registry pulled from, how many references and how many
// can switch; every reference with its state and where it is written; the burn-down over the
// refs scans; and the containerd hosts.toml the plan asks for, highlighted. Double-clicking a
// reference opens its matrix row.
class ClientsPage : public QWidget
{
    Q_OBJECT
public:
    explicit ClientsPage(QWidget *parent = nullptr);
    ~ClientsPage() override;

    void setWorkspace(const Workspace *workspace, bool readNow = true);
    void reload();
    // A refs scan from the window: the clusters' files read again, joined, and recorded (the
    // burn-down and what they run, for cleanup), as ferryctl refs scan does; refsRecorded says how it went.
    void recordRefsScan();
    QPushButton *recordButton() const { return m_record; }
    QString summary() const;
    QTableView *clustersView() const { return m_clustersView; }
    QTableView *referencesView() const { return m_refsView; }
    QSortFilterProxyModel *referencesProxy() const { return m_refsProxy; }
    QPlainTextEdit *hostsText() const { return m_hosts; }

Q_SIGNALS:
    void reloaded();
    void matrixRowRequested(const QString &repository, const QString &tag);
    void refsRecorded(const QString &message);

private:
    void read(bool record);
    void show(const ClientsData &data);
    void showBurnDown(const QList<ClientCount> &history);

    const Workspace *m_workspace = nullptr;
    ClientsData m_data;
    QLabel *m_summary;
    QStandardItemModel *m_clusters;
    QTableView *m_clustersView;
    QStandardItemModel *m_refs;
    QSortFilterProxyModel *m_refsProxy;
    QTableView *m_refsView;
    QPlainTextEdit *m_hosts;
    QChartView *m_chart;
    QPushButton *m_record;
    QFutureWatcher<ClientsData> m_watcher;
};

} // namespace ferry
