// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "tui/screen.h"

#include <QLocale>

#include <algorithm>

namespace ferry::tui {

Screen::Screen(int rows, int cols)
    : m_rows(qMax(1, rows))
    , m_cols(qMax(1, cols))
    , m_text(size_t(m_rows) * size_t(m_cols), QChar(u' '))
    , m_style(size_t(m_rows) * size_t(m_cols), Style::Normal)
{ }

int Screen::put(int y, int x, const QString &text, Style style, int maxWidth)
{
    if (y < 0 || y >= m_rows || x < 0 || x >= m_cols)
        return 0;
    int width = m_cols - x;
    if (maxWidth >= 0)
        width = qMin(width, maxWidth);
    int written = 0;
    for (const QChar c : text) {
        if (written >= width)
            break;
        const size_t i = index(y, x + written);
        m_text[i] = (c == u'\n' || c == u'\t' || c == u'\r') ? QChar(u' ') : c;
        m_style[i] = style;
        ++written;
    }
    return written;
}

void Screen::fill(int y, int x, int width, QChar c, Style style)
{
    for (int i = 0; i < width; ++i)
        put(y, x + i, QString(c), style);
}

void Screen::setStyle(int y, int x, int width, Style style)
{
    if (y < 0 || y >= m_rows)
        return;
    for (int i = qMax(0, x); i < qMin(m_cols, x + width); ++i)
        m_style[index(y, i)] = style;
}

QString Screen::line(int y) const
{
    QString s(m_text.data() + index(y, 0), m_cols);
    while (s.endsWith(u' '))
        s.chop(1);
    return s;
}

QString Screen::text() const
{
    QString s;
    for (int y = 0; y < m_rows; ++y)
        s += line(y) + u'\n';
    return s;
}

QString fit(const QString &text, int width, bool alignRight)
{
    if (width <= 0)
        return {};
    if (text.size() > width)
        return text.left(width - 1) + u'…';
    return alignRight ? text.rightJustified(width) : text.leftJustified(width);
}

QString bar(qint64 done, qint64 total, int width)
{
    const int filled = total > 0 ? int(std::clamp<qint64>(done * width / total, 0, width)) : 0;
    return QString(filled, u'█') + QString(width - filled, u'░');
}

QString sparkline(const QList<qint64> &values, qint64 top)
{
    static const QChar blocks[] = {u'▁', u'▂', u'▃', u'▄', u'▅', u'▆', u'▇', u'█'};
    if (top <= 0)
        for (const qint64 v : values)
            top = qMax(top, v);
    QString s;
    s.reserve(values.size());
    for (const qint64 v : values) {
        if (v < 0)
            s += u' ';
        else
            s += blocks[top > 0 ? std::clamp<qint64>(v * 8 / (top + 1), 0, 7) : 0];
    }
    return s;
}

QStringList wrapWords(const QString &text, int width)
{
    QStringList lines;
    QString line;
    for (const QString &word : text.split(u' ', Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && line.size() + 1 + word.size() > width) {
            lines << line;
            line.clear();
        }
        line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!line.isEmpty() || lines.isEmpty())
        lines << line;
    return lines;
}

QString number(qint64 n)
{
    static const QLocale c = [] {
        QLocale l(QLocale::C);
        l.setNumberOptions({});
        return l;
    }();
    return c.toString(n);
}

QString asciiFallback(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'—':
        case u'–':
        case u'─': out += u'-'; break;
        case u'…': out += u'~'; break;
        case u'·':
        case u'│': out += u'|'; break;
        case u'×': out += u'x'; break;
        case u'≤':
        case u'←': out += u'<'; break;
        case u'→': out += u'>'; break;
        case u'▸': out += u'>'; break;
        case u'↑': out += u'^'; break;
        case u'↓': out += u'v'; break;
        case u'█': out += u'#'; break;
        case u'░': out += u'.'; break;
        case u'▁': out += u'_'; break;
        case u'▂':
        case u'▃': out += u'.'; break;
        case u'▄':
        case u'▅': out += u'-'; break;
        case u'▆': out += u'='; break;
        case u'▇': out += u'*'; break;
        default: out += c.unicode() < 0x80 ? c : QChar(u'?');
        }
    }
    return out;
}

} // namespace ferry::tui
