// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "lag/lag.h"

#include <QDateTime>
#include <QStringList>

namespace ferry {
struct Plan;
struct ScanProgress;
struct ScanSummary;
class Store;
} // namespace ferry

namespace ferry::cli {

// One line for a replica: percentiles, breaches, in flight, resolution.
QString lagSummaryLine(const ReplicaLag &rl);

// ferryctl watch's full-screen terminal view (ncurses): per registry the counts by state
// and whether it answered, per replica the lag percentiles, breaches and the oldest items
// in flight, the last errors, and the countdown to the next round. Drawn from the main
// thread; keys are read without blocking from poll().
class WatchView
{
public:
    enum class Action { None, Quit, ScanNow };
    WatchView(const Plan &plan, Store &store);
    ~WatchView();
    WatchView(const WatchView &) = delete;
    WatchView &operator=(const WatchView &) = delete;

    void scanStarted(int round, bool full);
    void scanProgress(const ScanProgress &p);
    void scanFinished(const ScanSummary &s, const LagReport &report);
    void setNextScanIn(qint64 ms);
    // Reads keys, handles resizes, redraws; msToNext < 0 while a round runs.
    Action poll(qint64 msToNext);

private:
    void draw(qint64 msToNext);
    void refreshCounts();

    const Plan &m_plan;
    Store &m_store;
    int m_view = 1;
    int m_round = 0;
    bool m_full = false;
    bool m_scanning = false;
    QString m_progress;
    QString m_lastRound;
    LagReport m_report;
    QStringList m_errors;
    QMap<QString, QMap<QString, int>> m_counts; // registry -> cell state -> count
    QMap<QString, bool> m_reachable;
    qint64 m_lastDraw = 0;
};

} // namespace ferry::cli
