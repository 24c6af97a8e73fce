// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "report/report.h"
#include "storeworker.h"

#include <QFutureWatcher>
#include <QMap>
#include <QWidget>

class QGridLayout;
class QLabel;
class QVBoxLayout;

QT_BEGIN_NAMESPACE
class QChartView;
QT_END_NAMESPACE

namespace ferry {

class Workspace;

class SyncMatrixModel;

// Where the migration stands: progress of each RFC stage the plan can measure, rows per
// state (each a link to the matrix behind it), and a chart of those counts over time.
// Stages and history are read on a worker thread from a store connection of its own.
class OverviewPage : public QWidget
{
    Q_OBJECT
public:
    explicit OverviewPage(SyncMatrixModel *model, QWidget *parent = nullptr);
    ~OverviewPage() override;
    void refresh();
    // readNow false: the window reads the pages once the matrix is in (it comes first).
    // The session whose database the page shows; readNow false waits for reload().
    void setWorkspace(const Workspace *workspace, bool readNow = true);
    void reloadHistory();
    // The figures to show: read by reloadHistory, or derived by the window from its snapshot
    // of the matrix (collectProgress), which spares the store a second read of every row.
    void showProgress(const ReportData &data);
    QStringList stageTexts() const;
    QStringList stageWork() const; // each stage's work line, where it has one
    // "registry state count" for every number of the per-registry table (tests read it).
    QStringList registryCountTexts() const;
    int trendPoints() const { return int(m_data.trend.size()); }

Q_SIGNALS:
    void stateActivated(const QString &state);
    // A stage's open part or a registry's count: cells of registry in states (rows when empty).
    void matrixRequested(const QString &registry, const QStringList &states);
    // A stage 3 bar: the chart matrix of that chart repository, in those states.
    void chartsRequested(const QString &repository, const QStringList &states);
    // A stage's work line: the page the work is done on ("copies").
    void pageRequested(const QString &page);
    void historyReloaded();

private:
    SyncMatrixModel *m_model;
    QLabel *m_headline;
    QGridLayout *m_tiles;
    QMap<QString, QLabel *> m_counts;
    QVBoxLayout *m_stages;
    QGridLayout *m_registryCounts;
    QChartView *m_trend;
    ReportData m_data;
    StoreReader<ReportData> m_reader;
};

} // namespace ferry
