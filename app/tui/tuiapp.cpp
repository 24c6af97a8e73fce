// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "tui/tuiapp.h"

#include "core/pages.h"

#include "core/stopsignal.h"
#include "tui/terminal.h"

#include <QDateTime>
#include <QFileInfo>
#include <QSocketNotifier>
#include <QThreadPool>

#include <unistd.h>

namespace ferry::tui {

namespace {

constexpr int kExitInterrupted = 130;
constexpr int kShownLagRows = 200; // breaches and items in flight the Replication page lists
constexpr int kTitleRoom = 24; // columns the full tabs leave for the plan's name

} // namespace

App::App(Workspace &workspace, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
{
    auto overview = std::make_unique<OverviewView>(*this);
    auto matrix = std::make_unique<MatrixView>(*this);
    auto replication = std::make_unique<ReplicationView>(*this);
    m_overview = overview.get();
    m_matrix = matrix.get();
    m_replication = replication.get();
    m_views.push_back(std::move(overview));
    m_views.push_back(std::move(matrix));
    m_views.push_back(std::move(replication));
    m_views.push_back(std::make_unique<CleanupView>(*this));
    m_views.push_back(std::make_unique<RegistriesView>(*this));
    m_views.push_back(std::make_unique<ClientsView>(*this));
    auto charts = std::make_unique<ChartsView>(*this);
    m_charts = charts.get();
    m_views.push_back(std::move(charts));
    auto copies = std::make_unique<CopiesView>(*this);
    m_copies = copies.get();
    m_views.push_back(std::move(copies));
    m_next.setSingleShot(true);
    connect(&m_next, &QTimer::timeout, this, [this] { startScan(); });
    // Another process's writes reload the pages (Workspace::followStore: at most every 2 s, never
    // for this view's own scans). The selection and the filters stay.
    connect(&m_workspace, &Workspace::storeChanged, this, [this] { reloadAll(true); });
    connect(&m_workspace, &Workspace::followLost, this,
            [this](const QString &why) { message(QStringLiteral("Not following the store: %1; trying again").arg(why), true); });
    const QString timings = qEnvironmentVariable("FERRY_TUI_TIMINGS");
    if (!timings.isEmpty()) {
        m_timings.setFileName(timings);
        if (!m_timings.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text))
            qWarning("FERRY_TUI_TIMINGS: %s", qPrintable(m_timings.errorString()));
    }
}

App::~App()
{
    // A scan still running is cancelled by its job's destructor (what it read is kept). Reads
    // still running on the pool finish first: each has a store connection of its own, and one
    // closed by the process's exit under it aborted (seen once in a test run).
    QThreadPool::globalInstance()->waitForDone();
}

void App::setSchedule(const WatchSchedule &schedule)
{
    m_schedule = schedule;
}

std::optional<int> App::pageNamed(const QString &name)
{
    return pages::indexOf(name);
}

void App::setPage(int page)
{
    m_page = qBound(0, page, PageCount - 1);
    if (m_stale[size_t(m_page)]) {
        m_stale[size_t(m_page)] = false;
        m_views[size_t(m_page)]->reload();
    }
    m_dirty = true;
}

void App::start()
{
    m_workspace.followStore();
    reloadAll(true);
    if (m_schedule)
        QTimer::singleShot(0, this, [this] { startScan(); });
}

void App::reloadAll(bool matrix)
{
    if (matrix)
        readMatrix();
    readLag();
    // The page shown reads again now, the others when they are next shown: a watch round
    // need not read every cluster's manifests again for a page nobody looks at.
    for (int i = 0; i < PageCount; ++i) {
        m_stale[size_t(i)] = i != m_page;
        if (i == m_page)
            m_views[size_t(i)]->reload();
    }
}

void App::readMatrix()
{
    if (m_matrixLoading) {
        m_readMatrixAgain = true; // a scan finished while the last read ran: read once more
        return;
    }
    m_matrixLoading = true;
    whenReady(this, m_workspace.matrixSnapshot(), [this](const MatrixSnapshot &snapshot) {
        m_matrixLoading = false;
        m_matrix->setMatrix(snapshot.matrix, registryColumnOrder(m_workspace.plan().get()));
        m_overview->setProgress(snapshot.progress);
        m_dirty = true;
        if (std::exchange(m_readMatrixAgain, false))
            readMatrix();
    });
}

void App::readLag()
{
    whenReady(this, m_workspace.lag(QDateTime(), kShownLagRows), [this](const LagReport &lag) {
        m_overview->setLag(lag);
        m_replication->setLag(lag);
        m_dirty = true;
    });
}

void App::startScan()
{
    if (m_scan)
        return;
    m_next.stop();
    ScanOptions options;
    options.collector = m_collector;
    m_scanFull = true;
    if (m_schedule) {
        ++m_round;
        m_scanFull = (m_round - 1) % qMax(1, m_schedule->fullEvery) == 0;
        if (!m_scanFull) {
            // A quick round: the targets and replicas only, for the lag; no matrix.
            if (const std::shared_ptr<const Plan> plan = m_workspace.plan())
                options.registries = plan->namesWithRole(RegistryRole::Target) + plan->namesWithRole(RegistryRole::Replica);
            options.writeMatrix = false;
        }
    }
    if (m_scanFull)
        options.liveRowsIntervalMs = 1000; // the Images page fills as repositories finish
    QString error;
    m_scan.reset(m_workspace.startScan(options, &error));
    if (!m_scan) {
        message(QStringLiteral("Cannot scan: ") + error, true);
        return;
    }
    m_scanProgress = QStringLiteral("starting");
    connect(m_scan.get(), &ScanJob::progress, this, [this](const ScanProgress &p) {
        m_scanProgress = QStringLiteral("%1/%2 listings, %3 requests, %4 req/s, %5 errors")
                             .arg(p.listingsDone)
                             .arg(p.listingsTotal)
                             .arg(p.requests)
                             .arg(qRound(p.requestsPerSecond))
                             .arg(p.errors);
        m_dirty = true;
    });
    connect(m_scan.get(), &ScanJob::rowsReady, this, [this](const QList<MatrixRow> &rows) {
        m_matrix->upsertRows(rows);
        m_dirty = true;
    });
    connect(m_scan.get(), &ScanJob::finished, this, [this](const ScanSummary &s) {
        m_scan.release()->deleteLater(); // it is signalling: the event loop deletes it
        const QString how = s.interrupted ? QStringLiteral("interrupted")
            : s.complete                  ? QStringLiteral("complete")
                                          : QStringLiteral("INCOMPLETE");
        m_lastRound = m_schedule ? QStringLiteral("round %1 (%2) scan %3 %4 in %5 s, %6 requests")
                                       .arg(m_round)
                                       .arg(m_scanFull ? QStringLiteral("full") : QStringLiteral("quick"))
                                       .arg(s.scanId)
                                       .arg(how)
                                       .arg(s.elapsedMs / 1000.0, 0, 'f', 1)
                                       .arg(s.requests)
                                 : QStringLiteral("scan %1 %2 in %3 s: %4 rows, %5 requests, %6 errors")
                                       .arg(s.scanId)
                                       .arg(how)
                                       .arg(s.elapsedMs / 1000.0, 0, 'f', 1)
                                       .arg(s.rows)
                                       .arg(s.requests)
                                       .arg(s.errors.size());
        if (!m_schedule)
            message(QStringLiteral("Last ") + m_lastRound, !s.complete);
        reloadAll(m_scanFull);
        if (m_schedule) {
            if (m_schedule->maxScans > 0 && m_round >= m_schedule->maxScans) {
                quit(0);
                return;
            }
            m_next.start(int(qMin<qint64>(m_schedule->intervalMs, std::numeric_limits<int>::max())));
        }
        m_dirty = true;
    });
    m_dirty = true;
}

void App::ask(const QStringList &question, const QString &initial, std::function<void(const QString &)> done,
              std::function<void(const QString &)> changed, std::function<void()> cancelled)
{
    m_prompt = Prompt{question, initial, std::move(done), std::move(changed), std::move(cancelled)};
    m_dirty = true;
}

void App::message(const QString &text, bool error)
{
    m_message = text;
    m_messageError = error;
    m_messageAge.start();
    m_dirty = true;
}

void App::showCells(const QString &registry, const QStringList &states)
{
    m_matrix->showCells(registry, states);
    setPage(ImagesPage);
}

void App::showCharts(const QString &repository, const QStringList &states)
{
    m_charts->showStates(repository, states);
    setPage(ChartsPage);
}

void App::planCopies(const CopyPlanOptions &options)
{
    setPage(CopiesPage);
    m_copies->plan(options);
}

void App::showRow(const QString &repository, const QString &tag)
{
    m_matrix->showRow(repository, tag);
    setPage(ImagesPage);
}

void App::promptKey(const KeyEvent &k)
{
    Prompt &p = *m_prompt;
    if (k.key == key::Enter) {
        Prompt done = std::move(p);
        m_prompt.reset(); // the answer may ask the next question
        if (done.done)
            done.done(done.text);
        return;
    }
    if (k.key == key::Escape || k.key == key::Interrupt) {
        Prompt cancelled = std::move(p);
        m_prompt.reset();
        if (cancelled.cancelled)
            cancelled.cancelled();
        return;
    }
    if (k.key == key::Backspace)
        p.text.chop(1);
    else if (k.key == 21) // Ctrl-U
        p.text.clear();
    else if (k.key >= 0x20 && k.key < 0x110000 && k.key != 0x7f)
        p.text += QString::fromUcs4(reinterpret_cast<const char32_t *>(&k.key), 1);
    else
        return;
    if (p.changed)
        p.changed(p.text);
}

void App::handleKey(const KeyEvent &k)
{
    m_dirty = true;
    if (k.key == key::Resize)
        return;
    if (m_prompt) {
        promptKey(k);
        return;
    }
    if (m_messageError && k.key != key::Click)
        m_message.clear(); // an error stays until the lead does something
    if (m_views[size_t(m_page)]->key(k))
        return;
    if (k.key >= '1' && k.key < '1' + PageCount) {
        setPage(k.key - '1');
    } else if (k.key == 's') {
        if (m_scan)
            message(QStringLiteral("A scan is running: %1").arg(m_scanProgress));
        else
            startScan();
    } else if (k.key == 'q' || k.key == key::Interrupt) {
        quit(k.key == key::Interrupt ? kExitInterrupted : 0);
    } else if (k.key == key::Click && k.y == 0) {
        // The page tabs, laid out as render() draws them.
        int x = 0;
        for (int i = 0; const QString &tab : tabs(m_terminal ? m_terminal->cols() : 80)) {
            if (k.x >= x && k.x < x + int(tab.size()))
                setPage(i);
            x += int(tab.size()) + 1;
            ++i;
        }
    }
}

// The page tabs at the top, one blank between them: " 1 Overview " where the screen is wide
// enough for all eight and the plan's name, "1 Overview" where it is not (100 columns), titles
// longer than eight letters cut ("3 Replic.") at 80 columns, "1 Ove" below that.
QStringList App::tabs(int cols) const
{
    for (const int form : {0, 1, 2, 3}) {
        QStringList out;
        int width = 0;
        for (int i = 0; i < PageCount; ++i) {
            const QString title = m_views[size_t(i)]->title();
            const QString shown = form == 3 ? title.left(3) : form == 2 && title.size() > 8 ? title.left(6) + u'.' : title;
            out << (form == 0 ? QStringLiteral(" %1 %2 ").arg(i + 1).arg(shown) : QStringLiteral("%1 %2").arg(i + 1).arg(shown));
            width += int(out.last().size()) + 1;
        }
        if (width + (form == 0 ? kTitleRoom : 0) <= cols || form == 3)
            return out;
    }
    return {};
}

QString App::statusText(Style *style) const
{
    *style = Style::Normal;
    if (!m_message.isEmpty() && (m_messageError || m_messageAge.elapsed() < 30'000)) {
        *style = m_messageError ? Style::Bad : Style::Normal;
        return m_message;
    }
    if (m_scan) {
        *style = Style::Warn;
        return m_schedule ? QStringLiteral("Scanning (round %1, %2): %3")
                                .arg(m_round)
                                .arg(m_scanFull ? QStringLiteral("full") : QStringLiteral("quick"), m_scanProgress)
                          : QStringLiteral("Scanning: ") + m_scanProgress;
    }
    if (m_schedule)
        return QStringLiteral("Next round in %1   last: %2")
            .arg(durationText(qMax<qint64>(0, m_next.isActive() ? m_next.remainingTime() : 0) / 1000), m_lastRound);
    if (!m_lastRound.isEmpty())
        return QStringLiteral("Last ") + m_lastRound;
    return m_workspace.plan() ? QStringLiteral("s scans the plan's registries")
                              : QStringLiteral("No plan: the store's figures only (--plan to scan)");
}

void App::render(Screen &s)
{
    // The tabs, then the plan's name where there is room.
    int x = 0;
    s.fill(0, 0, s.cols(), u' ', Style::Header);
    for (int i = 0; const QString &tab : tabs(s.cols()))
        x += s.put(0, x, tab, i++ == m_page ? Style::Selected : Style::Header) + 1;
    const QString db = m_workspace.databasePath();
    const QString plan = m_workspace.plan() ? m_workspace.plan()->name
        : Store::isServerLocation(db)       ? Store::displayLocation(db)
                                            : QFileInfo(db).fileName();
    const QString title = (m_schedule ? QStringLiteral("Ferry watch — ") : QStringLiteral("Ferry — ")) + plan;
    if (s.cols() - x > 8)
        s.put(0, qMax(x + 1, s.cols() - int(title.size()) - 1), fit(title, s.cols() - x - 2), Style::Header);
    Style statusStyle = Style::Normal;
    s.put(1, 1, statusText(&statusStyle), statusStyle);

    int bottom = s.rows() - 1;
    if (m_prompt) {
        QStringList lines;
        for (const QString &q : std::as_const(m_prompt->question))
            lines += wrapWords(q, s.cols() - 2);
        bottom = qMax(2, s.rows() - 1 - int(lines.size()));
        for (int i = 0; i < lines.size() && bottom + i < s.rows() - 1; ++i) {
            s.fill(bottom + i, 0, s.cols(), u' ', Style::Input);
            s.put(bottom + i, 1, lines[i], Style::Input);
        }
    }
    m_views[size_t(m_page)]->draw(s, 2, bottom);
    const int last = s.rows() - 1;
    s.fill(last, 0, s.cols(), u' ', Style::Key);
    if (m_prompt) {
        s.fill(last, 0, s.cols(), u' ', Style::Normal);
        const QString shown = QStringLiteral("> ") + m_prompt->text;
        // The end of a long answer stays in view.
        s.put(last, 0, shown.size() < s.cols() ? shown : shown.right(s.cols() - 1));
        s.put(last, qMin(int(shown.size()), s.cols() - 1), QStringLiteral("_"), Style::Input);
    } else {
        // The keys every page has stay at the right, whatever the width; the page's own go before them.
        const QString global = s.cols() >= 60 ? QStringLiteral(" │ 1-8 page  s scan  q quit ") : QStringLiteral(" 1-8 s q ");
        const int room = s.cols() - int(global.size());
        s.put(last, 1, fit(m_views[size_t(m_page)]->keys(), qMax(0, room - 1)), Style::Key);
        s.put(last, qMax(0, room), global, Style::Key);
    }
}

void App::quit(int code)
{
    if (m_loop)
        m_loop->exit(code);
}

void App::pump()
{
    if (!m_terminal)
        return;
    const QList<KeyEvent> keys = m_terminal->readKeys();
    QElapsedTimer took;
    took.start();
    for (const KeyEvent &k : keys)
        handleKey(k);
    const qint64 second = QDateTime::currentSecsSinceEpoch();
    if (!m_dirty && keys.isEmpty() && second == m_lastSecond)
        return;
    m_lastSecond = second;
    m_dirty = false;
    Screen s(m_terminal->rows(), m_terminal->cols());
    render(s);
    m_terminal->show(s);
    if (m_timings.isOpen() && !keys.isEmpty()) {
        m_timings.write(QStringLiteral("%1 %2\n").arg(keys.last().key).arg(took.nsecsElapsed() / 1000).toLatin1());
        m_timings.flush();
    }
}

int App::exec(bool mouse)
{
    StopSignal stop; // before the terminal: ncurses leaves handlers it finds alone
    Terminal terminal(mouse);
    m_terminal = &terminal;
    QEventLoop loop;
    m_loop = &loop;
    QSocketNotifier input(STDIN_FILENO, QSocketNotifier::Read);
    connect(&input, &QSocketNotifier::activated, this, [this] { pump(); });
    // Resizes (SIGWINCH reaches ncurses, not the notifier), the clock, reads that finished.
    QTimer tick;
    connect(&tick, &QTimer::timeout, this, [this] { pump(); });
    tick.start(100);
    stop.watch(this, [this] { quit(kExitInterrupted); });
    start();
    pump();
    const int code = loop.exec();
    m_loop = nullptr;
    m_terminal = nullptr;
    return code;
}

} // namespace ferry::tui
