// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "lag/lag.h"
#include "storeworker.h"

#include <QFutureWatcher>
#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;

QT_BEGIN_NAMESPACE
class QChartView;
QT_END_NAMESPACE

namespace ferry {

class Workspace;

// How far each replica is behind its target: lag over time (p50, p90, max per period, the
// SLO as a line, items in flight at their age), a histogram against the SLO, the breaches
// and the items in flight, each linking to its row in the matrix. Lag is computed on a
// worker thread from a store connection of its own.
class ReplicationPage : public QWidget
{
    Q_OBJECT
public:
    explicit ReplicationPage(QWidget *parent = nullptr);
    ~ReplicationPage() override;

    // The session whose database the page shows; readNow false waits for reload().
    void setWorkspace(const Workspace *workspace, bool readNow = true);
    void reload();
    const LagReport &report() const { return m_report; }
    QTableWidget *breachTable() const { return m_breaches; }
    QTableWidget *inFlightTable() const { return m_inFlight; }
    QString summary() const;

Q_SIGNALS:
    void rowActivated(const QString &repository, const QString &tag);
    void reloaded();

private:
    void show(const QString &replica);

    LagReport m_report;
    QComboBox *m_replica;
    QLabel *m_summary;
    QChartView *m_overTime;
    QChartView *m_histogram;
    QTableWidget *m_breaches;
    QTableWidget *m_inFlight;
    StoreReader<LagReport> m_reader;
};

} // namespace ferry
