// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "tui/views.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QSet>
#include <QTimer>

#include <optional>

namespace ferry { }

namespace ferry::tui {

class Terminal;

// ferryctl watch's rounds, when the TUI runs them: every interval a quick round (targets and
// replicas), every fullEvery rounds a full one that rewrites the matrix.
struct WatchSchedule
{
    qint64 intervalMs = 0;
    int fullEvery = 12;
    int maxScans = -1; // stop after this many rounds (-1: until the lead quits)
};

// The terminal face of the dashboard: the five pages, switched by number keys, over the
// same Workspace the window uses; a status line with the scan or the last message; a line
// of keys; questions asked at the bottom. Draws into a Screen, so that it runs the same
// with a terminal (exec) or without one (a test gives it keys and reads the frame).
class App : public QObject, public Host
{
public:
    enum Page { OverviewPage, ImagesPage, ReplicationPage, CleanupPage, RegistriesPage, ClientsPage, ChartsPage, CopiesPage, PageCount };

    explicit App(Workspace &workspace, QObject *parent = nullptr);
    ~App() override;

    // Watch mode: rounds on a schedule, the first at once; s starts the next round now.
    void setSchedule(const WatchSchedule &schedule);
    // This collector's name in a shared store, for the scans it runs (ScanOptions::collector).
    void setCollector(const QString &name) { m_collector = name; }
    void setPage(int page);
    int page() const { return m_page; }
    static std::optional<int> pageNamed(const QString &name);

    // The first reads (and the first round of a schedule).
    void start();
    void handleKey(const KeyEvent &k);
    void render(Screen &s);
    bool scanning() const { return m_scan != nullptr; }
    View *view(int page) const { return m_views[size_t(page)].get(); }

    // Draws on the terminal until q or SIGINT/SIGTERM; 0 after q or the last scheduled
    // round, 130 after a signal.
    int exec(bool mouse);

    // Host
    Workspace &workspace() override { return m_workspace; }
    void ask(const QStringList &question, const QString &initial, std::function<void(const QString &)> done,
             std::function<void(const QString &)> changed = {}, std::function<void()> cancelled = {}) override;
    void message(const QString &text, bool error = false) override;
    void redraw() override { m_dirty = true; }
    void showCells(const QString &registry, const QStringList &states) override;
    void showRow(const QString &repository, const QString &tag) override;
    void showCharts(const QString &repository, const QStringList &states) override;
    void planCopies(const CopyPlanOptions &options) override;

private:
    struct Prompt
    {
        QStringList question;
        QString text;
        std::function<void(const QString &)> done;
        std::function<void(const QString &)> changed;
        std::function<void()> cancelled;
    };

    void promptKey(const KeyEvent &k);
    void startScan();
    void reloadAll(bool matrix);
    void readMatrix();
    void readLag();
    QString statusText(Style *style) const;
    QStringList tabs(int cols) const;
    void pump();
    void quit(int code);

    Workspace &m_workspace;
    std::vector<std::unique_ptr<View>> m_views;
    std::vector<bool> m_stale = std::vector<bool>(PageCount, false); // to read again when next shown
    OverviewView *m_overview;
    MatrixView *m_matrix;
    ReplicationView *m_replication;
    ChartsView *m_charts;
    CopiesView *m_copies;
    int m_page = OverviewPage;
    std::optional<Prompt> m_prompt;
    QString m_message;
    bool m_messageError = false;
    QElapsedTimer m_messageAge;

    std::unique_ptr<ScanJob> m_scan;
    bool m_scanFull = true;
    QString m_scanProgress;
    QString m_lastRound;
    int m_round = 0;
    std::optional<WatchSchedule> m_schedule;
    QTimer m_next;
    QString m_collector;
    bool m_matrixLoading = false;
    bool m_readMatrixAgain = false;

    Terminal *m_terminal = nullptr;
    QEventLoop *m_loop = nullptr;
    bool m_dirty = true;
    qint64 m_lastSecond = 0;
    QFile m_timings; // FERRY_TUI_TIMINGS: microseconds from a key to its frame, one line each
};

} // namespace ferry::tui
