// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "core/stopsignal.h"

#include <QString>
#include <QTextStream>

namespace ferry::cli {

// The one-line progress a command draws on stderr when it is a terminal: each show()
// replaces the line, clear() removes it. Off a terminal it draws nothing (logs stay clean).
class ProgressLine
{
public:
    explicit ProgressLine(QTextStream &err);
    bool isTerminal() const { return m_tty; }
    void show(const QString &text);
    void clear();

private:
    QTextStream &m_err;
    bool m_tty;
    bool m_shown = false;
};

} // namespace ferry::cli
