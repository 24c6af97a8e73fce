// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "tui/terminal.h"

#include <QByteArray>
#include <QMutex>
#include <QStringList>

#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <curses.h>
#include <langinfo.h>
#include <termios.h>
#include <unistd.h>

namespace ferry::tui {

namespace {

// What a crash handler may use: saved before ncurses changed anything, read without locks.
struct termios g_savedModes;
bool g_haveSavedModes = false;
char g_resetSequence[128] = {}; // leave the alternate screen, show the cursor, mouse off, plain text
const int kCrashSignals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
struct sigaction g_previous[std::size(kCrashSignals)];

void restoreOnCrash(int sig)
{
    // Async-signal-safe only: write(2) and tcsetattr(3); then the signal's own course (a core).
    const ssize_t ignored = ::write(STDOUT_FILENO, g_resetSequence, std::strlen(g_resetSequence));
    (void)ignored;
    if (g_haveSavedModes)
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_savedModes);
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

void appendCapability(QByteArray *out, const char *name)
{
    const char *cap = tigetstr(const_cast<char *>(name));
    if (cap && cap != reinterpret_cast<char *>(-1))
        out->append(cap);
}

// Qt's messages (a warning of the network stack, a debug line QT_LOGGING_RULES asked for)
// would be written over the frame on the same terminal: they are held while the terminal is
// ours and written to standard error once it is given back. A fatal one gives the terminal
// back first.
constexpr int kHeldMessages = 200;
QtMessageHandler g_previousHandler = nullptr;
QMutex g_heldLock;
QStringList g_held;
int g_dropped = 0;

void holdMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtFatalMsg) {
        endwin();
        if (g_previousHandler)
            g_previousHandler(type, context, message);
        return;
    }
    const QMutexLocker lock(&g_heldLock);
    if (g_held.size() < kHeldMessages)
        g_held << qFormatLogMessage(type, context, message);
    else
        ++g_dropped;
}

enum Pair : short { PairTitle = 1, PairGood, PairWarn, PairBad, PairDim, PairHeader, PairKey, PairSelected, PairInput };

} // namespace

ColourMode colourModeFor(bool noColorSet, bool hasColors, int colors)
{
    // no-color.org: NO_COLOR present and not empty turns colour off, whatever the terminal.
    if (noColorSet || !hasColors || colors < 8)
        return ColourMode::None;
    return colors >= 256 ? ColourMode::Palette256 : ColourMode::Basic16;
}

QString colourModeName(ColourMode mode)
{
    switch (mode) {
    case ColourMode::Palette256: return QStringLiteral("256 colours");
    case ColourMode::Basic16: return QStringLiteral("16 colours");
    case ColourMode::None: break;
    }
    return QStringLiteral("no colour");
}

Terminal::Terminal(bool mouse)
    : m_mouse(mouse)
{
    std::setlocale(LC_ALL, "");
    m_ascii = std::strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
    g_haveSavedModes = ::tcgetattr(STDIN_FILENO, &g_savedModes) == 0;
    g_previousHandler = qInstallMessageHandler(holdMessage);
    initscr();
    cbreak();
    noecho();
    nonl();
    nodelay(stdscr, TRUE);
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    QByteArray reset;
    appendCapability(&reset, "rmcup");
    appendCapability(&reset, "cnorm");
    appendCapability(&reset, "sgr0");
    if (m_mouse) {
        mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, nullptr);
        mouseinterval(0);
        reset.append("\033[?1000l\033[?1002l\033[?1006l");
    }
    std::strncpy(g_resetSequence, reset.constData(), sizeof g_resetSequence - 1);
    struct sigaction crash = {};
    crash.sa_handler = restoreOnCrash;
    sigemptyset(&crash.sa_mask);
    for (size_t i = 0; i < std::size(kCrashSignals); ++i)
        ::sigaction(kCrashSignals[i], &crash, &g_previous[i]);

    // Colour is started only when it will be used: with NO_COLOR not one colour sequence goes out.
    const bool noColor = !qEnvironmentVariableIsEmpty("NO_COLOR");
    if (has_colors() && !noColor) {
        start_color();
        use_default_colors();
    }
    m_colours = colourModeFor(noColor, has_colors(), has_colors() && !noColor ? COLORS : 0);
    if (m_colours == ColourMode::Palette256) {
        init_pair(PairTitle, 75, -1); // a light blue
        init_pair(PairGood, 71, -1); // green
        init_pair(PairWarn, 214, -1); // amber
        init_pair(PairBad, 203, -1); // red, readable on dark and light
        init_pair(PairDim, 245, -1); // grey
        init_pair(PairHeader, 252, 238);
        init_pair(PairKey, 16, 110);
        init_pair(PairSelected, 16, 153);
        init_pair(PairInput, 16, 229);
    } else if (m_colours == ColourMode::Basic16) {
        init_pair(PairTitle, COLOR_CYAN, -1);
        init_pair(PairGood, COLOR_GREEN, -1);
        init_pair(PairWarn, COLOR_YELLOW, -1);
        init_pair(PairBad, COLOR_RED, -1);
        init_pair(PairDim, COLOR_BLUE, -1);
        init_pair(PairHeader, COLOR_BLACK, COLOR_WHITE);
        init_pair(PairKey, COLOR_BLACK, COLOR_CYAN);
        init_pair(PairSelected, COLOR_BLACK, COLOR_CYAN);
        init_pair(PairInput, COLOR_BLACK, COLOR_YELLOW);
    }
}

Terminal::~Terminal()
{
    if (m_mouse)
        mousemask(0, nullptr);
    endwin();
    for (size_t i = 0; i < std::size(kCrashSignals); ++i)
        ::sigaction(kCrashSignals[i], &g_previous[i], nullptr);
    qInstallMessageHandler(g_previousHandler);
    const QMutexLocker lock(&g_heldLock);
    for (const QString &m : std::as_const(g_held))
        std::fprintf(stderr, "%s\n", qPrintable(m));
    if (g_dropped > 0)
        std::fprintf(stderr, "(%d more messages while the terminal dashboard ran)\n", g_dropped);
    g_held.clear();
    g_dropped = 0;
}

int Terminal::rows() const
{
    return LINES;
}

int Terminal::cols() const
{
    return COLS;
}

int Terminal::attributes(Style style) const
{
    if (m_colours == ColourMode::None) {
        switch (style) {
        case Style::Title:
        case Style::Bad: return A_BOLD;
        case Style::Header:
        case Style::Key: return A_UNDERLINE;
        case Style::Selected:
        case Style::Input: return A_REVERSE;
        case Style::Dim: return A_DIM;
        default: return A_NORMAL;
        }
    }
    switch (style) {
    case Style::Normal: return A_NORMAL;
    case Style::Title: return COLOR_PAIR(PairTitle) | A_BOLD;
    case Style::Good: return COLOR_PAIR(PairGood);
    case Style::Warn: return COLOR_PAIR(PairWarn);
    case Style::Bad: return COLOR_PAIR(PairBad) | A_BOLD;
    case Style::Dim: return COLOR_PAIR(PairDim);
    case Style::Header: return COLOR_PAIR(PairHeader);
    case Style::Key: return COLOR_PAIR(PairKey);
    case Style::Selected: return COLOR_PAIR(PairSelected);
    case Style::Input: return COLOR_PAIR(PairInput);
    }
    return A_NORMAL;
}

void Terminal::show(const Screen &screen)
{
    erase();
    const int rows = qMin(screen.rows(), LINES);
    const int cols = qMin(screen.cols(), COLS);
    std::wstring run;
    for (int y = 0; y < rows; ++y) {
        int x = 0;
        while (x < cols) {
            const Style style = screen.styleAt(y, x);
            int end = x;
            QString text;
            while (end < cols && screen.styleAt(y, end) == style)
                text += screen.at(y, end++);
            if (m_ascii)
                text = asciiFallback(text);
            run = text.toStdWString();
            attrset(attributes(style));
            // The last cell of the last line: addstr there would scroll a terminal without
            // auto-margin handling; ncurses returns ERR and draws it anyway.
            mvaddnwstr(y, x, run.c_str(), int(run.size()));
            x = end;
        }
    }
    attrset(A_NORMAL);
    refresh();
}

QList<KeyEvent> Terminal::readKeys()
{
    QList<KeyEvent> keys;
    wint_t ch = 0;
    for (int kind = get_wch(&ch); kind != ERR; kind = get_wch(&ch)) {
        if (kind == OK) {
            switch (ch) {
            case L'\r':
            case L'\n': keys.append(KeyEvent{key::Enter}); break;
            case 27: keys.append(KeyEvent{key::Escape}); break;
            case L'\t': keys.append(KeyEvent{key::Tab}); break;
            case 127:
            case 8: keys.append(KeyEvent{key::Backspace}); break;
            default: keys.append(KeyEvent{int(ch)});
            }
            continue;
        }
        switch (ch) { // KEY_CODE_YES: a function key
        case KEY_UP: keys.append(KeyEvent{key::Up}); break;
        case KEY_DOWN: keys.append(KeyEvent{key::Down}); break;
        case KEY_LEFT: keys.append(KeyEvent{key::Left}); break;
        case KEY_RIGHT: keys.append(KeyEvent{key::Right}); break;
        case KEY_PPAGE: keys.append(KeyEvent{key::PageUp}); break;
        case KEY_NPAGE: keys.append(KeyEvent{key::PageDown}); break;
        case KEY_HOME: keys.append(KeyEvent{key::Home}); break;
        case KEY_END: keys.append(KeyEvent{key::End}); break;
        case KEY_ENTER: keys.append(KeyEvent{key::Enter}); break;
        case KEY_BACKSPACE: keys.append(KeyEvent{key::Backspace}); break;
        case KEY_DC: keys.append(KeyEvent{key::Delete}); break;
        case KEY_BTAB: keys.append(KeyEvent{key::BackTab}); break;
        case KEY_RESIZE: keys.append(KeyEvent{key::Resize}); break;
        case KEY_MOUSE: {
            MEVENT ev;
            if (getmouse(&ev) != OK)
                break;
            if (ev.bstate & BUTTON4_PRESSED)
                keys.append(KeyEvent{key::WheelUp, ev.y, ev.x});
            else if (ev.bstate & BUTTON5_PRESSED)
                keys.append(KeyEvent{key::WheelDown, ev.y, ev.x});
            else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
                keys.append(KeyEvent{key::Click, ev.y, ev.x});
            break;
        }
        default: break;
        }
    }
    return keys;
}

} // namespace ferry::tui
