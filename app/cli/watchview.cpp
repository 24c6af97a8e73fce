// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "cli/watchview.h"

#include "plan/plan.h"
#include "scan/scanner.h"
#include "store/store.h"

#include <QDateTime>

#include <clocale>

#include <curses.h>
#include <langinfo.h>

namespace ferry::cli {

namespace {

enum Pair { Normal = 1, Good, Warn, Bad, Title };

// A terminal whose locale is not UTF-8 gets ASCII: the few symbols the views use spelled
// out, anything else as '?'.
bool g_ascii = false;

QString forTerminal(const QString &text)
{
    if (!g_ascii)
        return text;
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'—': out += QLatin1String("-"); break;
        case u'…': out += QLatin1String("..."); break;
        case u'·': out += QLatin1String("|"); break;
        case u'×': out += QLatin1String("x"); break;
        case u'≤': out += QLatin1String("<="); break;
        case u'→': out += QLatin1String("->"); break;
        default: out += c.unicode() < 0x80 ? c : QChar(u'?');
        }
    }
    return out;
}

void put(int y, int x, const QString &text, int pair = Normal, bool bold = false)
{
    if (y < 0 || y >= LINES || x >= COLS)
        return;
    attron(COLOR_PAIR(pair));
    if (bold)
        attron(A_BOLD);
    // Wide characters, cut at the screen's edge by characters, not by UTF-8 bytes.
    const std::wstring wide = forTerminal(text).toStdWString();
    mvaddnwstr(y, x, wide.c_str(), COLS - x);
    if (bold)
        attroff(A_BOLD);
    attroff(COLOR_PAIR(pair));
}

} // namespace

WatchView::WatchView(const Plan &plan, Store &store)
    : m_plan(plan)
    , m_store(store)
{
    setlocale(LC_ALL, "");
    g_ascii = qstrcmp(nl_langinfo(CODESET), "UTF-8") != 0;
    initscr();
    cbreak();
    noecho();
    nodelay(stdscr, TRUE);
    keypad(stdscr, TRUE);
    curs_set(0);
    if (has_colors()) {
        start_color();
        use_default_colors();
        init_pair(Normal, -1, -1);
        init_pair(Good, COLOR_GREEN, -1);
        init_pair(Warn, COLOR_YELLOW, -1);
        init_pair(Bad, COLOR_RED, -1);
        init_pair(Title, COLOR_CYAN, -1);
    }
    refreshCounts();
    m_report = computeLag(m_store, QDateTime::currentDateTimeUtc().addDays(-1));
    draw(-1);
}

WatchView::~WatchView()
{
    endwin();
}

void WatchView::refreshCounts()
{
    m_counts.clear();
    for (const MatrixRow &r : m_store.matrix())
        for (auto it = r.cells.begin(); it != r.cells.end(); ++it)
            ++m_counts[it.key()][it->state];
}

void WatchView::scanStarted(int round, bool full)
{
    m_round = round;
    m_full = full;
    m_scanning = true;
    m_progress = QStringLiteral("starting");
    draw(-1);
}

void WatchView::scanProgress(const ScanProgress &p)
{
    m_progress = QStringLiteral("%1/%2 listings, %3 requests, %4 req/s, %5 errors")
                     .arg(p.listingsDone)
                     .arg(p.listingsTotal)
                     .arg(p.requests)
                     .arg(qRound(p.requestsPerSecond))
                     .arg(p.errors);
}

void WatchView::scanFinished(const ScanSummary &s, const LagReport &report)
{
    m_scanning = false;
    m_report = report;
    m_errors = s.errors;
    m_lastRound = QStringLiteral("round %1 (%2) scan %3 %4 in %5 s, %6 requests")
                      .arg(m_round)
                      .arg(m_full ? QStringLiteral("full") : QStringLiteral("quick"))
                      .arg(s.scanId)
                      .arg(s.interrupted    ? QStringLiteral("interrupted")
                               : s.complete ? QStringLiteral("complete")
                                            : QStringLiteral("INCOMPLETE"))
                      .arg(s.elapsedMs / 1000.0, 0, 'f', 1)
                      .arg(s.requests);
    m_reachable.clear();
    for (const PlanRegistry &r : m_plan.registries) {
        bool ok = true;
        for (const QString &e : s.errors)
            ok = ok && !e.startsWith(r.name + u':') && !e.startsWith(r.name + u' ');
        m_reachable.insert(r.name, ok);
    }
    if (m_full)
        refreshCounts();
}

void WatchView::setNextScanIn(qint64)
{ }

WatchView::Action WatchView::poll(qint64 msToNext)
{
    Action action = Action::None;
    for (int ch = getch(); ch != ERR; ch = getch()) {
        if (ch == 'q' || ch == 'Q')
            action = Action::Quit;
        else if (ch == 's' || ch == 'S')
            action = Action::ScanNow;
        else if (ch >= '1' && ch <= '3')
            m_view = ch - '0';
        else if (ch == KEY_RESIZE)
            clear();
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_lastDraw >= 250 || action != Action::None) {
        draw(msToNext);
        m_lastDraw = now;
    }
    return action;
}

void WatchView::draw(qint64 msToNext)
{
    erase();
    int y = 0;
    put(y, 0,
        QStringLiteral("Ferry watch — %1   %2")
            .arg(m_plan.name, QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))),
        Title, true);
    ++y;
    QString status = m_scanning
        ? QStringLiteral("Scanning (round %1, %2): %3")
              .arg(m_round)
              .arg(m_full ? QStringLiteral("full") : QStringLiteral("quick"), m_progress)
        : QStringLiteral("Next round in %1   last: %2").arg(durationText(qMax<qint64>(0, msToNext) / 1000), m_lastRound);
    put(y++, 0, status);
    put(y++, 0, QStringLiteral("[1] overview  [2] in flight  [3] errors   [s] scan now  [q] quit"), Normal);
    ++y;
    if (m_view == 1) {
        put(y++, 0, QStringLiteral("Registries (cells by state, from the last full scan)"), Title, true);
        for (const PlanRegistry &r : m_plan.registries) {
            const bool ok = m_reachable.value(r.name, true);
            QString counts;
            const auto c = m_counts.value(r.name);
            for (auto it = c.begin(); it != c.end(); ++it)
                counts += QStringLiteral("%1 %2  ").arg(it.key()).arg(it.value());
            put(y, 2, r.name.leftJustified(14) + roleName(r.role).leftJustified(9));
            put(y, 26, ok ? QStringLiteral("answering") : QStringLiteral("NOT ANSWERING"), ok ? Good : Bad, !ok);
            put(y++, 42, counts.isEmpty() ? QStringLiteral("(no full scan yet)") : counts);
        }
        ++y;
        put(y++, 0, QStringLiteral("Replication lag (arrivals in the last 24 h)"), Title, true);
        for (const ReplicaLag &rl : m_report.replicas) {
            const int inFlightBreaches = rl.inFlightBreaches;
            const bool breach = rl.stats.breaches + inFlightBreaches > 0;
            put(y++, 2, lagSummaryLine(rl), breach ? Bad : Good, breach);
            for (qsizetype i = 0; i < rl.inFlight.size() && i < 5 && y < LINES - 1; ++i) {
                const InFlight &f = rl.inFlight[i];
                put(y++, 4,
                    QStringLiteral("in flight %1  %2:%3")
                        .arg(durationText(f.ageSeconds).rightJustified(7), f.repository,
                             f.tags.isEmpty() ? f.digest.left(19) : f.tags.join(u',')),
                    f.breach ? Bad : Warn);
            }
            for (qsizetype i = 0; i < rl.breaches.size() && i < 3 && y < LINES - 1; ++i) {
                const LagSample &s = rl.breaches[i];
                put(y++, 4,
                    QStringLiteral("arrived late %1  %2:%3")
                        .arg(durationText(s.lagSeconds).rightJustified(7), s.repository,
                             s.tags.isEmpty() ? s.digest.left(19) : s.tags.join(u',')),
                    Bad);
            }
        }
        if (m_report.replicas.isEmpty())
            put(y++, 2, QStringLiteral("The plan has no replica."));
    } else if (m_view == 2) {
        put(y++, 0, QStringLiteral("In flight: in the target, not yet in the replica (oldest first)"), Title, true);
        for (const ReplicaLag &rl : m_report.replicas) {
            put(y++, 2, QStringLiteral("%1 (SLO %2): %3 item(s)").arg(rl.replica, durationText(rl.sloSeconds)).arg(rl.inFlightCount),
                Normal, true);
            for (const InFlight &f : rl.inFlight) {
                if (y >= LINES - 1)
                    break;
                put(y++, 4,
                    QStringLiteral("%1  %2:%3  %4")
                        .arg(durationText(f.ageSeconds).rightJustified(7), f.repository,
                             f.tags.isEmpty() ? QStringLiteral("(untagged)") : f.tags.join(u','), f.digest.left(19)),
                    f.breach ? Bad : Warn);
            }
        }
    } else {
        put(y++, 0, QStringLiteral("Errors of the last round"), Title, true);
        if (m_errors.isEmpty())
            put(y++, 2, QStringLiteral("none"), Good);
        for (const QString &e : std::as_const(m_errors)) {
            if (y >= LINES - 1)
                break;
            put(y++, 2, e, Bad);
        }
    }
    refresh();
}

} // namespace ferry::cli
