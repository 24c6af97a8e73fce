// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "matrix/syncstate.h"
#include "tui/views.h"

#include <QAbstractItemModel>

namespace ferry::tui {

QList<int> columnWidths(const QList<int> &widths, int total)
{
    int fixed = 0, stretch = 0;
    for (const int w : widths) {
        fixed += qMax(0, w);
        stretch += w == 0 ? 1 : 0;
    }
    const int gaps = qMax(0, int(widths.size()) - 1);
    const int left = qMax(stretch * 6, total - fixed - gaps);
    QList<int> out;
    int given = 0;
    for (const int w : widths) {
        if (w > 0) {
            out << w;
            continue;
        }
        // The last stretch column takes the remainder of the division.
        const int share = ++given == stretch ? left - (left / qMax(1, stretch)) * (stretch - 1) : left / qMax(1, stretch);
        out << share;
    }
    return out;
}

Style styleOfState(const QString &state)
{
    return severityStyle(syncstate::severity(syncstate::parse(state)));
}

int TableView::rowCount() const
{
    return m_model ? m_model->rowCount() : 0;
}

void TableView::setCurrent(int row)
{
    m_current = qBound(0, row, qMax(0, rowCount() - 1));
}

bool TableView::key(const KeyEvent &k)
{
    switch (k.key) {
    case key::Up:
    case 'k': setCurrent(m_current - 1); break;
    case key::Down:
    case 'j': setCurrent(m_current + 1); break;
    case key::PageUp: setCurrent(m_current - qMax(1, m_page - 1)); break;
    case key::PageDown:
    case ' ': setCurrent(m_current + qMax(1, m_page - 1)); break;
    case key::Home:
    case 'g': setCurrent(0); break;
    case key::End:
    case 'G': setCurrent(rowCount() - 1); break;
    case key::WheelUp: setCurrent(m_current - 3); break;
    case key::WheelDown: setCurrent(m_current + 3); break;
    case key::Click:
        if (m_firstRowY < 0 || k.y < m_firstRowY || k.y >= m_firstRowY + m_page)
            return false;
        setCurrent(m_offset + k.y - m_firstRowY);
        break;
    default: return false;
    }
    return true;
}

void TableView::draw(Screen &s, int top, int bottom, bool focused, const std::function<QString(int, int)> &text,
                     const std::function<Style(int, int)> &style)
{
    if (!m_model || bottom <= top)
        return;
    const QList<int> widths = columnWidths(m_widths, s.cols());
    int x = 0;
    s.fill(top, 0, s.cols(), u' ', Style::Header);
    for (int c = 0; c < widths.size(); ++c) {
        s.put(top, x, fit(m_model->headerData(c, Qt::Horizontal).toString(), widths[c]), Style::Header);
        x += widths[c] + 1;
    }
    m_page = qMax(1, bottom - top - 1);
    m_firstRowY = top + 1;
    setCurrent(m_current);
    if (m_current < m_offset)
        m_offset = m_current;
    if (m_current >= m_offset + m_page)
        m_offset = m_current - m_page + 1;
    m_offset = qBound(0, m_offset, qMax(0, rowCount() - m_page));
    for (int i = 0; i < m_page && m_offset + i < rowCount(); ++i) {
        const int row = m_offset + i;
        const int y = top + 1 + i;
        const bool selected = row == m_current;
        x = 0;
        for (int c = 0; c < widths.size(); ++c) {
            const QString cell = text ? text(row, c) : m_model->data(m_model->index(row, c)).toString();
            const Style st = selected && focused ? Style::Selected : style ? style(row, c) : Style::Normal;
            s.put(y, x, fit(cell, widths[c]), st);
            x += widths[c] + 1;
        }
        if (selected) // the other table has the keys: its selection stays visible, quieter
            s.setStyle(y, 0, s.cols(), focused ? Style::Selected : Style::Title);
    }
}

} // namespace ferry::tui
