// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "tui/screen.h"

#include <QList>

namespace ferry::tui {

// How the terminal shows styles: a 256-colour palette, the 16 basic colours, or none
// (NO_COLOR set, or a terminal without colour): then bold and reverse video only.
enum class ColourMode { None, Basic16, Palette256 };
ColourMode colourModeFor(bool noColorSet, bool hasColors, int colors);
QString colourModeName(ColourMode mode);

// The terminal as ncursesw drives it, for as long as the object lives: the alternate screen,
// keys without echo, colours as the terminal and NO_COLOR allow, UTF-8 when the locale is
// (ASCII otherwise), the mouse when asked for. It is always given back as it was found: on
// destruction, and on a crash signal (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL), whose
// handler restores the saved terminal modes before the signal takes its course. SIGINT and
// SIGTERM are the command's (StopSignal): they end the loop, and this destructor runs.
// Qt's own messages are held meanwhile and written to standard error once the terminal is
// given back, rather than over the frame.
class Terminal
{
public:
    explicit Terminal(bool mouse);
    ~Terminal();
    Terminal(const Terminal &) = delete;
    Terminal &operator=(const Terminal &) = delete;

    int rows() const;
    int cols() const;
    ColourMode colourMode() const { return m_colours; }
    bool ascii() const { return m_ascii; }

    // Shows a frame (ncurses sends only the cells that changed).
    void show(const Screen &screen);
    // The keys waiting, without blocking; a resize comes as key::Resize.
    QList<KeyEvent> readKeys();

private:
    int attributes(Style style) const;

    ColourMode m_colours = ColourMode::None;
    bool m_ascii = false;
    bool m_mouse = false;
};

} // namespace ferry::tui
