// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "charts/chartsview.h"
#include "cleanupmodels.h"
#include "clients/clientsview.h"
#include "core/workspace.h"
#include "registriesmodel.h"
#include "syncmatrixmodel.h"
#include "tui/screen.h"

#include <QFutureWatcher>
#include <QObject>
#include <QStandardItemModel>

#include <functional>
#include <memory>
#include <utility>

class QAbstractItemModel;

namespace ferry::tui {

// The terminal's style for a severity (ops/batch.h): the one map from how a state reads to a style.
inline Style severityStyle(Severity severity)
{
    switch (severity) {
    case Severity::Ok: return Style::Good;
    case Severity::Warning: return Style::Warn;
    case Severity::Error: return Style::Bad;
    case Severity::Muted: return Style::Dim;
    case Severity::Info: break;
    }
    return Style::Normal;
}

// done(value) on owner's thread once the future has its value, unless owner is gone first
// (QFuture::then(context, …) asserts in Qt 6.4 when its context goes first: a read still
// running when the lead quits).
template<typename T, typename Done>
void whenReady(QObject *owner, QFuture<T> future, Done done)
{
    auto *watcher = new QFutureWatcher<T>(owner);
    QObject::connect(watcher, &QFutureWatcherBase::finished, owner, [watcher, done = std::move(done)]() mutable {
        watcher->deleteLater();
        done(watcher->result());
    });
    watcher->setFuture(std::move(future));
}

// What a view asks of the program around it (the TUI's App): the workspace, a question at
// the bottom of the screen, a message in the status line, another page.
class Host
{
public:
    virtual ~Host() = default;
    virtual Workspace &workspace() = 0;
    // Lines of a question above an input line. done(text) on Enter; nothing more on Escape
    // (then cancelled, if given). changed(text) after every key, for filters as you type.
    virtual void ask(const QStringList &question, const QString &initial, std::function<void(const QString &)> done,
                     std::function<void(const QString &)> changed = {}, std::function<void()> cancelled = {}) = 0;
    virtual void message(const QString &text, bool error = false) = 0;
    virtual void redraw() = 0; // a read finished: draw again soon
    // The Images page filtered to cells of registry in states (rows in states without one).
    virtual void showCells(const QString &registry, const QStringList &states) = 0;
    // The Charts page on one chart repository's versions in states.
    virtual void showCharts(const QString &repository, const QStringList &states) = 0;
    // The Images page on one repository:tag, selected.
    virtual void showRow(const QString &repository, const QString &tag) = 0;
    // The Copies page, planning copy batches with these options (the review follows there).
    virtual void planCopies(const CopyPlanOptions &options) = 0;
};

// One page. Views read through the workspace (off the terminal's thread) and draw into
// a Screen; none touches the terminal. A QObject so that reads finish on it, or not at all
// once it is gone.
class View : public QObject
{
public:
    explicit View(Host &host)
        : m_host(host)
    { }
    virtual QString title() const = 0;
    virtual QString keys() const = 0; // the page's own keys, for the footer
    virtual void reload() = 0; // read again (a scan finished, the lead asked)
    virtual void draw(Screen &s, int top, int bottom) = 0; // rows [top, bottom)
    virtual bool key(const KeyEvent &k) = 0; // true if the view used it

protected:
    Host &m_host;
};

// Rows of a model in columns: the selection, scrolling, a header. Only the visible rows
// are asked for, so a model of a million rows draws as fast as one of ten.
class TableView
{
public:
    void setModel(const QAbstractItemModel *model) { m_model = model; }
    // Column widths: > 0 fixed, 0 stretches over what is left. Columns beyond the list are not shown.
    void setWidths(const QList<int> &widths) { m_widths = widths; }
    int current() const { return m_current; }
    void setCurrent(int row);
    bool key(const KeyEvent &k); // arrows, j/k, pages, Home/End, a click or the wheel
    // Header at top, rows below it until bottom. text(row, column) and style(row, column)
    // replace the model's display text and the normal style where given.
    void draw(Screen &s, int top, int bottom, bool focused, const std::function<QString(int, int)> &text = {},
              const std::function<Style(int, int)> &style = {});

private:
    int rowCount() const;

    const QAbstractItemModel *m_model = nullptr;
    QList<int> m_widths;
    int m_current = 0;
    int m_offset = 0;
    int m_page = 10; // rows shown at the last draw
    int m_firstRowY = -1; // where the first row was drawn, for clicks
};

// Screen columns of each shown column: fixed widths as given, stretch columns sharing the
// rest (at least 6 each), one blank between columns.
QList<int> columnWidths(const QList<int> &widths, int total);

Style styleOfState(const QString &state);

class OverviewView : public View
{
public:
    using View::View;
    QString title() const override { return QStringLiteral("Overview"); }
    QString keys() const override;
    void reload() override { }
    void setProgress(const ReportData &progress);
    void setLag(const LagReport &lag);
    void draw(Screen &s, int top, int bottom) override;
    bool key(const KeyEvent &k) override;

private:
    ReportData m_progress;
    LagReport m_lag;
    bool m_loaded = false;
    int m_stage = 0;
};

class MatrixView : public View
{
public:
    explicit MatrixView(Host &host);
    QString title() const override { return QStringLiteral("Images"); }
    QString keys() const override;
    void reload() override { }
    // A new snapshot: the filter, the sort and the selected repository:tag stay.
    void setMatrix(const std::shared_ptr<CompactMatrix> &matrix, const QStringList &registryOrder);
    void upsertRows(const QList<MatrixRow> &rows); // live rows of a scan
    void setLoading(const QString &what);
    void showCells(const QString &registry, const QStringList &states);
    void showRow(const QString &repository, const QString &tag);
    void draw(Screen &s, int top, int bottom) override;
    bool key(const KeyEvent &k) override;
    const SyncMatrixModel &model() const { return m_model; }

private:
    void applyFilter();
    void keepSelection(const std::function<void()> &change);
    void readHistory();
    QList<std::pair<QString, Style>> detailLines(int width) const;
    QStringList stateChoices() const;

    SyncMatrixModel m_model;
    TableView m_table;
    QString m_loading = QStringLiteral("Reading the matrix from the store…");
    QString m_filter;
    QStringList m_states; // empty: every state
    QString m_registry; // the states are of this registry's cells
    int m_sortColumn = -1;
    bool m_descending = false;
    bool m_detail = false;
    QString m_historyKey; // repository:tag whose history is held
    QList<Observation> m_history;
};

class ReplicationView : public View
{
public:
    using View::View;
    QString title() const override { return QStringLiteral("Replication"); }
    QString keys() const override;
    void reload() override;
    void setLag(const LagReport &lag);
    void draw(Screen &s, int top, int bottom) override;
    bool key(const KeyEvent &k) override;

private:
    const QList<LagBucket> *buckets(int width); // null while they are computed

    LagReport m_lag;
    bool m_loaded = false;
    int m_replica = 0;
    QList<LagBucket> m_buckets;
    std::pair<int, int> m_bucketsFor{-1, -1}; // replica and width of m_buckets
    std::pair<int, int> m_bucketsWanted{-1, -1};
    int m_lagGeneration = 0;
    bool m_showInFlight = false;
    int m_offset = 0;
};

// What the terminal's batch views (cleanup, copies) share: a batch table over an item table, Tab
// between them, one operation job at a time with its progress line and its log, c to stop it.
// A kind writes its tables, its keys and how its progress and outcome read.
class BatchesView : public View
{
public:
    // kind: "cleanup", "copy"; stopping: what c says it does
    BatchesView(Host &host, QString kind, QString stopping);
    ~BatchesView() override; // a job still running is cancelled and ends its current step
    bool key(const KeyEvent &k) final;
    bool running() const { return m_job != nullptr; }

protected:
    // What a progress report of the kind reads as: the line under the title, and its log line
    // (empty: none, as while planning).
    struct ProgressLine
    {
        QString line;
        QString log;
    };
    virtual ProgressLine progressLine(const QVariant &progress) const = 0;
    virtual bool kindKey(const KeyEvent &k) = 0; // p, a, r, d, x: the kind's own
    virtual void selectBatch(int row) = 0;

    // True (and says so) while a job runs: one at a time.
    bool busy();
    // Runs job (null: error says why), showing what while it works; done(outcome) unless the
    // store could not be opened; then the batches are read again.
    template<typename Outcome>
    void runJob(const QString &what, OperationJob *job, const QString &error, std::function<void(const Outcome &)> done)
    {
        startJob(what, job, error, [this, done = std::move(done)](const QVariant &value) {
            const Outcome outcome = value.value<Outcome>();
            if (!outcome.storeError.isEmpty())
                m_host.message(outcome.storeError, true);
            else
                done(outcome);
        });
    }
    // The lines above the batch table: "reading…" until loaded, the progress line, and empty
    // (wrapped) when there are no batches. The row to go on drawing from, or -1: nothing more.
    int drawHead(Screen &s, int top, int rows, const QString &reading, const QString &empty);

    TableView m_batchTable;
    TableView m_itemTable;
    bool m_itemsFocused = false;
    std::unique_ptr<OperationJob> m_job;
    QString m_progress;
    QStringList m_log; // the last 200 steps of the run going on, or of the last run
    bool m_loaded = false;
    // The batch the next reload selects (the first of those just planned), once; 0: the one
    // selected stays, else the read's rule (the first that needs the lead).
    qint64 m_showNext = 0;
    qint64 batchToKeep(qint64 selected)
    {
        const qint64 next = std::exchange(m_showNext, 0);
        return next > 0 ? next : selected;
    }

private:
    void startJob(const QString &what, OperationJob *job, const QString &error, std::function<void(const QVariant &)> done);

    QString m_kind;
    QString m_stopping;
};

class CleanupView : public BatchesView
{
public:
    explicit CleanupView(Host &host);
    QString title() const override { return QStringLiteral("Cleanup"); }
    QString keys() const override;
    void reload() override;
    void draw(Screen &s, int top, int bottom) override;

private:
    ProgressLine progressLine(const QVariant &progress) const override;
    bool kindKey(const KeyEvent &k) override;
    void selectBatch(int row) override;
    const CleanupBatch *batch() const;
    void approve();
    void reject();
    void execute(bool dryRun);
    void run(const QString &what, const CleanupRequest &request, std::function<void(const CleanupOutcome &)> done);

    CleanupBatchModel m_batches;
    CleanupItemModel m_items;
    std::optional<CleanupBatch> m_full; // the selected batch with its items
    std::optional<RefsScanInfo> m_lastRefs; // what the clusters run, as last read with the batches
};

class RegistriesView : public View
{
public:
    explicit RegistriesView(Host &host);
    QString title() const override { return QStringLiteral("Registries"); }
    QString keys() const override;
    void reload() override;
    void draw(Screen &s, int top, int bottom) override;
    bool key(const KeyEvent &k) override;

private:
    RegistriesModel m_model;
    TableView m_table;
    QStringList m_errors; // of the last scan
    bool m_loaded = false;
};

class ClientsView : public View
{
public:
    explicit ClientsView(Host &host);
    QString title() const override { return QStringLiteral("Clients"); }
    QString keys() const override;
    void reload() override;
    void draw(Screen &s, int top, int bottom) override;
    bool key(const KeyEvent &k) override;

private:
    void show(const ClientsData &data);

    QStandardItemModel m_clusters;
    QStandardItemModel m_refs;
    TableView m_clusterTable;
    TableView m_refTable;
    QList<JoinedReference> m_references;
    QString m_summary;
    bool m_refsFocused = false;
    bool m_reading = false;
    bool m_loaded = false;
};

class ChartsView : public View
{
public:
    explicit ChartsView(Host &host);
    QString title() const override { return QStringLiteral("Charts"); }
    QString keys() const override;
    void reload() override;
    void showStates(const QString &repository, const QStringList &states);
    void draw(Screen &s, int top, int bottom) override;
    bool key(const KeyEvent &k) override;

private:
    void fill();

    ChartsData m_data;
    QStandardItemModel m_versions;
    QString m_summary;
    QStringList m_retire; // the retirement's verdict, a line each
    TableView m_table;
    int m_repository = 0;
    QString m_wanted; // the repository asked for before the read had it
    QStringList m_states; // empty: every state
    bool m_reading = false;
    bool m_loaded = false;
};

class CopiesView : public BatchesView
{
public:
    explicit CopiesView(Host &host);
    QString title() const override { return QStringLiteral("Copies"); }
    // Plans copy batches (p: every missing or partial row; the Images page's c: one row or state).
    void plan(const CopyPlanOptions &options = {});
    QString keys() const override;
    void reload() override;
    void draw(Screen &s, int top, int bottom) override;

private:
    ProgressLine progressLine(const QVariant &progress) const override;
    bool kindKey(const KeyEvent &k) override;
    void selectBatch(int row) override;
    const CopyBatch *batch() const;
    void decide(bool approve);
    void execute(bool dryRun);
    void run(const QString &what, const CopyRequest &request, std::function<void(const CopyOutcome &)> done);

    QList<CopyBatch> m_batches;
    QStandardItemModel m_batchModel;
    QStandardItemModel m_itemModel;
    std::optional<CopyBatch> m_full; // the selected batch with its items
};

} // namespace ferry::tui
