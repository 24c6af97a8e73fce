// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "interruption.h"

#include <unistd.h>

namespace ferry::cli {

ProgressLine::ProgressLine(QTextStream &err)
    : m_err(err)
    , m_tty(::isatty(STDERR_FILENO))
{ }

void ProgressLine::show(const QString &text)
{
    if (!m_tty)
        return;
    m_err << "\r\033[K" << text << Qt::flush;
    m_shown = true;
}

void ProgressLine::clear()
{
    if (m_tty && m_shown)
        m_err << "\r\033[K" << Qt::flush;
    m_shown = false;
}

} // namespace ferry::cli
