// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QList>
#include <QString>

#include <vector>

namespace ferry::tui {

// What a cell of the terminal means; the terminal picks the colour (or, without colour, the
// attribute) for it. Colour is never the only signal: the text says the state.
enum class Style : quint8 { Normal, Title, Good, Warn, Bad, Dim, Selected, Header, Key, Input };

// Keys as the views see them: a character's code point, or one of these (above Unicode).
namespace key {
enum : int {
    Up = 0x110001,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
    Escape,
    Backspace,
    Tab,
    BackTab,
    Delete,
    Resize,
    WheelUp,
    WheelDown,
    Click, // a mouse click; the terminal gives its cell with the event
    Interrupt, // SIGINT or SIGTERM: leave as from q
};
} // namespace key

struct KeyEvent
{
    int key = 0;
    int y = -1; // Click: the cell
    int x = -1;
};

// One frame of the terminal as text and styles, drawn by the views and shown by the
// terminal (which lets ncurses send only what changed). A view test reads it as text.
// One QChar is one column: the views' texts are Latin, symbols and box drawing.
class Screen
{
public:
    Screen(int rows, int cols);
    int rows() const { return m_rows; }
    int cols() const { return m_cols; }

    // Writes text from (y, x), cut at maxWidth columns (-1: the line's end). Returns the
    // columns written.
    int put(int y, int x, const QString &text, Style style = Style::Normal, int maxWidth = -1);
    void fill(int y, int x, int width, QChar c, Style style = Style::Normal);
    void setStyle(int y, int x, int width, Style style);

    QChar at(int y, int x) const { return m_text[index(y, x)]; }
    Style styleAt(int y, int x) const { return m_style[index(y, x)]; }
    QString line(int y) const; // without trailing blanks
    QString text() const; // every line, '\n' after each

private:
    size_t index(int y, int x) const { return size_t(y) * size_t(m_cols) + size_t(x); }

    int m_rows;
    int m_cols;
    std::vector<QChar> m_text;
    std::vector<Style> m_style;
};

// Text in exactly width columns: cut with '…' when longer, padded with blanks when shorter
// (on the left with alignRight).
QString fit(const QString &text, int width, bool alignRight = false);
// A bar of width cells, done of total filled: "█████░░░░░".
QString bar(qint64 done, qint64 total, int width);
// Values as a one-line chart of eighth blocks, scaled to top (the largest value if 0);
// a negative value (no data) is a blank.
QString sparkline(const QList<qint64> &values, qint64 top = 0);
// Text broken at blanks into lines of at most width columns (a word longer than that is cut).
QStringList wrapWords(const QString &text, int width);
// "1,234,567": the figures the lead reads at a glance.
QString number(qint64 n);

// The text a terminal whose locale is not UTF-8 can show: each symbol the views use as one
// ASCII character (columns stay where the views put them), anything else as '?'.
QString asciiFallback(const QString &text);

} // namespace ferry::tui
