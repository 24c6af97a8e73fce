// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QCoreApplication>
#include <QVariant>

#include <array>

namespace ferry {

// A table model's horizontal header from its column titles, in the order of its Column enum
// (marked with QT_TR_NOOP, translated in the model's own context).
template<size_t N>
QVariant columnTitle(const QMetaObject &model, const std::array<const char *, N> &titles, int section, Qt::Orientation orientation,
                     int role)
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= int(N))
        return {};
    return QCoreApplication::translate(model.className(), titles[size_t(section)]);
}

} // namespace ferry
